"""No traceback reaches a viewer: fuzzed links, forged widget values, a failing store, a bug.

Every URL parameter :mod:`geo.view.viewstate` knows is opened with each value of a corpus of
bad values (very long, huge digit strings, repeated, NUL, other control characters,
Unicode, markup, non-finite and negative numbers, empty) on the map page, and all of
them at once on the Incidents page. A run passes only when the page raised nothing *and*
the page boundary (:mod:`ui.boundary`) caught nothing: the boundary keeps tracebacks from
viewers, it must not hide a parser bug from these tests.
"""

from __future__ import annotations

import logging
import tomllib

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import element_tree

from geo.view.viewstate import PARAMS
from tests.ui.conftest import ROOT
from tests.ui.test_app import metrics, plain

BAD_VALUES = {
    "very long": "x" * 10_000,
    "4301 digits": "9" * 4301,  # one past Python's int() limit
    "repeated": [str(n) for n in range(200)],
    "NUL": "a\x00b",
    "control": "\r\n\t\x1b[31m",
    "unicode": "١٢ 🗺️ Şam ﷽ \u202e",
    "markup": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "non-finite": "-inf",
    "NaN": "NaN",
    "negative": "-1",
    "empty": "",
    "commas": ",,,,",
}


def assert_clean(at) -> None:
    """Nothing raised, nothing caught by the page boundary, and the headline drawn (0 to 8 of 8 incidents)."""
    assert not at.exception, [e.value for e in at.exception]
    caught = [e.value for e in at.error if "could not be drawn" in e.value or "reference" in e.value]
    assert not caught, caught
    value, delta = metrics(at)["Incidents"]
    assert 0 <= int(value) <= 8 and delta in (None, "of 8")


def test_the_fuzzed_parameters_are_every_one_a_link_can_hold():
    from tests.geo.view.test_viewstate import FULL_VIEW

    assert set(FULL_VIEW.to_params()) == set(PARAMS) and len(PARAMS) == 13


@pytest.mark.parametrize("key", PARAMS)
@pytest.mark.parametrize("bad", list(BAD_VALUES), ids=list(BAD_VALUES))
def test_a_bad_value_in_any_parameter_leaves_the_map_page_working(run_page, key, bad):
    at = run_page(params={key: BAD_VALUES[bad]})
    assert_clean(at)


@pytest.mark.parametrize("bad", list(BAD_VALUES), ids=list(BAD_VALUES))
def test_every_parameter_bad_at_once_leaves_the_incidents_page_working(run_page, bad):
    at = run_page("pages/1_Incidents.py", params={key: BAD_VALUES[bad] for key in PARAMS})
    assert_clean(at)
    assert at.title[0].value == "Incidents"


def test_a_4301_digit_zoom_is_a_visible_notice(run_page):
    at = run_page(params={"z": "9" * 4301, "type": "rocket"})
    assert_clean(at)
    assert "Ignored link parameter z='999" in plain(at.warning[0].value)
    assert metrics(at)["Incidents"] == ("3", "of 8")  # the good part of the link still applies


# --- forged widget values -------------------------------------------------------------------------


@pytest.fixture
def forge(monkeypatch):
    """``forge(widget, value)``: the next run sends ``value`` for that selectbox or radio, as a
    hand-made websocket message could, even when it is none of the options (AppTest itself
    would refuse to send it)."""
    forged: dict[str, object] = {}
    for cls in (element_tree.Selectbox, element_tree.Radio, element_tree.Multiselect):
        original = cls._widget_state

        def state(self, _original=original):
            if self.id not in forged:
                return _original.fget(self)
            ws = WidgetState(id=self.id)
            value = forged[self.id]
            if isinstance(value, list):
                ws.string_array_value.data[:] = value
            else:
                ws.string_value = value
            return ws

        monkeypatch.setattr(cls, "_widget_state", property(state))

    def set_(widget, value) -> None:
        forged[widget.id] = value

    return set_


def test_the_forging_fixture_really_sends_what_it_is_given(run_page, forge):
    at = run_page()
    forge(at.multiselect(key="ia_type"), ["rocket"])
    forge(at.selectbox(key="ia_period"), "Custom range")
    at.run()
    assert metrics(at)["Incidents"] == ("3", "of 8")
    assert at.selectbox(key="ia_period").value == "Custom range"


@pytest.mark.parametrize(
    "key, value",
    [
        ("ia_period", "Last 10,000 years"),
        ("ia_icpt", "<b>maybe</b>"),
        ("ia_attr", ["rumoured"]),
        ("ia_type", ["nuke", "x" * 10_000]),
        ("ia_country", ["ZZ", "\x00"]),
        ("ia_actor", ["Nobody At All"]),
    ],
)
@pytest.mark.parametrize("page", ["app.py", "pages/1_Incidents.py"])
def test_forged_widget_values_are_ignored(run_page, forge, page, key, value):
    at = run_page(page)
    widget = next(w for w in [*at.sidebar.selectbox, *at.sidebar.radio, *at.sidebar.multiselect] if w.key == key)
    forge(widget, value)
    at.run()
    assert_clean(at)


# --- the page boundary ------------------------------------------------------------------------------


def test_a_bug_in_a_page_is_a_message_and_a_logged_traceback(run_page, monkeypatch, caplog):
    import ui.headline

    def broken(*args, **kwargs):
        raise KeyError("secret server detail /srv/atlas/app.py")

    monkeypatch.setattr(ui.headline, "show_headline", broken)
    with caplog.at_level(logging.ERROR, logger="atlas.pages"):
        at = run_page()
    assert not at.exception
    [message] = [e.value for e in at.error]
    assert message.startswith("This page could not be drawn because of an error on the server (reference ")
    assert "secret" not in message and "KeyError" not in message
    reference = message.split("reference ")[1][:8]
    [record] = caplog.records
    assert reference in record.getMessage() and record.exc_info[0] is KeyError


def test_an_unreadable_store_is_a_message_without_paths(run_page, tmp_path, monkeypatch, caplog):
    broken = tmp_path / "not-a-database.sqlite"
    broken.write_bytes(b"this is not SQLite at all" * 100)
    monkeypatch.setenv("GEO_DATABASE_URL", f"sqlite:///{broken}")
    with caplog.at_level(logging.ERROR, logger="atlas.pages"):
        at = run_page(timeout=60)
    assert not at.exception
    [message] = [e.value for e in at.error]
    assert "not a valid SQLite database" in message and str(tmp_path) not in message
    assert any(str(broken) in r.getMessage() for r in caplog.records)  # the operator gets the path


def test_the_browser_never_gets_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # "none": no type, message or stack (false would still mean "stacktrace").
    assert config["client"]["showErrorDetails"] == "none"
