"""``python -m geo geocode`` and ``python -m geo gazetteer``, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from geo.cli import main
from geo.config import PROJECT_ROOT

from tests.geo.conftest import DATA, GEONAMES_SMALL, SMALL_CSV


@pytest.fixture
def env(monkeypatch, tmp_path):
    """The CLI's environment: fixture gazetteer, no GeoNames database, offline."""
    values = {
        "GEO_GAZETTEER": str(SMALL_CSV),
        "GEO_GEONAMES_DB": str(tmp_path / "geonames.sqlite"),
        "GEO_CACHE_DIR": str(tmp_path / "cache"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GEO_ONLINE", raising=False)
    return values


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- geocode


def test_geocode_prints_one_json_object(env, capsys):
    code, out, err = run(capsys, "geocode", "Baghdad's international airport")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "site_id": "baghdad-airport", "name": "Baghdad International Airport", "lat": 33.2625, "lon": 44.2344,
        "kind": "airport", "country": "IQ", "score": 100.0, "method": "exact",
    }  # fmt: skip


def test_geocode_country_option(env, capsys):
    code, out, _ = run(capsys, "geocode", "Mayadeen", "--country", "SY")
    assert code == 0 and json.loads(out)["site_id"] == "mayadin"
    code, _, err = run(capsys, "geocode", "Mayadeen", "--country", "IQ")
    assert code == 1 and err == "error: no site matches 'Mayadeen' in IQ\n"


def test_geocode_all_lists_candidates_best_first(env, capsys):
    code, out, _ = run(capsys, "geocode", "Erbil", "--all")
    found = json.loads(out)
    assert code == 0
    assert [c["site_id"] for c in found][:2] == ["erbil", "erbil-airport"]
    assert found[0]["score"] >= found[1]["score"]


@pytest.mark.parametrize("argv", [["geocode", "Wednesday"], ["geocode", "Wednesday", "--all"]])
def test_geocode_nothing_found_is_exit_1_with_one_line(env, capsys, argv):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err.startswith("error: no site matches 'Wednesday'") and err.count("\n") == 1


def test_geocode_ambiguous_is_exit_1_naming_the_candidates(env, capsys, tmp_path, monkeypatch):
    twins = tmp_path / "twins.csv"
    twins.write_text(
        SMALL_CSV.read_text(encoding="utf-8").splitlines()[0] + "\n"
        "balad-iq,Balad,,town,IQ,,34.01,44.15,3000,fixture,\n"
        "balad-sy,Balad,,village,SY,,35.9,39.1,2000,fixture,\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GEO_GAZETTEER", str(twins))
    code, out, err = run(capsys, "geocode", "Balad")
    assert (code, out) == (1, "")
    assert err == "error: 'Balad' is ambiguous: balad-iq, balad-sy\n"
    assert run(capsys, "geocode", "Balad", "--country", "SY")[0] == 0


def test_python_dash_m_geo_geocode_end_to_end(env):
    done = subprocess.run(
        [sys.executable, "-m", "geo", "geocode", "Ain al-Asd"],
        check=False, capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, **env}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["site_id"] == "ain-al-asad"
    missing = subprocess.run(
        [sys.executable, "-m", "geo", "geocode", "Pentagon"],
        check=False, capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, **env}, timeout=60,
    )  # fmt: skip
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr


# --------------------------------------------------------------------------- the curated gazetteer's regional sites

# Sites of attacks on US/coalition forces and of US strikes across Iraq, Syria, Jordan and the Gulf
# (issue 11), each by the names reports give it: (name, site id, country).
REGIONAL_SITES = [
    ("Muwaffaq Salti Air Base", "muwaffaq-salti-air-base", "JO"),
    ("Muwaffaq al-Salti airbase", "muwaffaq-salti-air-base", "JO"),
    ("Azraq air base", "muwaffaq-salti-air-base", "JO"),
    ("Ali Al Salem Air Base", "ali-al-salem-air-base", "KW"),
    ("Ali al-Salem airbase", "ali-al-salem-air-base", "KW"),
    ("Camp Arifjan", "camp-arifjan", "KW"),
    ("Camp Buehring", "camp-buehring", "KW"),
    ("Camp Udairi", "camp-buehring", "KW"),
    ("Prince Sultan Air Base", "prince-sultan-air-base", "SA"),
    ("PSAB", "prince-sultan-air-base", "SA"),
    ("Al Kharj Air Base", "prince-sultan-air-base", "SA"),
    ("Al-Kharj", "al-kharj", "SA"),  # the town, not the air base named after it
    ("NSA Bahrain", "nsa-bahrain", "BH"),
    ("Naval Support Activity Bahrain", "nsa-bahrain", "BH"),
    ("Basra airport", "basra-airport", "IQ"),
    ("Basrah International Airport", "basra-airport", "IQ"),
    ("Sulaymaniyah airport", "sulaymaniyah-airport", "IQ"),
    ("Slemani International Airport", "sulaymaniyah-airport", "IQ"),
    ("Sulaymaniyah", "sulaymaniyah", "IQ"),  # the city keeps its bare name
    ("Abu Ghraib", "abu-ghraib", "IQ"),
    ("Diwaniyah", "diwaniyah", "IQ"),
    ("Al-Diwaniya", "diwaniyah", "IQ"),
    ("Samawah", "samawah", "IQ"),
    ("As Samawah", "samawah", "IQ"),
    ("MSS Euphrates", "conoco-gas-field", "SY"),
    ("Mission Support Site Euphrates", "conoco-gas-field", "SY"),
    ("Baghdad Diplomatic Support Center", "baghdad-airport", "IQ"),
    ("Tower 22", "tower-22", "JO"),
    ("Al Udeid Air Base", "al-udeid-air-base", "QA"),
    ("Isa Air Base", "isa-air-base", "BH"),
    ("Shaikh Isa Air Base", "isa-air-base", "BH"),
    ("Akashat", "akashat", "IQ"),
    ("Erbil consulate", "us-consulate-erbil", "IQ"),
    ("Consulate General in Erbil", "us-consulate-erbil", "IQ"),
    ("Erbil", "erbil", "IQ"),  # the city keeps its bare name
    ("Imam Ali compound", "imam-ali-compound", "SY"),
    ("Ayyash warehouses", "ayyash-camp", "SY"),
    ("Ayash Camp", "ayyash-camp", "SY"),
    ("Harabish", "harabish", "SY"),
    ("Hrabesh", "harabish", "SY"),
    ("Abu Kamal", "al-bukamal", "SY"),  # the town, not the compound placed on its point
    ("Deir ez-Zor", "deir-ez-zor", "SY"),  # the city, not the proxies placed on its point
]

