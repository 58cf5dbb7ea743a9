"""The snapshot built from Arrow columns (geo.storage.columnar) equals the store's own frame, value for value,
whichever way the columns travel: SQLite rows in this process (small stores), SQLite through ADBC in a child
process (large stores), PostgreSQL through ADBC; and the version it carries is the version of its rows.
"""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from geo.errors import StoreError
from geo.storage import columnar
from geo.storage import snapshot as snap
from geo.storage.store import Store
from geo.testing.synth import synth_incidents
from tests.conftest import postgres_schema
from tests.geo.storage.test_snapshot import text_ready
from tests.geo.incident_factory import make_incident

BUILD = snap.build

# Awkward values written straight into the columns (the store's own writes would refuse some of them).
AWKWARD_TEXT = {
    "summary": "line one\nline two\x00after a NUL",
    "actor": "Kata'ib \"Hezbollah\" — كتائب حزب الله 🚀",
    "location": "\x00",
    "target": "tab\there\r\nand back\\slash",
    "attributed_by": "",
}
# (No -0.0: SQLite stores it as the integer 0.)


def awkward_text(store: Store) -> dict[str, str]:
    """AWKWARD_TEXT as the store can hold it (PostgreSQL text cannot hold NUL: U+001F instead)."""
    if store._engine.dialect.name == "sqlite":
        return AWKWARD_TEXT
    return {column: value.replace("\x00", "\x1f") for column, value in AWKWARD_TEXT.items()}


EXTREME_FLOATS = [1.7976931348623157e308, -1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 0.1 + 0.2, 1 / 3]


@pytest.fixture(params=["sqlite rows", "sqlite child", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request, tmp_path, monkeypatch):
    """An empty database's URL, read each way: SQLite rows in this process (a small store), SQLite through
    ADBC in a child process (as a large store is; in batches of 7 rows), PostgreSQL through ADBC."""
    if request.param == "postgresql":
        with postgres_schema() as url:
            yield url
        return
    if request.param == "sqlite child":
        monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)  # every store counts as large
        monkeypatch.setattr(columnar, "SQLITE_BATCH_ROWS", 7)  # many batches: types must hold across them
    yield f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def awkward(any_url):
    """A store of 60 incidents: NULL site ids first (a whole driver batch of them), awkward text, extreme floats,
    missing figures, soft-deleted rows."""
    s = Store(any_url)
    s.migrate()
    s.upsert_many(synth_incidents(60, seed=11), user="tests")
    ids = sorted(s.frame()["id"])
    with s._engine.begin() as conn:
        conn.execute(sa.text("UPDATE incidents SET site_id = NULL WHERE id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": ids[:20]})  # fmt: skip
        for i, (column, value) in enumerate(awkward_text(s).items()):
            conn.execute(sa.text(f"UPDATE incidents SET {column} = :v WHERE id = :id"), {"v": value, "id": ids[30 + i]})
        for i, value in enumerate(EXTREME_FLOATS):
            conn.execute(sa.text("UPDATE incidents SET lat = :v, lon = :w WHERE id = :id"),
                         {"v": value, "w": -value, "id": ids[40 + i]})  # fmt: skip
        conn.execute(sa.text("UPDATE incidents SET munitions = NULL, killed = NULL, injured = 0 WHERE id = :id"),
                     {"id": ids[50]})  # fmt: skip
    for gone in ids[55:58]:
        s.soft_delete(gone, user="tests")
    yield s
    s.dispose()


def test_the_arrow_build_equals_the_store_frame_value_for_value(awkward):
    built = BUILD(awkward)
    want = awkward.frame().drop(columns="sources")
    if built.rowid is None:  # PostgreSQL: same-day rows by id (the canonical order), not storage order
        want = want.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    assert len(built) == len(want) == 57  # the soft-deleted rows are not in it
    got = snap._plain(built.frame)
    # Floats are the stored doubles, bit for bit. Store.frame reads SQLite's
    # floats as printf('%!.17g') text, which is off by one unit at the largest doubles: the
    # rows holding the extreme values are compared with what was written instead.
    ids = sorted(awkward.frame()["id"])
    written = {ids[40 + i]: value for i, value in enumerate(EXTREME_FLOATS)}
    extreme = got["id"].isin(list(written)).to_numpy()
    for key, lat, lon in got.loc[extreme, ["id", "lat", "lon"]].itertuples(index=False):
        assert np.float64(lat).tobytes() == np.float64(written[key]).tobytes(), key
        assert np.float64(lon).tobytes() == np.float64(-written[key]).tobytes(), key
    assert extreme.sum() == len(EXTREME_FLOATS)
    for frame in (got, want):
        frame.loc[frame["id"].isin(list(written)).to_numpy(), ["lat", "lon"]] = 0.0
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # Text as stored: NULs, newlines, quotes, non-ASCII; NULL site ids missing, "" kept as "".
    plain = snap._plain(built.frame).set_index("id", drop=False)
    for column, value in awkward_text(awkward).items():
        assert value in set(plain[column]), column
    assert plain["site_id"].isna().sum() == want["site_id"].isna().sum() >= 17
    # The sources text is the store's source_text column, row for row.
    with awkward._engine.connect() as conn:
        texts = dict(conn.exec_driver_sql("SELECT id, source_text FROM incidents WHERE deleted_at IS NULL").all())
    assert built.source_text.to_pylist() == [texts[i] for i in plain["id"]]


