"""geo.snapshot: the light frame equals the store's, its file follows the version, a bad file is rebuilt."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo import snapshot as snap
from geo.filters import Filters, filter_mask
from geo.store import Store
from geo.synth import synth_frame, synth_incidents


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    s.migrate()
    s.upsert_many(synth_incidents(400, seed=7), user="tests")
    yield s
    s.dispose()


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def plain(snapshot: snap.Snapshot) -> pd.DataFrame:
    return snap._plain(snapshot.frame)


def test_light_frame_is_the_store_frame_without_sources(store):
    built = snap.build(store)
    assert built.version == store.version()
    full = store.frame()
    pd.testing.assert_frame_equal(plain(built), full.drop(columns="sources"))
    # Categorical text, Arrow strings for ids: the memory a million rows need.
    assert isinstance(built.frame["actor"].dtype, pd.CategoricalDtype)
    assert isinstance(built.frame["event_type"].dtype, pd.CategoricalDtype)
    assert "sources" not in built.frame
    # What the light frame leaves out is fetched for exactly the rows asked for.
    everything = built.full_frame(store, np.arange(len(built)))
    pd.testing.assert_frame_equal(everything, full)
    picked = [5, 0, 399, 17]
    assert built.sources_for(store, picked) == full["sources"].iloc[picked].tolist()
    pd.testing.assert_frame_equal(built.full_frame(store, picked), full.iloc[picked].reset_index(drop=True))


def test_snapshot_file_round_trips_and_is_read_instead_of_the_store(store, cache, monkeypatch):
    first = snap.load(store, cache)
    path = snap.snapshot_path(cache, store.url, store.version())
    assert path.is_file()

    def no_build(_store):
        raise AssertionError("the snapshot file should have been read")

    monkeypatch.setattr(snap, "build", no_build)
    again = snap.load(store, cache)
    assert again.version == first.version
    pd.testing.assert_frame_equal(again.frame, first.frame)
    assert np.array_equal(again.rowid, first.rowid)
    assert again.source_text.to_pylist() == first.source_text.to_pylist()


def test_snapshot_is_rebuilt_when_the_version_changes(store, cache):
    old = snap.load(store, cache)
    old_path = snap.snapshot_path(cache, store.url, old.version)
    extra = synth_incidents(3, seed=99)
    store.upsert_many(extra, user="tests")
    store.soft_delete(old.frame["id"].iloc[0], user="tests")
    new = snap.load(store, cache)
    assert new.version == store.version() != old.version
    assert len(new) == len(old) + 3 - 1
    pd.testing.assert_frame_equal(plain(new), store.frame().drop(columns="sources"))
    assert snap.snapshot_path(cache, store.url, new.version).is_file()
    assert not old_path.exists()  # older versions of the same store are removed


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "other_version"])
def test_a_corrupt_snapshot_file_is_rebuilt_not_a_crash(store, cache, damage):
    good = snap.load(store, cache)
    path = snap.snapshot_path(cache, store.url, store.version())
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "garbage":
        path.write_bytes(b"not an arrow file at all" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a file holding another version under this version's name
        snap.write_snapshot(dataclasses.replace(good, version="someone-else:1"), path)
    rebuilt = snap.load(store, cache)
    pd.testing.assert_frame_equal(plain(rebuilt), store.frame().drop(columns="sources"))
    assert snap.read_snapshot(path, version=store.version()).version == store.version()  # replaced by a good file


def test_unwritable_cache_still_loads(store, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    loaded = snap.load(store, blocker)
    assert len(loaded) == 400


def test_empty_store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    s.migrate()
    try:
        loaded = snap.load(s, tmp_path / "cache")
        assert len(loaded) == 0 and list(loaded.frame.columns) == list(snap.LIGHT_COLUMNS)
        assert loaded.mask(Filters(text="x")).shape == (0,)
        again = snap.load(s, tmp_path / "cache")
        assert len(again) == 0
    finally:
        s.dispose()


FILTERS = [
    Filters(),
    Filters(event_types=("drone", "rocket")),
    Filters(actors=("Islamic Resistance in Iraq", "Unknown"), intercepted=False),
    Filters(attributions=("claimed",), countries=("SY",)),
    Filters(date_from=dt.date(2023, 10, 17), date_to=dt.date(2024, 2, 3)),
    Filters(date_from=dt.date(2021, 3, 15)),  # month/week-precision incidents overlapping the start count
    Filters(date_to=dt.date(2020, 1, 8), intercepted=True),
    Filters(text="ain al"),
    Filters(text="REUTERS"),  # an outlet: matched in the sources
    Filters(text="syn-3-0000042"),  # in source URLs only
    Filters(text="nobody writes this"),
    Filters(countries=("XX",), actors=("Not an actor",)),
]


@pytest.mark.parametrize("f", FILTERS, ids=repr)
def test_mask_agrees_with_geo_filters(f):
    frame = synth_frame(3000, seed=3)
    built = _snapshot_of(frame)
    assert np.array_equal(built.mask(f), filter_mask(frame, f))


def _snapshot_of(frame: pd.DataFrame) -> snap.Snapshot:
    """A snapshot of a frame without a store: light columns typed as build() types them."""
    import pyarrow as pa

    light = frame.loc[:, list(snap.LIGHT_COLUMNS)].copy()
    for name in snap.CATEGORY_COLUMNS:
        light[name] = light[name].astype("category")
    light["id"] = light["id"].astype(snap._STR)
    light["summary"] = light["summary"].astype(snap._STR)
    text = []
    import orjson

    for value in frame["sources"]:
        text.append("\n".join(f"{s['outlet']}\n{s['url']}\n{s['title']}\n{s['evidence']}" for s in orjson.loads(value)))
    return snap.Snapshot(version="v", frame=light, rowid=None, source_text=pa.array(text, type=pa.large_string()))
