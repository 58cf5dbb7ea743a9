"""Export text written from Arrow columns: GeoJSON features, GeoJSON Lines and CSV lines, a batch at a time.

:func:`encode_batch` writes an Arrow record batch of incidents (one column per
field of :data:`geo.incidents.FIELDS`, as the database stores them: dates as
dates, ``sources`` the stored JSON text) as the bytes :func:`geo.formats.export.encode`
writes for the same incidents as a :class:`~geo.formats.export.Chunk` -- byte for byte.
It is the PostgreSQL export's writer (:func:`geo.storage.query.iter_encoded` reads
the rows as Arrow batches through ADBC): each line is ONE call of Arrow's
``binary_join_element_wise`` (C++) over the columns and the literal text between
them (keys, quotes, commas), never one Python object per value.

A column goes in as it is wherever its text needs nothing more (checked on its
bytes at once: a text column without a quote, backslash or control character is
its own JSON string content, a cell without a comma, quote or newline its own CSV
cell). Otherwise it is rewritten first, with the Python writer's rules:

* text holding a double quote, a backslash or a control character is quoted by
  ``orjson``, value by value (only those values);
* CSV: the formula guard (a leading ``'``) and quoting of the cells that need it;
  a batch with a carriage return in any cell is written whole by the Python
  writer (which quotes every cell of such a line): rare;
* floats: Arrow writes the shortest text that reads back as the same double, as
  Python's ``repr`` and ``orjson`` do, but in its own style for whole numbers
  (``33``: Python writes ``33.0``, added here), for magnitudes under 1e-4 or from
  1e15 and where it uses an exponent; those values (none in a store of real
  coordinates) are written by ``orjson`` (GeoJSON) or ``repr`` (CSV).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Union

import numpy as np
import orjson

from geo.formats.export import (
    COORDINATE_DECIMALS, FORMULA_STARTS, INT_FIELDS, SEPARATORS, TEXT_FIELDS, Chunk, Encoded, encode,
)
from geo.incidents import FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

    Part = Union[str, pa.Array]  # a literal, the same on every line, or one value per line

__all__ = ["chunk_of_batch", "encode_batch"]

_FEATURE_HEAD = '{"type":"Feature","geometry":{"type":"Point","coordinates":['


class _Bytes:
    """Some bytes looked for in text: these characters, and with ``controls`` every one below 0x20."""

    def __init__(self, chars: bytes, *, controls: bool = False) -> None:
        self.codes = tuple(chars)
        self.controls = controls
        escaped = "".join(f"\\x{c:02x}" for c in chars) + ("\\x00-\\x1f" if controls else "")
        self.pattern = f"[{escaped}]"  # the same, for RE2 (Arrow's regular expressions)


# What orjson escapes in a string; what makes the csv module quote a cell (delimiter, quote
# character, the "\n" line end); the first characters csv_safe guards against formulas.
_JSON_ESCAPES = _Bytes(b'"\\', controls=True)
_CSV_QUOTES = _Bytes(b',"\n')
_CSV_FORMULA = _Bytes("".join(FORMULA_STARTS).encode())
_CR = _Bytes(b"\r")
_EXPONENT = _Bytes(b"e")
# Floats whose Arrow text may differ in style from Python's: below this magnitude or from the next.
_FLOAT_LOW, _FLOAT_HIGH = 1e-4, 1e15


def encode_batch(batch: pa.RecordBatch, fmt: str) -> Encoded:
    """``batch`` written as ``fmt`` (``geojson``, ``geojsonl`` or ``csv``): the bytes of :func:`encode`."""
    import pyarrow.compute as pc

    if fmt not in SEPARATORS:
        raise ValueError(f"not a streamable export format: {fmt!r}")
    if not len(batch):
        return Encoded(b"", 0)
    if fmt == "csv":
        if _any_cr(batch):  # such a line quotes every cell: the Python writer's rule, for the whole batch
            return encode(chunk_of_batch(batch), fmt)
        parts = _csv_parts(batch)
    else:
        parts = _feature_parts(batch)
    separator = SEPARATORS[fmt]
    # Each line ends with the separator; the batch's text is then the values buffer of the joined
    # column as it is (no copy), less the last separator.
    lines = pc.binary_join_element_wise(*_merged([*parts, separator]), "")
    start, end = _span(lines)
    return Encoded(memoryview(lines.buffers()[2])[start : end - len(separator)], len(batch))


def chunk_of_batch(batch: pa.RecordBatch) -> Chunk:
    """``batch`` as a :class:`Chunk` (Python values; dates as ISO text)."""
    import pyarrow as pa

    columns = {}
    for name in FIELDS:
        column = batch.column(name)
        if name == "date":
            column = column.cast(pa.string())
        columns[name] = column.to_pylist()
    return Chunk(columns)


def _merged(parts: list[Part]) -> list[Part]:
    """``parts`` with adjacent literals joined (fewer arguments for the join)."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


# --- GeoJSON -------------------------------------------------------------------------------------


def _feature_parts(batch: pa.RecordBatch) -> list[Part]:
    lat, lon = (batch.column(axis).to_numpy(zero_copy_only=False).astype("float64") for axis in ("lat", "lon"))
    texts = {}
    coordinates = []
    for axis, values in (("lon", lon), ("lat", lat)):
        texts[axis] = _float_text(values, _orjson_float)
        rounded = np.round(values, COORDINATE_DECIMALS)
        # Coordinates of at most 6 decimals (most stores) are their own rounding: the same text.
        same = np.array_equal(rounded, values)
        coordinates.append(texts[axis] if same else _float_text(rounded, _orjson_float))
    parts: list[Part] = [_FEATURE_HEAD, coordinates[0], ",", coordinates[1], ']},"properties":{']
    for i, name in enumerate(FIELDS):
        parts.append(f'{"," if i else ""}"{name}":')
        parts += [texts[name]] if name in texts else _json_value(batch.column(name), name)
    parts.append("}}")
    return parts


