"""The map page's time controls in headless Chromium: dragging across the timeline filters by date."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.ui.seed import INCIDENTS

pytestmark = pytest.mark.browser

TIMELINE = '[data-testid="stVegaLiteChart"]'


def _dates(url: str) -> tuple[dt.date, dt.date]:
    query = parse_qs(urlsplit(url).query)
    return dt.date.fromisoformat(query["from"][0]), dt.date.fromisoformat(query["to"][0])


def _drag(session, start: float, end: float) -> None:
    """Drag across the timeline's plot from ``start`` to ``end`` (fractions of its width)."""
    chart = session.page.locator(TIMELINE)
    plot = chart.locator("canvas, svg").first
    plot.wait_for()
    chart.scroll_into_view_if_needed()
    box = plot.bounding_box()
    # Keep clear of the y axis on the left and the legend on the right.
    left, width = box["x"] + 60, box["width"] - 200
    y = box["y"] + box["height"] * 0.25  # the bars; the legend is underneath
    mouse = session.page.mouse
    mouse.move(left + width * start, y)
    mouse.down()
    mouse.move(left + width * (start + end) / 2, y, steps=5)
    mouse.move(left + width * end, y, steps=5)
    mouse.up()


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)])
def test_dragging_across_the_timeline_sets_from_and_to_and_the_map(session, viewport):
    session.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    session.open("/")
    assert session.wait_for_markers(len(INCIDENTS)) == len(INCIDENTS)
    assert "from=" not in session.page.url
    _drag(session, 0.55, 0.95)
    url = session.wait_for_url(r"[?&]from=\d{4}-\d\d-\d\d.*[?&]to=\d{4}-\d\d-\d\d")
    date_from, date_to = _dates(url)
    assert date_from < date_to
    assert date_from.weekday() == 0 and date_to.weekday() == 6  # snapped to whole weekly bars
    inside = sum(1 for i in INCIDENTS if date_from <= i.date <= date_to)
    assert 0 < inside < len(INCIDENTS)
    assert session.wait_for_markers(inside) == inside
    session.wait_idle()
    # The sidebar follows: a custom range with the same dates in its boxes, wide enough to read.
    boxes = session.page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input')
    if viewport[0] >= 800:
        assert [boxes.nth(i).input_value() for i in range(2)] == [date_from.isoformat(), date_to.isoformat()]
        # Each date is shown whole (it used to be cut to "2021" or "-06-30").
        assert all(boxes.nth(i).evaluate("e => e.scrollWidth <= e.clientWidth") for i in range(2))
    name = "map_time_desktop" if viewport[0] >= 800 else "map_time_phone"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    session.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # the first screen, as a reader sees it
    # A second drag, further left, moves the window; the brush is drawn where the filter is.
    _drag(session, 0.05, 0.4)
    session.page.wait_for_function(f"() => !location.search.includes('from={date_from.isoformat()}')", timeout=30_000)
    earlier_from, earlier_to = _dates(session.page.url)
    assert earlier_to < date_from
    inside = sum(1 for i in INCIDENTS if earlier_from <= i.date <= earlier_to)
    assert session.wait_for_markers(inside) == inside


def test_play_steps_the_window_through_time(session):
    session.open("/?from=2024-01-01&to=2024-01-14")
    assert session.wait_for_markers(1) == 1
    session.page.get_by_role("button", name="Play").click()
    session.wait_for_url(r"from=2024-01-15&to=2024-01-28", timeout=20)
    session.wait_for_url(r"from=2024-01-29&to=2024-02-11", timeout=20)
    session.page.get_by_role("button", name="Pause").click()
    session.wait_idle()
    session.page.wait_for_timeout(3000)
    assert "from=2024-01-29" in session.page.url  # paused: it stays
