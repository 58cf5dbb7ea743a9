"""The Ingest page's review of proposed incidents at phone and desktop widths.

On a 390 px phone the review table (nineteen columns) scrolled sideways: the date, a
checkbox and half the confidence bar showed, the place and the actor were off screen.
There the proposals are cards with every field and a "Save this incident" box each; a
wider screen keeps the editable table.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Session

pytestmark = pytest.mark.browser

PHONE, DESKTOP = (390, 844), (1440, 900)
# Its date at the top, as a wire report has it: "Published" is filled from it (geo.reports.pubdate).
REPORT = (
    "Published 11 May 2023\n"
    "Three rockets struck the Ain al-Asad air base on Wednesday; nobody was hurt, a spokesman said.\n\n"
    "Hours later two drones were shot down near Erbil airport, Kurdish officials said."
)
GRID = '[data-testid="stDataFrame"]'


def _extract(session: Session) -> None:
    session.sign_in("/Ingest")
    session.page.get_by_label("Report text").fill(REPORT)
    session.page.get_by_role("button", name="Extract incidents").click()
    session.page.get_by_text("proposed incidents").first.wait_for(timeout=60_000)
    session.wait_idle()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_review_reads_whole_at_every_width(browser, app_url, viewport):
    session = Session(browser, app_url, viewport=viewport, touch=viewport[0] < 500)
    try:
        _extract(session)
        page = session.page
        # The report's own date was taken, and the page says from where.
        assert page.get_by_text("'Published' is set to 2023-05-11, from the 'Published' line").is_visible()
        # Drawn once the script run that follows the date's rerun is done.
        if viewport == DESKTOP:
            page.locator(GRID).first.wait_for(timeout=30_000)
        else:
            page.get_by_role("checkbox", name="Save this incident").nth(1).wait_for(state="attached", timeout=30_000)
        session.wait_idle()
        session.screenshot(f"32_ingest_{viewport[0]}")
        grids = page.locator(GRID).evaluate_all("gs => gs.filter(g => g.getClientRects().length).length")
        cards = page.locator(".st-key-ia_narrow_ia_ingest_cards .ia-cards > ul > li")
        if viewport == DESKTOP:
            assert grids == 1 and cards.evaluate_all("cs => cs.filter(c => c.getClientRects().length).length") == 0
            return
        assert grids == 0  # the table scrolled sideways
        assert cards.count() == 2
        text = " ".join(cards.all_inner_texts())
        for field in ("Ain al-Asad", "Erbil", "Confidence", "Date precision", "the site itself", "Munitions", "33.7856"):
            assert field in text, (field, text)
        for card in cards.all():
            box = card.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], box
            assert card.evaluate("c => c.scrollWidth <= c.clientWidth + 1"), card.inner_text()
        assert page.get_by_role("checkbox", name="Save this incident").count() == 2
        assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth") <= PHONE[0]
        session.element_screenshot(cards.first, "32_ingest_card_390")
    finally:
        session.close()
