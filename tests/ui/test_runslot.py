"""The map page's run slot: one map run at a time, and a download's write does not keep it."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from ui import downloads, runslot


@pytest.fixture
def short_wait(monkeypatch):
    """A run that finds no free slot goes ahead after 50 ms instead of 30 s."""
    monkeypatch.setattr(runslot, "WAIT_S", 0.05)


def other_run_gets_a_slot() -> bool:
    """Whether a map run in another session's thread, starting now, gets a slot."""
    got = []

    def run():
        with runslot.held(True):
            got.append(runslot.holding())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    return got == [True]


def test_one_map_run_at_a_time(short_wait):
    with runslot.held(True):
        assert runslot.holding()
        assert not other_run_gets_a_slot()  # it waited, then went ahead without one
    assert not runslot.holding()
    assert other_run_gets_a_slot()


def test_a_run_that_sets_its_slot_aside_lets_others_run(short_wait):
    with runslot.held(True):
        runslot.set_aside()
        assert not runslot.holding()
        assert other_run_gets_a_slot()
        runslot.set_aside()  # again: not released twice
        assert not runslot.holding()
    assert other_run_gets_a_slot()


def test_set_aside_without_a_slot_changes_nothing(short_wait):
    with runslot.held(False):
        runslot.set_aside()
        assert not runslot.holding()
    with runslot.held(True):
        assert not other_run_gets_a_slot()


def test_other_maps_run_while_a_download_is_written(short_wait, tmp_path, monkeypatch):
    seen = []

    def slow_write(dataset, positions, download):
        seen.append((runslot.holding(), other_run_gets_a_slot()))
        download.path.parent.mkdir(parents=True, exist_ok=True)
        download.path.write_text("{}")

    monkeypatch.setattr(downloads, "_write", slow_write)
    monkeypatch.setattr(downloads, "_remove_stale", lambda current: None)
    files = [downloads.Download(fmt, label, tmp_path / "k" / f"f.{fmt}", "") for fmt, label, _ in downloads.FORMATS]
    with runslot.held(True):  # the map page's run, which reached the sidebar's "Prepare the files"
        downloads.prepare(None, pd.DataFrame(index=[0, 1]), files)  # type: ignore[arg-type]
    assert seen == [(False, True)] * len(files)
    assert downloads.prepared(files)
