"""Incidents over time, following the filters: bars per day, week or month.

The bucket follows the span of the selection (up to two months: days; up to
nine months: weeks; longer: months) so a chart has at most a few dozen bars
per year shown and each is wide enough to see, hover and drag across.
Bars are stacked by actor with the map's colours. Altair ships with Streamlit
and Vega renders in the page: no CDN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from geo.view.timespan import bucket_starts
from ui.symbols import ActorColours

__all__ = ["BRUSH", "Timeline", "brushable", "bucket_for", "prepare", "show_timeline", "timeline_counts"]

_STEP = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1)}


def bucket_for(dates: pd.Series) -> str:
    """ "day", "week" or "month" for the span of ``dates``."""
    if dates.empty:
        return "day"
    return _bucket_for_span((dates.max() - dates.min()).days)


# Longest span (days) drawn in days, then in weeks: ~60 and ~40 bars at most, so a
# bar is several pixels wide on a phone (weeks over three years were hair-thin).
DAY_SPAN, WEEK_SPAN = 62, 270


def _bucket_for_span(span: int) -> str:
    return "day" if span <= DAY_SPAN else "week" if span <= WEEK_SPAN else "month"


def timeline_counts(df: pd.DataFrame, colours: ActorColours) -> tuple[pd.DataFrame, str]:
    """(rows of period, actor group, incidents; bucket name) for ``df``."""
    bucket = bucket_for(df["date"])
    days = df["date"].to_numpy("datetime64[D]").astype(np.int64)
    dates = pd.Series(bucket_starts(days, bucket).astype("datetime64[D]").astype("datetime64[ns]"), index=df.index)
    counts = (
        pd.DataFrame({"period": dates, "actor": df["actor"].map(colours.group)})
        .groupby(["period", "actor"], as_index=False)
        .size()
        .rename(columns={"size": "incidents"})
    )
    counts["end"] = counts["period"] + _STEP[bucket]  # bars span their whole day / week / month
    return counts, bucket


def _bucket_for_days(days: np.ndarray) -> str:
    """:func:`bucket_for` on day numbers."""
    if len(days) == 0:
        return "day"
    return _bucket_for_span(int(days.max() - days.min()))


def fast_counts(days: np.ndarray, groups: np.ndarray, labels: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """:func:`timeline_counts` from day numbers (days since 1970-01-01) and legend-group indexes.

    The same rows as :func:`timeline_counts` (sorted by period, then actor), counted with
    NumPy on integer codes: a few milliseconds even for a million incidents.
    """
    bucket = _bucket_for_days(days)
    periods = bucket_starts(days, bucket)
    n = max(len(labels), 1)
    codes, sizes = np.unique(periods.astype(np.int64) * n + groups.astype(np.int64), return_counts=True)
    period_codes, group_codes = np.divmod(codes, n)
    period = pd.Series(period_codes.astype("datetime64[D]").astype("datetime64[ns]"))
    counts = pd.DataFrame(
        {"period": period, "actor": np.asarray(labels, dtype=object)[group_codes], "incidents": sizes.astype(np.int64)}
    )
    counts = counts.sort_values(["period", "actor"], kind="stable", ignore_index=True)
    counts["end"] = counts["period"] + _STEP[bucket]
    return counts, bucket


@dataclass(frozen=True)
class Timeline:
    """What the chart draws: the counts and a Vega-Lite spec (cache it per filter)."""

    counts: pd.DataFrame
    spec: dict
    bucket: str = "day"


def prepare(
    df: pd.DataFrame, colours: ActorColours, *, counted: tuple[pd.DataFrame, str] | None = None
) -> Timeline | None:
    """The chart for ``df`` (None when empty); ``counted`` is :func:`timeline_counts`' result if known."""
    if df.empty:
        return None
    counts, bucket = counted if counted is not None else timeline_counts(df, colours)
    legend = colours.legend(df["actor"].unique())
    label_format = "%b %Y" if bucket == "month" else "%d %b %Y"
    # A plain Vega-Lite spec (what Altair would generate): no Altair conversion per run.
    spec = {
        "mark": {"type": "bar", "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            # x..x2: a bar covers its whole bucket, so sparse weeks are still visible bars.
            # UTC scale: a bar dated 2021-06-01 starts on that day in every viewer's time zone.
            "x": {"field": "period", "type": "temporal", "title": None, "scale": {"type": "utc"}},
            "x2": {"field": "end"},
            "y": {
                "aggregate": "sum", "field": "incidents", "type": "quantitative",
                "title": f"Incidents per {bucket}", "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "actor", "type": "nominal", "title": "Actor",
                # Under the chart: at the side it took half of a phone's width from the bars.
                "legend": {"orient": "bottom", "direction": "horizontal", "columns": 2, "labelLimit": 150, "title": None},
                "scale": {"domain": [a for a, _ in legend], "range": [c for _, c in legend]},
            },
            "tooltip": [
                {"field": "period", "type": "temporal", "title": f"{bucket.capitalize()} of", "format": label_format,
                 "timeUnit": "utcyearmonthdate"},
                {"field": "actor", "type": "nominal", "title": "Actor"},
                {"aggregate": "sum", "field": "incidents", "type": "quantitative", "title": "Incidents"},
            ],
        },
        "height": 280,  # with the legend under the bars (autosize fits both in it)
    }  # fmt: skip
    return Timeline(counts, spec, bucket)


BRUSH = "span"  # the interval selection's name: Streamlit reports it under this key


def brushable(chart: Timeline, window: tuple[dt.date, dt.date] | None) -> tuple[pd.DataFrame, dict]:
    """(data, spec) of ``chart`` with an interval selection along x: dragging selects dates.

    ``window`` (first day, last day, inclusive) is the date filter: bars outside it
    fade. It is drawn from the data (an ``inside`` column), not as the brush's initial
    value, which Streamlit's chart does not restore when it mounts.
    """
    brush = {"name": BRUSH, "select": {"type": "interval", "encodings": ["x"]}}
    counts = chart.counts
    if window is None:
        opacity: dict = {"condition": {"param": BRUSH, "empty": True, "value": 1}, "value": 0.3}
    else:
        start, after = pd.Timestamp(window[0]), pd.Timestamp(window[1] + dt.timedelta(days=1))
        counts = counts.assign(inside=(counts["period"] < after) & (counts["end"] > start))
        # While dragging the brush decides; otherwise the date filter does.
        opacity = {"condition": [{"param": BRUSH, "empty": False, "value": 1}, {"test": "datum.inside", "value": 1}],
                   "value": 0.25}  # fmt: skip
    encoding = {**chart.spec["encoding"], "opacity": opacity}
    if window is not None:  # y sums per group: ``inside`` must be one of the group's fields to reach the test
        encoding["detail"] = {"field": "inside", "type": "nominal"}
    return counts, {**chart.spec, "params": [brush], "encoding": encoding}


def show_timeline(df: pd.DataFrame, colours: ActorColours, *, prepared: Timeline | None = None) -> None:
    """The chart of ``df``; pass ``prepared`` (:func:`prepare`, cached per filter) to skip the counting."""
    chart = prepared if prepared is not None else prepare(df, colours)
    if chart is None:
        st.info("No incidents match the filters, so there is no timeline to draw.")
        return
    st.vega_lite_chart(chart.counts, chart.spec, width="stretch")
