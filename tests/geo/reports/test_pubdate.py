"""A pasted report's own publication date: found only where its opening states it, never guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.reports.pubdate import HEAD_LINES, text_publication_date

TODAY = dt.date(2026, 12, 8)


@pytest.mark.parametrize(
    ("text", "date", "where"),
    [
        ("MOSUL, March 4 2025 (Kurdistan24) - Two drones fell near the airport.", "2025-03-04", "the dateline"),
        ("AL-QAIM, Syria, 9 Feb. 2024 (AP) — A rocket landed.", "2024-02-09", "the dateline"),
        ("Drones target a base\nBy A. Writer\nPublished 21 January 2024\nThree drones ...", "2024-01-21",
         "the 'Published' line"),
        ("Posted on: Tue, Jan. 9, 2024 at 4:15 pm\nA rocket hit.", "2024-01-09", "the 'Posted' line"),
        ("Rocket attack on Erbil\n2024-01-21\nOn 19 January a rocket hit the airport.", "2024-01-21",
         "a line of its own at the top"),
        ("Rocket attack on Erbil\nSunday, January 21, 2024 10:42 GMT\nThe attack ...", "2024-01-21",
         "a line of its own at the top"),
        ("Base hit\nPublished 3 May 2023\nLast updated 4 May 2023\nThe base ...", "2023-05-03",
         "the 'Published' line"),  # published one day, updated the next: the first is when it was written
        ("Base hit\n2023-05-03\nPublished 3 May 2023\nThe base ...", "2023-05-03", "the 'Published' line"),
    ],
)  # fmt: skip
def test_a_date_stated_at_the_top_is_the_publication_date(text, date, where):
    found = text_publication_date(text, today=TODAY)
    assert found.date is not None and found.date.date.isoformat() == date
    assert found.date.where == where and not found.date.year_assumed
    assert found.date.words in " ".join(text.split())  # the words shown to the reviewer are the report's


def test_a_dateline_without_a_year_takes_the_latest_such_day_and_says_the_year_was_assumed():
    text = "KIRKUK, Nov. 30 (Reuters) - A drone struck a checkpoint."
    assert text_publication_date(text, today=TODAY).date.date == dt.date(2026, 11, 30)
    later = text_publication_date("KIRKUK, Dec. 30 (Reuters) - A drone struck.", today=TODAY).date
    assert later.date == dt.date(2025, 12, 30) and later.year_assumed  # not in the future
    assert later.words == "KIRKUK, Dec. 30 (Reuters) -"


@pytest.mark.parametrize(
    "text",
    [
        "A rocket hit the base on 21 January 2024, officials said.",  # a date in the story: when it happened
        "Officials said on Jan. 21 that a drone was shot down.",
        "On 2024-01-21 the base was attacked.",
        "Published in the morning edition.\nA rocket hit.",
        "Published 31 February 2024\nA rocket hit.",  # no such day
        "Published 3 May 2027\nA rocket hit.",  # after today: not when it was written
        "",
    ],
)
def test_no_date_where_the_opening_states_none(text):
    found = text_publication_date(text, today=TODAY)
    assert found.date is None and found.found == ()


def test_two_different_dates_at_the_top_give_none_and_name_both():
    found = text_publication_date("Base hit\n2024-01-21\nPublished 22 January 2024\nText", today=TODAY)
    assert found.date is None
    assert sorted(f.date.isoformat() for f in found.found) == ["2024-01-21", "2024-01-22"]


def test_only_the_opening_lines_count():
    body = "\n".join(f"Paragraph {i} about the attack." for i in range(HEAD_LINES))
    assert text_publication_date(body + "\nPublished 21 January 2024", today=TODAY).date is None
    assert text_publication_date("\n\n" + "Published 21 January 2024\n" + body, today=TODAY).date is not None
