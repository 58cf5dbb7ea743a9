"""The light incident frame the dashboard filters and maps, and its on-disk snapshot.

:meth:`geo.storage.store.Store.frame` reads every column, the sources JSON included
(~420 MB of text at a million incidents), which makes a cold start take many
seconds. The dashboard needs none of that text to filter, count and map, so
it works on a *light* frame instead:

* every column of the :mod:`geo.view.frame` contract except ``sources``, with
  categorical dtypes for the repetitive text columns (actor, type, country,
  place, ...) and pyarrow-backed strings for ids and summaries;
* the SQLite ``rowid`` of each row (aligned with the frame, kept apart from it),
  so the sources of the rows an export or a map popup needs are fetched in one
  query (:meth:`Snapshot.sources_for`);
* ``source_text``: the sources' outlet, URL, title and evidence joined by
  newlines, so the free-text filter searches the sources without their JSON.

:func:`load` reads the snapshot file written for the store's current
:meth:`~geo.storage.store.Store.version` under ``<cache dir>/snapshots`` (an Arrow IPC
file, memory-mapped: well under a second for a million rows) and makes a new
one when the version moved on, the file is missing, or it cannot be read (a
corrupt file is replaced, never a crash).

When the version moved on, :func:`refresh` patches the snapshot it already has
(the one a running app holds, else the newest older file)
instead of rebuilding it: every write stamps the incident rows it touches with
its ``data_version`` (``incidents.changed_in``, see :mod:`geo.storage.store`), so the
rows changed since the snapshot's version are one indexed query away. They are
removed from the frame and the live ones inserted where a build would put
them. Rows are in a *canonical* order for that: by date, then by ``rowid``
(SQLite: storage order, as :meth:`Store.frame`) or by id (PostgreSQL, whose
storage order is not stable), and categorical columns list their categories
sorted and only those in use, so a patched snapshot equals a built one exactly.
Anything unusual (another store id, a version that went backwards, more than
:data:`MAX_DELTA_FRACTION` of the rows changed, an old snapshot out of order)
means a full build instead.

:meth:`Snapshot.mask` is :func:`geo.view.filters.filter_mask` over precomputed
arrays (day numbers, category codes, lookup tables), a few milliseconds at a
million rows; the one difference is that free text matches the sources'
outlet, URL, title and evidence rather than their JSON text (so "null" or
"outlet" no longer match every incident).
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import re
import struct
import sys
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.formats.replacing import replacing
from geo.storage.columnar import Later
from geo.view.filters import Filters
from geo.view.frame import FRAME_COLUMNS

__all__ = [
    "CATEGORY_COLUMNS",
    "FORMAT",
    "LIGHT_COLUMNS",
    "MAX_DELTA_FRACTION",
    "MIN_DELTA_ROWS",
    "Snapshot",
    "build",
    "load",
    "read_snapshot",
    "refresh",
    "snapshot_path",
    "wait_for_writes",
    "write_snapshot",
]

log = logging.getLogger(__name__)

FORMAT = 4  # bump when the file layout or the canonical order changes: older files are rebuilt
# A refresh patches the old snapshot when at most this share of its rows changed (or at most
# MIN_DELTA_ROWS, whatever the size); beyond that a build is about as fast and simpler.
MAX_DELTA_FRACTION = 0.05
MIN_DELTA_ROWS = 1_000
LIGHT_COLUMNS = tuple(name for name in FRAME_COLUMNS if name != "sources")
# Repetitive text: categorical (a code per row, each distinct value stored once).
CATEGORY_COLUMNS = (
    "date_precision", "site_id", "location", "country", "admin1", "event_type", "actor", "actor_family", "attribution",
    "attributed_by", "target", "damage", "status", "outlets",
)  # fmt: skip
# Text that may be unique per row: categorical only when it repeats a lot (synthetic data).
MAYBE_CATEGORY_COLUMNS = ("summary",)
_INT_COLUMNS = ("geo_precision", "source_count")
_FIGURES = ("munitions", "killed", "injured")
# What the free-text box searches (geo.view.filters.TEXT_COLUMNS, with the sources as text).
TEXT_COLUMNS = ("summary", "location", "actor", "attributed_by", "target", "site_id")
_ROWID = "__rowid"
_LIVE = "__live"  # in a delta: whether the changed row is still there (not soft-deleted)
_SOURCE_TEXT = "__source_text"
_META_VERSION = b"geo.storage.snapshot.version"
_META_FORMAT = b"geo.storage.snapshot.format"
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str"
_TEXT_CACHE = 8  # needles whose hits are kept per snapshot

# Column expressions for the light frame (see Store.frame: dates as day numbers, SQLite
# floats written with 17 digits because its JSON writer keeps only 15). json() puts the digits
# in the array as a JSON number, not a string: parsing numbers is ~0.3 s less per column at 1M.
# (Infinity, which no JSON number spells, stays text; numpy reads both.)
_SQLITE_FLOAT = (
    "CASE WHEN abs({0}) <= 1.7976931348623157e308 THEN json(printf('%!.17g', {0})) ELSE printf('%!.17g', {0}) END"
)
_EXPRESSIONS = {
    "sqlite": {
        "date": "CAST(round(julianday(date) - 2440587.5) AS INTEGER)",
        "lat": _SQLITE_FLOAT.format("lat"),
        "lon": _SQLITE_FLOAT.format("lon"),
    },
    "postgresql": {"date": "(date - DATE '1970-01-01')"},
}
_AGGREGATE = {"sqlite": "json_group_array({})", "postgresql": "COALESCE(json_agg({}), '[]')::text"}
# {where}: "" for every incident, or a filter on incident_id (a refresh). SQLite walks the
# primary key index (incident_id, position) either way, so sources join in position order.
_SOURCE_TEXT_SQL = {
    "sqlite": (
        "SELECT json_group_array(incident_id), json_group_array(t) FROM ("
        "SELECT incident_id, group_concat(outlet || char(10) || url || char(10) || title || char(10) || evidence,"
        " char(10)) AS t FROM sources{where} GROUP BY incident_id)"
    ),
    "postgresql": (
        "SELECT COALESCE(json_agg(incident_id), '[]')::text, COALESCE(json_agg(t), '[]')::text FROM ("
        "SELECT incident_id, string_agg(outlet || E'\\n' || url || E'\\n' || title || E'\\n' || evidence, E'\\n'"
        " ORDER BY position) AS t FROM sources{where} GROUP BY incident_id) AS s"
    ),
}
# Rows written since a version (and any a writer left pending, see geo.storage.store.PENDING).
_CHANGED = "(changed_in > {since} OR changed_in < 0)"


# --- the snapshot -------------------------------------------------------------------------------


@dataclass(eq=False)
class Snapshot:
    """One version of the light frame plus what filtering and fetching need."""

    version: str
    frame: pd.DataFrame  # LIGHT_COLUMNS, ordered by date (as Store.frame)
    rowid: np.ndarray | None  # int64, aligned with frame rows (SQLite); None: fetch by id
    # large_string, aligned with frame rows. May be given as a columnar.Later (a build reads it
    # after the rest, see build): the first use waits for it (the property below).
    source_text: pa.Array = field(repr=False)
    _index: dict[str, Any] = field(default_factory=dict, repr=False)
    _text_hits: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def with_version(self, version: str) -> Snapshot:
        """This snapshot stamped ``version`` (rows unchanged), without waiting for its sources text."""
        return Snapshot(version=version, frame=self.frame, rowid=self.rowid, source_text=self.__dict__["_source_text"])

    # --- filtering --------------------------------------------------------------------------

    def _prepared(self) -> dict[str, Any]:
        """Day numbers, period ends and category lookups, computed once per snapshot."""
        if not self._index:
            df = self.frame
            day = df["date"].to_numpy(dtype="datetime64[D]")
            precision = df["date_precision"]
            end = day.copy()
            week = _equals(precision, "week")
            end[week] = day[week] + np.timedelta64(6, "D")
            month = _equals(precision, "month")
            # Last day of the month: first day of the next month minus one day.
            end[month] = (day[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
            self._index.update(
                day=day.astype("int64"),
                end=end.astype("int64"),
                intercepted=df["intercepted"].to_numpy(dtype=bool),
            )
        return self._index

    def mask(self, f: Filters) -> np.ndarray:
        """Boolean mask of the rows passing ``f`` (see :func:`geo.view.filters.filter_mask`)."""
        n = len(self.frame)
        mask = np.ones(n, dtype=bool)
        if n == 0:
            return mask
        ix = self._prepared()
        if f.date_from is not None:
            mask &= ix["end"] >= _day_number(f.date_from)
        if f.date_to is not None:
            mask &= ix["day"] <= _day_number(f.date_to)
        for column, wanted in f.choices():
            if wanted:
                mask &= _isin(self.frame[column], wanted)
        if f.intercepted is not None:
            mask &= ix["intercepted"] == f.intercepted
        needle = f.text.strip().lower()
        if needle:
            mask &= self.text_hits(needle)
        return mask

    def text_hits(self, needle: str) -> np.ndarray:
        """Rows whose text columns or sources contain ``needle`` (case-insensitive)."""
        needle = needle.strip().lower()
        hits = self._text_hits.get(needle)
        if hits is None:
            hits = np.zeros(len(self.frame), dtype=bool)
            for column in TEXT_COLUMNS:
                hits |= _contains(self.frame[column], needle)
            hits |= _arrow_contains(self.source_text, needle)
            self._text_hits[needle] = hits
            while len(self._text_hits) > _TEXT_CACHE:
                self._text_hits.popitem(last=False)
        else:
            self._text_hits.move_to_end(needle)
        return hits

    # --- fetching what the light frame leaves out -------------------------------------------

    def sources_for(self, store, positions: Sequence[int] | np.ndarray) -> list[str]:
        """The sources JSON text of the rows at ``positions``, in that order ("[]" when gone)."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return []
        engine = store._engine  # the store's own engine: same database, same pool
        dialect = engine.dialect.name
        if self.rowid is not None and dialect == "sqlite":
            keys = self.rowid[positions].tolist()
            sql = "SELECT rowid, sources_json FROM incidents WHERE rowid IN (SELECT value FROM json_each(?))"
        else:
            keys = self.frame["id"].to_numpy(dtype=object)[positions].tolist()
            sql = (
                "SELECT id, sources_json FROM incidents WHERE id IN (SELECT value FROM json_each(?))"
                if dialect == "sqlite"
                else "SELECT id, sources_json FROM incidents WHERE id = ANY(CAST(%s AS text[]))"
            )
        found: dict[Any, str] = {}
        with store._guard("reading sources"), engine.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                step = 50_000
                for start in range(0, len(keys), step):
                    chunk = keys[start : start + step]
                    arg = orjson.dumps(chunk).decode() if dialect == "sqlite" else chunk
                    cursor.execute(sql, (arg,))
                    found.update(cursor.fetchall())
            finally:
                cursor.close()
        return [found.get(k, "[]") for k in keys]

    def full_frame(self, store, positions: Sequence[int] | np.ndarray) -> pd.DataFrame:
        """The rows at ``positions`` in the complete :mod:`geo.view.frame` contract (sources included)."""
        positions = np.asarray(positions, dtype=np.int64)
        rows = self.frame.take(positions).reset_index(drop=True)
        out = _plain(rows)
        out["sources"] = pd.Series(self.sources_for(store, positions), dtype=object)
        return out.loc[:, list(FRAME_COLUMNS)]


