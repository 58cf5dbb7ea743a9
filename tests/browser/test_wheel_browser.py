"""The mouse wheel over any map of the app scrolls the page; Ctrl + wheel zooms the map.

A reader scrolling down a page with the pointer over a map got a zoomed map instead of the
page below it (the Ingest page's proposals, the Gazetteer's sites, the map page's map above
its timeline). Every map is built by ``ui.maplayers.base_map`` and behaves the same way: a
plain wheel is left to the browser and shows the hint, as embedded Google maps do.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import MAP_IFRAME, Session
from ui.maplayers import WHEEL_HINT

pytestmark = pytest.mark.browser

MAIN_SCROLL = "() => document.querySelector('[data-testid=stMain]').scrollTop"
REPORT = (
    "Three rockets struck the Ain al-Asad air base on Wednesday; nobody was hurt, a spokesman said.\n\n"
    "Hours later two drones were shot down near Erbil airport, Kurdish officials said."
)


def _open_map(session: Session, name: str):
    """The page's map frame, on a page with more below or above the map than the window holds."""
    if name == "map":
        session.open("/")
    elif name == "gazetteer":
        session.page.goto(session.app_url + "/Gazetteer")
    else:  # the proposals of a pasted report
        session.sign_in("/Ingest")
        session.page.get_by_label("Report text").fill(REPORT)
        # "Published" has no default (Extract asks for it): typed into its year, month and day segments.
        session.page.get_by_role("spinbutton", name="year, Published").focus()
        session.page.keyboard.type("20230511")
        session.page.keyboard.press("Escape")  # closes the calendar, if it opened over the button
        session.page.get_by_role("button", name="Extract incidents").click()
        session.page.locator(MAP_IFRAME).wait_for(timeout=60_000)
    frame = session.map_frame()
    session.wait_idle()
    session.page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    # The map has its final size and view (the Ingest and Gazetteer maps fit their points on resize).
    frame.wait_for_function("() => window.map.getSize().y > 200 && !window.map._animatingZoom")
    return frame


@pytest.mark.parametrize("name", ["map", "gazetteer", "ingest"])
def test_the_wheel_over_a_map_scrolls_the_page_and_ctrl_wheel_zooms_the_map(session, name):
    frame = _open_map(session, name)
    zoom = frame.evaluate("() => window.map.getZoom()")
    top = session.page.evaluate(MAIN_SCROLL)
    box = session.page.locator(MAP_IFRAME).bounding_box()
    session.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    session.page.mouse.wheel(0, -200 if top > 0 else 200)  # towards whichever end of the page is farther
    session.page.wait_for_function(f"() => ({MAIN_SCROLL})() !== {top}", timeout=10_000)
    container = frame.locator(".leaflet-container")
    assert container.get_attribute("data-gesture-handling-scroll-content") == WHEEL_HINT
    frame.wait_for_function("() => document.querySelector('.leaflet-gesture-handling-scroll-warning')")
    assert frame.evaluate("() => window.map.getZoom()") == zoom, "a plain wheel zoomed the map"
    if name == "ingest":
        session.element_screenshot(session.page.locator(MAP_IFRAME), "27_wheel_hint_ingest")

    scrolled = session.page.evaluate(MAIN_SCROLL)
    box = session.page.locator(MAP_IFRAME).bounding_box()
    session.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    session.page.keyboard.down("Control")
    session.page.mouse.wheel(0, -300)
    session.page.keyboard.up("Control")
    frame.wait_for_function(f"() => window.map.getZoom() > {zoom}", timeout=10_000)
    assert session.page.evaluate(MAIN_SCROLL) == scrolled, "Ctrl + wheel scrolled the page"
