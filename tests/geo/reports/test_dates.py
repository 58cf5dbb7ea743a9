"""Date phrases of news reports, resolved against injected reference dates."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.reports.dates import date_window, find_dates, resolve_date, windows_overlap

D = dt.date
WED = D(2022, 1, 5)  # a Wednesday
WED2 = D(2021, 7, 7)  # another Wednesday
FRI = D(2022, 1, 7)
SUN = D(2023, 10, 22)

CASES = [
    # weekdays: most recent such day on or before publication
    ("on Wednesday", WED, D(2022, 1, 5), "day"),
    ("Rockets struck the base on Wednesday morning.", WED, D(2022, 1, 5), "day"),
    ("on Wednesday", FRI, D(2022, 1, 5), "day"),
    ("on Tuesday", WED, D(2022, 1, 4), "day"),
    ("on Monday", WED, D(2022, 1, 3), "day"),
    ("on Thursday", WED, D(2021, 12, 30), "day"),
    ("late Monday", WED, D(2022, 1, 3), "day"),
    ("late on Sunday", WED2, D(2021, 7, 4), "day"),
    ("Monday night", WED, D(2022, 1, 3), "day"),
    ("early on Tuesday", WED, D(2022, 1, 4), "day"),
    ("Tuesday's attack", WED, D(2022, 1, 4), "day"),
    ("earlier Wednesday", WED, D(2022, 1, 5), "day"),
    ("on Sunday", SUN, D(2023, 10, 22), "day"),
    ("last Sunday", SUN, D(2023, 10, 15), "day"),
    ("last Tuesday", WED, D(2022, 1, 4), "day"),
    # "... last week": the named day of the previous calendar week
    ("on Monday last week", WED2, D(2021, 6, 28), "day"),
    ("on Friday last week", WED2, D(2021, 7, 2), "day"),
    ("on Monday of last week", WED, D(2021, 12, 27), "day"),
    # deictic days
    ("yesterday", WED, D(2022, 1, 4), "day"),
    ("today", WED, D(2022, 1, 5), "day"),
    ("this morning", WED, D(2022, 1, 5), "day"),
    ("over the past 24 hours", WED, D(2022, 1, 5), "day"),
    ("three days ago", WED, D(2022, 1, 2), "day"),
    # weeks (dated on the Monday) and months (dated on the 1st)
    ("earlier this week", WED, D(2022, 1, 3), "week"),
    ("this week", WED2, D(2021, 7, 5), "week"),
    ("last week", WED2, D(2021, 6, 28), "week"),
    ("two weeks ago", WED, D(2021, 12, 20), "week"),
    ("last month", WED2, D(2021, 6, 1), "month"),
    ("last month's strikes", WED, D(2021, 12, 1), "month"),
    ("earlier this month", WED2, D(2021, 7, 1), "month"),
    ("in April", WED, D(2021, 4, 1), "month"),
    ("In May, a drone hit the base.", WED, D(2021, 5, 1), "month"),
    ("in July", WED2, D(2021, 7, 1), "month"),
    ("in December", WED, D(2021, 12, 1), "month"),
    ("last May", D(2021, 5, 20), D(2020, 5, 1), "month"),
    ("in January 2020", WED, D(2020, 1, 1), "month"),
    ("two years ago", WED, D(2020, 1, 1), "month"),
    # explicit dates, with and without a year
    ("on 20 January", WED, D(2021, 1, 20), "day"),
    ("January 20", WED, D(2021, 1, 20), "day"),
    ("on January 3", WED, D(2022, 1, 3), "day"),
    ("Jan. 3, 2020", WED, D(2020, 1, 3), "day"),
    ("on January 3, 2020", WED, D(2020, 1, 3), "day"),
    ("3 January 2020", WED, D(2020, 1, 3), "day"),
    ("the 8th of January, 2020", WED, D(2020, 1, 8), "day"),
    ("Sept. 12", D(2023, 9, 30), D(2023, 9, 12), "day"),
    ("on 29 February", D(2023, 6, 1), D(2020, 2, 29), "day"),
    ("2021-06-27", WED, D(2021, 6, 27), "day"),
]


@pytest.mark.parametrize("phrase, published, expected, precision", CASES)
def test_resolve_date(phrase, published, expected, precision):
    assert resolve_date(phrase, published) == (expected, precision)


ANCHORED = [
    # relative to the event already resolved in context (the anchor)
    ("the previous night", WED2, D(2021, 6, 28), D(2021, 6, 27), "day"),
    ("the night before", WED, D(2022, 1, 5), D(2022, 1, 4), "day"),
    ("The following day", WED, D(2022, 1, 3), D(2022, 1, 4), "day"),
    ("five days after his killing", FRI, D(2020, 1, 3), D(2020, 1, 8), "day"),
    ("two days later", WED, D(2022, 1, 3), D(2022, 1, 5), "day"),
    ("a day earlier", WED, D(2022, 1, 3), D(2022, 1, 2), "day"),
    ("hours earlier", WED, D(2022, 1, 4), D(2022, 1, 4), "day"),
    ("overnight", WED, D(2022, 1, 4), D(2022, 1, 4), "day"),
]


@pytest.mark.parametrize("phrase, published, anchor, expected, precision", ANCHORED)
def test_resolve_anchored(phrase, published, anchor, expected, precision):
    assert resolve_date(phrase, published, anchor=anchor) == (expected, precision)


def test_anchor_defaults_to_publication():
    assert resolve_date("the previous night", WED) == (D(2022, 1, 4), "day")


@pytest.mark.parametrize(
    "text",
    [
        "no date here",
        "Officials may comment later.",  # "may" the verb
        "They will march on the capital.",  # "march" the verb
        "since May",  # a range boundary
        "last year",  # year only: not an incident precision
        "the 2020 strike",
        "2,500 troops",
        "in recent weeks",
    ],
)
def test_no_usable_date(text):
    assert resolve_date(text, WED) is None


def test_year_only_mentions_are_found_with_year_precision():
    (m,) = find_dates("The 2020 U.S. drone strike", WED)
    assert (m.date, m.precision, m.basis) == (D(2020, 1, 1), "year", "absolute")


def test_find_dates_spans_and_order():
    text = "Wednesday's attack came after drones were foiled on Monday and strikes on Jan. 3, 2020."
    found = find_dates(text, WED)
    assert [m.text for m in found] == ["Wednesday", "Monday", "Jan. 3, 2020"]
    assert [text[m.start : m.end] for m in found] == [m.text for m in found]
    assert [m.basis for m in found] == ["published", "published", "absolute"]


def test_anchor_basis_is_reported():
    (m,) = find_dates("the previous night", WED, anchor=D(2022, 1, 2))
    assert m.basis == "anchor" and m.date == D(2022, 1, 1)


@pytest.mark.parametrize(
    "date, precision, window",
    [
        (D(2022, 1, 5), "day", (D(2022, 1, 5), D(2022, 1, 5))),
        (D(2022, 1, 5), "week", (D(2022, 1, 3), D(2022, 1, 9))),
        (D(2021, 2, 10), "month", (D(2021, 2, 1), D(2021, 2, 28))),
        (D(2020, 6, 1), "year", (D(2020, 1, 1), D(2020, 12, 31))),
    ],
)
def test_date_window(date, precision, window):
    assert date_window(date, precision) == window


def test_windows_overlap():
    assert windows_overlap((D(2021, 6, 27), "day"), (D(2021, 6, 1), "month"))
    assert not windows_overlap((D(2021, 6, 27), "day"), (D(2021, 6, 28), "day"))
    assert windows_overlap((D(2021, 6, 27), "day"), (D(2021, 6, 28), "day"), slack_days=1)
    with pytest.raises(ValueError):
        date_window(D(2021, 1, 1), "decade")