def _get_source_text(self: Snapshot) -> pa.Array:
    text = self.__dict__["_source_text"]
    if isinstance(text, Later):
        text = text.get()
        self.__dict__["_source_text"] = text
    return text


def _set_source_text(self: Snapshot, text: pa.Array | Later) -> None:
    self.__dict__["_source_text"] = text


Snapshot.source_text = property(_get_source_text, _set_source_text)  # type: ignore[assignment]


def _day_number(d) -> int:
    return int(np.datetime64(d, "D").astype("int64"))


def _equals(series: pd.Series, value: str) -> np.ndarray:
    """``series == value`` as a numpy mask (categorical: compared on the codes, no object per row)."""
    return _isin(series, [value])


def _isin(series: pd.Series, wanted: Sequence[str]) -> np.ndarray:
    if isinstance(series.dtype, pd.CategoricalDtype):
        hit = series.cat.categories.isin(list(wanted))
        lut = np.append(hit, False)  # code -1 (missing) -> the False appended last
        return lut[series.cat.codes.to_numpy()]
    return series.isin(list(wanted)).to_numpy()


def _contains(series: pd.Series, needle: str) -> np.ndarray:
    """``series.str.lower().str.contains(needle)`` without lowering a million strings."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories.astype(object)
        hit = np.array([needle in str(c).lower() for c in categories], dtype=bool)
        return np.append(hit, False)[series.cat.codes.to_numpy()]
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        try:
            return _arrow_contains(pa.array(series.array), needle)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            pass
    return series.astype("string").str.lower().str.contains(needle, regex=False, na=False).to_numpy(dtype=bool)


def _arrow_contains(array: pa.Array | pa.ChunkedArray, needle: str) -> np.ndarray:
    if len(array) == 0:
        return np.zeros(0, dtype=bool)
    hits = pc.match_substring(array, needle, ignore_case=True)
    return np.asarray(hits.fill_null(False), dtype=bool) if hits.null_count else np.asarray(hits, dtype=bool)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categorical and Arrow string columns back to the contract's object dtype (None for missing)."""
    out = {}
    for name in df.columns:
        s = df[name]
        if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype):
            values = (
                s.to_numpy(dtype=object, na_value=None)
                if not isinstance(s.dtype, pd.CategoricalDtype)
                else (s.astype(object).where(s.notna(), None).to_numpy(dtype=object))
            )
            out[name] = pd.Series(values, dtype=object, index=df.index)
        else:
            out[name] = s
    return pd.DataFrame(out, index=df.index)


# --- building from the store --------------------------------------------------------------------

_POOL_LOCK = threading.Lock()
_POOL_USERS: list[pa.MemoryPool] = []  # the pool to restore, once per thread inside _system_pool()


@contextmanager
def _system_pool() -> Iterator[None]:
    """Arrow allocates from the C library's ``malloc`` inside (pyarrow's default is mimalloc).

    A build makes a few hundred MB of fresh Arrow buffers once (the reordered text,
    dictionaries, casts); from mimalloc each fresh buffer costs about twice the
    kernel time (sys) of the same buffer from ``malloc`` here: the frame of a 1M
    store took 1.03-1.26 s of CPU instead of 1.27-1.43 s, four runs each, alternating.
    The default pool is process-wide, so threads inside at the same time share one
    switch and the last one out restores it; a buffer keeps the pool it came from,
    so freeing it later is right whichever pool is the default then.
    """
    with _POOL_LOCK:
        if not _POOL_USERS:
            _POOL_USERS.append(pa.default_memory_pool())
            pa.set_memory_pool(pa.system_memory_pool())
        else:
            _POOL_USERS.append(_POOL_USERS[0])
    try:
        yield
    finally:
        with _POOL_LOCK:
            saved = _POOL_USERS.pop()
            if not _POOL_USERS:
                pa.set_memory_pool(saved)


