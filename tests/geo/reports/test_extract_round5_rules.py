"""Round 5 mechanisms, aimed at the largest classes of false positives on the real corpus.

Round 5 classified every false positive of the five real parts (SCORES.md, "Round 5") and kept a
change only where the parts it was not written from stayed where they were or rose. Every text is
written for these tests in our own words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.reports.evaluate import candidate_window
from tests.geo.reports.test_extract_real_rules import TUE, cands, gaz  # noqa: F401  (gaz is a fixture)

MON = TUE - dt.timedelta(days=1)


# --- a report that gives no date: its day or the day before --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Rockets landed inside Ain al-Asad air base, a coalition official said.",
        "A drone hit a hangar at Erbil airport. Nobody was hurt.",
        "Three rockets struck near Camp Taji, Iraqi police said, causing no damage.",
    ],
)
def test_undated_attack_spans_publication_day_and_day_before(gaz, text):
    (c,) = cands(gaz, text)
    assert (c.date, c.date_precision) == (TUE, "day")
    assert c.date_window == (MON, TUE)
    assert candidate_window(c) == (MON, TUE)
    assert "no date in the text: publication date used" in c.confidence.reasons


@pytest.mark.parametrize(
    "text, day",
    [
        ("Rockets landed inside Ain al-Asad air base on Monday, a coalition official said.", MON),
        ("A drone hit a hangar at Erbil airport on Tuesday. Nobody was hurt.", TUE),
        ("Three rockets struck near Camp Taji on 2 May, Iraqi police said.", dt.date(2023, 5, 2)),
    ],
)
def test_a_dated_attack_keeps_its_one_day(gaz, text, day):
    (c,) = cands(gaz, text)
    assert c.date == day
    assert c.date_window is None
    assert candidate_window(c) == (day, day)
