"""The light incident frame the dashboard filters and maps, and its on-disk snapshot.

:meth:`geo.store.Store.frame` reads every column, the sources JSON included
(~420 MB of text at a million incidents), which makes a cold start take many
seconds. The dashboard needs none of that text to filter, count and map, so
it works on a *light* frame instead:

* every column of the :mod:`geo.frame` contract except ``sources``, with
  categorical dtypes for the repetitive text columns (actor, type, country,
  place, ...) and pyarrow-backed strings for ids and summaries;
* the SQLite ``rowid`` of each row (aligned with the frame, kept apart from it),
  so the sources of the rows an export or a map popup needs are fetched in one
  query (:meth:`Snapshot.sources_for`);
* ``source_text``: the sources' outlet, URL, title and evidence joined by
  newlines, so the free-text filter searches the sources without their JSON.

:func:`load` reads the snapshot file written for the store's current
:meth:`~geo.store.Store.version` under ``<cache dir>/snapshots`` (an Arrow IPC
file, memory-mapped: well under a second for a million rows) and rebuilds it
with its own SQL when the version moved on, the file is missing, or it cannot
be read (a corrupt file is replaced, never a crash).

:meth:`Snapshot.mask` is :func:`geo.filters.filter_mask` over precomputed
arrays (day numbers, category codes, lookup tables), a few milliseconds at a
million rows; the one difference is that free text matches the sources'
outlet, URL, title and evidence rather than their JSON text (so "null" or
"outlet" no longer match every incident).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.filters import Filters
from geo.frame import FRAME_COLUMNS

__all__ = [
    "CATEGORY_COLUMNS",
    "FORMAT",
    "LIGHT_COLUMNS",
    "Snapshot",
    "build",
    "load",
    "read_snapshot",
    "snapshot_path",
    "write_snapshot",
]

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the file layout changes: older files are rebuilt
LIGHT_COLUMNS = tuple(name for name in FRAME_COLUMNS if name != "sources")
# Repetitive text: categorical (a code per row, each distinct value stored once).
CATEGORY_COLUMNS = (
    "date_precision", "site_id", "location", "country", "admin1", "event_type", "actor", "attribution",
    "attributed_by", "target", "damage", "status", "outlets",
)  # fmt: skip
# Text that may be unique per row: categorical only when it repeats a lot (synthetic data).
MAYBE_CATEGORY_COLUMNS = ("summary",)
_INT_COLUMNS = ("geo_precision", "source_count")
_FIGURES = ("munitions", "killed", "injured")
# What the free-text box searches (geo.filters.TEXT_COLUMNS, with the sources as text).
TEXT_COLUMNS = ("summary", "location", "actor", "attributed_by", "target", "site_id")
_ROWID = "__rowid"
_SOURCE_TEXT = "__source_text"
_META_VERSION = b"geo.snapshot.version"
_META_FORMAT = b"geo.snapshot.format"
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str"
_TEXT_CACHE = 8  # needles whose hits are kept per snapshot

# Column expressions for the light frame (see Store.frame: dates as day numbers, SQLite
# floats as 17-digit text because its JSON writer keeps only 15 digits).
_EXPRESSIONS = {
    "sqlite": {
        "date": "CAST(round(julianday(date) - 2440587.5) AS INTEGER)",
        "lat": "printf('%!.17g', lat)",
        "lon": "printf('%!.17g', lon)",
    },
    "postgresql": {"date": "(date - DATE '1970-01-01')"},
}
_AGGREGATE = {"sqlite": "json_group_array({})", "postgresql": "COALESCE(json_agg({}), '[]')::text"}
_SOURCE_TEXT_SQL = {
    "sqlite": (
        "SELECT json_group_array(incident_id), json_group_array(t) FROM ("
        "SELECT incident_id, group_concat(outlet || char(10) || url || char(10) || title || char(10) || evidence,"
        " char(10)) AS t FROM sources GROUP BY incident_id)"
    ),
    "postgresql": (
        "SELECT COALESCE(json_agg(incident_id), '[]')::text, COALESCE(json_agg(t), '[]')::text FROM ("
        "SELECT incident_id, string_agg(outlet || E'\\n' || url || E'\\n' || title || E'\\n' || evidence, E'\\n')"
        " AS t FROM sources GROUP BY incident_id) AS s"
    ),
}


# --- the snapshot -------------------------------------------------------------------------------


@dataclass(eq=False)
class Snapshot:
    """One version of the light frame plus what filtering and fetching need."""

    version: str
    frame: pd.DataFrame  # LIGHT_COLUMNS, ordered by date (as Store.frame)
    rowid: np.ndarray | None  # int64, aligned with frame rows (SQLite); None: fetch by id
    source_text: pa.Array  # large_string, aligned with frame rows
    _index: dict[str, Any] = field(default_factory=dict, repr=False)
    _text_hits: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    # --- filtering --------------------------------------------------------------------------

    def _prepared(self) -> dict[str, Any]:
        """Day numbers, period ends and category lookups, computed once per snapshot."""
        if not self._index:
            df = self.frame
            day = df["date"].to_numpy(dtype="datetime64[D]")
            precision = df["date_precision"].astype(object).to_numpy()
            end = day.copy()
            week = precision == "week"
            end[week] = day[week] + np.timedelta64(6, "D")
            month = precision == "month"
            # Last day of the month: first day of the next month minus one day.
            end[month] = (day[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
            self._index.update(
                day=day.astype("int64"),
                end=end.astype("int64"),
                intercepted=df["intercepted"].to_numpy(dtype=bool),
            )
        return self._index

    def mask(self, f: Filters) -> np.ndarray:
        """Boolean mask of the rows passing ``f`` (see :func:`geo.filters.filter_mask`)."""
        n = len(self.frame)
        mask = np.ones(n, dtype=bool)
        if n == 0:
            return mask
        ix = self._prepared()
        if f.date_from is not None:
            mask &= ix["end"] >= _day_number(f.date_from)
        if f.date_to is not None:
            mask &= ix["day"] <= _day_number(f.date_to)
        for column, wanted in (
            ("actor", f.actors),
            ("attribution", f.attributions),
            ("event_type", f.event_types),
            ("country", f.countries),
        ):
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
        """The rows at ``positions`` in the complete :mod:`geo.frame` contract (sources included)."""
        positions = np.asarray(positions, dtype=np.int64)
        rows = self.frame.take(positions).reset_index(drop=True)
        out = _plain(rows)
        out["sources"] = pd.Series(self.sources_for(store, positions), dtype=object)
        return out.loc[:, list(FRAME_COLUMNS)]


def _day_number(d) -> int:
    return int(np.datetime64(d, "D").astype("int64"))


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
            values = s.to_numpy(dtype=object, na_value=None) if not isinstance(s.dtype, pd.CategoricalDtype) else (
                s.astype(object).where(s.notna(), None).to_numpy(dtype=object)
            )
            out[name] = pd.Series(values, dtype=object, index=df.index)
        else:
            out[name] = s
    return pd.DataFrame(out, index=df.index)


# --- building from the store --------------------------------------------------------------------


def build(store) -> Snapshot:
    """Read the light frame, the rowids and the sources text from the store.

    Two queries run side by side on two connections (SQLite and the driver
    release the GIL while they scan): the light columns, each as one JSON array
    built by the database (as :meth:`Store.frame` does), and the sources text
    per incident. Each runs in its own read transaction that also reads the
    version; when a write committed between the two, they are read again.
    """
    from concurrent.futures import ThreadPoolExecutor

    from geo.export import paused_gc

    engine = store._engine
    dialect = engine.dialect.name
    exprs = _EXPRESSIONS.get(dialect, _EXPRESSIONS["postgresql"])
    agg = _AGGREGATE.get(dialect, _AGGREGATE["postgresql"])
    names = [*LIGHT_COLUMNS, *([_ROWID] if dialect == "sqlite" else [])]
    select = ", ".join(agg.format("rowid" if n == _ROWID else exprs.get(n, n)) for n in names)
    frame_sql = f"SELECT {select} FROM incidents WHERE deleted_at IS NULL"
    text_sql = _SOURCE_TEXT_SQL.get(dialect, _SOURCE_TEXT_SQL["postgresql"])
    with paused_gc(), store._guard("reading the incidents"):
        for attempt in range(3):
            with ThreadPoolExecutor(max_workers=1) as pool:
                texts = pool.submit(_read, engine, text_sql)
                meta, arrays = _read(engine, frame_sql)
                text_meta, (source_ids, source_texts) = texts.result()
            if meta == text_meta:
                break
        else:  # writes kept landing between the two reads: read both in one transaction
            meta, arrays, (source_ids, source_texts) = _read(engine, frame_sql, text_sql)
        version = f"{meta.get('store_id', '')}:{meta.get('data_version', '0')}"
        raw = dict(zip(names, arrays))
        del arrays
        days = np.asarray(orjson.loads(raw["date"]), dtype="int64")
        order = None
        if len(days) > 1 and not bool(np.all(days[1:] >= days[:-1])):
            order = np.argsort(days, kind="stable")  # as Store.frame: by date, storage order within a day
        frame = _typed_frame(raw, order)
        rowid = None
        if _ROWID in raw:
            rowid = np.asarray(orjson.loads(raw.pop(_ROWID)), dtype=np.int64)
            rowid = rowid if order is None else rowid[order]
        text = _align_source_text(frame["id"], orjson.loads(source_ids), orjson.loads(source_texts))
    return Snapshot(version=version, frame=frame, rowid=rowid, source_text=text)


def _read(engine, *queries: str):
    """(meta dict, first row of each query...) read in one read transaction."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL extra_float_digits = 3")
            meta = dict(conn.exec_driver_sql("SELECT key, value FROM meta").all())
            cursor = conn.connection.cursor()
            try:
                rows = []
                for sql in queries:
                    cursor.execute(sql)
                    rows.append(list(cursor.fetchone()))
            finally:
                cursor.close()
    return (meta, *rows)


