"""Incidents over time, following the filters: bars per day, week or month.

The bucket follows the span of the selection (a few weeks: days; up to three
years: weeks; longer: months) so a chart never has thousands of hair-thin bars.
Bars are stacked by actor with the map's colours. Altair ships with Streamlit
and Vega renders in the page: no CDN.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui.symbols import ActorColours

__all__ = ["bucket_for", "show_timeline", "timeline_counts"]


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
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1)}[bucket]
    counts["end"] = counts["period"] + step  # bars span their whole day / week / month
    return counts, bucket


def show_timeline(df: pd.DataFrame, colours: ActorColours) -> None:
    if df.empty:
        st.info("No incidents match the filters, so there is no timeline to draw.")
        return
    counts, bucket = timeline_counts(df, colours)
    legend = colours.legend(df["actor"].unique())
    label_format = "%b %Y" if bucket == "month" else "%d %b %Y"
    chart = (
        alt.Chart(counts)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            # x..x2: a bar covers its whole bucket, so sparse weeks are still visible bars.
            x=alt.X("period:T", title=None),
            x2="end:T",
            y=alt.Y("sum(incidents):Q", title=f"Incidents per {bucket}", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "actor:N",
                title="Actor",
                scale=alt.Scale(domain=[a for a, _ in legend], range=[c for _, c in legend]),
            ),
            tooltip=[
                alt.Tooltip("period:T", title=f"{bucket.capitalize()} of", format=label_format),
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("sum(incidents):Q", title="Incidents"),
            ],
        )
        .properties(height=220)
    )
    st.altair_chart(chart, width="stretch")