def build(store) -> Snapshot:
    """Read the light frame, the rowids and the sources text from the store.

    Every column comes as Arrow straight from the database driver
    (:func:`geo.storage.columnar.read_tables`, in one read transaction with the
    version stamped on the result), including ``incidents.source_text``, the
    store's denormalised copy of the sources text (migration 0006).

    On SQLite that text, the largest column and needed only by a text search, a
    patch and the snapshot file, is a *later* query of the same transaction: the
    snapshot comes back without waiting for it, and its first use waits. At a million incidents
    that is ~1 s of CPU less before the first page.
    """
    from geo.formats.export import paused_gc
    from geo.storage.columnar import read_tables

    started = time.perf_counter()
    _say("incident snapshot: reading the store…", end="")
    dialect = store._engine.dialect.name
    with paused_gc(), _system_pool():
        if dialect == "sqlite":
            meta, (table, text_table) = read_tables(store, [_arrow_sql(dialect)], later=[_TEXT_SQL])
            table = table.slice(1)  # the typed first row (see _arrow_sql)
        else:
            meta, (table,) = read_tables(store, [_arrow_sql(dialect)])
        version = f"{meta.get('store_id', '')}:{meta.get('data_version', '0')}"
        read_s = time.perf_counter() - started
        _say(f"\rincident snapshot: read in {read_s:.1f} s, building the frame…", end="")
        days = _numpy(table.column("date"), np.int64)
        rowid = _numpy(table.column(_ROWID), np.int64) if dialect == "sqlite" else None
        ids = None if rowid is not None else _one_array(table.column("id"), pa.large_string())
        order = _canonical_order(days, rowid, ids)
        if dialect == "sqlite" and text_table.done:  # read with the rest (a small store)
            text = _later_text(text_table, rowid, order)
        elif dialect == "sqlite":
            text = Later(lambda read=rowid: _later_text_or_store(text_table, read, order, store))
        else:
            text = _ordered_text(table.column(_SOURCE_TEXT), order)
            table = table.drop_columns([_SOURCE_TEXT])
        frame = _typed_frame(table, order)
        if rowid is not None and order is not None:
            rowid = rowid[order]
    _say(f"\rincident snapshot: {len(frame):,} incidents built in {time.perf_counter() - started:.1f} s"
         f" (reading {read_s:.1f} s)          ")  # fmt: skip
    return Snapshot(version=version, frame=frame, rowid=rowid, source_text=text)


# The sources text of a SQLite build, read after the rest (see build); the rowid checks the rows are the same.
_TEXT_SQL = (
    f"SELECT 0 AS \"{_ROWID}\", '' AS \"{_SOURCE_TEXT}\" UNION ALL "
    "SELECT rowid, source_text FROM incidents WHERE deleted_at IS NULL"
)


def _later_text(later: Later, rowid: np.ndarray, order: np.ndarray | None) -> pa.Array:
    """The sources text of :data:`_TEXT_SQL` (``later``), checked against the build's ``rowid``, in ``order``."""
    table = later.get().slice(1)  # the typed first row
    if not np.array_equal(_numpy(table.column(_ROWID), np.int64), rowid):
        raise RuntimeError("the sources text was read for other rows than the snapshot's")  # one transaction: never
    with _system_pool():
        return _ordered_text(table.column(_SOURCE_TEXT), order)


def _later_text_or_store(later: Later, rowid: np.ndarray, order: np.ndarray | None, store) -> pa.Array:
    """:func:`_later_text`; when the later read failed (the child died, a full disk), read from the store.

    Without this a failed second phase stayed in the snapshot for good: every text search, and the
    patch after every write, raised the same error until the process restarted. Rows changed in the
    store since the build's version get their newer text: the next refresh replaces them anyway.
    """
    try:
        return _later_text(later, rowid, order)
    except Exception as exc:  # noqa: BLE001 - whatever broke the child's read, the store can answer
        log.warning("incident snapshot: the sources text could not be read with the rest (%s); "
                    "it is read from the store instead", exc)
    return _store_text(store, rowid if order is None else rowid[order], None)


def _ordered_text(column: pa.ChunkedArray, order: np.ndarray | None) -> pa.Array:
    text = _one_array(column, pa.large_string())
    return text if order is None else text.take(pa.array(order))


def _say(text: str, end: str = "\n") -> None:
    """A progress line on the terminal (stderr): a build is rare, long at a million rows, and worth seeing."""
    try:
        sys.stderr.write(text + end)
        sys.stderr.flush()
    except (OSError, ValueError):  # no usable stderr (closed, detached): nothing to report to
        pass


def _canonical_order(days: np.ndarray, rowid: np.ndarray | None, ids: pa.Array | None) -> np.ndarray | None:
    """The permutation putting rows read from the store in canonical order (None: they already are).

    By date, then by rowid (SQLite) or id (PostgreSQL). On SQLite a full scan
    returns rowid order, so a stable sort by date is enough (and equals what
    :meth:`Store.frame` gives); on PostgreSQL the id breaks ties, because an
    UPDATE moves a row within the heap and a build must not depend on that.
    """
    n = len(days)
    if n < 2:
        return None
    if rowid is not None:
        if bool(np.all(rowid[1:] > rowid[:-1])):
            return None if bool(np.all(days[1:] >= days[:-1])) else _stable_argsort(days)
        return np.lexsort((rowid, days))
    table = pa.table({"day": pa.array(days), "id": ids})
    order = pc.sort_indices(table, sort_keys=[("day", "ascending"), ("id", "ascending")]).to_numpy()
    return None if bool(np.all(order[1:] > order[:-1])) else order


def _stable_argsort(days: np.ndarray) -> np.ndarray:
    """``np.argsort(days, kind="stable")``, as 16-bit keys when the days span less than ~89 years.

    numpy sorts 16-bit integers by radix (stably): at a million rows ~0.02 s of CPU
    against ~0.09 s for the 64-bit merge sort, on every first start.
    """
    lo = int(days.min())
    if int(days.max()) - lo < 1 << 15:
        return np.argsort((days - lo).astype(np.int16), kind="stable")
    return np.argsort(days, kind="stable")


@contextmanager
def _read_transaction(engine) -> Iterator[tuple[Any, dict[str, str]]]:
    """A read transaction (REPEATABLE READ on PostgreSQL, floats in full) and the ``meta`` it sees."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL extra_float_digits = 3")
            yield conn, dict(conn.exec_driver_sql("SELECT key, value FROM meta").all())


def _first_rows(conn, queries) -> list[list]:
    """The first row of each query, through the driver's own cursor (no SQLAlchemy row objects)."""
    cursor = conn.connection.cursor()
    try:
        rows = []
        for sql in queries:
            cursor.execute(sql)
            rows.append(list(cursor.fetchone()))
        return rows
    finally:
        cursor.close()


def _aggregated_columns(dialect: str, names: list[str]) -> str:
    """The SELECT list reading each of ``names`` as one JSON array built by the database (a refresh's delta)."""
    exprs = _EXPRESSIONS.get(dialect, _EXPRESSIONS["postgresql"])
    agg = _AGGREGATE.get(dialect, _AGGREGATE["postgresql"])
    special = {_ROWID: "rowid", _LIVE: "deleted_at IS NULL", _SOURCE_TEXT: "source_text"}
    return ", ".join(agg.format(special.get(n) or exprs.get(n, n)) for n in names)


# The light columns as the Arrow read selects them (see build); anything not named here is read as it is.
_ARROW_EXPRESSIONS = {
    "sqlite": {"date": _EXPRESSIONS["sqlite"]["date"], _ROWID: "rowid"},
    "postgresql": {"date": _EXPRESSIONS["postgresql"]["date"]},
}


