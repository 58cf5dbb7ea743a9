"""A case-insensitive pattern searched in lower-cased text answers as the pattern itself does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.reports.extract import attribution, events, pipeline, vocabulary
from geo.reports.extract.lowered import Hinted, LowerCased, any_of, required_words
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
    expected = lowered.regex.search(text) is not None
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
        expected = lowered.regex.search(clause) is not None
        assert lowered.found(clause, clause.lower()) is expected, clause
        hits += expected
    assert 0 < hits < len(clauses)  # the check saw both answers


def test_a_window_of_the_text_is_searched_as_the_pattern_searches_it():
    text = "The base came under fire. Officials said nothing."
    lowered = LOWERED["HAPPENED"]
    for pos, endpos in ((0, len(text)), (26, len(text)), (0, 20), (9, 14)):
        assert lowered.found(text, text.lower(), pos, endpos) is (lowered.regex.search(text, pos, endpos) is not None)


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
    want = [(m.span(), m.group("n").lower(), m.group("noun").lower()) for m in count.regex.finditer(text, 10, 300)]
    assert got == want and len(got) > 3
    assert count.search(text, 5).span() == count.regex.search(text, 5).span()
    odd = "İ " + text  # İ: the original pattern reads it, spans and all
    assert [m.span() for m in count.finditer(odd)] == [m.span() for m in count.regex.finditer(odd)]


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


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\bno\s+(?:damage|casualties)\b", {"damage", "casualties"}),  # the longer words of the two parts
        (r"(?:at\s+least\s+)?(?P<n>\d+)\s+rockets?", {"rocket"}),  # an optional part holds nothing
        (r"(?<=struck\s)the\s+base|(?!x)the\s+camp", {"base", "camp"}),  # nor does a lookaround
        (r"(?:hit|struck){1,2}\s+(?:the\s+)*base", {"base"}),
        (r"[A-Z]\w+\s+\d+", None),  # classes and repeats only
        (r"KILLED|Wounded", {"killed", "wounded"}),
        (r"\bÉtat\s+islamique", {"islamique"}),  # a letter outside ASCII is no word to look for
    ],
)
def test_required_words_every_match_holds(pattern, words):
    rx = re.compile(pattern, re.IGNORECASE)
    assert required_words(rx) == (None if words is None else frozenset(words))


HINTED = {
    "DAMAGE": events.DAMAGE, "_MORE": events._MORE, "_INJURE_VERB": events._INJURE_VERB, "_PASSIVE_CAS": events._PASSIVE_CAS,
    "_RELATIVE": pipeline._RELATIVE, "_THE_STRIKES": pipeline._THE_STRIKES, "_ANOTHER": pipeline._ANOTHER,
    "INDIRECT": attribution.INDIRECT, "_PLURAL_REF": attribution._PLURAL_REF,
}  # fmt: skip


# (Sentences of our own wording, so that each pattern is seen to match.)
_OWN_EXAMPLES = (
    "Five rockets landed inside the base, with three more landing outside. Two guards were wounded and one was killed. "
    "The attack caused minor damage to a hangar. Fighters who had fired rockets were struck again the next day; "
    "the strikes hit depots. Another drone attack followed. The drone bore the hallmarks of the militias. "
    "US officials blamed the militias for these attacks, wounding claims of innocence."
)


@pytest.mark.parametrize("name", sorted(HINTED))
def test_a_hinted_pattern_finds_what_the_pattern_finds_in_every_clause_of_the_in_house_reports(name):
    hinted = HINTED[name]
    assert isinstance(hinted, Hinted) and hinted.flags == hinted.regex.flags  # (the pattern's own attributes)
    found = 0
    for text in [path.read_text(encoding="utf-8") for path in sorted(EVAL.glob("*/*.txt"))] + [_OWN_EXAMPLES]:
        for s, e in split_sentences(text):
            for cs, ce in split_clauses(text, s, e):
                got = [m.span() for m in hinted.finditer(text, cs, ce)]
                assert got == [m.span() for m in hinted.regex.finditer(text, cs, ce)]
                assert (hinted.search(text, cs, ce) is None) is (not got)
                assert (hinted.search(text[cs:ce]) is None) is (not got)
                found += bool(got)
    assert found  # the check saw matches


@pytest.mark.parametrize(
    "text",
    ["TWO GUARDS WERE KILLED", "two guards were KİLLED", "two guards were kıLLED", "two guards were ſeriously hurt", "two guards\nwere\nkilled"],
)
def test_a_hinted_pattern_searches_text_whose_words_the_lower_casing_hides(text):
    assert [m.span() for m in events._PASSIVE_CAS.finditer(text)] == [m.span() for m in events._PASSIVE_CAS.regex.finditer(text)]
    assert events._PASSIVE_CAS.regex.search(text)  # each of them is a toll
