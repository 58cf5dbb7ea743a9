"""The map page's time controls under AppTest: coverage, presets from today, the empty state,
the timeline as a date brush, stepping and playing (GEO_TODAY=2024-03-31, tests/ui/seed.py)."""

from __future__ import annotations

import json
import re

import pytest

from tests.ui.test_app import metrics, plain, qp
from ui.style import CAPTION_CLASS, NOBREAK_CLASS


@pytest.fixture
def timeline_page(run_page):
    """``run_page`` for the map, then the run a browser asks for :data:`~ui.timecontrols.DEFER_SECONDS`
    later (the session's first page leaves the timeline to it)."""

    def run(params: dict | None = None):
        at = run_page(params=params)
        assert not at.get("vega_lite_chart"), "a session's first page draws no timeline yet"
        return at.run()

    return run


def timeline_spec(at) -> dict:
    (chart,) = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec)


def test_the_page_says_what_period_the_data_covers_and_from_which_today_presets_count(run_page):
    at = run_page()
    # A caption in HTML (ui.style.caption_html): its dates never break at a hyphen.
    (cover,) = [h.proto.body for h in at.get("html") if f'<p class="{CAPTION_CLASS}">' in h.proto.body]
    assert f'<span class="{NOBREAK_CLASS}">2023-11-10</span>' in cover
    text = re.sub(r"<[^>]+>", "", cover)
    assert "8 incidents from 2023-11-10 to 2024-03-20" in text
    assert "count back from today, 2024-03-31" in text


def test_an_empty_preset_points_to_the_newest_incidents_and_goes_there(run_page):
    at = run_page()
    at.selectbox(key="ia_period").select("Last 7 days").run()
    assert metrics(at)["Incidents"] == ("0", "of 8")
    (warning,) = at.warning
    assert plain(warning.value) == (
        "No incidents in the last 7 days (2024-03-25 to 2024-03-31). "
        "The newest incident matching the other filters is on 2024-03-20."
    )
    at.button(key="ia_time_nearest").click().run()
    assert (qp(at)["from"], qp(at)["to"]) == (["2024-03-14"], ["2024-03-20"])
    assert at.selectbox(key="ia_period").value == "Custom range"
    assert metrics(at)["Incidents"] == ("1", "of 8")
    assert not at.warning


def test_the_empty_state_respects_the_other_filters(run_page):
    at = run_page(params={"from": "2024-03-25", "to": "2024-03-31", "type": "missile"})
    assert "is on 2023-11-10" in plain(at.warning[0].value)  # the one missile, not the newest incident


@pytest.mark.parametrize("path", ["app.py", "pages/1_Incidents.py"])
def test_filters_that_match_nothing_are_named_not_left_as_a_blank_map(run_page, path):
    """'0 of 8 incidents' over an empty map (or table) and not a word: it read as a broken page."""
    at = run_page(path, params={"q": "no *such* text", "country": "IQ"})
    assert metrics(at)["Incidents"] == ("0", "of 8")
    warning = at.warning[0]  # (the Incidents page's Edit tab warns that no editors are configured)
    assert plain(warning.value) == (
        "No incident matches these filters: Country, Search text “no *such* text”. Change them in the sidebar, "
        "or clear them all."
    )


@pytest.mark.parametrize("path", ["app.py", "pages/1_Incidents.py"])
@pytest.mark.parametrize("button", ["ia_clear_filters", "ia_clear_filters_sidebar"])
def test_one_click_clears_every_filter(run_page, path, button):
    """A link with many filters took a click per widget to clear, one of them in a sidebar a phone hides:
    the empty-result notice and the sidebar each offer "Clear all filters"."""
    at = run_page(path, params={"type": "airstrike", "country": "SY", "q": "x", "from": "2024-01-01", "icpt": "1"})
    assert metrics(at)["Incidents"] == ("0", "of 8")
    at.button(key=button).click().run()
    assert metrics(at)["Incidents"][0] == "8"
    assert not [w for w in at.warning if "No incident" in w.value]
    assert {b.key for b in at.button}.isdisjoint({"ia_clear_filters", "ia_clear_filters_sidebar"})  # nothing to clear
    assert not {"type", "country", "q", "from", "to", "icpt"} & set(qp(at))
    assert at.selectbox(key="ia_period").value == "All time"


def test_no_filter_no_notice(run_page):
    assert not run_page().warning


