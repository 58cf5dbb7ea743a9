"""Which language a report is in."""

from __future__ import annotations

import pytest

from geo.config import PROJECT_ROOT
from geo.reports.extract import language
from geo.reports.extract.language import detect, language_name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Two rockets struck the base on Monday, officials said, and nobody was hurt in the attack.", "en"),
        ("Deux roquettes ont frappé la base lundi, selon des responsables, sans faire de blessés.", "fr"),
        ("Dos cohetes impactaron en la base el lunes, según fuentes oficiales, sin causar heridos.", "es"),
        ("Dois foguetes atingiram a base na segunda-feira, segundo fontes oficiais, sem deixar feridos.", "pt"),
        ("Due razzi hanno colpito la base lunedì, secondo fonti ufficiali, senza provocare feriti.", "it"),
        ("Zwei Raketen trafen am Montag den Stützpunkt, wie Beamte mitteilten; verletzt wurde niemand.", "de"),
        ("Dua roket menghantam pangkalan itu pada hari Senin, kata para pejabat, tanpa korban luka.", "id"),
        ("Δύο ρουκέτες έπληξαν τη βάση τη Δευτέρα, σύμφωνα με αξιωματούχους, χωρίς τραυματίες.", "el"),
        ("أصاب صاروخان القاعدة يوم الاثنين بحسب مسؤولين من دون وقوع إصابات.", "ar"),
    ],
)
def test_the_language_of_a_report(text, code):
    # A short Indonesian text may be identified as Malay: both are read with one lexicon.
    assert detect(text) == code or (code, detect(text)) == ("id", "ms")


def test_english_is_told_without_the_model(monkeypatch):
    import py3langid

    def refuse(_text):
        raise AssertionError("the model was asked about an English report")

    monkeypatch.setattr(py3langid, "classify", refuse)
    assert detect("Rockets hit the base in the night and the coalition said that it was investigating.") == "en"


def test_a_text_too_short_to_tell_is_read_as_english():
    assert detect("Erbil, 12:40") == "en"
    assert detect("") == "en"


def test_language_names():
    assert language_name("fr") == "French" and language_name("xx") == "xx"
    assert set(language.LANGUAGE_NAMES) >= {"fr", "es", "pt", "it", "de", "id", "el", "ar", "en"}


ENGLISH_TEXTS = sorted(
    p for d in ("own", "holdout", "holdout2", "holdout3", "holdout4") for p in (PROJECT_ROOT / "tests" / "data" / "eval" / d).glob("*.txt")
)


@pytest.mark.parametrize("path", ENGLISH_TEXTS, ids=[p.name for p in ENGLISH_TEXTS])
def test_every_english_report_of_the_evaluation_is_told_english_by_the_quick_test(path, monkeypatch):
    # So English reports are read by the English rules exactly as before, and never wait for the model.
    import py3langid

    monkeypatch.setattr(py3langid, "classify", lambda _t: ("xx", 0.0))
    assert detect(path.read_text(encoding="utf-8")) == "en"
