"""The attribution model: who says (speaker), who did it (perpetrator), who blames (accuser).

One section per error class of issue 11. Every text is written for these tests
in our own words (never copied from a report); each case is a general way
reports are written, not a particular report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.config import PROJECT_ROOT
from geo.reports.extract import extract
from geo.reports.extract.confidence import score
from geo.places.gazetteer import Gazetteer

WED = dt.date(2023, 5, 10)  # a Wednesday
TUE = dt.date(2023, 5, 9)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(PROJECT_ROOT / "gazetteer.csv")


def cands(gaz, text: str, published: dt.date = WED):
    return extract(text, published=published, gazetteer=gaz).candidates


def only(gaz, text: str, published: dt.date = WED):
    (c,) = cands(gaz, text, published)
    return c


def who(c) -> tuple[str, str, str]:
    return c.actor, c.attribution, c.attributed_by


# --- 1. the speaker is not the perpetrator ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The US-led coalition said two rockets hit its base at Ain al-Asad on Tuesday.",
        "US Central Command reported that a drone struck the Tower 22 outpost on Tuesday, wounding three soldiers.",
        "Coalition officials told reporters a rocket landed inside Green Village on Tuesday.",
        "The Pentagon confirmed on Tuesday that one-way drones targeted al-Tanf.",
    ],
)
def test_who_reports_an_attack_on_its_own_base_did_not_carry_it_out(gaz, text):
    c = only(gaz, text)
    assert who(c) == ("Unknown", "unknown", "")
    assert c.actor_family == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "US forces conducted an airstrike on a militia depot near al-Qaim on Tuesday, the Pentagon said.",
        "The coalition said its aircraft struck a weapons store near al-Qaim on Tuesday.",
        "The Pentagon announced it had carried out airstrikes near al-Qaim on Tuesday.",
    ],
)
def test_the_speaker_is_the_perpetrator_when_the_verb_says_so(gaz, text):
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.actor_family) == ("US forces / US-led coalition", "claimed", "us")


@pytest.mark.parametrize(
    "text",
    [
        "A drone attack targeted Ain al-Asad on Tuesday, the al-Mayadeen news network reported.",
        "According to the al-Mayadeen news network, a drone attack targeted Ain al-Asad on Tuesday.",
    ],
)
def test_an_outlet_named_after_a_place_is_a_speaker_not_a_place(gaz, text):
    assert [c.site_id for c in cands(gaz, text)] == ["ain-al-asad"]


def test_a_speaker_whose_own_forces_were_targeted_is_the_target(gaz):
    c = only(gaz, "The coalition said its troops had been targeted by rockets at Green Village on Tuesday.")
    assert c.actor == "Unknown"


# --- 2. report-level blame reaches the report's attacks, background does not ---------------------


def test_officials_blaming_the_attacks_in_a_closing_sentence_covers_each_of_them(gaz):
    text = (
        "Rockets hit Ain al-Asad air base on Tuesday. A drone was shot down near al-Tanf the same day. "
        "American officials put the attacks down to Iran-aligned militias."
    )
    got = {c.site_id: who(c) for c in cands(gaz, text)}
    assert got == {
        "ain-al-asad": ("Iran-backed militias", "blamed", "US officials"),
        "al-tanf": ("Iran-backed militias", "blamed", "US officials"),
    }


def test_the_latest_in_a_series_takes_the_blame_the_series_carries(gaz):
    text = (
        "Two rockets struck Ain al-Asad on Tuesday. It was the latest in a series of attacks that Washington "
        "has blamed on Iran-backed militias."
    )
    assert who(only(gaz, text)) == ("Iran-backed militias", "blamed", "US officials")


def test_no_claim_but_a_group_usually_behind_such_attacks_is_suspected(gaz):
    text = (
        "Rockets landed inside Victory base on Tuesday. No faction claimed it, but Kataib Hezbollah has been "
        "behind numerous rocket attacks on the base."
    )
    assert who(only(gaz, text)) == ("Kataib Hezbollah", "suspected", "")


@pytest.mark.parametrize(
    "background",
    [
        "In 2020, Iran-backed militias were blamed for dozens of attacks on bases in Iraq.",
        "Washington has long blamed such attacks on Kataib Hezbollah.",
    ],
)
def test_a_paragraph_about_an_older_campaign_or_a_kind_of_attack_attributes_nothing(gaz, background):
    c = only(gaz, f"Two rockets struck Ain al-Asad on Tuesday. {background}")
    assert who(c) == ("Unknown", "unknown", "")


@pytest.mark.parametrize(
    "statement, by",
    [
        ("The Defense Department has attributed the rocket attack to Iran-aligned militia groups.", "Defense Department"),
        ("Iraqi officials pinned the attack on Kataib Hezbollah.", "Iraqi officials"),
    ],
)
def test_blame_in_other_words_names_the_accuser(gaz, statement, by):
    c = only(gaz, f"Rockets hit Ain al-Asad air base on Tuesday. {statement}")
    assert c.attribution == "blamed" and c.attributed_by == by


# --- 3. suspicion phrased indirectly -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The attack bore the hallmarks of Iran-backed groups, analysts said.",
        "Early indications point to Iran-backed militias, an Iraqi security official said.",
        "The launchers were found in a district used in the past by Kataib Hezbollah to fire at the base.",
    ],
)
def test_signs_pointing_at_a_group_make_it_suspected(gaz, sentence):
    c = only(gaz, f"Rockets hit Victory base on Tuesday. {sentence}")
    assert c.attribution == "suspected" and c.actor in ("Iran-backed militias", "Kataib Hezbollah")
    assert c.actor_family == "iran_aligned"


def test_a_launch_area_militias_used_before_points_at_the_militias_the_report_names(gaz):
    text = (
        "Iran-backed militias have threatened US forces for weeks. Rockets hit Victory base on Tuesday. "
        "The rockets were launched from an area that militias have used before."
    )
    assert only(gaz, text).attribution == "suspected"


def test_no_group_named_anywhere_stays_unknown(gaz):
    text = "Rockets hit Victory base on Tuesday. The rockets were launched from an area that militias have used before."
    assert only(gaz, text).actor == "Unknown"


# --- 4. claims under many names and verbs --------------------------------------------------------


@pytest.mark.parametrize(
    "text, actor",
    [
        ("The Iraqi Islamic Resistance claimed a drone attack on Harir base on Tuesday.", "Islamic Resistance in Iraq"),
        ("Kataib Hezbollah endorsed the drone attack on al-Tanf on Tuesday.", "Kataib Hezbollah"),
        (
            "The Islamic Resistance in Iraq said in a Telegram post that its fighters targeted Ain al-Asad with drones on Tuesday.",
            "Islamic Resistance in Iraq",
        ),
        ("Ashab al-Kahf announced it had struck Baghdad airport with a roadside bomb on Tuesday.", "Ashab al-Kahf"),
        ("Islamic State claimed the attack on the Conoco gas field on Tuesday through its Amaq news agency.", "Islamic State"),
    ],
)
def test_claims_under_many_names_and_verbs(gaz, text, actor):
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.attributed_by) == (actor, "claimed", "")


# --- 6. vague places: honest precision, lower confidence -----------------------------------------


def test_a_country_level_place_keeps_its_precision_and_ranks_below_a_named_base(gaz):
    vague = only(gaz, "Rockets hit a base in Syria on Tuesday, officials said.")
    named = only(gaz, "Rockets hit Green Village on Tuesday, officials said.")
    assert vague.geo_precision == 4 and named.geo_precision == 1
    assert vague.confidence.place < named.confidence.place and vague.confidence.overall < named.confidence.overall
    assert "province or a country" in "; ".join(vague.confidence.reasons)


def test_a_mention_of_a_country_without_an_attack_is_no_incident(gaz):
    assert cands(gaz, "US troops remain in Syria and Iraq to advise local forces, officials said on Tuesday.") == ()


# --- 7. two attacks on one base on one day -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ain al-Asad was attacked twice on Tuesday: rockets landed inside the base in the morning, and in the "
        "evening a drone struck the base.",
        "Rockets struck Ain al-Asad air base on Tuesday morning. Later on Tuesday, another drone attack targeted Ain al-Asad.",
    ],
)
def test_two_attacks_on_one_base_on_one_day_stay_two(gaz, text):
    got = sorted((c.site_id, c.date, c.event_type) for c in cands(gaz, text))
    assert got == [("ain-al-asad", TUE, "drone"), ("ain-al-asad", TUE, "rocket")]


def test_one_attack_told_twice_stays_one(gaz):
    text = "Rockets struck Ain al-Asad air base on Tuesday morning. The rockets landed near the runway, causing no casualties."
    assert len(cands(gaz, text)) == 1


# --- 8. dates around "last week", datelines and claims posted the next day -----------------------


def test_last_week_is_the_week_before_publication(gaz):
    c = only(gaz, "A drone attack on Erbil airport last week caused no casualties, officials said on Wednesday.")
    assert (c.date, c.date_precision) == (dt.date(2023, 5, 1), "week")


def test_a_day_named_in_the_dateline_dates_the_attack(gaz):
    c = only(gaz, "BAGHDAD, Monday (Wire) - Three rockets hit Victory base near Baghdad airport, security sources said.")
    assert c.date == dt.date(2023, 5, 8)


def test_a_claim_posted_the_day_after_is_the_same_attack(gaz):
    text = "Rockets hit Ain al-Asad air base on Monday night. On Tuesday, the Islamic Resistance in Iraq claimed the attack."
    c = only(gaz, text)
    assert (c.date, c.actor, c.attribution) == (dt.date(2023, 5, 8), "Islamic Resistance in Iraq", "claimed")


# --- evidence: the sentence that gave the actor ---------------------------------------------------


def test_every_attribution_carries_the_sentence_that_made_it(gaz):
    text = (
        "Rockets hit Ain al-Asad air base on Tuesday. Nobody was hurt. "
        "US officials blamed the attack on Kataib Hezbollah."
    )
    c = only(gaz, text)
    assert c.attribution_evidence == "US officials blamed the attack on Kataib Hezbollah."
    (span,) = [(s, e) for f, s, e in c.evidence_spans if f == "attribution"]
    assert text[span[0] : span[1]].startswith("US officials blamed")


def test_an_actor_named_as_the_attacks_subject_cites_that_sentence(gaz):
    c = only(gaz, "Iran-backed militias fired three rockets at Ain al-Asad on Tuesday.")
    assert (c.actor, c.attribution) == ("Iran-backed militias", "suspected")
    assert c.attribution_evidence.startswith("Iran-backed militias fired")


def test_an_unknown_actor_cites_nothing(gaz):
    assert only(gaz, "Rockets hit Ain al-Asad air base on Tuesday.").attribution_evidence == ""


# --- confidence ----------------------------------------------------------------------------------


BEST = dict(
    geo_precision=1, place_method="named", date_precision="day", date_defaulted=False, attribution="claimed",
    actor_named_in_attack=True, attributed_by="", event_type="rocket",
)  # fmt: skip


@pytest.mark.parametrize(
    "change, part",
    [
        ({"geo_precision": 4}, "place"),
        ({"place_method": "descriptive"}, "place"),
        ({"date_defaulted": True}, "date"),
        ({"date_precision": "month"}, "date"),
        ({"attribution": "suspected"}, "attribution"),
        ({"attribution": "blamed", "attributed_by": ""}, "attribution"),
        ({"actor_named_in_attack": False}, "attribution"),
    ],
)
def test_each_weaker_way_of_finding_a_field_lowers_its_part_and_the_overall(change, part):
    best, worse = score(**BEST), score(**{**BEST, **change})
    assert getattr(worse, part) < getattr(best, part)
    assert worse.overall < best.overall and worse.reasons
    assert 0 < worse.overall <= 1


def test_overall_leans_on_the_weakest_part():
    one_bad = score(**{**BEST, "geo_precision": 4})
    assert one_bad.overall < (one_bad.place + one_bad.date + one_bad.attribution) / 3


# --- a denied agent is ruled out, not named (round 10) -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Officials said the drone attack on Tower 22 on Tuesday was not carried out by Iran.",
        "The drone attack on Tower 22 on Tuesday had not been launched by Kataib Hezbollah, officials said.",
        "Officials insisted the drone attack on Tower 22 on Tuesday was never carried out by Kataib Hezbollah.",
    ],
)
def test_an_attack_not_carried_out_by_x_is_not_x_s(gaz, text):
    assert [(c.actor, c.attribution) for c in cands(gaz, text)] == [("Unknown", "unknown")]


def test_an_attack_carried_out_by_x_stays_x_s(gaz):
    text = "The drone attack on Tower 22 on Tuesday was carried out by Kataib Hezbollah, officials said."
    assert [(c.actor, c.attribution) for c in cands(gaz, text)] == [("Kataib Hezbollah", "blamed")]


# --- an attacking state's own word on its attack is its claim (round 10) ------------------------------------


@pytest.mark.parametrize(
    "saying",
    [
        "The Revolutionary Guards released a statement claiming it had launched a powerful attack on the base.",
        "The attack was first confirmed by Iranian state media.",
        "Iranian officials said the attack was a direct response to the killing of their general.",
        "Iran justified the attack as a measured answer.",
    ],
)
def test_the_attacking_state_saying_it_attacked_is_its_claim(gaz, saying):
    text = f"Iran fired missiles at Ain al-Asad on Tuesday. {saying}"
    assert [(c.actor, c.attribution) for c in cands(gaz, text)] == [("Iran (IRGC)", "claimed")]


def test_a_state_saying_it_launched_missile_strikes_claims_its_missile_attack(gaz):
    text = "Iran says it has launched missile strikes on US forces at Ain al-Asad on Tuesday."
    assert [(c.event_type, c.actor, c.attribution) for c in cands(gaz, text)] == [("missile", "Iran (IRGC)", "claimed")]


def test_what_the_attacker_said_was_revenge_is_its_claim_not_a_blame_by_it(gaz):
    text = "Iran fired missiles at Ain al-Asad on Tuesday, in what it said was revenge for the killing of its general."
    assert [(c.actor, c.attribution, c.attributed_by) for c in cands(gaz, text)] == [("Iran (IRGC)", "claimed", "")]


@pytest.mark.parametrize(
    "saying",
    [
        "US officials said the attack was a response to the strikes on Kataib Hezbollah.",
        "The attack was confirmed by Iraqi state media.",
    ],
)
def test_others_framing_or_confirming_the_attack_claim_nothing(gaz, saying):
    text = f"Rockets hit Ain al-Asad on Tuesday. {saying}"
    assert [(c.actor, c.attribution) for c in cands(gaz, text)] == [("Unknown", "unknown")]


def test_a_claim_of_one_volley_at_two_places_is_a_claim_of_each(gaz):
    text = (
        "Iran fired ballistic missiles at Ain al-Asad and at Erbil airport on Tuesday. "
        "The Revolutionary Guards confirmed the missile operation."
    )
    assert sorted((c.site_id, c.attribution) for c in cands(gaz, text)) == [("ain-al-asad", "claimed"), ("erbil-airport", "claimed")]
