"""The weapon words of a clause, the type each votes for, tolls (:mod:`geo.reports.extract.events`).

Round 10's cases, then those of rounds 4 and 9 (once in test_extract_roundN_rules.py).

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from geo.reports.extract.events import pick_type, read_casualties, type_votes


def _type(text: str) -> str:
    votes: dict[str, float] = {}
    for kind, weight in type_votes(text, 0, len(text)).votes:
        votes[kind] = votes.get(kind, 0.0) + weight
    return pick_type(votes)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Iran launched missile strikes on US forces at the base.", "missile"),
        ("The satellite picture shows damage from precision missile strikes launched by Iran.", "missile"),
        ("Militants carried out rocket strikes on the base.", "rocket"),
        # a state's strikes stay airstrikes
        ("US forces launched retaliatory strikes on militia depots.", "airstrike"),
        ("US jets launched precision strikes on the depots.", "airstrike"),
    ],
)
def test_strikes_named_by_a_ground_weapon_are_that_weapons_attack(text, kind):
    assert _type(text) == kind


# ==== round 4 cases (were in test_extract_round4_rules.py) ================================================


def toll(text: str) -> tuple[int | None, int | None]:
    found = read_casualties(text, 0, len(text))
    return found.killed, found.injured


# --- tolls: which numbers count people -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, killed, injured",
    [
        # a year before the toll is the date line, never a count
        ("Amman, 3 March 2024: at least two soldiers were killed in the strike.", 2, None),
        ("In 2023 four guards were wounded at the gate.", None, 4),
        # a day after its month is a date, not people
        ("Officials listed the staff killed since October 7 raids on the depot.", None, None),
        ("Five soldiers have died in the region since Oct. 12 raids on the depot.", None, None),
        # a word number after a month is still a count, and "may" is no month
        ("On 3 May two guards were killed at the gate.", 2, None),
        ("At least two may have been killed in the blast.", 2, None),
        # a count after "killed by" names the weapon's target, not the dead
        ("Two engineers were killed by shrapnel from a drone that hit the Tower 9 compound.", 2, None),
    ],
)
def test_years_and_days_are_not_tolls(text, killed, injured):
    assert toll(text) == (killed, injured)


@pytest.mark.parametrize(
    "text, killed, injured",
    [
        # the injured counted after the dead, sharing one verb
        ("Officials said two guards were killed and 14 injured in the barrage.", 2, 14),
        ("By nightfall three contractors had been killed and another 9 wounded, the airfield said.", 3, 9),
        # "have been" and an adverb before the participle
        ("One technician was slightly injured when the rocket hit the hangar.", None, 1),
        ("Two sentries had been wounded by shrapnel.", None, 2),
        # a passive verb has its victims before it: the number after it belongs to the next verb
        ("One cook was killed and five other people were hurt in the barrage.", 1, 5),
        # "left ... dead" counts only the dead
        ("The blast left one mechanic dead and four others injured.", 1, 4),
    ],
)
def test_tolls_told_together(text, killed, injured):
    assert toll(text) == (killed, injured)


@pytest.mark.parametrize(
    "text, killed",
    [
        # a person noun must be a whole word: "a television crew" is one, "a television station" is none
        ("The strike killed two members of the crew and a local television station owner.", 2),
        ("The strike killed two Americans and one British national.", 3),
    ],
)
def test_people_are_counted_by_whole_words(text, killed):
    assert toll(text)[0] == killed


# ==== round 9 cases (were in test_extract_round9_rules.py) ================================================


# --- weapons listed before a depot noun are the depots' contents ------------------------------------------------


def test_weapons_listed_before_depots_do_not_type_a_clause():
    text = "The targets included command centres, rocket, missile and drone depots and supply sites of the militias."
    assert type_votes(text, 0, len(text)).votes == ()
