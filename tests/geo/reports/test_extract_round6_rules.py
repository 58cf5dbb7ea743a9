"""Round 6 mechanisms (issue 11): the reply-strike convention and the classes left after round 5.

The lead's decision: **an incident is placed where the munitions landed.** A US or coalition reply
strike is its own incident at the place struck, or at the country when the report names no place,
never at the base whose attack it answers. Every text is written for these tests in our own words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.reports.extract import extract
from tests.geo.reports.test_extract_real_rules import TUE, cands, gaz  # noqa: F401  (gaz is a fixture)

US = "US forces / US-led coalition"


def told(gaz, text):
    return sorted((c.site_id, c.event_type, c.actor, c.geo_precision) for c in cands(gaz, text))


# --- a reply strike lands on the other side, never on the base it answers ----------------------------


@pytest.mark.parametrize(
    "text, strike_at",
    [
        # counter-fire with no place of its own: the country of the base, not the base
        (
            "Rockets struck the Green Village base on Monday. The coalition responded by firing four artillery rounds.",
            "syria",
        ),
        # a strike told at a base that hosts US troops names the base only as the thing defended
        (
            "On Monday drones hit Ain al-Asad air base. US aircraft struck back at Ain al-Asad within hours.",
            "iraq",
        ),
        # a reply strike whose place is only inferred from the attack it answers
        (
            "Two rockets hit Tower 22 on Monday. Later that day American jets carried out strikes in response.",
            "jordan",
        ),
    ],
)
def test_reply_strike_is_not_placed_at_the_attacked_base(gaz, text, strike_at):
    out = cands(gaz, text)
    strikes = [c for c in out if c.actor == US]
    assert strikes, out
    assert {c.site_id for c in strikes} == {strike_at}
    assert all(c.geo_precision == 4 for c in strikes)
    # the attack on the base stays at the base
    assert any(c.actor != US and c.geo_precision == 1 for c in out)


def test_reply_strike_at_a_named_militia_site_keeps_that_site(gaz):
    text = "Rockets hit Ain al-Asad air base on Monday. On Tuesday US warplanes struck a militia depot in Jurf al-Sakhar, the Pentagon said."
    assert ("jurf-al-sakhar", "airstrike") in {(c.site_id, c.event_type) for c in cands(gaz, text)}


def test_an_old_strike_named_at_an_airport_attacked_years_later_keeps_the_airport(gaz):
    # The 2020 strike at Baghdad airport is not a reply to this week's rockets there: another day.
    text = (
        "Rockets hit Baghdad airport on Monday. The anniversary of the US drone strike at Baghdad airport "
        "on January 3, 2020 fell this week."
    )
    sites = {(c.site_id, c.event_type) for c in cands(gaz, text)}
    assert ("baghdad-airport", "airstrike") in sites


def test_a_strike_on_the_day_of_an_attack_on_the_same_airport_is_moved_off_it(gaz):
    text = (
        "A drone hit US troops at Erbil airport on Monday morning. "
        "On Monday night the US military carried out airstrikes at Erbil airport, officials said."
    )
    strikes = [c for c in cands(gaz, text) if c.actor == US]
    assert strikes and all(c.site_id == "iraq" for c in strikes)


def test_a_strike_at_a_base_in_a_country_without_a_gazetteer_entry_is_left_out(gaz):
    # Qatar has no country entry: a strike that could only be put at Al Udeid is not proposed there.
    text = "Missiles hit Al Udeid air base on Monday. American jets carried out strikes at Al Udeid the same night."
    result = extract(text, published=TUE, gazetteer=gaz)
    assert [(c.site_id, c.event_type) for c in result.candidates] == [("al-udeid-air-base", "missile")]
    assert any(n.startswith("attack without a place left out: American jets") for n in result.notes)


# --- a claim of using a weapon is the attack it tells ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The group claimed credit for using an explosive drone to target US troops at Erbil airport on Monday.",
        "A militia claimed responsibility for using two drones to strike the Tower 22 base on Monday.",
    ],
)
def test_claimed_use_of_a_weapon_is_an_attack(gaz, text):
    (c,) = cands(gaz, text)
    assert c.event_type == "drone"
    assert c.geo_precision == 1


def test_using_a_weapon_outside_a_claim_is_not_read_as_an_attack_by_that_pattern(gaz):
    # "used ... to target" alone stays a description (here of a militia training, no attack told)
    assert cands(gaz, "Militias have used small drones to target farmland in the past.") == ()


# --- a calendar day keeps its year and its rank inside a quotation ---------------------------------


def test_a_quoted_calendar_day_after_the_story_day_keeps_the_publication_year(gaz):
    # The story's day is 11 March; a statement quoted later gives 14 March: the same year, not the year before.
    text = (
        "Rockets hit Camp Taji on Wednesday, killing three.\n"
        'A spokesman said that "more than twenty rockets hit Camp Taji base, March 14 in the morning."'
    )
    days = sorted(c.date.isoformat() for c in cands(gaz, text, dt.date(2020, 3, 17)))
    assert days == ["2020-03-11", "2020-03-14"]


def test_a_quoted_calendar_day_dates_the_attack_not_the_day_the_statement_opens_with(gaz):
    text = 'On May 5, the coalition says "mortar rounds landed inside the perimeter of Camp Taji, May 4."'
    (c,) = cands(gaz, text)
    assert c.date == dt.date(2023, 5, 4)


def test_a_quoted_this_morning_is_still_the_story_day(gaz):
    # Deictic words in a quotation keep round 3's reading: the day the statement was made.
    text = 'Rockets hit Camp Taji on Monday. "Two more rockets hit Camp Taji this morning," a spokesman said.'
    assert {c.date for c in cands(gaz, text)} == {TUE - dt.timedelta(days=1)}


def test_a_lone_date_opening_the_speakers_sentence_still_dates_the_attack(gaz):
    text = "On Monday, local sources announced that Harir air base was targeted by a drone."
    (c,) = cands(gaz, text)
    assert c.date == TUE - dt.timedelta(days=1)


# --- "since late last month" is a range's start; "the latest attack" counts from the story's attack ---


def test_since_late_last_month_does_not_date_the_strike_beside_it(gaz):
    text = "Such attacks, which have grown since late last month, follow US airstrikes on militias on the Iraq-Syria border on June 27."
    (c,) = cands(gaz, text, dt.date(2021, 7, 7))
    assert (c.date, c.date_precision) == (dt.date(2021, 6, 27), "day")


def test_the_latest_attack_counts_a_day_after_from_the_story_not_from_the_event_told_just_before(gaz):
    text = (
        "Rockets hit Ain al-Asad air base on Wednesday.\n"
        "Such attacks follow US airstrikes on militias on the Iraq-Syria border on June 27. "
        "The latest attack on US forces in Iraq comes just a day after two similar rocket attacks in the country. "
        "Three rockets were launched at al-Asad, landing on the perimeter."
    )
    rockets = sorted(c.date.isoformat() for c in cands(gaz, text, dt.date(2021, 7, 7)) if c.event_type == "rocket")
    assert rockets == ["2021-07-06", "2021-07-07"]


# --- the part of a month a later phrase counts from ----------------------------------------------------


@pytest.mark.parametrize(
    "phrase, day",
    [("in late July", 25), ("in mid-July", 15), ("in mid July", 15), ("in early July", 5), ("in July", 1), ("earlier in July", 1)],
)
def test_a_part_of_a_month_is_still_the_month_but_anchors_at_its_part(phrase, day):
    from geo.reports.dates import find_dates

    (d,) = find_dates(phrase, dt.date(2024, 8, 6))
    assert (d.date, d.precision) == (dt.date(2024, 7, day), "month")


def test_the_previous_week_counted_from_late_july_is_in_july(gaz):
    text = (
        "In late July, several rockets were launched at Ain al-Asad air base. "
        "The base had come under attack by two drones the previous week as well."
    )
    drone = next(c for c in cands(gaz, text, dt.date(2024, 8, 6)) if c.event_type == "drone")
    assert (drone.date, drone.date_precision) == (dt.date(2024, 7, 15), "week")


def test_said_on_a_later_day_that_the_attack_hit_is_the_attack_already_told(gaz):
    text = (
        "A drone hit the al-Omar oil field base late on Sunday, killing two fighters. "
        "The SDF said on Monday the attack hit a training ground at the al-Omar base."
    )
    out = cands(gaz, text)
    assert [(c.date, c.site_id) for c in out] == [(TUE - dt.timedelta(days=2), "al-omar-oil-field")]


@pytest.mark.parametrize(
    "record",
    [
        "in the first significant attack in Syria or Iraq since the truce",
        "the deadliest attack on US troops in Iraq since January",
    ],
)
def test_the_place_a_record_is_kept_over_is_not_attacked(gaz, record):
    text = f"A drone hit the Tower 22 base on Monday, {record}."
    assert [(c.site_id, c.event_type) for c in cands(gaz, text)] == [("tower-22", "drone")]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Five fighters were killed by aerial bombing in Jurf al-Sakhar on Monday, an Iraqi official said.", "airstrike"),
        ("Five fighters were killed by a bombing in Jurf al-Sakhar on Monday, an Iraqi official said.", "ied"),
    ],
)
def test_aerial_bombing_is_an_airstrike_a_bombing_is_not(gaz, text, kind):
    (c,) = cands(gaz, text)
    assert c.event_type == kind


# --- "days after": a span of days, not one day ------------------------------------------------------


def test_days_after_without_a_count_is_a_span_of_two_to_seven_days():
    from geo.reports.dates import find_dates

    (d,) = find_dates("several days later", dt.date(2024, 1, 25))
    assert d.window == (dt.date(2024, 1, 27), dt.date(2024, 2, 1))
    (d,) = find_dates("two days later", dt.date(2024, 1, 25))
    assert d.window is None


def test_an_attack_that_comes_days_after_another_puts_the_other_in_the_days_before(gaz):
    text = (
        "A drone hit Erbil airport on Thursday. "
        "The attack comes days after the group targeted the Ain al-Asad base with rockets."
    )
    asad = next(c for c in cands(gaz, text, dt.date(2024, 1, 25)) if c.site_id == "ain-al-asad")
    assert asad.date_window == (dt.date(2024, 1, 18), dt.date(2024, 1, 23))
    assert asad.date_window[0] <= asad.date <= asad.date_window[1]


def test_the_second_attack_in_days_is_not_dated_by_days(gaz):
    text = 'It was the second attack in days after the SDF reported "two rockets landed on the base at Conoco" late on Sunday.'
    (c,) = cands(gaz, text, dt.date(2021, 7, 9))
    assert (c.date, c.date_window) == (dt.date(2021, 7, 4), None)


def test_one_strike_told_twice_at_one_place_on_one_day_is_one(gaz):
    text = (
        "The United States carried out a drone strike in Baghdad on Wednesday night that killed a senior member of "
        "Kataib Hezbollah, Central Command confirmed.\n"
        "TONIGHT: A U.S. drone strike targeted a vehicle in Baghdad, killing three members of Kataib Hezbollah."
    )
    strikes = [(c.site_id, c.event_type) for c in cands(gaz, text, dt.date(2024, 2, 7))]
    assert strikes == [("baghdad", "airstrike")]


def test_strikes_at_two_places_on_one_day_stay_two(gaz):
    text = "On Monday US warplanes struck militia depots in Jurf al-Sakhar and in al-Qaim, the Pentagon said."
    assert {c.site_id for c in cands(gaz, text)} >= {"jurf-al-sakhar", "al-qaim"}
