"""One validation of an incident (``geo.incidents.incident_problems``), whichever way it comes in.

Each case is a defect a probe of every input path found: a value one way in
accepted and another refused, or one store accepted and the other refused. The
same limits now hold for CSV, GeoJSON, ACLED, the forms, restore and both stores.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from geo.formats.acled import ACLED_COLUMNS, parse_acled
from geo.formats.csvio import read_incidents_csv, write_incidents_csv
from geo.errors import ValidationError
from geo.formats.geojson_in import parse_geojson
from geo.formats.importers import plan_import
from geo.incidents import MAX_COUNT, MAX_ID_LENGTH, incident_problems, incident_to_row, validate_incident
from tests.geo.incident_factory import make_incident, make_source

D = dt.date


def feature(**props) -> dict:
    base = {"id": "gj-1", "date": "2024-01-20", "event_type": "rocket", "country": "IQ"}
    base.update(props)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [44.2338, 33.2619]}, "properties": base}


def collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def acled_text(**cells) -> str:
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(
        data_id="1", iso="368", event_id_cnty="IRQ1", event_date="2020-05-09", time_precision="1",
        event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
        country="Iraq", latitude="33.7856", longitude="42.4411", geo_precision="1", source="Wire", fatalities="0",
    )  # fmt: skip
    row.update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, ACLED_COLUMNS)
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


def csv_text(**changes) -> str:
    out = io.StringIO()
    write_incidents_csv([make_incident()], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    rows[0].update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def refusal(call) -> list:
    with pytest.raises(ValidationError) as info:
        call()
    return list(info.value.problems)


# --- dates: 1900-2100 every way in ------------------------------------------------------------


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_geojson_refuses_dates_outside_1900_to_2100(date):
    problems = refusal(lambda: parse_geojson(collection(feature(date=date)), source="in.geojson"))
    assert [(p.source, p.row, p.field) for p in problems] == [("in.geojson", 1, "date")]
    assert "1900" in problems[0].reason and "2100" in problems[0].reason


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1-Jan-1800"])
def test_acled_refuses_dates_outside_1900_to_2100(date):
    problems = refusal(lambda: parse_acled(acled_text(event_date=date), source="acled.csv"))
    assert [(p.row, p.field) for p in problems] == [(2, "event_date")]


@pytest.mark.parametrize("date", [D(1900, 1, 1), D(2100, 12, 31)])
def test_the_edges_of_the_window_are_accepted(date):
    assert validate_incident(make_incident(date=date)) == []


def test_a_source_published_outside_the_window_is_refused():
    inc = make_incident(sources=(make_source(published=D(1, 1, 1)),))
    assert [r.split(":")[0] for r in validate_incident(inc)] == ["sources"]


# --- integers: what both stores hold, and never negative ----------------------------------------


def test_an_integer_over_64_bits_is_refused_at_the_dry_run():
    # The dry run used to say "would add 1" and the import then failed with OverflowError.
    problems = refusal(lambda: parse_geojson(collection(feature(munitions=2**70)), source="big.geojson"))
    assert [(p.row, p.field) for p in problems] == [(1, "munitions")]


@pytest.mark.parametrize("value", [MAX_COUNT + 1, 2**63, -1])
def test_counts_outside_what_postgresql_holds_or_negative_are_refused(value):
    problems = refusal(lambda: read_incidents_csv(io.StringIO(csv_text(killed=str(value))), source_name="x.csv"))
    assert [(p.row, p.field) for p in problems] == [(2, "killed")]


def test_the_largest_count_is_accepted():
    assert validate_incident(make_incident(munitions=MAX_COUNT)) == []


@pytest.mark.parametrize("name", ["munitions", "killed", "injured"])
def test_negative_or_huge_per_source_figures_are_refused(name):
    for value in (-5, 2**70):
        inc = make_incident(sources=(make_source(**{name: value}),))
        assert any(r.startswith("sources:") and name in r for r in validate_incident(inc)), value


# --- sources ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("published", [20220105, ["2022-01-05"], {"y": 2022}, True, "yesterday"])
def test_a_published_that_is_not_a_date_string_is_refused_not_a_crash(published):
    sources = json.dumps([{"outlet": "AFP", "published": published}])
    problems = refusal(lambda: read_incidents_csv(io.StringIO(csv_text(sources=sources)), source_name="x.csv"))
    assert [(p.row, p.field) for p in problems] == [(2, "sources")]
    assert "published" in problems[0].reason


def test_a_published_that_is_not_a_string_in_geojson_is_refused():
    sources = [{"outlet": "AFP", "published": 20220105}]
    problems = refusal(lambda: parse_geojson(collection(feature(sources=sources)), source="s.geojson"))
    assert [(p.row, p.field) for p in problems] == [(1, "sources")]


# --- ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id, why",
    [
        ("x" * (MAX_ID_LENGTH + 1), "64"),
        ("inc 1", "letters"),
        ("inc/1", "letters"),
        ("<script>", "letters"),
        ("inc-\x00", "letters"),
    ],
)
def test_ids_outside_the_link_format_are_refused(bad_id, why):
    problems = refusal(lambda: parse_geojson(collection(feature(id=bad_id)), source="ids.geojson"))
    assert [(p.row, p.field) for p in problems] == [(1, "id")]
    assert why in problems[0].reason


def test_every_accepted_id_opens_with_sel():
    from geo.view.viewstate import parse_params

    inc = make_incident(id="acled:IRQ-1_2." + "x" * (MAX_ID_LENGTH - 14))
    assert validate_incident(inc) == [] and len(inc.id) == MAX_ID_LENGTH
    state, notices = parse_params({"sel": inc.id})
    assert state.selected == inc.id and not notices


# --- strings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["summary", "location", "actor", "admin1", "target", "attributed_by", "damage"])
def test_a_nul_in_any_text_field_is_refused(name):
    reasons = validate_incident(make_incident(**{name: "before\x00after"}))
    assert [r.split(":")[0] for r in reasons] == [name] and "NUL" in reasons[0]


def test_a_nul_in_a_source_is_refused():
    inc = make_incident(sources=(make_source(outlet="AF\x00P"),))
    assert [r.split(":")[0] for r in validate_incident(inc)] == ["sources"]


def test_a_lone_surrogate_is_refused():
    # PostgreSQL refuses it and SQLite's driver cannot encode it.
    assert [r.split(":")[0] for r in validate_incident(make_incident(summary="a\ud800b"))] == ["summary"]


def test_overlong_text_is_refused_with_its_limit():
    reasons = validate_incident(make_incident(location="x" * 100_000, site_id="s" * 101))
    assert sorted(r.split(":")[0] for r in reasons) == ["location", "site_id"]


# --- countries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["XX", "ZZ", "AA"])
def test_a_country_code_that_does_not_exist_is_refused(code):
    problems = refusal(lambda: read_incidents_csv(io.StringIO(csv_text(country=code)), source_name="x.csv"))
    assert ("x.csv", 2, "country") in [(p.source, p.row, p.field) for p in problems]


def test_countries_beyond_the_middle_east_are_accepted():
    inc = make_incident(country="MX", lat=19.43, lon=-99.13, site_id=None)
    assert incident_problems(inc) == []


# --- the same function for every way in ------------------------------------------------------------


def test_incident_problems_name_source_row_and_field():
    inc = make_incident(killed=-1, lat=48.85, lon=2.35)  # Paris is not in Iraq
    problems = incident_problems(inc, source="form", row=3)
    assert {(p.source, p.row, p.field) for p in problems} == {("form", 3, "killed"), ("form", 3, "lat")}


def test_the_dry_run_and_the_import_see_the_same_incidents(tmp_path):
    from geo.storage.store import Store

    incidents = parse_geojson(collection(feature(munitions=MAX_COUNT)), source="ok.geojson")
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.migrate()
    try:
        plan = plan_import(incidents, lambda _id: None)
        assert store.upsert_many(incidents) == plan.counts()
    finally:
        store.dispose()


def test_a_row_written_by_export_reads_back_unchanged():
    inc = make_incident(date=D(2100, 12, 31), munitions=MAX_COUNT, summary="ok ☂")
    row = incident_to_row(inc)
    from geo.incidents import incident_from_row

    assert incident_from_row(row) == inc
