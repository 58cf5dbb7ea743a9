"""Round 4 mechanisms: tolls, country-level proposals, and what a learned scorer could not show.

Round 4 judged every change part by part (dev, held-out 1, 2 and 3 of the real corpus) and kept it
only where the parts it was not written from stayed where they were or rose (see SCORES.md,
"Round 4"). Every text is written for these tests in our own words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.reports.dates import find_dates
from geo.reports.extract import extract
from geo.reports.extract.events import read_casualties
from tests.geo.reports.test_extract_real_rules import TUE, cands, gaz  # noqa: F401  (gaz is a fixture)


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


# --- a country with no weapon is no incident -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "In April the armed groups took up their attacks anew, first targeting US forces at Ain al-Asad and then carrying the attacks into Syria.",
        "Two rockets struck Ain al-Asad on Monday, as well as another attack in Syria, a security source said.",
        "A US attack in Syria killed three fighters on Monday.",
    ],
)
def test_a_country_with_no_weapon_is_left_to_the_notes(gaz, text):
    found = extract(text, published=TUE, gazetteer=gaz)
    assert all(c.site_id not in ("syria", "iraq") for c in found.candidates)
    assert any("neither a site nor a weapon" in n for n in found.notes)


@pytest.mark.parametrize(
    "text, country, event_type",
    [
        # a weapon named: an honest country-level proposal, kept with its coarse place
        ("A drone attacked US troops at a base in Syria on Monday, officials said.", "syria", "drone"),
        ("US jets carried out airstrikes in Iraq on Monday against militia depots.", "iraq", "airstrike"),
        # no weapon, but an attack verb tells the event itself
        ("Militants fired on a coalition outpost in Syria on Monday.", "syria", "other"),
    ],
)
def test_a_country_with_a_weapon_stays_a_coarse_proposal(gaz, text, country, event_type):
    found = [c for c in cands(gaz, text) if c.site_id == country]
    assert [(c.event_type, c.geo_precision) for c in found] == [(event_type, 4)]
    assert found[0].confidence.place < 0.5


# --- an attack placed only at an area takes the one base of that area the report names ----------


@pytest.mark.parametrize(
    "text, site_id",
    [
        # the base named in a later sentence that tells no attack of its own
        (
            "A drone struck US troops in northeast Jordan on Sunday, killing two. "
            "Officials later said the outpost hit was Tower 22, near the Syrian border.",
            "tower-22",
        ),
        # a base outside the area does not count against the one inside it
        (
            "A drone struck US troops in northeast Jordan on Sunday, killing two. "
            "Tower 22 and the Muwaffaq Salti air base both host US forces.",
            "tower-22",
        ),
        # a country and a sentence that only says where the troops are
        ("Rockets were fired at coalition forces in Syria on Sunday, officials said. The coalition has troops at al-Tanf.", "al-tanf"),
    ],
)
def test_an_area_attack_goes_to_the_one_base_the_report_names_there(gaz, text, site_id):
    (found,) = cands(gaz, text)
    assert (found.site_id, found.place_method) == (site_id, "context")
    # inferred, so below a site named in the attack's own sentence
    assert found.confidence.place < 0.95


@pytest.mark.parametrize(
    "text, site_id",
    [
        # two bases of the area named: nothing says which
        ("Rockets hit coalition forces in Syria on Sunday. Al-Tanf and Green Village host the coalition.", "syria"),
        # the only base named lies outside the area
        ("A drone struck US troops in northeast Jordan on Sunday. Reporters were shown the Muwaffaq Salti air base.", "mafraq-province"),
    ],
)
def test_an_area_attack_stays_coarse_without_one_base_there(gaz, text, site_id):
    (found,) = cands(gaz, text)
    assert (found.site_id, found.place_method) == (site_id, "area")


def test_a_us_strike_in_an_area_is_not_placed_at_a_base_there(gaz):
    text = "US aircraft carried out an airstrike in Syria on Sunday against militia depots. The coalition has troops at al-Tanf."
    found = [c for c in cands(gaz, text) if c.event_type == "airstrike"]
    assert [c.site_id for c in found] == ["syria"]


# --- one attack, its place in one sentence and its day in another ---------------------------------

WED = dt.date(2023, 5, 10)
PLACED = "US aircraft carried out airstrikes on militia depots in Iraq, officials said. "


@pytest.mark.parametrize(
    "text, day",
    [
        # the day told in a sentence without a place: the attack with a place and no day takes it
        (PLACED + "Launched late on Monday, the strikes were a reply to attacks on coalition troops.", dt.date(2023, 5, 8)),
        # two placeless days: nothing says which, so the publication date stays (and says so)
        (PLACED + "Launched late on Monday, the strikes were a reply to attacks. Other strikes were carried out on Sunday.", WED),
    ],
)
def test_the_day_from_another_sentence(gaz, text, day):
    (found,) = [c for c in cands(gaz, text, WED) if c.event_type == "airstrike"]
    assert found.date == day
    assert (found.confidence.date < 0.5) == (day == WED)


def test_another_weapon_does_not_lend_its_day(gaz):
    text = "A drone attacked the Conoco gas field, officials said. Launched late on Monday, the strikes were a reply to attacks on coalition troops."
    (found,) = cands(gaz, text, WED)
    assert (found.site_id, found.date) == ("conoco-gas-field", WED)  # undated: the publication date, marked as such


# --- a week counted from the event told -----------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, monday",
    [
        ("the previous week", dt.date(2024, 7, 8)),
        ("the preceding week", dt.date(2024, 7, 8)),
        ("the week before", dt.date(2024, 7, 8)),
        ("the following week", dt.date(2024, 7, 22)),
        ("the week after", dt.date(2024, 7, 22)),
    ],
)
def test_the_previous_week_is_counted_from_the_event_told(phrase, monday):
    # the event told was on Wednesday 17 July; the report is of 6 August
    (found,) = find_dates(f"Drones had hit the base {phrase} too.", dt.date(2024, 8, 6), anchor=dt.date(2024, 7, 17))
    assert (found.date, found.precision, found.basis) == (monday, "week", "anchor")


def test_last_week_is_still_counted_from_the_report():
    (found,) = find_dates("Drones hit the base last week.", dt.date(2024, 8, 6), anchor=dt.date(2024, 7, 17))
    assert (found.date, found.basis) == (dt.date(2024, 7, 29), "published")


# --- "N days after" an event told as a clause ------------------------------------------------------

STRIKE = "US aircraft carried out airstrikes on militia sites in Al-Qaim on Sunday, the Pentagon said, "


@pytest.mark.parametrize(
    "after",
    [
        "two days after a guard was killed when a rocket landed at K-1 Air Base.",  # the event as a passive clause
        "two days after rockets struck K-1 Air Base.",  # the event as a weapon and its verb
        "two days after two guards were wounded when rockets hit K-1 Air Base.",
    ],
)
def test_an_event_told_after_n_days_after_is_n_days_before(gaz, after):
    got = {(c.site_id, c.event_type): c.date for c in cands(gaz, STRIKE + after)}
    assert got[("al-qaim", "airstrike")] == dt.date(2023, 5, 7)  # Sunday
    assert got[("k1-air-base", "rocket")] == dt.date(2023, 5, 5)  # two days before it, never after the report


def test_n_days_after_an_event_dates_the_main_clause(gaz):
    text = "Rockets struck K-1 Air Base on Sunday. Two days after the attack, a drone was shot down over the base."
    got = {c.event_type: c.date for c in cands(gaz, text)}
    assert got == {"rocket": dt.date(2023, 5, 7), "drone": dt.date(2023, 5, 9)}