def test_the_timeline_draws_every_date_with_the_filtered_ones_in_full_colour(timeline_page):
    at = timeline_page(params={"from": "2024-01-01", "to": "2024-01-31"})
    spec = timeline_spec(at)
    (brush,) = spec["params"]
    assert brush["name"] == "span" and brush["select"] == {"type": "interval", "encodings": ["x"]}
    assert spec["encoding"]["opacity"]["condition"][1] == {"test": "datum.inside", "value": 1}
    (chart,) = at.get("vega_lite_chart")
    assert chart.proto.id and "ia_timeline_2024-01-01_2024-01-31" in chart.proto.id
    # The bars are counted without the date filter: all 8 incidents, 2 of them inside January.
    assert metrics(at)["Incidents"] == ("2", "of 8")


def test_a_sessions_first_page_leaves_the_timeline_to_a_timed_run(run_page):
    """The map's first screen loads without the chart's scripts: the page holds a placeholder and a
    fragment that asks, once, for the whole-page run that draws the timeline."""
    at = run_page()
    assert not at.get("vega_lite_chart")
    assert "The timeline is being drawn" in " ".join(plain(c.value) for c in at.caption)
    assert not [b for b in at.button if b.key and b.key.startswith("ia_time_")]  # they come with the chart
    at.run()  # what the fragment's timer asks for (st.rerun(scope="app"))
    assert len(at.get("vega_lite_chart")) == 1 and at.button(key="ia_time_play")
    assert "The timeline is being drawn" not in " ".join(plain(c.value) for c in at.caption)


def test_stepping_moves_the_window_by_its_length(timeline_page):
    at = timeline_page(params={"from": "2024-01-01", "to": "2024-01-14"})
    at.button(key="ia_time_forward").click().run()
    assert (qp(at)["from"], qp(at)["to"]) == (["2024-01-15"], ["2024-01-28"])
    assert metrics(at)["Incidents"] == ("1", "of 8")  # incident 2, 2024-01-20
    at.button(key="ia_time_back").click().run()
    at.button(key="ia_time_back").click().run()
    assert (qp(at)["from"], qp(at)["to"]) == (["2023-12-18"], ["2023-12-31"])


def test_play_starts_at_the_first_bar_and_pause_stops_it(timeline_page):
    """The steps themselves come from a timed fragment rerun, which only a browser runs
    (tests/browser/test_time_browser.py); a page run never steps on its own."""
    at = timeline_page()
    at.button(key="ia_time_play").click().run()
    # No date range: playing starts with the first weekly bar of the data.
    assert (qp(at)["from"], qp(at)["to"]) == (["2023-11-06"], ["2023-11-12"])
    assert at.button(key="ia_time_pause")
    at.run()
    at.run()
    assert qp(at)["from"] == ["2023-11-06"]  # page runs alone do not advance it
    at.button(key="ia_time_pause").click().run()
    assert at.button(key="ia_time_play") and qp(at)["from"] == ["2023-11-06"]


def test_play_from_past_the_end_starts_again_at_the_beginning(timeline_page):
    at = timeline_page(params={"from": "2024-04-01", "to": "2024-04-07"})
    at.button(key="ia_time_play").click().run()
    assert (qp(at)["from"], qp(at)["to"]) == (["2023-11-06"], ["2023-11-12"])


@pytest.mark.parametrize("period", ["Last 30 days", "Custom range"])
def test_the_custom_range_boxes_are_full_width_one_above_the_other(run_page, period):
    at = run_page(params={"from": "2024-01-01", "to": "2024-01-31"})
    at.selectbox(key="ia_period").select(period).run()
    boxes = at.sidebar.date_input
    if period == "Custom range":
        assert [b.label for b in boxes] == ["From", "To"]
        # Side by side (two columns) they left 46 px of text each: "2021", "-06-30".
        assert all(len(column.date_input) == 0 for column in at.sidebar.columns)
    else:
        assert len(boxes) == 0


def test_the_incidents_page_has_the_same_empty_state(run_page):
    at = run_page("pages/1_Incidents.py", {"from": "2024-03-25", "to": "2024-03-31"})
    assert "newest incident matching the other filters is on 2024-03-20" in plain(at.warning[0].value)
    at.button(key="ia_time_nearest").click().run()
    assert list(at.dataframe[0].value["id"]) == ["inc-t6"]
