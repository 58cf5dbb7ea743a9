"""Readers of ACLED exports and GeoJSON, format detection, input refusals, import plans.

Fixture files (``tests/geo/data/import_*``) are our own rows in the real
formats; the real ACLED sample is read from ``../shared/realdata`` when present.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest

from geo.formats.acled import (
    acled_row_to_incident,
    attribution_from_notes,
    map_event_type,
    parse_acled,
    parse_acled_date,
    read_acled,
    to_acled_frame,
)
from geo.places.countries import find_country, point_problem
from geo.errors import InputError, ValidationError
from geo.formats.geojson_in import parse_geojson, read_geojson
from geo.formats.importers import changed_fields, detect_format, detect_text_format, plan_import, read_any
from geo.incidents import EVENT_TYPES, Incident, Source
from geo.formats.readfile import read_text

DATA = Path(__file__).parents[1] / "data"  # tests/geo/data
ACLED_OK = DATA / "import_acled_ok.csv"
ACLED_BAD = DATA / "import_acled_bad.csv"
ACLED_MISSING = DATA / "import_acled_missing_columns.csv"
POINTS = DATA / "import_points.geojson"
BAD_POINTS = DATA / "import_bad.geojson"


def problems_of(exc: ValidationError) -> set[tuple[int | None, str | None]]:
    return {(p.row, p.field) for p in exc.problems}


# --------------------------------------------------------------------------- ACLED


def test_acled_fixture_maps_every_column():
    by_id = {inc.id: inc for inc in read_acled(ACLED_OK)}
    assert len(by_id) == 8
    rocket = by_id["acled:IRQ90001"]
    assert rocket == Incident(
        id="acled:IRQ90001",
        date=dt.date(2020, 5, 9),
        date_precision="day",
        lat=33.7856,
        lon=42.4411,
        geo_precision=1,
        country="IQ",
        event_type="rocket",
        location="Ain al-Asad Air Base",
        admin1="Al Anbar",
        actor="Unidentified Armed Group (Iraq)",
        attribution="unknown",  # "No group claimed responsibility" is not a claim
        target="Military Forces of the United States (2017-2021); Coalition partners",
        killed=0,
        summary="Test note: three rockets landed near the base perimeter. No group claimed responsibility.",
        # "A; B; A": one source per outlet, in order, no repeats
        sources=(Source(outlet="Example Wire"), Source(outlet="Example Daily")),
        status="reviewed",
    )


@pytest.mark.parametrize(
    "event_id, date, precision",
    [
        ("acled:IRQ90001", dt.date(2020, 5, 9), "day"),  # 9-May-20
        ("acled:IRQ90002", dt.date(2020, 5, 6), "day"),  # 2020-05-06
        ("acled:SYR90003", dt.date(2020, 5, 6), "week"),  # 09 May 2020, mid-week -> week start
        ("acled:SYR90004", dt.date(2020, 5, 1), "month"),  # 9 May 2020, month -> first of month
        ("acled:SYR90005", dt.date(2020, 4, 27), "day"),  # 27-Apr-20
    ],
)
def test_acled_dates_in_every_format_and_precision(event_id, date, precision):
    inc = {i.id: i for i in read_acled(ACLED_OK)}[event_id]
    assert (inc.date, inc.date_precision) == (date, precision)


def test_acled_fixture_event_types_attributions_and_countries():
    got = {inc.id: (inc.event_type, inc.attribution, inc.country, inc.killed) for inc in read_acled(ACLED_OK)}
    assert got == {
        "acled:IRQ90001": ("rocket", "unknown", "IQ", 0),
        "acled:IRQ90002": ("drone", "unknown", "IQ", 2),
        "acled:SYR90003": ("small_arms", "unknown", "SY", None),  # empty fatalities stays unknown
        "acled:SYR90004": ("ied", "unknown", "SY", 0),  # empty country name, iso 760 -> SY
        "acled:SYR90005": ("other", "unknown", "SY", 0),  # a protest is kept, as "other"
        "acled:SYR90006": ("indirect_fire", "blamed", "SY", 0),
        "acled:JOR90007": ("rpg", "unknown", "JO", 0),
        "acled:IRQ90008": ("airstrike", "claimed", "IQ", 0),
    }


def test_acled_bad_file_lists_every_bad_row_and_imports_nothing():
    with pytest.raises(ValidationError) as info:
        read_acled(ACLED_BAD)
    assert problems_of(info.value) == {
        (3, "event_date"),  # 31-Feb-20
        (4, "event_date"),  # "May 9th"
        (5, "time_precision"),
        (6, "geo_precision"),
        (7, "country"),
        (8, "latitude"),  # not a number
        (9, "latitude"),  # swapped
        (10, "latitude"),  # out of range
        (11, "fatalities"),
        (12, "event_id_cnty"),  # empty
        (13, "event_id_cnty"),  # duplicate of row 2
        (14, None),  # too few fields
        (15, "year"),
        (17, "event_date"),  # row 16 is blank and still counts as a spreadsheet row
        (19, "longitude"),  # row 18 spans two lines and is one row
    }
    reasons = {(p.row, p.field): p.reason for p in info.value.problems}
    assert "swapped" in reasons[(9, "latitude")]
    assert "swapped" not in reasons[(10, "latitude")]
    assert "row 2" in reasons[(13, "event_id_cnty")]
    assert all(p.source == "import_acled_bad.csv" for p in info.value.problems)


def test_acled_missing_columns_are_reported_on_the_header_row():
    with pytest.raises(ValidationError) as info:
        read_acled(ACLED_MISSING)
    assert problems_of(info.value) == {(1, "event_date"), (1, "latitude"), (1, "country")}


def test_acled_unreadable_record_is_reported_on_its_row():
    header, first = ACLED_OK.read_text(encoding="utf-8").splitlines()[:2]
    broken = first.replace("Test note", "x" * 200_000)  # a runaway field, as after a lost quote
    with pytest.raises(ValidationError) as info:
        parse_acled("\n".join([header, first.replace("IRQ90001", "IRQ1"), broken]), source="big.csv")
    assert problems_of(info.value) == {(3, None)}
    assert "unreadable CSV record" in info.value.problems[0].reason


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-05-09", dt.date(2020, 5, 9)),
        ("9-May-20", dt.date(2020, 5, 9)),
        ("09 May 2020", dt.date(2020, 5, 9)),
        ("9 May 2020", dt.date(2020, 5, 9)),
        ("9 September 2021", dt.date(2021, 9, 9)),
        ("1-Jan-98", dt.date(1998, 1, 1)),  # ACLED starts in 1997: 98 is 1998
        ("15-Dec-05", dt.date(2005, 12, 15)),
    ],
)
def test_parse_acled_date(text, expected):
    assert parse_acled_date(text) == expected


@pytest.mark.parametrize("text", ["", "May 9th", "2020/05/09", "9-Mya-20", "31-Feb-20", "09/05/2020", "2020-13-01"])
def test_parse_acled_date_refuses(text):
    with pytest.raises(ValueError):
        parse_acled_date(text)


@pytest.mark.parametrize(
    "sub_event_type, notes, expected",
    [
        ("Shelling/artillery/missile attack", "Shells landed on the village.", "artillery"),
        ("Shelling/artillery/missile attack", "Two Katyusha rockets hit the base.", "rocket"),
        ("Shelling/artillery/missile attack", "A ballistic missile struck the airport.", "missile"),
        ("Shelling/artillery/missile attack", "Mortar rounds fell near the gate.", "indirect_fire"),
        ("Shelling/artillery/missile attack", "A rocket-propelled grenade hit a vehicle.", "rpg"),
        ("Air/drone strike", "Warplanes struck a hideout.", "airstrike"),
        ("Air/drone strike", "A drone targeted a car.", "drone"),
        ("Air/drone strike", "An unmanned aircraft struck.", "drone"),
        ("Remote explosive/landmine/IED", "", "ied"),
        ("Suicide bomb", "", "ied"),
        ("Grenade", "A hand grenade was thrown.", "other"),
        ("Grenade", "An RPG was fired.", "rpg"),
        ("Armed clash", "", "small_arms"),
        ("Peaceful protest", "Rockets of joy, fireworks.", "other"),  # keywords only refine attack types
        ("Change to group/activity", "", "other"),
    ],
)
def test_map_event_type(sub_event_type, notes, expected):
    assert map_event_type("", sub_event_type, notes) == expected


@pytest.mark.parametrize(
    "notes, expected",
    [
        ("The group claimed responsibility for the attack.", "claimed"),
        ("Responsibility was claimed by a new group.", "claimed"),
        ("No group claimed responsibility.", "unknown"),
        ("Nobody has claimed responsibility so far.", "unknown"),
        ("Officials blamed an armed group.", "blamed"),
        ("The ministry accused the militia.", "blamed"),
        ("Rockets hit the base.", "unknown"),
    ],
)
def test_attribution_from_notes(notes, expected):
    assert attribution_from_notes(notes) == expected


def test_acled_row_country_fallbacks():
    row = {
        "event_id_cnty": "X1",
        "event_date": "2020-05-09",
        "sub_event_type": "Armed clash",
        "latitude": "35.0",
        "longitude": "40.0",
    }
    assert acled_row_to_incident({**row, "country": "Syria"}).country == "SY"
    assert acled_row_to_incident({**row, "country": "", "iso": "760"}).country == "SY"
    assert acled_row_to_incident({**row, "iso3": "SYR"}).country == "SY"
    with pytest.raises(ValidationError):
        acled_row_to_incident({**row, "country": "Narnia"})
    with pytest.raises(ValidationError) as info:  # Unicode digits that int() refuses
        acled_row_to_incident({**row, "country": "", "iso": "²", "fatalities": "³"})
    assert problems_of(info.value) == {(None, "country"), (None, "fatalities")}


def test_acled_round_trip_of_every_event_type_through_a_synthetic_export():
    from geo.testing.synth import BUILTIN_SITES, synth_frame

    frame = synth_frame(3000, seed=11, sites=BUILTIN_SITES)
    assert set(frame["event_type"]) == set(EVENT_TYPES)  # every type is exercised
    for style in ("d-Mon-yy", "iso", "dd Month yyyy"):
        text = to_acled_frame(frame, date_style=style).to_csv(index=False)
        back = parse_acled(text, source="synthetic.csv")
        assert [i.event_type for i in back] == frame["event_type"].tolist()
        assert [i.date for i in back] == [d.date() for d in frame["date"]]
        assert [i.date_precision for i in back] == frame["date_precision"].tolist()
    assert [(i.lat, i.lon) for i in back] == list(zip(frame["lat"], frame["lon"]))
    # ACLED can say claimed and blamed; suspected reads back as unknown.
    expected = frame["attribution"].replace({"suspected": "unknown"}).tolist()
    assert [i.attribution for i in back] == expected


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_points_read_with_full_properties():
    incidents = read_geojson(POINTS)
    assert [i.event_type for i in incidents] == ["rocket", "drone", "indirect_fire"]
    first, second, third = incidents
    assert (first.id, first.lat, first.lon, first.geo_precision) == ("gj-1", 33.2619, 44.2338, 2)
    assert first.sources == (
        Source(outlet="Example Wire", url="https://example.invalid/a", published=dt.date(2024, 1, 21), munitions=4),
    )
    # No id: a stable one from date, place and type; elevation is ignored.
    assert second.id.startswith("inc-2024-01-20-")
    assert (second.lat, second.lon, second.intercepted, second.attribution) == (33.7856, 42.4411, True, "claimed")
    assert read_geojson(POINTS)[1].id == second.id
    assert (third.date_precision, third.injured, third.killed) == ("week", 0, None)


def test_geojson_bad_features_each_reported_with_feature_number():
    with pytest.raises(ValidationError) as info:
        read_geojson(BAD_POINTS)
    assert problems_of(info.value) == {
        (1, "geometry"),  # Polygon
        (2, "geometry"),  # null
        (3, "geometry"),  # lon 200
        (4, "geometry"),  # [lat, lon] order
        (5, "date"),
        (6, "event_type"),
        (6, "country"),
        (7, "geometry"),  # strings
        (8, "lat"),  # property disagrees with geometry
        (9, None),  # not a Feature
        (10, "event_type"),
        (12, "id"),  # duplicate of feature 11
    }
    reasons = {(p.row, p.field): p.reason for p in info.value.problems}
    assert "Polygon" in reasons[(1, "geometry")]
    assert "swapped" in reasons[(4, "geometry")]


@pytest.mark.parametrize(
    "text",
    ['{"type": "Feature"', "[1, 2]", '{"type": "Topology"}', '{"type": "FeatureCollection", "features": {}}'],
)
def test_geojson_that_is_not_a_feature_collection_is_refused(text):
    with pytest.raises(InputError):
        parse_geojson(text, source="x.geojson")


def test_geojson_round_trip_through_export():
    from geo.formats.export import to_geojson
    from geo.testing.synth import BUILTIN_SITES, synth_frame, synth_incidents

    frame = synth_frame(300, seed=5, sites=BUILTIN_SITES)
    assert read_geojson(to_geojson(frame)) == synth_incidents(300, seed=5, sites=BUILTIN_SITES)


def test_geojson_keeps_full_precision_from_properties():
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [44.123457, 33.123457]},
        "properties": {
            "id": "p",
            "date": "2024-01-01",
            "event_type": "rocket",
            "country": "IQ",
            "lat": 33.12345678901,
            "lon": 44.12345678901,
        },
    }
    (inc,) = parse_geojson({"type": "FeatureCollection", "features": [feature]})
    assert (inc.lat, inc.lon) == (33.12345678901, 44.12345678901)


# --------------------------------------------------------------------------- detection and input


@pytest.mark.parametrize(
    "path, fmt",
    [(ACLED_OK, "acled"), (ACLED_BAD, "acled"), (ACLED_MISSING, "acled"), (POINTS, "geojson"), (BAD_POINTS, "geojson")],
)
def test_detect_format_of_fixtures(path, fmt):
    assert detect_format(path) == fmt
    assert detect_format(path.read_bytes()) == fmt


def test_detect_our_csv_and_refuse_the_unknown():
    assert detect_text_format("id,date,lat,lon,country,event_type\n") == "csv"
    assert detect_text_format('\ufeff  \n{"type": "FeatureCollection"}') == "geojson"
    with pytest.raises(InputError, match="unrecognised format"):
        detect_text_format("name,value\na,1\n", "other.csv")
    with pytest.raises(InputError, match="binary"):
        detect_format(b"PK\x03\x04\x00\x00rest-of-a-zip")


def test_read_any_dispatches_our_csv(tmp_path):
    from geo.formats.csvio import write_incidents_csv

    incidents = read_geojson(POINTS)
    path = tmp_path / "ours.csv"
    write_incidents_csv(incidents, path)
    assert read_any(path) == incidents
    assert read_any(path, "csv") == incidents
    with pytest.raises(InputError):
        read_any(path, "geojson")  # a CSV is not JSON: refused as a whole, not row by row
    with pytest.raises(InputError):
        read_any(path, "xlsx")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("date,lat\n2020-01-01,Ménaka\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_read_text_refuses_unusable_input(data, message):
    with pytest.raises(InputError, match=message):
        read_text(data, name="upload.csv")


def test_read_text_size_limit_missing_file_and_bom(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a" * 101)
    with pytest.raises(InputError, match="limit"):
        read_text(path, max_bytes=100)
    assert read_text(path, max_bytes=101) == ("a" * 101, "big.csv")
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "absent.csv")
    assert read_text(io.BytesIO("\ufeffdate\n".encode()), name="u") == ("date\n", "u")
    assert read_text(io.StringIO("x"))[0] == "x"


# --------------------------------------------------------------------------- coordinates


def test_point_problem():
    assert point_problem(33.26, 44.23, "IQ") is None
    assert "swapped" in point_problem(44.23, 33.26, "IQ")
    assert "outside Iraq" in point_problem(48.85, 2.35, "IQ")  # Paris
    assert point_problem(48.85, 2.35, None) is None  # no country: only ranges are checked
    assert "out of range" in point_problem(91.0, 44.0, None)
    assert "out of range" in point_problem(33.0, 181.0, "IQ")
    assert find_country("Türkiye").iso2 == "TR" and find_country("368").iso2 == "IQ"
    assert find_country("", None, "SYR").iso2 == "SY" and find_country("Narnia") is None


# --------------------------------------------------------------------------- import plans


def test_plan_import_reports_added_updated_unchanged_with_fields():
    old = read_acled(ACLED_OK)
    stored = {inc.id: inc for inc in old[:3]}
    stored["acled:IRQ90002"] = stored["acled:IRQ90002"].with_changes(killed=5, summary="older text")
    plan = plan_import(old, stored)
    assert plan.counts() == {"added": 5, "updated": 1, "unchanged": 2}
    assert plan.updated == (("acled:IRQ90002", ("killed", "summary")),)
    assert plan.unchanged == ("acled:IRQ90001", "acled:SYR90003")
    assert plan_import(old, lambda _id: None).counts()["added"] == len(old)
    assert changed_fields(old[0], old[0]) == ()


# --------------------------------------------------------------------------- with a store


@pytest.fixture
def store(tmp_path):
    from geo.config import get_settings
    from geo.storage.store import Store

    settings = get_settings(
        {
            "GEO_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}",
            "GEO_INCIDENTS_CSV": str(tmp_path / "no-seed.csv"),
        }
    )
    s = Store.open(settings)
    yield s
    s.dispose()


def test_failed_import_changes_nothing_and_reimport_is_idempotent(store):
    assert store.upsert_many(read_acled(ACLED_OK)) == {"added": 8, "updated": 0, "unchanged": 0}
    before = store.all()
    with pytest.raises(ValidationError):
        store.upsert_many(read_any(ACLED_BAD))  # never reached: reading refuses first
    assert store.all() == before
    assert store.upsert_many(read_any(ACLED_OK)) == {"added": 0, "updated": 0, "unchanged": 8}
    assert store.count() == 8


def test_plan_agrees_with_what_the_store_then_does(store):
    store.upsert_many(read_acled(ACLED_OK)[:4])
    revised = [inc.with_changes(killed=9) if inc.id == "acled:IRQ90001" else inc for inc in read_acled(ACLED_OK)]

    def lookup(incident_id):
        from geo.errors import NotFound

        try:
            return store.get(incident_id)
        except NotFound:
            return None

    plan = plan_import(revised, lookup)
    assert plan.updated == (("acled:IRQ90001", ("killed",)),)
    assert store.upsert_many(revised) == plan.counts() == {"added": 4, "updated": 1, "unchanged": 3}


# --------------------------------------------------------------------------- real ACLED data


def test_acled_actor_family_comes_from_actor1_and_its_side_never_from_the_target():
    got = {inc.id: (inc.actor, inc.actor_family) for inc in read_acled(ACLED_OK)}
    assert got["acled:IRQ90001"] == ("Unidentified Armed Group (Iraq)", "unknown")  # actor2 is the US: a target
    assert got["acled:SYR90003"] == ("Islamic State (Syria)", "isis")
    assert got["acled:IRQ90002"][1] == got["acled:SYR90006"][1] == "other"  # Turkish and Syrian forces
    assert got["acled:IRQ90008"][1] == "coalition"  # "... Against Daesh" names the coalition, not ISIS


def test_acled_unidentified_attacker_takes_the_family_of_its_associated_actor():
    header, first = ACLED_OK.read_text(encoding="utf-8").splitlines()[:2]
    row = dict(zip(header.split(","), first.split(",")))
    row["assoc_actor_1"] = "Kataib Hezbollah"
    assert acled_row_to_incident(row).actor_family == "iran_aligned"


def test_real_acled_iraq_syria_sample(realdata_dir):
    path = realdata_dir / "acled_iraq_syria_2020-04-27_2020-05-09.csv"
    incidents = read_acled(path)
    assert len(incidents) == 404
    assert len({i.id for i in incidents}) == 404
    assert Counter(i.country for i in incidents) == {"SY": 313, "IQ": 91}
    assert all(i.event_type in EVENT_TYPES for i in incidents)
    families = Counter((i.actor.split(" (")[0], i.actor_family) for i in incidents)
    assert families[("Islamic State", "isis")] == 28 and families[("Global Coalition Against Daesh", "coalition")] == 13
    assert families[("Unidentified Armed Group", "unknown")] > 0

    by_id = {i.id: i for i in incidents}
    known = by_id["acled:IRQ24229"]
    assert (known.lat, known.lon, known.date) == (33.2619, 44.2338, dt.date(2020, 5, 6))
    assert (known.event_type, known.country, known.location) == ("rocket", "IQ", "Baghdad International Airport")

    # Every row lands in a type its ACLED sub-event type allows (read independently from the raw file).
    allowed = {
        "Shelling/artillery/missile attack": {"rocket", "missile", "indirect_fire", "artillery", "rpg"},
        "Air/drone strike": {"airstrike", "drone"},
        "Grenade": {"rpg", "other"},
        "Remote explosive/landmine/IED": {"ied"},
        "Suicide bomb": {"ied"},
        "Armed clash": {"small_arms"},
    }
    with path.open(encoding="utf-8", newline="") as fh:
        raw = {f"acled:{row['event_id_cnty']}": row["sub_event_type"] for row in csv.DictReader(fh)}
    for inc in incidents:
        assert inc.event_type in allowed.get(raw[inc.id], {"other"}), (inc.id, raw[inc.id], inc.event_type)
    got = Counter(i.event_type for i in incidents)
    assert got["small_arms"] == Counter(raw.values())["Armed clash"] == 96
    # The keywords do refine: the sample has rocket, missile and mortar attacks besides shelling.
    assert min(got["rocket"], got["missile"], got["indirect_fire"], got["artillery"], got["airstrike"]) > 0


def test_real_acled_global_file_reports_its_real_defects(realdata_dir):
    """The global sample has rows our country table does not know, a row without an
    event id and a truncated last row: all reported, nothing imported."""
    with pytest.raises(ValidationError) as info:
        read_acled(realdata_dir / "acled_global_2020-04-27_2020-05-09_RPanlilio.csv")
    found = problems_of(info.value)
    assert (243, "event_id_cnty") in found
    assert {(5072, "latitude"), (5072, "longitude")} <= found
    assert any(p.field == "country" and "Mexico" in p.reason for p in info.value.problems)
    assert not any(p.field == "country" and "'Iraq'" in p.reason for p in info.value.problems)


# --------------------------------------------------------------------------- robustness


def test_corrupted_files_are_refused_with_geo_errors_only():
    """Random byte damage to the fixtures never escapes as anything but a GeoError."""
    import random

    from geo.errors import GeoError

    rng = random.Random(0)
    originals = [p.read_bytes() for p in (ACLED_OK, ACLED_BAD, POINTS, BAD_POINTS)]
    refused = 0
    for _ in range(400):
        data = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[pos] = rng.choice(b'",;\n{}[]-0123456789.e \xc3\xa9abc')
            else:
                del data[pos : pos + rng.randint(1, 30)]
        try:
            read_any(bytes(data))
        except GeoError:
            refused += 1
    assert refused > 300  # the damage is real: most files are refused, and none crash
