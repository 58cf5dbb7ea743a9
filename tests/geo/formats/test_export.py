"""Exports: RFC 7946 GeoJSON that GIS tools read back unchanged, our CSV, and ``python -m geo export``."""

from __future__ import annotations

import csv
import datetime as dt
import dataclasses
import io
import json
import math
import re

import geopandas as gpd
import pandas as pd
import pytest

from geo.cli import main
from geo.formats.csvio import read_incidents_csv, write_incidents_csv
from geo.formats.export import to_csv, to_geojson
from geo.view.frame import to_frame
from geo.incidents import FIELDS
from tests.geo.incident_factory import make_incident, make_source

D = dt.date


@pytest.fixture
def incidents():
    return [
        make_incident(date=D(2022, 1, 5), lat=33.78561234567, lon=42.44119876543),
        make_incident(
            date=D(2022, 1, 3),
            site_id="baghdad-airport",
            location="Baghdad International Airport",
            lat=33.2625,
            lon=44.2344,
            admin1="Baghdad",
            event_type="drone",
            intercepted=True,
            actor="Unknown",
            attribution="unknown",
            munitions=2,
            killed=None,
            injured=None,
            summary='Two drones — "shot down", près de l\'aéroport',
            sources=(make_source(outlet="AP", published=None), make_source(outlet="AFP", munitions=None)),
        ),
        make_incident(
            date=D(2021, 5, 1),
            date_precision="month",
            site_id=None,
            location="Green Village",
            lat=35.1517,
            lon=40.5758,
            country="SY",
            admin1="Deir ez-Zor",
            event_type="indirect_fire",
            munitions=None,
            killed=None,
            injured=5,
            sources=(),
        ),
    ]


@pytest.fixture
def frame(incidents):
    return to_frame(incidents)


@pytest.fixture
def collection(frame):
    return json.loads(to_geojson(frame))


# --- GeoJSON: RFC 7946 ------------------------------------------------------------------------


def test_feature_collection_without_crs(collection):
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert [f["type"] for f in collection["features"]] == ["Feature"] * 3


def test_points_are_lon_lat_with_at_most_six_decimals(frame):
    data = to_geojson(frame)
    features = json.loads(data)["features"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [42.441199, 33.785612]}
    for text in re.findall(rb'"coordinates":\[([^\]]*)\]', data):
        for number in text.split(b","):
            assert len(number.split(b".")[1]) <= 6 if b"." in number else True


def test_every_field_is_a_property_with_json_types(collection, incidents):
    props = collection["features"][1]["properties"]
    assert list(props) == list(FIELDS)
    assert props["date"] == "2022-01-03"
    assert props["intercepted"] is True
    assert props["munitions"] == 2 and props["killed"] is None and props["injured"] is None
    assert isinstance(props["sources"], list) and props["sources"][0]["outlet"] == "AP"
    assert props["sources"][0]["published"] is None
    assert props["lat"] == 33.2625  # full precision kept in the properties
    assert props["actor_family"] == incidents[1].actor_family != ""


def test_missing_site_and_empty_sources(collection):
    props = collection["features"][2]["properties"]
    assert props["site_id"] is None
    assert props["sources"] == []


def test_source_text_with_quotes_newlines_and_unicode_stays_valid_json(frame):
    tricky = make_source(outlet='Al "Sumaria"', title="line\nbreak \\ back", evidence="«جيد» ☂ \u2028")
    data = to_geojson(to_frame([make_incident(sources=(tricky,))]))
    (feature,) = json.loads(data)["features"]
    assert feature["properties"]["sources"] == [tricky.to_dict()]


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, []),
        ("", []),
        ([{"outlet": "AP"}], [{"outlet": "AP"}]),  # a frame someone built with real lists
        (' [{"outlet": "AP"}] ', [{"outlet": "AP"}]),  # padded text is parsed, not spliced
    ],
)
def test_sources_in_other_shapes(frame, value, expected):
    frame = frame.iloc[[0]].copy()
    frame["sources"] = pd.Series([value], dtype=object, index=frame.index)
    (feature,) = json.loads(to_geojson(frame))["features"]
    assert feature["properties"]["sources"] == expected


def test_sources_text_that_is_not_json_raises_instead_of_corrupting(frame):
    frame = frame.iloc[[0]].copy()
    frame["sources"] = "not json"
    with pytest.raises(ValueError):
        to_geojson(frame)


