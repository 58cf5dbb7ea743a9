"""The other pages in headless Chromium: Incidents table, Gazetteer, About."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TILE_HOST, Session, serve, settled
from tests.ui.seed import INCIDENTS, seed_store, store_env

pytestmark = pytest.mark.browser


def test_incidents_page_shows_the_table_and_links_back_to_the_map(session, app_url):
    page = session.page
    page.goto(f"{app_url}/Incidents?type=rocket")
    page.locator('[data-testid="stDataFrame"]').wait_for(timeout=60_000)
    session.wait_idle()
    link = page.get_by_role("link", name="Open these filters on the map")
    assert "type=rocket" in link.get_attribute("href")
    assert session.headline_count() == 3
    # As tall as its three rows and header: no column of empty rows under them (it was 560 px).
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert grid["height"] < 4 * 40, grid
    session.screenshot("07_incidents_table")
    link.click()
    session.wait_for_markers(3)
    assert "type=rocket" in page.url
    # Nothing but the app and the configured tile host (its one probed tile, aborted here).
    leaving = [u for u in session.requests if not u.startswith((app_url, "data:", "blob:", "about:", TILE_HOST + "/"))]
    assert leaving == [], leaving


_KUWAIT_UNDER_A_DOT = """() => {
    const dots = Array.from(document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive'),
                            d => d.getBoundingClientRect());
    return Array.from(document.querySelectorAll('.ia-country'))
        .filter(e => e.textContent === 'Kuwait' && getComputedStyle(e).visibility !== 'hidden')
        .filter(e => { const r = e.getBoundingClientRect();
                       return dots.some(d => r.left < d.right && d.left < r.right && r.top < d.bottom && d.top < r.bottom); })
        .map(e => e.textContent);
}"""


def test_gazetteer_page_maps_sites_and_tries_a_name(session, app_url):
    page = session.page
    page.goto(f"{app_url}/Gazetteer")
    frame = session.map_frame()
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length > 60")
    # A country's name under a site's dot moves to a free side ("KUWAIT" lay under one). Iraq, Syria
    # and Lebanon are dotted all over at this zoom: their names stay, drawn over the dots.
    under = settled(frame, _KUWAIT_UNDER_A_DOT)
    assert under == [], under
    box = page.get_by_label("Try a name")
    box.fill("Ayn al Asad")
    box.press("Enter")
    page.get_by_text("Ain al-Asad Air Base", exact=False).first.wait_for(timeout=30_000)
    session.wait_idle()
    session.screenshot("08_gazetteer")


def test_about_page(session, app_url):
    page = session.page
    page.goto(f"{app_url}/About")
    page.get_by_role("heading", name="Location precision codes").wait_for(timeout=60_000)
    session.wait_idle()
    session.screenshot("09_about")


def test_the_page_menu_names_the_map_page_map(session, app_url):
    page = session.page
    page.goto(f"{app_url}/Incidents")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for(timeout=60_000)
    labels = [t.strip() for t in nav.locator("a").all_inner_texts()]
    assert labels[:3] == ["Map", "Incidents", "Gazetteer"] and "About" in labels and "app" not in labels
    nav.get_by_text("Map", exact=True).click()
    session.wait_for_markers()
    assert session.headline_count() == len(INCIDENTS)


@pytest.fixture
def fresh_app_url(tmp_path, chromium_path):
    """A server process nobody has opened yet: its first run is the one a shared link gets."""
    env = {**store_env(tmp_path), "GEO_CACHE_DIR": str(tmp_path / "cache")}
    seed_store(env)
    yield from serve(tmp_path, env)


@pytest.mark.parametrize("path", ["/Import", "/About"])
def test_a_link_to_a_page_on_a_fresh_server_shows_the_real_menu(browser, fresh_app_url, path):
    # Streamlit starts in its pages-folder mode, whose automatic menu calls the map "app";
    # ui.common.page_setup leaves it on the first run, so the menu settles on our names.
    session = Session(browser, fresh_app_url)
    try:
        session.page.goto(fresh_app_url + path)
        nav = session.page.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text("Map", exact=True).wait_for(timeout=60_000)
        labels = [t.strip() for t in nav.locator("a").all_inner_texts()]
        assert labels[:3] == ["Map", "Incidents", "Gazetteer"] and "app" not in labels, labels
        assert session.page.url == fresh_app_url + path
        assert session.page.get_by_role("heading", level=1).first.inner_text() != "Incident Atlas"  # not the map
    finally:
        session.close()


@pytest.fixture
def about(request, browser, bundled_app_url):
    """(session, the first field meaning) on the About page of the bundled data at ``request.param``'s size."""
    session = Session(browser, bundled_app_url, viewport=request.param)
    session.page.goto(f"{bundled_app_url}/About")
    meaning = session.page.get_by_text("Stable identifier derived from date, place and event type")
    meaning.wait_for(timeout=60_000)
    session.wait_idle()
    yield session, meaning
    session.close()


@pytest.mark.parametrize("about", [(390, 844)], indirect=True, ids=["390x844"])
def test_on_a_phone_the_about_tables_show_every_meaning_whole(about):
    """The field meanings were in a data grid: one line per row, cut off at the phone's edge
    ("Stable identifier derived from date, place a"), and its toolbar covered the next heading."""
    session, meaning = about
    for table in session.page.locator('[data-testid="stTable"]').all():
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    box = meaning.bounding_box()
    assert box["x"] + box["width"] <= 390 and meaning.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    session.element_screenshot(session.page.locator('[data-testid="stTable"]').first, "17_about_fields_390x844")


@pytest.mark.parametrize("about", [(1440, 900)], indirect=True, ids=["1440x900"])
def test_on_a_desktop_the_about_meanings_use_the_page_width(about):
    """Each meaning wrapped at about 400 px (Streamlit's cap on a table cell's text) in a 780 px column."""
    session, meaning = about
    widths = session.page.locator('[data-testid="stTable"] td [data-testid="stMarkdownContainer"]').evaluate_all(
        "ms => ms.map(m => m.getBoundingClientRect().width)"
    )
    assert max(widths) > 600, widths  # the long meanings (the event types) run to the column's width
    assert meaning.evaluate("e => e.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(e).lineHeight)")
    session.element_screenshot(session.page.locator('[data-testid="stTable"]').first, "20_about_fields_1440x900")
