"""The attribution model: who says (speaker), who did it (perpetrator), who blames (accuser).

One section per error class of issue 11. Every text is written for these tests
in our own words (never copied from a report); each case is a general way
reports are written, not a particular report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.actors import family_of
from geo.config import PROJECT_ROOT
from geo.places.gazetteer import Gazetteer
from geo.reports.extract import extract
from geo.reports.extract.attribution import attribution_statement, perpetrator
from geo.reports.extract.confidence import score
from geo.reports.extract.vocabulary import find_actors

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


def test_who_shoots_the_drones_down_defends_against_them(gaz):
    # Round 11: "the coalition shot down two drones" names the defender, not the drones' owner.
    text = ("Three drones targeted the al-Tanf base, Central Command announced on Tuesday. "
            "It said the coalition shot down two drones, but the third hit the compound.")
    assert [(c.site_id, c.event_type, c.actor) for c in cands(gaz, text)] == [("al-tanf", "drone", "Unknown")]


# Round 11: a speaker abbreviated with points, and the speaker's own sites named between it and the verb.
@pytest.mark.parametrize(
    ("text", "actor"),
    [
        # "U.S." ends on a point: the name is still followed by its verb of saying.
        ("In a statement, the U.S. military said Iran launched the attack early on Tuesday, firing a dozen missiles at Ain al-Asad.", "Iran (IRGC)"),
        ("On Tuesday the U.S. Army said Iran fired a barrage of missiles at Ain al-Asad.", "Iran (IRGC)"),
        # The speaker's facilities or people between the name and the verb were what was hit.
        ("Missiles hit Erbil on Tuesday. According to US officials, no Americans were harmed in the barrage, nor were any US facilities hit.", "Unknown"),
    ],
)
def test_a_speaker_or_its_sites_before_the_attack_verb_are_not_its_author(gaz, text, actor):
    c = only(gaz, text)
    assert c.actor == actor
    assert c.actor_family != "us"


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
    expected = [("ain-al-asad", "claimed"), ("erbil-airport", "claimed")]
    assert sorted((c.site_id, c.attribution) for c in cands(gaz, text)) == expected


# ==== round 3 cases (were in test_extract_round3_rules.py) ================================================


def author(text: str, weapons: tuple[str, ...] = ()) -> str | None:
    starts = [text.index(w) for w in weapons]
    found = perpetrator(text, 0, len(text), find_actors(text, 0, len(text)), starts)
    return found.name if found is not None else None


# --- the structures that make an actor the author ----------------------------------------------


@pytest.mark.parametrize(
    "text, weapons",
    [
        # the origin of the fire
        ("The outpost came under rocket fire from pro-Iran militias late on Monday.", ("rocket",)),
        ("A base in the east came under a drone attack from Iran-aligned groups.", ("drone",)),
        # a participle saying where the subject is, before its verb
        ("Iran-backed factions stationed along the eastern bank of the river attacked the oil field.", ()),
        ("Pro-Iran militias based in the desert near the border fired rockets at the garrison.", ("rockets",)),
        # an attempt is still the attacker's
        ("Iran-backed groups in the province attempted to launch an attack on a US base.", ()),
        # a headline's present tense
        ("Iran-backed groups target US base with drones", ("drones",)),
        # a possessive owner of the weapon
        ("Officials condemned Iran's missile strike on the base.", ("missile",)),
    ],
)
def test_the_attacker_is_read_from_the_structure_of_the_clause(text, weapons):
    assert author(text, weapons) is not None
    assert author(text, weapons) != "US forces / US-led coalition"


@pytest.mark.parametrize(
    "text",
    [
        "Rockets were launched from an area east of the river, officials said.",  # a place, not an actor
        "Iran warned that Israeli attacks on Gaza would widen the war.",  # a noun after an adjective, no verb
        "The militias were stationed near the base that was attacked.",  # the participle has no attack verb of its own
    ],
)
def test_no_author_where_the_structure_names_none(text):
    assert author(text) in (None, "Israel") and author(text) != "Iran-backed militias"


# ==== round 7 cases (were in test_extract_round7_rules.py) ================================================


IRI = "Islamic Resistance in Iraq"


def statement(text: str, recent_actor: str | None = None):
    return attribution_statement(text, 0, len(text), find_actors(text, 0, len(text)), recent_actor=recent_actor)


def who_did(text: str, *weapons: str):
    """The perpetrator the whole ``text`` names, given its weapon words."""
    return perpetrator(text, 0, len(text), find_actors(text, 0, len(text)), [text.index(w) for w in weapons])


# --- claims under more wordings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, actor",
    [
        # a plural present "say", not only "said"/"says"
        ("Iran's armed forces say they fired missiles at the air base on Monday.", "Iran (IRGC)"),
        # a time between the verb of saying and "that"
        ("The Islamic Resistance in Iraq said late on Sunday that it had launched two drones at the base.", IRI),
        # the umbrella's own word for its members
        ("The Islamic Resistance in Iraq put out a statement announcing that resistance fighters attacked the base.", IRI),
        # endorsing an attack named by its weekday
        ("Kataib Hezbollah has endorsed Friday's attack on the airport.", "Kataib Hezbollah"),
    ],
)
def test_a_group_saying_it_attacked_is_a_claim(text, actor):
    found = statement(text)
    assert found is not None and (found.kind, found.actor) == ("claimed", actor)


def test_a_claim_by_the_same_group_goes_to_the_group_named_before():
    found = statement("Four rockets hit the base on Sunday, an attack also claimed by the same group.", recent_actor=IRI)
    assert found is not None and (found.kind, found.actor) == ("claimed", IRI)


@pytest.mark.parametrize(
    "text",
    [
        # the defender confirming is no claim: "confirmed" is not among the claim words
        "Qatar's defence ministry said its systems intercepted most of the missiles.",
        # the speaker's time and "that" with the attack done to it
        "The coalition said early on Monday that its base had been hit by rockets.",
    ],
)
def test_a_speaker_that_was_attacked_claims_nothing(text):
    found = statement(text)
    assert found is None or found.kind != "claimed"


# --- aliases the list did not read -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, actor",
    [
        # lower-case "resistance" inside quotation marks after "called the"
        ("A group called the “Islamic resistance in Iraq” spoke of the attack.", IRI),
        # the brigades' name without "Saraya"
        ("A faction calling itself the Awliya al-Dam Brigades spoke of the attack.", "Saraya Awliya al-Dam"),
        # armed groups aligned with Iran are the Iran-backed militias, not Iran
        ("Armed groups aligned with Iran have threatened the base.", "Iran-backed militias"),
    ],
)
def test_listed_names_under_other_spellings(text, actor):
    names = [a.name for a in find_actors(text, 0, len(text))]
    assert names[0] == actor
    assert family_of(names[0]) == "iran_aligned"


# --- the defender is not the attacker ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The US embassy launched its air defence system to intercept the rockets.",
        "US forces fired C-RAM interceptors to shoot down the drones.",
    ],
)
def test_firing_a_defence_system_to_intercept_is_not_the_attack(text):
    assert who_did(text) is None


def test_an_attacker_firing_rockets_is_still_the_attacker():
    assert who_did("Iran-backed militias fired rockets at the base.", "rockets").name == "Iran-backed militias"


# --- the attacker's own framing, and its confirming its operation ------------------------------------


@pytest.mark.parametrize(
    "text, actor",
    [
        ("Iran fired missiles at the air base on Monday, in what it described as a measured reply.", "Iran (IRGC)"),
        ("Iran launched what its military called a decisive strike on the air base.", "Iran (IRGC)"),
        ("The IRGC confirmed the missile operation on Tuesday.", "Iran (IRGC)"),
    ],
)
def test_the_attackers_own_framing_is_a_claim(text, actor):
    found = statement(text)
    assert found is not None and (found.kind, found.actor) == ("claimed", actor)


@pytest.mark.parametrize(
    "text",
    [
        # the confirming side is not the armed group the clause names before it
        "After the Iran-backed militias threatened the base, Iraqi officials confirmed the attack.",
        # framing by someone other than the attacker
        "Kataib Hezbollah fired rockets, in what US officials described as an escalation.",
    ],
)
def test_confirming_or_framing_by_others_is_no_claim(text):
    found = statement(text)
    assert found is None or found.kind != "claimed"


# --- "allegedly": the report of someone's accusation -------------------------------------------------


def test_allegedly_reports_a_blame_not_a_suspicion():
    found = statement("Drones allegedly launched by Iran-backed militias struck the garrison.")
    assert found is not None and (found.kind, found.actor) == ("blamed", "Iran-backed militias")


def test_the_alleged_owner_of_a_struck_site_is_not_accused():
    assert statement("US jets bombed depots allegedly belonging to Kataib Hezbollah.") is None


def test_a_belief_is_still_a_suspicion():
    found = statement("Officials believe Iran-backed militias launched the drones.")
    assert found is not None and found.kind == "suspected"


# --- a president's order is the US forces' strike ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "President Biden on Friday ordered air strikes on two militia depots.",
        "PRESIDENT Trump yesterday ordered strikes against the group's camps.",
        "The president, Joe Biden, was briefed; Biden commanded the armed forces to launch strikes at dawn.",
    ],
)
def test_a_president_ordering_strikes_is_the_us_strike(text):
    found = who_did(text)
    assert found is not None and found.name == "US forces / US-led coalition"


@pytest.mark.parametrize(
    "text",
    [
        "Biden said the attack on the base would be answered.",  # a speaker, not a striker
        "The militias ordered their fighters to leave the depots.",  # no president, no strike
    ],
)
def test_a_president_speaking_strikes_nothing(text):
    found = who_did(text)
    assert found is None or found.name != "US forces / US-led coalition"


# --- a speaker before "has blamed the drone attack" is no drone's owner ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. has attributed the drone attack on the base to the Islamic Resistance in Iraq.",
        "The Pentagon was blaming the rocket fire on Kataib Hezbollah.",
    ],
)
def test_a_subject_with_its_verb_does_not_own_the_weapon(text):
    found = who_did(text, *[w for w in ("drone", "rocket") if w in text])
    assert found is None or found.name != "US forces / US-led coalition"


def test_a_state_weapon_named_by_its_owner_is_still_its_own():
    found = who_did("US drones struck the depot.", "drones")
    assert found is not None and found.name == "US forces / US-led coalition"
