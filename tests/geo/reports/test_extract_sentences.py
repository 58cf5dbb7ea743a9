"""Sentences, clauses and datelines (:mod:`geo.reports.extract.sentences`), round 10 onwards.

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from geo.reports.extract.sentences import find_datelines


@pytest.mark.parametrize(
    "line",
    ["WASHINGTON/BAGHDAD/ TEHRAN   -   US jets struck", "AMMAN / BAGHDAD - US jets struck", "BAGHDAD/MOSUL - US jets struck"],
)
def test_a_dateline_of_several_cities_with_or_without_spaces_round_the_slashes(line):
    (span,) = find_datelines(line)
    assert line[span[0] : span[1]].rstrip().endswith("-")