def test_empty_frame_is_an_empty_collection(frame):
    assert json.loads(to_geojson(frame.iloc[0:0])) == {"type": "FeatureCollection", "features": []}


def test_geojson_reads_back_through_geopandas_with_identical_values(frame):
    gdf = gpd.read_file(io.BytesIO(to_geojson(frame)))
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.geometry.x) == [round(v, 6) for v in frame["lon"]]
    assert list(gdf.geometry.y) == [round(v, 6) for v in frame["lat"]]
    for name in FIELDS:
        got, want = gdf[name].tolist(), frame[name].tolist()
        if name == "date":
            want = [ts.date() for ts in want]
            got = [pd.Timestamp(v).date() for v in got]
        elif name == "sources":
            want = [json.loads(s) for s in want]
            got = [json.loads(v) if isinstance(v, str) else v for v in got]
        elif name in ("munitions", "killed", "injured"):
            want = [None if v is pd.NA else v for v in want]
            got = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else int(v) for v in got]
        else:  # GDAL reads a null text property back as NaN
            got = [None if isinstance(v, float) and math.isnan(v) and name not in ("lat", "lon") else v for v in got]
        assert got == want, name


# --- CSV --------------------------------------------------------------------------------------


def test_csv_export_reads_back_as_the_same_incidents(frame, incidents):
    back = read_incidents_csv(io.BytesIO(to_csv(frame)), source_name="export.csv")
    assert back == incidents
    pd.testing.assert_frame_equal(to_frame(back), frame)


def test_csv_export_matches_the_csv_writer(incidents, frame):
    out = io.StringIO()
    write_incidents_csv(incidents, out)
    assert to_csv(frame).decode("utf-8") == out.getvalue()


# --- python -m geo export -----------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch, tmp_path, incidents):
    """A temporary store seeded from a CSV of the fixture incidents."""
    seed = tmp_path / "seed.csv"
    write_incidents_csv(incidents, seed)
    monkeypatch.setenv("GEO_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("GEO_INCIDENTS_CSV", str(seed))
    return tmp_path


def export(capsys, *args):
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def dates_in(geojson_text: str) -> list[str]:
    return sorted(f["properties"]["date"] for f in json.loads(geojson_text)["features"])


def test_cli_exports_everything_as_geojson_by_default(env, capsys):
    code, out, err = export(capsys)
    assert code == 0 and err == ""
    assert dates_in(out) == ["2021-05-01", "2022-01-03", "2022-01-05"]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--from", "2022-01-04"], ["2022-01-05"]),
        (["--to", "2021-05-15"], ["2021-05-01"]),
        (["--from", "2021-05-20", "--to", "2021-05-31"], ["2021-05-01"]),  # month precision overlaps
        (["--type", "drone", "--type", "indirect_fire"], ["2021-05-01", "2022-01-03"]),
        (["--attribution", "UNKNOWN"], ["2022-01-03"]),
        (["--actor", "Iran-backed militias"], ["2021-05-01", "2022-01-05"]),
        (["--family", "Iran-aligned militias"], ["2021-05-01", "2022-01-05"]),
        (["--family", "unknown", "--family", "us"], ["2022-01-03"]),
        (["--country", "sy"], ["2021-05-01"]),
        (["--q", "shot down"], ["2022-01-03"]),
        (["--country", "IQ", "--type", "rocket"], ["2022-01-05"]),
    ],
)
def test_cli_filters(env, capsys, args, expected):
    code, out, _ = export(capsys, *args)
    assert code == 0
    assert dates_in(out) == expected


def test_cli_csv_to_a_file(env, capsys):
    target = env / "out.csv"
    code, out, err = export(capsys, "--format", "csv", "--type", "drone", "--output", str(target))
    assert code == 0 and out == "" and "1 incident" in err
    (inc,) = read_incidents_csv(target)
    assert inc.event_type == "drone"