def _kind(name: str) -> str:
    """How a column read by build is typed: int, float or text."""
    if name in ("lat", "lon"):
        return "float"
    return "int" if name in ("date", "intercepted", _ROWID, *_INT_COLUMNS, *_FIGURES) else "text"


def _arrow_sql(dialect: str) -> str:
    """The query build reads: every light column of live incidents and the sources text (SQLite: the rowid).

    SQLite's driver types each column from its first rows (geo.storage.columnar), so
    the query starts with a row holding a value of each column's type, which build
    drops: a column that is NULL in every row of the first batch (site_id) would
    otherwise be taken for integers and fail at the first text in a later batch.
    """
    names = [*LIGHT_COLUMNS, *([_ROWID] if dialect == "sqlite" else [_SOURCE_TEXT])]  # SQLite: _TEXT_SQL
    exprs = _ARROW_EXPRESSIONS.get(dialect, _ARROW_EXPRESSIONS["postgresql"])
    special = {_SOURCE_TEXT: "source_text"}
    select = ", ".join(f'{exprs.get(n) or special.get(n, n)} AS "{n}"' for n in names)
    sql = f"SELECT {select} FROM incidents WHERE deleted_at IS NULL"
    if dialect != "sqlite":
        return sql
    typed = {"int": "0", "float": "0.5", "text": "''"}
    first = ", ".join(f'{typed[_kind(n)]} AS "{n}"' for n in names)
    return f"SELECT {first} UNION ALL {sql}"


def _one_array(column: pa.ChunkedArray, type_: pa.DataType | None = None) -> pa.Array:
    """A column as one Arrow array (of ``type_`` when given)."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return array if type_ is None or array.type == type_ else array.cast(type_)


def _numpy(column: pa.ChunkedArray, dtype) -> np.ndarray:
    """A column without missing values as a numpy array of ``dtype``."""
    return np.asarray(_one_array(column).to_numpy(zero_copy_only=False), dtype=dtype)


def _typed_frame(table: pa.Table, order: np.ndarray | None) -> pd.DataFrame:
    """The light frame from the Arrow columns build read, rows put in ``order`` (None: as read)."""

    def ordered(values: np.ndarray) -> np.ndarray:
        return values if order is None else values[order]

    data: dict[str, Any] = {}
    n = table.num_rows
    for name in LIGHT_COLUMNS:
        column = table.column(name)
        if name == "date":
            days = ordered(_numpy(column, np.int64))
            data[name] = pd.Series(days.astype("datetime64[D]").astype("datetime64[ns]"))
        elif name in ("lat", "lon"):
            data[name] = pd.Series(ordered(_numpy(column, np.float64)))
        elif name in _INT_COLUMNS:
            data[name] = pd.Series(ordered(_numpy(column, np.int64)))
        elif name == "intercepted":
            data[name] = pd.Series(ordered(_numpy(column, np.int64) != 0))
        elif name in _FIGURES:
            array = _one_array(column, pa.int64())
            missing = ordered(np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool))
            values = ordered(np.asarray(array.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64))
            data[name] = pd.Series(pd.arrays.IntegerArray(values, missing))
        else:
            array = _one_array(column, pa.large_string())
            categorical = name in CATEGORY_COLUMNS or (
                name in MAYBE_CATEGORY_COLUMNS and n > 0 and pc.count_distinct(array).as_py() <= n // 4
            )
            if categorical:  # encode first, then reorder the small codes rather than the strings
                data[name] = _categorical(array, order)
            else:
                data[name] = _strings(array if order is None else array.take(pa.array(order)))
    return pd.DataFrame(data, columns=list(LIGHT_COLUMNS), copy=False)


def _strings(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Arrow text as pandas' default ``str`` dtype (Arrow-backed, no copy)."""
    return pd.Series(array.to_pandas(), copy=False).astype(_STR)


def _categorical(array: pa.Array, order: np.ndarray | None = None) -> pd.Series:
    """Text as a categorical column in canonical form (see :func:`_categorical_from_codes`), rows in ``order``.

    Every value of a fresh dictionary is in use, so canonical form is only its sort: one
    lookup table from the encoder's codes to the sorted ones, applied with the reorder
    (two gathers of the codes, a third of the columns' build CPU at 1M rows against the
    general path's copies, counts and remaps).
    """
    encoded = array.dictionary_encode()
    dictionary = encoded.dictionary.cast(pa.large_string())
    n = len(dictionary)
    by_value = pc.array_sort_indices(dictionary).to_numpy()
    code_dtype = _code_dtype(n)
    lut = np.empty(n + 1, dtype=code_dtype)  # the extra last entry: missing (-1)
    lut[by_value] = np.arange(n, dtype=code_dtype)
    lut[n] = -1
    indices = encoded.indices
    raw = (indices.fill_null(n) if indices.null_count else indices).to_numpy(zero_copy_only=False)
    codes = lut[raw if order is None else raw[order]]
    categories = pd.Index(dictionary.take(pa.array(by_value)).to_pandas(), dtype=_STR)  # as a read snapshot has them
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories, validate=False))


def _categorical_from_codes(codes: np.ndarray, dictionary: pa.Array) -> pd.Series:
    """A categorical column in canonical form: categories sorted, only those in use.

    Canonical so that a snapshot patched by :func:`refresh` (old categories plus
    new ones, some no longer used) equals a built one (first-seen order) exactly.
    ``codes`` index ``dictionary``, -1 for missing.
    """
    dictionary = dictionary.cast(pa.large_string())
    used = np.bincount(codes + 1, minlength=len(dictionary) + 1)[1:] > 0  # +1: missing (-1) counted apart
    keep = np.flatnonzero(used)
    kept = dictionary.take(pa.array(keep)) if len(keep) < len(dictionary) else dictionary
    by_value = pc.array_sort_indices(kept).to_numpy()
    if len(keep) < len(dictionary) or bool(np.any(by_value[1:] < by_value[:-1])):
        new_code = np.full(len(dictionary) + 1, -1, dtype=np.int32)  # the extra last entry maps -1 to -1
        new_code[keep[by_value]] = np.arange(len(keep), dtype=np.int32)
        codes = new_code[codes]
        kept = kept.take(pa.array(by_value))
    categories = pd.Index(kept.to_pandas(), dtype=_STR)  # as a read snapshot has them
    codes = codes.astype(_code_dtype(len(categories)), copy=False)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories, validate=False))


def _code_dtype(n: int):
    return np.int8 if n < 127 else np.int16 if n < 32_000 else np.int32


# --- refreshing by delta ------------------------------------------------------------------------


class _Unsafe(Exception):
    """The old snapshot cannot be patched safely: build instead (the message says why)."""


def refresh(store, old: Snapshot | None, *, max_fraction: float = MAX_DELTA_FRACTION) -> Snapshot:
    """The snapshot of the store's current version, patched from ``old`` when that is safe.

    Reads only the incidents written since ``old.version`` (one indexed query,
    in one read transaction with the version it yields) and replaces them in
    a copy of ``old``; ``old`` itself is left as it was. Falls back to
    :func:`build` when there is no ``old``, it belongs to another store or
    dialect, the version went backwards (a restored backup), more than
    ``max_fraction`` of the rows (and more than :data:`MIN_DELTA_ROWS`)
    changed, or anything about ``old`` is not as a build leaves it.
    Returns ``old`` when nothing changed.
    """
    from geo.formats.export import paused_gc

    if old is None:
        return build(store)
    try:
        with paused_gc(), store._guard("reading the changed incidents"):
            return _refreshed(store, old, max_fraction)
    except _Unsafe as exc:
        log.info("incident snapshot rebuilt instead of patched: %s", exc)
    return build(store)


