"""geo.storage.snapshot: the light frame equals the store's, its file follows the version, a bad file is rebuilt,
and a snapshot refreshed by delta after any write equals a full build, on SQLite and PostgreSQL.

PostgreSQL tests run against ``GEO_TEST_POSTGRES_URL`` in a schema of their own (as in
``test_store.py``); without it they skip, or fail when ``GEO_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import sqlalchemy as sa

from geo.storage import snapshot as snap
from geo.storage.columnar import Later
from geo.storage.backup import backup, restore
from geo.view.filters import Filters, filter_mask
from geo.storage.store import Store
from geo.testing.synth import synth_frame, synth_incidents
from tests.geo.incident_factory import make_incident, make_source


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


def test_a_cold_start_maps_the_sources_text_instead_of_copying_it(store, tmp_path):
    built = snap.build(store)
    long_text = pa.array([f"{i} " + "evidence " * 600 for i in range(len(built))], pa.large_string())  # ~2 MB
    path = snap.write_snapshot(dataclasses.replace(built, source_text=long_text), tmp_path / "s.arrow")
    allocated = pa.total_allocated_bytes()
    read = snap.read_snapshot(path, version=built.version)
    # The text stays in the memory-mapped file (read only by a text search): Arrow allocates
    # only what the frame's columns need, far less than the text itself.
    assert pa.total_allocated_bytes() - allocated < long_text.nbytes / 4
    assert read.source_text.equals(long_text)
    assert read.text_hits(f"{len(built) - 1} evidence").sum() == 1


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
    Filters(families=("iran_aligned", "isis"), attributions=("blamed", "suspected")),
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


# --- refresh by delta ----------------------------------------------------------------------------


@pytest.fixture
def any_store(store_url):
    """A SQLite or PostgreSQL store with 120 synthetic incidents."""
    s = Store(store_url)
    s.migrate()
    s.upsert_many(synth_incidents(120, seed=7), user="tests")
    yield s
    s.dispose()


BUILD = snap.build  # the real build, whatever a test patches


def text_ready(snapshot: snap.Snapshot) -> bool:
    """Whether ``snapshot`` holds its sources text already (False: still being read, or not yet
    checked; its first use waits). A probe of the lazy field for these tests: nothing else asks."""
    text = snapshot.__dict__["_source_text"]
    return not isinstance(text, Later) or text.done


def assert_same_snapshot(got: snap.Snapshot, want: snap.Snapshot) -> None:
    """Equal in every respect a page can observe: version, values, dtypes, categories, rowids, sources text."""
    assert got.version == want.version
    pd.testing.assert_frame_equal(got.frame, want.frame, check_exact=True, check_categorical=True)
    assert got.frame.dtypes.to_dict() == want.frame.dtypes.to_dict()
    if want.rowid is None:
        assert got.rowid is None
    else:
        assert got.rowid.dtype == want.rowid.dtype and np.array_equal(got.rowid, want.rowid)
    assert got.source_text.type == want.source_text.type
    assert got.source_text.to_pylist() == want.source_text.to_pylist()


# Every way the store writes incidents. "backup-restore" restores into the same database,
# which gives it a new store id: a build is the right answer.
WRITES = (
    "import new",
    "re-import changed",
    "edit",
    "merge",
    "detach source",
    "soft delete",
    "restore",
    "backup-restore",
)


def write_something(store: Store, kind: str, rng: random.Random, step: int, tmp_path) -> None:
    live = sorted(store.frame()["id"])
    pick = rng.choice(live)
    if kind == "import new":
        store.upsert_many(synth_incidents(rng.randint(1, 6), seed=1000 + step), user="tests")
    elif kind == "re-import changed":
        changed = [
            inc.with_changes(killed=(inc.killed or 0) + 1, summary=f"{inc.summary} (update {step})")
            for inc in (store.get(i) for i in rng.sample(live, 3))
        ]
        store.upsert_many(changed + synth_incidents(1, seed=2000 + step), user="tests")
    elif kind == "edit":
        inc = store.get(pick)
        other_day = store.get(rng.choice(live)).date  # same-day neighbours test the order within a day
        changes = {"date": other_day, "location": f"Place {step}", "lat": inc.lat + 0.01}
        if rng.random() < 0.5:
            changes["actor"] = f"New actor {step}"  # a category the snapshot has not seen
        store.update(inc.with_changes(**changes), expected_version=store.get_version(pick), user="tests")
    elif kind == "merge":
        keep, other = rng.sample(live, 2)
        versions = {keep: store.get_version(keep), other: store.get_version(other)}
        store.merge_incidents(keep, other, expected_versions=versions, user="tests")
    elif kind == "detach source":
        several = [i for i in live if len(store.get(i).sources) > 1]
        inc_id = rng.choice(several)
        store.detach_source(inc_id, 0, expected_version=store.get_version(inc_id), user="tests")
    elif kind == "soft delete":
        store.soft_delete(pick, user="tests")
    elif kind == "restore":
        deleted = store.deleted()
        if deleted:
            store.restore(rng.choice(deleted)[0].id, user="tests")
        else:
            store.soft_delete(pick, user="tests")
    elif kind == "backup-restore":
        path = tmp_path / f"backup-{step}.zip"
        backup(store, path)
        store.soft_delete(pick, user="tests")  # undone by the restore
        restore(store, path, replace=True)  # a new store id: no snapshot of the old one applies
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_refreshed_snapshot_equals_a_full_build_after_every_kind_of_write(any_store, builds, tmp_path, seed):
    rng = random.Random(seed)
    kinds = list(WRITES) * 2
    rng.shuffle(kinds)
    current = BUILD(any_store)
    for step, kind in enumerate(kinds):
        before = current.version
        write_something(any_store, kind, rng, step, tmp_path)
        refreshed = snap.refresh(any_store, current)
        assert_same_snapshot(refreshed, BUILD(any_store))
        assert refreshed.version != before, kind
        # Patched, not rebuilt, unless the store was replaced by a backup.
        assert len(builds) == (kind == "backup-restore"), kind
        builds.clear()
        current = refreshed


def test_a_restore_keeping_the_store_id_that_goes_back_in_version_is_built(any_store, builds, tmp_path):
    path = tmp_path / "backup.zip"
    backup(any_store, path)
    any_store.soft_delete(any_store.frame()["id"].iloc[0], user="tests")
    newer = BUILD(any_store)
    restore(any_store, path, replace=True, keep_store_id=True)  # the same store id, an older data_version
    assert_same_snapshot(snap.refresh(any_store, newer), BUILD(any_store))
    assert builds == [any_store]


def test_rows_and_categories_are_in_canonical_order(any_store):
    """By date, then rowid (SQLite: storage order, as Store.frame) or id (PostgreSQL); categories sorted, all used."""
    day = any_store.get(any_store.frame()["id"].iloc[5]).date
    for inc in synth_incidents(6, seed=55):
        any_store.upsert_many([inc.with_changes(date=day)], user="tests")  # one day, six more rows
    built = BUILD(any_store)
    frame = any_store.frame().drop(columns="sources")
    if built.rowid is None:
        frame = frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
        same_day = built.frame["date"].to_numpy()[1:] == built.frame["date"].to_numpy()[:-1]
        ids = built.frame["id"].to_numpy(dtype=object)
        assert all(a < b for a, b, same in zip(ids[:-1], ids[1:], same_day) if same)
    else:
        assert np.all(np.diff(built.rowid)[np.diff(built.frame["date"].to_numpy()) == np.timedelta64(0)] > 0)
    pd.testing.assert_frame_equal(plain(built), frame)
    for name in snap.CATEGORY_COLUMNS:
        categories = list(built.frame[name].cat.categories)
        assert categories == sorted(categories), name
        assert set(categories) == set(built.frame[name].dropna()), name


def test_nothing_changed_gives_back_the_same_snapshot(any_store, builds):
    current = BUILD(any_store)
    assert snap.refresh(any_store, current) is current
    inc = any_store.get(current.frame["id"].iloc[0])
    any_store.upsert_many([inc], user="tests")  # equal to the stored one: no write, no new version
    assert snap.refresh(any_store, current) is current
    assert builds == []


def test_refresh_from_an_empty_store(store_url, builds):
    s = Store(store_url)
    s.migrate()
    try:
        empty = BUILD(s)
        assert len(empty) == 0
        s.upsert_many(synth_incidents(5, seed=3), user="tests")
        assert_same_snapshot(snap.refresh(s, empty), BUILD(s))
        assert builds == []
    finally:
        s.dispose()


def test_the_summary_column_is_categorical_exactly_when_a_build_makes_it_so(store_url, builds):
    """Summaries are categorical when they repeat (<= a quarter distinct): a patch decides as a build does."""
    s = Store(store_url)
    s.migrate()
    day = dt.date(2024, 1, 1)
    same = [make_incident(date=day + dt.timedelta(days=i), summary="Rockets.") for i in range(8)]
    distinct = [make_incident(date=day + dt.timedelta(days=20 + i), summary=f"Report {i}") for i in range(3)]
    try:
        s.upsert_many(same, user="tests")
        current = BUILD(s)
        assert isinstance(current.frame["summary"].dtype, pd.CategoricalDtype)
        s.upsert_many(distinct, user="tests")  # 4 distinct in 11 rows: text
        current = snap.refresh(s, current)
        assert_same_snapshot(current, BUILD(s))
        assert current.frame["summary"].dtype == snap._STR
        for inc in distinct:  # 1 distinct in 8 rows again: categorical
            s.soft_delete(inc.id, user="tests")
        current = snap.refresh(s, current)
        assert_same_snapshot(current, BUILD(s))
        assert isinstance(current.frame["summary"].dtype, pd.CategoricalDtype)
        assert builds == []
    finally:
        s.dispose()


def test_a_large_delta_is_built_not_patched(any_store, builds, monkeypatch):
    current = BUILD(any_store)
    monkeypatch.setattr(snap, "MIN_DELTA_ROWS", 0)
    any_store.upsert_many(synth_incidents(5, seed=77), user="tests")  # 5 of 125 rows: 4 %
    assert_same_snapshot(snap.refresh(any_store, current, max_fraction=0.05), BUILD(any_store))
    assert builds == []
    any_store.upsert_many(synth_incidents(5, seed=78), user="tests")
    assert_same_snapshot(snap.refresh(any_store, current, max_fraction=0.05), BUILD(any_store))
    assert builds == [any_store]  # 10 of 130 rows changed since `current`: more than 5 %


def test_a_snapshot_of_another_store_is_built_not_patched(any_store, tmp_path, builds):
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    other.migrate()
    other.upsert_many(synth_incidents(50, seed=8), user="tests")
    try:
        theirs = BUILD(other)
        ours = snap.refresh(any_store, theirs)
        assert_same_snapshot(ours, BUILD(any_store))
        assert builds == [any_store]
    finally:
        other.dispose()


BROKEN = {
    "rows out of order": lambda s: dataclasses.replace(s, frame=s.frame.iloc[::-1].reset_index(drop=True)),
    "a column missing": lambda s: dataclasses.replace(s, frame=s.frame.drop(columns="actor")),
    "figures as floats": lambda s: dataclasses.replace(s, frame=s.frame.astype({"killed": "float64"})),
    "rowids cut short": lambda s: dataclasses.replace(s, rowid=s.rowid[:-1]),
    "no rowids": lambda s: dataclasses.replace(s, rowid=None),
    "a version without a number": lambda s: dataclasses.replace(s, version=s.version.split(":")[0] + ":x"),
    "a version from the future": lambda s: dataclasses.replace(s, version=s.version.split(":")[0] + ":999"),
    "sources text cut short": lambda s: dataclasses.replace(s, source_text=s.source_text.slice(1)),
}


@pytest.mark.parametrize("damage", list(BROKEN))
def test_a_broken_previous_snapshot_is_rebuilt_not_patched(store, builds, damage):
    broken = BROKEN[damage](BUILD(store))
    inc = store.get(store.frame()["id"].iloc[10])
    store.update(inc.with_changes(summary="edited"), expected_version=store.get_version(inc.id), user="tests")
    assert_same_snapshot(snap.refresh(store, broken), BUILD(store))
    assert builds == [store]


def test_load_patches_the_older_snapshot_file(store, cache, builds):
    first = snap.load(store, cache)
    assert builds == [store]  # nothing to start from
    builds.clear()
    old_path = snap.snapshot_path(cache, store.url, first.version)
    store.upsert_many(synth_incidents(4, seed=21), user="tests")
    store.soft_delete(first.frame["id"].iloc[3], user="tests")
    loaded = snap.load(store, cache)  # a new process: no snapshot in memory, the older file on disk
    assert builds == []
    assert_same_snapshot(loaded, BUILD(store))
    assert snap.read_snapshot(snap.snapshot_path(cache, store.url, store.version())).version == store.version()
    assert not old_path.exists()


def test_load_patches_the_snapshot_in_memory_without_reading_files(store, cache, builds, monkeypatch):
    first = snap.load(store, cache)
    builds.clear()
    store.soft_delete(first.frame["id"].iloc[0], user="tests")

    def no_file(*args, **kwargs):
        raise AssertionError("the snapshot in memory should have been used")

    monkeypatch.setattr(snap, "_older_snapshot", no_file)
    loaded = snap.load(store, cache, previous=first)
    assert_same_snapshot(loaded, BUILD(store))
    assert builds == []


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_corrupt_older_snapshot_file_is_rebuilt_not_a_crash(store, cache, builds, damage):
    first = snap.load(store, cache)
    builds.clear()
    path = snap.snapshot_path(cache, store.url, first.version)
    data = path.read_bytes()
    middle = len(data) // 2
    path.write_bytes(
        data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :] if damage == "flip" else data[:middle]
    )
    store.soft_delete(first.frame["id"].iloc[0], user="tests")
    loaded = snap.load(store, cache)
    assert_same_snapshot(loaded, BUILD(store))
    assert builds == [store]


def test_patched_text_is_searched_as_built_text(store, builds):
    """The patched snapshot's text columns are Arrow chunks of the old ones: filtering must not care."""
    current = BUILD(store)
    inc = store.get(current.frame["id"].iloc[200])
    source = make_source(outlet="Patched Outlet", title="A title nobody else uses")
    store.update(inc.with_changes(sources=(source,)), expected_version=store.get_version(inc.id), user="tests")
    patched = snap.refresh(store, current)
    built = BUILD(store)
    assert builds == []
    assert isinstance(patched.source_text, (pa.Array, pa.ChunkedArray))
    for f in (Filters(text="patched outlet"), Filters(text="reuters"), Filters(text="syn-7-00002")):
        assert np.array_equal(patched.mask(f), built.mask(f)), f
    assert patched.mask(Filters(text="patched outlet")).sum() == 1


