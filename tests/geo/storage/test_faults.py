"""Nothing is lost under faults: a killed import, concurrent writers, a corrupt or locked
SQLite file, an unreachable PostgreSQL server.

Each test states a fault and what a user must find afterwards. Processes are real
(``python -m geo`` or ``python -c`` subprocesses), waits are bounded
and fail with a message saying what did not happen, and randomness is seeded.
Two such tests first found real store bugs (concurrent schema creation and unbounded
lock waits on PostgreSQL); the fixes are in ``geo/storage/store.py``.
"""

from __future__ import annotations

import os
import pickle
import random
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

import geo.storage.store
from geo.config import PROJECT_ROOT, get_settings
from geo.errors import StoreError
from geo.storage.store import Store
from geo.testing.synth import frame_incidents, synth_frame, synth_incidents, write_frame_csv
from tests.geo.incident_factory import make_incident
from tests.geo.storage.test_backup import BOTH, Databases, dump

BIG = 3000  # rows in the import that gets killed: six progress callbacks of 500
WAIT = 60  # seconds any process or thread gets before the test gives up on it


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def databases(tmp_path):
    """Empty SQLite files / PostgreSQL schemas on demand (see test_backup.Databases)."""
    dbs = Databases(tmp_path)
    yield dbs
    dbs.close()


