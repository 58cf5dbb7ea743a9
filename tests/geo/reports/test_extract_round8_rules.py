"""Round 8 mechanisms (issue 11): who the report itself suspects, and what it leaves out.

Every text is written for these tests in our own words.
"""

from __future__ import annotations

import pytest

from geo.reports.extract import extract
from tests.geo.reports.test_extract_real_rules import TUE, cands, gaz  # noqa: F401  (gaz is a fixture)

KH = "Kataib Hezbollah"


def attributed(gaz, text, **kw):
    return sorted((c.site_id, c.event_type, c.actor, c.attribution, c.attributed_by) for c in extract(text, published=TUE, gazetteer=gaz, **kw).candidates)


# --- a kind of attack put down to a group (the lead's decision) ----------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "Attacks like these are rarely claimed, but they are typically blamed on Kataib Hezbollah.",
        "Such strikes are generally attributed to Kataib Hezbollah.",
        "Nobody has owned up to these kinds of attacks, which are usually carried out by Kataib Hezbollah.",
    ],
)
def test_a_kind_of_attack_put_down_to_a_group_makes_it_the_suspect_of_each_such_attack(gaz, statement):
    text = f"Two rockets landed near the Conoco base on Monday. A drone hit al-Tanf on Sunday. {statement}"
    assert attributed(gaz, text, outlet="Example Post") == [
        ("al-tanf", "drone", KH, "suspected", "Example Post"),
        ("conoco-gas-field", "rocket", KH, "suspected", "Example Post"),
    ]


def test_a_kind_of_attack_put_down_to_a_group_leaves_a_claim_standing(gaz):
    text = (
        "Two rockets landed near the Conoco base on Monday, and the Islamic Resistance in Iraq said it had fired them. "
        "A drone hit al-Tanf on Sunday. Such attacks are generally attributed to Kataib Hezbollah."
    )
    got = {c.site_id: (c.actor, c.attribution) for c in cands(gaz, text)}
    assert got == {"conoco-gas-field": ("Islamic Resistance in Iraq", "claimed"), "al-tanf": (KH, "suspected")}


@pytest.mark.parametrize(
    "background",
    [
        # an older campaign, dated in another year
        "In 2019, such attacks were usually blamed on Kataib Hezbollah.",
        # an older campaign dated by a month only (months are read as printed, capital first)
        "Last August, such attacks were usually blamed on Kataib Hezbollah.",
        # the history of one place, with no kind of attack named
        "Over the years the base has often come under fire, mostly blamed on Kataib Hezbollah.",
    ],
)
def test_an_older_campaign_or_a_place_s_history_carries_nothing(gaz, background):
    text = f"Two rockets landed near the Conoco base on Monday. {background}"
    assert [(c.actor, c.attribution) for c in cands(gaz, text)] == [("Unknown", "unknown")]


# --- third parties' strikes are outside the atlas (the lead's decision) -------------------------------


@pytest.mark.parametrize(
    "recalled",
    [
        "The missiles were a reply to an Israeli strike in Syria that killed two officers last week.",
        "Israeli warplanes struck a weapons depot in al-Bukamal on Sunday.",
    ],
)
def test_a_third_party_s_strike_is_not_proposed(gaz, recalled):
    text = f"Missiles hit Erbil airport on Monday, Kurdish officials said. {recalled}"
    result = extract(text, published=TUE, gazetteer=gaz)
    assert [(c.site_id, c.event_type) for c in result.candidates] == [("erbil-airport", "missile")]
    assert any("third party (Israel)" in n for n in result.notes)


def test_a_us_strike_beside_a_third_party_s_is_still_proposed(gaz):
    text = "US warplanes struck a weapons depot of Kataib Hezbollah near al-Qaim on Monday. Israeli aircraft hit a depot in Deir ez-Zor the same night."
    assert [(c.site_id, c.actor) for c in cands(gaz, text)] == [("al-qaim", "US forces / US-led coalition")]


# --- suspicion the signs voice, and hedges with a habit beside them ------------------------------------


@pytest.mark.parametrize(
    "signs",
    [
        # the launch area's past users, with "in the past" after the group
        "A launcher was found in a farm to the south; the farm has been used by Kataib Hezbollah in the past to fire at the base.",
        # the attack's manner as the mark of a group
        "The drones came from two directions at once, a pattern characteristic of Kataib Hezbollah.",
        # a hedge followed by a habit without a comma: the habit does not make the statement a campaign's
        "Officials did not name the attackers, but it was likely Kataib Hezbollah who regularly carries out similar attacks.",
    ],
)
def test_signs_and_hedges_make_the_group_the_suspect(gaz, signs):
    text = f"Two rockets hit Ain al-Asad air base on Monday. {signs}"
    assert [(c.actor, c.attribution) for c in cands(gaz, text)] == [(KH, "suspected")]


def test_signs_go_to_the_report_s_attack_not_the_older_one_told_last(gaz):
    text = (
        "A rocket hit Baghdad airport on Monday. It came a year after a drone attack on Ain al-Asad air base in May 2022. "
        "The launch site has been used in the past by Kataib Hezbollah to fire rockets at the airport."
    )
    got = {c.site_id: (c.actor, c.attribution) for c in cands(gaz, text)}
    assert got["baghdad-airport"] == (KH, "suspected")
    assert got.get("ain-al-asad", ("Unknown", "unknown")) == ("Unknown", "unknown")


# --- places and weapons the last round missed ---------------------------------------------------------

US = "US forces / US-led coalition"


@pytest.mark.parametrize(
    "text, site",
    [
        # "jets" alone, with their verb, are aircraft striking
        ("US jets struck a Kataib Hezbollah depot in Jurf al-Sakhar on Monday.", "jurf-al-sakhar"),
        # a name led by an ordinary lower-case word, not the two countries inside it
        ("US aircraft bombed militia sites near the border between Syria and Iraq on Monday.", "iraq-syria-border"),
        # a lower-case generic word inside a name; the compound is the militias', not a base hosting US troops
        ("US warplanes struck the Imam Ali compound near Albu Kamal on Monday.", "imam-ali-compound"),
    ],
)
def test_a_us_strike_is_placed_where_it_landed(gaz, text, site):
    assert [(c.site_id, c.event_type, c.actor) for c in cands(gaz, text)] == [(site, "airstrike", US)]


def test_a_site_named_after_an_actor_is_a_place(gaz):
    text = "Three rockets hit the US embassy in Baghdad on Monday."
    assert [c.site_id for c in cands(gaz, text)] == ["us-embassy-baghdad"]


# --- the outlet naming the attacker in its own words -----------------------------------------------------

IRI = "Islamic Resistance in Iraq"


@pytest.mark.parametrize(
    "text, actor",
    [
        # the strike's author after "by an"
        ("A drone strike by an Iran-backed group hit Tower 22 on Monday.", "Iran-backed militias"),
        # the umbrella as its own press names it
        ("Iraqi Resistance forces targeted Harir air base with two drones on Monday.", IRI),
    ],
)
def test_the_outlet_names_the_attacker(gaz, text, actor):
    assert [c.actor for c in cands(gaz, text)] == [actor]
