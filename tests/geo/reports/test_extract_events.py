"""The weapon words of a clause and the event type each votes for (:mod:`geo.reports.extract.events`), round 10 onwards.

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from geo.reports.extract.events import pick_type, type_votes


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
