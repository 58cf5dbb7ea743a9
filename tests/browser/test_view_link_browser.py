"""The view link holds what is on screen, and reopening it moves nothing (bundled data).

A link's centre and zoom are the view someone saw: opened again and copied again
without touching the map, it must give the same link. Showing a linked incident's
popup used to pan the map (Leaflet's auto-pan, measured against a map whose frame
the page was still sizing), so every reopened link came out a few pixels off the last.
After a tap or a click on a marker the map may move (the popup, or on a phone the
incident lifted above the details sheet): the link then holds where it moved to.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import MAP_IFRAME, Session

pytestmark = pytest.mark.browser

PHONE, LAPTOP, DESKTOP = (390, 844), (1280, 800), (1440, 900)
BALAD = ("inc-2021-04-01-d733df0b5a", 33.9333, 44.3667)  # a bundled incident alone at its site
STACKED = "inc-2020-01-08-40e5434d27"  # one of six bundled incidents at Ain al-Asad (33.7856, 42.4411)


def _session(browser, url: str, viewport: tuple[int, int]) -> Session:
    return Session(browser, url, viewport=viewport, touch=viewport[0] < 500)


def _view_link(session: Session) -> dict[str, list[str]]:
    """The query of the "Link to this view" box (the other box, if any, is the incident's permalink)."""
    links = [link for link in session.copy_boxes() if "z=" in link]
    assert len(links) == 1, session.copy_boxes()
    return parse_qs(urlsplit(links[0]).query)


def _settled(session: Session) -> dict[str, list[str]]:
    """The view link once the page is idle and the address bar says the same."""
    session.wait_idle()
    session.page.wait_for_timeout(800)  # a pan's animation, and its report
    session.wait_idle()
    link = _view_link(session)
    assert parse_qs(urlsplit(session.page.url).query) == link
    return link


def _on_screen(session: Session) -> tuple[str, str, str]:
    """The map's centre and zoom as a link writes them."""
    c = session.map_frame().evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"
    )
    return f"{c[0]:.4f}", f"{c[1]:.4f}", str(c[2])


def _view(link: dict[str, list[str]]) -> tuple[str, str, str]:
    return link["lat"][0], link["lon"][0], link["z"][0]


def _open(session: Session, query: str) -> None:
    session.page.goto(session.app_url + "/?" + query)
    session.map_frame()
    session.wait_for_url(r"[?&]z=\d")
    session.page.locator(".ia-copy input").first.wait_for(state="attached", timeout=30_000)


def _open_revealed(session: Session, lat, lon):
    """A link to Balad's incident with its own view at zoom 9, opened until the incident is shown; its map frame."""
    _open(session, f"lat={lat}&lon={lon}&z=9&sel={BALAD[0]}")
    frame = session.map_frame()
    frame.wait_for_function("id => window.__iaRevealed === id && window.__iaSelected._icon", arg=BALAD[0])
    return frame


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("incident", [BALAD[0], STACKED], ids=["alone", "stacked"])
def test_a_link_with_its_own_view_reopens_and_recopies_unchanged(browser, bundled_app_url, viewport, incident):
    """The incident sits near the map's top: its popup does not fit above it, and the old auto-pan moved
    the map (and the link) on every open. On a phone the incident is above the sheet already."""
    lat = f"{BALAD[1] - 0.4:.4f}" if incident == BALAD[0] else "33.4856"
    lon = f"{BALAD[2]:.4f}" if incident == BALAD[0] else "42.4411"
    query = f"lat={lat}&lon={lon}&z=9&sel={incident}"
    for hop in range(2):  # opened, copied, opened again in a fresh browser, copied again
        session = _session(browser, bundled_app_url, viewport)
        try:
            _open(session, query)
            frame = session.map_frame()
            frame.wait_for_function(
                "id => window.__iaSelected && window.__iaSelected._icon && window.__iaRevealed === id", arg=incident
            )
            link = _settled(session)
            assert _view(link) == (lat, lon, "9"), (hop, link)
            assert _on_screen(session) == (lat, lon, "9")
            assert link["sel"] == [incident]
            assert incident in session.page.locator(".st-key-ia_sheet").inner_text()  # its details
            if viewport[0] >= 500:  # and its popup, as a link to an incident opens it (here below the incident)
                frame.locator(".leaflet-popup-content").wait_for(timeout=10_000)
                assert f"#{incident}" in frame.locator(".leaflet-popup-content").inner_text()
            if hop == 0:
                name = f"24_link_kept_{incident[-4:]}_{viewport[0]}"
                session.element_screenshot(session.page.locator(MAP_IFRAME), name)
            query = "&".join(f"{k}={v[0]}" for k, v in link.items())
        finally:
            session.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=lambda v: f"{v[0]}x{v[1]}")
