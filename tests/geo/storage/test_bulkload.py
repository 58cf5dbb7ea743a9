"""Bulk loading stamps the time it is given, in UTC, like every other write."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from geo.storage.bulkload import bulk_insert
from geo.testing.synth import synth_frame


def stamps(store) -> set[str]:
    with store._engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT DISTINCT created_at, updated_at FROM incidents")).all()
    return {str(value)[:19] for row in rows for value in row}


def test_the_given_instant_stamps_every_row_in_utc(store):
    now = dt.datetime(2024, 3, 4, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert bulk_insert(store, synth_frame(50, seed=1), now=now) == 50
    assert stamps(store) == {"2024-03-04 12:30:00"}


def test_a_naive_instant_is_refused_and_nothing_is_written(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        bulk_insert(store, synth_frame(5, seed=1), now=dt.datetime(2024, 3, 4, 12, 30))
    assert stamps(store) == set()
