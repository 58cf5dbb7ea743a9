"""The words that tell an attack happened (:mod:`geo.reports.extract.vocabulary`), round 10 onwards.

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from geo.reports.extract.vocabulary import NP_EVENT
from tests.geo.reports.test_extract_real_rules import cands, gaz  # noqa: F401  (gaz is a fixture)


@pytest.mark.parametrize(
    "phrase",
    ["a drone attack last week on the base", "the strikes overnight on militia depots", "a rocket attack last Sunday on the airport"],
)
def test_an_attack_noun_with_its_time_before_on_is_an_attack_on_a_place(phrase):
    assert NP_EVENT.search(phrase)


def test_a_blame_naming_an_attack_with_its_time_tells_that_attack(gaz):
    text = "US officials said on Monday that Iran was responsible for a drone attack last week on the al-Tanf base."
    assert [(c.site_id, c.event_type, c.actor, c.attribution) for c in cands(gaz, text)] == [
        ("al-tanf", "drone", "Iran (IRGC)", "blamed")
    ]
