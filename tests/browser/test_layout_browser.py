"""The map page as a journalist first meets it, at desktop, laptop and phone sizes (bundled data).

The map fills the first screen, a link to an incident that shares its site with
others shows that one incident (highlighted, its popup or the details sheet open),
and the page fetches no syntax highlighter (links are in copy boxes, not code blocks).
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from tests.browser.conftest import MAP_IFRAME, ROOT, Session, settled, shown_countries

pytestmark = pytest.mark.browser

VIEWPORTS = [(1440, 900), (1280, 800), (390, 844)]
HIGHLIGHTER = "SyntaxHighlighter"  # Streamlit's lazily loaded code-block bundle (~1.5 MB)


def _stacked_incident() -> str:
    """The first bundled incident whose coordinates another bundled incident shares."""
    with open(ROOT / "data" / "incidents.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sites = Counter((r["lat"], r["lon"]) for r in rows)
    return next(r["id"] for r in rows if sites[(r["lat"], r["lon"])] > 1)


STACKED = _stacked_incident()


@pytest.fixture(params=VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def sized(request, browser, bundled_app_url):
    s = Session(browser, bundled_app_url, viewport=request.param)
    yield s, request.param
    s.close()


def _visible_map_height(session: Session, height: int) -> float:
    box = session.page.locator(MAP_IFRAME).bounding_box()
    return max(0.0, min(box["y"] + box["height"], height) - max(box["y"], 0.0))


def test_the_map_fills_the_first_screen(sized):
    session, (width, height) = sized
    session.open("/")
    assert session.page.evaluate("() => window.scrollY") == 0
    visible = _visible_map_height(session, height)
    assert visible >= 0.6 * height, f"the map shows {visible:.0f} of {height} px"
    # The headline figures are one line beside or under the title, not four tall blocks.
    assert session.page.locator('[data-testid="stMetric"]').count() == 0
    # The data's period is read whole (on a phone it wraps; cut to one line it ended in "…").
    cover = session.page.locator(".st-key-ia_cover p").first
    assert cover.evaluate("p => p.scrollWidth <= p.clientWidth + 1"), cover.inner_text()
    # Under the header with the same small space at every width: wrapped under the title (1280 px) the
    # figures' box was 10 px tall and the coverage line sat against them (on a phone, on their second line).
    header = session.page.locator(".st-key-ia_head").evaluate(
        "h => Math.max(...Array.from(h.querySelectorAll('h1, p'), e => e.getBoundingClientRect().bottom))"
    )
    assert 3 <= cover.bounding_box()["y"] - header <= 12, (cover.bounding_box(), header)
    map_box = session.page.locator(MAP_IFRAME).bounding_box()
    assert map_box["y"] >= cover.bounding_box()["y"] + cover.bounding_box()["height"] - 1  # not under the map
    assert map_box["y"] + map_box["height"] <= height + 1  # and the map still ends on the first screen
    session.page.screenshot(path=str(session.screenshot(f"15_map_{width}x{height}")))  # the first screen only
    assert not [u for u in session.requests if HIGHLIGHTER in u]
    title, figures = (session.page.locator(f".st-key-ia_head {s}").first.bounding_box() for s in ("h1", "p"))
    if figures["x"] >= title["x"] + title["width"]:  # beside the title: on its line (they floated above it)
        assert abs((figures["y"] + figures["height"]) - (title["y"] + title["height"])) < 12
    else:  # wrapped: right under it, flush left
        assert abs(figures["x"] - title["x"]) < 2 and figures["y"] >= title["y"] + title["height"] - 2


def test_a_link_to_a_stacked_incident_shows_it_highlighted_and_open(sized):
    session, (width, height) = sized
    session.page.goto(session.app_url + f"/?sel={STACKED}")
    frame = session.map_frame()
    # Highlighted, and spread out of the cluster it shares with the other incidents at its site.
    frame.wait_for_function(
        "id => { const m = window.__iaSelected; return m && m._icon && m._icon.classList.contains('ia-sel')"
        " && m.feature.properties.i === id && m._map; }",
        arg=STACKED, timeout=30_000,
    )  # fmt: skip
    assert frame.locator(".leaflet-marker-pane .ia-mk.ia-sel").count() == 1
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-marker-pane .ia-mk').length") > 1
    # markercluster keeps a spread-out marker's own position here while it is spiderfied.
    assert frame.evaluate("() => !!window.__iaSelected._preSpiderfyLatlng")
    session.wait_idle()
    if width >= 500:
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert f"#{STACKED}" in popup.inner_text()
    else:  # a phone: the details sheet over the lower map holds the same, with the permalink
        sheet = session.page.locator(".st-key-ia_sheet")
        sheet.wait_for(timeout=10_000)
        box = sheet.bounding_box()
        assert box["y"] >= 0.5 * height and box["y"] + box["height"] <= height + 1
        assert STACKED in sheet.inner_text()
        assert frame.locator(".leaflet-popup").count() == 0  # no popup over the map too
        # and the incident above it: drawn at the map's centre, it sat at the sheet's top edge, half under it.
        frame.wait_for_timeout(500)
        marker = frame.locator(".leaflet-marker-pane .ia-mk.ia-sel").bounding_box()  # in the page's viewport
        assert marker["y"] + marker["height"] <= box["y"] - 10, (marker, box)
    assert _visible_map_height(session, height) >= 0.6 * height
    if width >= 500:
        # The whole popup (its top row, its tip) lies inside the map, also after the page settled,
        assert_popup_inside_the_map(session, frame)
    # Taken once Leaflet's pan has ended: a picture taken mid-pan showed the popup cut off.
    session.page.screenshot(path=str(session.screenshot(f"15_stacked_{width}x{height}")))
    if width >= 500:
        # and when the map's frame gets shorter while the popup is open (the page's CSS sizes it:
        # Leaflet keeps the map's centre, which moved a popup near the top edge above it).
        session.page.set_viewport_size({"width": width, "height": height - 120})
        assert_popup_inside_the_map(session, frame)
    assert not [u for u in session.requests if HIGHLIGHTER in u]


def assert_popup_inside_the_map(session: Session, frame, selector: str = ".leaflet-popup") -> None:
    """The open popup's (or tooltip's) box lies inside the map's frame (Leaflet pans a popup into view
    with an animation: on a busy machine the first measurement can come before the pan has ended)."""
    map_box = session.page.locator(MAP_IFRAME).bounding_box()
    popup = frame.locator(selector)

    def outside() -> list[str]:
        box = popup.bounding_box()
        sides = {
            "left": box["x"] - map_box["x"], "top": box["y"] - map_box["y"],
            "right": map_box["x"] + map_box["width"] - (box["x"] + box["width"]),
            "bottom": map_box["y"] + map_box["height"] - (box["y"] + box["height"]),
        }  # fmt: skip
        return [f"{side} by {-gap:.0f} px" for side, gap in sides.items() if gap < -1]

    for _ in range(50):
        if not outside():
            break
        session.page.wait_for_timeout(100)
    assert not outside(), f"the popup sticks out of the map: {outside()}"


def test_on_a_phone_a_tap_shows_the_details_sheet_not_a_popup(browser, bundled_app_url):
    """On a phone the sheet over the lower map holds the details: a popup too covered the rest of
    the map (and went under the sheet and the map's buttons) with the same text."""
    session = Session(browser, bundled_app_url, viewport=(390, 844))
    try:
        session.open("/")
        frame = session.map_frame()
        # The lone markers (not in a cluster) of the bundled data: tap one.
        marker = frame.locator(".leaflet-marker-pane .ia-mk").first
        centre = frame.evaluate("() => window.map.getCenter()")
        marker.click()
        sheet = session.page.locator(".st-key-ia_sheet")
        sheet.wait_for(timeout=30_000)
        assert frame.locator(".leaflet-marker-pane .ia-mk.ia-sel").count() == 1
        assert frame.locator(".leaflet-popup").count() == 0
        # No pan for a popup: the map moves only up, to keep the tapped incident above the sheet
        # (it went under it when tapped low on the map).
        assert abs(frame.evaluate("() => window.map.getCenter().lng") - centre["lng"]) < 0.05
        frame.wait_for_timeout(600)  # the pan's animation
        box, sheet_top = frame.locator(".leaflet-marker-pane .ia-mk.ia-sel").bounding_box(), sheet.bounding_box()["y"]
        assert box["y"] + box["height"] <= sheet_top - 10, (box, sheet_top)
        # A wide map still opens it, inside the map.
        session.page.set_viewport_size({"width": 1280, "height": 800})
        session.wait_idle()
        frame.locator(".leaflet-marker-pane .ia-mk.ia-sel").click()
        frame.locator(".leaflet-popup-content").wait_for(timeout=10_000)
        assert_popup_inside_the_map(session, frame)
    finally:
        session.close()


def test_on_a_phone_the_end_of_the_page_scrolls_out_from_under_the_details_sheet(browser, bundled_app_url):
    """The sheet is fixed over the lower screen while an incident is shown: scrolled to the end, the
    timeline's buttons lay under it, out of reach until the reader cleared the selection."""
    session = Session(browser, bundled_app_url, viewport=(390, 844), touch=True)
    try:
        session.open(f"/?sel={STACKED}")
        sheet = session.page.locator(".st-key-ia_sheet")
        later = session.page.get_by_role("button", name="Later")
        later.wait_for(timeout=30_000)  # the timeline comes a second after the map
        main = session.page.locator('[data-testid="stMain"]')
        session.page.wait_for_function(  # scrolled to the very end (again, should the page still grow)
            "([b, s, m]) => { m.scrollTop = m.scrollHeight;"
            "  return b.getBoundingClientRect().bottom <= s.getBoundingClientRect().top; }",
            arg=[later.element_handle(), sheet.element_handle(), main.element_handle()], timeout=5_000,
        )
        session.screenshot("29_phone_sheet_page_end")
    finally:
        session.close()


def test_on_a_phone_a_long_tooltip_wraps_inside_the_map(browser, bundled_app_url):
    """A tap shows the marker's tooltip; one line of "type — place" ran off both sides of the map."""
    session = Session(browser, bundled_app_url, viewport=(390, 844))
    try:
        session.open("/")
        frame = session.map_frame()
        markers = frame.locator(".leaflet-marker-pane .ia-mk")
        assert markers.count() >= 2  # the lone ones (the others are in clusters)
        for i in range(markers.count()):
            markers.nth(i).hover()
            frame.locator(".leaflet-tooltip").wait_for(timeout=5_000)
            assert_popup_inside_the_map(session, frame, ".leaflet-tooltip")
            session.page.mouse.move(1, 1)  # off the map: the tooltip closes
            frame.locator(".leaflet-tooltip").wait_for(state="detached", timeout=5_000)
    finally:
        session.close()


def test_the_copy_button_puts_the_permalink_on_the_clipboard(browser, bundled_app_url):
    session = Session(browser, bundled_app_url, viewport=(1440, 900))
    session.context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        session.open(f"/?sel={STACKED}")
        box = session.page.locator(".st-key-ia_sheet .ia-copy")
        assert box.locator("input").input_value().endswith(f"/?sel={STACKED}")
        box.locator("button").click()
        session.page.wait_for_function("b => b.textContent === 'Copied'", arg=box.locator("button").element_handle())
        assert session.page.evaluate("navigator.clipboard.readText()").endswith(f"/?sel={STACKED}")
    finally:
        session.close()


def test_the_details_heading_is_one_line_and_the_date_whole_at_laptop_width(browser, bundled_app_url):
    session = Session(browser, bundled_app_url, viewport=(1280, 800))
    try:
        session.open(f"/?sel={STACKED}")
        heading = session.page.locator(".st-key-ia_sheet h4").first
        heading.wait_for(timeout=30_000)
        line = float(heading.evaluate("h => parseFloat(getComputedStyle(h).lineHeight) || 1.2 * parseFloat(getComputedStyle(h).fontSize)"))
        assert heading.bounding_box()["height"] < 1.6 * line, "the heading wraps"
        date = session.page.locator(".st-key-ia_sheet strong").first
        assert date.bounding_box()["height"] < 40 and len(date.inner_text()) >= 10  # 2020-01-08 on one line
        # Still beside the map, not under it.
        assert date.bounding_box()["x"] > session.page.locator(MAP_IFRAME).bounding_box()["x"] + 300
    finally:
        session.close()


def _gazetteer_map(session: Session, ready: str):
    """The Gazetteer page's map frame, once its map exists and the JS condition ``ready`` holds."""
    session.page.goto(session.app_url + "/Gazetteer")
    iframe = session.page.locator(".st-key-ia_gaz_map iframe")
    iframe.wait_for(timeout=60_000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function(f"() => window.map && {ready}")
    session.wait_idle()
    return frame


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_gazetteer_map_opens_on_every_listed_site(browser, bundled_app_url, viewport):
    """It opened on the incident map's view of Iraq and Syria: the Gulf and Jordan sites were off screen."""
    with open(ROOT / "gazetteer.csv", newline="", encoding="utf-8") as f:
        sites = [(r["id"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]
    assert min(lon for _, _, lon in sites) < 37 and max(lon for _, _, lon in sites) > 50  # Jordan to the Gulf
    session = Session(browser, bundled_app_url, viewport=viewport)
    try:
        frame = _gazetteer_map(session, "document.querySelectorAll('.leaflet-overlay-pane path').length > 60")
        outside = frame.evaluate(
            "sites => sites.filter(s => !window.map.getBounds().contains([s[1], s[2]])).map(s => s[0])", sites
        )
        assert outside == []
    finally:
        session.close()


def test_on_a_phone_the_gazetteer_map_is_on_the_first_screen(browser, bundled_app_url):
    session = Session(browser, bundled_app_url, viewport=(390, 844))
    try:
        session.page.goto(session.app_url + "/Gazetteer")
        frame = session.page.locator(".st-key-ia_gaz_map iframe")
        frame.wait_for(timeout=60_000)
        session.wait_idle()
        box = frame.bounding_box()
        assert box["y"] + 0.5 * box["height"] < 844, f"the map starts at y={box['y']:.0f}"
        session.page.screenshot(path=str(session.screenshot("15_gazetteer_390x844")))
    finally:
        session.close()


# Country names drawn in full over one of the Gazetteer's site dots (a faded name lets the dot show through).
_NAMES_OVER_DOTS_JS = """() => {
    const dots = Array.from(document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive'),
                            d => d.getBoundingClientRect()).filter(d => d.width);
    return Array.from(document.querySelectorAll('.ia-country'))
        .filter(e => getComputedStyle(e).visibility !== 'hidden' && +getComputedStyle(e).opacity > 0.5)
        .filter(e => { const r = e.getBoundingClientRect();
            return dots.some(d => r.left < d.right && r.right > d.left && r.top < d.bottom && r.bottom > d.top); })
        .map(e => e.textContent);
}"""


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=lambda v: f"{v[0]}x{v[1]}")
def test_no_country_name_lies_over_a_gazetteer_dot(browser, bundled_app_url, viewport):
    """IRAQ, SYRIA and LEBANON lay over site dots where no nearby place was free: such a name now
    moves further, or fades so the dots show through it (it is still there to read)."""
    session = Session(browser, bundled_app_url, viewport=viewport)
    try:
        frame = _gazetteer_map(session, "document.querySelectorAll('.leaflet-overlay-pane path').length > 60")
        assert settled(frame, _NAMES_OVER_DOTS_JS) == []
        assert {"Iraq", "Syria"} <= shown_countries(frame)
        session.element_screenshot(session.page.locator(".st-key-ia_gaz_map iframe"), f"31_gazetteer_names_{viewport[0]}")
        frame.evaluate("() => window.map.zoomIn(1, {animate: false})")
        assert settled(frame, _NAMES_OVER_DOTS_JS) == []
    finally:
        session.close()


LEGEND_SHARE = 0.13  # of the map's area, at most (open, it covered about a fifth at 1280×800)


def test_the_legend_leaves_the_map_readable(sized):
    """Open, the legend covered 356×204 px of a 578×657 map at 1280×800: southern Iraq, where
    most incidents are. It is laid out tighter and starts folded where it would still cover too much."""
    session, (width, height) = sized
    session.open("/")
    frame = session.map_frame()
    legend = frame.locator(".ia-legend")
    legend.wait_for()
    box = legend.bounding_box()
    map_box = session.page.locator(MAP_IFRAME).bounding_box()
    share = box["width"] * box["height"] / (map_box["width"] * map_box["height"])
    assert share <= LEGEND_SHARE, f"the legend covers {share:.1%} of the map"
    details = frame.locator(".ia-legend details")
    if width >= 1440:  # a desktop's map has room for it open (a 1280×800 laptop's starts it folded)
        assert details.evaluate("d => d.open") is True
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()  # one click away, and open it is still compact
        assert details.evaluate("d => d.open") is True
    opened = legend.bounding_box()
    assert opened["width"] <= 330 and opened["height"] <= 175, opened
    for row in frame.locator(".ia-legend .ia-row").all():  # no label cut short
        assert row.evaluate("r => r.scrollWidth <= r.clientWidth + 1"), row.inner_text()
    session.page.screenshot(path=str(session.screenshot(f"16_legend_{width}x{height}")))


_OVERLAPS_JS = """() => {
    const boxes = Array.from(document.querySelectorAll('.ia-country'))
        .filter(e => getComputedStyle(e).visibility !== 'hidden')
        .map(e => [e.textContent, e.getBoundingClientRect()]);
    const out = [];
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
        if (r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top) out.push(a + '/' + b);
    }));
    return out;
}"""


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=lambda v: f"{v[0]}x{v[1]}")
def test_country_names_never_run_into_each_other(browser, bundled_app_url, viewport):
    """Zoomed out, the Gazetteer map read "ISRAELJORDAN" and "LEBANON" over "SYRIA"."""
    session = Session(browser, bundled_app_url, viewport=viewport)
    try:
        frame = _gazetteer_map(session, "document.querySelectorAll('.ia-country').length > 5")
        assert settled(frame, _OVERLAPS_JS) == []
        assert {"Iraq", "Syria"} <= shown_countries(frame)  # the names that matter most stay
        frame.evaluate("() => window.map.zoomOut(1, {animate: false})")
        assert settled(frame, _OVERLAPS_JS) == []
    finally:
        session.close()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_scale_bar_and_the_credits_do_not_overlap(browser, bundled_app_url, viewport):
    """At 16px (the component's 1rem) the credits line ran into the scale bar on a phone."""
    session = Session(browser, bundled_app_url, viewport=viewport)
    try:
        session.open("/")
        frame = session.map_frame()
        scale, credits = (frame.locator(s).bounding_box() for s in (".leaflet-control-scale", ".leaflet-control-attribution"))
        apart = (scale["x"] + scale["width"] <= credits["x"] or scale["y"] + scale["height"] <= credits["y"])
        assert apart, (scale, credits)
        assert frame.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.leaflet-control-attribution')).fontSize)") <= 12
    finally:
        session.close()


def _box(frame, selector: str) -> dict:
    return frame.locator(selector).bounding_box()


def _meet(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and (
        b["y"] < a["y"] + a["height"]
    )


@pytest.fixture(params=[(1280, 800), (390, 844)], ids=lambda v: f"{v[0]}x{v[1]}")
def opened(request, browser, bundled_app_url):
    """(a session on the map page at a laptop's or a phone's size (with touch), its map frame, the size)."""
    s = Session(browser, bundled_app_url, viewport=request.param, touch=request.param[0] < 500)
    s.open("/")
    yield s, s.map_frame(), request.param
    s.close()


def test_the_legend_opened_by_hand_leaves_the_scale_bar_readable(opened):
    """On a phone the open legend (about 305 px of a 358 px map) lay over the scale bar in the lower left."""
    session, frame, (width, height) = opened
    details = frame.locator(".ia-legend details")
    details.wait_for()
    assert details.evaluate("d => d.open") is False  # both widths start it folded
    details.locator("summary").click()
    assert details.evaluate("d => d.open") is True
    frame.wait_for_timeout(300)
    legend, scale, map_box = (_box(frame, s) for s in (".ia-legend", ".leaflet-control-scale", ".leaflet-container"))
    assert not _meet(legend, scale), (legend, scale)
    assert legend["y"] >= map_box["y"] and legend["y"] + legend["height"] <= map_box["y"] + map_box["height"]
    # The credits stay under it, and the names on the map keep off it where it now is.
    assert not _meet(legend, _box(frame, ".leaflet-control-attribution"))
    assert frame.evaluate(_CONTROL_NAMES_JS) == []
    session.element_screenshot(session.page.locator(MAP_IFRAME), f"16_legend_open_scale_{width}x{height}")
    details.locator("summary").click()  # folded again: back in its corner
    frame.wait_for_timeout(300)
    assert not _meet(_box(frame, ".ia-legend"), scale)


_CONTROL_NAMES_JS = """() => {
    const controls = Array.from(document.querySelectorAll('.leaflet-control'), c => c.getBoundingClientRect());
    return Array.from(document.querySelectorAll('.ia-country'))
        .filter(e => getComputedStyle(e).visibility !== 'hidden')
        .filter(e => { const r = e.getBoundingClientRect();
            return controls.some(s => r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top); })
        .map(e => e.textContent);
}"""

# Names under or touching (within 2 px of) an incident marker or a count: "IRAQ" sat against the Baghdad cluster.
_NAMES_UNDER_MARKERS_JS = """() => {
    const marks = Array.from(document.querySelectorAll('.leaflet-marker-pane .ia-mk, .leaflet-marker-pane .ia-bin-c'),
                             m => m.getBoundingClientRect()).filter(m => m.width)
        .map(m => ({left: m.left - 2, right: m.right + 2, top: m.top - 2, bottom: m.bottom + 2}));
    return Array.from(document.querySelectorAll('.ia-country, .ia-place'))
        .filter(e => getComputedStyle(e).visibility !== 'hidden')
        .filter(e => { const r = e.getBoundingClientRect();
            return marks.some(m => r.left < m.right && r.right > m.left && r.top < m.bottom && r.bottom > m.top); })
        .map(e => e.textContent);
}"""


def test_at_the_opening_view_no_name_lies_under_a_marker(opened):
    """On a phone "IRAQ" lay under the Baghdad cluster of the opening view: a name moves off the markers."""
    session, frame, (width, height) = opened
    assert settled(frame, _NAMES_UNDER_MARKERS_JS) == []
    assert {"Iraq", "Syria"} <= shown_countries(frame)
    assert frame.evaluate(_CONTROL_NAMES_JS) == []
    session.element_screenshot(session.page.locator(MAP_IFRAME), f"15_names_off_markers_{width}x{height}")
    # Zoomed in on Baghdad the place names keep off the markers too.
    frame.evaluate("() => window.map.setView([33.3, 44.3], 8, {animate: false})")
    assert settled(frame, _NAMES_UNDER_MARKERS_JS) == []


_UNDER_LEGEND_JS = """() => {
    const d = document.querySelector('.ia-legend details');
    if (!d.open) { return []; }
    const l = document.querySelector('.ia-legend').getBoundingClientRect();
    return Array.from(document.querySelectorAll('.leaflet-marker-pane .ia-mk, .leaflet-marker-pane .ia-clu'))
        .map(e => e.getBoundingClientRect())
        .filter(m => m.width && m.left < l.right && l.left < m.right && m.top < l.bottom && l.top < m.bottom)
        .map(m => [m.left, m.top]);
}"""


@pytest.mark.parametrize("viewport", [(1440, 900), (1280, 800)], ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_open_legend_never_hides_an_incident(browser, bundled_app_url, viewport):
    """Open at 1440×900, the legend sat over the map's south-east corner (Kuwait, the Gulf):
    an incident there was hidden. With a marker under it after a move, it folds to its button;
    opened by hand it stays open (the reader's choice)."""
    session = Session(browser, bundled_app_url, viewport=viewport)
    try:
        session.open("/")
        frame = session.map_frame()
        details = frame.locator(".ia-legend details")
        details.wait_for()
        if not details.evaluate("d => d.open"):  # a laptop's map starts it folded: the reader opens it
            details.locator("summary").click()
        assert frame.evaluate(_UNDER_LEGEND_JS) == []
        # Bring the first incident marker to the legend's middle.
        frame.evaluate(
            """() => {
                const l = document.querySelector('.ia-legend').getBoundingClientRect();
                const m = document.querySelector('.leaflet-marker-pane .ia-mk, .leaflet-marker-pane .ia-clu')
                    .getBoundingClientRect();
                window.map.panBy([(m.left + m.right - l.left - l.right) / 2, (m.top + m.bottom - l.top - l.bottom) / 2],
                                 {animate: false});
            }"""
        )
        frame.wait_for_timeout(600)
        if viewport[0] >= 1440:  # opened by the app: it folds off the incident
            frame.wait_for_function("() => !document.querySelector('.ia-legend details').open", timeout=5000)
            assert frame.evaluate(_UNDER_LEGEND_JS) == []
            session.element_screenshot(session.page.locator(MAP_IFRAME), "17_legend_folds_over_an_incident")
            details.locator("summary").click()  # the reader opens it again: it stays open after a move
            frame.evaluate("() => window.map.panBy([5, 5], {animate: false})")
        frame.wait_for_timeout(600)
        assert details.evaluate("d => d.open") is True  # opened by hand: left open
    finally:
        session.close()
