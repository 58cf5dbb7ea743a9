"""Date windows behind the map page's time controls."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo.view.timespan import (
    Coverage,
    Window,
    bucket_end,
    bucket_ends,
    bucket_start,
    bucket_starts,
    brush_window,
    coverage,
    nearest_window,
    next_play_window,
    play_start,
    snap_span,
    step_window,
)

D = dt.date.fromisoformat


def ms(day: str, hours: float = 0) -> float:
    """Epoch milliseconds of ``day`` at ``hours`` UTC, as Vega reports a brush."""
    return (pd.Timestamp(day) + pd.Timedelta(hours=hours)).value / 1e6


def test_coverage_is_first_last_and_count_ignoring_missing_dates():
    dates = pd.Series(pd.to_datetime(["2021-07-07", None, "2020-01-03", "2022-01-05"]))
    assert coverage(dates) == Coverage(D("2020-01-03"), D("2022-01-05"), 3)
    assert coverage(dates).text() == "3 incidents from 2020-01-03 to 2022-01-05"
    assert coverage(pd.Series([], dtype="datetime64[ns]")) is None
    assert coverage(pd.Series(pd.to_datetime(["2021-07-07"]))).text() == "1 incident on 2021-07-07"


@pytest.mark.parametrize(
    ("start", "end", "bucket", "expected"),
    [
        (ms("2021-06-10", 5), ms("2021-08-01"), "month", ("2021-06-01", "2021-07-31")),  # end exclusive
        (ms("2021-06-10", 5), ms("2021-08-01", 1), "month", ("2021-06-01", "2021-08-31")),
        (ms("2024-01-03"), ms("2024-01-20"), "week", ("2024-01-01", "2024-01-21")),  # Monday to Sunday
        (ms("2024-01-20"), ms("2024-01-03"), "week", ("2024-01-01", "2024-01-21")),  # dragged leftwards
        (ms("2021-06-10", 23.9), ms("2021-06-12", 1), "day", ("2021-06-10", "2021-06-12")),
        (ms("1969-12-31", 12), ms("1970-01-02"), "day", ("1969-12-31", "1970-01-01")),  # before the epoch
    ],
)
def test_a_dragged_span_snaps_to_the_whole_bars_it_touches(start, end, bucket, expected):
    assert snap_span(start, end, bucket) == Window(D(expected[0]), D(expected[1]))


@pytest.mark.parametrize("values", [None, [], [1.0], "2021", {"a": 1}, [True, 2.0], ["x", "y"], [float("nan"), 1.0]])
def test_an_empty_or_malformed_brush_selects_nothing(values):
    assert brush_window(values, "day") is None


def test_a_brush_reported_as_iso_strings_is_read_too():
    got = brush_window(["2021-06-10T05:00:00", "2021-06-12T01:00:00"], "day")
    assert got == Window(D("2021-06-10"), D("2021-06-12"))


@pytest.mark.parametrize(
    ("window", "direction", "expected"),
    [
        (("2024-01-01", "2024-01-14"), 1, ("2024-01-15", "2024-01-28")),
        (("2024-01-15", "2024-01-28"), -1, ("2024-01-01", "2024-01-14")),
        (("2021-01-01", "2021-01-31"), 1, ("2021-02-01", "2021-02-28")),  # calendar months stay months
        (("2021-06-01", "2021-07-31"), 1, ("2021-08-01", "2021-09-30")),
        (("2021-03-01", "2021-03-31"), -1, ("2021-02-01", "2021-02-28")),
    ],
)
def test_stepping_moves_a_window_by_its_own_length(window, direction, expected):
    got = step_window(Window(D(window[0]), D(window[1])), direction)
    assert got == Window(D(expected[0]), D(expected[1]))


def test_play_starts_from_the_window_or_from_the_first_bar_of_the_data():
    cover = Coverage(D("2020-01-03"), D("2022-01-05"), 19)
    assert play_start(D("2021-01-01"), D("2021-01-10"), cover, "month") == Window(D("2021-01-01"), D("2021-01-10"))
    assert play_start(None, None, cover, "month") == Window(D("2020-01-01"), D("2020-01-31"))
    assert play_start(None, None, cover, "week") == Window(D("2019-12-30"), D("2020-01-05"))
    assert play_start(None, None, cover, "day") == Window(D("2020-01-03"), D("2020-01-09"))
    assert play_start(D("2021-07-05"), None, cover, "day") == Window(D("2021-07-05"), D("2021-07-11"))
    assert play_start(None, D("2020-01-10"), cover, "month") == Window(D("2020-01-01"), D("2020-01-10"))


def test_an_empty_window_points_to_the_nearest_incidents_before_it_else_after_it():
    dates = pd.Series(pd.to_datetime(["2021-07-07", "2022-01-05", "2020-01-03"]))
    last_week = Window(D("2026-12-01"), D("2026-12-07"))
    assert nearest_window(dates, last_week) == (Window(D("2021-12-30"), D("2022-01-05")), D("2022-01-05"))
    early = Window(D("2019-01-01"), D("2019-01-30"))
    assert nearest_window(dates, early) == (Window(D("2020-01-03"), D("2020-02-01")), D("2020-01-03"))
    assert nearest_window(pd.Series([], dtype="datetime64[ns]"), last_week) is None


def test_playing_steps_on_until_the_window_would_start_after_the_newest_incident():
    assert next_play_window(Window(D("2024-03-04"), D("2024-03-10")), D("2024-03-20")) == Window(
        D("2024-03-11"), D("2024-03-17")
    )
    assert next_play_window(Window(D("2024-03-11"), D("2024-03-17")), D("2024-03-20")) == Window(
        D("2024-03-18"), D("2024-03-24")
    )  # still holds the 20th
    assert next_play_window(Window(D("2024-03-18"), D("2024-03-24")), D("2024-03-20")) is None


# --- buckets: one definition for the timeline's bars and the brush -------------------------------

EPOCH = dt.date(1970, 1, 1)
# Every day of 1899-12-25 .. 2101-01-07: before and after the epoch, leap days, 1900 and 2100 (not leap).
ALL_DAYS = np.arange((dt.date(1899, 12, 25) - EPOCH).days, (dt.date(2101, 1, 7) - EPOCH).days + 1)


def as_dates(day_numbers) -> list[dt.date]:
    return [EPOCH + dt.timedelta(days=int(n)) for n in day_numbers]


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_a_bucket_holds_its_day_and_starts_on_day_one_of_its_week_or_month(bucket):
    starts, ends = bucket_starts(ALL_DAYS, bucket), bucket_ends(ALL_DAYS, bucket)
    assert ((starts <= ALL_DAYS) & (ALL_DAYS <= ends)).all()
    first, last = as_dates(starts), as_dates(ends)
    if bucket == "day":
        assert (starts == ALL_DAYS).all() and (ends == ALL_DAYS).all()
    elif bucket == "week":
        assert {d.weekday() for d in first} == {0} and set(ends - starts) == {6}  # Monday to Sunday
    else:
        assert {d.day for d in first} == {1} and all(a.month == b.month for a, b in zip(first, last))
        assert all((b + dt.timedelta(days=1)).day == 1 for b in last)  # the month's last day
        assert last[as_dates(ALL_DAYS).index(dt.date(2100, 2, 3))] == dt.date(2100, 2, 28)
        assert last[as_dates(ALL_DAYS).index(dt.date(2000, 2, 3))] == dt.date(2000, 2, 29)


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_the_one_date_forms_are_the_vectorised_ones(bucket):
    some = ALL_DAYS[::37]
    assert [bucket_start(d, bucket) for d in as_dates(some)] == as_dates(bucket_starts(some, bucket))
    assert [bucket_end(d, bucket) for d in as_dates(some)] == as_dates(bucket_ends(some, bucket))
