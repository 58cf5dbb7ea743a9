"""The date filter survives runs that end before the sidebar's widgets are drawn.

The map page draws its filter widgets after the map. Streamlit drops a widget's
session-state value at the end of a completed run that did not draw it (a run that
failed inside the page boundary, a fragment or click interrupting it): the next run
then read no period ("All time") and wrote a URL without ``from``/``to``.

And the filters survive a browser that draws the sidebar for the first time from a later
run's message (what five viewers downloading at once actually hit; see the second part).
"""

from __future__ import annotations

import datetime as dt

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


# --- a browser that draws the sidebar for the first time from a later run's message ---------------------------
#
# Streamlit sends a value set through session state (a link read into the widgets) only in the run
# that set it (``set_value``); a browser that mounts a widget from any other run's message starts it
# at that message's ``default``, and sends that back with its next click. Five viewers preparing
# downloads at once made exactly that happen (the first run's sidebar skipped, the next run's drawn):
# the next click sent "Last 7 days" and empty dates, and the page dropped the link's period.

LINK = {"from": "2024-01-01", "to": "2024-02-29", "actor": "Islamic Resistance in Iraq", "country": "SY",
        "icpt": "0", "q": "drone"}  # fmt: skip


def fresh_browser_sees_the_value(widget) -> bool:
    """Whether a browser drawing ``widget`` first from this run's message shows its value in session state."""
    p = widget.proto
    if p.set_value:  # the message carries the value itself
        return True
    kind = type(p).__name__
    if kind in ("Selectbox", "Radio"):
        return p.default == widget.index
    if kind == "MultiSelect":
        return list(p.default) == list(widget.indices)
    if kind == "DateInput":
        return list(p.default) == ([widget.value.isoformat()] if widget.value else [])
    return p.default == widget.value  # TextInput


FILTER_KEYS = ("ia_period", "ia_from", "ia_to", "ia_actor", "ia_country", "ia_icpt", "ia_q")


def filter_widgets(at) -> dict:
    return {w.key: w for w in at.sidebar if getattr(w, "key", None) in FILTER_KEYS}


@pytest.mark.parametrize("path", ["app.py", "pages/1_Incidents.py"])
def test_every_run_tells_a_fresh_browser_the_links_filters(run_page, path):
    at = run_page(path, params=LINK)
    for run in range(3):  # the link's run, then two more (the timeline's, a click's) that set nothing
        widgets = filter_widgets(at)
        assert sorted(widgets) == sorted(FILTER_KEYS), f"run {run + 1}"
        assert widgets["ia_from"].value == dt.date(2024, 1, 1) and widgets["ia_actor"].value == [LINK["actor"]]
        wrong = [key for key, w in widgets.items() if not fresh_browser_sees_the_value(w)]
        assert not wrong, f"run {run + 1}: a browser drawing these first would send their defaults back: {wrong}"
        at.run()


def first_drawn_value(widget) -> object:
    """The value a browser shows for ``widget`` when this run's message is the first it draws it from
    (for widgets whose options are shown as they are)."""
    p = widget.proto
    if p.set_value:
        return widget.value
    kind = type(p).__name__
    if kind in ("Selectbox", "Radio"):
        return widget.options[p.default]
    if kind == "MultiSelect":
        return [widget.options[i] for i in p.default]
    if kind == "DateInput":
        return dt.date.fromisoformat(p.default[0]) if p.default else None
    return p.default  # TextInput


@pytest.mark.parametrize("path", ["app.py", "pages/1_Incidents.py"])
def test_a_browser_that_draws_the_sidebar_late_sends_the_links_filters_back(run_page, path):
    """The five viewers' failure, replayed: the browser skipped the link's run, drew the sidebar from the
    next run's message, and sent what it showed with the next click."""
    at = run_page(path, params=LINK)
    at.run()  # the timeline's run (or a map move): it sets nothing
    for key, widget in filter_widgets(at).items():
        if key != "ia_country":  # its options are shown as country names, not the codes it holds
            widget.set_value(first_drawn_value(widget))
    at.run()  # the click ("Prepare the files")
    assert at.sidebar.selectbox(key="ia_period").value == "Custom range"
    assert at.sidebar.text_input(key="ia_q").value == "drone"
    assert at.sidebar.multiselect(key="ia_actor").value == [LINK["actor"]]
    params = _params(at)
    assert params["from"] == ["2024-01-01"] and params["to"] == ["2024-02-29"] and params["actor"] == [LINK["actor"]]
