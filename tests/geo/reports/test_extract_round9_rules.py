"""Round 9 mechanisms (issue 11): recall and who did it on real reports' sentence shapes.

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.geo.reports.test_extract_real_rules import TUE, cands, gaz  # noqa: F401  (gaz is a fixture)


# --- a name with its acronym in brackets is still the subject of the verb ---------------------------------


@pytest.mark.parametrize(
    "subject, actor",
    [
        ("Iran's Revolutionary Guard Corps (IRGC)", "Iran (IRGC)"),
        ("The Islamic Resistance in Iraq (IRI)", "Islamic Resistance in Iraq"),
        ("Kataib Hezbollah (KH)", "Kataib Hezbollah"),
    ],
)
def test_a_bracketed_acronym_after_the_name_keeps_it_the_subject(gaz, subject, actor):
    text = f"{subject} fired a salvo of missiles at al-Tanf on Monday."
    assert [c.actor for c in cands(gaz, text)] == [actor]


# --- a state's strikes given as the cause are another event, not the attack's weapon --------------------------


def test_strikes_given_as_the_cause_do_not_set_the_attacks_weapon(gaz):
    text = "Militants launched a missile attack on Ain al-Asad on Monday, in retaliation for U.S. airstrikes last week on their depots."
    assert [(c.site_id, c.event_type) for c in cands(gaz, text)] == [("ain-al-asad", "missile")]


# --- a dateline naming two cities is where the reporters are ---------------------------------------------


def test_a_dateline_of_two_cities_is_not_a_place_of_the_attack(gaz):
    text = "BAGHDAD/MOSUL, Iraq () – Two rockets landed near Erbil airport on Monday, security sources said."
    assert [(c.site_id, c.event_type) for c in cands(gaz, text, dt.date(2023, 5, 9))] == [("erbil-airport", "rocket")]
