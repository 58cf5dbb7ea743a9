"""A phone's cards for the Incidents and Gazetteer grids (ui.cards, ui.table, ui.sites): what they say, escaped."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import pytest

from geo.config import get_settings
from geo.places.gazetteer import Gazetteer
from geo.view.filters import Filters
from geo.view.frame import to_frame
from tests.ui.seed import INCIDENTS, XSS_ID, XSS_IMG, XSS_SCRIPT
from ui import sites, table
from ui.cards import ENTRIES_SHOWN, Card, cards_html
from ui.style import CARDS_CLASS


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return table.incident_table(to_frame(INCIDENTS), Filters(event_types=("rocket",)))


def test_cards_escape_every_text_and_keep_only_links_with_an_address():
    out = cards_html([Card(f"T {XSS_SCRIPT}", (f"L {XSS_IMG}", ""), (("Open", "/?sel=a&b=1"), ("None", None)))])
    assert "<script" not in out and "<img" not in out
    assert '<a href="/?sel=a&amp;b=1">Open</a>' in out and "None" not in out
    assert out.count("<p>") == 1  # the empty line is left out
    assert out.startswith(f'<div class="{CARDS_CLASS}">')


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x", "//evil.example/x", "vbscript:x"])
def test_a_card_never_links_anywhere_but_the_app_or_an_http_address(href):
    out = cards_html([Card("t", (), (("Bad", href), ("Report", "https://example.org/a"), ("Map", "/?sel=x")))])
    assert "Bad" not in out and 'href="https://example.org/a"' in out and 'href="/?sel=x"' in out


def test_cards_say_when_they_show_fewer_rows_than_the_grid():
    assert "The first 1 of 3" in cards_html([Card("a")], total=3)
    assert "The first" not in cards_html([Card("a")], total=1)


def test_an_incident_card_holds_date_type_place_actor_and_its_links(rows):
    cards = list(table.incident_cards(rows))
    assert len(cards) == len(rows)
    for card, (_, row) in zip(cards, rows.iterrows(), strict=True):  # in the grid's order
        assert card.title.startswith(f"{row['date']} · {row['type']}")
        assert card.lines[0].startswith(str(row["location"]))
        if isinstance(row["attributed_by"], str) and row["attributed_by"]:  # who attributes it, as the grid says
            assert card.lines[1].endswith(f"by {row['attributed_by']}")
        assert (row["summary"] or "") in card.lines  # the summary, whole
        links = dict(card.links)
        assert links["Open on map"] == row["map"] and links["Open on map"].endswith("&type=rocket")
        assert links["Open report"] == row["source_link"]
    xss = next(c for c in cards if quote(XSS_ID, safe="") in dict(c.links)["Open on map"])
    assert XSS_SCRIPT not in cards_html([xss])


@pytest.mark.parametrize(
    ("family", "actor", "attribution", "by", "line"),
    [
        ("Unknown", "Unknown", "Unknown", "", "Actor and attribution unknown"),
        ("Unknown", "Unknown", "Suspected", "by US officials", "Actor unknown · Suspected · by US officials"),
        ("Unknown", "Some Group", "Claimed", "", "Family unknown · Some Group · Claimed"),
        ("Iran-aligned", "Kataib Hezbollah", "Unknown", "", "Attribution unknown · Iran-aligned · Kataib Hezbollah"),
        ("Iran-aligned", "Kataib Hezbollah", "Suspected", "", "Iran-aligned · Kataib Hezbollah · Suspected"),
    ],
)
def test_an_incident_cards_unknowns_are_named_once_not_repeated(rows, family, actor, attribution, by, line):
    row = rows.head(1).assign(family=family, actor=actor, attribution=attribution, attributed_by=by.removeprefix("by "))
    (card,) = table.incident_cards(row)
    assert card.lines[1] == line
    assert "Unknown · Unknown" not in card.lines[1]


def test_a_site_card_holds_name_kind_coordinates_and_id():
    gazetteer = Gazetteer.load(get_settings().gazetteer_path)
    frame = sites.sites_frame(gazetteer.sites[:3])
    cards = list(sites.site_cards(frame))
    assert [c.title for c in cards] == list(frame["name"])
    first = frame.iloc[0]
    assert f"Id: {first['id']}" in cards[0].lines
    assert f"Source: {first['source']}" in cards[0].lines and (not first["notes"] or first["notes"] in cards[0].lines)
    assert any(line.startswith(f"{first['lat']:.4f}, {first['lon']:.4f}, precision") for line in cards[0].lines)


def _sources(n: int) -> tuple[tuple[str, str | None], ...]:
    return tuple((f"Outlet {i}, 2022-01-0{i % 9 + 1}: headline {i}", f"https://example.org/r/{i}") for i in range(n))


def test_a_card_with_many_sources_shows_the_first_few_and_folds_the_rest():
    out = cards_html([Card("t", entries=_sources(12))])
    shown, folded = out.split("<details", 1)
    assert [f"headline {i}<" in shown for i in range(12)] == [i < ENTRIES_SHOWN for i in range(12)]
    assert f"<summary>and {12 - ENTRIES_SHOWN} more sources</summary>" in folded
    assert all(f'href="https://example.org/r/{i}"' in folded for i in range(ENTRIES_SHOWN, 12))  # one tap away


@pytest.mark.parametrize("n", [1, ENTRIES_SHOWN, ENTRIES_SHOWN + 1])
def test_a_card_with_few_sources_shows_them_all_unfolded(n):
    out = cards_html([Card("t", entries=_sources(n))])
    assert "<details" not in out and out.count("<li>") == n + 1  # the card and its sources


def test_a_source_links_only_to_an_http_address_and_its_text_is_escaped():
    out = cards_html([Card("t", entries=((f"AP {XSS_SCRIPT}", "javascript:alert(1)"), ("Reuters", None),
                                         *_sources(4)))])  # fmt: skip
    assert "javascript:" not in out and "<script" not in out and "<li>Reuters</li>" in out


def test_an_incident_card_lists_its_sources_each_linked_to_its_report(rows):
    entries = {row_id: _sources(6) for row_id in rows["id"]}
    cards = list(table.incident_cards(rows, entries))
    assert all(card.entries == _sources(6) for card in cards)
    assert all(card.entries == ((row["sources"], None),) for card, (_, row) in zip(  # without them: the outlets
        table.incident_cards(rows), rows.iterrows(), strict=True))


def test_source_entries_read_the_sources_json_keeping_only_http_links():
    text = ('[{"outlet": "AP", "published": "2022-01-05", "title": "Rockets", "url": "https://example.org/a"},'
            ' {"outlet": "X", "url": "javascript:alert(1)"}, 5]')
    assert table.source_entries([text, None, "not json"]) == [
        (("AP, 2022-01-05: Rockets", "https://example.org/a"), ("X", None)), (), ()]
    labels, links = table.source_columns(table.source_entries([text]))
    assert labels == ["AP, 2022-01-05: Rockets; X"] and links == ["https://example.org/a"]
