"""Query results as Arrow tables, straight from the database driver (ADBC).

The snapshot of :mod:`geo.storage.snapshot` reads every light column of every
incident. Through the DB-API that is a million row tuples of Python objects (or,
as it was done before, one JSON array per column built by the database and
parsed again); the ADBC drivers of the Arrow project hand the rows over as
Arrow columns instead: SQLite's driver steps the statement in C and appends to
Arrow builders, PostgreSQL's reads ``COPY … (FORMAT binary)``. Floats arrive as
the stored doubles, so they round-trip exactly with no text in between.

:func:`read_tables` runs its queries in *one read transaction* together with the
read of the ``meta`` table, so the version a caller stamps on the result is the
version of exactly those rows: on SQLite a deferred transaction (its snapshot is
taken by the first SELECT and held until the end), on PostgreSQL REPEATABLE READ.

**SQLite is read in a child process** (stores of more than :data:`CHILD_MIN_ROWS`
incidents; smaller ones are read as rows through the store's own ``sqlite3``
connection and made Arrow here, quicker than starting a process). The ADBC SQLite driver carries its own copy
of the SQLite library, and two copies of SQLite in one process break SQLite's
locking (https://sqlite.org/howtocorrupt.html, "multiple copies of SQLite linked
into the same application"): POSIX locks belong to the process, so one copy closing
the file drops the other's locks. Measured here: after one ADBC connection had
closed, the next ones kept reading the first version while this process's own
``sqlite3`` connections saw every later write. The child (``python -m`` this
module: Python, pyarrow and the driver, nothing else of the app) opens the file
with the store's read-only mode and busy timeout, writes each result as an Arrow
IPC file to a temporary folder and prints the ``meta`` it read; the parent maps
the files (no copy) and the folder goes. PostgreSQL's driver is libpq: read in process.

**Later queries** (``later=``): tables the caller wants from the same transaction but
not before it goes on. The child hands the first tables over, lowers its priority and
reads these in the *same* read transaction (so they are of exactly the version the
meta says), while the caller gets :class:`Later` objects whose :meth:`Later.get` waits
for them. A snapshot build reads the sources text (its largest column, ~1 s of the
child's CPU at a million incidents) this way, after the first page. Elsewhere (small
stores, PostgreSQL) later queries are read with the others and are ready at once.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from geo.storage.messages import first_line

__all__ = ["Later", "libpq_uri", "read_tables"]

# SQLite's driver infers each column's type from its first batch of rows and fails when a
# later batch disagrees; large batches also cost less per row (~10% of the read at a
# million rows against the default 1,024).
SQLITE_BATCH_ROWS = 1 << 20
# SQLite stores with more incidents than this are read by the child process (below: in this one).
CHILD_MIN_ROWS = 25_000
_META_SQL = "SELECT key, value FROM meta"
_LATER_NICE = 10  # how much lower the child's priority is while it reads the later queries


class Later:
    """A table of a later query: :meth:`get` waits for it (once; then it is kept)."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute: Callable[[], Any] | None = compute
        self._value: Any = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    @classmethod
    def ready(cls, table: Any) -> Later:
        later = cls(lambda: table)
        later.get()
        return later

    @property
    def done(self) -> bool:
        """Whether :meth:`get` would return without waiting."""
        return self._compute is None

    def get(self) -> Any:
        """The table; raises what reading it raised (every time)."""
        with self._lock:
            if self._compute is not None:
                try:
                    self._value = self._compute()
                except BaseException as exc:  # noqa: BLE001 - kept and raised to every caller
                    self._error = exc
                self._compute = None
        if self._error is not None:
            raise self._error
        return self._value


def read_tables(store, queries: Iterable[str], later: Sequence[str] = ()) -> tuple[dict[str, str], list[Any]]:
    """(the ``meta`` table as a dict, one ``pyarrow.Table`` per query), all read in one read transaction.

    ``queries`` are taken one at a time, after the meta read (by the child: all at once, before).
    ``later`` queries are read in the same transaction, but their tables may come after this
    returns: one :class:`Later` each, after the tables of ``queries``.

    Database failures leave as :class:`~geo.errors.StoreError`, as the store's own reads do.
    """
    busy_ms = int(store._busy_timeout * 1000)
    with store._guard("reading the incidents"):
        if store._engine.url.get_backend_name() == "sqlite":
            small = _read_small(store, queries, later)
            if small is not None:
                return small
            return _read_in_child(store, _sqlite_uri(store), busy_ms, list(queries), list(later))
        import adbc_driver_manager
        import adbc_driver_postgresql

        begin = ["BEGIN ISOLATION LEVEL REPEATABLE READ", f"SET LOCAL lock_timeout = {busy_ms}"]
        try:
            meta, tables = _read(adbc_driver_postgresql.connect(libpq_uri(store._engine.url)), begin, queries, later)
        except (adbc_driver_manager.Error, OSError) as exc:  # OSError: from the Arrow stream
            # As the store's own DB-API error, so Store._guard explains it as it explains the store's.
            raise store._dbapi_error(first_line(exc)) from exc
        return meta, _ready_later(tables, len(later))


