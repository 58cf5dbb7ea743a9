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

:func:`iter_features` is the fast path of the GeoJSON exports: the database
itself writes each passing incident as its GeoJSON Feature text
(:func:`feature_sql`: SQLite's ``printf``/``json_quote``, PostgreSQL's
``to_json``), so Python only joins and writes bytes. The text means exactly
what :func:`geo.formats.export.write_export` makes of a :class:`Chunk`: the same
members in the same order, coordinates rounded to
:data:`~geo.formats.export.COORDINATE_DECIMALS` decimals, ``lat``/``lon``
properties in full (the shortest text that reads back as the same float, or 17
digits), ``intercepted`` a boolean, missing figures ``null``, the sources' JSON
text spliced in as stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from geo.formats.export import COORDINATE_DECIMALS, Chunk, Features
from geo.view.filters import Filters
from geo.incidents import FIELDS
from geo.storage.store import Store, incidents_table, sources_table

__all__ = ["CHUNK_ROWS", "count", "feature_sql", "iter_chunks", "iter_features", "where"]

CHUNK_ROWS = 10_000
# What free text searches (as geo.storage.snapshot.TEXT_COLUMNS, and the sources' text fields).
_TEXT_COLUMNS = ("summary", "location", "actor", "attributed_by", "target", "site_id")
_SOURCE_TEXT = ("outlet", "url", "title", "evidence")
_INT_FIELDS = ("geo_precision", "munitions", "killed", "injured")


def where(filters: Filters) -> sa.ColumnElement[bool]:
    """The SQL condition an incident row must meet to pass ``filters`` (deleted rows never do)."""
    t = incidents_table
    conditions: list[sa.ColumnElement[bool]] = [t.c.deleted_at.is_(None)]
    if filters.date_from is not None:
        start = filters.date_from
        week_start = start - dt.timedelta(days=6)  # a week-precision incident covers 7 days
        month_start = start.replace(day=1)  # a month-precision one is stored on the 1st
        # The first condition bounds the indexed range; the second says exactly which rows overlap.
        conditions.append(t.c.date >= min(week_start, month_start))
        conditions.append(
            sa.or_(
                t.c.date >= start,
                sa.and_(t.c.date_precision == "week", t.c.date >= week_start),
                sa.and_(t.c.date_precision == "month", t.c.date >= month_start),
            )
        )
    if filters.date_to is not None:
        conditions.append(t.c.date <= filters.date_to)
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


def feature_sql(dialect: str) -> str:
    """The SQL expression (over ``incidents``) of one incident's GeoJSON Feature text, for ``dialect``."""
    sqlite = dialect == "sqlite"
    values = [_member_sql(name, sqlite=sqlite) for name in FIELDS]
    if sqlite:
        # One printf with a %s per member: SQLite copies each value once (a chain of || copies the
        # growing text at every step).
        members = ",".join(f'"{name}":%s' for name in FIELDS)
        template = '{"type":"Feature","geometry":{"type":"Point","coordinates":[%!.15g,%!.15g]},"properties":{'
        rounded = [f"round({axis}, {COORDINATE_DECIMALS})" for axis in ("lon", "lat")]
        return f"printf('{template}{members}}}}}', {', '.join([*rounded, *values])})"
    lon, lat = (_pg_float(f"round({axis}::numeric, {COORDINATE_DECIMALS})::float8") for axis in ("lon", "lat"))
    parts = ["""'{"type":"Feature","geometry":{"type":"Point","coordinates":['""", lon, "','", lat, """']},"properties":{'"""]
    for i, (name, value) in enumerate(zip(FIELDS, values)):
        parts += [f"""'{"," if i else ""}"{name}":'""", value]
    parts.append("""'}}'""")
    return "concat(" + ", ".join(parts) + ")"


def _member_sql(name: str, *, sqlite: bool) -> str:
    """The JSON text of one property of :func:`feature_sql` (text escaped by the database, NULL as null)."""
    if name == "sources":
        return "sources_json"
    if name == "intercepted":
        return "CASE WHEN intercepted THEN 'true' ELSE 'false' END"
    if name in _INT_FIELDS:
        return f"coalesce({name}, 'null')" if sqlite else f"coalesce({name}::text, 'null')"
    if name in ("lat", "lon"):
        if not sqlite:
            return _pg_float(name)
        # '%!.15g' reads back as the same double for nearly every coordinate and is what Python writes
        # for them; the rest get 17 digits, always exact.
        short = f"printf('%!.15g', {name})"
        return f"CASE WHEN CAST({short} AS REAL) = {name} THEN {short} ELSE printf('%!.17g', {name}) END"
    if sqlite:
        return f"json_quote({name})"  # text and ISO dates
    if name == "date":
        return "'\"' || to_char(date, 'YYYY-MM-DD') || '\"'"
    return f"coalesce(to_json({name})::text, 'null')"


def _pg_float(expr: str) -> str:
    """PostgreSQL float8 as JSON (extra_float_digits > 0: its shortest exact text); "33" made "33.0", as Python writes."""
    return f"CASE WHEN {expr} = trunc({expr}) THEN trunc({expr})::bigint::text || '.0' ELSE ({expr})::text END"


def iter_features(store: Store, filters: Filters, *, rows: int = CHUNK_ROWS) -> Iterator[Features]:
    """The incidents passing ``filters``, oldest first, as GeoJSON Feature texts the database wrote."""
    t = incidents_table
    engine = store._engine
    postgres = engine.dialect.name == "postgresql"
    tiebreak = t.c.id if postgres else sa.literal_column("rowid")
    feature = sa.literal_column(feature_sql(engine.dialect.name))
    query = sa.select(feature).where(where(filters)).order_by(t.c.date, tiebreak)
    with store._guard("reading the incidents"), engine.connect() as conn:
        with conn.begin():
            # (SQLite's mmap_size would save ~2 s of CPU at 1M, but every page of the file it maps counts
            # in the process's resident memory: 1.1 GB for a 1.3 GB store. Plain reads keep it at ~200 MB.)
            if postgres:
                conn.exec_driver_sql("SET LOCAL extra_float_digits = 3")
            result = conn.execute(query, execution_options={"stream_results": True, "yield_per": rows})
            try:
                while batch := result.scalars().fetchmany(rows):
                    yield Features(batch)
            finally:
                result.close()


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
