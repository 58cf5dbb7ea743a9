"""Sign-in lockout (geo.lockout): counted per user name and per address, on the server, with backoff.

Time is injected (``now=``); nothing sleeps. The store-backed book runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from geo.lockout import LockoutPolicy, MemoryBook, SignInGuard, StoreBook, sign_in_keys
from geo.storage.store import Store

T0 = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.timezone.utc)
ALICE_HERE = sign_in_keys("alice", "203.0.113.9")


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(params=["memory", "store"])
def guard(request, store_url):
    if request.param == "memory":
        yield SignInGuard(MemoryBook())
        return
    store = Store(store_url)
    store.migrate()
    yield SignInGuard(StoreBook(store))
    store.dispose()


def fail(guard: SignInGuard, times: int, keys=ALICE_HERE, start: float = 0.0) -> float:
    wait = 0.0
    for i in range(times):
        wait = guard.failed(keys, now=at(start + i))
    return wait


@pytest.mark.parametrize(
    "failures, seconds",
    [(0, 0), (4, 0), (5, 60), (6, 120), (7, 240), (10, 1920), (11, 3600), (50, 3600), (10**6, 3600)],
)
def test_the_lock_doubles_from_the_fifth_failure_up_to_an_hour(failures, seconds):
    assert LockoutPolicy().lock_seconds(failures) == seconds


def test_four_failures_lock_nothing_and_the_fifth_locks_for_a_minute(guard):
    assert fail(guard, 4) == 0
    assert guard.retry_after(ALICE_HERE, now=at(4)) == 0
    assert guard.failed(ALICE_HERE, now=at(4)) == 60
    assert guard.retry_after(ALICE_HERE, now=at(34)) == 30
    assert guard.retry_after(ALICE_HERE, now=at(64)) == 0


def test_each_failure_after_the_lock_doubles_it(guard):
    fail(guard, 5)
    assert guard.failed(ALICE_HERE, now=at(100)) == 120
    assert guard.failed(ALICE_HERE, now=at(300)) == 240


def test_the_count_is_per_user_name_and_per_address(guard):
    fail(guard, 5)
    # The same name from another address is locked (the name's count) ...
    assert guard.retry_after(sign_in_keys("alice", "198.51.100.7"), now=at(10)) > 0
    # ... and so is another name from the same address (the address's count).
    assert guard.retry_after(sign_in_keys("bob", "203.0.113.9"), now=at(10)) > 0
    assert guard.retry_after(sign_in_keys("bob", "198.51.100.7"), now=at(10)) == 0


def test_names_are_counted_as_typed_trimmed_and_case_folded(guard):
    for i, name in enumerate(["alice", " Alice", "ALICE ", "alice", "aLiCe"]):
        guard.failed(sign_in_keys(name, f"192.0.2.{i}"), now=at(i))
    assert guard.retry_after(sign_in_keys("alice", "192.0.2.99"), now=at(10)) > 0


def test_a_success_clears_the_count(guard):
    fail(guard, 4)
    guard.succeeded(ALICE_HERE)
    assert fail(guard, 4, start=10) == 0


def test_failures_a_day_old_are_forgotten(guard):
    fail(guard, 4)
    day = 24 * 3600
    assert guard.failed(ALICE_HERE, now=at(day + 10)) == 0  # counted as the first again
    assert guard.retry_after(ALICE_HERE, now=at(day + 11)) == 0


def test_store_counts_are_shared_by_every_server_using_the_store(store_url):
    one, two = Store(store_url), Store(store_url)
    for s in (one, two):
        s.migrate()
    try:
        first, second = SignInGuard(StoreBook(one)), SignInGuard(StoreBook(two))
        fail(first, 3)
        fail(second, 2, start=3)
        assert first.retry_after(ALICE_HERE, now=at(5)) == 59
    finally:
        one.dispose()
        two.dispose()


def test_failures_from_many_threads_at_once_are_all_counted(store_url):
    store = Store(store_url)
    store.migrate()
    guard = SignInGuard(StoreBook(store))
    threads = [threading.Thread(target=guard.failed, args=(ALICE_HERE,), kwargs={"now": at(0)}) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    try:
        assert {k: n for k, (n, _) in store.sign_in_failures(ALICE_HERE).items()} == dict.fromkeys(ALICE_HERE, 12)
    finally:
        store.dispose()


def test_a_read_only_store_counts_in_the_process_instead(tmp_path):
    path = tmp_path / "store.sqlite"
    Store(f"sqlite:///{path}").migrate()
    # mode=ro: SQLite itself refuses every write, even to root (who ignores file permissions).
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert read_only.read_only
    guard = SignInGuard(StoreBook(read_only))
    assert fail(guard, 5) == 60
    assert guard.retry_after(ALICE_HERE, now=at(10)) == 54  # the 5th failure was at 4 s
    guard.succeeded(ALICE_HERE)
    assert guard.retry_after(ALICE_HERE, now=at(10)) == 0


def test_the_memory_book_stays_bounded():
    book = MemoryBook(max_keys=100)
    guard = SignInGuard(book)
    for i in range(1000):
        guard.failed(sign_in_keys(f"user{i}", "192.0.2.1"), now=at(0))
    assert len(book._counts) <= 100
    assert guard.retry_after(sign_in_keys("anyone", "192.0.2.1"), now=at(1)) > 0  # the address: recent, kept
