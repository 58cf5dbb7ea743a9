"""The timeline's bars and its brush share one bucket definition (geo.view.timespan), so they never drift."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo.view import timespan
from ui import timeline


@pytest.mark.parametrize("span_days", [40, 200, 2000])  # day, week and month bars
def test_dragging_across_any_bar_selects_exactly_that_bar(span_days):
    rng = np.random.default_rng(span_days)
    dates = pd.Timestamp("1969-11-20") + pd.to_timedelta(rng.integers(0, span_days, 300), unit="D")
    days = dates.to_numpy("datetime64[D]").astype(np.int64)
    counts, bucket = timeline.fast_counts(days, np.zeros(len(days), dtype=np.int64), ["all"])
    assert counts["incidents"].sum() == 300
    # The bars are the shared buckets...
    assert set(counts["period"].to_numpy("datetime64[D]").astype(np.int64)) == set(timespan.bucket_starts(days, bucket))
    # ...so a brush over one bar (Vega reports its edges in epoch ms) snaps to that bar, no more.
    for period, end in zip(counts["period"], counts["end"]):
        window = timespan.snap_span(period.value / 1e6, end.value / 1e6, bucket)
        assert window == timespan.Window(period.date(), end.date() - dt.timedelta(days=1))
