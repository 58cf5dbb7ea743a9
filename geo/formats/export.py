"""Exports of incidents: GeoJSON, GeoJSON Lines, our CSV format and GeoPackage.

Everything is written from *chunks*: a :class:`Chunk` holds a few thousand
incidents as one list per field, values already JSON-typed. :func:`chunk_of`
makes one from a frame (see :mod:`geo.view.frame`), :mod:`geo.storage.query` from database
rows; :func:`write_export` streams any number of them to a binary file, so a
million incidents are written with the memory of one chunk. :func:`to_geojson`
and :func:`to_csv` are the one-chunk case, returning bytes.

GeoJSON follows RFC 7946: a FeatureCollection of Point features, coordinates
``[lon, lat]`` in WGS84 with at most 6 decimals (~0.1 m, far below our site
precision) and no ``crs`` member. Every field of :data:`geo.incidents.FIELDS` is
a property; ``sources`` is a real JSON array, unknown figures are ``null``,
dates are ISO ``YYYY-MM-DD`` strings. The ``lat``/``lon`` properties keep full
precision so that a round trip loses nothing. GeoJSON Lines (``geojsonl``) is
one such feature per line, with no collection around them.

CSV cells of text fields that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``, as
OWASP advises against CSV injection (:func:`csv_safe`). Numbers (negative
coordinates included) and dates are written as they are; GeoJSON keeps the text
exactly.
"""

from __future__ import annotations

import csv
import errno
import gc
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from geo.formats.replacing import replacing
from geo.incidents import FIELDS

if TYPE_CHECKING:  # loaded by the functions that take frames: a database export needs neither (faster start)
    import pandas as pd

__all__ = [
    "COORDINATE_DECIMALS",
    "FORMATS",
    "SEPARATORS",
    "STREAM_FORMATS",
    "Chunk",
    "Encoded",
    "chunk_of",
    "csv_safe",
    "encode",
    "paused_gc",
    "to_csv",
    "to_geojson",
    "write_export",
    "write_gpkg",
]

COORDINATE_DECIMALS = 6
STREAM_FORMATS = ("geojson", "geojsonl", "csv")  # written to any binary stream
FORMATS = (*STREAM_FORMATS, "gpkg")  # gpkg needs a file (SQLite inside)
_FIGURES = ("munitions", "killed", "injured")
INT_FIELDS = ("geo_precision", *_FIGURES)  # whole numbers (NULL: unknown)
_NUMERIC = frozenset(("lat", "lon", "intercepted", "date", *INT_FIELDS))
# Text fields whose CSV cells are guarded against formulas (sources is JSON text: starts with "[").
TEXT_FIELDS = tuple(name for name in FIELDS if name not in _NUMERIC and name != "sources")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what csv_safe guards
_GEOJSON_HEAD = b'{"type":"FeatureCollection","features":['
SEPARATORS = {"geojson": ",", "geojsonl": "\n", "csv": "\n"}  # between two incidents
_GEOJSON_TAIL = b"]}"


@dataclass(frozen=True)
class Chunk:
    """Some incidents, one list per field of :data:`FIELDS`, JSON-typed.

    ``date`` ISO text, ``intercepted`` bool, ``lat``/``lon`` float, figures and
    ``geo_precision`` int or None, text str or None, ``sources`` the JSON text
    (or bytes) of the source array.
    """

    columns: dict[str, list]

    def __len__(self) -> int:
        return len(self.columns["id"])


@dataclass(frozen=True)
class Encoded:
    """Some incidents already written in an export's format (see :func:`geo.storage.query.iter_encoded`).

    ``data`` is ``count`` incidents' UTF-8 text -- GeoJSON features or CSV rows --
    joined by the format's separator (:data:`SEPARATORS`), with none before the
    first or after the last.
    """

    data: bytes | memoryview
    count: int

    def __len__(self) -> int:
        return self.count


def chunk_of(df: pd.DataFrame) -> Chunk:
    """A frame (the :mod:`geo.view.frame` contract) as a :class:`Chunk`."""
    columns = {name: _json_column(df, name) for name in FIELDS if name != "sources"}
    columns["sources"] = _sources_json(df["sources"])
    return Chunk(columns)