def _ready_later(tables: list[Any], n_later: int) -> list[Any]:
    """``tables`` with the last ``n_later`` wrapped as ready :class:`Later` objects."""
    first = len(tables) - n_later
    return tables[:first] + [Later.ready(table) for table in tables[first:]]


def _read(
    database,
    begin: Sequence[str],
    queries: Iterable[str],
    later: Sequence[str] = (),
    handover: Callable[[dict[str, str], list[Any]], None] | None = None,
    **options: str,
) -> tuple[dict[str, str], list[Any]]:
    """Open a connection to the ADBC ``database``, run ``begin``, the meta read, ``queries`` and ``later``, roll back.

    ``handover(meta, tables)`` (if given) gets the meta and the tables of ``queries``
    before ``later`` are read, inside the transaction. Returns all tables, ``later``'s last.
    The low-level ADBC API: its DB-API layer imports pyarrow.dataset, ~0.4 s of CPU per process.
    """
    import adbc_driver_manager as adbc
    import pyarrow as pa

    def statement(sql: str):
        stmt = adbc.AdbcStatement(conn)
        if options:
            stmt.set_options(**options)
        stmt.set_sql_query(sql)
        return stmt

    def table(sql: str) -> pa.Table:
        with statement(sql) as stmt:
            stream, _ = stmt.execute_query()
            return pa.RecordBatchReader._import_from_c(stream.address).read_all()

    def run(sql: str) -> None:
        with statement(sql) as stmt:
            stmt.execute_update()

    with database, adbc.AdbcConnection(database) as conn:
        for sql in begin:
            run(sql)
        try:
            keys, values = table(_META_SQL).columns
            meta = dict(zip(map(str, keys.to_pylist()), map(str, values.to_pylist())))
            tables = [table(sql) for sql in queries]  # one by one: a test writes between them
            if handover is not None:
                handover(meta, tables)
            return meta, tables + [table(sql) for sql in later]
        finally:
            run("ROLLBACK")


# --- SQLite, in a child process -----------------------------------------------------------------


def _read_small(store, queries: Iterable[str], later: Sequence[str] = ()) -> tuple[dict[str, str], list[Any]] | None:
    """The tables of a SQLite store of at most :data:`CHILD_MIN_ROWS` incidents, read in this process; else None.

    Row tuples through the store's own ``sqlite3`` connection, made Arrow here: for a
    small store that is quicker than starting the child (~0.3 s of CPU, mostly
    importing pyarrow), and tests build many small snapshots.
    """
    import pyarrow as pa

    with store._engine.connect() as conn, conn.begin():
        meta = {str(k): str(v) for k, v in conn.exec_driver_sql(_META_SQL).all()}
        if (conn.exec_driver_sql("SELECT max(rowid) FROM incidents").scalar() or 0) > CHILD_MIN_ROWS:
            return None  # rowids only grow: the largest bounds the count
        cursor = conn.connection.cursor()
        try:
            tables = []
            for sql in [*queries, *later]:
                cursor.execute(sql)
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                columns = zip(*rows) if rows else ([] for _ in names)
                tables.append(pa.table([pa.array(list(values)) for values in columns], names=names))
        finally:
            cursor.close()
    return meta, _ready_later(tables, len(later))


def _sqlite_uri(store) -> str:
    """The store's SQLite file as a SQLite URI filename, read-only when the store is."""
    from geo.errors import StoreError
    from geo.storage.store import _sqlite_path

    url = store._engine.url
    path = _sqlite_path(url)
    if path is None:
        raise StoreError(f"incident store {store._safe_url}: an in-memory database cannot be read by another process")
    query = dict(url.query)
    kept = [f"{key}={query[key]}" for key in ("mode", "immutable") if key in query]
    return f"file:{quote(str(path.resolve()))}" + ("?" + "&".join(kept) if kept else "")


