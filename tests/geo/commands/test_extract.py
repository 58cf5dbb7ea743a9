"""``python -m geo extract`` and ``python -m geo ingest`` end to end, on small files of our own."""

from __future__ import annotations

import json

import pytest

from geo.cli import main
from geo.config import PROJECT_ROOT

REPORT_A = "Five rockets hit Ain al-Asad air base on Wednesday, causing no casualties. A drone was shot down near Zubaydiyat."
REPORT_B = "Eight rockets struck Ain al-Asad on Wednesday, Iraqi officials said. Two drones were downed near Erbil airport on Tuesday."


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A private store and the real gazetteer, without the GeoNames layer or seed data."""
    monkeypatch.setenv("GEO_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("GEO_INCIDENTS_CSV", str(tmp_path / "no-seed.csv"))
    monkeypatch.setenv("GEO_GAZETTEER", str(PROJECT_ROOT / "gazetteer.csv"))
    monkeypatch.setenv("GEO_GEONAMES_DB", str(tmp_path / "absent.sqlite"))
    return tmp_path


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extract_prints_geojson_and_unresolved_places_on_stderr(env, capsys):
    path = write(env, "a.txt", REPORT_A)
    assert main(["extract", str(path), "--published", "2023-05-10", "--outlet", "Wire", "--url", "https://example.org/a"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["type"] == "FeatureCollection"
    (feat,) = doc["features"]
    props = feat["properties"]
    assert feat["geometry"]["coordinates"] == [42.4411, 33.7856]
    for key in ("date", "date_precision", "date_window", "event_type", "actor", "attribution", "site_id", "site_name", "geo_precision",
                "killed", "injured", "munitions", "evidence"):
        assert key in props
    assert (props["date"], props["site_id"], props["munitions"], props["killed"]) == ("2023-05-10", "ain-al-asad", 5, 0)
    assert (props["outlet"], props["url"]) == ("Wire", "https://example.org/a")
    assert "Zubaydiyat" in err


def test_extract_features_carry_the_family_the_confidence_and_the_sentence_that_named_the_actor(env, capsys):
    text = "Rockets hit Ain al-Asad air base on Tuesday. Kataib Hezbollah claimed the attack on Wednesday."
    path = write(env, "claim.txt", text)
    assert main(["extract", str(path), "--published", "2023-05-10"]) == 0
    (feat,) = json.loads(capsys.readouterr().out)["features"]
    props = feat["properties"]
    assert (props["actor"], props["actor_family"], props["attribution"]) == ("Kataib Hezbollah", "iran_aligned", "claimed")
    assert props["attribution_evidence"] == "Kataib Hezbollah claimed the attack on Wednesday."
    assert set(props["confidence"]) == {"overall", "place", "date", "attribution"}
    assert all(0 < v <= 1 for v in props["confidence"].values())


def test_extract_reads_html(env, capsys):
    path = write(env, "a.html", f"<html><body><script>var x='Erbil';</script><p>{REPORT_A}</p></body></html>")
    assert main(["extract", str(path), "--published", "2023-05-10"]) == 0
    assert len(json.loads(capsys.readouterr().out)["features"]) == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["extract", "missing.txt", "--published", "2023-05-10"], "not found"),
        (["extract", "{a}"], "--published"),
        (["extract", "{empty}", "--published", "2023-05-10"], "empty"),
    ],
)
def test_extract_refusals_are_one_line(env, capsys, argv, message):
    a = write(env, "a.txt", REPORT_A)
    empty = write(env, "empty.txt", "   ")
    argv = [x.format(a=a, empty=empty) for x in argv]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_extract_rejects_a_bad_date(env, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["extract", "x.txt", "--published", "05/10/2023"])
    assert exc.value.code == 2


def test_ingest_dry_run_stores_nothing_then_ingest_merges(env, capsys):
    from geo.storage.store import Store

    a = write(env, "a.txt", REPORT_A)
    b = write(env, "b.txt", REPORT_B)
    assert main(["ingest", str(a), "--published", "2023-05-10", "--outlet", "Wire A", "--dry-run"]) == 0
    assert "dry run: 1 new" in capsys.readouterr().out
    assert Store.open(seed=False).all() == []

    assert main(["ingest", str(a), "--published", "2023-05-10", "--outlet", "Wire A"]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["ingest", str(b), "--published", "2023-05-10", "--outlet", "Wire B"]) == 0
    assert "1 added, 1 updated" in capsys.readouterr().out
    stored = {i.site_id: i for i in Store.open(seed=False).all()}
    rockets = stored["ain-al-asad"]
    assert [s.outlet for s in rockets.sources] == ["Wire A", "Wire B"]
    assert rockets.munitions == 8 and rockets.figure_range("munitions") == (5, 8)

    # Ingesting the same report again changes nothing.
    assert main(["ingest", str(a), "--published", "2023-05-10", "--outlet", "Wire A"]) == 0
    assert "0 added, 0 updated" in capsys.readouterr().out


def test_ingest_manifest_with_relative_paths(env, capsys):
    from geo.storage.store import Store

    (env / "reports").mkdir()
    write(env / "reports", "a.txt", REPORT_A)
    write(env / "reports", "b.txt", REPORT_B)
    manifest = write(env, "manifest.csv", "file,published,outlet,url\nreports/a.txt,2023-05-10,Wire A,\nreports/b.txt,2023-05-10,Wire B,https://example.org/b\n")
    assert main(["ingest", "--manifest", str(manifest)]) == 0
    assert len(Store.open(seed=False).all()) == 2


def test_failed_ingest_stores_nothing(env, capsys):
    from geo.storage.store import Store

    (env / "reports").mkdir()
    write(env / "reports", "a.txt", REPORT_A)
    (env / "reports" / "bad.txt").write_bytes(b"\x00\x01binary")
    manifest = write(env, "manifest.csv", "file,published,outlet,url\nreports/a.txt,2023-05-10,A,\nreports/bad.txt,2023-05-10,B,\n")
    assert main(["ingest", "--manifest", str(manifest)]) == 1
    assert "binary" in capsys.readouterr().err
    assert Store.open(seed=False).all() == []


def test_ingest_needs_input(env, capsys):
    assert main(["ingest"]) == 1
    assert "nothing to ingest" in capsys.readouterr().err


def test_an_undated_attack_carries_its_two_day_window(env, capsys):
    path = write(env, "c.txt", "Five rockets hit Ain al-Asad air base, causing no casualties.")
    assert main(["extract", str(path), "--published", "2023-05-10"]) == 0
    (feat,) = json.loads(capsys.readouterr().out)["features"]
    assert feat["properties"]["date_window"] == ["2023-05-09", "2023-05-10"]


def test_extract_says_in_which_language_each_report_was_read(env, capsys):
    english = write(env, "en.txt", REPORT_A)
    spanish = write(env, "es.txt", "Ayer, cinco cohetes cayeron sobre la base aérea de Ain al-Asad, en el oeste de Irak, sin causar víctimas.")
    urdu = write(env, "ur.txt", "آج ایک امریکی اڈے پر راکٹ گرے، سیکیورٹی ذرائع نے بتایا کہ کوئی جانی نقصان نہیں ہوا۔ یہ ایک ماہ کے اندر ملک میں تیسرا حملہ تھا۔")
    assert main(["extract", str(english), str(spanish), str(urdu), "--published", "2023-05-10"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["languages"] == [
        {"report": "en.txt", "language": "en", "reading": "native"},
        {"report": "es.txt", "language": "es", "reading": "gloss"},
        {"report": "ur.txt", "language": "ur", "reading": "none"},
    ]
    glossed = [f["properties"] for f in doc["features"] if f["properties"]["report"] == "es.txt"]
    assert [(p["date"], p["site_id"], p["munitions"]) for p in glossed] == [("2023-05-09", "ain-al-asad", 5)]
    assert glossed[0]["evidence"].startswith("Ayer, cinco cohetes")  # the report's own sentence
    assert "es.txt: note: The report is in Spanish: read through a word-for-word English gloss" in err
    assert "ur.txt: note: The report is in Urdu, which the extractor does not read" in err
