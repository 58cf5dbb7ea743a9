"""The map on a touch screen: one finger scrolls the page past the map, two fingers move the map.

The map is as wide as a phone and most of its height, so when a one-finger swipe panned
it the timeline and the downloads below it were out of reach. The gestures are touch
input sent through Chromium's DevTools protocol (``Input.dispatchTouchEvent``: the browser
turns it into scrolling by its own gesture handling and ``touch-action``, as for a finger;
its ``synthesizeScrollGesture`` scrolls nothing with touch in headless Chromium), on a
phone-sized page with touch emulation.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import MAP_IFRAME, Session
from ui.maplayers import GESTURE_HINT

pytestmark = pytest.mark.browser

PHONE = (390, 844)
MAIN_SCROLL = "() => document.querySelector('[data-testid=stMain]').scrollTop"


@pytest.fixture
def phone(browser, bundled_app_url):
    s = Session(browser, bundled_app_url, viewport=PHONE, touch=True)
    yield s
    s.close()


def _centre(frame) -> tuple[float, float]:
    c = frame.evaluate("() => window.map.getCenter()")
    return round(c["lat"], 5), round(c["lng"], 5)


def _map_middle(session: Session) -> tuple[float, float]:
    box = session.page.locator(MAP_IFRAME).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y} for x, y in points]})


def _swipe(session: Session, cdp, points: list[tuple[float, float]], dx: float, dy: float, steps: int = 15) -> None:
    """Fingers down at ``points``, moved together by (dx, dy) at about 60 moves a second, lifted."""
    _touch(cdp, "touchStart", points)
    for step in range(1, steps + 1):
        _touch(cdp, "touchMove", [(x + dx * step / steps, y + dy * step / steps) for x, y in points])
        session.page.wait_for_timeout(16)
    _touch(cdp, "touchEnd", [])
    session.page.wait_for_timeout(500)  # a fling or the map's inertia settles


def test_a_one_finger_swipe_over_the_map_scrolls_the_page_and_leaves_the_map(phone):
    phone.open("/")
    frame = phone.map_frame()
    before = _centre(frame)
    assert phone.page.evaluate(MAIN_SCROLL) == 0
    x, y = _map_middle(phone)
    cdp = phone.context.new_cdp_session(phone.page)
    _swipe(phone, cdp, [(x, y + 150)], 0, -300)
    assert phone.page.evaluate(MAIN_SCROLL) >= 200, "the page did not scroll"
    assert _centre(frame) == before, "the swipe panned the map"
    # The timeline below the map is now on screen.
    chart = phone.page.locator('[data-testid="stVegaLiteChart"]').first
    assert chart.bounding_box()["y"] < PHONE[1]


def test_one_finger_on_the_map_shows_the_two_finger_hint(phone):
    phone.open("/")
    frame = phone.map_frame()
    x, y = _map_middle(phone)
    cdp = phone.context.new_cdp_session(phone.page)
    _touch(cdp, "touchStart", [(x, y)])
    _touch(cdp, "touchMove", [(x, y - 30)])
    container = frame.locator(".leaflet-container")
    assert container.get_attribute("data-gesture-handling-touch-content") == GESTURE_HINT
    frame.wait_for_function("() => document.querySelector('.leaflet-gesture-handling-touch-warning')")
    phone.page.screenshot(path=str(phone.screenshot("16_touch_hint_390x844")))
    _touch(cdp, "touchEnd", [])
    frame.wait_for_function("() => !document.querySelector('.leaflet-gesture-handling-touch-warning')")


def test_two_fingers_and_the_buttons_still_move_the_map(phone):
    phone.open("/")
    frame = phone.map_frame()
    x, y = _map_middle(phone)
    cdp = phone.context.new_cdp_session(phone.page)
    for _ in range(2):  # twice: the first gesture must not leave one-finger dragging on
        before = _centre(frame)
        _swipe(phone, cdp, [(x - 40, y), (x + 40, y)], 120, 100)
        frame.wait_for_function("c => { const m = window.map.getCenter(); return m.lat !== c[0] || m.lng !== c[1]; }",
                                arg=list(before), timeout=10_000)  # fmt: skip
        assert phone.page.evaluate(MAIN_SCROLL) == 0
        assert frame.evaluate("() => window.map.dragging.enabled()") is False
    # A one-finger swipe after them still scrolls the page.
    _swipe(phone, cdp, [(x, y + 150)], 0, -300)
    assert phone.page.evaluate(MAIN_SCROLL) >= 200
    phone.page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    phone.page.wait_for_timeout(300)
    zoom = frame.evaluate("() => window.map.getZoom()")
    frame.locator(".leaflet-control-zoom-in").tap()
    frame.wait_for_function("z => window.map.getZoom() === z + 1", arg=zoom)


def test_a_mouse_still_drags_the_map(browser, bundled_app_url):
    session = Session(browser, bundled_app_url, viewport=(1280, 800))
    try:
        session.open("/")
        frame = session.map_frame()
        before = _centre(frame)
        x, y = _map_middle(session)
        session.page.mouse.move(x, y)
        session.page.mouse.down()
        session.page.mouse.move(x + 120, y + 60, steps=8)
        session.page.mouse.up()
        frame.wait_for_function("c => { const m = window.map.getCenter(); return m.lat !== c[0] || m.lng !== c[1]; }",
                                arg=list(before), timeout=10_000)  # fmt: skip
    finally:
        session.close()


def test_after_a_tap_on_a_marker_one_finger_still_scrolls_the_page(phone):
    """A tap is followed by emulated mouse events; the plugin's own mouseover hook turned dragging
    on with them, and the next one-finger swipe panned the map again."""
    phone.open("/")
    frame = phone.map_frame()
    frame.locator(".leaflet-marker-pane .ia-mk").first.tap()
    phone.page.locator(".st-key-ia_sheet").wait_for(timeout=30_000)  # the details sheet over the lower map
    phone.wait_idle()
    # The sheet has the details: the tap's tooltip is not left open on the map as well (it stayed,
    # its date under the map's buttons).
    assert frame.locator(".leaflet-tooltip").count() == 0
    before = _centre(frame)
    box = phone.page.locator(MAP_IFRAME).bounding_box()
    cdp = phone.context.new_cdp_session(phone.page)
    _swipe(phone, cdp, [(box["x"] + box["width"] / 2, box["y"] + 0.3 * box["height"])], 0, -150)
    assert phone.page.evaluate(MAIN_SCROLL) >= 80, "the page did not scroll"
    assert _centre(frame) == before, "the swipe panned the map"