@pytest.fixture
def sqlite_store(tmp_path):
    """A SQLite store of 300 synthetic incidents."""
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    s.migrate()
    s.upsert_many(synth_incidents(300, seed=5), user="tests")
    yield s
    s.dispose()


def test_the_child_process_and_the_rows_in_process_give_the_same_snapshot(sqlite_store, tmp_path, monkeypatch):
    from tests.geo.storage.test_snapshot import assert_same_snapshot

    s = sqlite_store
    in_process = BUILD(s)
    monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)
    assert_same_snapshot(BUILD(s), in_process)
    # The file a cold start reads back is the same too.
    path = snap.write_snapshot(BUILD(s), tmp_path / "child.arrow")
    assert_same_snapshot(snap.read_snapshot(path), in_process)


def kinds(frame: pd.DataFrame) -> dict:
    """Each column's dtype, categoricals by the dtype of their categories (not the categories themselves)."""
    return {
        name: ("category", dtype.categories.dtype) if isinstance(dtype, pd.CategoricalDtype) else dtype
        for name, dtype in frame.dtypes.items()
    }


def test_an_empty_store_builds_an_empty_typed_snapshot(any_url):
    s = Store(any_url)
    s.migrate()
    try:
        built = BUILD(s)
        assert len(built) == 0 and len(built.source_text) == 0
        s.upsert_many([make_incident(date=dt.date(2024, 1, 1))], user="tests")
        assert kinds(built.frame) == kinds(BUILD(s).frame)
    finally:
        s.dispose()


def test_the_version_is_read_in_the_same_transaction_as_the_rows(store_url, monkeypatch):
    """A write committed after the meta read and before the incidents query is in neither."""
    s = Store(store_url)
    s.migrate()
    s.upsert_many(synth_incidents(30, seed=2), user="tests")
    try:
        before_version, before = s.version(), s.frame().drop(columns="sources")
        real = columnar.read_tables

        def write_first(store, queries, later=()):
            def written_then(sql):
                s.upsert_many(synth_incidents(5, seed=99), user="tests")
                return sql

            return real(store, (written_then(sql) for sql in queries), later)

        monkeypatch.setattr(columnar, "read_tables", write_first)
        built = BUILD(s)
        assert s.version() != before_version  # the write did land
        assert built.version == before_version
        pd.testing.assert_frame_equal(snap._plain(built.frame), before, check_exact=True)
    finally:
        s.dispose()


def test_the_child_reads_rows_and_version_of_one_moment_while_writes_land(tmp_path, monkeypatch):
    """Each write adds one incident and one data version: every build's row count must match its version."""
    monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    s.migrate()
    s.upsert_many(synth_incidents(200, seed=3), user="tests")
    base_count, base_version = s.count(), int(s.version().rpartition(":")[2])
    stop = threading.Event()

    def writer():
        for i, inc in enumerate(synth_incidents(400, seed=4)):
            if stop.is_set():
                return
            s.upsert_many([inc.with_changes(id=f"late-{i}")], user="tests")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(4):
            built = BUILD(s)
            version = int(built.version.rpartition(":")[2])
            assert len(built) == base_count + (version - base_version)
            # The sources text, read after the build returned, is of the same moment: the same rows.
            assert len(built.source_text) == len(built)
    finally:
        stop.set()
        thread.join()
        s.dispose()


def test_a_locked_or_missing_store_is_a_store_error(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)
    path = tmp_path / "store.sqlite"
    s = Store(f"sqlite:///{path}")
    s.migrate()
    s.dispose()
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="reading the incidents"):
        BUILD(Store(f"sqlite:///{path}"))