def _read_in_child(
    store, uri: str, busy_ms: int, queries: list[str], later: list[str]
) -> tuple[dict[str, str], list[Any]]:
    """The tables read by the child; ``later``'s as :class:`Later` objects while the child goes on reading them."""
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp(prefix="geo-columnar-")
    # The child's stderr goes to a file, not a pipe: nothing reads a pipe while the child runs (this
    # process waits on its stdout), so a child writing more than a pipe holds (64 KB: warnings, a
    # traceback) to stderr blocked for ever, and this process with it.
    err = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", __name__, uri, str(busy_ms), str(SQLITE_BATCH_ROWS), folder],
            cwd=Path(__file__).resolve().parents[2],  # where the geo package is
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    except BaseException:
        err.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise

    def finish() -> None:
        """Wait for the child to end; raise its error (its stderr's last line) as the store's."""
        proc.communicate()  # (stdout: the meta line was all, already read)
        if proc.returncode != 0:
            line = _last_line(err)
            raise store._dbapi_error(line or f"the reading process failed ({proc.returncode})")

    try:
        proc.stdin.write(json.dumps([queries, later]))
        proc.stdin.close()
        proc.stdin = None  # closed: communicate() must not flush it
        line = proc.stdout.readline()  # the meta, once the first tables are written
        if not line:
            finish()
        meta = json.loads(line)
        tables = [_mapped(folder, i) for i in range(len(queries))]
        if not later:
            finish()
    except BaseException:
        _end(proc, folder, err)
        raise
    if not later:
        _end(proc, folder, err)
        return meta, tables

    def read_later(i: int) -> Any:
        with lock:  # the first caller waits for the child; the files stay until every later table is mapped
            if not done:
                try:
                    with store._guard("reading the incidents"):
                        finish()
                finally:
                    done.append(True)
            table = _mapped(folder, len(queries) + i)
            mapped.add(i)
            if len(mapped) == len(later):
                ender()
            return table

    lock, done, mapped = threading.Lock(), [], set()
    waiting = [Later(lambda i=i: read_later(i)) for i in range(len(later))]
    # Never asked for (the snapshot dropped): the child is stopped and the folder goes with the last of them.
    holder = _Holder()
    ender = weakref.finalize(holder, _end, proc, folder, err)
    for item in waiting:
        item._holder = holder  # type: ignore[attr-defined]
    return meta, tables + waiting


class _Holder:
    """Kept alive by the :class:`Later` objects of one child: when they all go, the child's cleanup runs."""


def _mapped(folder: str, i: int) -> Any:
    """The table in the child's ``i``-th file, memory-mapped: it stays readable after the folder goes."""
    import pyarrow as pa

    return pa.ipc.open_file(pa.memory_map(f"{folder}/{i}.arrow")).read_all()


def _end(proc, folder: str, err) -> None:
    """Stop the child if it still runs, close its stderr file ``err`` and remove its folder."""
    if proc.poll() is None:
        proc.kill()
        proc.communicate()
    for stream in (proc.stdin, proc.stdout, err):
        if stream is not None and not stream.closed:
            stream.close()
    shutil.rmtree(folder, ignore_errors=True)


def _last_line(file, tail: int = 4096) -> str:
    """The last non-empty line of the end of a binary ``file`` (the child's stderr), as text."""
    file.seek(0, os.SEEK_END)
    file.seek(max(0, file.tell() - tail))
    lines = file.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _child(uri: str, busy_ms: str, batch_rows: str, folder: str) -> int:
    """The child's work: read the queries on stdin, write one Arrow file per result, print the meta.

    Then, still in the same transaction and at lower priority, the later queries' files.
    """
    import adbc_driver_manager
    import adbc_driver_sqlite

    queries, later = json.loads(sys.stdin.read())

    def handover(meta: dict[str, str], tables: list[Any]) -> None:
        _write(folder, tables)
        print(json.dumps(meta), flush=True)
        if later:
            try:
                os.nice(_LATER_NICE)
            except (AttributeError, OSError):
                pass

    begin = [f"PRAGMA busy_timeout = {int(busy_ms)}", "BEGIN"]  # deferred: the first read takes the snapshot
    try:
        _, tables = _read(
            adbc_driver_sqlite.connect(uri), begin, queries, later, handover,
            **{"adbc.sqlite.query.batch_rows": str(int(batch_rows))},
        )  # fmt: skip
        _write(folder, tables[len(queries) :], start=len(queries))
    except (adbc_driver_manager.Error, OSError) as exc:
        print(first_line(exc), file=sys.stderr)
        return 1
    return 0


def _write(folder: str, tables: list[Any], start: int = 0) -> None:
    import pyarrow as pa

    for i, table in enumerate(tables, start):
        with pa.OSFile(f"{folder}/{i}.arrow", "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)


def libpq_uri(url) -> str:
    """The store's PostgreSQL URL as libpq takes it (no SQLAlchemy driver name), with a connect timeout."""
    from geo.storage.store import CONNECT_TIMEOUT_S

    url = url.set(drivername="postgresql")
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return url.render_as_string(hide_password=False)


if __name__ == "__main__":
    # The child needs no numpy, and pyarrow (numpy optional since 16) imports it when it can:
    # ~0.08 s of CPU on every build. None in sys.modules makes that import fail as if not installed.
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]
    sys.exit(_child(*sys.argv[1:]))