def _json_value(column: pa.Array, name: str) -> list[Part]:
    """The parts of each value's JSON text (null as ``null``), as :func:`encode` writes property ``name``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name == "intercepted":
        return [_no_nulls(pc.if_else(column, "true", "false"), "null")]
    if name in INT_FIELDS:
        return [_no_nulls(column.cast(pa.string()), "null")]
    if name == "sources":
        return [_no_nulls(column, "[]")]  # the stored JSON text, spliced in
    if name == "date":
        column = column.cast(pa.string())
    if not column.null_count and not _has_byte(column, _JSON_ESCAPES):
        return ['"', column, '"']  # the usual column: its own text between quotes
    text = pc.binary_join_element_wise('"', column, '"', "")
    escape = pc.fill_null(_values_with(column, _JSON_ESCAPES), False)
    if pc.any(escape).as_py():
        values = column.filter(escape).to_pylist()
        text = pc.replace_with_mask(text, escape, pa.array([orjson.dumps(v).decode() for v in values], pa.string()))
    return [_no_nulls(text, "null")]


def _orjson_float(value: float) -> str:
    return orjson.dumps(value).decode()


# --- CSV -----------------------------------------------------------------------------------------


def _csv_parts(batch: pa.RecordBatch) -> list[Part]:
    parts: list[Part] = []
    for i, name in enumerate(FIELDS):
        if i:
            parts.append(",")
        parts.append(_csv_cell(batch.column(name), name))
    return parts


def _csv_cell(column: pa.Array, name: str) -> pa.Array:
    """Each value's CSV cell, as the csv module writes :func:`encode`'s cell (null as nothing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name in ("lat", "lon"):
        return _float_text(column.to_numpy(zero_copy_only=False).astype("float64"), repr)
    if name == "intercepted":
        return pc.if_else(pc.fill_null(column, False), "true", "false")
    if name in INT_FIELDS:
        return _no_nulls(column.cast(pa.string()), "")
    if name == "date":
        column = column.cast(pa.string())
    elif name in TEXT_FIELDS:
        formula = _starts_with(column, _CSV_FORMULA)
        if formula.any():
            column = pc.if_else(pa.array(formula), pc.binary_join_element_wise("'", column, ""), column)
    if _has_byte(column, _CSV_QUOTES):
        quote = pc.fill_null(_values_with(column, _CSV_QUOTES), False)
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
        column = pc.if_else(quote, quoted, column)
    return _no_nulls(column, "")


def _any_cr(batch: pa.RecordBatch) -> bool:
    return any(_has_byte(batch.column(name), _CR) for name in (*TEXT_FIELDS, "sources"))


# --- floats --------------------------------------------------------------------------------------


def _float_text(values: np.ndarray, exact: Callable[[float], str]) -> pa.Array:
    """The text of each float, as ``exact`` (``orjson`` or ``repr``) writes it.

    Arrow's shortest text is taken where it is Python's in digits and style; the
    rest is written by ``exact``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values).cast(pa.string())
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        other = ~((magnitude >= _FLOAT_LOW) & (magnitude < _FLOAT_HIGH)) & (values != 0)  # NaN too
    if _has_byte(text, _EXPONENT):
        other |= pc.match_substring(text, "e").to_numpy(zero_copy_only=False)
    whole = (values == np.trunc(values)) & ~other
    if whole.any():
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, ".0", ""), text)
    if other.any():
        fixed = pa.array([exact(float(v)) for v in values[other]], pa.string())
        text = pc.replace_with_mask(text, pa.array(other), fixed)
    return text


# --- the bytes of a text column ----------------------------------------------------------------


def _span(column: pa.Array) -> tuple[int, int]:
    """Where ``column``'s values lie in its data buffer."""
    offsets = _offsets(column)
    return int(offsets[0]), int(offsets[-1])


def _offsets(column: pa.Array) -> np.ndarray:
    import pyarrow as pa

    dtype = np.int64 if pa.types.is_large_string(column.type) else np.int32
    buffer = column.buffers()[1]
    return np.frombuffer(buffer, dtype=dtype, count=len(column) + 1, offset=column.offset * np.dtype(dtype).itemsize)


def _data(column: pa.Array) -> np.ndarray:
    start, end = _span(column)
    data = column.buffers()[2]
    return np.frombuffer(data, dtype=np.uint8)[start:end] if data is not None else np.zeros(0, np.uint8)


def _has_byte(column: pa.Array, wanted: _Bytes) -> bool:
    """Whether any value of a text column holds one of ``wanted`` (a pass over its bytes for each)."""
    data = _data(column)
    return any((data == code).any() for code in wanted.codes) or (wanted.controls and bool((data < 0x20).any()))


def _values_with(column: pa.Array, wanted: _Bytes) -> pa.Array:
    """Which values of a text column hold one of ``wanted`` (null for a null value)."""
    import pyarrow.compute as pc

    return pc.match_substring_regex(column, wanted.pattern)


def _starts_with(column: pa.Array, wanted: _Bytes) -> np.ndarray:
    """Which values of a text column start with one of ``wanted`` (null and empty ones do not)."""
    offsets = _offsets(column)
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8) if column.buffers()[2] is not None else np.zeros(0, np.uint8)
    starts = offsets[:-1]
    filled = offsets[1:] > starts
    found = np.zeros(len(column), dtype=bool)
    found[filled] = np.isin(data[starts[filled]], wanted.codes)
    return found


def _no_nulls(column: pa.Array, text: str) -> pa.Array:
    import pyarrow.compute as pc

    return pc.fill_null(column, text) if column.null_count else column