# Names near the sites added for issue 11 item 5 that are not those sites: a shrine and personal
# names that share a word with them, and a town named after the same man as a base. None may
# reach a confident answer for the new site.
NEAR_MISSES = [
    ("Imam Ali shrine", "imam-ali-compound"),
    ("Imam Ali", "imam-ali-compound"),
    ("Imam Ali military base", "imam-ali-compound"),  # its core is the bare name: deliberately not an alias
    ("Yahya Ayyash", "ayyash-camp"),
    ("consulate", "us-consulate-erbil"),
    ("Isa Town", "isa-air-base"),
    ("Hamdan", "imam-ali-compound"),
]


@pytest.fixture
def curated_env(env, monkeypatch):
    """The CLI's environment with the project's curated gazetteer."""
    monkeypatch.setenv("GEO_GAZETTEER", str(PROJECT_ROOT / "gazetteer.csv"))


@pytest.mark.parametrize("name, site_id, country", REGIONAL_SITES, ids=[n for n, _, _ in REGIONAL_SITES])
def test_geocode_finds_regional_sites_by_the_names_reports_use(curated_env, capsys, name, site_id, country):
    code, out, err = run(capsys, "geocode", name)
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert (found["site_id"], found["country"]) == (site_id, country)
    assert found["score"] >= 90  # a confident answer, not a fuzzy guess


@pytest.mark.parametrize("name, site_id", NEAR_MISSES, ids=[n for n, _ in NEAR_MISSES])
def test_geocode_keeps_near_miss_names_off_the_new_sites(curated_env, capsys, name, site_id):
    code, out, _ = run(capsys, "geocode", name)
    if code == 0:  # an answer, if any, is another site or a weak guess
        found = json.loads(out)
        assert found["site_id"] != site_id or found["score"] < 90
    else:
        assert code == 1 and out == ""


# --------------------------------------------------------------------------- gazetteer


def test_validate_a_good_file(env, capsys):
    code, out, _ = run(capsys, "gazetteer", "validate", str(SMALL_CSV))
    assert code == 0 and "13 sites, no problems" in out


def test_validate_defaults_to_the_configured_gazetteer(env, capsys):
    code, out, _ = run(capsys, "gazetteer", "validate")
    assert code == 0 and str(SMALL_CSV) in out


def test_validate_prints_every_problem_and_exits_1(env, capsys):
    code, out, err = run(capsys, "gazetteer", "validate", str(DATA / "bad_rows.csv"))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 17
    assert lines[0].endswith("bad_rows.csv, row 3, field 'id': required field is empty")
    assert "17 problem(s)" in err


def test_import_geonames_reports_progress_and_counts(env, capsys):
    code, out, err = run(capsys, "gazetteer", "import-geonames", "--progress", str(GEONAMES_SMALL))
    size = GEONAMES_SMALL.stat().st_size
    assert code == 0
    assert f"\rreading geonames_small.txt (bytes): {size:,}/{size:,} (100%)\n" in err  # the progress line
    assert "skipped: " in err and ", row 10:" in err and ", row 11," in err
    assert out.startswith("imported 9 places") and "2 bad line(s) skipped" in out
    code, out, _ = run(capsys, "geocode", "Heet")  # the new layer is used at once
    assert code == 0 and json.loads(out)["site_id"] == "geonames:9100008"


def test_import_geonames_strict_refuses_bad_lines(env, capsys):
    code, out, err = run(capsys, "gazetteer", "import-geonames", "--strict", str(GEONAMES_SMALL))
    assert code == 1 and out == ""
    assert "error: 2 problem(s)" in err
    assert "reading" not in err  # no progress line: stderr is no terminal and --progress was not given
    assert not os.path.exists(env["GEO_GEONAMES_DB"])


def test_import_geonames_missing_file(env, capsys, tmp_path):
    code, _, err = run(capsys, "gazetteer", "import-geonames", str(tmp_path / "IQ.txt"))
    assert code == 1 and "GeoNames file not found" in err
