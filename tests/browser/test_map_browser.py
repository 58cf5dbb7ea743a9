"""The map page in headless Chromium: markers, filters, shareable links, clicks, downloads, no leaks, no XSS."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.view.viewstate import DEFAULT_ZOOM
from ui.assets import BUNDLE
from tests.browser.conftest import TILE_HOST
from tests.ui.seed import INCIDENTS, TEMPLATE_TEXT, XSS_ID

pytestmark = pytest.mark.browser


def _map_zoom(session) -> int:
    return session.map_frame().evaluate("() => window.map.getZoom()")


def test_map_draws_every_incident_from_local_files_only(session, app_url):
    js_types: dict[str, str] = {}
    session.page.on(
        "response",
        lambda r: js_types.__setitem__(r.url, r.headers.get("content-type", "")) if r.url.endswith(".js") else None,
    )
    session.open("/")
    assert session.wait_for_markers(len(INCIDENTS)) == len(INCIDENTS)
    frame = session.map_frame()
    # The offline base layer is drawn (country polygons) and the legend is there, open on a
    # desktop-sized map, one click from folded.
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane path').length") > 10
    legend = frame.locator(".ia-legend details")
    assert legend.is_visible() and legend.evaluate("d => d.open") is True
    assert frame.get_by_text("Event type").is_visible()
    legend.locator("summary").click()
    assert legend.evaluate("d => d.open") is False
    legend.locator("summary").click()
    session.wait_idle()
    session.screenshot("01_map_overview")
    chart = session.page.locator('[data-testid="stVegaLiteChart"]')
    chart.locator("canvas, svg").first.wait_for()
    session.element_screenshot(chart, "01b_timeline")
    # Nothing but the app and the configured tile host (its one probed tile, aborted here).
    leaving = [u for u in session.requests if not u.startswith((app_url, "data:", "blob:", "about:", TILE_HOST + "/"))]
    assert leaving == [], leaving
    vendored = {u: t for u, t in js_types.items() if "/app/static/vendor/" in u}
    # Leaflet + markercluster in one file (one script to wait for in the map's iframe), served by the app.
    assert [u.rsplit("/", 1)[1] for u in vendored] == [BUNDLE], js_types
    assert all("javascript" in t for t in vendored.values()), vendored


def test_filtered_view_link_reopens_the_same_view_in_a_new_browser(session, new_session):
    session.open("/")
    session.pick("Event type", "Drone / UAV")
    session.wait_for_url(r"type=drone")
    drones = sum(1 for i in INCIDENTS if i.event_type == "drone")
    session.wait_for_markers(drones)
    session.map_frame().locator(".leaflet-control-zoom-in").click()
    url = session.wait_for_url(r"[?&]z=7")
    session.wait_idle()
    session.screenshot("02_filtered_drones_zoomed")

    colleague = new_session()
    colleague.page.goto(url)
    assert colleague.wait_for_markers(drones) == drones
    assert _map_zoom(colleague) == 7
    assert (
        colleague.page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        .filter(has_text="Event type")
        .inner_text()
        .count("Drone / UAV")
        == 1
    )
    assert colleague.headline_count() == drones
    params = parse_qs(urlsplit(colleague.page.url).query)
    assert params["type"] == ["drone"] and params["z"] == ["7"]
    colleague.wait_idle()
    colleague.screenshot("03_link_opened_in_new_context")


def test_clicking_a_marker_selects_it_and_shows_details(session):
    session.open("/?type=rocket")
    session.wait_for_markers(3)
    session.map_frame().locator(".leaflet-marker-pane .ia-mk").first.click()
    url = session.wait_for_url(r"sel=inc-")
    selected = parse_qs(urlsplit(url).query)["sel"][0]
    incident = next(i for i in INCIDENTS if i.id == selected)
    page = session.page
    page.get_by_role("button", name="Clear selection").wait_for(timeout=30_000)
    assert page.get_by_text(incident.location, exact=False).first.is_visible()
    assert any(link.endswith(f"/?sel={selected}") for link in session.copy_boxes())  # the permalink box
    # The popup opened in the map and the marker is highlighted.
    frame = session.map_frame()
    assert frame.locator(".leaflet-popup-content .ia-pop").is_visible()
    assert frame.locator(".leaflet-marker-pane .ia-mk.ia-sel").count() == 1
    session.wait_idle()
    session.screenshot("04_marker_selected")


def test_geojson_download_holds_the_filtered_incidents(session):
    session.open("/?country=SY")
    session.wait_idle()
    with session.page.expect_download(timeout=30_000) as info:
        session.page.get_by_test_id("ia-download-geojson").click()
    download = info.value
    data = json.loads(download.path().read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    ids = sorted(f["properties"]["id"] for f in data["features"])
    assert ids == sorted(i.id for i in INCIDENTS if i.country == "SY")
    assert download.suggested_filename == "incidents_all-dates_SY.geojson"


def test_markup_in_reports_never_runs(session):
    session.open(f"/?sel={XSS_ID}")
    frame = session.map_frame()
    # Open every tooltip and popup, so all report text is in the map's DOM at once.
    frame.evaluate(
        """() => {
            window.map.eachLayer(l => { if (l.feature) { l.openTooltip(); } });
            window.map.eachLayer(l => { if (l.feature && l.feature.properties.i === 'inc-xss') { l.openPopup(); } });
        }"""
    )
    frame.locator(".leaflet-popup-content .ia-pop").wait_for()
    session.page.get_by_role("button", name="Clear selection").wait_for(timeout=30_000)
    session.page.wait_for_timeout(1500)  # give any injected handler time to fire
    assert session.dialogs == []
    popup_text = frame.locator(".leaflet-popup-content").inner_text()
    assert "<script>alert('xss-summary')</script>" in popup_text  # shown as text
    assert TEMPLATE_TEXT in popup_text  # template syntax reaches the browser untouched
    for target in (frame, session.page):
        assert target.evaluate("() => document.querySelectorAll('img[onerror], img[src=\"x\"]').length") == 0
    # The javascript: source URL did not become a link anywhere.
    assert frame.evaluate("() => document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert session.page.evaluate("() => document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    session.wait_idle()
    session.screenshot("05_xss_incident_escaped")


def test_bad_link_shows_a_notice_and_still_draws_the_map(session):
    session.open("/?z=99&from=notadate&type=rocket")
    session.wait_for_markers(3)
    notice = session.page.locator('[data-testid="stAlert"]').filter(has_text="could not be used")
    assert notice.is_visible()
    assert "z=" in notice.inner_text() and "from=" in notice.inner_text()
    session.wait_idle()
    session.screenshot("06_bad_link_notice")


def test_a_filter_change_redraws_the_layer_without_remounting_the_map(session):
    session.open("/")
    frame = session.map_frame()
    frame.locator(".leaflet-control-zoom-in").click()
    session.wait_for_url(r"[?&]z=7")
    session.wait_idle()
    frame.evaluate("() => { window.__probe = 1; }")
    session.pick("Event type", "Rocket")
    session.wait_for_url(r"type=rocket")
    assert session.wait_for_markers(3) == 3
    session.wait_idle()
    # The same Leaflet map (same iframe window), still at the zoom the analyst chose.
    assert session.map_frame().evaluate("() => window.__probe") == 1
    assert _map_zoom(session) == 7
    assert parse_qs(urlsplit(session.page.url).query)["z"] == ["7"]


def test_ten_alternating_download_clicks_deliver_ten_files(session):
    """GeoJSON, CSV, GeoJSON... clicked in quick succession: every click delivers its file, named after the view."""
    session.open("/?country=SY")
    session.wait_idle()
    want = sorted(i.id for i in INCIDENTS if i.country == "SY")
    links = {fmt: session.page.get_by_test_id(f"ia-download-{fmt}") for fmt in ("geojson", "csv")}
    delivered = []
    session.page.on("download", lambda d: delivered.append(d))
    for n in range(10):
        links["geojson" if n % 2 == 0 else "csv"].click()
        session.page.wait_for_timeout(150)
    deadline = 60_000
    while len(delivered) < 10 and deadline > 0:
        session.page.wait_for_timeout(250)
        deadline -= 250
    assert [d.suggested_filename for d in delivered] == ["incidents_all-dates_SY.geojson", "incidents_all-dates_SY.csv"] * 5
    for download in delivered:
        text = download.path().read_text(encoding="utf-8")
        if download.suggested_filename.endswith(".geojson"):
            ids = sorted(f["properties"]["id"] for f in json.loads(text)["features"])
        else:
            ids = sorted(row["id"] for row in csv.DictReader(io.StringIO(text, newline="")))
        assert ids == want


def _count_script_runs(session) -> list[str]:
    """Record the script runs the server reports to this page (a growing list, one entry per finished
    run: how it finished, e.g. ``FINISHED_SUCCESSFULLY``)."""
    import base64

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    runs: list[str] = []

    def frame(event) -> None:
        response = event["response"]
        if response.get("opcode") != 2:
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(base64.b64decode(response["payloadData"]))
        except Exception:  # noqa: BLE001 - not a ForwardMsg
            return
        if msg.WhichOneof("type") == "script_finished":
            runs.append(ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished))

    cdp = session.context.new_cdp_session(session.page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameReceived", frame)
    return runs


@pytest.mark.parametrize("path", ["/", "/?type=rocket&lat=33.3&lon=44.4&z=8"])
def test_a_first_load_runs_the_script_once_and_the_map_still_reports_moves(session, path):
    """streamlit-folium's report of the opening view used to cost a second script run on every first load.

    The one later run of a first load is the timeline's (ui.timecontrols.DEFER_SECONDS after the
    first): its timed fragment asks for it (a run that ends early for the rerun), then it draws the chart.
    """
    runs = _count_script_runs(session)
    session.open(path)
    session.page.locator('[data-testid="stVegaLiteChart"]').wait_for(timeout=30_000)
    session.page.wait_for_timeout(1500)  # the component reports 250 ms after a move; a rerun would be done by now
    session.wait_idle()
    assert runs == ["FINISHED_SUCCESSFULLY", "FINISHED_EARLY_FOR_RERUN", "FINISHED_SUCCESSFULLY"], runs
    assert parse_qs(urlsplit(session.page.url).query)["z"] == [path.split("z=")[1] if "z=" in path else str(DEFAULT_ZOOM)]
    # The map's next move is reported as before: a script run, and the URL follows.
    frame = session.map_frame()
    frame.locator(".leaflet-control-zoom-in").click()
    zoom = _map_zoom(session)
    session.wait_for_url(rf"[?&]z={zoom}")
    session.wait_idle()
    assert len(runs) == 4 and runs[-1] == "FINISHED_SUCCESSFULLY", runs
