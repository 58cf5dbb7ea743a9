"""Sign-in lockout: failed editor sign-ins counted on the server, with exponential backoff.

Failures are counted per *key*, one for the user name tried (``user:alice``) and one
for the client address it came from (``address:203.0.113.9``), so guessing one
editor's password from many addresses and trying many names from one address are
both slowed down. A key with :attr:`LockoutPolicy.free_failures` failures in a row is
locked for :attr:`~LockoutPolicy.first_lock` seconds, and every further failure
doubles that, up to :attr:`~LockoutPolicy.max_lock`. While any key of an attempt is
locked the password is not even checked. A success clears the keys; a key with no
failure for :attr:`~LockoutPolicy.forget_after` seconds starts again from zero.

Where the counts live (:class:`SignInGuard` takes a *book*):

* :class:`StoreBook`: in the incident store's ``sign_in_failures`` table, shared by
  every session of every app server using that store. A store this process cannot
  write to (read-only) falls back to a :class:`MemoryBook` for the process.
* :class:`MemoryBook`: in this process, shared by all its sessions (thread-safe),
  bounded in size.

Nothing here sleeps or reads the clock: every call takes ``now``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from geo.config import utc_instant
from geo.errors import StoreError

__all__ = ["LockoutPolicy", "MemoryBook", "SignInGuard", "StoreBook", "sign_in_keys"]

log = logging.getLogger(__name__)

Counts = dict[str, tuple[int, dt.datetime]]  # key -> (failures in a row, time of the last)


@dataclass(frozen=True)
class LockoutPolicy:
    free_failures: int = 5  # failures in a row before the first lock
    first_lock: float = 60.0  # seconds, after the 5th failure; doubled by each further one
    max_lock: float = 3600.0  # the longest lock (reached at the 11th failure)
    forget_after: float = 24 * 3600.0  # a key with no failure for this long starts again

    def lock_seconds(self, failures: int) -> float:
        """How long a key with ``failures`` failures in a row stays locked after the last one."""
        if failures < self.free_failures:
            return 0.0
        return min(self.max_lock, self.first_lock * 2.0 ** min(failures - self.free_failures, 32))


def sign_in_keys(user: str, address: str | None) -> tuple[str, str]:
    """The keys an attempt counts against: the user name as typed (trimmed, case-folded) and the address."""
    return f"user:{user.strip().casefold()[:150]}", f"address:{(address or 'local')[:100]}"


class Book(Protocol):
    def failures(self, keys: Sequence[str]) -> Counts: ...
    def add_failure(self, keys: Sequence[str], *, now: dt.datetime, forget_before: dt.datetime) -> Counts: ...
    def clear(self, keys: Sequence[str]) -> None: ...


class MemoryBook:
    """Counts in this process, shared by all its sessions; the oldest keys go beyond ``max_keys``."""

    def __init__(self, max_keys: int = 100_000):
        self._counts: OrderedDict[str, tuple[int, dt.datetime]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def failures(self, keys: Sequence[str]) -> Counts:
        with self._lock:
            return {key: self._counts[key] for key in keys if key in self._counts}

    def add_failure(self, keys: Sequence[str], *, now: dt.datetime, forget_before: dt.datetime) -> Counts:
        with self._lock:
            for key in dict.fromkeys(keys):
                failures, last = self._counts.pop(key, (0, now))
                self._counts[key] = (1 if last < forget_before else failures + 1, now)
            while len(self._counts) > self._max_keys:
                self._counts.popitem(last=False)
            return {key: self._counts[key] for key in keys}

    def clear(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._counts.pop(key, None)


class StoreBook:
    """Counts in the store (shared by every server using it); in memory when the store refuses the write."""

    def __init__(self, store):
        self.store = store
        self.fallback = MemoryBook()

    def failures(self, keys: Sequence[str]) -> Counts:
        found = self.fallback.failures(keys)
        try:
            stored = self.store.sign_in_failures(keys)
        except StoreError as exc:
            log.warning("sign-in lockout: cannot read the store (%s); counting in this process only", exc)
            return found
        # Both may hold a key when the store refused some writes: the higher count wins.
        return {k: max(v for v in (found.get(k), stored.get(k)) if v) for k in {*found, *stored}}

    def add_failure(self, keys: Sequence[str], *, now: dt.datetime, forget_before: dt.datetime) -> Counts:
        if not getattr(self.store, "read_only", False):
            try:
                return self.store.add_sign_in_failure(keys, now=now, forget_before=forget_before)
            except StoreError as exc:
                log.warning("sign-in lockout: cannot write to the store (%s); counting in this process only", exc)
        return self.fallback.add_failure(keys, now=now, forget_before=forget_before)

    def clear(self, keys: Sequence[str]) -> None:
        self.fallback.clear(keys)
        if not getattr(self.store, "read_only", False):
            try:
                self.store.clear_sign_in_failures(keys)
            except StoreError as exc:
                log.warning("sign-in lockout: cannot write to the store (%s)", exc)


class SignInGuard:
    """Decides whether a sign-in may be tried now, and counts the outcome."""

    def __init__(self, book: Book, policy: LockoutPolicy | None = None):
        self.book = book
        self.policy = policy or LockoutPolicy()

    def retry_after(self, keys: Sequence[str], *, now: dt.datetime) -> float:
        """Seconds until an attempt with these keys may be tried (0: now)."""
        return self._remaining(self.book.failures(keys), utc_instant(now))

    def failed(self, keys: Sequence[str], *, now: dt.datetime) -> float:
        """Count a failed attempt; the seconds until the next may be tried."""
        now = utc_instant(now)
        forget_before = now - dt.timedelta(seconds=self.policy.forget_after)
        return self._remaining(self.book.add_failure(keys, now=now, forget_before=forget_before), now)

    def succeeded(self, keys: Sequence[str]) -> None:
        self.book.clear(keys)

    def _remaining(self, counts: Counts, now: dt.datetime) -> float:
        forget_before = now - dt.timedelta(seconds=self.policy.forget_after)
        waits = [
            (last - now).total_seconds() + self.policy.lock_seconds(failures)
            for failures, last in counts.values()
            if last >= forget_before
        ]
        return max([0.0, *waits])

