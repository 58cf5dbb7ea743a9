"""Filters: one definition of "which incidents a view shows", applied vectorised."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo.view.filters import DATE_PRESETS, Filters, apply_filters, filter_mask, month_end, preset_range
from geo.view.frame import to_frame
from tests.geo.incident_factory import make_incident, make_source

D = dt.date


@pytest.fixture
def frame() -> pd.DataFrame:
    """Five incidents with distinct dates, precisions, actors, types and countries."""
    return to_frame(
        [
            make_incident(id="day", date=D(2022, 1, 5), summary="Rockets hit Ain al-Asad"),
            make_incident(
                id="week",
                date=D(2021, 12, 27),
                date_precision="week",
                event_type="drone",
                intercepted=True,
                actor="Unknown",
                attribution="unknown",
            ),
            make_incident(
                id="month",
                date=D(2021, 4, 1),
                date_precision="month",
                site_id="balad-air-base",
                location="Balad Air Base",
                sources=(make_source(outlet="Associated Press", evidence="contractors wounded"),),
            ),
            make_incident(
                id="syria",
                date=D(2022, 1, 5),
                country="SY",
                event_type="indirect_fire",
                actor="Pro-Iran militias",
                attribution="suspected",
                summary="Eight rounds at Green Village",
            ),
            make_incident(
                id="strike", date=D(2020, 1, 3), event_type="airstrike", actor="United States", attribution="claimed"
            ),
        ]
    )


def ids(df: pd.DataFrame) -> set[str]:
    return set(df["id"])


def test_empty_filters_keep_everything(frame):
    assert Filters().is_empty()
    assert ids(apply_filters(frame, Filters())) == ids(frame)


@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(date_from=D(2022, 1, 1)), {"day", "syria", "week"}),  # that week ends on 2 January
        (Filters(date_to=D(2021, 12, 31)), {"week", "month", "strike"}),
        (Filters(date_from=D(2022, 1, 5), date_to=D(2022, 1, 5)), {"day", "syria"}),
        (Filters(actors=("United States", "Pro-Iran militias")), {"strike", "syria"}),
        (Filters(attributions=("unknown",)), {"week"}),
        (Filters(families=("iran_aligned",)), {"day", "month", "syria"}),  # "Pro-Iran militias" is one of them
        (Filters(families=("us", "unknown")), {"strike", "week"}),
        (Filters(families=("iran_aligned",), actors=("Pro-Iran militias",)), {"syria"}),  # family and group
        (Filters(event_types=("drone", "airstrike")), {"week", "strike"}),
        (Filters(countries=("SY",)), {"syria"}),
        (Filters(intercepted=True), {"week"}),
        (Filters(intercepted=False), {"day", "month", "syria", "strike"}),
        (Filters(countries=("IQ",), event_types=("rocket",), date_from=D(2022, 1, 1)), {"day"}),
    ],
)
def test_each_filter_and_their_combination(frame, filters, expected):
    assert ids(apply_filters(frame, filters)) == expected


@pytest.mark.parametrize(
    "date_from, date_to, expected",
    [
        # A month-precision incident (stored on the 1st) may have happened any day of its month.
        (D(2021, 4, 20), D(2021, 4, 30), {"month"}),
        (D(2021, 4, 30), None, {"month", "week", "day", "syria"}),
        (D(2021, 5, 1), D(2021, 5, 31), set()),
        (D(2021, 3, 1), D(2021, 3, 31), set()),
        # A week-precision incident covers seven days from its date.
        (D(2022, 1, 2), D(2022, 1, 2), {"week"}),
        (D(2022, 1, 3), D(2022, 1, 3), set()),
        (D(2021, 12, 20), D(2021, 12, 26), set()),
    ],
)
def test_date_range_overlaps_the_period_of_week_and_month_precision(frame, date_from, date_to, expected):
    assert ids(apply_filters(frame, Filters(date_from=date_from, date_to=date_to))) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("green village", {"syria"}),
        ("  ROCKETS HIT ", {"day"}),  # case and surrounding blanks do not matter
        ("balad-air", {"month"}),  # site ids are searched
        ("contractors", {"month"}),  # so is the text of the sources
        ("a.*b", set()),  # a literal substring, never a regular expression
        ("no such words", set()),
    ],
)
def test_free_text_searches_summaries_places_and_sources(frame, text, expected):
    assert ids(apply_filters(frame, Filters(text=text))) == expected


def test_mask_is_positional_and_index_is_kept(frame):
    subset = frame.iloc[[4, 0]]
    mask = filter_mask(subset, Filters(event_types=("airstrike",)))
    assert mask.tolist() == [True, False]
    assert list(apply_filters(subset, Filters(event_types=("airstrike",))).index) == [4]


def test_filters_on_an_empty_frame(frame):
    assert apply_filters(frame.iloc[0:0], Filters(text="x", date_from=D(2022, 1, 1))).empty


@pytest.mark.parametrize("label", sorted(DATE_PRESETS))
def test_presets_end_today_and_span_their_days(label):
    today = D(2022, 1, 31)
    start, end = preset_range(label, today=today)
    days = DATE_PRESETS[label]
    if days is None:
        assert (start, end) == (None, None)
    else:
        assert end == today and (end - start).days == days - 1


@pytest.mark.parametrize(
    "day, expected", [(D(2021, 2, 10), D(2021, 2, 28)), (D(2024, 2, 1), D(2024, 2, 29)), (D(2021, 12, 31), D(2021, 12, 31))]
)
def test_month_end(day, expected):
    assert month_end(day) == expected