def test_a_nul_in_the_source_text_column_is_read_as_it_is(store):
    """SQLite reads incidents.source_text NUL-separated; a NUL inside one (the store refuses them, SQL need not)
    makes the count differ, and the build reads it as JSON instead: the same rows, the same text."""
    before = BUILD(store)
    target = before.frame["id"].iloc[100]
    with store._engine.begin() as conn:
        conn.exec_driver_sql("UPDATE incidents SET source_text = 'a' || char(0) || 'b' WHERE id = ?", (target,))
    built = BUILD(store)
    assert len(built.source_text) == len(built.frame) == len(before.frame)
    texts = built.source_text.to_pylist()
    assert texts[100] == "a\x00b"
    assert texts[:100] + texts[101:] == before.source_text.to_pylist()[:100] + before.source_text.to_pylist()[101:]


@pytest.mark.parametrize("column", ["summary", "actor", "location"])
def test_a_separator_inside_a_text_column_is_read_as_it_is(any_store, column):
    """A build reads text columns joined by a separator (SQLite NUL, PostgreSQL U+001F); a value holding it
    makes the count differ and that column is read as JSON instead: the same rows, the same values."""
    before = BUILD(any_store)
    postgres = any_store._engine.dialect.name == "postgresql"
    target = before.frame["id"].astype(object).iloc[10]
    separator = "chr(31)" if postgres else "char(0)"
    with any_store._engine.begin() as conn:
        conn.execute(
            sa.text(f"UPDATE incidents SET {column} = 'a' || {separator} || 'b', site_id = NULL WHERE id = :t"),
            {"t": target},
        )
    built = BUILD(any_store)
    assert len(built.frame) == len(before.frame) == len(built.source_text)
    row = built.frame.astype(object).set_index(built.frame["id"].astype(object))
    key = target
    assert row.loc[key, column] == "a" + ("\x1f" if postgres else "\x00") + "b"
    assert pd.isna(row.loc[key, "site_id"])  # a NULL stays missing, not ""
    others = before.frame.astype(object).set_index(before.frame["id"].astype(object)).drop(index=target)
    pd.testing.assert_frame_equal(row.drop(index=key).loc[others.index, others.columns].drop(columns="id"),
                                  others.drop(columns="id"), check_dtype=False)


