"""Streamed exports: every format reads back in GIS tools, and memory does not grow with the export."""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from geo.storage.bulkload import bulk_insert
from geo.cli import main
from geo.formats.export import write_export
from geo.view.filters import Filters
from geo.storage import query
from geo.storage.query import iter_chunks, iter_encoded
from geo.storage.store import Store
from geo.testing.synth import synth_frame

N = 400


@pytest.fixture
def filled(store):
    frame = synth_frame(N, seed=5)
    bulk_insert(store, frame)
    return store, frame.sort_values("date", kind="stable").reset_index(drop=True)


def read_back(path, fmt):
    if fmt == "csv":  # GDAL's CSV driver, told which columns hold the point
        return gpd.read_file(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat", KEEP_GEOM_COLUMNS="NO")
    return gpd.read_file(path)


@pytest.mark.parametrize("fmt", ["geojson", "geojsonl", "csv", "gpkg"])
def test_every_format_round_trips_count_and_coordinates(filled, fmt, tmp_path, monkeypatch, capsys):
    store, frame = filled
    monkeypatch.setenv("GEO_DATABASE_URL", store.url)
    target = tmp_path / f"out.{fmt}"
    assert main(["export", "--format", fmt, "--output", str(target)]) == 0
    assert f"wrote {N} incident(s)" in capsys.readouterr().err
    back = read_back(target, fmt)
    assert len(back) == N
    by_id = back.set_index("id").loc[frame["id"].tolist()]
    decimals = 6 if fmt in ("geojson", "geojsonl") else 15  # GeoJSON geometry is rounded to 6 decimals
    np.testing.assert_allclose(by_id.geometry.x, frame["lon"].round(decimals), rtol=0, atol=1e-12)
    np.testing.assert_allclose(by_id.geometry.y, frame["lat"].round(decimals), rtol=0, atol=1e-12)
    if fmt != "csv":
        assert back.crs.to_epsg() == 4326
        # and the properties keep the coordinates in full
        np.testing.assert_array_equal(by_id["lat"].astype(float), frame["lat"])


def test_geojson_is_one_feature_collection_and_geojsonl_one_feature_per_line(filled):
    store, _ = filled
    whole, lines = io.BytesIO(), io.BytesIO()
    assert write_export(iter_chunks(store, Filters(), rows=64), "geojson", whole) == N
    write_export(iter_chunks(store, Filters(), rows=64), "geojsonl", lines)
    collection = json.loads(whole.getvalue())
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == N
    features = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert features == collection["features"]


def test_gpkg_takes_the_same_filters(filled, tmp_path, monkeypatch, capsys):
    store, frame = filled
    monkeypatch.setenv("GEO_DATABASE_URL", store.url)
    target = tmp_path / "drones.gpkg"
    assert main(["export", "--format", "gpkg", "--type", "drone", "--impacts", "-o", str(target)]) == 0
    want = frame[(frame["event_type"] == "drone") & ~frame["intercepted"]]
    back = gpd.read_file(target)
    assert sorted(back["id"]) == sorted(want["id"])


def test_gpkg_needs_a_file(filled, monkeypatch, capsys):
    store, _ = filled
    monkeypatch.setenv("GEO_DATABASE_URL", store.url)
    assert main(["export", "--format", "gpkg"]) == 1
    assert "--output" in capsys.readouterr().err


# --- memory ----------------------------------------------------------------------------------------

BIG = 200_000


class Counting:
    """A sink that keeps nothing: what an export holds in memory is the export's own doing."""

    def __init__(self) -> None:
        self.size = 0
        self.largest = 0  # the largest single write

    def write(self, data) -> int:
        self.size += len(data)
        self.largest = max(self.largest, len(data))
        return len(data)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    bulk_insert(store, synth_frame(BIG, seed=9))
    yield store
    store.dispose()


def peak_of_export(store, filters, fmt, chunks=iter_chunks, sink: Counting | None = None) -> tuple[int, int, int]:
    """(incidents, bytes written, tracemalloc peak) of one export."""
    sink = sink or Counting()
    tracemalloc.start()
    try:
        n = write_export(chunks(store, filters, rows=2_000), fmt, sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return n, sink.size, peak


def test_export_streams_its_memory_does_not_grow_with_its_size(big_store):
    # About a quarter of the store (a date range) against all of it. (CSV and GeoJSON Lines go
    # through the same chunk loop; one format keeps the test's run time moderate.)
    small_n, small_bytes, small_peak = peak_of_export(big_store, Filters(date_to=dt.date(2021, 6, 30)), "geojson")
    big_n, big_bytes, big_peak = peak_of_export(big_store, Filters(), "geojson")
    assert big_n == BIG and BIG // 6 < small_n < BIG // 2
    assert big_bytes > 2.5 * small_bytes
    # Four times the output, the same memory (one chunk's worth, whatever the total)...
    assert big_peak < 1.25 * small_peak, (small_peak, big_peak)
    # ...and a small fraction of the file it wrote (Python objects of one chunk: ~6 KB a row).
    assert big_peak < big_bytes / 10, (big_peak, big_bytes)


def test_an_empty_gpkg_export_still_has_its_layer_and_a_bad_folder_is_one_line(filled, tmp_path, monkeypatch, capsys):
    store, _ = filled
    monkeypatch.setenv("GEO_DATABASE_URL", store.url)
    target = tmp_path / "none.gpkg"
    assert main(["export", "--format", "gpkg", "--from", "2031-01-01", "-o", str(target)]) == 0
    back = gpd.read_file(target)
    assert len(back) == 0 and "summary" in back.columns
    assert main(["export", "--format", "gpkg", "-o", str(tmp_path / "no" / "x.gpkg")]) == 1
    err = capsys.readouterr().err
    assert "error: cannot write" in err and err.strip().count("\n") == 1


@pytest.fixture
def previous_gpkg(filled, tmp_path, monkeypatch):
    """(folder, target): the store set for the CLI, and an earlier export at target, alone in its folder."""
    store, _ = filled
    monkeypatch.setenv("GEO_DATABASE_URL", store.url)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.gpkg"
    target.write_bytes(b"the previous export")
    return folder, target


def test_a_failed_gpkg_export_leaves_no_half_file_and_the_old_one_as_it_was(previous_gpkg, monkeypatch, capsys):
    import pyogrio

    folder, target = previous_gpkg
    real = pyogrio.write_dataframe
    calls = []

    def failing_on_the_second_chunk(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing_on_the_second_chunk)
    monkeypatch.setattr(iter_chunks, "__kwdefaults__", {"rows": 100})  # four chunks of the 400
    assert main(["export", "--format", "gpkg", "-o", str(target)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in folder.iterdir()) == ["out.gpkg"]  # no temporary file left behind
    assert calls and all(Path(p).parent == folder and Path(p) != target for p in calls)


def test_a_gpkg_export_replaces_the_old_file_when_complete(previous_gpkg):
    folder, target = previous_gpkg
    assert main(["export", "--format", "gpkg", "-o", str(target)]) == 0
    assert len(gpd.read_file(target)) == N
    assert sorted(p.name for p in folder.iterdir()) == ["out.gpkg"]


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
@pytest.mark.parametrize("workers", [1, 2])
def test_database_written_exports_stream_too(big_store, workers, fmt):
    """The CLI's path (texts the database wrote, read by one or more threads) holds a few pieces
    of text, whatever the total."""

    def encoded(store, filters, rows):
        return iter_encoded(store, filters, fmt=fmt, rows=rows, workers=workers)

    sink = Counting()
    small_n, small_bytes, small_peak = peak_of_export(big_store, Filters(date_to=dt.date(2021, 6, 30)), fmt, encoded)
    big_n, big_bytes, big_peak = peak_of_export(big_store, Filters(), fmt, encoded, sink)
    assert big_n == BIG and big_bytes > 2.5 * small_bytes
    assert big_peak < big_bytes / 10, (big_peak, big_bytes)
    # At most each thread's pieces read ahead and the one it reads, and the one being written
    # (a piece is one write), whatever the total...
    pieces = workers * (query._AHEAD + 1) + 1 if workers > 1 else 1
    assert big_peak < pieces * sink.largest + 1_000_000, (big_peak, sink.largest)
    if workers == 1:  # ...and, with no threads' timing in it, four times the output in the same memory
        assert big_peak < 1.25 * small_peak, (small_peak, big_peak)
