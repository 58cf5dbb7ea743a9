"""Date windows for the time controls: coverage, snapping a dragged span, stepping, empty states.

Pure functions on dates (no Streamlit): the map page's timeline brush, its play
control and its "nothing in this period" notice all reduce to these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Coverage",
    "Window",
    "bucket_end",
    "bucket_ends",
    "bucket_start",
    "bucket_starts",
    "brush_window",
    "coverage",
    "first_window",
    "nearest_window",
    "next_play_window",
    "play_start",
    "snap_span",
    "step_window",
]

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Coverage:
    """The first and last incident date of a data set, and how many incidents it holds."""

    first: dt.date
    last: dt.date
    count: int

    def text(self) -> str:
        if self.first == self.last:
            return f"{self.count:,} incident{'s' if self.count != 1 else ''} on {self.first.isoformat()}"
        return f"{self.count:,} incidents from {self.first.isoformat()} to {self.last.isoformat()}"


@dataclass(frozen=True)
class Window:
    """An inclusive date range [start, end]."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def coverage(dates: pd.Series) -> Coverage | None:
    """First and last of ``dates`` (datetime64; missing values ignored); None when there are none."""
    known = dates.dropna()
    if known.empty:
        return None
    return Coverage(known.min().date(), known.max().date(), len(known))


# --- buckets: the timeline's bars (ui.timeline) and the brush's snapping share these ------------


def bucket_starts(days: np.ndarray, bucket: str) -> np.ndarray:
    """The first day of the ``bucket`` ("day", "week" from Monday, calendar "month") holding each
    of ``days`` (day numbers: days since 1970-01-01), as day numbers. The one definition of a bar."""
    days = np.asarray(days, dtype=np.int64)
    if bucket == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday: back to Monday (% floors, also before 1970)
    if bucket == "month":
        return days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days


def bucket_ends(days: np.ndarray, bucket: str) -> np.ndarray:
    """The last day of the bucket holding each of ``days`` (day numbers, inclusive)."""
    starts = bucket_starts(days, bucket)
    if bucket == "week":
        return starts + 6
    if bucket == "month":
        following = starts.astype("datetime64[D]").astype("datetime64[M]") + 1
        return following.astype("datetime64[D]").astype(np.int64) - 1
    return starts


def bucket_start(day: dt.date, bucket: str) -> dt.date:
    """:func:`bucket_starts` of one date."""
    return _EPOCH + dt.timedelta(days=int(bucket_starts(np.array([(day - _EPOCH).days]), bucket)[0]))


def bucket_end(day: dt.date, bucket: str) -> dt.date:
    """:func:`bucket_ends` of one date."""
    return _EPOCH + dt.timedelta(days=int(bucket_ends(np.array([(day - _EPOCH).days]), bucket)[0]))


def snap_span(start_ms: float, end_ms: float, bucket: str) -> Window:
    """The dates a brush dragged from ``start_ms`` to ``end_ms`` (epoch milliseconds, UTC) covers.

    The span is widened to whole buckets (days, weeks from Monday, calendar months):
    the bars it touches are the incidents it selects, and the range reads cleanly
    ("2021-06-01 to 2021-07-31"). The brush's end is exclusive: a drag ending exactly
    on a bar's left edge does not take that bar.
    """
    lo, hi = sorted((float(start_ms), float(end_ms)))
    # date + timedelta keeps whole days only: this floors to the day the instant falls in.
    first = _EPOCH + dt.timedelta(milliseconds=lo)
    last = _EPOCH + dt.timedelta(milliseconds=max(lo, hi - 1))
    return Window(bucket_start(first, bucket), bucket_end(last, bucket))


def first_window(day: dt.date, bucket: str) -> Window:
    """The window the play control starts from when no date range is set: one bar of the
    timeline holding ``day`` (a calendar month, a Monday-to-Sunday week), or a week from
    ``day`` when the bars are days."""
    if bucket == "day":
        return Window(day, day + dt.timedelta(days=6))
    start = bucket_start(day, bucket)
    return Window(start, bucket_end(start, bucket))


def play_start(date_from: dt.date | None, date_to: dt.date | None, cover: Coverage, bucket: str) -> Window:
    """Where playing starts: the current window if it has both ends, else one bar from its start
    (or from the first incident when it has none)."""
    if date_from is not None and date_to is not None:
        return Window(date_from, date_to)
    if date_from is not None:
        return first_window(date_from, bucket)
    window = first_window(cover.first, bucket)
    if date_to is not None and date_to < window.end:
        return Window(min(window.start, date_to), date_to)
    return window


def step_window(window: Window, direction: int = 1) -> Window:
    """``window`` moved by its own length, forwards (``direction`` 1) or back (-1).

    Whole calendar months step by months (June -> July), so a month-long window
    does not drift across month boundaries.
    """
    start, end = window.start, window.end
    if start.day == 1 and bucket_end(end, "month") == end:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        new_start = (pd.Timestamp(start) + pd.DateOffset(months=months * direction)).date()
        new_end = (pd.Timestamp(new_start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
        return Window(new_start, new_end)
    shift = dt.timedelta(days=window.days * direction)
    return Window(start + shift, end + shift)


def next_play_window(window: Window, last: dt.date) -> Window | None:
    """The window after ``window`` while playing, or None once it would start after ``last``
    (the newest incident): playing stops there."""
    following = step_window(window, 1)
    return None if following.start > last else following


def nearest_window(dates: pd.Series, window: Window) -> tuple[Window, dt.date] | None:
    """A window of the same length as ``window`` that holds the incident nearest to it.

    For the empty state of a date filter ("nothing in the last 7 days"): if incidents
    exist before the window, the new one ends on the latest of them; otherwise it
    starts on the earliest one after it. Returns (window, that incident's date), or
    None when ``dates`` is empty.
    """
    known = dates.dropna()
    if known.empty:
        return None
    length = dt.timedelta(days=window.days - 1)
    before = known[known < pd.Timestamp(window.start)]
    if not before.empty:
        anchor = before.max().date()
        return Window(anchor - length, anchor), anchor
    after = known[known > pd.Timestamp(window.end)]
    if not after.empty:
        anchor = after.min().date()
        return Window(anchor, anchor + length), anchor
    return None


def brush_window(values: object, bucket: str) -> Window | None:
    """The window a timeline brush selected: ``values`` is the interval Vega reports for the
    x field, ``[start, end]`` in epoch milliseconds (ISO date strings are accepted too).
    None for an empty or malformed selection (a click that cleared the brush)."""
    if not isinstance(values, (list, tuple)) or len(values) != 2:
        return None
    ms = []
    for v in values:
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            ms.append(float(v))
            continue
        try:
            ms.append(pd.Timestamp(str(v)).value / 1e6)
        except (ValueError, TypeError):
            return None
    if any(m != m for m in ms):  # NaN
        return None
    return snap_span(ms[0], ms[1], bucket)
