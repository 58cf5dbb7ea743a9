"""The GeoNames layer: parsing dumps, atomic import, and lookups."""

from __future__ import annotations

import sqlite3

import pytest

from geo.errors import GeoError, NotFound, ValidationError
from geo.places.geonames import (
    COLUMNS,
    GeoNamesLayer,
    import_geonames,
    kind_of,
    parse_geonames,
    parse_line,
    precision_of,
)
from geo.places.normalize import name_key

from tests.geo.conftest import GEONAMES_SMALL, REALDATA

REAL_CITIES = REALDATA / "geonames_cities15000_IQ_SY_geobases2013.txt"


def line(**changes: str) -> str:
    """A valid GeoNames line for Hit, Iraq, with some columns replaced."""
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(
        {"geonameid": "9100008", "name": "Hīt", "asciiname": "Hit", "alternatenames": "Heet, ,Hit",
         "latitude": "33.6416", "longitude": "42.8251", "feature class": "P", "feature code": "PPL",
         "country code": "IQ", "admin1 code": "01", "population": "40000", "timezone": "Asia/Baghdad"}
    )  # fmt: skip
    cells.update({k.replace("_", " "): v for k, v in changes.items()})
    return "\t".join(cells[c] for c in COLUMNS) + "\n"


# --------------------------------------------------------------------------- parsing


def test_a_line_becomes_a_record():
    record = parse_line(line())
    assert (record.geonameid, record.name, record.lat, record.lon) == (9100008, "Hīt", 33.6416, 42.8251)
    assert (record.feature_class, record.feature_code, record.country, record.population) == ("P", "PPL", "IQ", 40000)
    assert record.names == ("Hīt", "Hit", "Heet")  # blanks dropped, repeats once


@pytest.mark.parametrize(
    "text, field, reason",
    [
        ("9100008\tHit\tHit\n", None, "expected 19 tab-separated columns, got 3"),
        (line(geonameid="x1"), "geonameid", "not a number"),
        (line(name=" "), "name", "empty"),
        (line(latitude="north"), "latitude/longitude", "not numbers"),
        (line(longitude="200"), "latitude/longitude", "out of range"),
        (line(feature_class="Q"), "feature class", "unknown feature class"),
        (line(population="many"), "population", "not a number"),
    ],
)
def test_bad_lines_are_refused_with_field_and_reason(text, field, reason):
    with pytest.raises(ValueError) as caught:
        parse_line(text)
    assert caught.value.args[0] == field and reason in caught.value.args[1]


def test_a_dump_yields_records_and_problems_by_line_number():
    items = list(parse_geonames(GEONAMES_SMALL.read_text(encoding="utf-8").splitlines(True), "small.txt"))
    problems = [i for i in items if not hasattr(i, "geonameid")]
    assert len(items) - len(problems) == 9
    assert [(p.source, p.row, p.field) for p in problems] == [
        ("small.txt", 10, None),
        ("small.txt", 11, "latitude/longitude"),
    ]


@pytest.mark.parametrize(
    "fclass, fcode, population, kind, precision",
    [
        ("P", "PPLC", 5_000_000, "city", 5000),
        ("P", "PPL", 150_000, "city", 4000),
        ("P", "PPL", 40_000, "town", 3000),
        ("P", "PPL", 800, "village", 2000),
        ("S", "AIRP", 0, "airport", 1000),
        ("S", "AIRB", 0, "air_base", 1000),
        ("S", "MILB", 0, "base", 1000),
        ("S", "HTL", 0, "facility", 1000),
        ("A", "ADM1", 1_500_000, "province", 50000),
        ("A", "PCLI", 0, "country", 50000),
        ("L", "OILF", 0, "oil_field", 5000),
        ("T", "MT", 0, "landmark", 5000),
    ],
)
def test_features_map_to_kind_and_precision(fclass, fcode, population, kind, precision):
    assert kind_of(fclass, fcode, population) == kind
    assert precision_of(fclass, population) == precision


# --------------------------------------------------------------------------- import


def test_import_reports_counts_and_skipped_lines(tmp_path):
    progress = []
    report = import_geonames([GEONAMES_SMALL], tmp_path / "g.sqlite", progress=lambda *a: progress.append(a))
    assert report.places == 9 and report.names >= 9 * 2
    assert [p.row for p in report.problems] == [10, 11]
    size = GEONAMES_SMALL.stat().st_size
    assert progress == [(str(GEONAMES_SMALL), size, size)]  # bytes read of the file size, once done
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.sqlite"]  # no temp file left behind


def _place_count(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM place").fetchone()[0]


@pytest.mark.parametrize(
    "files, strict, error",
    [
        (["missing.txt"], False, NotFound),
        ([GEONAMES_SMALL], True, ValidationError),  # strict: the two bad lines fail the import
        (["empty.txt"], False, ValidationError),  # nothing valid at all
    ],
)
def test_a_failed_import_changes_nothing(tmp_path, geonames_db, files, strict, error):
    target = tmp_path / "g.sqlite"
    target.write_bytes(geonames_db.read_bytes())
    (tmp_path / "empty.txt").write_text("\n")
    files = [tmp_path / f if isinstance(f, str) else f for f in files]
    with pytest.raises(error):
        import_geonames(files, target, strict=strict)
    assert _place_count(target) == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "g.sqlite"]


