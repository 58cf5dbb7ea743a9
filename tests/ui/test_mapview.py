"""The map page's component under AppTest: the tiles setting and the extent behind "zoom to results".

AppTest runs no JavaScript; these read what the page hands streamlit-folium's
component (its script and incident layer), the browser tests in
``tests/browser/test_tiles_and_zoom_browser.py`` run it.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.ui.seed import INCIDENTS


def component_args(at) -> dict:
    (component,) = [e for e in at.main if e.type == "component_instance"]
    return json.loads(component.proto.json_args)


def sent_results(at) -> dict:
    """What the incident layer hands the "zoom to results" button."""
    return json.loads(re.search(r"_iaResults = (.*);", component_args(at)["feature_group"]).group(1))


@pytest.mark.parametrize(
    ("env", "tile_url"),
    [
        ({"GEO_TILES": "off"}, None),
        ({"GEO_TILES": "https://t.example.org/{z}/{x}/{y}.png", "GEO_TILES_ATTRIBUTION": "Team"}, "t.example.org"),
        ({}, "tile.openstreetmap.org"),
    ],
)
def test_the_map_carries_the_configured_tiles(run_page, monkeypatch, env, tile_url):
    monkeypatch.delenv("GEO_TILES", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = run_page()
    assert not at.exception
    script = component_args(at)["script"]
    assert ("L.tileLayer" in script) is (tile_url is not None)
    assert tile_url is None or tile_url in script


def test_a_bad_tiles_setting_stops_the_page_with_the_variable_named(run_page, monkeypatch):
    monkeypatch.setenv("GEO_TILES", "openstreetmap please")
    at = run_page()
    # Stopped by the page boundary: a message naming the variable, no traceback.
    assert not at.exception
    assert any("GEO_TILES" in e.value.replace("\\", "") for e in at.error)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, list(INCIDENTS)),
        ({"type": "rocket"}, [i for i in INCIDENTS if i.event_type == "rocket"]),
        ({"type": "missile"}, [i for i in INCIDENTS if i.event_type == "missile"]),
        ({"type": "missile", "icpt": "1"}, []),
    ],
)
def test_zoom_to_results_gets_the_bounds_of_the_filtered_incidents(run_page, params, expected):
    at = run_page(params=params)
    sent = sent_results(at)
    assert sent["count"] == len(expected)
    if expected:
        lats, lons = [i.lat for i in expected], [i.lon for i in expected]
        assert sent["bounds"] == [[min(lats), min(lons)], [max(lats), max(lons)]]
    else:
        assert sent["bounds"] is None  # the button is disabled


def test_a_filter_change_sends_new_bounds_but_no_view(run_page):
    at = run_page(params={"lat": "30.0", "lon": "55.0", "z": "7"})
    at.multiselect(key="ia_type").select("rocket").run()
    args = component_args(at)
    assert sent_results(at)["count"] == sum(1 for i in INCIDENTS if i.event_type == "rocket")
    assert args["center"] is None and args["zoom"] is None  # the view is never pushed to the map
    assert at.query_params["lat"] == "30.0000" and at.query_params["z"] == "7"
