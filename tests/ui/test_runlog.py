"""GEO_RUN_LOG: a line at the start and the end of every page run, saying what the date filter was."""

from __future__ import annotations

import logging
import re

import pytest
import streamlit as st

from ui import mapview


@pytest.fixture
def run_lines(caplog):
    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "atlas.runs"]

    caplog.set_level(logging.WARNING, logger="atlas.runs")
    return lines


def test_each_run_is_traced_with_its_date_filter_and_outcome(run_page, run_lines, monkeypatch):
    monkeypatch.setenv("GEO_RUN_LOG", "1")
    at = run_page(params={"from": "2024-01-01", "to": "2024-03-31"})
    at.run()
    lines = run_lines()
    starts = [line for line in lines if " start Map" in line]
    ends = [line for line in lines if " end Map" in line]
    assert [re.search(r"#\d+", s).group() for s in starts] == ["#1", "#2"] and len(ends) == 2
    assert "qs='from=2024-01-01&to=2024-03-31'" in starts[0] and "period=<absent>" in starts[0]
    assert all("finished" in e and "period=Custom range from=2024-01-01 to=2024-03-31" in e for e in ends)
    assert any("begin loads the view from the URL" in line for line in lines)
    assert any("commit writes" in line and "'from': ['2024-01-01']" in line for line in lines)


def test_an_interrupted_run_says_so(run_page, run_lines, monkeypatch):
    at = run_page()
    show_map, calls = mapview.show_map, []

    def rerun_once(*args, **kwargs):  # as a newer request does to a run in progress
        calls.append(1)
        if len(calls) == 1:
            st.rerun()
        return show_map(*args, **kwargs)

    monkeypatch.setattr(mapview, "show_map", rerun_once)
    monkeypatch.setenv("GEO_RUN_LOG", "1")
    at.run()
    ends = [line for line in run_lines() if " end Map" in line]
    assert len(ends) == 2 and "ended by RerunException" in ends[0] and "finished" in ends[1]


def test_silent_by_default(run_page, run_lines, monkeypatch):
    monkeypatch.delenv("GEO_RUN_LOG", raising=False)
    run_page().run()
    assert run_lines() == []


def test_timed_work_reports_wall_and_cpu_time(run_lines, monkeypatch):
    from ui import runlog

    monkeypatch.setenv("GEO_RUN_LOG", "1")
    with runlog.timed("prepare 3 incidents"):
        sum(range(10_000))
    [line] = run_lines()
    assert re.fullmatch(r"run - prepare 3 incidents: \d+\.\d\d s wall, \d+\.\d\d s CPU \(this thread\)", line)


def test_only_a_clicked_button_is_traced_as_clicked(run_page, run_lines, monkeypatch):
    """Any true ``ia_*`` value read as a click: a flag the app keeps (or a ticked box) is not one."""
    from tests.ui.seed import INCIDENTS

    at = run_page(params={"sel": INCIDENTS[0].id})
    at.session_state["ia_kept_flag"] = True  # a true ia_* value no button owns
    monkeypatch.setenv("GEO_RUN_LOG", "1")
    at.button(key="ia_clear_sel").click().run()
    start = next(line for line in run_lines() if " start Map" in line)
    assert "clicked=ia_clear_sel" in start and "ia_kept_flag" not in start, start
