"""The frame contract: one row per incident, FIELDS + source_count + outlets, fixed dtypes."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from geo.view.frame import FRAME_COLUMNS, empty_frame, normalise_frame, to_frame
from geo.incidents import FIELDS
from tests.geo.incident_factory import make_incident, make_source

EXPECTED_DTYPES = {
    "date": "datetime64[ns]",
    "lat": "float64",
    "lon": "float64",
    "geo_precision": "int64",
    "source_count": "int64",
    "intercepted": "bool",
    "munitions": "Int64",
    "killed": "Int64",
    "injured": "Int64",
}


@pytest.fixture
def frame() -> pd.DataFrame:
    return to_frame(
        [
            make_incident(),
            make_incident(
                date=dt.date(2021, 5, 1),
                date_precision="month",
                event_type="drone",
                munitions=None,
                killed=None,
                site_id=None,
                sources=(make_source(outlet="AP"), make_source(outlet="AFP"), make_source(outlet="AP")),
            ),
        ]
    )


def test_columns_are_fields_plus_source_count_and_outlets(frame):
    assert tuple(frame.columns) == FRAME_COLUMNS == FIELDS + ("source_count", "outlets")


@pytest.mark.parametrize("column, dtype", sorted(EXPECTED_DTYPES.items()))
def test_column_dtypes(frame, column, dtype):
    assert str(frame[column].dtype) == dtype


def test_text_columns_are_objects_with_none_for_missing(frame):
    assert frame["site_id"].dtype == object
    assert frame.loc[1, "site_id"] is None


def test_unknown_figures_stay_missing_not_zero(frame):
    assert frame.loc[1, "munitions"] is pd.NA
    assert frame.loc[0, "killed"] == 0


def test_source_count_and_outlets_deduplicated_in_order(frame):
    assert frame.loc[1, "source_count"] == 3
    assert frame.loc[1, "outlets"] == "AP, AFP"


def test_sources_column_is_json_text(frame):
    assert json.loads(frame.loc[0, "sources"])[0]["outlet"] == "Reuters"


def test_empty_frame_has_the_contract_columns_and_dtypes():
    empty = empty_frame()
    assert len(empty) == 0 and tuple(empty.columns) == FRAME_COLUMNS
    for column, dtype in EXPECTED_DTYPES.items():
        assert str(empty[column].dtype) == dtype
    assert to_frame([]).dtypes.equals(empty.dtypes)


def test_normalise_frame_coerces_plain_values_and_is_idempotent(frame):
    raw = frame.astype(object)
    raw["date"] = raw["date"].map(lambda ts: ts.date().isoformat())
    normalised = normalise_frame(raw)
    pd.testing.assert_frame_equal(normalised, frame)
    pd.testing.assert_frame_equal(normalise_frame(normalised), normalised)


def test_normalise_frame_resets_the_index(frame):
    assert list(normalise_frame(frame.iloc[[1]]).index) == [0]
