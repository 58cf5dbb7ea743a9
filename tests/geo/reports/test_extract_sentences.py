"""Sentences, clauses and datelines (:mod:`geo.reports.extract.sentences`).

Round 10's cases, then those of round 5 (once in test_extract_round5_rules.py).

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from geo.reports.extract.sentences import find_datelines, split_clauses


@pytest.mark.parametrize(
    "line",
    ["WASHINGTON/BAGHDAD/ TEHRAN   -   US jets struck", "AMMAN / BAGHDAD - US jets struck", "BAGHDAD/MOSUL - US jets struck"],
)
def test_a_dateline_of_several_cities_with_or_without_spaces_round_the_slashes(line):
    (span,) = find_datelines(line)
    assert line[span[0] : span[1]].rstrip().endswith("-")


# ==== round 5 cases (were in test_extract_round5_rules.py) ================================================


@pytest.mark.parametrize(
    "text, first",
    [
        # an opening "After ..." clause ends at the comma before the main clause
        ("After rockets hit the depot, US jets struck the launchers.", "After rockets hit the depot, "),
        ("Hours after drones hit the base, the coalition struck back.", "Hours after drones hit the base, "),
        # a day, a relative clause or an apposition after a comma still belong to it
        (
            "After a drone hit the airport, Monday, which hosts coalition troops, officials said nobody was hurt.",
            "After a drone hit the airport, Monday, which hosts coalition troops, ",
        ),
        # a count of days dates the main clause from the first event: the sentence stays whole
        ("Five days after the raid, militias fired rockets at the camp.", None),
        ("After his killing, militias fired rockets at the camp.", None),
        # no comma closing it: nothing to split
        ("After midnight the guards heard explosions near the gate.", None),
    ],
)
def test_where_an_opening_after_clause_ends(text, first):
    clauses = split_clauses(text, 0, len(text))
    if first is None:
        assert clauses[0] != (0, len(text)) or len(clauses) == 1
        assert not text[clauses[0][0] : clauses[0][1]].endswith(", ")
    else:
        assert text[clauses[0][0] : clauses[0][1]] == first


# --- where the reporter or the speaker is, not where the attack was -------------------------------


@pytest.mark.parametrize(
    "line, dateline",
    [
        ("BAGHDAD, Jan 4 (Reuters) - Two drones were downed.", "BAGHDAD, Jan 4 (Reuters) - "),
        ("ERBIL, March 6, 2021 (AFP) — Rockets fell.", "ERBIL, March 6, 2021 (AFP) — "),
        ("(Wire- Some Network) DAMASCUS, Aug 14 (SANA) – A rocket fell.", "(Wire- Some Network) DAMASCUS, Aug 14 (SANA) – "),
        ("date 2024-08-14 (Wire- Some Network) DAMASCUS, Aug 14 (SANA) – A rocket fell.", "date 2024-08-14 (Wire- Some Network) DAMASCUS, Aug 14 (SANA) – "),
        # Round 11: a page that lost its typography writes the dash as two hyphens.
        ("BAGHDAD -- Officials say rockets fell.", "BAGHDAD -- "),
        ("ERBIL, May 2 (Wire) -- A drone fell.", "ERBIL, May 2 (Wire) -- "),
    ],
)
def test_datelines_with_a_day_or_a_republishers_tag(line, dateline):
    assert [line[a:b] for a, b in find_datelines(line)] == [dateline]