def test_null_text_is_missing_and_empty_text_is_empty(any_store):
    before = BUILD(any_store)
    ids = before.frame["id"].astype(object)
    with any_store._engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE incidents SET site_id = NULL WHERE id = '{ids.iloc[0]}'")
        conn.exec_driver_sql(f"UPDATE incidents SET site_id = '' WHERE id = '{ids.iloc[1]}'")
    built = BUILD(any_store)
    site = built.frame.set_index(built.frame["id"].astype(object))["site_id"].astype(object)
    assert pd.isna(site[ids.iloc[0]]) and site[ids.iloc[1]] == ""


# --- writing the file in the background (the app's first start) ----------------------------------


def test_a_background_write_publishes_the_same_file_a_cold_start_then_reads(store, cache, monkeypatch):
    made = snap.load(store, cache, background=True)
    assert snap.wait_for_writes(timeout=60)
    path = snap.snapshot_path(cache, store.url, store.version())
    monkeypatch.setattr(snap, "build", lambda _store: pytest.fail("the snapshot file should have been read"))
    cold = snap.load(store, cache)
    assert cold.version == made.version == store.version()
    pd.testing.assert_frame_equal(cold.frame, made.frame)
    assert np.array_equal(cold.rowid, made.rowid)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left beside it


def test_a_write_that_dies_midway_leaves_no_file_a_cold_start_would_trust(store, cache, monkeypatch):
    def broken_writer(*args, **kwargs):
        raise OSError("disk full")  # as the Arrow writer fails part-way through a file

    monkeypatch.setattr(pa.ipc, "new_file", broken_writer)
    made = snap.load(store, cache, background=True)
    assert snap.wait_for_writes(timeout=60)
    assert len(made) == 400  # the page still gets its data
    folder = snap.snapshot_path(cache, store.url, store.version()).parent
    assert list(folder.iterdir()) == []  # neither a snapshot nor the half-written temporary file
    monkeypatch.undo()
    rebuilt = snap.load(store, cache)  # the next start builds (and this time writes) the file
    pd.testing.assert_frame_equal(rebuilt.frame, made.frame)
    assert snap.snapshot_path(cache, store.url, store.version()).is_file()


