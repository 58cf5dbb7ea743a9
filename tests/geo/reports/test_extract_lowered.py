"""A case-insensitive pattern searched in lower-cased text answers as the pattern itself does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.reports.extract import attribution, pipeline, vocabulary
from geo.reports.extract.lowered import LowerCased, any_of
from geo.reports.extract.sentences import split_clauses, split_sentences

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval"
LOWERED = {"GENERIC": vocabulary.GENERIC_LOWER, "HAPPENED": vocabulary.HAPPENED_LOWER}
# Every character of Unicode but the three the module names, and those three by themselves.
_ODD = "\u0130\u0131\u017f"
_ALL = "".join(chr(i) for i in range(0x110000) if chr(i) not in _ODD)


def _positions(rx: re.Pattern[str], text: str) -> set[int]:
    return {m.start() for m in rx.finditer(text)}


def test_lower_casing_keeps_positions_and_classes_of_all_unicode_but_three_characters():
    low = _ALL.lower()
    assert len(low) == len(_ALL)
    # An ASCII letter under IGNORECASE is what lower-cases to it ...
    assert _positions(re.compile("[a-z]", re.IGNORECASE), _ALL) == _positions(re.compile("[a-z]"), low)
    # ... and \w, \d, \s (so \b) do not change with the case.
    for cls in (r"\w", r"\d", r"\s"):
        assert _positions(re.compile(cls), _ALL) == _positions(re.compile(cls), low), cls


@pytest.mark.parametrize("odd", list(_ODD))
def test_the_three_characters_are_where_the_foldings_disagree(odd):
    assert re.fullmatch("[a-z]", odd, re.IGNORECASE)
    assert not re.fullmatch("[a-z]", odd.lower())


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # capitals, a word split by a line break, accents and the characters the lower-casing cannot carry
        ("HAPPENED", "THREE ROCKETS STRUCK THE BASE"),
        ("HAPPENED", "Rockets Came\nUnder fire"),
        ("HAPPENED", "the base came\n  under attack"),
        ("HAPPENED", "drones were TARGETED"),
        ("HAPPENED", "rockets laNded near the base"),
        ("HAPPENED", "KİLLED two guards"),  # İ: "i" to the regex engine, two characters lower-cased
        ("HAPPENED", "KıLLED two guards"),  # dotless ı: "i" to the regex engine
        ("HAPPENED", "the rockets cauſed damage"),  # long ſ: "s" to the regex engine
        ("HAPPENED", "the rockets caused damage, İraq said"),  # İ elsewhere: positions shift after it
        ("HAPPENED", "strikes thréatened"),
        ("HAPPENED", "militias vowed to attack"),
        ("GENERIC", "Bases HAVE BEEN TARGETED more than 60 times"),
        ("GENERIC", "attacks have\nbeen carried out"),
        ("GENERIC", "ſince January"),  # long ſ
        ("GENERIC", "SİNCE January"),  # İ
        ("GENERIC", "sınce January"),  # dotless ı
        ("GENERIC", "since JANUARY the group has"),
        ("GENERIC", "since jan. 3"),
        ("GENERIC", "Récemment, les attaques"),
        ("GENERIC", "the rockets are believed to have been fired from"),
        ("GENERIC", "nine rockets have been fired at the base"),
        ("GENERIC", "the groups PAUSED their attacks"),
        ("GENERIC", "135 Attacks on US forces"),
        ("GENERIC", "attacks REMAIN rare"),
    ],
)
def test_lowered_search_answers_as_the_pattern(name, text):
    lowered = LOWERED[name]
    expected = lowered.pattern.search(text) is not None
    assert lowered.found(text) is expected
    assert lowered.found(text, text.lower()) is expected


def test_the_fallback_is_taken_where_lower_casing_would_lose_a_match():
    # Each of these matches only through the regex engine's folding: lower-cased, they would not.
    for text in ("KİLLED", "KıLLED", "cauſed"):
        assert vocabulary.HAPPENED.search(text)
        assert not re.search(r"\b(?:killed|caused)\b", text.lower())
        assert vocabulary.HAPPENED_LOWER.found(text)


def _clauses(path: Path):
    text = path.read_text(encoding="utf-8")
    for s, e in split_sentences(text):
        for cs, ce in split_clauses(text, s, e):
            yield text[cs:ce]


@pytest.mark.parametrize("name", sorted(LOWERED))
def test_lowered_search_answers_as_the_pattern_on_every_clause_of_the_in_house_reports(name):
    lowered = LOWERED[name]
    clauses = [c for path in sorted(EVAL.glob("*/*.txt")) for c in _clauses(path)]
    assert len(clauses) > 300
    hits = 0
    for clause in clauses:
        expected = lowered.pattern.search(clause) is not None
        assert lowered.found(clause, clause.lower()) is expected, clause
        hits += expected
    assert 0 < hits < len(clauses)  # the check saw both answers


def test_a_window_of_the_text_is_searched_as_the_pattern_searches_it():
    text = "The base came under fire. Officials said nothing."
    lowered = LOWERED["HAPPENED"]
    for pos, endpos in ((0, len(text)), (26, len(text)), (0, 20), (9, 14)):
        assert lowered.found(text, text.lower(), pos, endpos) is (lowered.pattern.search(text, pos, endpos) is not None)


@pytest.mark.parametrize(
    "pattern",
    [
        re.compile(r"\bmay\b"),  # not IGNORECASE
        re.compile(r"\b(?-i:May)\b", re.IGNORECASE),  # a case-sensitive part
        re.compile(r"\x41rmy", re.IGNORECASE),  # a letter named by its number
        re.compile(r"\bÉtat\b", re.IGNORECASE),  # a letter outside ASCII
    ],
)
def test_a_pattern_the_lower_casing_cannot_carry_is_refused(pattern):
    with pytest.raises(ValueError):
        LowerCased(pattern)


def test_escapes_keep_their_case():
    rx = LowerCased(re.compile(r"\S+\W\D\B|A\\B", re.IGNORECASE))
    assert rx._lower.pattern == r"\S+\W\D\B|a\\b"


def test_matches_of_the_lowered_text_have_the_spans_of_the_pattern_and_lower_cased_groups():
    count = LowerCased(re.compile(r"\b(?P<n>\d+|two|three)\s+(?P<noun>rockets?|UAVs?)\b", re.IGNORECASE))
    text = "Two UAVs and THREE Rockets hit the base; later 4 rockets. " * 30  # a whole report: lower-cased once
    got = [(m.span(), m.group("n"), m.group("noun")) for m in count.finditer(text, 10, 300)]
    want = [(m.span(), m.group("n").lower(), m.group("noun").lower()) for m in count.pattern.finditer(text, 10, 300)]
    assert got == want and len(got) > 3
    assert count.search(text, 5).span() == count.pattern.search(text, 5).span()
    odd = "İ " + text  # İ: the original pattern reads it, spans and all
    assert [m.span() for m in count.finditer(odd)] == [m.span() for m in count.pattern.finditer(odd)]


@pytest.mark.parametrize(
    "text",
    ["", "no hint here", "the group claimed it", "claims", "it was carried out by x", "carried out", "said it", "said in a statement",
     "responsibility", "responsib", "a likely", "credible"],
)
def test_any_of_occurs_where_one_of_its_words_does(text):
    words = ("claim", "credit", "carried out by", "said it", "said its", "said in a", "responsib", "likely", "like")
    assert (any_of(words).search(text) is not None) is any(w in text for w in words)


@pytest.mark.parametrize("words", [attribution._HINTS, pipeline._SENTENCE_HINTS], ids=["statement", "sentence"])
def test_the_hint_lists_occur_as_their_words_do_on_every_clause_of_the_in_house_reports(words):
    rx = any_of(words)
    clauses = [c.lower() for path in sorted(EVAL.glob("*/*.txt")) for c in _clauses(path)]
    answers = [rx.search(c) is not None for c in clauses]
    assert answers == [any(w in c for w in words) for c in clauses]
    assert 0 < sum(answers) < len(clauses)
