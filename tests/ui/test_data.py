"""ui.data: after a write, the next Dataset is patched from the one the process holds, and equals a fresh one."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.storage import snapshot as snap
from geo.storage.store import Store
from geo.testing.synth import synth_incidents
from ui.data import build_dataset, next_dataset

BUILD = snap.build  # the real build, whatever a test patches


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'data.sqlite'}")
    s.migrate()
    s.upsert_many(synth_incidents(300, seed=5), user="tests")
    yield s
    s.dispose()


@pytest.fixture
def cache(tmp_path):
    return str(tmp_path / "cache")


def forget_snapshot_files(cache: str) -> None:
    """As if the cache had been wiped: only a Dataset in memory can spare a build now."""
    for path in (Path(cache) / "snapshots").glob("*"):
        path.unlink()


def assert_same_dataset(got, want) -> None:
    assert got.version == want.version
    pd.testing.assert_frame_equal(got.frame, want.frame, check_exact=True)
    assert (got.actors, got.countries, got.event_types) == (want.actors, want.countries, want.event_types)
    assert got.colours == want.colours
    for name in ("x", "y", "lat", "lon", "group", "kind", "day"):
        assert np.array_equal(getattr(got.points, name), getattr(want.points, name)), name
    assert got.points.groups == want.points.groups
    assert list(got.ids) == list(want.ids)


def edit_one(store: Store, position: int = 7) -> None:
    inc_id = store.frame()["id"].iloc[position]
    inc = store.get(inc_id)
    changed = inc.with_changes(actor="A new actor", summary="edited", lat=inc.lat + 0.5)
    store.update(changed, expected_version=store.get_version(inc_id), user="tests")


def test_the_dataset_after_an_edit_is_patched_from_the_one_in_memory(store, cache, builds):
    first = next_dataset(store, cache)
    assert builds == [store]  # nothing to start from
    builds.clear()
    edit_one(store)
    forget_snapshot_files(cache)
    second = next_dataset(store, cache)
    assert builds == []
    assert second.version == store.version() != first.version
    assert "A new actor" in second.actors
    assert_same_dataset(second, build_dataset(BUILD(store)))
    snap.wait_for_writes()  # written in the background (at nice 10: seen to lag under load)
    assert snap.snapshot_path(cache, store.url, second.version).is_file()  # the next process starts from it
    assert len(first.frame) == 300 and "A new actor" not in first.actors  # the old one is left as it was


def test_a_dataset_no_longer_held_is_not_kept_alive_for_patching(store, cache, builds):
    next_dataset(store, cache)  # nobody keeps it
    gc.collect()
    builds.clear()
    edit_one(store)
    forget_snapshot_files(cache)
    again = next_dataset(store, cache)
    assert builds == [store]  # built: the first dataset was not held on to
    assert_same_dataset(again, build_dataset(BUILD(store)))


def test_after_a_restart_the_dataset_is_patched_from_the_snapshot_file(store, cache, builds):
    first = next_dataset(store, cache)
    del first
    gc.collect()  # a new process: no dataset in memory, the file on disk
    snap.wait_for_writes()  # as the old process did at exit (its writer thread is no daemon): seen to lag under load
    builds.clear()
    edit_one(store)
    second = next_dataset(store, cache)
    assert builds == []
    assert_same_dataset(second, build_dataset(BUILD(store)))
