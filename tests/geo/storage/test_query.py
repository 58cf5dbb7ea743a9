"""Filters run in SQL: the same incidents, in the same order, as the dashboard's snapshot shows."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.storage import snapshot
from geo.storage.bulkload import bulk_insert
from geo.view.filters import Filters
from geo.storage.query import count, iter_chunks
from geo.testing.synth import synth_frame

D = dt.date
N = 3_000


@pytest.fixture
def filled(store):
    """The store with N synthetic incidents (every date precision, actor, type, country...)."""
    bulk_insert(store, synth_frame(N, seed=3))
    return store


def exported_ids(store, filters, rows=700) -> list[str]:
    return [i for chunk in iter_chunks(store, filters, rows=rows) for i in chunk.columns["id"]]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=D(2021, 3, 10)),  # week and month incidents overlapping the start pass
        Filters(date_to=D(2020, 6, 30)),
        Filters(date_from=D(2020, 2, 29), date_to=D(2020, 3, 2)),
        Filters(event_types=("drone", "rocket"), countries=("SY",)),
        Filters(attributions=("claimed",), intercepted=True),
        Filters(intercepted=False, date_from=D(2022, 1, 1)),
        Filters(text="ain al"),
        Filters(text="REUTERS"),  # a source's outlet, in any case
        Filters(text="100%_"),  # LIKE's wildcards are literal text
        Filters(families=("iran_aligned",)),
        Filters(families=("us", "isis"), countries=("IQ",)),
    ],
    ids=repr,
)
def test_sql_filters_pass_what_the_snapshot_shows_in_its_order(filled, filters):
    snap = snapshot.build(filled)
    want = snap.frame["id"].astype(object)[snap.mask(filters)].tolist()
    assert exported_ids(filled, filters) == want
    assert count(filled, filters) == len(want)


def test_actor_filter_and_deleted_rows(filled):
    snap = snapshot.build(filled)
    actor = snap.frame["actor"].astype(object).iloc[0]
    first = snap.frame["id"].astype(object).iloc[0]
    filled.soft_delete(first, user="test")
    ids = exported_ids(filled, Filters(actors=(actor,)))
    assert ids and first not in ids
    assert set(snap.frame.loc[snap.frame["actor"] == actor, "id"].astype(object)) - {first} == set(ids)


def test_chunks_hold_json_typed_values(filled):
    chunk = next(iter_chunks(filled, Filters(), rows=50))
    cols = chunk.columns
    assert len(chunk) == 50
    assert all(isinstance(d, str) and len(d) == 10 for d in cols["date"])
    assert all(isinstance(v, bool) for v in cols["intercepted"])
    assert all(isinstance(v, float) for v in cols["lat"])
    assert all(isinstance(s, str) and s.startswith("[") for s in cols["sources"])