def test_the_background_writer_is_waited_for_and_never_a_daemon(store, cache, monkeypatch):
    release = threading.Event()
    real_write = snap.write_snapshot
    threads = []

    def slow_write(snapshot, path):
        threads.append(threading.current_thread())
        release.wait(30)
        return real_write(snapshot, path)

    monkeypatch.setattr(snap, "write_snapshot", slow_write)
    snap.load(store, cache, background=True)
    assert not snap.wait_for_writes(timeout=0.2)  # still writing
    assert threads and not threads[0].daemon  # interpreter exit waits for the file to be finished
    assert not snap.snapshot_path(cache, store.url, store.version()).exists()  # nothing published yet
    release.set()
    assert snap.wait_for_writes(timeout=60)
    assert snap.read_snapshot(snap.snapshot_path(cache, store.url, store.version())).version == store.version()


def test_a_newer_version_queued_behind_an_older_write_is_the_file_that_stays(store, cache, monkeypatch):
    release = threading.Event()
    real_write = snap.write_snapshot

    def held_write(snapshot, path):
        release.wait(30)
        return real_write(snapshot, path)

    monkeypatch.setattr(snap, "write_snapshot", held_write)
    older = snap.load(store, cache, background=True)  # its writer waits
    store.upsert_many(synth_incidents(3, seed=41), user="tests")
    newer = snap.load(store, cache, previous=older, background=True)
    assert newer.version != older.version
    release.set()
    assert snap.wait_for_writes(timeout=60)
    folder = snap.snapshot_path(cache, store.url, newer.version).parent
    assert [p.name for p in folder.iterdir()] == [snap.snapshot_path(cache, store.url, newer.version).name]


