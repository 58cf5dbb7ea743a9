"""Filters as SQL, and the incidents that pass them streamed from the store in chunks.

:func:`where` turns a :class:`geo.view.filters.Filters` into a SQL ``WHERE`` clause
(SQLAlchemy Core, the same on SQLite and PostgreSQL); the date range runs on
the indexed ``date`` column. It means what :meth:`geo.storage.snapshot.Snapshot.mask`
means, so an export from the command line holds what the map shows for the
same filters: a week- or month-precision incident passes a range that overlaps
its period, and free text matches the text columns or a source's outlet, URL,
title or evidence (case-insensitive for every letter, on SQLite too: a needle
that is not ASCII folds the text with the store's ``geo_lower``).

:func:`iter_chunks` reads the passing incidents in the snapshot's canonical
order (date, then SQLite's rowid or PostgreSQL's id) through one cursor, a few
thousand rows at a time (a server-side cursor on PostgreSQL), and hands each
batch on as a :class:`geo.formats.export.Chunk` before reading the next: memory stays
that of one chunk whatever the store holds. The sources come with their rows
(``incidents.sources_json``, the store's denormalised copy), so there is no
second query per chunk.

:func:`iter_encoded` is the fast path of the GeoJSON and CSV exports. On SQLite
the database itself writes each passing incident as its GeoJSON Feature text
(:func:`feature_sql`: ``printf``, ``json_object``/``json_quote``) or CSV line
(:func:`csv_row_sql`), so Python only joins and writes bytes. On PostgreSQL the
rows come as Arrow columns through ADBC (``COPY … (FORMAT binary)``, :func:`_pg_batches`)
and :mod:`geo.formats.export_arrow` writes them, column by column. Either way the
text is exactly what :func:`geo.formats.export.write_export` makes of a :class:`Chunk`: the same
members in the same order, coordinates rounded to
:data:`~geo.formats.export.COORDINATE_DECIMALS` decimals, ``lat``/``lon``
properties in full (the shortest text that reads back as the same float, or 17
digits), ``intercepted`` a boolean, missing figures ``null``, the sources' JSON
text spliced in as stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from geo.errors import InputError
from geo.formats.export import COORDINATE_DECIMALS, FORMULA_STARTS, INT_FIELDS, SEPARATORS, TEXT_FIELDS, Chunk, Encoded
from geo.view.filters import Filters
from geo.incidents import FIELDS
from geo.storage.store import Store, incidents_table, meta_table, sources_table

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["CHUNK_ROWS", "MAX_WORKERS", "RowSql", "count", "csv_row_sql", "feature_sql", "iter_chunks", "iter_encoded", "where"]

CHUNK_ROWS = 10_000
MAX_WORKERS = 4  # threads of a SQLite GeoJSON export (one per core up to this)
# What free text searches (as geo.storage.snapshot.TEXT_COLUMNS, and the sources' text fields).
_TEXT_COLUMNS = ("summary", "location", "actor", "attributed_by", "target", "site_id")
_SOURCE_TEXT = ("outlet", "url", "title", "evidence")


def where(filters: Filters) -> sa.ColumnElement[bool]:
    """The SQL condition an incident row must meet to pass ``filters`` (deleted rows never do).

    :class:`~geo.errors.InputError` for a filter value holding a NUL character: no stored text
    can hold one (PostgreSQL's text cannot), and PostgreSQL's reader (values written into the
    SQL, see :func:`_pg_sql`) failed on it with a syntax error while SQLite matched nothing.
    """
    for name, values in (("text", (filters.text,)), *filters.choices()):
        if any("\x00" in str(v) for v in values):
            raise InputError(f"the {name} filter holds a NUL character (\\x00), which no stored text contains")
    t = incidents_table
    # The date bounds limit the indexed range; the overlap test then says exactly which rows pass.
    conditions: list[sa.ColumnElement[bool]] = [t.c.deleted_at.is_(None), *_date_bounds(filters)]
    if filters.date_from is not None:
        start = filters.date_from
        week_start, month_start = _period_starts(start)
        conditions.append(
            sa.or_(
                t.c.date >= start,
                sa.and_(t.c.date_precision == "week", t.c.date >= week_start),
                sa.and_(t.c.date_precision == "month", t.c.date >= month_start),
            )
        )
    for column, wanted in filters.choices():
        if wanted:
            conditions.append(t.c[column].in_(list(wanted)))
    if filters.intercepted is not None:
        conditions.append(t.c.intercepted == filters.intercepted)
    needle = filters.text.strip().lower()
    if needle:
        s = sources_table

        # An ASCII needle can only match ASCII letters, which SQLite's own lower() folds (fast, in C).
        fold = sa.func.lower if needle.isascii() else _unicode_lower

        def has(column) -> sa.ColumnElement[bool]:
            return fold(column).contains(needle, autoescape=True)

        in_sources = (
            sa.select(sa.literal(1))
            .where(s.c.incident_id == t.c.id, sa.or_(*(has(s.c[name]) for name in _SOURCE_TEXT)))
            .exists()
        )
        conditions.append(sa.or_(*(has(t.c[name]) for name in _TEXT_COLUMNS), in_sources))
    return sa.and_(*conditions)


def _date_bounds(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The range of stored (indexed) dates an incident passing ``filters`` can have, as conditions."""
    t = incidents_table
    bounds = []
    if filters.date_from is not None:
        bounds.append(t.c.date >= min(_period_starts(filters.date_from)))
    if filters.date_to is not None:
        bounds.append(t.c.date <= filters.date_to)
    return bounds


def _period_starts(start: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest stored dates of a week- and a month-precision incident overlapping ``start``.

    A week-precision incident covers 7 days; a month-precision one is stored on the 1st.
    """
    return start - dt.timedelta(days=6), start.replace(day=1)


class _unicode_lower(sa.sql.functions.FunctionElement):
    """lower() folding every letter: PostgreSQL's does; on SQLite the store's ``geo_lower`` (Python's).

    A FunctionElement, not a GenericFunction: those register their name for ``sa.func`` everywhere.
    """

    type = sa.String()
    inherit_cache = True


@compiles(_unicode_lower)
def _lower(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(_unicode_lower, "sqlite")
def _sqlite_unicode_lower(element, compiler, **kw) -> str:
    return f"geo_lower({compiler.process(element.clauses, **kw)})"


def count(store: Store, filters: Filters) -> int:
    """How many incidents pass ``filters``."""
    query = sa.select(sa.func.count()).select_from(incidents_table).where(where(filters))
    with store._guard("reading"), store._engine.connect() as conn:
        return conn.execute(query).scalar_one()


@dataclass(frozen=True)
class RowSql:
    """An incident's text as SQL over the columns of ``incidents``."""

    text: str


_FEATURE_HEAD = '{"type":"Feature","geometry":{"type":"Point","coordinates":[%s,%s]},"properties":{'


def feature_sql() -> RowSql:
    """One incident's GeoJSON Feature text as SQLite SQL: a short way for the usual incident, the exact
    member by member way for the rest.

    The usual incident has coordinates of at most
    :data:`~geo.formats.export.COORDINATE_DECIMALS` decimals (:func:`_sqlite_decimals`:
    every coordinate of most stores), so rounding leaves them as they are and printf's
    ``%!.15g`` is their exact text, once for the geometry and once for the properties.
    Its text members go through ONE ``json_object`` (SQLite's own JSON escaping, as
    ``json_quote`` does it, NULL as null) instead of one ``json_quote`` each:
    every SQL function call copies its text arguments, and SQLite spent ~1/4 of an
    export's instructions on those calls and copies (callgrind, 20k incidents: 37k
    instructions an incident instead of 48k). ``sources`` is spliced in as stored
    and ``status`` follows it, so the object's closing brace is cut off and they are
    appended by the printf that writes the whole feature.
    """
    axes = ("lon", "lat")
    exact = [_member_sql(name) for name in FIELDS]
    coordinates = [f"printf('%!.15g', round({axis}, {COORDINATE_DECIMALS}))" for axis in axes]
    template = _FEATURE_HEAD + ",".join(f'"{name}":%s' for name in FIELDS) + "}}"
    exact_text = f"printf('{template}', {', '.join([*coordinates, *exact])})"

    def members(names) -> str:
        pairs = [f"'{name}', {_json_member(name)}" for name in names]
        return f"rtrim(json_object({', '.join(pairs)}), '}}')"  # without its closing brace

    properties = [name for name in FIELDS if name not in ("sources", "status")]
    assert FIELDS[-2:] == ("sources", "status")  # the order the short template writes them in
    # The head up to "properties": (the object brings its own opening brace), coordinates by printf.
    head = _FEATURE_HEAD.replace("%s", "%!.15g").removesuffix("{")
    if _sqlite_json_floats():
        short = head + '%s,"sources":%s,"status":%s}}'
        values = ["lon", "lat", members(properties)]
    else:  # this SQLite writes floats in JSON otherwise: lat and lon by printf, between two objects
        i = properties.index("lat")
        assert properties[i : i + 2] == ["lat", "lon"]
        short = head + '%s,"lat":%!.15g,"lon":%!.15g,%s,"sources":%s,"status":%s}}'
        values = ["lon", "lat", members(properties[:i]), "lat", "lon", f"ltrim({members(properties[i + 2:])}, '{{')"]
    short_text = f"printf('{short}', {', '.join([*values, 'sources_json', _member_sql('status')])})"
    usual = " AND ".join(_sqlite_decimals(axis) for axis in axes)
    return RowSql(f"CASE WHEN {usual} THEN {short_text} ELSE {exact_text} END")


def _json_member(name: str) -> str:
    """A property as ``json_object`` takes it: the column (it escapes text), ``intercepted`` as JSON true/false."""
    if name == "intercepted":
        return f"json({_member_sql(name)})"  # JSON text: json_object writes it as it is
    return name


@functools.lru_cache(maxsize=1)
def _sqlite_json_floats() -> bool:
    """Whether SQLite's JSON functions write a float as printf's ``%!.15g`` does (SQLite 3.40 does).

    Then ``json_object`` writes ``lat``/``lon`` of the short way exactly; otherwise they are
    written by printf. Asked once per process of the SQLite library Python loaded.
    """
    import sqlite3

    values = (35.46929, -44.5, 33.0, 1e-4, 0.1, 123456.123456, 999999999.999999)
    con = sqlite3.connect(":memory:")
    try:
        sql = " AND ".join("json_quote(?) = printf('%!.15g', ?)" for _ in values)
        return bool(con.execute(f"SELECT {sql}", [v for v in values for _ in (0, 1)]).fetchone()[0])
    finally:
        con.close()


def _member_sql(name: str) -> str:
    """The JSON text of one property of :func:`feature_sql` (text escaped by the database, NULL as null)."""
    if name == "sources":
        return "sources_json"
    if name == "intercepted":
        return "CASE WHEN intercepted THEN 'true' ELSE 'false' END"
    if name in INT_FIELDS:
        return f"coalesce({name}, 'null')"
    if name in ("lat", "lon"):
        return _sqlite_float(name)
    return f"json_quote({name})"  # text and ISO dates


def _sqlite_float(column: str) -> str:
    """The text Python's ``repr`` (and orjson) writes for a float column's value.

    SQLite's ``printf('%!.15g')`` writes the same for nearly every coordinate (the
    ``!`` keeps the ``.0`` of a whole number, as Python writes ``33.0``). The rest
    -- values that need 16 or 17 digits, whose 17th digit printf does not round
    exactly, and magnitudes under 1e-4 or from 1e15 that Python writes with an
    exponent of its own style -- are written by Python (the store's
    ``geo_float_text``): one call per such value, none in most stores.

    A value with at most 6 decimals (:func:`_sqlite_decimals`) needs no check that
    printf's text reads back as the same float: the check is a second conversion
    and a parse, as costly as the text itself.
    """
    short = f"printf('%!.15g', {column})"
    usual = f"abs({column}) >= 1e-4 AND abs({column}) < 1e15 AND CAST({short} AS REAL) = {column}"
    return f"CASE WHEN {_sqlite_decimals(column)} OR {usual} OR {column} = 0 THEN {short} ELSE geo_float_text({column}) END"


def _sqlite_decimals(column: str) -> str:
    """Whether a float column's value is the double nearest a number of at most
    :data:`~geo.formats.export.COORDINATE_DECIMALS` decimals (6), from 1e-4 and under 1e9.

    Then that number has at most 15 significant digits, so it is the only such
    number that reads back as this double: printf's ``%!.15g`` writes it, and it is
    Python's shortest text for the value; rounding to 6 decimals leaves the value
    as it is. Plain arithmetic decides it: k = the value × 10⁶ rounded, and k / 10⁶
    is exactly the value (an IEEE division is correctly rounded).
    """
    magnitude, scale = f"abs({column})", 10**COORDINATE_DECIMALS
    return (
        f"({magnitude} BETWEEN 1e-4 AND {10 ** (15 - COORDINATE_DECIMALS):.0e}"
        f" AND {magnitude} = CAST({magnitude} * {scale} + 0.5 AS INTEGER) / {scale}.0)"
    )


def csv_row_sql(*, carriage_returns: bool = True) -> str:
    """The SQLite expression (over ``incidents``) of one incident's line of the CSV export, without its line end.

    The line :func:`geo.formats.export.write_export` writes for a :class:`Chunk`
    (Python's ``csv`` module, ``\\n`` line ends): text cells guarded against
    spreadsheet formulas (a leading ``'``), a cell quoted when it holds a comma, a
    double quote or a newline (its quotes doubled), and every cell of a line quoted
    when one holds a carriage return (:class:`geo.formats.csvio.CsvWriter`);
    ``true``/``false``, floats as Python writes them, NULL as an empty cell.

    ``carriage_returns=False`` leaves out that last rule (and its check of every
    cell of every line): exact for lines without a CR, which the minimal line
    then shows by holding none.
    """
    sql = _CsvSql()
    values = {name: sql.value(name) for name in FIELDS}
    texts = [name for name in FIELDS if name in (*TEXT_FIELDS, "sources", "date")]
    minimal = [sql.quoted(name, values[name]) if name in texts else values[name] for name in FIELDS]
    line = sql.join(minimal, ",")
    if not carriage_returns:
        return line
    quoted = [f"""replace(coalesce({values[name]}, ''), '"', '""')""" for name in FIELDS]
    has_cr = " OR ".join(sql.holds(sql.column(name), "13") for name in texts)
    all_quoted = sql.join(quoted, '","', before='"', after='"')
    return f"CASE WHEN {has_cr} THEN {all_quoted} ELSE {line} END"


_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_STARTS)  # what geo.formats.export.csv_safe guards


@dataclass(frozen=True)
class _CsvSql:
    """The parts of :func:`csv_row_sql` in SQLite's words."""

    def column(self, name: str) -> str:
        """The column's text as stored (the sources' JSON text, the ISO date)."""
        return "sources_json" if name == "sources" else name

    def value(self, name: str) -> str:
        """A cell's text before CSV quoting (NULL for an empty cell), as geo.formats.export's _csv_columns makes it."""
        if name == "intercepted":
            return "CASE WHEN intercepted THEN 'true' ELSE 'false' END"
        if name in ("lat", "lon"):
            return _sqlite_float(name)
        column = self.column(name)
        if name in TEXT_FIELDS:
            first = f"unicode({column})"
            return f"CASE WHEN {first} IN ({_FORMULA_CODES}) THEN '''' || {column} ELSE {column} END"
        return column  # sources' JSON text, whole numbers

    def holds(self, column: str, code: str) -> str:
        """Whether ``column`` holds the character numbered ``code``."""
        return f"instr({column}, char({code}))"

    def quoted(self, name: str, value: str) -> str:
        """``value`` in double quotes (its own doubled) when it holds a comma, a double quote or a newline.

        The column itself is checked: the formula guard adds none of them.
        """
        needs = " OR ".join(self.holds(self.column(name), code) for code in ("44", "34", "10"))
        return f"""CASE WHEN {needs} THEN '"' || replace({value}, '"', '""') || '"' ELSE {value} END"""

    def join(self, cells: list[str], between: str, *, before: str = "", after: str = "") -> str:
        """The cells' texts (NULL as nothing) with ``between`` between them, in one call."""
        return f"printf('{before}{between.join(['%s'] * len(cells))}{after}', {', '.join(cells)})"


def iter_encoded(
    store: Store, filters: Filters, *, fmt: str = "geojson", rows: int = CHUNK_ROWS, workers: int | None = None
) -> Iterator[Encoded]:
    """The incidents passing ``filters``, oldest first, already written as ``fmt`` (a stream format).

    Each :class:`Encoded` holds up to ``rows`` incidents' GeoJSON features or CSV
    lines joined by ``fmt``'s separator. On SQLite the database writes them
    (:func:`feature_sql`, :func:`csv_row_sql`), the work split into pieces of at
    most ``rows`` index entries, read by ``workers`` threads (default: one per
    core, at most :data:`MAX_WORKERS`) on connections of their own and handed on
    in order (:func:`_sqlite_encoded`). On PostgreSQL the rows come as Arrow
    batches (:func:`_pg_batches`) written by :func:`geo.formats.export_arrow.encode_batch`.
    """
    separator = SEPARATORS[fmt]
    if store._engine.dialect.name == "sqlite":
        if fmt == "csv":
            encoding = _Encoding(RowSql(csv_row_sql(carriage_returns=False)), separator, if_cr=RowSql(csv_row_sql()))
        else:
            encoding = _Encoding(feature_sql(), separator)
        yield from _sqlite_encoded(store, filters, encoding, rows, _workers() if workers is None else workers)
        return
    from geo.formats.export_arrow import encode_batch  # numpy and pyarrow: not loaded for SQLite's export

    for batch in _pg_batches(store, filters, rows):
        yield encode_batch(batch, fmt)


# --- PostgreSQL: the rows as Arrow batches -------------------------------------------------------
#
# Building each feature's text in SQL cost PostgreSQL ~15 s of CPU at 1M (to_json and concat per
# member, then a sort of the 1 GB of texts), and reading the rows one by one through the DB-API
# another ~6 s in the client, the two in turn. ADBC's driver reads `COPY (query) TO STDOUT (FORMAT
# binary)` into Arrow columns in C++, so the server only reads and orders the rows while the client
# writes the text column by column (geo.formats.export_arrow); the COPY streams, so both work at once.

_PG_BATCH_BYTES = 8 << 20  # what ADBC gathers into one Arrow batch (then cut into `rows`-row pieces)
_PG_AHEAD = 2  # batches read while the caller writes
# The export's session: a plain streaming read needs no JIT compilation (~0.2-0.3 s a query), and its
# literals are written for standard-conforming strings (_pg_sql).
_PG_SESSION = ("SET jit = off", "SET standard_conforming_strings = on")


def _pg_batches(store: Store, filters: Filters, rows: int) -> Iterator[pa.RecordBatch]:
    """The incidents passing ``filters`` in (date, id) order, as Arrow batches of at most ``rows`` rows.

    One statement, so one snapshot of the data; columns named as :data:`FIELDS`.
    """
    import adbc_driver_manager as adbc

    from geo.storage.columnar import libpq_uri
    from geo.storage.messages import first_line

    t = incidents_table
    columns = [t.c.sources_json.label(name) if name == "sources" else t.c[name] for name in FIELDS]
    sql = _pg_sql(sa.select(*columns).where(where(filters)).order_by(t.c.date, t.c.id))
    with store._guard("reading the incidents"):
        try:
            # closing(): an export stopped early stops its reader thread now, not whenever the
            # generator happens to be collected.
            with contextlib.closing(_read_ahead(_adbc_batches(libpq_uri(store._engine.url), sql), _PG_AHEAD)) as read:
                for batch in read:
                    for start in range(0, len(batch), rows):
                        yield batch.slice(start, rows)
                    del batch  # not held while the next one is read
        except (adbc.Error, OSError) as exc:  # OSError: from the Arrow stream
            raise store._dbapi_error(first_line(exc)) from exc


def _adbc_batches(uri: str, sql: str) -> Iterator[pa.RecordBatch]:
    """The rows of ``sql`` as ADBC's PostgreSQL driver reads them, one Arrow batch at a time, in its own session."""
    import adbc_driver_manager as adbc
    import adbc_driver_postgresql
    import pyarrow as pa

    with adbc_driver_postgresql.connect(uri) as database, adbc.AdbcConnection(database) as conn:
        for setting in _PG_SESSION:
            with adbc.AdbcStatement(conn) as stmt:
                stmt.set_sql_query(setting)
                stmt.execute_update()
        with adbc.AdbcStatement(conn) as stmt:
            stmt.set_options(**{"adbc.postgresql.batch_size_hint_bytes": str(_PG_BATCH_BYTES)})
            stmt.set_sql_query(sql)
            stream, _ = stmt.execute_query()
            reader = pa.RecordBatchReader._import_from_c(stream.address)
            try:
                yield from reader
            finally:
                reader.close()  # before its statement: a caller may stop before the end


def _pg_sql(query: sa.Select) -> str:
    """``query`` as PostgreSQL text with its values written in (ADBC reads through COPY, which takes no parameters).

    SQLAlchemy writes the literals (quotes doubled; backslashes as they are, which the session's
    ``standard_conforming_strings`` makes literal), for a dialect that leaves ``%`` alone.
    """
    from sqlalchemy.dialects.postgresql.base import PGDialect

    dialect = PGDialect(paramstyle="numeric_dollar")
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may run on (taskset, containers)
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def _hand_on(outbox: queue.Queue, item, stop: threading.Event) -> bool:
    """Put ``item`` in ``outbox`` once there is room, unless ``stop`` is set first (then False)."""
    while not stop.is_set():
        try:
            outbox.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


_DONE = object()


def _read_ahead(items: Iterator, ahead: int) -> Iterator:
    """``items``, taken from the iterator by a thread of their own up to ``ahead`` in advance.

    So reading the next (the database's and the driver's work, which releases the GIL) goes on
    while the caller writes this one. What the iterator raises is raised here; when the caller
    stops early, the thread stops and closes the iterator.
    """
    outbox: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                if not _hand_on(outbox, item, stop):
                    return
                del item
            _hand_on(outbox, _DONE, stop)
        except BaseException as exc:  # handed to the caller, which raises it in its own thread
            _hand_on(outbox, exc, stop)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=work, name="geo-export-read", daemon=True)
    thread.start()
    try:
        while (item := outbox.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
            del item  # not held while the next one is awaited
    finally:
        stop.set()
        thread.join()


# --- SQLite: pieces of the export on parallel connections ------------------------------------------
#
# SQLite spends nearly all of a GeoJSON export's time building the feature texts, on one core per
# connection, and releases the GIL while it does. So the rows in (date, rowid) order -- the date
# index holds rowid as its last column -- are cut into consecutive pieces of at most `rows` index
# entries (found on the index alone: cheap), each piece is read as ONE value (its features joined
# by the database), and the pieces are shared out among threads that each read on a connection of
# their own. The caller gets the pieces in order; each thread runs at most a couple of pieces
# ahead, so memory stays a few pieces whatever the size of the export. All connections must read
# the same version of the store: each reports the `meta` its read transaction sees before any of
# the export is handed on, and the export starts again when a write landed between them.

_Key = tuple[dt.date, int]  # (date, rowid): an incident's place in the export's order
_AHEAD = 2  # pieces a thread may have read before the caller takes them
_ATTEMPTS = 3  # tries at getting every connection onto the same version before reading on one


def _sqlite_encoded(store: Store, filters: Filters, encoding: _Encoding, rows: int, workers: int) -> Iterator[Encoded]:
    engine = store._engine
    with store._guard("reading the incidents"):
        with engine.connect() as conn, conn.begin():
            bounds = _piece_bounds(conn, filters, rows)
        pieces = list(zip([None, *bounds], [*bounds, None]))
        workers = min(workers, len(pieces))
        for _attempt in range(_ATTEMPTS if workers > 1 else 0):
            reader = _PieceReaders(engine, filters, encoding, pieces, workers)
            try:
                if reader.same_version():
                    yield from reader
                    return
            finally:
                reader.close()
        with engine.connect() as conn, conn.begin():  # one connection, one transaction
            for lo, hi in pieces:
                yield from _read_piece(conn, filters, encoding, lo, hi)


def _piece_bounds(conn, filters: Filters, rows: int) -> list[_Key]:
    """The last key of each full piece of ``rows`` index entries within the filters' date range."""
    t = incidents_table
    rowid = sa.literal_column("rowid")
    conditions = _date_bounds(filters)
    bounds: list[_Key] = []
    while True:
        after = _after(bounds[-1]) if bounds else []
        query = sa.select(t.c.date, rowid).where(*conditions, *after).order_by(t.c.date, rowid)
        key = conn.execute(query.limit(1).offset(rows - 1)).one_or_none()
        if key is None:
            return bounds
        bounds.append((key[0], key[1]))


def _after(key: _Key) -> list[sa.ColumnElement[bool]]:
    t = incidents_table
    # The date alone bounds the index range; the row value says exactly where the piece starts.
    return [t.c.date >= key[0], sa.tuple_(t.c.date, sa.literal_column("rowid")) > _key_value(key)]


def _up_to(key: _Key) -> list[sa.ColumnElement[bool]]:
    t = incidents_table
    return [t.c.date <= key[0], sa.tuple_(t.c.date, sa.literal_column("rowid")) <= _key_value(key)]


def _key_value(key: _Key):
    return sa.tuple_(sa.literal(key[0], sa.Date), sa.literal(key[1], sa.Integer))


@dataclass(frozen=True)
class _Encoding:
    """How SQLite writes an export's incidents: each one's text, the text between two."""

    row: RowSql
    separator: str
    if_cr: RowSql | None = None  # for a piece whose text holds a carriage return (CSV)


def _read_piece(conn, filters: Filters, encoding: _Encoding, lo: _Key | None, hi: _Key | None) -> list[Encoded]:
    """The incidents passing ``filters`` with keys in (``lo``, ``hi``], as one :class:`Encoded` (none if empty)."""
    data, n = _read_joined(conn, filters, encoding.row, encoding.separator, lo, hi)
    if encoding.if_cr and n and b"\r" in data:  # rare: such a CSV line is written another way
        data, n = _read_joined(conn, filters, encoding.if_cr, encoding.separator, lo, hi)
    return [Encoded(data, n)] if n else []


def _read_joined(conn, filters: Filters, row: RowSql, separator: str, lo: _Key | None, hi: _Key | None):
    """(the texts ``row`` writes for the piece's incidents joined by ``separator``, how many)."""
    t = incidents_table
    conditions = [where(filters), *(_after(lo) if lo else ()), *(_up_to(hi) if hi else ())]
    text = sa.literal_column("text")
    # group_concat in the order of an ordered subquery: SQLite never flattens one into an aggregate.
    inner = (
        sa.select(sa.literal_column(row.text).label("text"))
        .where(*conditions)
        .order_by(t.c.date, sa.literal_column("rowid"))
        .subquery()
    )
    ordered = sa.select(text).select_from(inner)
    joined = sa.select(sa.cast(sa.func.group_concat(text, separator), sa.LargeBinary), sa.func.count()).select_from(inner)
    try:
        return conn.execute(joined).one()
    except sa.exc.DBAPIError as exc:
        if "too big" not in str(exc.orig):
            raise
        # The piece's text is over SQLite's 1 GB limit for one value (incidents with huge sources): joined here.
        texts = conn.execute(ordered).scalars().all()
        return separator.join(texts).encode("utf-8"), len(texts)


class _PieceReaders:
    """``workers`` threads reading ``pieces`` (thread k: pieces k, k + workers, ...), iterated in order."""

    def __init__(self, engine, filters: Filters, encoding: _Encoding, pieces: list, workers: int) -> None:
        self._pieces = pieces
        self._stop = threading.Event()
        self._versions: queue.Queue = queue.Queue()
        self._outboxes = [queue.Queue(maxsize=_AHEAD) for _ in range(workers)]
        self._threads = [
            threading.Thread(
                target=self._work, args=(engine, filters, encoding, k), name=f"geo-export-{k}", daemon=True
            )
            for k in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self, engine, filters: Filters, encoding: _Encoding, k: int) -> None:
        outbox = self._outboxes[k]
        reported = False
        try:
            with engine.connect() as conn, conn.begin():
                # The first read fixes the version this transaction sees (WAL): report it.
                self._versions.put(dict(conn.execute(sa.select(meta_table.c.key, meta_table.c.value)).all()))
                reported = True
                for i in range(k, len(self._pieces), len(self._threads)):
                    if self._stop.is_set():
                        return
                    self._hand_on(outbox, _read_piece(conn, filters, encoding, *self._pieces[i]))
        except BaseException as exc:  # handed to the caller, which raises it in its own thread
            if reported:
                self._hand_on(outbox, exc)
            else:
                self._versions.put(exc)

    def _hand_on(self, outbox: queue.Queue, item) -> None:
        _hand_on(outbox, item, self._stop)

    def same_version(self) -> bool:
        """Whether every thread reads the same version of the store (raises what a thread failed with)."""
        versions = [self._versions.get() for _ in self._threads]
        for v in versions:
            if isinstance(v, BaseException):
                raise v
        return all(v == versions[0] for v in versions)

    def __iter__(self) -> Iterator[Encoded]:
        for i in range(len(self._pieces)):
            item = self._outboxes[i % len(self._threads)].get()
            if isinstance(item, BaseException):
                raise item
            yield from item
            del item  # not held while the next one is awaited

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def iter_chunks(store: Store, filters: Filters, *, rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """The incidents passing ``filters``, oldest first, as chunks of at most ``rows`` incidents."""
    t = incidents_table
    engine = store._engine
    postgres = engine.dialect.name == "postgresql"
    # Values as the export writes them: dates as ISO text, sources as their JSON text.
    date = sa.func.to_char(t.c.date, "YYYY-MM-DD") if postgres else sa.type_coerce(t.c.date, sa.String)
    columns = [date if name == "date" else t.c.sources_json if name == "sources" else t.c[name] for name in FIELDS]
    tiebreak = t.c.id if postgres else sa.literal_column("rowid")
    query = sa.select(*columns).where(where(filters)).order_by(t.c.date, tiebreak)
    with store._guard("reading the incidents"), engine.connect() as conn:
        with conn.begin():  # one snapshot of the data for the whole export
            if postgres:
                conn.exec_driver_sql("SET LOCAL extra_float_digits = 3")  # floats in full
            # PostgreSQL: a server-side cursor, so the client holds one batch at a time.
            result = conn.execute(query, execution_options={"stream_results": True, "yield_per": rows})
            try:
                while batch := result.fetchmany(rows):
                    values = [list(column) for column in zip(*batch)]
                    del batch
                    yield Chunk(dict(zip(FIELDS, values)))
            finally:
                result.close()