def _refreshed(store, old: Snapshot, max_fraction: float) -> Snapshot:
    engine = store._engine
    dialect = engine.dialect.name
    store_id, _, since_text = old.version.rpartition(":")
    if not store_id or not since_text.isdigit():
        raise _Unsafe(f"the old snapshot has no usable version ({old.version!r})")
    if (old.rowid is not None) != (dialect == "sqlite") or (old.rowid is not None and len(old.rowid) != len(old)):
        raise _Unsafe("the old snapshot was made for another kind of database")
    since = int(since_text)
    limit = max(MIN_DELTA_ROWS, int(len(old) * max_fraction))
    meta, delta = _read_delta(engine, since, limit)
    if meta.get("store_id") != store_id:
        raise _Unsafe("the old snapshot is of another store (a restored backup or another database)")
    now = int(meta.get("data_version", "0"))
    if now < since:
        raise _Unsafe(f"the store's version went back from {since} to {now}")
    version = f"{store_id}:{now}"
    if delta is None:
        raise _Unsafe(f"more than {limit:,} incidents changed since version {since}")
    names, arrays, (source_ids, source_texts) = delta
    raw = dict(zip(names, arrays))
    if raw["id"] in ("[]", None):  # e.g. a write that changed no incident
        return old if now == since else old.with_version(version)
    try:
        return _patch(old, version, raw, orjson.loads(source_ids), orjson.loads(source_texts))
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, pa.ArrowException) as exc:
        # Correctness first: whatever went wrong while patching, a build gets it right.
        raise _Unsafe(f"patching failed ({type(exc).__name__}: {exc})") from exc


def _read_delta(engine, since: int, limit: int):
    """(meta, None) when more than ``limit`` rows changed since ``since``, else (meta, (names, arrays, texts))."""
    dialect = engine.dialect.name
    names = [*LIGHT_COLUMNS, *([_ROWID] if dialect == "sqlite" else []), _LIVE]
    changed = _CHANGED.format(since=int(since))
    where = f" WHERE incident_id IN (SELECT id FROM incidents WHERE {changed} AND deleted_at IS NULL)"
    text_sql = _SOURCE_TEXT_SQL.get(dialect, _SOURCE_TEXT_SQL["postgresql"]).format(where=where)
    with _read_transaction(engine) as (conn, meta):
        count = conn.exec_driver_sql(f"SELECT count(*) FROM incidents WHERE {changed}").scalar_one()
        if count > limit:
            return meta, None
        arrays, texts = _first_rows(
            conn, [f"SELECT {_aggregated_columns(dialect, names)} FROM incidents WHERE {changed}", text_sql]
        )
    return meta, (names, arrays, texts)