def to_geojson(df: pd.DataFrame) -> bytes:
    """An RFC 7946 FeatureCollection (UTF-8 bytes) with one Point feature per row of ``df``."""
    out = io.BytesIO()
    with paused_gc():
        chunk = chunk_of(df)
    write_export([chunk], "geojson", out)
    return out.getvalue()


def to_csv(df: pd.DataFrame) -> bytes:
    """The rows of ``df`` in our CSV format (readable by :func:`geo.formats.csvio.read_incidents_csv`)."""
    out = io.BytesIO()
    with paused_gc():
        chunk = chunk_of(df)
    write_export([chunk], "csv", out)
    return out.getvalue()


def write_export(chunks: Iterable[Chunk | Encoded], fmt: str, out: BinaryIO) -> int:
    """Write ``chunks`` to ``out`` as ``fmt`` (one of :data:`STREAM_FORMATS`); the number of incidents.

    Each chunk is serialised (:func:`encode`; :class:`Encoded` ones are written
    as they are) and written before the next is read, so memory holds one chunk
    whatever the total.
    """
    if fmt not in STREAM_FORMATS:
        raise ValueError(f"not a streamable export format: {fmt!r}")
    total = 0
    if fmt == "geojson":
        out.write(_GEOJSON_HEAD)
    elif fmt == "csv":
        out.write(_csv_lines([FIELDS]))
    for chunk in chunks:
        if not len(chunk):
            continue
        encoded = chunk if isinstance(chunk, Encoded) else encode(chunk, fmt)
        # The separators are written on their own: no copy of a chunk's megabytes to add one byte.
        if fmt == "geojson" and total:
            out.write(b",")
        out.write(encoded.data)
        if fmt != "geojson":
            out.write(b"\n")  # every line ends with one
        total += len(chunk)
        del encoded, chunk  # not held while the next one is read
    if fmt == "geojson":
        out.write(_GEOJSON_TAIL)
    return total


def encode(chunk: Chunk, fmt: str) -> Encoded:
    """``chunk`` written as ``fmt`` (one of :data:`STREAM_FORMATS`)."""
    # The collector is paused while one chunk's objects are made (none form cycles), not across
    # chunks: whatever the reading side leaves in cycles is collected as usual.
    with paused_gc():
        if fmt == "geojson":
            # The features of one chunk as one JSON array, without its brackets.
            data = memoryview(orjson.dumps(_features(chunk)))[1:-1]
        elif fmt == "geojsonl":
            dumps = orjson.dumps
            data = b"\n".join([dumps(feature) for feature in _features(chunk)])
        elif fmt == "csv":
            data = memoryview(_csv_lines(zip(*_csv_columns(chunk))))[:-1]
        else:
            raise ValueError(f"not a streamable export format: {fmt!r}")
    return Encoded(data, len(chunk))


def write_gpkg(chunks: Iterable[Chunk], path: str | Path, *, layer: str = "incidents") -> int:
    """Write ``chunks`` as a GeoPackage (one point layer, spatial index) at ``path``; the number written.

    Each chunk is appended in turn through pyogrio. Columns are the CSV's
    fields (``sources`` as its JSON text) with ``date`` as a GeoPackage date.
    The file is written beside ``path`` under a temporary name and renamed over
    it once complete: a failed export leaves no half-written file and an
    existing one as it was.
    """
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    from pyogrio.errors import DataSourceError

    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(path.parent))
    total = 0
    written = False
    with replacing(path, suffix=".part.gpkg") as tmp:
        tmp.unlink()  # GDAL creates the file itself
        for chunk in _at_least_one(chunks):
            if not len(chunk) and written:
                continue
            cols = chunk.columns
            data: dict[str, Any] = {}
            for field in FIELDS:
                values = cols[field]
                if field == "date":
                    data[field] = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").dt.date
                elif field in _FIGURES:
                    data[field] = pd.array(values, dtype="Int64")
                elif field == "sources":
                    data[field] = [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]
                else:
                    data[field] = values
            geometry = gpd.points_from_xy(cols["lon"], cols["lat"], crs="EPSG:4326")
            frame = gpd.GeoDataFrame(data, geometry=geometry)
            try:
                pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", append=written)
            except DataSourceError as exc:  # GDAL could not write the file: an I/O error like any other
                raise OSError(errno.EIO, str(exc).splitlines()[0] if str(exc) else "GDAL error") from exc
            written = True
            total += len(chunk)
    return total


