"""The gazetteer: loading and validating the CSV, and resolving names to sites."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import os
import random
import shutil
import string
import time

import pytest

from geo.errors import Ambiguous, NotFound, ValidationError
from geo.places.gazetteer import FuzzyIndex, Gazetteer, Site, SiteMatch, load_default
from geo.places.normalize import NameKey, name_key

from tests.geo.conftest import DATA, REAL_GAZETTEER, REAL_SPELLINGS, SMALL_CSV

ORDINARY_WORDS = [
    "Wednesday", "Monday", "the village", "the base", "Pentagon", "Paris", "Vienna", "Tehran",
    "coalition", "Iran", "Iraqi", "Syrian", "Soleimani", "strikes", "in Syria", "Republic of Iran",
]  # fmt: skip


def site(site_id: str, name: str, country: str = "IQ", kind: str = "town", aliases: tuple[str, ...] = ()) -> Site:
    lat, lon = (33.0, 43.0) if country == "IQ" else (35.0, 40.0)
    return Site(site_id, name, aliases, kind, country, "", lat, lon, 1000)


# --------------------------------------------------------------------------- loading


def test_the_fixture_gazetteer_loads_every_row(small):
    assert len(small) == 13
    assert small.sites[0].id == "ain-al-asad"
    assert all(s.layer == "curated" for s in small.sites)


def test_rows_become_immutable_sites(small):
    asad = small.get("ain-al-asad")
    assert asad == Site(
        id="ain-al-asad",
        name="Ain al-Asad Air Base",
        aliases=("Ayn al-Asad", "Al Asad Airbase", "Ain al-Assad", "عين الأسد"),
        kind="air_base",
        country="IQ",
        admin1="Anbar",
        lat=33.7856,
        lon=42.4411,
        precision_m=500,
        source="fixture",
        notes="Air base in western Anbar.",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        asad.lat = 0.0  # type: ignore[misc]


BAD_ROWS = [  # (row, field, words the reason contains) for tests/geo/data/bad_rows.csv
    (3, "id", "required"),
    (4, "id", "not a slug"),
    (5, "id", "duplicate id 'good-site' (first on row 2)"),
    (6, "name", "required"),
    (7, "lat", "not a number"),
    (8, "lat", "outside -90..90"),
    (9, "lon", "outside -180..180"),
    (10, "lat/lon", "swapped"),
    (11, "lat/lon", "outside Syria"),
    (12, "kind", "unknown kind 'castle'"),
    (13, "country", "'XX'"),
    (14, "country", "'iq'"),
    (15, "precision_m", "positive integer"),
    (16, "precision_m", "positive integer"),
    (18, "aliases", "'Shared Name' is also claimed by 'alias-owner' (row 17)"),
    (20, "name", "nothing but generic words"),
    (21, "kind", "required"),
]


@pytest.fixture(scope="module")
def bad_rows_problems():
    with pytest.raises(ValidationError) as caught:
        Gazetteer.load(DATA / "bad_rows.csv")
    return caught.value.problems


@pytest.mark.parametrize("row, field, reason", BAD_ROWS, ids=[f"row{r}-{f}" for r, f, _ in BAD_ROWS])
def test_each_bad_row_is_reported_with_row_and_field(bad_rows_problems, row, field, reason):
    [problem] = [p for p in bad_rows_problems if p.row == row and p.field == field]
    assert reason in problem.reason
    assert problem.source.endswith("bad_rows.csv")


def test_nothing_else_is_reported(bad_rows_problems):
    """Good rows (2, 17, 19) and a non-swapped point raise nothing extra."""
    assert sorted((p.row, p.field) for p in bad_rows_problems) == [(r, f) for r, f, _ in BAD_ROWS]
    assert not any("swapped" in p.reason for p in bad_rows_problems if p.row == 11)


def test_missing_columns_are_reported_on_the_header_row():
    with pytest.raises(ValidationError) as caught:
        Gazetteer.load(DATA / "bad_header.csv")
    assert {(p.row, p.field) for p in caught.value.problems} == {(1, "lon"), (1, "precision_m")}


def test_an_empty_file_is_a_problem(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValidationError, match="header"):
        Gazetteer.load(empty)


def test_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound, match="gazetteer file not found"):
        Gazetteer.load(tmp_path / "nope.csv")


def test_row_numbers_count_blank_lines_like_an_editor(tmp_path):
    text = SMALL_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join([text[0], text[1], "", "oops,Oops,,city,IQ,,33,44,-5,,"]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        Gazetteer.load(path)
    assert [(p.row, p.field) for p in caught.value.problems] == [(4, "precision_m")]


def test_from_sites_refuses_duplicate_ids():
    with pytest.raises(ValueError):
        Gazetteer.from_sites([site("a", "Alpha"), site("a", "Alpha again")])


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    "query, site_id, method",
    [
        ("Ain al-Asad Air Base", "ain-al-asad", "exact"),
        ("Ayn al-Asad", "ain-al-asad", "alias"),
        ("Ain al-Asad", "ain-al-asad", "alias"),  # core shared with the name, no generic word
        ("ain al asad airbase", "ain-al-asad", "exact"),  # same key as the name
        ("Al-Asad air base", "ain-al-asad", "alias"),
        ("عين الأسد", "ain-al-asad", "alias"),
        ("Baghdad's international airport", "baghdad-airport", "exact"),
        ("Baghdad airport", "baghdad-airport", "exact"),  # same key as the name
        ("Baghdad", "baghdad", "exact"),
        ("Erbil", "erbil", "exact"),
        ("Erbil airport", "erbil-airport", "exact"),
        ("Irbil airport", "erbil-airport", "alias"),
        ("Arbil", "erbil", "alias"),
        ("Anbar province", "anbar-province", "exact"),
        ("Anbar", "anbar-province", "alias"),
        ("Deir Ezzor", "deir-ez-zor", "exact"),
        ("Deir ez-Zor province", "deir-ez-zor-province", "exact"),
        ("the town of Mayadeen", "mayadin", "alias"),
        ("Green Village", "green-village", "exact"),
        ("Green Village base", "green-village", "alias"),
        ("Omar oil field", "al-omar-oil-field", "exact"),
        ("Shadadi", "shaddadi", "exact"),
        ("Iraq", "iraq", "exact"),
    ],
)
def test_names_resolve_to_their_site(small, query, site_id, method):
    match = small.lookup(query)
    assert (match.site.id, match.method) == (site_id, method)
    assert match.query == query and not match.ambiguous


@pytest.mark.parametrize(
    "query, site_id",
    [
        ("Ain al-Asd", "ain-al-asad"),
        ("Mayadeem", "mayadin"),
        ("Mayaidn", "mayadin"),  # swapped letters count as one typo
        ("Erbill airport", "erbil-airport"),
        ("Shadadah", "shaddadi"),
        ("Green Vilage", "green-village"),
    ],
)
def test_typos_resolve_by_fuzzy_matching(small, query, site_id):
    match = small.lookup(query)
    assert match.site.id == site_id
    assert 85 <= match.score <= 100


@pytest.mark.parametrize("word", ORDINARY_WORDS)
def test_ordinary_words_match_nothing(small, word):
    assert small.find(word) is None
    with pytest.raises(NotFound, match="no site matches"):
        small.lookup(word)


def test_scores_rank_exact_over_alias_over_fuzzy(small):
    exact, alias, fuzzy = small.lookup("Mayadin"), small.lookup("Meyadin"), small.lookup("Mayadeem")
    assert exact.score == 100 and exact.method == "exact"
    assert 90 <= alias.score < 100 and alias.method == "alias"
    assert fuzzy.score < alias.score and fuzzy.method == "fuzzy"


def test_a_qualifier_that_contradicts_the_kind_still_finds_the_place_with_a_low_score(small):
    match = small.lookup("Mayadin airport")
    assert match.site.id == "mayadin" and match.score < 90


def test_country_restricts_and_is_case_insensitive(small):
    assert small.lookup("Mayadin", country="sy").site.id == "mayadin"
    with pytest.raises(NotFound, match="in IQ"):
        small.lookup("Mayadin", country="IQ")


def test_kinds_restrict_the_answer(small):
    assert small.lookup("Erbil", kinds={"airport"}).site.id == "erbil-airport"
    assert small.find("Erbil", kinds={"province"}) is None


@pytest.fixture
def twins() -> Gazetteer:
    return Gazetteer.from_sites([site("balad-iq", "Balad", "IQ"), site("balad-sy", "Balad", "SY"), site("hit", "Hit")])


def test_two_sites_with_the_same_name_are_ambiguous(twins):
    with pytest.raises(Ambiguous) as caught:
        twins.lookup("Balad")
    assert "balad-iq" in str(caught.value) and "balad-sy" in str(caught.value)
    assert [m.site.id for m in caught.value.candidates] == ["balad-iq", "balad-sy"]


def test_find_returns_an_ambiguous_match_with_its_rivals(twins):
    match = twins.find("Balad")
    assert match.ambiguous
    assert [c.site.id for c in match.candidates] == ["balad-sy"]


def test_a_country_settles_an_ambiguity(twins):
    assert twins.lookup("Balad", country="SY").site.id == "balad-sy"


def test_candidates_lists_rivals_best_first(small):
    found = small.candidates("Erbil")
    assert [m.site.id for m in found][:2] == ["erbil", "erbil-airport"]
    assert all(a.score >= b.score for a, b in itertools.pairwise(found))
    assert small.candidates("Erbil", limit=1) == found[:1]
    assert small.candidates("Wednesday") == []


def test_matches_are_immutable_and_their_candidates_do_not_nest(small):
    match = small.find("Erbil")
    assert isinstance(match, SiteMatch) and match.candidates
    assert all(c.candidates == () for c in match.candidates)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.score = 1.0  # type: ignore[misc]


def test_get_by_id(small):
    assert small.get("erbil").name == "Erbil"
    assert "erbil" in small and "nowhere" not in small
    with pytest.raises(NotFound, match="nowhere"):
        small.get("nowhere")
    with pytest.raises(NotFound):
        small.get("geonames:1")  # no GeoNames layer attached


def test_alias_index_maps_core_keys_to_site_ids(small):
    index = small.alias_index
    assert index["ain asad"] == ("ain-al-asad",)
    assert index[small.normalize("Erbil airport")] == ("erbil", "erbil-airport")
    assert index["anbar"] == ("anbar-province",)
    with pytest.raises(TypeError):
        index["x"] = ("y",)  # type: ignore[index]


# --------------------------------------------------------------------------- GeoNames layer


@pytest.fixture(scope="module")
def layered(geonames_db):
    from geo.places.geonames import GeoNamesLayer

    return Gazetteer.load(SMALL_CSV, geonames=GeoNamesLayer(geonames_db))


def test_curated_sites_win_over_geonames(layered):
    assert layered.lookup("Baghdad").site.id == "baghdad"
    assert layered.lookup("Baghdad International Airport").site.layer == "curated"


def test_geonames_answers_what_the_curated_list_does_not_know(layered):
    match = layered.lookup("Heet")
    assert (match.site.id, match.method, match.site.layer) == ("geonames:9100008", "geonames", "geonames")
    assert match.score < 100
    assert layered.get("geonames:9100008").name == "Hīt"


def test_geonames_ignores_ordinary_words_too(layered):
    assert all(layered.find(word) is None for word in ORDINARY_WORDS)


# --------------------------------------------------------------------------- default instance


def test_load_default_without_geonames_or_online(make_settings):
    gazetteer = load_default(make_settings())
    assert len(gazetteer) == 13
    assert gazetteer.geonames is None and gazetteer.online is None


def test_load_default_is_cached_until_a_file_changes(make_settings, tmp_path):
    path = tmp_path / "gazetteer.csv"
    shutil.copy(SMALL_CSV, path)
    settings = make_settings(GEO_GAZETTEER=str(path))
    first = load_default(settings)
    assert load_default(settings) is first
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("hit,Hit,,town,IQ,Anbar,33.64,42.83,3000,fixture,\n")
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert load_default(settings).get("hit").name == "Hit"


def test_load_default_attaches_an_existing_geonames_database(make_settings, geonames_db):
    gazetteer = load_default(make_settings(GEO_GEONAMES_DB=str(geonames_db)))
    assert gazetteer.geonames is not None
    assert gazetteer.lookup("Tel Kaif").site.id == "geonames:9100006"


# --------------------------------------------------------------------------- team sites


def team_site(site_id: str, name: str, country: str = "IQ", kind: str = "town", aliases: tuple[str, ...] = ()) -> Site:
    return dataclasses.replace(site(site_id, name, country, kind, aliases), layer="team")


QARAQOSH = team_site("qaraqosh", "Qaraqosh", aliases=("Bakhdida",))


@pytest.fixture(scope="module")
def with_team(small) -> Gazetteer:
    """The fixture gazetteer with one team site layered under it."""
    return Gazetteer.from_sites(small.curated_sites, team=[QARAQOSH])


def test_a_team_site_resolves_like_a_curated_one_and_says_so(with_team):
    exact, alias, typo = with_team.lookup("Qaraqosh"), with_team.lookup("Bakhdida"), with_team.lookup("Qaraqoosh")
    assert [(m.site.id, m.site.layer, m.method) for m in (exact, alias, typo)] == [
        ("qaraqosh", "team", "exact"),
        ("qaraqosh", "team", "alias"),
        ("qaraqosh", "team", "fuzzy"),
    ]
    assert with_team.get("qaraqosh") is QARAQOSH
    # The extractor scans text through the alias index: team names are in it.
    assert with_team.alias_index["bakhdida"] == ("qaraqosh",)
    assert with_team.sites[-1] is QARAQOSH and with_team.team_sites == (QARAQOSH,) and len(with_team) == 14


def test_a_team_site_changes_no_curated_answer(small, with_team):
    names = [name for s in small.sites for name in s.names]
    assert [with_team.find(n) for n in names] == [small.find(n) for n in names]


def test_curated_wins_a_tie_with_a_team_site(small):
    # A homonym in another country: both are exact; the curated one comes first, and the tie shows.
    gazetteer = Gazetteer.from_sites(small.curated_sites, team=[team_site("mayadin-iq", "Mayadin")])
    match = gazetteer.find("Mayadin")
    assert (match.site.id, match.site.layer, match.ambiguous) == ("mayadin", "curated", True)
    assert gazetteer.lookup("Mayadin", country="IQ").site.id == "mayadin-iq"
    assert [m.site.layer for m in gazetteer.candidates("Mayadin")] == ["curated", "team"]


@pytest.mark.parametrize(
    "team",
    [
        team_site("erbil", "Erbil town"),  # the id is curated now
        team_site("hawler-town", "Hawler"),  # a curated site of Iraq has the name as an alias
        team_site("new-erbil", "New Erbil", aliases=("Arbil",)),  # ... or one of its aliases
    ],
)
def test_a_team_site_a_curated_site_now_covers_is_left_out(small, team):
    gazetteer = Gazetteer.from_sites(small.curated_sites, team=[team])
    assert gazetteer.team_sites == () and gazetteer.shadowed_team_sites == (team,)
    assert all(gazetteer.find(name).site.layer == "curated" for name in team.names if gazetteer.find(name))
    assert len(gazetteer) == len(small)


def test_load_takes_team_sites_too():
    gazetteer = Gazetteer.load(SMALL_CSV, team=[QARAQOSH])
    assert gazetteer.lookup("Bakhdida").site is QARAQOSH and len(gazetteer.curated_sites) == 13


# --------------------------------------------------------------------------- at GeoNames size
# How fast these are is benchmarks/bench_gazetteer.py's to measure, not a unit test's.


def test_fuzzy_search_over_50000_names_finds_each_one_typo_query():
    rng = random.Random(7)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 11))) for _ in range(50_000)]
    index = FuzzyIndex(words)
    originals = rng.sample([w for w in words if len(w) >= 7 and w[2] != "x"], 200)
    queries = [w[:2] + "x" + w[3:] for w in originals]  # one typo each
    found = [index.search(q) for q in queries]
    assert all(original in dict(f) for original, f in zip(originals, found))


# --------------------------------------------------------------------------- the real gazetteer

_MISSING_REAL = f"{REAL_GAZETTEER} not found (the curated gazetteer is written separately)"


def _real_names():
    if not REAL_GAZETTEER.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=_MISSING_REAL))]
    with open(REAL_GAZETTEER, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [
        pytest.param(row["id"], row["country"], name, id=f"{row['id']}:{name}")
        for row in rows
        for name in [row["name"], *filter(None, (a.strip() for a in row["aliases"].split("|")))]
    ]


def _real_spellings():
    if not REAL_SPELLINGS.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"{REAL_SPELLINGS} not found"))]
    with open(REAL_SPELLINGS, newline="", encoding="utf-8-sig") as handle:
        return [
            pytest.param(r["spelling"], r["expected_id"], r["country"], id=f"{r['spelling']}->{r['expected_id']}")
            for r in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def real():
    if not REAL_GAZETTEER.exists():
        pytest.skip(_MISSING_REAL)
    return Gazetteer.load(REAL_GAZETTEER)


def test_the_real_gazetteer_is_valid(real):
    assert len(real) > 0


@pytest.mark.parametrize("site_id, country, name", _real_names())
def test_every_name_and_alias_of_the_real_gazetteer_resolves_to_its_site(real, site_id, country, name):
    assert real.lookup(name, country=country).site.id == site_id


@pytest.mark.parametrize("site_id, country, name", _real_names())
def test_every_name_and_alias_of_the_real_gazetteer_resolves_without_a_country(real, site_id, country, name):
    # Reports rarely say which country a site is in, and the gazetteer now spans seven.
    assert real.lookup(name).site.id == site_id


def test_no_two_sites_of_the_real_gazetteer_share_a_name(real):
    # Validation refuses a name two sites of one country claim; across countries it would make the
    # name ambiguous wherever the country is not given.
    owners: dict[NameKey, set[str]] = {}
    for s in real.curated_sites:
        for text in s.names:
            owners.setdefault(name_key(text), set()).add(s.id)
    assert {str(key): sorted(ids) for key, ids in owners.items() if len(ids) > 1} == {}


@pytest.mark.parametrize("spelling, expected_id, country", _real_spellings())
def test_real_spellings_resolve_to_the_expected_site(real, spelling, expected_id, country):
    if expected_id:
        assert real.lookup(spelling, country=country or None).site.id == expected_id
    else:  # a row without an id records a spelling that must not match
        assert real.find(spelling, country=country or None) is None


@pytest.mark.parametrize("word", ORDINARY_WORDS)
def test_ordinary_words_match_nothing_in_the_real_gazetteer(real, word):
    assert real.find(word) is None
