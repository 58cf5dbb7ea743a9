"""How :mod:`geo.reports.extract.pipeline` reads a clause (round 10 onwards).

Every text is written for these tests in our own words.
"""

from __future__ import annotations

from tests.geo.reports.test_extract_real_rules import cands, gaz  # noqa: F401  (gaz is a fixture)


# --- an attack named only to give a day is told elsewhere: its place and weapon are not this clause's -------


def test_the_same_day_as_another_attack_gives_the_day_not_the_place(gaz):
    text = (
        "Rockets hit Green Village on Monday. "
        "On the same day as the Green Village rocket attack, coalition forces shot down two drones near al-Tanf."
    )
    assert sorted((c.site_id, c.event_type) for c in cands(gaz, text)) == [("al-tanf", "drone"), ("green-village", "rocket")]