def _patch(old: Snapshot, version: str, raw: dict[str, str], source_ids: list, source_texts: list) -> Snapshot:
    """``old`` with the changed rows ``raw`` (JSON arrays per column, deleted ones too) replaced."""
    ids = orjson.loads(raw.pop("id"))
    live = np.asarray(orjson.loads(raw.pop(_LIVE)), dtype=bool)
    days = np.asarray(orjson.loads(raw["date"]), dtype="int64")
    rowid = np.asarray(orjson.loads(raw.pop(_ROWID)), dtype=np.int64) if _ROWID in raw else None
    if not (len(ids) == len(live) == len(days)) or (rowid is not None and len(rowid) != len(ids)):
        raise ValueError("the changed rows' columns differ in length")

    # Which old rows go (every changed incident: edited, deleted or merged away), which new ones come.
    n_old = len(old)
    old_ids = _chunked(pa.array(old.frame["id"].array))
    gone = _as_bool(pc.is_in(old_ids, value_set=pa.array(ids, type=pa.large_string()))) if ids else None
    keep = np.arange(n_old) if gone is None else np.flatnonzero(~gone)
    old_days = old.frame["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    new = np.flatnonzero(live)
    if rowid is not None:
        new = new[np.lexsort((rowid[new], days[new]))]
        order = _merge_order(old_days[keep], old.rowid[keep], days[new], rowid[new])
    else:
        new_ids = [ids[i] for i in new]
        new = new[sorted(range(len(new)), key=lambda j: (days[new[j]], new_ids[j]))]
        order = _merge_order_by_id(old_days, old_ids, keep, days[new], [ids[i] for i in new])
    # order indexes [kept rows..., new rows...]; the gather wants [old rows..., new rows...].
    kept = order < len(keep)
    src = np.where(kept, keep[np.where(kept, order, 0)] if len(keep) else 0, order - len(keep) + n_old)
    gather = _Gather(src, n_old)

    # Column by column: the kept old values and the new ones, in the merged order.
    n = len(src)
    data: dict[str, Any] = {"id": _strings(gather.arrow(old_ids, pa.array([ids[i] for i in new], pa.large_string())))}
    for name in LIGHT_COLUMNS:
        if name == "id":
            continue
        column = old.frame[name]
        values = orjson.loads(raw.pop(name))
        if len(values) != len(ids):
            raise ValueError(f"column {name} of the changed rows has {len(values)} values, not {len(ids)}")
        if name == "date":
            fresh = days[new].astype("datetime64[D]").astype("datetime64[ns]")
            data[name] = pd.Series(gather.numpy(column.to_numpy(dtype="datetime64[ns]"), fresh))
        elif name in ("lat", "lon"):
            data[name] = pd.Series(gather.numpy(column.to_numpy(dtype="float64"), np.asarray(values, "float64")[new]))
        elif name in _INT_COLUMNS:
            data[name] = pd.Series(gather.numpy(column.to_numpy(dtype="int64"), np.asarray(values, "int64")[new]))
        elif name == "intercepted":
            data[name] = pd.Series(gather.numpy(column.to_numpy(dtype=bool), np.asarray(values, bool)[new]))
        elif name in _FIGURES:
            if str(column.dtype) != "Int64":
                raise TypeError(f"column {name} is {column.dtype}, not Int64")
            floats = np.asarray(values, dtype="float64")[new]  # None -> NaN
            missing = np.isnan(floats)
            merged = gather.numpy(
                column.to_numpy(dtype="int64", na_value=0), np.where(missing, 0, floats).astype("int64")
            )
            mask = gather.numpy(column.isna().to_numpy(), missing)
            data[name] = pd.Series(pd.arrays.IntegerArray(merged, mask))
        else:
            fresh = pa.array(values, type=pa.large_string()).take(pa.array(new, type=pa.int64()))
            if isinstance(column.dtype, pd.CategoricalDtype):
                data[name] = _merged_categorical(column, fresh, gather)
            elif column.dtype == _STR and name not in CATEGORY_COLUMNS:
                data[name] = _strings(gather.arrow(_chunked(pa.array(column.array)), fresh))
            else:
                raise TypeError(f"column {name} is {column.dtype}")
            if name in MAYBE_CATEGORY_COLUMNS:  # as _typed_frame decides, on the merged column
                data[name] = _maybe_categorical(data[name], n)
    frame = pd.DataFrame(data, columns=list(LIGHT_COLUMNS), copy=False)

    texts = dict(zip(source_ids, source_texts))
    fresh_text = pa.array([texts.get(ids[i]) or "" for i in new], type=pa.large_string())
    text = gather.arrow(_chunked(old.source_text), fresh_text)
    new_rowid = None if rowid is None else gather.numpy(old.rowid, rowid[new])
    if len(frame) != n or len(text) != n:
        raise ValueError("the patched snapshot's columns differ in length")
    return Snapshot(version=version, frame=frame, rowid=new_rowid, source_text=text)


_DAY_BITS, _ROWID_BITS = 22, 40  # (day, rowid) packed in one int64: +-11,000 years, 10**12 rows


def _merge_order(old_days, old_rowid, new_days, new_rowid) -> np.ndarray:
    """Where each row of the merged snapshot comes from: i < len(old) the i-th kept old row, else a new one.

    Both inputs are sorted by (day, rowid); the kept rows must be strictly so,
    which also checks that the old snapshot is in canonical order.
    """
    packable = all(
        len(a) == 0 or (int(a.min()) > -(1 << (_DAY_BITS - 1)) and int(a.max()) < 1 << (_DAY_BITS - 1))
        for a in (old_days, new_days)
    ) and all(len(a) == 0 or (int(a.min()) >= 0 and int(a.max()) < 1 << _ROWID_BITS) for a in (old_rowid, new_rowid))
    if not packable:  # not seen in practice: sort everything
        later = (old_days[1:] > old_days[:-1]) | ((old_days[1:] == old_days[:-1]) & (old_rowid[1:] > old_rowid[:-1]))
        if not bool(np.all(later)):
            raise _Unsafe("the old snapshot is not in canonical order")
        return np.lexsort((np.concatenate([old_rowid, new_rowid]), np.concatenate([old_days, new_days])))
    old_key = ((old_days + (1 << (_DAY_BITS - 1))) << _ROWID_BITS) | old_rowid
    new_key = ((new_days + (1 << (_DAY_BITS - 1))) << _ROWID_BITS) | new_rowid
    if not bool(np.all(old_key[1:] > old_key[:-1])):
        raise _Unsafe("the old snapshot is not in canonical order")
    return _interleave(np.searchsorted(old_key, new_key), len(old_key))


_SEARCH_MAX = 2_000


def _merge_order_by_id(old_days, old_ids: pa.ChunkedArray, keep, new_days, new_ids: list) -> np.ndarray:
    """:func:`_merge_order` for PostgreSQL snapshots: ties on the day broken by id."""
    kept_days = old_days[keep]
    kept_ids = old_ids.take(pa.array(keep, type=pa.int64())) if len(keep) < len(old_days) else old_ids
    if len(keep) > 1:
        same_day = kept_days[1:] == kept_days[:-1]
        ascending = _as_bool(pc.less(kept_ids[:-1], kept_ids[1:]))
        if not bool(np.all(kept_days[1:] >= kept_days[:-1])) or not bool(np.all(ascending | ~same_day)):
            raise _Unsafe("the old snapshot is not in canonical order")
    if len(new_ids) > _SEARCH_MAX:  # many new rows: one sort of everything beats a search per row
        table = pa.table(
            {"day": pa.array(np.concatenate([kept_days, new_days])),
             "id": pa.chunked_array([*kept_ids.chunks, pa.array(new_ids, pa.large_string())], pa.large_string())}
        )  # fmt: skip
        return pc.sort_indices(table, sort_keys=[("day", "ascending"), ("id", "ascending")]).to_numpy()
    at = np.empty(len(new_ids), dtype=np.int64)
    for j, (day, key) in enumerate(zip(new_days.tolist(), new_ids)):
        lo, hi = np.searchsorted(kept_days, day, "left"), np.searchsorted(kept_days, day, "right")
        # Within the day: past the kept rows whose id sorts before this one.
        before = pc.sum(pc.less(kept_ids.slice(lo, hi - lo), pa.scalar(key, pa.large_string()))).as_py() or 0
        at[j] = lo + before
    return _interleave(at, len(kept_days))


def _interleave(at: np.ndarray, n_kept: int) -> np.ndarray:
    """Merged order from the insertion points ``at`` (ascending) of the new rows among ``n_kept`` kept ones."""
    n = n_kept + len(at)
    order = np.empty(n, dtype=np.int64)
    slots = at + np.arange(len(at))  # the new rows' final positions
    is_new = np.zeros(n, dtype=bool)
    is_new[slots] = True
    order[slots] = n_kept + np.arange(len(at))
    order[~is_new] = np.arange(n_kept)
    return order


class _Gather:
    """Columns of the merged snapshot from an old column and the new rows' values.

    ``src[i]`` is the row the merged row ``i`` comes from: ``< n_old`` an old
    row, else new row ``src[i] - n_old``. A small delta leaves long runs of
    consecutive old rows; those are copied as slices (Arrow text: zero-copy
    slices of the old buffers) rather than gathered row by row.
    """

    _MAX_RUNS = 20_000  # beyond this many runs, a plain take is faster
    _MAX_CHUNKS = 1024  # Arrow text with more chunks than this is combined into one (one copy)

    def __init__(self, src: np.ndarray, n_old: int):
        self.src = src
        self.n_old = n_old
        if len(src) == 0:
            self.runs: list[tuple[int, int]] | None = []
            return
        breaks = np.flatnonzero((np.diff(src) != 1) | (src[1:] == n_old)) + 1
        if len(breaks) >= self._MAX_RUNS:
            self.runs = None
            return
        starts = np.concatenate([[0], breaks])
        stops = np.concatenate([breaks, [len(src)]])
        self.runs = [(int(src[a]), int(src[a]) + int(b - a)) for a, b in zip(starts, stops)]

    def numpy(self, old: np.ndarray, new: np.ndarray) -> np.ndarray:
        if self.runs is None:
            return np.concatenate([old, new])[self.src]
        if not self.runs:
            return old[:0].copy()
        n_old = self.n_old
        return np.concatenate([old[a:b] if a < n_old else new[a - n_old : b - n_old] for a, b in self.runs])

    def arrow(self, old: pa.ChunkedArray, new: pa.Array) -> pa.ChunkedArray:
        if self.runs is None:
            return pa.chunked_array(old.chunks + [new], type=old.type).take(pa.array(self.src)).combine_chunks()
        n_old = self.n_old
        chunks: list[pa.Array] = []
        for a, b in self.runs:
            if a < n_old:
                chunks.extend(old.slice(a, b - a).chunks)
            else:
                chunks.append(new.slice(a - n_old, b - a))
        merged = pa.chunked_array(chunks, type=old.type)
        if merged.num_chunks > self._MAX_CHUNKS:
            merged = pa.chunked_array([merged.combine_chunks()], type=old.type)
        return merged


def _merged_categorical(column: pd.Series, fresh: pa.Array, gather: _Gather) -> pd.Series:
    """A categorical column: old codes and the new values' codes against old + new categories, canonical."""
    categories = pa.array(column.cat.categories.array).cast(pa.large_string())
    if isinstance(categories, pa.ChunkedArray):
        categories = categories.combine_chunks()
    seen = pc.unique(fresh.drop_null()) if len(fresh) else fresh
    unseen = seen.filter(pc.invert(pc.is_in(seen, value_set=categories))) if len(seen) else seen
    dictionary = pa.concat_arrays([categories, unseen.cast(pa.large_string())]) if len(unseen) else categories
    fresh_codes = pc.index_in(fresh, value_set=dictionary).fill_null(-1).to_numpy(zero_copy_only=False)
    old_codes = column.cat.codes.to_numpy().astype(np.int32)
    codes = gather.numpy(old_codes, fresh_codes.astype(np.int32))
    return _categorical_from_codes(codes, dictionary)


def _maybe_categorical(series: pd.Series, n: int) -> pd.Series:
    """A MAYBE_CATEGORY_COLUMNS column in the form a build gives it for ``n`` rows."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        if n > 0 and len(series.cat.categories) <= n // 4:  # canonical: every category is in use
            return series
        text = pa.array(series.cat.categories.array).cast(pa.large_string())
        text = _chunked(text).combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        codes = series.cat.codes.to_numpy()
        values = text.take(pa.array(codes, mask=codes < 0))
        return _strings(values)
    array = _chunked(pa.array(series.array))
    if n > 0 and pc.count_distinct(array).as_py() <= n // 4:
        return _categorical(array.combine_chunks())
    return series


def _chunked(array: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def _as_bool(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if array.null_count:
        array = array.fill_null(False)
    return array.to_numpy(zero_copy_only=False).astype(bool, copy=False)


# --- the file -----------------------------------------------------------------------------------


def snapshot_path(cache_dir: str | Path, store_url: str, version: str) -> Path:
    """Where the snapshot of ``version`` of the store at ``store_url`` lives."""
    url_key = hashlib.sha1(store_url.encode("utf-8")).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", version)[:100]
    return Path(cache_dir) / "snapshots" / f"{url_key}-{safe}.v{FORMAT}.arrow"


def write_snapshot(snapshot: Snapshot, path: str | Path) -> Path:
    """Write ``snapshot`` atomically (temporary file + rename) with a CRC32 of the data."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(snapshot.frame, preserve_index=False)
    rowid = snapshot.rowid if snapshot.rowid is not None else np.full(len(snapshot.frame), -1, dtype=np.int64)
    table = table.append_column(_ROWID, pa.array(rowid, type=pa.int64()))
    table = table.append_column(_SOURCE_TEXT, snapshot.source_text.cast(pa.large_string()))
    meta = dict(table.schema.metadata or {})
    meta[_META_VERSION] = snapshot.version.encode("utf-8")
    meta[_META_FORMAT] = str(FORMAT).encode()
    table = table.replace_schema_metadata(meta)
    with replacing(path, suffix=".tmp") as tmp:
        # Arrow's own file (not a Python file object): the write runs without the GIL, which
        # matters when load(background=True) writes while the page is being made.
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=1 << 20)
        size = tmp.stat().st_size
        start, stop = _text_region(tmp, size)
        rest, text = _crc(tmp, [(0, start), (stop, size)]), _crc(tmp, [(start, stop)])
        with open(tmp, "ab") as fh:
            # A trailer after the Arrow footer (read_snapshot passes footer_offset to skip it).
            fh.write(_TRAILER_LAYOUT.pack(rest, text, start, stop) + _TRAILER_MAGIC)
    return path


