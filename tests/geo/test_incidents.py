"""The incident model: stable ids, rows in and out, and validation that names row and field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from geo.errors import ValidationError
from geo.incidents import (
    FIELDS,
    Incident,
    Source,
    incident_from_row,
    incident_id,
    incident_to_row,
    validate_incident,
)
from tests.geo.incident_factory import make_incident, make_source

D = dt.date


# --- ids ---------------------------------------------------------------------------------


def test_incident_id_is_stable_and_starts_with_the_date():
    first = incident_id(D(2022, 1, 5), "ain-al-asad", "rocket")
    assert first == incident_id(D(2022, 1, 5), "ain-al-asad", "rocket")
    assert first.startswith("inc-2022-01-05-")


@pytest.mark.parametrize(
    "other",
    [
        (D(2022, 1, 4), "ain-al-asad", "rocket"),
        (D(2022, 1, 5), "baghdad-airport", "rocket"),
        (D(2022, 1, 5), "ain-al-asad", "drone"),
    ],
)
def test_incident_id_differs_when_date_place_or_type_differs(other):
    assert incident_id(D(2022, 1, 5), "ain-al-asad", "rocket") != incident_id(*other)


# --- rows ----------------------------------------------------------------------------------


def test_row_has_fields_in_order_and_sources_as_json_text():
    row = incident_to_row(make_incident())
    assert tuple(row) == FIELDS
    assert row["date"] == "2022-01-05"
    assert json.loads(row["sources"])[0]["outlet"] == "Reuters"


def test_row_round_trip_keeps_every_field():
    inc = make_incident(
        intercepted=True,
        munitions=None,
        killed=3,
        injured=0,
        site_id=None,
        summary="Zwei Drohnen — «abgefangen», 2 km",
        sources=(make_source(), make_source(outlet="AFP", published=None, munitions=8, killed=None)),
    )
    assert incident_from_row(incident_to_row(inc)) == inc


def test_row_of_plain_strings_parses_like_a_csv_row():
    row = {k: ("" if v is None else str(v)) for k, v in incident_to_row(make_incident()).items()}
    row["intercepted"] = "yes"
    inc = incident_from_row(row)
    assert inc.intercepted is True
    assert inc.lat == pytest.approx(33.7856)
    assert inc.injured is None  # empty cell: unknown, not zero


def test_missing_optional_values_take_their_defaults():
    inc = incident_from_row(
        {"id": "x", "date": "2022-01-05", "lat": "33.8", "lon": "42.4", "country": "iq", "event_type": "Rocket"}
    )
    assert (inc.actor, inc.attribution, inc.status, inc.date_precision, inc.geo_precision) == (
        "Unknown",
        "unknown",
        "proposed",
        "day",
        1,
    )
    assert inc.country == "IQ" and inc.event_type == "rocket"


def _problems(row, **kw):
    with pytest.raises(ValidationError) as err:
        incident_from_row(row, **kw)
    return err.value.problems


@pytest.mark.parametrize(
    "field, value, reason_part",
    [
        ("date", "05/01/2022", "not a date"),
        ("lat", "north", "not a number"),
        ("lat", "95.0", "latitude"),
        ("lon", "-181", "longitude"),
        ("lon", "nan", "not a number"),
        ("geo_precision", "7", "1, 2, 3, 4"),
        ("country", "Iraq", "ISO 3166-1"),
        ("event_type", "nuke", "not one of"),
        ("attribution", "rumoured", "not one of"),
        ("status", "done", "not one of"),
        ("date_precision", "year", "not one of"),
        ("munitions", "five", "whole number"),
        ("killed", "-1", "negative"),
        ("intercepted", "maybe", "true/false"),
        ("sources", "{not json", "JSON list"),
        ("sources", '{"outlet": "x"}', "JSON list"),
    ],
)
def test_each_bad_value_is_reported_with_source_row_and_field(field, value, reason_part):
    row = incident_to_row(make_incident())
    row[field] = value
    problems = _problems(row, source="upload.csv", rownum=7)
    assert [(p.source, p.row, p.field) for p in problems] == [("upload.csv", 7, field)]
    assert reason_part in problems[0].reason
    assert "upload.csv, row 7" in str(problems[0])


def test_all_problems_of_a_row_are_reported_together():
    row = incident_to_row(make_incident())
    row.update(date="yesterday", lat="x", munitions="many")
    assert {p.field for p in _problems(row)} == {"date", "lat", "munitions"}


def test_unknown_figure_words_mean_unknown_not_zero():
    row = incident_to_row(make_incident())
    row.update(killed="unknown", injured="n/a", munitions="")
    inc = incident_from_row(row)
    assert (inc.killed, inc.injured, inc.munitions) == (None, None, None)


def test_validate_incident_accepts_a_valid_incident():
    assert validate_incident(make_incident()) == []


def test_validate_incident_rejects_integer_coordinates_typed_as_int():
    # lat/lon must be floats: an int sneaking in would compare equal but serialise differently.
    assert any(r.startswith("lat:") for r in validate_incident(make_incident(lat=33)))


# --- sources and figures ---------------------------------------------------------------------


def test_source_dict_round_trip():
    src = make_source(published=D(2021, 7, 7), killed=None)
    assert Source.from_dict(src.to_dict()) == src
    assert src.to_dict()["published"] == "2021-07-07"


def test_source_from_dict_accepts_a_timestamp_and_missing_keys():
    src = Source.from_dict({"outlet": "AFP", "published": "2022-01-07T10:00:00Z"})
    assert src.published == D(2022, 1, 7)
    assert (src.url, src.munitions) == ("", None)


@pytest.mark.parametrize(
    "incident_figure, source_figures, expected",
    [
        (5, (5, 8), (5, 8)),  # conflicting reports stand side by side
        (None, (None, None), None),  # nobody says: unknown
        (None, (0, None), (0, 0)),  # "no casualties" is a figure
    ],
)
def test_figure_range_spans_incident_and_sources(incident_figure, source_figures, expected):
    inc = make_incident(munitions=incident_figure, sources=tuple(make_source(munitions=m) for m in source_figures))
    assert inc.figure_range("munitions") == expected


def test_incident_is_immutable_and_with_changes_copies():
    inc = make_incident()
    changed = inc.with_changes(killed=2)
    assert (inc.killed, changed.killed) == (0, 2)
    with pytest.raises(AttributeError):
        inc.killed = 1  # type: ignore[misc]
    assert isinstance(changed, Incident)


@pytest.mark.parametrize(
    ("outlet", "published", "title", "url", "expected"),
    [
        ("AFP", dt.date(2022, 1, 7), "Rockets near Ain al-Asad", "", "AFP, 2022-01-07: Rockets near Ain al-Asad"),
        ("AFP", "2022-01-07T10:00:00", "Rockets", None, "AFP, 2022-01-07: Rockets"),  # as the sources JSON holds it
        ("AFP", None, "Rockets", "", "AFP: Rockets"),
        ("", None, "Rockets", "", "Rockets"),
        ("AFP", dt.date(2022, 1, 7), "", "", "AFP, 2022-01-07"),
        (None, None, None, "https://example.org/a", "https://example.org/a"),
        ("", None, "  ", "", "Source"),
    ],
)
def test_a_source_reads_as_outlet_date_and_headline(outlet, published, title, url, expected):
    from geo.incidents import Source, source_label

    assert source_label(outlet, published, title, url) == expected
    if isinstance(published, dt.date) or published is None:
        assert Source(outlet=outlet or "", url=url or "", published=published, title=title or "").label == expected