def _at_least_one(chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """``chunks``, or one empty chunk when there are none (an empty export still has its layer)."""
    empty = True
    for chunk in chunks:
        empty = False
        yield chunk
    if empty:
        yield Chunk({name: [] for name in FIELDS})


def csv_safe(value: str) -> str:
    """``value`` made safe for a spreadsheet cell: a leading ``'`` when it would start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects.

    None of them form reference cycles, but each allocation burst triggers a full
    collection pass over them: pausing it makes a large export ~3x faster.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- serialising a chunk -----------------------------------------------------------------------


def _features(chunk: Chunk) -> list[dict]:
    """The GeoJSON features of ``chunk`` (``sources`` spliced in as ready-made JSON)."""
    import numpy as np

    cols = chunk.columns
    lon = np.round(np.asarray(cols["lon"], dtype="float64"), COORDINATE_DECIMALS).tolist()
    lat = np.round(np.asarray(cols["lat"], dtype="float64"), COORDINATE_DECIMALS).tolist()
    fragment = orjson.Fragment
    sources = [fragment(s) for s in cols["sources"]]
    values = zip(*(sources if name == "sources" else cols[name] for name in FIELDS))
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": dict(zip(FIELDS, row)),
        }
        for x, y, row in zip(lon, lat, values)
    ]


def _csv_columns(chunk: Chunk) -> list[list]:
    cols = chunk.columns
    out = []
    for name in FIELDS:
        values = cols[name]
        if name == "intercepted":
            out.append(["true" if v else "false" for v in values])
        elif name in ("lat", "lon"):
            # repr() is the shortest text that reads back as the same float.
            out.append([repr(float(v)) for v in values])
        elif name == "sources":
            out.append([v.decode("utf-8") if isinstance(v, bytes) else v for v in values])
        elif name in TEXT_FIELDS:
            starts = FORMULA_STARTS
            out.append(["" if v is None else ("'" + v if v.startswith(starts) else v) for v in values])
        else:  # date, geo_precision, figures: written as they are (csv writes None as "")
            out.append(values)
    return out


def _csv_lines(rows: Iterable) -> bytes:
    rows = list(rows)
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\n").writerows(rows)
    data = text.getvalue()
    if "\r" in data:  # a cell holds a CR, which csv leaves bare with "\n" line ends: quote its row
        from geo.formats.csvio import CsvWriter

        text = io.StringIO(newline="")
        CsvWriter(text).writerows(rows)
        data = text.getvalue()
    return data.encode("utf-8")


# --- frame columns -----------------------------------------------------------------------------


def _iso_dates(series: pd.Series) -> list[str | None]:
    import pandas as pd

    days = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
    text = days.astype(str)
    return [None if t == "NaT" else t for t in text.tolist()]


def _json_column(df: pd.DataFrame, name: str) -> list[Any]:
    series = df[name]
    if name == "date":
        return _iso_dates(series)
    if name == "intercepted":
        return series.astype(bool).tolist()
    if name in ("lat", "lon"):
        return series.to_numpy(dtype="float64").tolist()
    if name in INT_FIELDS:
        return [None if v is None else int(v) for v in series.astype("Int64").to_numpy(dtype=object, na_value=None)]
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _sources_json(series: pd.Series) -> list[bytes | str]:
    """The JSON array of each row's sources, as text.

    The frame holds them as JSON text written by :func:`json.dumps` (see
    :mod:`geo.view.frame`), which is spliced in as it is; anything else (a list, a
    missing value, text that is not an array) is parsed or serialised here.
    """
    out: list[bytes | str] = []
    for value in series.tolist():
        if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.append(orjson.dumps(list(value)))
        elif isinstance(value, str) and value.strip():
            out.append(orjson.dumps(orjson.loads(value)))  # raises on text that is not JSON
        else:
            out.append(b"[]")
    return out
