"""Round 2 rules from the real-report corpus: how real pages differ from clean text.

One section per error class (datelines and page stamps, one attack told with two places,
the responder taken for a second attack). Every text is written for these tests in our own
words; each case is a general way reports are written, not a particular report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.config import PROJECT_ROOT
from geo.places.gazetteer import Gazetteer
from geo.reports.extract import extract
from geo.reports.extract.sentences import split_sentences

TUE = dt.date(2023, 5, 9)  # a Tuesday: "Monday" is 8 May


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(PROJECT_ROOT / "gazetteer.csv")


def cands(gaz, text: str, published: dt.date = TUE):
    return extract(text, published=published, gazetteer=gaz).candidates


# --- a page's time stamp is not the attack's date ------------------------------------------------


@pytest.mark.parametrize(
    "stamp",
    ["date 2023-05-09 ", "2023-05-09 ", "Published: 2023-05-09T07:30Z ", "updated 2023-05-09 10:15 "],
)
def test_a_time_stamp_opening_the_page_is_a_sentence_of_its_own(stamp):
    text = stamp + "Two rockets hit the base on Monday."
    first, second = split_sentences(text)
    assert text[first[0] : first[1]] == stamp.strip()
    assert text[second[0] : second[1]] == "Two rockets hit the base on Monday."


@pytest.mark.parametrize("stamp", ["date 2023-05-09 ", "Published: 2023-05-09 "])
def test_the_weekday_of_the_first_sentence_dates_the_attack_not_the_page_stamp(gaz, stamp):
    (c,) = cands(gaz, stamp + "Two rockets struck Ain al-Asad air base on Monday, officials said.")
    assert (c.date, c.date_precision) == (dt.date(2023, 5, 8), "day")


def test_a_date_inside_the_text_is_no_stamp():
    text = "Officials said on 2023-05-08 that rockets hit the base."
    assert split_sentences(text) == [(0, len(text))]