def _typed_frame(raw: dict[str, str], order: np.ndarray | None) -> pd.DataFrame:
    """Typed columns from their JSON arrays; each text is parsed, converted and freed in turn."""

    def ordered(values: np.ndarray) -> np.ndarray:
        return values if order is None else values[order]

    data: dict[str, Any] = {}
    n = -1
    for name in LIGHT_COLUMNS:
        values = orjson.loads(raw.pop(name))
        n = len(values) if n < 0 else n
        if name == "date":
            days = ordered(np.asarray(values, dtype="int64"))
            data[name] = pd.Series(days.astype("datetime64[D]").astype("datetime64[ns]"))
        elif name in ("lat", "lon"):
            data[name] = pd.Series(ordered(np.asarray(values, dtype="float64")))
        elif name in _INT_COLUMNS:
            data[name] = pd.Series(ordered(np.asarray(values, dtype="int64")))
        elif name == "intercepted":
            data[name] = pd.Series(ordered(np.asarray(values, dtype=bool)))
        elif name in _FIGURES:
            floats = ordered(np.asarray(values, dtype="float64"))  # None -> NaN
            missing = np.isnan(floats)
            data[name] = pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, floats).astype("int64"), missing))
        else:
            array = pa.array(values, type=pa.large_string())
            categorical = name in CATEGORY_COLUMNS or (
                name in MAYBE_CATEGORY_COLUMNS and n > 0 and pc.count_distinct(array).as_py() <= n // 4
            )
            if categorical:  # encode first, then reorder the small codes rather than the strings
                data[name] = _categorical(array, order)
            else:
                data[name] = _strings(array if order is None else array.take(pa.array(order)))
        del values
    return pd.DataFrame(data, columns=list(LIGHT_COLUMNS), copy=False)