def test_a_build_allocates_from_the_system_pool_and_restores_the_default(store, monkeypatch):
    default = pa.default_memory_pool()
    seen = []
    real = snap._typed_frame

    def spy(table, order):
        seen.append(pa.default_memory_pool().backend_name)
        return real(table, order)

    monkeypatch.setattr(snap, "_typed_frame", spy)
    snap.build(store)
    assert seen == ["system"]
    assert pa.default_memory_pool().backend_name == default.backend_name


def test_the_system_pool_is_restored_only_when_the_last_thread_leaves():
    default = pa.default_memory_pool().backend_name
    inside, leave = threading.Event(), threading.Event()

    def other():
        with snap._system_pool():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with snap._system_pool():
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == "system"  # the other thread is still inside
    leave.set()
    thread.join(5)
    assert pa.default_memory_pool().backend_name == default
    with pytest.raises(RuntimeError), snap._system_pool():
        raise RuntimeError("a failed build")
    assert pa.default_memory_pool().backend_name == default


@pytest.mark.parametrize("low, high", [(18_000, 18_400), (-40_000, -39_990), (-20_000, 20_000), (0, 1)])
def test_the_day_order_is_a_stable_sort_whatever_the_span(low, high):
    """16-bit keys when the days span little (radix sort), 64-bit otherwise: the same stable order."""
    days = np.random.default_rng(3).integers(low, high + 1, 5_000).astype(np.int64)
    np.testing.assert_array_equal(snap._stable_argsort(days), np.argsort(days, kind="stable"))


