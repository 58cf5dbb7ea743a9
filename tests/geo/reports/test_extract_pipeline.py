"""How :mod:`geo.reports.extract.pipeline` reads a clause (round 10 onwards).

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from tests.geo.reports.test_extract_real_rules import cands, gaz  # noqa: F401  (gaz is a fixture)


# --- an attack named only to give a day is told elsewhere: its place and weapon are not this clause's -------


def test_the_same_day_as_another_attack_gives_the_day_not_the_place(gaz):
    text = (
        "Rockets hit Green Village on Monday. "
        "On the same day as the Green Village rocket attack, coalition forces shot down two drones near al-Tanf."
    )
    assert sorted((c.site_id, c.event_type) for c in cands(gaz, text)) == [("al-tanf", "drone"), ("green-village", "rocket")]


# --- strikes on Iran are outside the atlas ------------------------------------------------------------------


@pytest.mark.parametrize(
    "cause",
    [
        "in retaliation for the U.S. strike on its nuclear facilities this weekend",
        "in retaliation for American airstrikes this weekend on sites of the nuclear programme",
    ],
)
def test_a_strike_on_iran_given_as_the_cause_is_no_incident(gaz, cause):
    text = f"Iran launched missiles against an American base in Qatar on Monday {cause}. Iran had warned Qatar before its attack on Al Udeid Air Base."
    assert [c.event_type for c in cands(gaz, text) if c.event_type == "airstrike"] == []


def test_a_strike_on_iran_backed_groups_stays_in(gaz):
    text = "US jets carried out airstrikes on Iran-backed militias in Al-Qaim on Monday."
    assert [(c.site_id, c.event_type) for c in cands(gaz, text)] == [("al-qaim", "airstrike")]