def cli_env(url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GEO_DATABASE_URL": url,
        "GEO_INCIDENTS_CSV": str(tmp_path / "no-seed.csv"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def geo_cli(*args: str, url: str, tmp_path: Path, timeout: float = WAIT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        cwd=tmp_path,
        env=cli_env(url, tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text, text
    return text


def settings_for(url: str):
    return get_settings({"GEO_DATABASE_URL": url, "GEO_INCIDENTS_CSV": "/nonexistent/no-seed.csv"})


def assert_whole(url: str) -> None:
    """Every incident has exactly its sources, no source is orphaned; SQLite's own checks pass."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            partial = conn.exec_driver_sql(
                "SELECT count(*) FROM incidents i WHERE i.source_count != "
                "(SELECT count(*) FROM sources s WHERE s.incident_id = i.id)"
            ).scalar_one()
            orphans = conn.exec_driver_sql(
                "SELECT count(*) FROM sources s WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = s.incident_id)"
            ).scalar_one()
            assert (partial, orphans) == (0, 0), (
                f"{partial} incident(s) with missing sources, {orphans} orphan source(s)"
            )
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        engine.dispose()


# --- 1. an import killed half-way ----------------------------------------------------------------

# Runs the `python -m geo import ...` command line with the progress line replaced by one
# that SIGKILLs its own process once half the rows are written: inside the open
# transaction, with no chance to roll back, close the database or run atexit handlers.
# On SQLite it first reports the size of the -wal file, to show the uncommitted rows had
# reached the disk. Test-only: production code has no such switch.
KILL_HALF_WAY = """
import os, signal, sys
import geo.commands._progress as progress

class KillHalfWay:
    def __call__(self, done, total):
        if 2 * done >= total:
            url = os.environ["GEO_DATABASE_URL"]
            if url.startswith("sqlite:///"):
                print(f"wal {os.path.getsize(url.removeprefix('sqlite:///') + '-wal')}")
            print(f"killing at {done}/{total}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    def close(self):
        pass

progress.progress_for = lambda label, *, forced, stream=None: KillHalfWay()
from geo.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> tuple[Path, list]:
    """A CSV of BIG synthetic incidents, and the same incidents as objects."""
    frame = synth_frame(BIG, seed=5)
    path = tmp_path_factory.mktemp("big") / "big.csv"
    write_frame_csv(frame, path)
    return path, frame_incidents(frame)


def prepared(store: Store, incidents: list) -> None:
    """A store the big import would change in every way: 200 of its rows stored with another
    summary (updates), unrelated incidents (one deleted) that must stay as they are."""
    store.upsert_many([inc.with_changes(summary="stored before the import") for inc in incidents[:200]], user="before")
    others = synth_incidents(50, seed=6)
    store.upsert_many(others, user="before")
    store.soft_delete(others[0].id, user="before")


@pytest.mark.parametrize("kind", BOTH)
def test_an_import_killed_half_way_leaves_the_store_exactly_as_before(databases, big_file, tmp_path, kind):
    path, incidents = big_file
    store = databases.store(kind)
    prepared(store, incidents)
    before, count, version = dump(store.url), store.count(), store.version()
    wal = Path(store.url.removeprefix("sqlite:///") + "-wal")
    wal_before = wal.stat().st_size if kind == "sqlite" else 0

    killed = subprocess.run(
        [sys.executable, "-c", KILL_HALF_WAY, "import", str(path)],
        cwd=tmp_path,
        env=cli_env(store.url, tmp_path),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    *wal_report, last_words = killed.stdout.splitlines()
    assert last_words == "killing at 1500/3000"  # half the rows were written when it died
    if kind == "sqlite":  # ... and had reached the file: recovery must discard them
        (wal_at_kill,) = [int(line.split()[1]) for line in wal_report]
        assert wal_at_kill > wal_before

    assert dump(store.url) == before
    assert (store.count(), store.version()) == (count, version)
    assert_whole(store.url)
    # The dead writer left no lock behind: the same import now goes through, whole.
    assert store.upsert_many(incidents, user="again") == {"added": BIG - 200, "updated": 200, "unchanged": 0}
    assert store.count() == count + BIG - 200
    assert_whole(store.url)


def read_until(proc: subprocess.Popen, stream, marker: bytes, timeout: float) -> None:
    """Read ``stream`` (a pipe of ``proc``) until ``marker`` appears; a progress line has no newline."""
    seen, deadline = b"", time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} after {timeout}s; saw {seen[-500:]!r}"
        ready, _, _ = select.select([stream], [], [], left)
        chunk = os.read(stream.fileno(), 4096) if ready else b""
        assert chunk or not ready, f"the pipe closed before {marker!r} (exit code {proc.poll()}); saw {seen[-500:]!r}"
        seen += chunk


@pytest.mark.parametrize("seed", [1, 2])
def test_an_import_killed_at_a_random_moment_is_all_or_nothing(databases, big_file, tmp_path, seed):
    """A real SIGKILL from outside, at a seeded random moment after writing started."""
    path, incidents = big_file
    store = databases.store("sqlite")
    prepared(store, incidents)
    before, count = dump(store.url), store.count()

    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "import", str(path), "--progress"],
        cwd=tmp_path,
        env=cli_env(store.url, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        read_until(proc, proc.stderr, b"importing: 500/", timeout=WAIT)  # the first chunk is written, uncommitted
        time.sleep(random.Random(seed).uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()

    assert_whole(store.url)
    if store.count() == count:  # killed before the commit: nothing of it
        assert dump(store.url) == before
    else:  # the commit won the race: all of it
        assert store.count() == count + BIG - 200
        assert "stored before the import" not in {i.summary for i in store.all()}


# --- 2. concurrent writers -----------------------------------------------------------------------
#
# Writers are separate programs (`python -c` importing only geo.storage.store), started together:
# each prints "ready" once connected, then waits for a gate file, so that they race.

WRITERS, EDITS = 4, 8

EDIT_WORKER = """
import json, os, sys, time
from geo.errors import ConflictError
from geo.storage.store import Store

url, incident_id, name, edits, gate = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
store = Store(url)
store.get_version(incident_id)
print("ready", flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(gate):
    if time.monotonic() > deadline:
        sys.exit("the gate never opened")
    time.sleep(0.002)
conflicts = 0
for n in range(edits):
    for attempt in range(1000):
        # The version must be read before the incident: read after it, it could belong to
        # a newer save than the content being edited, and that save would be overwritten.
        version = store.get_version(incident_id)
        current = store.get(incident_id)
        edited = current.with_changes(munitions=current.munitions + 1, summary=f"{current.summary} {name}.{n}")
        try:
            store.update(edited, expected_version=version, user=name)
            break
        except ConflictError:
            conflicts += 1
    else:
        sys.exit(f"{name}: edit {n} lost 1000 races in a row")
store.dispose()
print(json.dumps({"conflicts": conflicts}))
"""

UPSERT_WORKER = """
import json, os, pickle, sys, time
from geo.storage.store import Store

url, batch_file, name, gate = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
with open(batch_file, "rb") as fh:
    incidents = pickle.load(fh)
store = Store(url)
store.count()
print("ready", flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(gate):
    if time.monotonic() > deadline:
        sys.exit("the gate never opened")
    time.sleep(0.002)
print(json.dumps(store.upsert_many(incidents, user=name)))
store.dispose()
"""


def race(scripts: list[list[str]], url: str, tmp_path: Path) -> list[dict]:
    """Run ``python -c SCRIPT ARGS... GATE`` for each entry, all released at once; their JSON results."""
    gate = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *args, str(gate)],
            cwd=tmp_path,
            env=cli_env(url, tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for script, *args in scripts
    ]
    try:
        for proc in procs:
            read_until(proc, proc.stdout, b"ready\n", timeout=WAIT)
        gate.touch()
        outputs = [proc.communicate(timeout=WAIT) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    failures = [err.decode(errors="replace") for proc, (_, err) in zip(procs, outputs) if proc.returncode != 0]
    assert failures == [], failures
    return [orjson.loads(out) for out, _ in outputs]


@pytest.mark.parametrize("kind", BOTH)
def test_concurrent_edits_of_one_incident_lose_no_update(databases, tmp_path, kind):
    store = databases.store(kind)
    incident = make_incident(munitions=0, summary="edits:")
    store.upsert_many([incident], user="setup")
    data_version = int(store.version().split(":")[1])

    race([[EDIT_WORKER, store.url, incident.id, f"w{i}", str(EDITS)] for i in range(WRITERS)], store.url, tmp_path)

    total = WRITERS * EDITS
    final = store.get(incident.id)
    assert final.munitions == total
    assert store.get_version(incident.id) == 1 + total
    tokens = final.summary.split()[1:]
    assert sorted(tokens) == sorted(f"w{i}.{n}" for i in range(WRITERS) for n in range(EDITS))  # each edit once
    updates = [e for e in store.audit(incident.id, limit=1000) if e["action"] == "update"]
    assert len(updates) == total
    assert {e["user"] for e in updates} == {f"w{i}" for i in range(WRITERS)}
    assert int(store.version().split(":")[1]) == data_version + total
    assert_whole(store.url)


@pytest.mark.parametrize("kind", BOTH)
def test_concurrent_imports_of_different_incidents_keep_every_row(databases, tmp_path, kind):
    store = databases.store(kind)
    batches = [synth_incidents(150, seed=100 + i) for i in range(3)]
    scripts = []
    for i, batch in enumerate(batches):
        batch_file = tmp_path / f"batch{i}.pickle"
        batch_file.write_bytes(pickle.dumps(batch))
        scripts.append([UPSERT_WORKER, store.url, str(batch_file), f"importer{i}"])

    results = race(scripts, store.url, tmp_path)

    assert results == [{"added": 150, "updated": 0, "unchanged": 0}] * 3
    assert store.count() == 450
    assert {i.id for i in store.all()} == {inc.id for batch in batches for inc in batch}
    assert len(store.audit(limit=1000)) == 450
    assert store.version().endswith(":3")  # one data version per import
    assert_whole(store.url)


@pytest.mark.parametrize(
    "kind",
    [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ],
)
def test_two_programs_opening_a_new_store_at_once_both_succeed(databases, monkeypatch, kind):
    """E.g. the dashboard and an import started together on an empty database."""
    from alembic import command

    url = databases.url(kind)
    first, second = Store(url), Store(url)
    real_upgrade = command.upgrade
    first_created_schema, let_first_commit = threading.Event(), threading.Event()

    def upgrade_then_hold(cfg, *args, **kwargs):
        # Only the first migration pauses, schema created but not committed yet.
        real_upgrade(cfg, *args, **kwargs)
        if not first_created_schema.is_set():
            first_created_schema.set()
            assert let_first_commit.wait(WAIT), "the test never let the first migration commit"

    monkeypatch.setattr(command, "upgrade", upgrade_then_hold)
    errors = []
    holder = threading.Thread(target=lambda: _collect(errors, first.migrate))
    holder.start()
    try:
        assert first_created_schema.wait(WAIT), "the first migration never got to create the schema"
        racer = threading.Thread(target=lambda: _collect(errors, second.migrate))
        racer.start()
        time.sleep(0.5)  # the second is now waiting on the first (SQLite: busy timeout; PostgreSQL: catalog lock)
    finally:
        let_first_commit.set()
        holder.join(WAIT)
    racer.join(WAIT)
    try:
        if errors:
            raise errors[0]
        assert second.count() == 0 and first.count() == 0
    finally:
        first.dispose()
        second.dispose()


def _collect(errors: list, call) -> None:
    try:
        call()
    except Exception as exc:  # noqa: BLE001  (handed to the test thread, which raises or inspects it)
        errors.append(exc)


# --- 3. a corrupt SQLite file -------------------------------------------------------------------


def random_bytes(path: Path, tmp_path: Path) -> None:
    path.write_bytes(random.Random(3).randbytes(64 * 1024))


def truncated_store(path: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.sqlite"
    store = Store(f"sqlite:///{real}")
    store.migrate()
    store.upsert_many(synth_incidents(300, seed=8))
    store.dispose()  # the last connection checkpoints the WAL into the file
    data = real.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def text_file(path: Path, tmp_path: Path) -> None:
    path.write_text("Notes on the January attacks\n" * 400, encoding="utf-8")


CORRUPT = {"random bytes": random_bytes, "a truncated store": truncated_store, "a text file": text_file}


@pytest.fixture(params=list(CORRUPT))
def corrupt_file(request, tmp_path) -> Path:
    path = tmp_path / "corrupt.sqlite"
    CORRUPT[request.param](path, tmp_path)
    return path


def test_opening_a_corrupt_file_is_a_one_line_store_error_and_the_file_is_left_alone(corrupt_file):
    original = corrupt_file.read_bytes()
    with pytest.raises(StoreError) as err:
        Store.open(settings_for(f"sqlite:///{corrupt_file}"))
    assert "corrupt" in one_line(err.value) and str(corrupt_file) in str(err.value)
    assert corrupt_file.read_bytes() == original  # not "repaired" into an empty store


def test_exporting_from_a_corrupt_file_exits_1_with_one_error_line(corrupt_file, tmp_path):
    result = geo_cli("export", url=f"sqlite:///{corrupt_file}", tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "corrupt" in one_error_line(result.stderr)


# --- 4. a locked SQLite file --------------------------------------------------------------------

LOCK_WAIT = 0.5  # a short busy timeout keeps the test quick; the store's default is geo.storage.store.BUSY_TIMEOUT_S

WRITES = {
    "import": lambda store, inc: store.upsert_many([make_incident(date=inc.date.replace(year=2020))], user="u"),
    "edit": lambda store, inc: store.update(inc.with_changes(killed=9), expected_version=1, user="u"),
    "delete": lambda store, inc: store.soft_delete(inc.id, user="u"),
}


@pytest.fixture
def sqlite_store(tmp_path):
    """A SQLite store with one incident, a short busy timeout, and its file path."""
    path = tmp_path / "store.sqlite"
    store = Store(f"sqlite:///{path}", busy_timeout=LOCK_WAIT)
    store.migrate()
    incident = make_incident()
    store.upsert_many([incident], user="setup")
    yield store, path, incident
    store.dispose()


@pytest.fixture
def other_program(sqlite_store):
    """A plain sqlite3 connection holding an exclusive write transaction on the store."""
    _, path, _ = sqlite_store
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO meta (key, value) VALUES ('other-program', 'was here')")
    yield conn
    if conn.in_transaction:
        conn.rollback()
    conn.close()


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_a_write_to_a_locked_store_fails_within_the_busy_timeout_then_succeeds(sqlite_store, other_program, write):
    store, _, incident = sqlite_store
    began = time.monotonic()
    with pytest.raises(StoreError) as err:
        WRITES[write](store, incident)
    waited = time.monotonic() - began

    message = one_line(err.value)
    assert "locked" in message or "busy" in message
    assert LOCK_WAIT * 0.8 <= waited < LOCK_WAIT + 2.0, f"gave up after {waited:.2f}s, busy timeout {LOCK_WAIT}s"
    assert store.count() == 1 and store.get(incident.id) == incident  # reading never waits (WAL)

    other_program.commit()
    WRITES[write](store, incident)  # the same write, retried, now goes through
    assert store.get_version(incident.id) == (1 if write == "import" else 2)
    assert store.version().endswith(":2")
    assert other_programs_write(store.url) == "was here"  # and the other program's write stayed


def other_programs_write(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'other-program'").scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_a_write_waits_for_a_short_lock_and_loses_nothing(tmp_path, write):
    path = tmp_path / "store.sqlite"
    store = Store(f"sqlite:///{path}", busy_timeout=5.0)
    store.migrate()
    incident = make_incident()
    store.upsert_many([incident], user="setup")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO meta (key, value) VALUES ('other-program', 'was here')")
    releaser = threading.Timer(0.3, other.commit)  # the other program finishes its write soon
    releaser.start()
    try:
        began = time.monotonic()
        WRITES[write](store, incident)
        waited = time.monotonic() - began
    finally:
        releaser.join(WAIT)
        other.close()
    try:
        assert 0.2 <= waited < 5.0, f"the write took {waited:.2f}s; it should have waited for the 0.3s lock"
        assert store.version().endswith(":2")
        assert other_programs_write(store.url) == "was here"
    finally:
        store.dispose()


@pytest.mark.postgres
def test_a_write_to_a_locked_postgresql_row_fails_within_the_busy_timeout(databases):
    store = Store(databases.url("postgresql"), busy_timeout=LOCK_WAIT)
    store.migrate()
    incident = make_incident()
    store.upsert_many([incident], user="setup")
    other = sa.create_engine(store.url)
    errors: list[BaseException] = []
    with other.connect() as conn:
        tx = conn.begin()
        conn.exec_driver_sql("SELECT 1 FROM incidents FOR UPDATE")  # e.g. someone's psql session left open
        writer = threading.Thread(
            target=lambda: _collect(
                errors, lambda: store.update(incident.with_changes(killed=9), expected_version=1, user="u")
            )
        )
        writer.start()
        writer.join(LOCK_WAIT + 2.5)
        still_waiting = writer.is_alive()
        tx.rollback()  # let a hung writer finish whatever the outcome
    writer.join(WAIT)
    other.dispose()
    store.dispose()
    assert not still_waiting, f"the write was still waiting after {LOCK_WAIT + 2.5:g}s (busy timeout {LOCK_WAIT}s)"
    assert errors and "locked" in one_line(errors[0])


# --- 5. an unreachable PostgreSQL server --------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers: a hung server or a black-holed route."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_closed_port_is_a_store_error_at_once(closed_port):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port}/atlas"
    began = time.monotonic()
    with pytest.raises(StoreError) as err:
        Store.open(settings_for(url))
    assert time.monotonic() - began < 2.0
    message = one_line(err.value)
    assert "cannot reach the database server" in message and f"127.0.0.1:{closed_port}" in message


def test_a_silent_server_is_a_store_error_after_the_connect_timeout(silent_server, monkeypatch):
    monkeypatch.setattr(geo.storage.store, "CONNECT_TIMEOUT_S", 2)  # libpq's smallest useful timeout
    began = time.monotonic()
    with pytest.raises(StoreError) as err:
        Store(f"postgresql+psycopg://nobody@127.0.0.1:{silent_server}/atlas").count()
    waited = time.monotonic() - began
    assert 1.5 <= waited < 6.0, f"gave up after {waited:.2f}s with a 2s connect timeout"
    assert "cannot reach the database server" in one_line(err.value)


def test_the_connect_timeout_is_short_enough_for_a_page_load():
    assert 0 < geo.storage.store.CONNECT_TIMEOUT_S <= 10


def test_exporting_from_an_unreachable_server_exits_1_with_one_error_line(closed_port, tmp_path):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port}/atlas"
    result = geo_cli("export", url=url, tmp_path=tmp_path, timeout=30)
    assert result.returncode == 1 and result.stdout == ""
    assert "cannot reach the database server" in one_error_line(result.stderr)