def _strings(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Arrow text as pandas' default ``str`` dtype (Arrow-backed, no copy)."""
    return pd.Series(array.to_pandas(), copy=False).astype(_STR)


def _categorical(array: pa.Array, order: np.ndarray | None = None) -> pd.Series:
    encoded = array.dictionary_encode()
    categories = pd.Index(encoded.dictionary.to_pandas(), dtype=_STR)  # as a read snapshot has them
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(_code_dtype(len(categories)))
    if order is not None:
        codes = codes[order]
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def _code_dtype(n: int):
    return np.int8 if n < 127 else np.int16 if n < 32_000 else np.int32


def _align_source_text(ids: pd.Series, source_ids: list, texts: list) -> pa.Array:
    """``texts`` (per incident id, from the sources table) in the frame's row order ("" when none)."""
    if not source_ids:
        return pa.array([""] * len(ids), type=pa.large_string())
    where = pc.index_in(pa.array(ids.array), value_set=pa.array(source_ids, type=pa.large_string()))
    picked = pa.array(texts, type=pa.large_string()).take(where)  # null where an incident has no source
    return picked.fill_null("") if picked.null_count else picked


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
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            sink = pa.PythonFile(fh, mode="w")
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table, max_chunksize=1 << 20)
        crc = _crc(Path(tmp))
        with open(tmp, "ab") as fh:
            # A trailer after the Arrow footer (read_snapshot passes footer_offset to skip it).
            fh.write(crc.to_bytes(4, "little") + b"IACRC")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_TRAILER = 9  # 4 bytes CRC32 + b"IACRC"


