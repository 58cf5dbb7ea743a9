"""What a journalist tripped over at phone, tablet and laptop widths (bundled data).

Each test failed before its fix: tables that scrolled sideways on a phone and a
grid toolbar over the line above it, a country name under the zoom buttons, a date
broken at its hyphen, a title under the top bar, a legend open over the south-east of a laptop's map.
"""

from __future__ import annotations

import csv

import pytest

from tests.browser.conftest import MAP_IFRAME, ROOT, Session, settled, shown_countries

pytestmark = pytest.mark.browser

PHONE = (390, 844)
TABLES = {"/Incidents": "Baghdad International Airport", "/Gazetteer": "Ain al-Asad Air Base"}
GRID = '[data-testid="stDataFrame"]'


@pytest.fixture
def sized(request, browser, bundled_app_url):
    s = Session(browser, bundled_app_url, viewport=request.param, touch=request.param[0] < 800)
    yield s
    s.close()


def _open_table_page(session: Session, path: str) -> None:
    session.page.goto(session.app_url + path)
    session.page.get_by_text(TABLES[path]).first.wait_for(state="attached", timeout=60_000)
    session.wait_idle()


@pytest.mark.parametrize("path", list(TABLES))
@pytest.mark.parametrize("sized", [PHONE], indirect=True, ids=["390x844"])
def test_on_a_phone_a_table_is_cards_that_never_scroll_sideways(sized, path):
    """The grid showed two and a half columns (date, date precision, half the type) and
    scrolled sideways for the place, the actor and the rest."""
    _open_table_page(sized, path)
    page = sized.page
    assert page.locator(GRID).evaluate_all("gs => gs.filter(g => g.getClientRects().length).length") == 0
    cards = page.locator(".ia-cards > ul > li")  # a card (its sources are a list in it)
    assert cards.count() >= 15
    first = cards.first
    first.wait_for()
    assert TABLES[path] in "\n".join(cards.all_inner_texts())
    for card in cards.all()[:20]:
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], box
        assert card.evaluate("c => c.scrollWidth <= c.clientWidth + 1"), card.inner_text()
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth") <= PHONE[0]
    if path == "/Incidents":  # who attributes each incident reads whole (cut in the grid at 1280 px)
        text = " ".join(" ".join(cards.all_inner_texts()).split())
        with open(ROOT / "data" / "incidents.csv", newline="", encoding="utf-8") as f:
            by = {r["attributed_by"] for r in csv.DictReader(f) if r["attributed_by"]}
        assert by and [b for b in by if f"by {b}" not in text] == []
    if path == "/Incidents":  # the card keeps the row's link to the map; no "click a column header to sort"
        assert page.get_by_text("Click a column header").is_hidden()
        href = first.get_by_role("link", name="Open on map").get_attribute("href")
        assert href.startswith("/?sel=")
    sized.element_screenshot(first, f"18_cards{path.replace('/', '_')}_390x844")


@pytest.mark.parametrize("path", list(TABLES))
@pytest.mark.parametrize("sized", [(768, 1024), (1280, 800)], indirect=True, ids=["768x1024", "1280x800"])
def test_the_grid_and_its_toolbar_cover_nothing_above_them(sized, path):
    """The toolbar (columns, download, search, full screen) floats above the grid: it sat over
    the caption (Incidents) and the search box (Gazetteer)."""
    _open_table_page(sized, path)
    page = sized.page
    grid = page.locator(GRID).first
    assert page.locator(".ia-cards").first.is_hidden()  # wider than a phone: the grid, not the cards
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for()
    page.wait_for_timeout(300)  # it fades in
    covered = page.evaluate(
        """t => {
            const r = t.getBoundingClientRect(), out = [];
            document.querySelectorAll('[data-testid=stMain] [data-testid=stElementContainer]').forEach(e => {
                if (e.contains(t) || e.querySelector('[data-testid=stDataFrame]')) { return; }
                const s = e.getBoundingClientRect();
                const meet = r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top;
                if (s.width && s.height && meet) {
                    out.push(e.innerText.slice(0, 40) || e.dataset.testid);
                }
            });
            return out;
        }""",
        toolbar.element_handle(),
    )
    assert covered == [], covered


_CONTROL_OVERLAPS_JS = """() => {
    const edge = document.querySelector('.leaflet-container').getBoundingClientRect();
    const controls = Array.from(document.querySelectorAll('.leaflet-control'), c => c.getBoundingClientRect());
    return Array.from(document.querySelectorAll('.ia-country'))
        .filter(e => getComputedStyle(e).visibility !== 'hidden')
        .flatMap(e => {
            const r = e.getBoundingClientRect();
            const cut = r.left < edge.left || r.right > edge.right || r.top < edge.top || r.bottom > edge.bottom;
            const under = controls.some(
                s => r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top);
            return cut ? [e.textContent + ' cut'] : under ? [e.textContent + ' under a control'] : [];
        });
}"""


