"""The lexicons: every table readable, and what each language must know for the English rules."""

from __future__ import annotations

import pytest

from geo.reports.extract.lexicon import LANGUAGES, fold, lexicon

MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_knows_the_months_the_weekdays_and_yesterday(code):
    english = set(lexicon(code).entries.values())
    assert MONTHS <= english and WEEKDAYS <= english
    assert {"yesterday", "today"} <= english


@pytest.mark.parametrize("code", sorted(LANGUAGES))
@pytest.mark.parametrize("word", ["rocket", "rockets", "drone", "drones", "attack", "base", "air base", "wounded", "Iraq", "Syria"])
def test_every_language_knows_the_words_of_an_attack(code, word):
    assert word in set(lexicon(code).entries.values())


def test_a_language_without_a_table_has_no_lexicon_and_malay_reads_indonesian():
    assert lexicon("ur") is None and lexicon("xx") is None
    assert lexicon("ms") is lexicon("id")


@pytest.mark.parametrize(
    ("code", "form", "english"),
    [
        ("ru", "ракетами", "rockets"),  # a stem: every ending
        ("ru", "силами безопасности", "security forces"),  # a stem inside a several-word entry
        ("tr", "roketlerle", "rockets"),
        ("ru", "ракетный удар", "rocket attack"),  # the longer entry before the stem
        ("fr", "roquettes", "rockets"),
        ("fr", "inconnu", None),
    ],
)
def test_a_form_is_found_whole_or_by_its_stem(code, form, english):
    assert lexicon(code).english(form) == english


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("أطلقت", "اطلقت"),  # hamza on the alef
        ("قاعدة", "قاعده"),  # ta marbuta
        ("ρουκέτες", "ρουκετες"),  # Greek accent
        ("İha".lower(), "iha"),  # the dot "İ" leaves when lower-cased
        ("roquettes", "roquettes"),  # Latin unchanged
    ],
)
def test_letters_written_several_ways_fold_to_one(written, folded):
    assert fold(written) == folded
