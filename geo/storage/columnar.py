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
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["read_tables"]

# SQLite's driver infers each column's type from its first batch of rows and fails when a
# later batch disagrees; large batches also cost less per row (~10% of the read at a
# million rows against the default 1,024).
SQLITE_BATCH_ROWS = 1 << 20
# SQLite stores with more incidents than this are read by the child process (below: in this one).
CHILD_MIN_ROWS = 25_000
_META_SQL = "SELECT key, value FROM meta"


def read_tables(store, queries: Iterable[str]) -> tuple[dict[str, str], list[Any]]:
    """(the ``meta`` table as a dict, one ``pyarrow.Table`` per query), all read in one read transaction.

    ``queries`` are taken one at a time, after the meta read (by the child: all at once, before).

    Database failures leave as :class:`~geo.errors.StoreError`, as the store's own reads do.
    """
    busy_ms = int(store._busy_timeout * 1000)
    with store._guard("reading the incidents"):
        if store._engine.url.get_backend_name() == "sqlite":
            small = _read_small(store, queries)
            return small if small is not None else _read_in_child(store, _sqlite_uri(store), busy_ms, list(queries))
        import adbc_driver_manager
        import adbc_driver_postgresql

        begin = ["BEGIN ISOLATION LEVEL REPEATABLE READ", f"SET LOCAL lock_timeout = {busy_ms}"]
        try:
            return _read(adbc_driver_postgresql.connect(_libpq_uri(store._engine.url)), begin, queries)
        except (adbc_driver_manager.Error, OSError) as exc:  # OSError: from the Arrow stream
            # As the store's own DB-API error, so Store._guard explains it as it explains the store's.
            raise store._dbapi_error(_first_line(exc)) from exc


def _read(database, begin: Sequence[str], queries: Iterable[str], **options: str) -> tuple[dict[str, str], list[Any]]:
    """Open a connection to the ADBC ``database``, run ``begin`` then the meta read and ``queries``, roll back.

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
            return meta, [table(sql) for sql in queries]  # one by one: a test writes between them
        finally:
            run("ROLLBACK")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- SQLite, in a child process -----------------------------------------------------------------


def _read_small(store, queries: Iterable[str]) -> tuple[dict[str, str], list[Any]] | None:
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
            for sql in queries:
                cursor.execute(sql)
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                columns = zip(*rows) if rows else ([] for _ in names)
                tables.append(pa.table([pa.array(list(values)) for values in columns], names=names))
        finally:
            cursor.close()
    return meta, tables


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


def _read_in_child(store, uri: str, busy_ms: int, queries: list[str]) -> tuple[dict[str, str], list[Any]]:
    import subprocess
    import tempfile

    import pyarrow as pa

    with tempfile.TemporaryDirectory(prefix="geo-columnar-") as folder:
        proc = subprocess.run(
            [sys.executable, "-m", __name__, uri, str(busy_ms), str(SQLITE_BATCH_ROWS), folder],
            cwd=Path(__file__).resolve().parents[2],  # where the geo package is
            input=json.dumps(queries),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            raise store._dbapi_error(lines[-1] if lines else f"the reading process failed ({proc.returncode})")
        meta = json.loads(proc.stdout)
        # Mapped, not read: the tables point into the files, which stay readable after the folder goes.
        tables = [pa.ipc.open_file(pa.memory_map(f"{folder}/{i}.arrow")).read_all() for i in range(len(queries))]
    return meta, tables


def _child(uri: str, busy_ms: str, batch_rows: str, folder: str) -> int:
    """The child's work: read the queries on stdin, write one Arrow file per result, print the meta."""
    import adbc_driver_manager
    import adbc_driver_sqlite
    import pyarrow as pa

    queries = json.loads(sys.stdin.read())
    begin = [f"PRAGMA busy_timeout = {int(busy_ms)}", "BEGIN"]  # deferred: the first read takes the snapshot
    try:
        meta, tables = _read(
            adbc_driver_sqlite.connect(uri), begin, queries, **{"adbc.sqlite.query.batch_rows": str(int(batch_rows))}
        )
    except (adbc_driver_manager.Error, OSError) as exc:
        print(_first_line(exc), file=sys.stderr)
        return 1
    for i, table in enumerate(tables):
        with pa.OSFile(f"{folder}/{i}.arrow", "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    print(json.dumps(meta))
    return 0


def _libpq_uri(url) -> str:
    """The store's PostgreSQL URL as libpq takes it (no SQLAlchemy driver name), with a connect timeout."""
    from geo.storage.store import CONNECT_TIMEOUT_S

    url = url.set(drivername="postgresql")
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return url.render_as_string(hide_password=False)


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:]))
