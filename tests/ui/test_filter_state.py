"""The date filter survives runs that end before the sidebar's widgets are drawn.

The map page draws its filter widgets after the map. Streamlit drops a widget's
session-state value at the end of a completed run that did not draw it (a run that
failed inside the page boundary, a fragment or click interrupting it): the next run
then read no period ("All time") and wrote a URL without ``from``/``to``.
"""

from __future__ import annotations

import pytest

from tests.ui.test_app import qp as _params
from ui import mapview


@pytest.fixture
def map_fails_once(monkeypatch) -> list:
    """From now on the map's next run raises once (the page boundary shows it; the sidebar is not drawn).

    Returns the list of the map's calls, one item per call.
    """
    show_map = mapview.show_map
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a run that ends before the sidebar is drawn")
        return show_map(*args, **kwargs)

    monkeypatch.setattr(mapview, "show_map", failing_once)
    return calls


def test_period_survives_a_run_that_ends_before_the_sidebar(run_page, request):
    at = run_page(params={"from": "2024-01-01", "to": "2024-03-31"})
    assert _params(at)["from"] == ["2024-01-01"] and _params(at)["to"] == ["2024-03-31"]
    assert at.sidebar.selectbox(key="ia_period").value == "Custom range"

    calls = request.getfixturevalue("map_fails_once")
    at.run()  # the page boundary turns the error into a message; the sidebar was not drawn
    assert len(calls) == 1 and not at.sidebar.selectbox  # Streamlit dropped the widgets' values here
    at.run()
    assert len(calls) >= 2
    assert at.sidebar.selectbox(key="ia_period").value == "Custom range"
    assert at.sidebar.date_input(key="ia_from").value.isoformat() == "2024-01-01"
    assert _params(at).get("from") == ["2024-01-01"] and _params(at).get("to") == ["2024-03-31"]


def test_a_period_chosen_in_the_sidebar_survives_too(run_page, request):
    at = run_page()
    at.sidebar.selectbox(key="ia_period").set_value("Last 30 days").run()
    chosen = _params(at)
    assert "from" in chosen and "to" in chosen

    request.getfixturevalue("map_fails_once")  # the map fails from here on, once
    at.run()
    at.run()
    assert at.sidebar.selectbox(key="ia_period").value == "Last 30 days"
    assert _params(at)["from"] == chosen["from"] and _params(at)["to"] == chosen["to"]