def test_a_large_sqlite_build_returns_before_its_sources_text_and_waits_on_first_use(
    sqlite_store, tmp_path, monkeypatch
):
    """The child reads the sources text after the rest (the first page needs none of it); using it waits."""
    from tests.geo.storage.test_snapshot import assert_same_snapshot

    s = sqlite_store
    in_process = BUILD(s)
    assert text_ready(in_process)  # a small store: read at once
    monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)
    searched, written = BUILD(s), BUILD(s)
    assert not text_ready(searched) and not text_ready(written)
    needle = in_process.source_text[7].as_py().split("\n")[0].lower()  # an outlet
    hits = searched.text_hits(needle)
    assert text_ready(searched)
    np.testing.assert_array_equal(hits, in_process.text_hits(needle))
    assert 0 < hits.sum() < len(hits)
    # Writing the file waits for it too; the patch after a write reads it (and the rows stay right).
    path = snap.write_snapshot(written, tmp_path / "s.arrow")
    assert_same_snapshot(snap.read_snapshot(path), in_process)
    s.soft_delete(str(in_process.frame["id"].iloc[3]), user="tests")
    assert_same_snapshot(snap.refresh(s, BUILD(s)), snap.refresh(s, in_process))
    # A version stamp alone (no incident changed) does not wait for the text.
    bumped = BUILD(s).with_version("x:1")
    assert not text_ready(bumped)
    assert bumped.source_text.to_pylist() == BUILD(s).source_text.to_pylist()


def test_a_failed_later_read_of_the_sources_text_is_answered_by_the_store(sqlite_store, monkeypatch):
    """A child that dies before the sources text (a full disk, say) must not leave a snapshot whose every
    search, and every patch after a write, fails until the process restarts."""
    from tests.geo.storage.test_snapshot import assert_same_snapshot

    s = sqlite_store
    in_process = BUILD(s)
    monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)
    monkeypatch.setattr(snap, "_TEXT_SQL", "SELECT rowid, source_text FROM no_such_table")
    broken = BUILD(s)
    assert not text_ready(broken)
    needle = in_process.source_text[7].as_py().split("\n")[0].lower()  # an outlet
    np.testing.assert_array_equal(broken.text_hits(needle), in_process.text_hits(needle))
    assert broken.source_text.to_pylist() == in_process.source_text.to_pylist()
    s.soft_delete(str(in_process.frame["id"].iloc[3]), user="tests")
    assert_same_snapshot(snap.refresh(s, BUILD(s)), snap.refresh(s, in_process))


@pytest.fixture
def child_store(sqlite_store, monkeypatch):
    monkeypatch.setattr(columnar, "CHILD_MIN_ROWS", -1)
    return sqlite_store


def test_a_later_query_that_fails_is_a_store_error_when_used_and_the_first_tables_stand(child_store):
    meta, (first, later) = columnar.read_tables(child_store, ["SELECT id FROM incidents"], later=["SELECT nope FROM x"])
    assert first.num_rows == 300 and meta["data_version"]
    for _ in range(2):  # kept, raised to every caller
        with pytest.raises(StoreError, match="reading the incidents"):
            later.get()


def test_later_tables_never_asked_for_leave_no_child_folder(child_store, tmp_path, monkeypatch):
    import gc
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    _, (first, later) = columnar.read_tables(child_store, ["SELECT id FROM incidents"], later=["SELECT 1"])
    assert list(folder.iterdir())  # the child's folder, while its later table may be asked for
    del later
    gc.collect()
    assert not list(folder.iterdir())
    assert first.num_rows == 300  # mapped: readable after its folder went
    _, (_, later) = columnar.read_tables(child_store, ["SELECT 1"], later=["SELECT 2 AS two"])
    assert later.get().column("two").to_pylist() == [2]
    assert not list(folder.iterdir())  # gone once every later table is mapped


def test_a_child_writing_more_than_a_pipe_holds_to_stderr_does_not_hang_the_read(child_store, tmp_path, monkeypatch):
    """The child's stderr was a pipe nobody read while it ran: past 64 KB (warnings, a traceback) the
    child blocked writing it and the read waited for ever. Its last line still explains a failure."""
    import sys

    noisy = tmp_path / "python"
    noisy.write_text(
        f'#!/bin/sh\n"{sys.executable}" -c "import sys; sys.stderr.write(\'w\' * 300000 + \'\\n\')"\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    noisy.chmod(0o755)
    monkeypatch.setattr(columnar.sys, "executable", str(noisy))
    done: list = []

    def read() -> None:
        done.append(columnar.read_tables(child_store, ["SELECT id FROM incidents"], later=["SELECT nope FROM x"]))

    worker = threading.Thread(target=read, daemon=True)  # on the old code it never ends
    worker.start()
    worker.join(120)
    assert done, "the read hung on the child's stderr"
    _, (first, later) = done[0]
    assert first.num_rows == 300
    with pytest.raises(StoreError, match="nope|no such") as failed:
        later.get()
    assert "www" not in str(failed.value)


def test_the_reading_child_imports_nothing_of_the_app_but_its_own_module_and_the_message_helper():
    """The child shares one helper with the store (geo.storage.messages), never the store itself: SQLAlchemy
    and the rest of the app would cost every snapshot build their import time."""
    import subprocess
    import sys

    probe = "import sys; import geo.storage.columnar; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert [m for m in out if m.split(".")[0] in ("geo", "sqlalchemy", "pandas")] == [
        "geo", "geo.storage", "geo.storage.columnar", "geo.storage.messages",
    ]  # fmt: skip