def test_after_opening_a_permalink_the_view_link_holds_the_view_and_reopens_unchanged(
    browser, bundled_app_url, viewport
):
    """A permalink names only the incident: the map centres on it (and may move it into view); the view
    link then holds where the map is, and that link reopens without moving."""
    session = _session(browser, bundled_app_url, viewport)
    try:
        _open(session, f"sel={BALAD[0]}")
        session.map_frame().wait_for_function("id => window.__iaRevealed === id", arg=BALAD[0])
        first = _settled(session)
        assert _view(first) == _on_screen(session)
    finally:
        session.close()
    again = _session(browser, bundled_app_url, viewport)
    try:
        _open(again, "&".join(f"{k}={v[0]}" for k, v in first.items()))
        frame = again.map_frame()
        frame.wait_for_function("id => window.__iaRevealed === id", arg=BALAD[0])
        assert _settled(again) == first
        assert _on_screen(again) == _view(first)
        if viewport[0] >= 500:  # its popup open again (the view kept: it may sit a few px off the map's edge)
            assert f"#{BALAD[0]}" in frame.locator(".leaflet-popup-content").inner_text(timeout=10_000)
    finally:
        again.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=lambda v: f"{v[0]}x{v[1]}")
def test_after_a_tap_on_a_marker_the_view_link_holds_what_is_on_screen(browser, bundled_app_url, viewport):
    session = _session(browser, bundled_app_url, viewport)
    try:
        session.open("/")
        marker = session.map_frame().locator(".leaflet-marker-pane .ia-mk").first
        marker.tap() if viewport[0] < 500 else marker.click()
        session.wait_for_url(r"sel=")
        link = _settled(session)
        assert _view(link) == _on_screen(session)
        assert link["sel"][0].startswith("inc-")
    finally:
        session.close()


# Where the popup, the map's controls, the selected marker and the popup's tip are, in the map's frame.
_POPUP_BOXES = """() => {
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const pop = document.querySelector('.leaflet-popup-content-wrapper');
    return {
        map: box(window.map.getContainer()),
        popup: pop && box(pop),
        tip: pop && box(document.querySelector('.leaflet-popup-tip-container')),  // what shows of the tip
        marker: box(window.__iaSelected._icon),
        controls: Array.from(document.querySelectorAll('.leaflet-control')).map(box).filter(b => b[2] > b[0]),
    };
}"""


