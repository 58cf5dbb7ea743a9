"""How :mod:`geo.reports.extract.story` links and folds a report's events (round 10 onwards).

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.geo.reports.test_extract_real_rules import cands, gaz  # noqa: F401  (gaz is a fixture)


def _told(gaz, text):
    return sorted((str(c.date), c.site_id, c.event_type) for c in cands(gaz, text))


# --- one attack told under two weapons at one place and day is one attack -------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        # a first account the report corrects
        (
            "Kurdish security forces initially said two rockets had landed near Erbil airport on Monday. "
            "A later statement said the attack had been carried out by an explosive-laden drone.",
            "drone",
        ),
        (
            "A rocket struck near Erbil airport on Monday evening, police said. "
            "The interior ministry later said a drone loaded with explosives had hit the airport.",
            "drone",
        ),
        # the same attack worded loosely in a second source's sentence
        (
            "Two drones attacked coalition forces at Erbil airport late on Monday, the coalition said. "
            "Local security sources spoke of a missile attack on the airport.",
            "drone",
        ),
        # a weapon named only around the attack ("jets and drones flew over the base")
        (
            "Three rockets hit the Conoco gas field base on Monday morning, the coalition said. "
            "Right after the strike, sirens sounded and jets and drones flew over the base.",
            "rocket",
        ),
    ],
)
def test_one_attack_told_with_two_weapons_is_one_attack(gaz, text, kind):
    assert [c.event_type for c in cands(gaz, text)] == [kind]


@pytest.mark.parametrize("base", ["Ain al-Asad", "the Ain al-Asad air base"])
def test_a_missile_forces_strikes_on_a_base_are_its_missile_attack_not_an_airstrike(gaz, base):
    text = (
        f"Iran's Revolutionary Guards fired ballistic missiles at {base} on Monday. "
        "These retaliatory strikes by Iran came after US bombing of its nuclear sites."
    )
    assert _told(gaz, text) == [("2023-05-08", "ain-al-asad", "missile")]


def test_a_us_strike_retold_as_a_drone_attack_on_the_militia_site_is_one_strike(gaz):
    text = (
        "A US drone strike hit a militia headquarters in Baghdad on Monday, a US official said. "
        "Police sources said a drone attack had targeted the faction's building in Baghdad, killing three."
    )
    assert [(c.site_id, c.event_type, c.actor) for c in cands(gaz, text)] == [
        ("baghdad", "airstrike", "US forces / US-led coalition")
    ]


# --- two attacks the report tells as two stay two -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mortar rounds hit Ain al-Asad on Monday morning. Hours later, a drone struck Ain al-Asad.",
        "A drone was downed as it neared Ain al-Asad on Monday night, hours after a rocket hit Ain al-Asad.",
        "Ain al-Asad was attacked twice on Monday: with rockets in the morning and with a drone at night.",
    ],
)
def test_two_attacks_on_one_base_on_one_day_told_as_two_stay_two(gaz, text):
    assert len({c.event_type for c in cands(gaz, text) if c.site_id == "ain-al-asad"}) == 2


def test_a_rocket_attack_and_a_us_strike_in_the_country_stay_two(gaz):
    text = "Rockets hit the Taji base on Monday, shortly after US jets struck militia depots in Iraq."
    assert ("camp-taji", "rocket") in {(c.site_id, c.event_type) for c in cands(gaz, text)}


# --- a US strike left at a country or province is the one the report places inside it ------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a province, and the town in it the same sentence names later
        "US drones struck a militia headquarters in Babil province on Monday. "
        "A US official said the strike hit a site in Musayyib.",
        # a strike answering an attack on a base (moved off the base to the country) and the same strike placed
        "A drone hit Erbil airport on Monday, injuring three US troops. US forces struck back at the drone's launchers "
        "on Monday. The US strikes on Monday hit a militia depot in Musayyib.",
    ],
)
def test_a_us_strike_at_a_province_or_country_is_the_one_placed_inside_it(gaz, text):
    strikes = [(c.site_id, c.event_type) for c in cands(gaz, text) if c.event_type == "airstrike"]
    assert strikes == [("al-musayyib", "airstrike")]


def test_us_strikes_in_two_countries_stay_two(gaz):
    text = "US jets struck militia depots in Musayyib and in Syria on Monday."
    assert sorted(c.site_id for c in cands(gaz, text) if c.event_type == "airstrike") == ["al-musayyib", "syria"]


# --- an attack told without a day is not dated by an older attack recalled just before -----------------------


def test_an_undated_attack_after_an_older_recalled_one_takes_the_reports_day(gaz):
    text = (
        "The photo shows the aftermath of the US airstrike in Syria in February. "
        "US jets struck militia depots at Al-Qaim, the Pentagon said."
    )
    dates = {c.site_id: (str(c.date), c.date_precision) for c in cands(gaz, text)}
    assert dates == {"syria": ("2023-02-01", "month"), "al-qaim": ("2023-05-09", "day")}


def test_an_undated_attack_after_a_recent_one_keeps_its_day(gaz):
    text = "Rockets hit Ain al-Asad on Monday. Rockets also hit Erbil airport, officials said."
    assert {str(c.date) for c in cands(gaz, text)} == {"2023-05-08"}


def test_a_claim_of_an_attack_with_no_place_yet_is_its_own(gaz):
    from geo.reports.extract.attribution import Attribution
    from geo.reports.extract.story import Event, Story

    story = Story(dt.date(2023, 5, 9))
    monday = (dt.date(2023, 5, 8), "day")
    unplaced = Event(date=monday, sentences=[0], types={"drone": 1.0})
    placed = Event(date=monday, site=gaz.get("ain-al-asad"), sentences=[0], types={"drone": 1.0})
    story.events += [unplaced, placed]
    story.apply_attribution(Attribution("claimed", "Kataib Hezbollah", ""), unplaced)
    assert (unplaced.actor, placed.actor) == ("Kataib Hezbollah", "Unknown")