def _flip(path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def _text_bytes(path) -> tuple[int, int]:
    """Where the snapshot file's trailer says the sources text lies."""
    data = path.read_bytes()
    _, _, start, stop = snap._TRAILER_LAYOUT.unpack(data[-snap._TRAILER : -len(snap._TRAILER_MAGIC)])
    return start, stop


def test_a_snapshot_file_checks_its_sources_text_on_first_use_and_the_rest_when_read(store, cache):
    built = snap.load(store, cache)
    path = snap.snapshot_path(cache, store.url, built.version)
    start, stop = _text_bytes(path)
    assert 0 < start < stop < path.stat().st_size
    text = "".join(built.source_text.to_pylist()).encode()  # Arrow keeps the values end to end
    assert text[:200] in path.read_bytes()[start:stop]  # the run the trailer names holds the text
    good = path.read_bytes()
    _flip(path, start - 1)  # just before it: the file is refused when read
    with pytest.raises(ValueError, match="checksum"):
        snap.read_snapshot(path)
    path.write_bytes(good)
    _flip(path, stop - 1)  # inside it: read, and refused when the text is used
    read = snap.read_snapshot(path)
    pd.testing.assert_frame_equal(plain(read), plain(built))
    assert not text_ready(read)
    with pytest.raises(ValueError, match="sources text"):
        read.source_text


def test_a_corrupt_sources_text_is_read_from_the_store_and_its_file_rebuilt(store, cache, builds):
    built = snap.load(store, cache)
    path = snap.snapshot_path(cache, store.url, built.version)
    start, stop = _text_bytes(path)
    _flip(path, (start + stop) // 2)
    builds.clear()
    loaded = snap.load(store, cache)  # the cold start: the rest checks out
    assert builds == [] and not text_ready(loaded)
    needle = built.source_text[5].as_py().split("\n")[1].lower()  # a URL
    np.testing.assert_array_equal(loaded.text_hits(needle), built.text_hits(needle))
    assert loaded.source_text.to_pylist() == built.source_text.to_pylist()
    assert not path.exists()  # so the next start builds a good one
    again = snap.load(store, cache)
    assert builds == [store]
    assert snap.read_snapshot(path).source_text.to_pylist() == again.source_text.to_pylist()


def test_text_in_several_record_batches_is_checked_with_the_rest(tmp_path):
    table = pa.table({"x": [1, 2, 3], snap._SOURCE_TEXT: pa.array(["a", "b", "c"], pa.large_string())})
    path = tmp_path / "t.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=2)
    assert snap._text_region(path, path.stat().st_size) == (0, 0)
