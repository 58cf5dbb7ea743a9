"""Online tiles when reachable (GEO_TILES) and "zoom to results", in headless Chromium.

The test servers name a tile host under ``.test`` (:data:`TILE_HOST`), which no
resolver knows; each test decides what the browser gets from it through
``context.route``: a small PNG, a held-back answer, or an aborted request.
"""

from __future__ import annotations

import math
import struct
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.view.viewstate import DEFAULT_CENTER, DEFAULT_ZOOM
from tests.browser.conftest import TILE_HOST, Session, serve
from tests.ui.seed import INCIDENTS, seed_store, store_env
from ui.maplayers import FIT_MAX_ZOOM

pytestmark = pytest.mark.browser

BORDER_FILL = "() => getComputedStyle(document.querySelector('.leaflet-overlay-pane path')).fillOpacity"
TILES_DRAWN = """() => Array.from(document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile'))
                      .filter(i => i.complete && i.naturalWidth === 256).length"""


def _tile_png(size: int = 256) -> bytes:
    """A light green tile with a darker frame, so tiles are easy to tell apart in a screenshot."""
    fill, edge = b"\xd8\xe8\xc8", b"\x9a\xb0\x8a"
    row = edge + fill * (size - 2) + edge
    rows = [edge * size] + [row] * (size - 2) + [edge * size]
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _tile_at(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The slippy-map tile (x, y) holding a point (the OpenStreetMap wiki's formula)."""
    n = 2**zoom
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def _errors(session: Session) -> list[str]:
    """Collects uncaught script errors and console errors of the page and its frames, with where they come from."""
    errors: list[str] = []
    session.page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    session.page.on(
        "console", lambda m: errors.append(f"{m.text} @ {m.location.get('url')}") if m.type == "error" else None
    )
    return errors


def _query(session: Session) -> dict[str, list[str]]:
    return parse_qs(urlsplit(session.page.url).query)


def test_tiles_switch_on_under_the_incidents_when_a_tile_loads(session):
    png = _tile_png()
    held: list = []
    state = {"release": False}

    def tiles(route):
        if state["release"]:
            route.fulfill(status=200, content_type="image/png", body=png)
        else:
            held.append(route)  # answered below, once the map is up

    session.context.route(TILE_HOST + "/**", tiles)
    errors = _errors(session)
    session.page.goto(session.app_url + "/")
    frame = session.map_frame()
    frame.evaluate("() => { window.__probe = 1; }")
    for _ in range(40):  # the probe's request reaches the route handler while Playwright processes events
        if held:
            break
        session.page.wait_for_timeout(50)
    assert frame.evaluate("() => window.map.getContainer().dataset.iaTiles") == "probing"
    x, y = _tile_at(*DEFAULT_CENTER, DEFAULT_ZOOM)
    assert [r.request.url for r in held] == [f"{TILE_HOST}/{DEFAULT_ZOOM}/{x}/{y}.png"]  # one tile: the map's centre
    state["release"] = True
    held.pop().fulfill(status=200, content_type="image/png", body=png)

    frame.wait_for_function("() => window.map.getContainer().dataset.iaTiles === 'on'")
    frame.wait_for_function(f"() => ({TILES_DRAWN})() >= 4")
    assert session.wait_for_markers(len(INCIDENTS)) == len(INCIDENTS)  # drawn above the tiles
    # The layer control shows the tiles chosen; the borders stay as faint outlines with their names.
    control = frame.locator(".leaflet-control-layers")
    control.hover()
    assert frame.get_by_label("tiles.atlas.test tiles (online)").is_checked()
    assert not frame.get_by_label("No tiles (offline)").is_checked()
    assert frame.get_by_label("Country borders (offline)").is_checked()
    assert float(frame.evaluate(BORDER_FILL)) == 0
    assert frame.locator(".ia-label").first.is_visible()
    assert "Test tiles" in frame.locator(".leaflet-control-attribution").inner_text()
    frame.locator(".leaflet-container").hover(position={"x": 300, "y": 300})  # fold the control again
    session.wait_idle()
    assert session.map_frame().evaluate("() => window.__probe") == 1  # the same map: no remount
    session.screenshot("10_map_with_online_tiles")
    assert errors == [], errors


def test_an_unreachable_tile_host_leaves_the_offline_borders_and_no_errors(session):
    errors = _errors(session)  # the session aborts every request to the tile host
    session.open("/")
    frame = session.map_frame()
    frame.wait_for_function("() => window.map.getContainer().dataset.iaTiles === 'unavailable'")
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-tile-pane img').length") == 0
    assert float(frame.evaluate(BORDER_FILL)) == 1  # land filled: readable without tiles
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane path').length") > 10
    frame.locator(".leaflet-control-layers").hover()
    assert frame.get_by_label("No tiles (offline)").is_checked()
    broken = "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length"
    assert frame.evaluate(broken) == 0 and session.page.evaluate(broken) == 0
    assert [u for u in session.requests if u.startswith(TILE_HOST)] != []  # it did try
    # Chromium itself notes every failed request in the console (no script can prevent it):
    # one such line, for the probed tile, is all there may be. No script error, no other request.
    probe_notes = [e for e in errors if e.startswith("Failed to load resource") and f"@ {TILE_HOST}/" in e]
    assert len(probe_notes) <= 1 and [e for e in errors if e not in probe_notes] == [], errors


@pytest.fixture(scope="module")
def tiles_off_url(tmp_path_factory, chromium_path):
    """An app started with GEO_TILES=off."""
    tmp = tmp_path_factory.mktemp("browser-tiles-off")
    env = {**store_env(tmp), "GEO_CACHE_DIR": str(tmp / "cache"), "GEO_TILES": "off"}
    seed_store(env)
    yield from serve(tmp, env)


def test_tiles_off_asks_no_tile_host_for_anything(browser, tiles_off_url):
    session = Session(browser, tiles_off_url)
    try:
        session.open("/")
        frame = session.map_frame()
        session.page.wait_for_timeout(500)
        assert frame.evaluate("() => window.map.getContainer().dataset.iaTiles") is None
        assert frame.evaluate("() => document.querySelectorAll('.leaflet-control-layers-base input').length") == 0
        assert float(frame.evaluate(BORDER_FILL)) == 1
        leaving = [u for u in session.requests if not u.startswith((tiles_off_url, "data:", "blob:", "about:"))]
        assert leaving == [], leaving
    finally:
        session.close()


def _fit(session: Session) -> None:
    session.map_frame().locator(".ia-fit a").click()


def _view(session: Session) -> dict:
    return session.map_frame().evaluate(
        """() => { const b = window.map.getBounds(), c = window.map.getCenter();
                   return {zoom: window.map.getZoom(), lat: c.lat, lng: c.lng,
                           s: b.getSouth(), w: b.getWest(), n: b.getNorth(), e: b.getEast()}; }"""
    )


def _inside(view: dict, incidents) -> bool:
    return all(view["s"] <= i.lat <= view["n"] and view["w"] <= i.lon <= view["e"] for i in incidents)


def test_zoom_to_results_fits_the_filtered_incidents_and_the_link_follows(session, new_session):
    rockets = [i for i in INCIDENTS if i.event_type == "rocket"]
    session.page.goto(session.app_url + "/?type=rocket&lat=30.0&lon=55.0&z=7")  # Iran: no rocket in view
    session.map_frame()
    session.wait_for_url(r"[?&]z=7")
    session.wait_idle()
    assert session.incident_count() == 0 and not _inside(_view(session), rockets)
    _fit(session)
    session.wait_for_url(r"[?&]lon=4[0-3]\.")
    session.wait_idle()
    view = _view(session)
    assert _inside(view, rockets)
    params = _query(session)
    assert params["z"] == [str(view["zoom"])]
    assert (float(params["lat"][0]), float(params["lon"][0])) == pytest.approx((view["lat"], view["lng"]), abs=1e-3)
    session.screenshot("11_zoomed_to_results")

    # A filter change alone keeps the view; the button then fits the new results.
    session.pick("Event type", "Missile (ballistic or cruise)")
    session.wait_for_url(r"type=missile")
    session.wait_idle()
    assert _view(session)["zoom"] == view["zoom"] and _query(session)["z"] == params["z"]
    before = session.page.url
    _fit(session)
    both = [*rockets, *(i for i in INCIDENTS if i.event_type == "missile")]
    session.page.wait_for_url(lambda u: u != before, timeout=30_000)
    session.wait_idle()
    fitted = _view(session)
    assert _inside(fitted, both) and _query(session)["z"] == [str(fitted["zoom"])]

    # The link reopens that view.
    colleague = new_session()
    colleague.page.goto(session.page.url)
    colleague.wait_for_markers(len(both))
    again = _view(colleague)
    assert again["zoom"] == fitted["zoom"] and _inside(again, both)


def test_zoom_to_one_incident_stops_at_a_readable_zoom_and_none_disables_the_button(session):
    (missile,) = [i for i in INCIDENTS if i.event_type == "missile"]
    session.open("/?type=missile")
    _fit(session)
    session.wait_for_url(rf"[?&]z={FIT_MAX_ZOOM}\b")
    view = _view(session)
    assert view["zoom"] == FIT_MAX_ZOOM
    assert (view["lat"], view["lng"]) == pytest.approx((missile.lat, missile.lon), abs=0.01)

    session.page.get_by_text("Only intercepted").click()  # no missile was intercepted
    session.wait_for_url(r"icpt=1")
    button = session.map_frame().locator(".ia-fit a")
    button.and_(session.map_frame().locator(".leaflet-disabled")).wait_for()
    assert button.get_attribute("title") == "No incidents match the filters"
    before = session.page.url
    button.click(force=True)  # aria-disabled: Playwright would wait for it to be enabled
    session.page.wait_for_timeout(600)  # longer than the component's report debounce
    session.wait_idle()
    assert session.page.url == before and _view(session)["zoom"] == FIT_MAX_ZOOM
