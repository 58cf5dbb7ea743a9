"""Incidents over time, following the filters: bars per day, week or month.

The bucket follows the span of the selection (a few weeks: days; up to three
years: weeks; longer: months) so a chart never has thousands of hair-thin bars.
Bars are stacked by actor with the map's colours. Altair ships with Streamlit
and Vega renders in the page: no CDN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from ui.symbols import ActorColours

__all__ = ["Timeline", "bucket_for", "prepare", "show_timeline", "timeline_counts"]

_STEP = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1)}


def bucket_for(dates: pd.Series) -> str:
    """ "day", "week" or "month" for the span of ``dates``."""
    if dates.empty:
        return "day"
    span = (dates.max() - dates.min()).days
    if span <= 92:
        return "day"
    if span <= 3 * 365:
        return "week"
    return "month"


def timeline_counts(df: pd.DataFrame, colours: ActorColours) -> tuple[pd.DataFrame, str]:
    """(rows of period, actor group, incidents; bucket name) for ``df``."""
    bucket = bucket_for(df["date"])
    dates = df["date"].dt.normalize()
    if bucket == "week":
        dates = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")  # Monday of the week
    elif bucket == "month":
        dates = dates.dt.to_period("M").dt.start_time
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
    span = int(days.max() - days.min())
    return "day" if span <= 92 else "week" if span <= 3 * 365 else "month"


def fast_counts(days: np.ndarray, groups: np.ndarray, labels: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """:func:`timeline_counts` from day numbers (days since 1970-01-01) and legend-group indexes.

    The same rows as :func:`timeline_counts` (sorted by period, then actor), counted with
    NumPy on integer codes: a few milliseconds even for a million incidents.
    """
    bucket = _bucket_for_days(days)
    if bucket == "week":
        periods = days - (days + 3) % 7  # 1970-01-01 was a Thursday: back to Monday
    elif bucket == "month":
        periods = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    else:
        periods = days
    n = max(len(labels), 1)
    codes, sizes = np.unique(periods.astype(np.int64) * n + groups.astype(np.int64), return_counts=True)
    period_codes, group_codes = np.divmod(codes, n)
    unit = "M" if bucket == "month" else "D"
    period = pd.Series(period_codes.astype(f"datetime64[{unit}]").astype("datetime64[ns]"))
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
            "x": {"field": "period", "type": "temporal", "title": None},
            "x2": {"field": "end"},
            "y": {
                "aggregate": "sum", "field": "incidents", "type": "quantitative",
                "title": f"Incidents per {bucket}", "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "actor", "type": "nominal", "title": "Actor",
                "scale": {"domain": [a for a, _ in legend], "range": [c for _, c in legend]},
            },
            "tooltip": [
                {"field": "period", "type": "temporal", "title": f"{bucket.capitalize()} of", "format": label_format},
                {"field": "actor", "type": "nominal", "title": "Actor"},
                {"aggregate": "sum", "field": "incidents", "type": "quantitative", "title": "Incidents"},
            ],
        },
        "height": 220,
    }  # fmt: skip
    return Timeline(counts, spec)


def show_timeline(df: pd.DataFrame, colours: ActorColours, *, prepared: Timeline | None = None) -> None:
    """The chart of ``df``; pass ``prepared`` (:func:`prepare`, cached per filter) to skip the counting."""
    chart = prepared if prepared is not None else prepare(df, colours)
    if chart is None:
        st.info("No incidents match the filters, so there is no timeline to draw.")
        return
    st.vega_lite_chart(chart.counts, chart.spec, width="stretch")