def _crc(path: Path, limit: int | None = None) -> int:
    crc = 0
    remaining = path.stat().st_size if limit is None else limit
    with open(path, "rb") as fh:
        while remaining > 0:
            chunk = fh.read(min(8 << 20, remaining))
            if not chunk:
                break
            crc = zlib.crc32(chunk, crc)
            remaining -= len(chunk)
    return crc


def read_snapshot(path: str | Path, *, version: str | None = None) -> Snapshot:
    """Read a snapshot file; raises ValueError (or an Arrow/OS error) when it is unusable."""
    path = Path(path)
    size = path.stat().st_size
    if size <= _TRAILER:
        raise ValueError(f"{path.name}: too short to be a snapshot")
    with open(path, "rb") as fh:
        fh.seek(size - _TRAILER)
        trailer = fh.read(_TRAILER)
    if trailer[4:] != b"IACRC" or int.from_bytes(trailer[:4], "little") != _crc(path, size - _TRAILER):
        raise ValueError(f"{path.name}: checksum mismatch (corrupt or partly written)")
    source = pa.memory_map(str(path), "r")
    reader = pa.ipc.open_file(source, footer_offset=size - _TRAILER)
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
    text = table.column(_SOURCE_TEXT).combine_chunks()
    frame = table.select(list(LIGHT_COLUMNS)).to_pandas()
    for name in LIGHT_COLUMNS:  # pandas metadata restores most dtypes; hold the rest to the contract
        dtype = frame[name].dtype
        if name in _FIGURES and str(dtype) != "Int64":
            frame[name] = frame[name].astype("Int64")
        elif isinstance(dtype, pd.StringDtype) and dtype != _STR:
            frame[name] = frame[name].astype(_STR)
    return Snapshot(
        version=found,
        frame=frame,
        rowid=None if (len(rowid) and rowid[0] < 0) else np.ascontiguousarray(rowid, dtype=np.int64),
        source_text=text,
    )


def load(store, cache_dir: str | Path, *, version: str | None = None) -> Snapshot:
    """The light frame of the store's current version: from its snapshot file, else built and saved.

    A missing, stale or unreadable file is rebuilt; failing to *write* the file
    (read-only cache dir, full disk) is logged and the built snapshot returned.
    """
    version = version or store.version()
    path = snapshot_path(cache_dir, store.url, version)
    if path.exists():
        try:
            return read_snapshot(path, version=version)
        except (OSError, ValueError, pa.ArrowException, KeyError, IndexError) as exc:
            log.warning("incident snapshot %s is unusable (%s); rebuilding it", path, exc)
    snapshot = build(store)
    path = snapshot_path(cache_dir, store.url, snapshot.version)
    try:
        write_snapshot(snapshot, path)
        _remove_older(path)
    except OSError as exc:
        log.warning("could not write the incident snapshot %s: %s", path, exc)
    return snapshot


def _remove_older(path: Path) -> None:
    """Delete the other snapshots of the same store (older versions)."""
    prefix = path.name.split("-", 1)[0] + "-"
    for other in path.parent.glob(prefix + "*"):
        if other != path and other.suffix == ".arrow":
            try:
                other.unlink()
            except OSError:
                pass