@pytest.mark.parametrize("sized", [PHONE, (1280, 800)], indirect=True, ids=["390x844", "1280x800"])
def test_no_country_name_is_under_a_control_or_cut_by_the_edge(sized):
    """On a phone "TURKEY" sat under the zoom buttons, "…AN" and "RAEL" were cut by the map's edge."""
    sized.open("/")
    frame = sized.map_frame()
    assert settled(frame, _CONTROL_OVERLAPS_JS) == []  # laid out again once the style sheet and the font are in
    assert {"Iraq", "Syria"} <= shown_countries(frame)  # not hidden wholesale
    frame.locator(".ia-legend summary").click()  # the open legend is a control too
    frame.wait_for_function(f"() => ({_CONTROL_OVERLAPS_JS})().length === 0", timeout=5000)


# Every ISO date in the main area whose text runs over more than one line (a Range's boxes).
_BROKEN_DATES_JS = r"""() => {
    const main = document.querySelector('[data-testid=stMain]');
    const out = [], walk = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    const whole = node => node.parentElement && node.parentElement.getClientRects().length;
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const text = n.textContent, re = /\d{4}-\d{2}-\d{2}/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
            if (!whole(n)) { continue; }
            const range = document.createRange();
            range.setStart(n, m.index);
            range.setEnd(n, m.index + 10);
            const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
            if (tops.size > 1) { out.push(m[0]); }
        }
    }
    return out;
}"""


@pytest.mark.parametrize(
    "sized", [PHONE, (768, 1024), (1280, 800), (1440, 900)], indirect=True, ids=lambda v: f"{v[0]}x{v[1]}"
)
def test_the_map_page_header_reads_whole(sized):
    """On a phone the coverage line read "…count back from today, 2026-" / "12-07."; at 768×1024
    the top bar (opaque while the sidebar is folded) covered the top of the title."""
    sized.open("/")
    assert sized.page.locator(".st-key-ia_cover").inner_text().count("-") >= 6  # its three dates are there
    assert sized.page.evaluate(_BROKEN_DATES_JS) == []
    on_top = sized.page.locator(".st-key-ia_head h1").evaluate(
        """h => { const r = h.getBoundingClientRect();
                  return [r.left + 10, r.left + r.width / 2].map(x => {
                      const e = document.elementFromPoint(x, r.top + 2); return !!(e && h.contains(e)); }); }"""
    )  # fmt: skip
    assert on_top == [True, True], "something covers the title's top edge"


@pytest.mark.parametrize("sized", [(1280, 800)], indirect=True, ids=["1280x800"])
def test_at_1280_by_800_the_legend_starts_folded_and_opens_in_one_click(sized):
    """Open, it covered the south-east of a 578 px map: southern Iraq, Kuwait and the Gulf."""
    sized.open("/")
    frame = sized.map_frame()
    legend = frame.locator(".ia-legend")
    legend.wait_for()
    map_box = sized.page.locator(MAP_IFRAME).bounding_box()
    box = legend.bounding_box()
    assert frame.locator(".ia-legend details").evaluate("d => d.open") is False
    assert box["width"] * box["height"] <= 0.01 * map_box["width"] * map_box["height"], box
    frame.locator(".ia-legend summary").click()
    assert frame.locator(".ia-legend details").evaluate("d => d.open") is True
    assert frame.locator(".ia-legend").get_by_text("Actor family").is_visible()


@pytest.mark.parametrize("sized", [(1440, 900), (1280, 800), PHONE], indirect=True, ids=["1440x900", "1280x800", "390x844"])
def test_each_download_link_and_its_size_read_on_one_line(sized):
    """In the sidebar "⬇" sat above "GeoJSON", beside a "(32" above "kB)": four flex items squeezed."""
    sized.open("/")
    if sized.page.viewport_size["width"] <= 768:  # the sidebar starts folded there
        sized.page.get_by_test_id("stExpandSidebarButton").click()
    link = sized.page.get_by_test_id("ia-download-geojson")
    link.wait_for(timeout=30_000)
    lines = sized.page.evaluate(
        """() => Array.from(document.querySelectorAll('.ia-downloads a'), a => {
            const line = parseFloat(getComputedStyle(a).lineHeight) || 20;
            const size = a.nextElementSibling;
            return [a.textContent, a.getClientRects().length, a.getBoundingClientRect().height <= 1.5 * line,
                    size ? Math.abs(size.getBoundingClientRect().top - a.getBoundingClientRect().top) < line : true];
        })"""
    )
    assert len(lines) == 2 and all(one and single == 1 and beside for _, single, one, beside in lines), lines
    link.scroll_into_view_if_needed()
    sized.screenshot(f"19_downloads_{sized.page.viewport_size['width']}")