def _meets(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    ("viewport", "corner"),
    [(DESKTOP, "top-left"), (DESKTOP, "bottom-right"), (LAPTOP, "top-left"), (LAPTOP, "bottom-right"),
     (PHONE, "top-left")],  # on a phone an incident low on the map is moved above the sheet (tests above)
    ids=lambda v: f"{v[0]}x{v[1]}" if isinstance(v, tuple) else v,
)  # fmt: skip
def test_a_linked_incident_near_the_maps_edge_opens_with_its_popup_inside_the_map(
    browser, bundled_app_url, viewport, corner
):
    """The link's view is kept (no pan, as above), so the popup cannot be brought into view by moving
    the map: it opens where it fits, below the incident when there is no room above it, slid away from
    the map's side and its controls, its tip on the incident. On a phone the details sheet shows the
    incident instead of a popup, and the incident stays above the sheet."""
    up = corner == "top-left"
    # About 100 px from the map's top and 40 to 130 px from its left side (at zoom 9, 1° of
    # longitude is 364 px), or as far from its bottom right corner.
    lat = f"{BALAD[1] + (-0.6 if viewport != PHONE else -0.5) * (1 if up else -1):.4f}"
    lon = f"{BALAD[2] + (0.45 if viewport != PHONE else 0.4) * (1 if up else -1.3):.4f}"
    session = _session(browser, bundled_app_url, viewport)
    try:
        frame = _open_revealed(session, lat, lon)
        link = _settled(session)
        assert _view(link) == (lat, lon, "9") == _on_screen(session)
        assert BALAD[0] in session.page.locator(".st-key-ia_sheet").inner_text()
        boxes = frame.evaluate(_POPUP_BOXES)
        name = f"28_link_edge_{corner}_{viewport[0]}"
        session.element_screenshot(session.page.locator(MAP_IFRAME), name)
        mark, (ml, mt, mr, mb) = boxes["marker"], boxes["map"]
        assert not [c for c in boxes["controls"] if _meets(mark, c)], boxes  # on a phone: under the zoom buttons
        if viewport == PHONE:
            assert boxes["popup"] is None
            sheet = session.page.locator(".st-key-ia_sheet").bounding_box()
            frame_top = session.page.locator(MAP_IFRAME).bounding_box()["y"]
            assert mt <= mark[1] and frame_top + mark[3] < sheet["y"], (boxes, sheet)
            return
        assert f"#{BALAD[0]}" in frame.locator(".leaflet-popup-content").inner_text()
        pop, tip = boxes["popup"], boxes["tip"]
        assert ml <= pop[0] and mt <= pop[1] and pop[2] <= mr and pop[3] <= mb, boxes
        assert not [c for c in boxes["controls"] if _meets(pop, c)], boxes
        # Its tip points at the incident: level with it across, between it and the popup's body.
        assert abs((tip[0] + tip[2]) / 2 - (mark[0] + mark[2]) / 2) <= 3, boxes
        if up:
            assert mark[1] < tip[1] and tip[3] <= pop[1] + 2, boxes  # below the incident
        else:
            assert pop[3] - 2 <= tip[1] and tip[3] > mark[1], boxes  # above it, as usual
    finally:
        session.close()


# The link's centre that puts the selected incident on the middle of the zoom-out button
# (in the map as it is now: the incident at its centre).
_CENTRE_UNDER_ZOOM_OUT = """() => {
    const map = window.map, edge = map.getContainer().getBoundingClientRect();
    const r = document.querySelector('.leaflet-control-zoom-out').getBoundingClientRect();
    const at = L.point(r.left - edge.left + r.width / 2, r.top - edge.top + r.height / 2);
    const mark = map.latLngToContainerPoint(window.__iaSelected.getLatLng());
    const c = map.containerPointToLatLng(map.getSize().divideBy(2).add(mark.subtract(at)));
    return [c.lat.toFixed(4), c.lng.toFixed(4)];
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=lambda v: f"{v[0]}x{v[1]}")
def test_a_link_that_puts_its_incident_under_the_zoom_buttons_moves_the_buttons_not_the_view(
    browser, bundled_app_url, viewport
):
    """A link centred so that its incident lies under the zoom buttons opened with the incident hidden
    (on a phone the buttons covered it whole). The view is the link's, so the buttons give way."""
    session = _session(browser, bundled_app_url, viewport)
    try:
        frame = _open_revealed(session, BALAD[1], BALAD[2])
        _settled(session)
        lat, lon = frame.evaluate(_CENTRE_UNDER_ZOOM_OUT)
    finally:
        session.close()
    session = _session(browser, bundled_app_url, viewport)
    try:
        frame = _open_revealed(session, lat, lon)
        link = _settled(session)
        assert _view(link) == (lat, lon, "9") == _on_screen(session)  # the link's view, kept
        boxes = frame.evaluate(_POPUP_BOXES)
        mark, edge = boxes["marker"], boxes["map"]
        assert edge[0] <= mark[0] and edge[1] <= mark[1] and mark[2] <= edge[2] and mark[3] <= edge[3], boxes
        assert not [c for c in boxes["controls"] if _meets(mark, c)], boxes
        # The buttons are still there, whole and inside the map (on its other side).
        zoom = frame.evaluate(
            "() => { const r = document.querySelector('.leaflet-control-zoom').getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; }"
        )
        assert edge[0] <= zoom[0] < zoom[2] <= edge[2] and edge[1] <= zoom[1] < zoom[3] <= edge[3], (zoom, edge)
        session.element_screenshot(session.page.locator(MAP_IFRAME), f"30_link_under_zoom_{viewport[0]}")
    finally:
        session.close()
