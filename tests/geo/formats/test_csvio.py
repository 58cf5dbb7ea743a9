"""Our CSV format: every bad row is reported with its spreadsheet row number; a failed read returns nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from geo.places.countries import COUNTRIES
from geo.formats.csvio import MAX_BYTES, read_incidents_csv, write_incidents_csv
from geo.errors import InputError, ValidationError
from geo.incidents import FIELDS
from tests.geo.incident_factory import make_incident, make_source


@pytest.fixture
def incidents():
    return [
        make_incident(),
        make_incident(
            date=dt.date(2021, 7, 7),
            event_type="drone",
            intercepted=True,
            site_id="al-omar-oil-field",
            location="Al-Omar oil field, \"western side\"",
            lat=35.1517,
            lon=40.5758,
            country="SY",
            munitions=None,
            summary="Line one\nline two, with a comma",
            sources=(make_source(outlet="SOHR", published=None, munitions=None), make_source(outlet="AFP")),
        ),
    ]


def csv_text(incidents) -> str:
    out = io.StringIO()
    write_incidents_csv(incidents, out)
    return out.getvalue()


def read_text(text: str, **kw):
    return read_incidents_csv(io.BytesIO(text.encode("utf-8")), source_name="upload.csv", **kw)


def problems_of(text: str):
    with pytest.raises(ValidationError) as err:
        read_text(text)
    return err.value.problems


def with_row_edit(incidents, index: int, **cells) -> str:
    """CSV text of ``incidents`` with some cells of data row ``index`` (0-based) replaced."""
    rows = list(csv.reader(io.StringIO(csv_text(incidents))))
    header = rows[0]
    for name, value in cells.items():
        rows[index + 1][header.index(name)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- round trip ------------------------------------------------------------------------------


def test_write_then_read_round_trips_every_field(incidents, tmp_path):
    path = tmp_path / "incidents.csv"
    write_incidents_csv(incidents, path)
    assert read_incidents_csv(path) == incidents


def test_header_is_fields_and_flags_are_words(incidents):
    text = csv_text(incidents)
    assert text.splitlines()[0] == ",".join(FIELDS)
    assert ",false," in text.splitlines()[1]


def test_write_to_a_binary_handle(incidents):
    buffer = io.BytesIO()
    write_incidents_csv(incidents, buffer)
    buffer.seek(0)
    assert read_incidents_csv(buffer) == incidents


def test_byte_order_mark_and_crlf_from_spreadsheets_are_accepted(incidents):
    data = "\ufeff" + csv_text(incidents).replace("\n", "\r\n").replace("Line one\r\nline two", "Line one\nline two")
    assert read_incidents_csv(io.BytesIO(data.encode("utf-8"))) == incidents


def test_blank_lines_are_skipped_but_still_counted(incidents):
    text = csv_text(incidents)
    header, rest = text.split("\n", 1)
    text = header + "\n\n" + rest.replace(",2021-07-07,", ",2021-07-99,", 1)
    # Row 2 is blank; the first incident is row 3, the (multi-line) second one row 4.
    assert [(p.row, p.field) for p in problems_of(text)] == [(4, "date")]


def test_missing_id_gets_a_stable_computed_one(incidents):
    text = with_row_edit(incidents, 0, id="")
    assert read_text(text)[0].id == incidents[0].id


def test_optional_columns_may_be_left_out():
    text = "date,lat,lon,country,event_type\n2022-01-05,33.7856,42.4411,IQ,rocket\n"
    (inc,) = read_text(text)
    assert inc.id.startswith("inc-2022-01-05-") and inc.actor == "Unknown"


# --- every kind of bad row -------------------------------------------------------------------


@pytest.mark.parametrize(
    "cells, field, reason_part",
    [
        ({"date": "5 Jan 2022"}, "date", "not a date"),
        ({"date": "1850-01-01"}, "date", "implausible"),
        ({"lat": "95.5"}, "lat", "latitude"),
        ({"lon": "200"}, "lon", "longitude"),
        ({"lat": "abc"}, "lat", "not a number"),
        ({"lat": "40.5758", "lon": "35.1517"}, "lat", "latitude and longitude look swapped"),  # al-Omar, swapped
        ({"event_type": "catapult"}, "event_type", "not one of"),
        ({"attribution": "gossip"}, "attribution", "not one of"),
        ({"status": "final"}, "status", "not one of"),
        ({"date_precision": "decade"}, "date_precision", "not one of"),
        ({"geo_precision": "9"}, "geo_precision", "1, 2, 3, 4"),
        ({"country": "Iraq"}, "country", "ISO 3166-1"),
        ({"killed": "several"}, "killed", "whole number"),
        ({"sources": "[{broken"}, "sources", "JSON list"),
    ],
)
def test_each_bad_value_names_row_and_field(incidents, cells, field, reason_part):
    (problem,) = problems_of(with_row_edit(incidents, 1, **cells))
    assert (problem.source, problem.row, problem.field) == ("upload.csv", 3, field)
    assert reason_part in problem.reason


def test_swapped_coordinates_outside_the_valid_range_get_the_swap_hint_only():
    text = "date,lat,lon,country,event_type\n2022-01-05,151.2,-33.9,AU,rocket\n2022-01-05,40.57,35.15,SY,rocket\n"
    problems = problems_of(text)
    assert [(p.row, p.field) for p in problems] == [(2, "lat"), (3, "lat")]
    assert "swapped" not in problems[0].reason  # no box for AU: just the range error
    assert "swapped" in problems[1].reason


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.iso2)
def test_a_point_inside_each_country_box_is_not_flagged(country):
    min_lon, min_lat, max_lon, max_lat = country.bbox
    lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
    text = f"date,lat,lon,country,event_type\n2022-01-05,{lat},{lon},{country.iso2},rocket\n"
    assert len(read_text(text)) == 1


def test_a_point_outside_its_country_is_refused_like_in_every_importer():
    text = "date,lat,lon,country,event_type\n2022-01-05,33.78,42.44,SY,rocket\n"  # Ain al-Asad, said to be in Syria
    (problem,) = problems_of(text)
    assert (problem.row, problem.field) == (2, "lat") and "outside Syria" in problem.reason


def test_duplicate_ids_name_both_rows(incidents):
    problems = problems_of(csv_text([incidents[0], incidents[1], incidents[0]]))
    assert [(p.row, p.field) for p in problems] == [(4, "id")]
    assert "row 2" in problems[0].reason


def test_wrong_column_count(incidents):
    text = csv_text(incidents).rstrip("\n") + "\n2022-01-05,too,few\n"
    (problem,) = problems_of(text)
    assert problem.row == 4 and "3 fields" in problem.reason


def test_every_bad_row_is_reported_in_one_error_and_nothing_is_returned(incidents):
    text = with_row_edit(incidents + [make_incident(date=dt.date(2020, 1, 8))], 0, lat="x")
    text = text.replace(",2020-01-08,", ",2020-13-08,", 1).rstrip("\n") + "\n1,2\n"
    problems = problems_of(text)
    assert [(p.row, p.field) for p in problems] == [(2, "lat"), (4, "date"), (5, None)]
    assert "3 problem(s)" in str(ValidationError(problems))


@pytest.mark.parametrize(
    "header, field, reason_part",
    [
        ("date,lat,lon,country,event_type,colour", "colour", "unknown column"),
        ("date,lat,lon,country", "event_type", "missing"),
        ("date,lat,lat,lon,country,event_type", "lat", "twice"),
    ],
)
def test_bad_header_is_reported_on_row_1(header, field, reason_part):
    problems = problems_of(header + "\n")
    assert any(p.row == 1 and p.field == field and reason_part in p.reason for p in problems)


def test_broken_quoting_is_reported_with_its_row():
    text = 'date,lat,lon,country,event_type\n2022-01-05,33.7,42.4,IQ,rocket\n2022-01-05,"33.7,42.4,IQ,rocket\n'
    (problem,) = problems_of(text)
    assert problem.row == 3 and "malformed CSV" in problem.reason


# --- unusable input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("date,lat\n2022-01-05,Ḃ".encode("utf-16"), "binary"),
        ("date,lat,lon,country,event_type\n2022-01-05,33.7,42.4,IQ,rocket\nDéjà".encode("latin-1"), "line 3"),
    ],
)
def test_unusable_input_is_an_input_error(data, message):
    with pytest.raises(InputError, match=message):
        read_incidents_csv(io.BytesIO(data), source_name="upload.csv")


def test_oversized_file_is_refused_before_reading(tmp_path, incidents):
    path = tmp_path / "big.csv"
    write_incidents_csv(incidents, path)
    with pytest.raises(InputError, match="limit"):
        read_incidents_csv(path, max_bytes=100)
    assert MAX_BYTES == 50 * 1024 * 1024


def test_oversized_stream_is_refused(incidents):
    with pytest.raises(InputError, match="limit"):
        read_incidents_csv(io.BytesIO(csv_text(incidents).encode()), max_bytes=100)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_incidents_csv(tmp_path / "nope.csv")


def test_text_handles_work_too(incidents):
    assert read_incidents_csv(io.StringIO(csv_text(incidents))) == incidents