def test_cli_csv_to_stdout(env, capsys):
    code, out, _ = export(capsys, "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == ",".join(FIELDS) and len(out.splitlines()) == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2022-02-30"], "--from '2022-02-30' is not a date"),
        (["--to", "yesterday"], "--to 'yesterday' is not a date"),
        (["--from", "2022-02-01", "--to", "2022-01-01"], "after --to"),
        (["--type", "catapult"], "--type 'catapult' is not one of"),
        (["--attribution", "gossip"], "--attribution 'gossip' is not one of"),
        (["--country", "Iraq"], "--country 'IRAQ' is not a two-letter"),
        (["--family", "martians"], "--family 'martians' is not one of"),
    ],
)
def test_cli_invalid_values_are_one_line_errors(env, capsys, args, message):
    code, out, err = export(capsys, *args)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("args", [["--q", "rocket\x00"], ["--actor", "Iran\x00backed"], ["--q", "a\x1bb"]])
def test_cli_control_characters_in_text_filters_are_one_line_errors_on_every_store(store, monkeypatch, capsys, args):
    """A NUL in --q gave PostgreSQL's "unterminated quoted string" (SQLite: an empty export)."""
    monkeypatch.setenv("GEO_DATABASE_URL", store.url)
    code, out, err = export(capsys, *args, "--format", "csv")
    assert code == 1 and out == ""
    assert err.startswith(f"error: {args[0]} ") and "control character" in err and err.count("\n") == 1


def test_cli_unwritable_output_is_an_error(env, capsys):
    code, _, err = export(capsys, "--output", str(env / "no" / "such" / "dir" / "x.json"))
    assert code == 1 and "cannot write" in err


def test_cli_broken_store_is_an_error_not_a_traceback(monkeypatch, tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("GEO_DATABASE_URL", f"sqlite:///{bad}")
    code, out, err = export(capsys)
    assert code == 1 and out == "" and err.startswith("error: incident store") and err.count("\n") == 1


# --- CSV formula injection (OWASP) ----------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def csv_rows(data: bytes) -> list[dict]:
    # newline="": a carriage return inside a cell is the cell's text, not a line end
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("payload", FORMULAS)
def test_csv_text_cells_that_start_a_formula_are_neutralised(payload):
    inc = make_incident(summary=payload, actor=payload, target=payload, attributed_by=payload, damage=payload)
    data = to_csv(to_frame([inc]))
    if payload.startswith("\r"):  # Python's csv quotes only the line terminator's own "\n"
        assert data.count(("'" + payload).encode()) == 5
        return
    rows = csv_rows(data)
    for name in ("summary", "actor", "target", "attributed_by", "damage"):
        assert rows[0][name] == "'" + payload, name
    # GeoJSON keeps the exact text
    props = json.loads(to_geojson(to_frame([inc])))["features"][0]["properties"]
    assert props["summary"] == payload and props["actor"] == payload


def test_csv_numbers_stay_numbers_when_negative():
    inc = make_incident(lat=-33.5, lon=-70.25, summary="-ish, but text")
    (row,) = csv.DictReader(io.StringIO(to_csv(to_frame([inc])).decode("utf-8")))
    assert (row["lat"], row["lon"]) == ("-33.5", "-70.25")  # numbers: no quote
    assert row["summary"] == "'-ish, but text"


def test_cli_csv_export_neutralises_formulas(monkeypatch, tmp_path, capsys):
    seed = tmp_path / "seed.csv"
    write_incidents_csv([make_incident(summary="=1+1", target="@x")], seed)
    monkeypatch.setenv("GEO_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("GEO_INCIDENTS_CSV", str(seed))
    code, out, _ = export(capsys, "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert code == 0 and row["summary"] == "'=1+1" and row["target"] == "'@x"


@pytest.mark.parametrize("text", ["before\rafter", "crlf\r\ninside", "a\r\rb"])
def test_csv_cells_with_a_lone_cr_are_quoted_and_read_back(incidents, text):
    """csv quotes only the line terminator's characters: with "\\n" ends a bare CR split the row for readers."""
    changed = [dataclasses.replace(incidents[0], summary=text, damage=text), *incidents[1:]]
    data = to_csv(to_frame(changed))
    back = read_incidents_csv(io.BytesIO(data), source_name="export.csv")
    assert back == changed
    out = io.StringIO()
    write_incidents_csv(changed, out)
    assert out.getvalue() == data.decode("utf-8")  # the incidents CSV writer quotes it the same way
    assert read_incidents_csv(io.BytesIO(out.getvalue().encode()), source_name="w.csv") == changed