# After the Arrow file: CRC32 of everything but the sources text, CRC32 of the sources text, and where
# the text's bytes are ([start, stop); 0, 0 when they are not one run: the first CRC covers everything).
_TRAILER_LAYOUT = struct.Struct("<IIQQ")
_TRAILER_MAGIC = b"IACR2"
_TRAILER = _TRAILER_LAYOUT.size + len(_TRAILER_MAGIC)
_CRC_STEP = 64 << 20  # zlib takes at most 4 GB at once


def _text_region(path: Path, size: int) -> tuple[int, int]:
    """Where the bytes of the sources text column lie in the Arrow file at ``path`` (0, 0: not one run).

    One record batch (files up to 2**20 rows) puts the last column's buffers (offsets, then
    the text) last in its body: one run that no other column's bytes share.
    """
    source = pa.memory_map(str(path), "r")
    try:
        base = source.read_buffer(size)
        reader = pa.ipc.open_file(source)
        if reader.num_record_batches != 1:
            return 0, 0
        batch = reader.get_batch(0)
        buffers = batch.column(batch.schema.get_field_index(_SOURCE_TEXT)).buffers()
        if len(buffers) != 3 or buffers[0] is not None or buffers[1] is None or buffers[2] is None:
            return 0, 0  # with missing values, or not large_string: not worth a special case
        start = buffers[1].address - base.address
        stop = buffers[2].address + buffers[2].size - base.address
        return (start, stop) if 0 <= start <= stop <= size and buffers[2].address >= buffers[1].address else (0, 0)
    finally:
        source.close()


