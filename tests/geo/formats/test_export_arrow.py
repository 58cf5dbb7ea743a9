"""Arrow batches written as export text: byte for byte what the Python writer makes of the same incidents."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from geo.formats.export import chunk_of, encode
from geo.formats.export_arrow import chunk_of_batch, encode_batch
from geo.incidents import FIELDS
from geo.testing.synth import synth_frame
from tests.geo.storage.test_query import TRICKY_TEXT, float_values

FORMATS = ["geojson", "geojsonl", "csv"]
_TYPES = {
    "date": pa.date32(),
    "lat": pa.float64(),
    "lon": pa.float64(),
    "intercepted": pa.bool_(),
    **{name: pa.int32() for name in ("geo_precision", "munitions", "killed", "injured")},
}


def batch_of(frame) -> pa.RecordBatch:
    """``frame``'s incidents as the PostgreSQL export reads them (ADBC's types; dates as dates)."""
    columns = chunk_of(frame).columns
    arrays = []
    for name in FIELDS:
        values = columns[name]
        if name == "sources":
            values = [v.decode() if isinstance(v, bytes) else v for v in values]
        if name == "date":
            arrays.append(pa.array(values, pa.string()).cast(pa.date32()))
        else:
            arrays.append(pa.array(values, _TYPES.get(name, pa.string())))
    return pa.RecordBatch.from_arrays(arrays, names=list(FIELDS))


def python_bytes(batch: pa.RecordBatch, fmt: str) -> bytes:
    return bytes(encode(chunk_of_batch(batch), fmt).data)


@pytest.fixture(scope="module")
def tricky() -> pa.RecordBatch:
    """Incidents with what the text must survive: escapes, formulas, quotes, NULLs, empty text."""
    frame = synth_frame(200, seed=11)
    frame.loc[2, ["summary", "target", "actor"]] = [TRICKY_TEXT.replace("\r", ""), "", "Unknown"]
    frame.loc[3, ["site_id", "munitions", "killed", "injured"]] = [None, None, 0, None]
    frame.loc[4, ["summary", "target", "damage", "location", "admin1"]] = [
        '=HYPERLINK("http://x")', "+44 1", "-", '@home, "quoted"', "\ttabbed"
    ]
    frame.loc[5, ["summary", "target", "attributed_by"]] = ["two\nlines, one comma", 'a "quote"', "back\\slash"]
    frame.loc[6, ["summary", "location"]] = ["\x00\x1f\x7f control", "é Ḥamdāniyah 🚀 \u2028"]
    return batch_of(frame)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_batch_is_written_as_the_python_writer_writes_it(tricky, fmt):
    got = bytes(encode_batch(tricky, fmt).data)
    assert got == python_bytes(tricky, fmt)
    assert encode_batch(tricky, fmt).count == len(tricky)


@pytest.mark.parametrize("fmt", FORMATS)
def test_slices_of_a_batch_are_written_as_their_own_rows(tricky, fmt):
    """The export cuts ADBC's batches into pieces: a slice starts inside its arrays' buffers."""
    for start, length in [(0, 1), (3, 4), (5, 100), (199, 1)]:
        piece = tricky.slice(start, length)
        assert bytes(encode_batch(piece, fmt).data) == python_bytes(piece, fmt), (start, length)


@pytest.mark.parametrize("fmt", FORMATS)
def test_floats_of_every_kind_are_written_as_python_writes_them(fmt):
    """GeoJSON as orjson writes them (``-4e-7``, ``0.000099``), CSV as ``repr`` (``-4e-07``, ``9.9e-05``)."""
    values = np.array(float_values())
    frame = synth_frame(len(values), seed=2)
    rng = np.random.default_rng(3)
    frame["lat"] = values
    frame["lon"] = rng.permutation(values)
    batch = batch_of(frame)
    assert bytes(encode_batch(batch, fmt).data) == python_bytes(batch, fmt)


def test_a_csv_batch_with_a_carriage_return_quotes_that_line(tricky):
    frame = synth_frame(20, seed=4)
    frame.loc[7, "target"] = "\rstarts with a CR"
    batch = batch_of(frame)
    got = bytes(encode_batch(batch, "csv").data)
    assert got == python_bytes(batch, "csv")
    line = got.split(b"\n")[7]
    assert line.startswith(b'"') and b'"\'\rstarts with a CR"' in line  # quoted, and guarded as a formula


def test_an_empty_batch_writes_nothing_and_an_unknown_format_is_refused(tricky):
    empty = tricky.slice(0, 0)
    assert encode_batch(empty, "geojson").count == 0 and bytes(encode_batch(empty, "csv").data) == b""
    with pytest.raises(ValueError, match="gpkg"):
        encode_batch(tricky, "gpkg")