def test_a_stray_invalid_byte_costs_one_name_not_the_import(tmp_path):
    dump = tmp_path / "latin1.txt"
    dump.write_bytes(line(name="H\xeet").encode("latin-1") + line(geonameid="9100012").encode("utf-8"))
    report = import_geonames([dump], tmp_path / "g.sqlite")
    assert (report.places, report.problems) == (2, ())


def test_a_new_import_replaces_the_old_database(tmp_path):
    target = tmp_path / "g.sqlite"
    import_geonames([GEONAMES_SMALL], target)
    one = tmp_path / "one.txt"
    one.write_text(line(), encoding="utf-8")
    import_geonames([one], target)
    assert _place_count(target) == 1


# --------------------------------------------------------------------------- lookups


@pytest.fixture(scope="module")
def layer(geonames_db):
    layer = GeoNamesLayer(geonames_db)
    yield layer
    layer.close()


def exact(layer, query, **kw):
    return layer.exact(name_key(query), query, **kw)


def fuzzy(layer, query, **kw):
    return layer.fuzzy(name_key(query), query, **kw)


def test_exact_names_ascii_names_and_alternate_names_all_match(layer):
    for query in ["Hīt", "Hit", "Heet"]:
        [match] = exact(layer, query)
        assert match.site.id == "geonames:9100008"


def test_results_are_sites_of_the_geonames_layer(layer):
    match = exact(layer, "Baghdad")[0]
    site = match.site
    assert (site.id, site.layer, site.kind, site.country, site.precision_m) == (
        "geonames:9100001", "geonames", "city", "IQ", 5000,
    )  # fmt: skip
    assert (match.method, match.score) == ("geonames", 90.0)


def test_same_named_places_prefer_the_larger_population(layer):
    matches = exact(layer, "Balad")
    assert [m.site.id for m in matches] == ["geonames:9100002", "geonames:9100003"]
    assert matches[0].score > matches[1].score  # decided, not a tie


def test_country_restricts(layer):
    assert [m.site.id for m in exact(layer, "Balad", country="SY")] == ["geonames:9100003"]


def test_kind_hint_picks_the_airport_over_the_city(layer):
    assert exact(layer, "Baghdad airport")[0].site.id == "geonames:9100004"
    assert exact(layer, "Baghdad")[0].site.id == "geonames:9100001"


def test_a_contradicting_generic_word_lowers_the_score(layer):
    [match] = exact(layer, "Hit airport")
    assert match.site.id == "geonames:9100008" and match.score == 80.0


def test_kinds_filter(layer):
    assert exact(layer, "Anbar", kinds={"province"})[0].site.precision_m == 50000
    assert exact(layer, "Anbar", kinds={"city"}) == []


@pytest.mark.parametrize("query, site_id", [("Hadihta", "geonames:9100009"), ("Bagdhad", "geonames:9100001")])
def test_fuzzy_finds_typos(layer, query, site_id):
    match = fuzzy(layer, query)[0]
    assert match.site.id == site_id and match.score < 90


@pytest.mark.parametrize("word", ["Wednesday", "Baghdadi", "coalition", "Iran"])
def test_ordinary_words_find_nothing(layer, word):
    assert exact(layer, word) == [] and fuzzy(layer, word) == []


def test_get_by_id(layer):
    assert layer.get("geonames:9100005").kind == "province"
    for bad in ["geonames:1", "geonames:x", "other:9100005"]:
        with pytest.raises(NotFound):
            layer.get(bad)
    assert len(layer) == 9


def test_opening_a_missing_or_foreign_file_is_a_clear_error(tmp_path):
    with pytest.raises(NotFound, match="import-geonames"):
        GeoNamesLayer(tmp_path / "none.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    with pytest.raises(GeoError, match="not a GeoNames database"):
        GeoNamesLayer(junk)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real_layer(tmp_path_factory):
    if not REAL_CITIES.exists():
        pytest.skip(f"{REAL_CITIES} not present (shared real-data samples are kept beside the repository)")
    path = tmp_path_factory.mktemp("real") / "geonames.sqlite"
    report = import_geonames([REAL_CITIES], path)
    assert (report.places, report.problems) == (138, ())
    return GeoNamesLayer(path)


@pytest.mark.parametrize(
    "query, geonameid",
    [("Baghdad", 98182), ("Erbil", 95446), ("Arbil", 95446), ("Balad", 98112), ("Deir ez-Zor", 170794),
     ("Mayadeen", 173480), ("Al Hasakah", 173811), ("Hasakah", 173811)],
)  # fmt: skip
def test_the_real_cities15000_sample_resolves_known_cities(real_layer, query, geonameid):
    assert exact(real_layer, query)[0].site.id == f"geonames:{geonameid}"


def test_populated_places_are_the_most_populous_towns_only(layer):
    places = layer.populated_places(3)
    assert len(places) == 3
    populations = [p[3] for p in places]
    assert populations == sorted(populations, reverse=True) and populations[0] > 0
    all_rows = layer._query("SELECT fclass, population FROM place")
    biggest_town = max(pop for fclass, pop in all_rows if fclass == "P")
    assert populations[0] == biggest_town
    assert all(isinstance(name, str) and -90 <= lat <= 90 for name, lat, _, _ in places)