def _crc(path: Path, ranges: Sequence[tuple[int, int]]) -> int:
    """CRC32 of the file's bytes in ``ranges`` ([start, stop) each, in order), one after the other.

    Over a memory map rather than read in chunks: the bytes are not copied first, which
    at a million incidents (~250 MB) is a third of the check's CPU on every cold start.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return 0
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped, memoryview(mapped) as view:
            crc = 0
            for start, stop in ranges:
                crc = _crc_view(view[start:min(stop, size)], crc)
            return crc


def _crc_view(view: memoryview, crc: int = 0) -> int:
    with view:
        for start in range(0, len(view), _CRC_STEP):
            with view[start : start + _CRC_STEP] as chunk:
                crc = zlib.crc32(chunk, crc)
    return crc


def _checked_text(source: pa.MemoryMappedFile, start: int, stop: int, crc: int, text: pa.Array, name: str) -> pa.Array:
    """``text`` once the bytes it lies on (``start``-``stop`` of the mapped file) match ``crc``; else ValueError."""
    if stop > start and _crc_view(memoryview(source.read_at(stop - start, start))) != crc:
        raise ValueError(f"{name}: checksum mismatch in the sources text (corrupt)")
    return text


def read_snapshot(path: str | Path, *, version: str | None = None) -> Snapshot:
    """Read a snapshot file; raises ValueError (or an Arrow/OS error) when it is unusable."""
    path = Path(path)
    size = path.stat().st_size
    if size <= _TRAILER:
        raise ValueError(f"{path.name}: too short to be a snapshot")
    with open(path, "rb") as fh:
        fh.seek(size - _TRAILER)
        trailer = fh.read(_TRAILER)
    if trailer[-len(_TRAILER_MAGIC) :] != _TRAILER_MAGIC:
        raise ValueError(f"{path.name}: no snapshot trailer (corrupt or partly written)")
    rest_crc, text_crc, start, stop = _TRAILER_LAYOUT.unpack(trailer[: _TRAILER_LAYOUT.size])
    body = size - _TRAILER
    if not 0 <= start <= stop <= body or _crc(path, [(0, start), (stop, body)]) != rest_crc:
        raise ValueError(f"{path.name}: checksum mismatch (corrupt or partly written)")
    source = pa.memory_map(str(path), "r")
    reader = pa.ipc.open_file(source, footer_offset=body)
    table = reader.read_all()
    meta = table.schema.metadata or {}
    if meta.get(_META_FORMAT) != str(FORMAT).encode():
        raise ValueError(f"{path.name}: written by another snapshot format")
    found = meta.get(_META_VERSION, b"").decode("utf-8")
    if version is not None and found != version:
        raise ValueError(f"{path.name}: holds version {found!r}, not {version!r}")
    if table.column_names != [*LIGHT_COLUMNS, _ROWID, _SOURCE_TEXT]:
        raise ValueError(f"{path.name}: unexpected columns")
    rowid = table.column(_ROWID).to_numpy()
    # One chunk (files up to 2**20 rows): used as it is, still memory-mapped, so only a text
    # search reads it; combine_chunks would copy it (~140 MB at a million rows) on every cold start.
    # Its bytes are checked on first use, not here: ~55% of the file at a million rows.
    column = table.column(_SOURCE_TEXT)
    text = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    checked = Later(lambda: _checked_text(source, start, stop, text_crc, text, path.name))
    frame = _frame_from_file(table)
    return Snapshot(
        version=found,
        frame=frame,
        rowid=None if (len(rowid) and rowid[0] < 0) else np.ascontiguousarray(rowid, dtype=np.int64),
        source_text=checked,
    )


def _frame_from_file(table: pa.Table) -> pd.DataFrame:
    """The light frame from a snapshot file's columns, in the dtypes a build gives.

    Column by column rather than ``Table.to_pandas``: its first call in a process parses
    the pandas metadata and converts through general paths (~0.05-0.1 s of a cold start at
    a million rows, against ~0.03 s here, where the codes and numbers stay where they are).
    """
    data: dict[str, Any] = {}
    for name in LIGHT_COLUMNS:
        array = _one_array(table.column(name))
        if pa.types.is_dictionary(array.type):
            indices = array.indices
            codes = (indices.fill_null(-1) if indices.null_count else indices).to_numpy(zero_copy_only=False)
            categories = pd.Index(array.dictionary.cast(pa.large_string()).to_pandas(), dtype=_STR)
            data[name] = pd.Categorical.from_codes(codes, categories=categories, validate=False)
        elif pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            data[name] = _strings(array).array
        elif name in _FIGURES:
            values = (array.fill_null(0) if array.null_count else array).to_numpy(zero_copy_only=False)
            missing = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            data[name] = pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), missing)
        else:
            data[name] = array.to_numpy(zero_copy_only=False)
    return pd.DataFrame(data, columns=list(LIGHT_COLUMNS), copy=False)


def load(
    store,
    cache_dir: str | Path,
    *,
    version: str | None = None,
    previous: Snapshot | None = None,
    background: bool = False,
) -> Snapshot:
    """The light frame of the store's current version: from its snapshot file, else refreshed and saved.

    Without a file for the version, the snapshot is refreshed (:func:`refresh`) from
    ``previous`` (the one a running app holds) or else from this store's newest
    older snapshot file: only the incidents written since are read. A missing,
    stale or unreadable file is rebuilt; failing to *write* the file
    (read-only cache dir, full disk) is logged and the snapshot returned.

    ``background=True`` (the app) returns as soon as the snapshot is made and writes
    its file in a thread of lower priority (:func:`wait_for_writes` waits for it): the
    write is for the *next* cold start, so the first page need not wait for it. The
    file is published by rename when complete, so a process that dies mid-write
    leaves no file a cold start would read (only a hidden temporary one).
    """
    version = version or store.version()
    path = snapshot_path(cache_dir, store.url, version)
    if path.exists():
        try:
            snapshot = read_snapshot(path, version=version)
        except _UNREADABLE as exc:
            log.warning("incident snapshot %s is unusable (%s); rebuilding it", path, exc)
        else:
            checked, rowid, ids = snapshot.__dict__["_source_text"], snapshot.rowid, snapshot.frame["id"]
            snapshot.source_text = Later(lambda: _text_or_store(checked, store, rowid, ids, path))
            return snapshot
    if previous is None or previous.version.rpartition(":")[0] != version.rpartition(":")[0]:
        previous = _older_snapshot(cache_dir, store.url, version)
    snapshot = refresh(store, previous)
    path = snapshot_path(cache_dir, store.url, snapshot.version)
    if background:
        _save_later(snapshot, path)
    else:
        _save(snapshot, path)
    return snapshot


def _text_or_store(checked: Later, store, rowid: np.ndarray | None, ids: pd.Series, path: Path) -> pa.Array:
    """The sources text of a snapshot file (``checked``); when its bytes are corrupt, read from the store.

    The file is removed then, so the next start builds a good one. Rows changed in the
    store since the file's version get their newer text: the next refresh replaces them anyway.
    """
    try:
        return checked.get()
    except ValueError as exc:
        log.warning("incident snapshot %s: %s; the sources text is read from the store instead", path, exc)
        try:
            path.unlink()
        except OSError:
            pass
    return _store_text(store, rowid, ids)


def _store_text(store, rowid: np.ndarray | None, ids: pd.Series | None) -> pa.Array:
    """The store's sources text for these rows (by ``rowid`` on SQLite, else by ``ids``), in their order."""
    engine = store._engine
    by_rowid = rowid is not None and engine.dialect.name == "sqlite"
    sql = "SELECT rowid, source_text FROM incidents" if by_rowid else "SELECT id, source_text FROM incidents"
    with store._guard("reading the sources text"), engine.connect() as conn:
        found = dict(conn.exec_driver_sql(sql).all())
    keys = rowid.tolist() if by_rowid else ids.tolist()
    return pa.array([found.get(key) or "" for key in keys], type=pa.large_string())


def _save(snapshot: Snapshot, path: Path) -> None:
    try:
        write_snapshot(snapshot, path)
        _remove_older(path)
    except OSError as exc:
        log.warning("could not write the incident snapshot %s: %s", path, exc)


_WRITERS: set[threading.Thread] = set()
_WRITERS_LOCK = threading.Lock()
_WRITING = threading.Lock()  # one background write at a time, so two versions' writers never interleave
_LATEST: dict[tuple[Path, str], Path] = {}  # (folder, store key) -> the newest version's file asked for
_WRITER_NICE = 10  # how much lower the writer thread's priority is than the page's


def _save_later(snapshot: Snapshot, path: Path) -> None:
    """:func:`_save` in a thread (not a daemon: the interpreter waits for it at exit, so the file is finished)."""

    def run() -> None:
        try:
            # Linux schedules threads as tasks: a thread id as the "process" lowers this thread alone.
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _WRITER_NICE)
        except (AttributeError, OSError):  # not Linux, or not allowed: write at normal priority
            pass
        try:
            with _WRITING:
                # A newer version queued meanwhile: its file is the one to keep (and this
                # one's _remove_older must not delete it).
                if _LATEST.get(key) == path:
                    _save(snapshot, path)
        except Exception:  # noqa: BLE001 - a thread's error has no caller; the next start just rebuilds
            log.exception("could not write the incident snapshot %s", path)
        finally:
            with _WRITERS_LOCK:
                _WRITERS.discard(threading.current_thread())

    key = (path.parent, path.name.split("-", 1)[0])
    thread = threading.Thread(target=run, name=f"snapshot-writer-{path.name}", daemon=False)
    with _WRITERS_LOCK:
        _WRITERS.add(thread)
        _LATEST[key] = path
    thread.start()


def wait_for_writes(timeout: float | None = None) -> bool:
    """Wait for the snapshot files :func:`load` is writing in the background; False if ``timeout`` ran out."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _WRITERS_LOCK:
            pending = next(iter(_WRITERS), None)
        if pending is None:
            return True
        pending.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if pending.is_alive():
            return False


_UNREADABLE = (OSError, ValueError, pa.ArrowException, KeyError, IndexError)


def _older_snapshot(cache_dir: str | Path, store_url: str, version: str) -> Snapshot | None:
    """The newest readable snapshot file of an older version of the same store, or None."""
    store_id, _, current = version.rpartition(":")
    if not current.isdigit():
        return None
    here = snapshot_path(cache_dir, store_url, version)
    prefix = here.name.split("-", 1)[0] + "-" + re.sub(r"[^A-Za-z0-9_.-]", "_", store_id) + "_"
    suffix = f".v{FORMAT}.arrow"
    older = []
    for candidate in here.parent.glob(prefix + "*" + suffix):
        number = candidate.name[len(prefix) : -len(suffix)]
        if number.isdigit() and int(number) < int(current):
            older.append((int(number), candidate))
    for _, candidate in sorted(older, reverse=True)[:1]:
        try:
            return read_snapshot(candidate)
        except _UNREADABLE as exc:
            log.warning("incident snapshot %s is unusable (%s); building a new one", candidate, exc)
    return None


def _remove_older(path: Path) -> None:
    """Delete the other snapshots of the same store (older versions)."""
    prefix = path.name.split("-", 1)[0] + "-"
    for other in path.parent.glob(prefix + "*"):
        if other != path and other.suffix == ".arrow":
            try:
                other.unlink()
            except OSError:
                pass
