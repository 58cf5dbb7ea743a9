"""Exports of an incident frame (see :mod:`geo.view.frame`): GeoJSON and our CSV format.

Both work column by column (one vectorised conversion per column, then a single
``zip`` over rows) rather than row by row through pandas, which keeps a 100k
incident export well under a second.

GeoJSON follows RFC 7946: a FeatureCollection of Point features, coordinates
``[lon, lat]`` in WGS84 with at most 6 decimals (~0.1 m, far below our site
precision) and no ``crs`` member. Every field of :data:`geo.incidents.FIELDS` is
a property; ``sources`` is a real JSON array, unknown figures are ``null``,
dates are ISO ``YYYY-MM-DD`` strings. The ``lat``/``lon`` properties keep full
precision so that a round trip loses nothing.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import orjson
import pandas as pd

from geo.incidents import FIELDS

__all__ = ["COORDINATE_DECIMALS", "paused_gc", "to_csv", "to_geojson"]

COORDINATE_DECIMALS = 6
_FIGURES = ("munitions", "killed", "injured")
# to_geojson appends the last two properties, sources and status, as ready-made JSON.
if FIELDS[-2:] != ("sources", "status"):  # a reordered model must revisit to_geojson
    raise ImportError("geo.formats.export expects FIELDS to end with ('sources', 'status')")
_HEAD_FIELDS = FIELDS[:-2]


def to_geojson(df: pd.DataFrame) -> bytes:
    """An RFC 7946 FeatureCollection (UTF-8 bytes) with one Point feature per row of ``df``."""
    lon = np.round(df["lon"].to_numpy(dtype="float64"), COORDINATE_DECIMALS).tolist()
    lat = np.round(df["lat"].to_numpy(dtype="float64"), COORDINATE_DECIMALS).tolist()
    dumps = orjson.dumps
    with paused_gc():
        columns = [_json_column(df, name) for name in _HEAD_FIELDS]
        sources = _sources_json(df["sources"])
        status = _encoded(df["status"])
        # Each feature is serialised without its last two properties, whose JSON is then
        # appended: ``sources`` is already JSON text in the frame, so splicing it in saves
        # parsing and re-serialising the bulk of the output (~2x faster at 100k features).
        features = [
            dumps(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [x, y]},
                    "properties": dict(zip(_HEAD_FIELDS, values)),
                }
            )[:-2]
            + b',"sources":'
            + src
            + b',"status":'
            + st
            + b"}}"
            for x, y, values, src, st in zip(lon, lat, zip(*columns), sources, status)
        ]
        return b'{"type":"FeatureCollection","features":[' + b",".join(features) + b"]}"


def to_csv(df: pd.DataFrame) -> bytes:
    """The rows of ``df`` in our CSV format (readable by :func:`geo.formats.csvio.read_incidents_csv`)."""
    with paused_gc():
        columns = [_csv_column(df, name) for name in FIELDS]
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows(zip(*columns))
        return out.getvalue().encode("utf-8")


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


# --- columns ---------------------------------------------------------------------------------


def _iso_dates(series: pd.Series) -> list[str | None]:
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
    if name == "geo_precision" or name in _FIGURES:
        return [None if v is None else int(v) for v in series.astype("Int64").to_numpy(dtype=object, na_value=None)]
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _sources_json(series: pd.Series) -> list[bytes]:
    """The JSON array of each row's sources, as UTF-8 bytes.

    The frame holds them as JSON text written by :func:`json.dumps` (see
    :mod:`geo.view.frame`), which is spliced in as it is; anything else (a list, a
    missing value, text that is not an array) is parsed or serialised here.
    """
    out = []
    for value in series.tolist():
        if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
            out.append(value.encode("utf-8"))
        elif isinstance(value, (list, tuple)):
            out.append(orjson.dumps(list(value)))
        elif isinstance(value, str) and value.strip():
            out.append(orjson.dumps(orjson.loads(value)))  # raises on text that is not JSON
        else:
            out.append(b"[]")
    return out


def _encoded(series: pd.Series) -> list[bytes]:
    """Each value as JSON; a column of a few distinct values is encoded once per value."""
    cache: dict[Any, bytes] = {}
    return [cache[v] if v in cache else cache.setdefault(v, orjson.dumps(v)) for v in series.to_numpy(dtype=object, na_value=None).tolist()]


def _csv_column(df: pd.DataFrame, name: str) -> list[str]:
    series = df[name]
    if name == "date":
        return [d or "" for d in _iso_dates(series)]
    if name == "intercepted":
        return ["true" if v else "false" for v in series.astype(bool).tolist()]
    if name in ("lat", "lon"):
        # repr() is the shortest text that reads back as the same float.
        return [repr(v) for v in series.to_numpy(dtype="float64").tolist()]
    if name == "geo_precision" or name in _FIGURES:
        return ["" if v is None else str(int(v)) for v in series.astype("Int64").to_numpy(dtype=object, na_value=None)]
    return ["" if v is None else str(v) for v in series.to_numpy(dtype=object, na_value=None).tolist()]
