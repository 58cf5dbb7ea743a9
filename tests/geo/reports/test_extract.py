"""What the extractor reads from a report, phrasing by phrasing.

Every text here is written for these tests (never copied from a real report)
and runs against the project's curated gazetteer without the GeoNames layer,
so the results depend on nothing but the code and gazetteer.csv.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.config import PROJECT_ROOT
from geo.reports.extract import Candidate, ExtractionResult, canonical_actor, extract, split_sentences, types_compatible
from geo.places.gazetteer import Gazetteer
from geo.incidents import Source, validate_incident

WED = dt.date(2023, 5, 10)  # a Wednesday


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(PROJECT_ROOT / "gazetteer.csv")


def run(gaz, text: str, published: dt.date = WED) -> ExtractionResult:
    return extract(text, published=published, gazetteer=gaz)


def only(gaz, text: str, published: dt.date = WED) -> Candidate:
    cands = run(gaz, text, published).candidates
    assert len(cands) == 1, [(c.date, c.site_id, c.event_type) for c in cands]
    return cands[0]


# --- places --------------------------------------------------------------------------


def test_named_site_with_generic_words_picks_the_airport_not_the_city(gaz):
    c = only(gaz, "A Katyusha rocket struck Baghdad's international airport on Monday.")
    assert (c.site_id, c.geo_precision, c.place_method) == ("baghdad-airport", 1, "named")
    assert c.location == "Baghdad's international airport"


def test_province_alone_gives_province_precision(gaz):
    c = only(gaz, "A drone attack targeted an Iraqi base housing US troops in Anbar province on Tuesday.")
    assert (c.site_id, c.geo_precision) == ("anbar-province", 3)


def test_descriptive_reference_resolves_to_the_site_named_elsewhere(gaz):
    text = (
        "A drone attack targeted an Iraqi base housing US troops in Anbar province on Tuesday. "
        "The Ain al-Asad air base in Anbar was hit by rockets in March."
    )
    by_type = {c.event_type: c for c in run(gaz, text).candidates}
    assert by_type["drone"].site_id == "ain-al-asad" and by_type["drone"].place_method == "descriptive"
    assert (by_type["rocket"].date, by_type["rocket"].date_precision) == (dt.date(2023, 3, 1), "month")


def test_region_reference_keeps_an_honest_precision(gaz):
    c = only(gaz, "Rockets struck a base in north-east Syria on Tuesday.")
    assert (c.site_id, c.geo_precision, c.country) == ("northeastern-syria", 3, "SY")


def test_country_only(gaz):
    c = only(gaz, "The US retaliated by launching airstrikes on Tuesday against rocket launching sites in Syria.")
    assert (c.site_id, c.geo_precision, c.event_type) == ("syria", 4, "airstrike")


def test_a_qualifying_province_is_not_a_second_target(gaz):
    c = only(gaz, "In April, five people were wounded in a rocket attack on Balad air base, north of Baghdad.")
    assert c.site_id == "balad-air-base" and c.injured == 5


def test_site_next_to_another_site_is_one_target(gaz):
    c = only(gaz, "Three Katyusha rockets struck near Victory base, adjacent to Baghdad International Airport, late Sunday.")
    assert c.site_id == "victory-base" and c.geo_precision == 2 and c.munitions == 3


def test_near_a_town_is_precision_two(gaz):
    c = only(gaz, "US warplanes carried out airstrikes near Al-Bukamal on Sunday, the Pentagon said.")
    assert (c.site_id, c.geo_precision, c.actor) == ("al-bukamal", 2, "US forces / US-led coalition")


def test_origin_of_the_fire_is_not_the_target(gaz):
    c = only(gaz, "Drones attacked the Conoco gas field on Tuesday. They were launched from a farm outside Mayadin.")
    assert c.site_id == "conoco-gas-field"


def test_anaphoric_oil_field(gaz):
    text = "Drones hit the Omar oil field on Tuesday. Militias also fired shells at the oil field on Monday last week."
    got = sorted((c.date, c.site_id, c.event_type) for c in run(gaz, text).candidates)
    assert got == [(dt.date(2023, 5, 1), "al-omar-oil-field", "artillery"), (dt.date(2023, 5, 9), "al-omar-oil-field", "drone")]


def test_dateline_city_is_not_the_place(gaz):
    c = only(gaz, "BAGHDAD (Reuters) - Militants fired two rockets at Camp Taji on Sunday night.")
    assert c.site_id == "camp-taji" and c.date == dt.date(2023, 5, 7)


def test_unknown_places_are_reported(gaz):
    res = run(gaz, "Rockets hit a base near Zubaydiyat on Monday.")
    assert "Zubaydiyat" in res.unresolved_places


def test_places_without_an_attack_make_no_incident(gaz):
    text = "Officials said security had been reinforced at Harir base and at Erbil airport."
    assert run(gaz, text).candidates == ()


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, expected, precision",
    [
        ("on Wednesday", dt.date(2023, 5, 10), "day"),
        ("late Sunday", dt.date(2023, 5, 7), "day"),
        ("on Monday last week", dt.date(2023, 5, 1), "day"),
        ("earlier this week", dt.date(2023, 5, 8), "week"),
        ("on Jan. 3, 2020", dt.date(2020, 1, 3), "day"),
        ("on 20 January", dt.date(2023, 1, 20), "day"),
        ("last month", dt.date(2023, 4, 1), "month"),
    ],
)
def test_date_phrases_in_context(gaz, phrase, expected, precision):
    c = only(gaz, f"Two rockets hit the Harir base {phrase}.")
    assert (c.date, c.date_precision) == (expected, precision)


def test_an_undated_sentence_continues_the_dated_event(gaz):
    text = "Rockets hit Ain al-Asad on Tuesday. The rockets landed on the runway and two soldiers were injured."
    c = only(gaz, text)
    assert c.date == dt.date(2023, 5, 9) and c.injured == 2
    assert "runway" in c.evidence


def test_the_previous_night_is_relative_to_the_event(gaz):
    text = "Militias shelled the Omar oil field on Monday. The shelling came after US airstrikes near Al-Bukamal the previous night."
    got = {c.event_type: c.date for c in run(gaz, text).candidates}
    assert got == {"artillery": dt.date(2023, 5, 8), "airstrike": dt.date(2023, 5, 7)}


def test_days_after_an_anchored_date(gaz):
    text = "The strike on Jan. 3, 2020 hit a convoy at Baghdad airport. Five days after the strike, Iran fired missiles at Ain al-Asad."
    missile = [c for c in run(gaz, text).candidates if c.event_type == "missile"]
    assert [(c.date, c.site_id, c.actor) for c in missile] == [(dt.date(2020, 1, 8), "ain-al-asad", "Iran (IRGC)")]


def test_anniversary_date_is_not_the_attack_date(gaz):
    text = "Crowds on Monday marked the second anniversary of the US drone strike at Baghdad airport."
    c = only(gaz, text)
    assert (c.date, c.event_type) == (dt.date(2021, 5, 8), "airstrike")


def test_past_event_in_passing_is_its_own_incident(gaz):
    text = (
        "Rockets hit Ain al-Asad on Wednesday. The base was also targeted on Monday, when two drones were downed nearby. "
        "In April, five people were wounded in a rocket attack on Balad air base."
    )
    got = sorted((c.date, c.date_precision, c.site_id, c.event_type) for c in run(gaz, text).candidates)
    assert got == [
        (dt.date(2023, 4, 1), "month", "balad-air-base", "rocket"),
        (dt.date(2023, 5, 8), "day", "ain-al-asad", "drone"),
        (dt.date(2023, 5, 10), "day", "ain-al-asad", "rocket"),
    ]


# --- what happened -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, event_type, munitions",
    [
        ("Five Katyusha rockets landed inside Ain al-Asad on Tuesday.", "rocket", 5),
        ("Eight rounds of indirect fire hit Green Village on Tuesday.", "indirect_fire", 8),
        ("At least 14 missiles hit the Harir base on Tuesday.", "missile", 14),
        ("Militias fired several shells at the Conoco gas field on Tuesday.", "artillery", None),
        ("Two rocket-propelled grenades landed near the Omar oil field on Tuesday.", "rpg", 2),
        ("A roadside bomb struck a convoy near Nasiriyah on Tuesday.", "ied", 1),
        ("Gunmen opened fire on a coalition convoy near Qamishli on Tuesday.", "small_arms", None),
        ("Three mortar rounds landed near Union III on Tuesday.", "indirect_fire", 3),
        ("A US drone strike hit a car near Baghdad airport on Tuesday.", "airstrike", None),
    ],
)
def test_event_types_and_counts(gaz, sentence, event_type, munitions):
    c = only(gaz, sentence)
    assert (c.event_type, c.munitions) == (event_type, munitions)


def test_more_landing_outside_adds_up(gaz):
    c = only(gaz, "Five rockets landed inside Ain al-Asad on Tuesday, with three more landing outside the perimeter.")
    assert c.munitions == 8


def test_intercepted_drones(gaz):
    c = only(gaz, "Two explosive-laden drones were shot down near al-Tanf on Tuesday.")
    assert (c.event_type, c.munitions, c.intercepted, c.site_id) == ("drone", 2, True, "al-tanf")


@pytest.mark.parametrize(
    "text, killed, injured",
    [
        ("Rockets hit the Harir base on Tuesday, causing no casualties.", 0, 0),
        ("Rockets hit the Harir base on Tuesday and two people were injured.", None, 2),
        ("Rockets hit the Harir base on Tuesday, killing a contractor.", 1, None),
        ("Rockets hit the Harir base on Tuesday. Five people, including two contractors, were wounded.", None, 5),
        ("Rockets hit the Harir base on Tuesday, killing two soldiers and a medic and wounding four.", 3, 4),
        ("Rockets hit the Harir base on Tuesday.", None, None),
        ("Rockets hit the Harir base on Tuesday. No one was hurt.", 0, 0),
        # Nobody injured and nobody named: nobody harmed at all (a death would be the news) ...
        ("Rockets hit the Harir base on Tuesday. There were no injuries.", 0, 0),
        ("Rockets hit the Harir base on Tuesday. No injuries or damage were reported.", 0, 0),
        # ... but "no injuries among" one group says nothing of the others' deaths.
        ("Rockets hit the Harir base on Tuesday. There were no injuries among US troops.", None, 0),
    ],
)
def test_casualties(gaz, text, killed, injured):
    c = only(gaz, text)
    assert (c.killed, c.injured) == (killed, injured)


def test_one_event_told_in_several_sentences_is_one_candidate(gaz):
    text = (
        "Iran-backed militias launched a barrage of rockets at an air base on Tuesday. "
        "At least 12 rockets hit Ain al-Asad air base in western Iraq. "
        "The rockets landed on the base and its perimeter, and three people were injured."
    )
    c = only(gaz, text)
    assert (c.site_id, c.event_type, c.munitions, c.injured, c.date) == ("ain-al-asad", "rocket", 12, 3, dt.date(2023, 5, 9))


def test_different_sites_or_days_are_different_candidates(gaz):
    text = "Rockets hit Ain al-Asad on Monday. Rockets hit Ain al-Asad again on Tuesday. A drone struck Erbil airport on Tuesday."
    got = sorted((c.date, c.site_id) for c in run(gaz, text).candidates)
    assert got == [
        (dt.date(2023, 5, 8), "ain-al-asad"),
        (dt.date(2023, 5, 9), "ain-al-asad"),
        (dt.date(2023, 5, 9), "erbil-airport"),
    ]


def test_counter_fire_is_a_separate_incident(gaz):
    text = (
        "The coalition said its forces came under indirect fire at Green Village on Tuesday. "
        "In response, coalition artillery fired at the launch site."
    )
    got = sorted((c.event_type, c.actor) for c in run(gaz, text).candidates)
    assert got == [("artillery", "US forces / US-led coalition"), ("indirect_fire", "Unknown")]


@pytest.mark.parametrize(
    "text",
    [
        "Kataib Hezbollah vowed to attack US bases in Iraq. The group threatened to strike Ain al-Asad.",
        "The Pentagon said it would keep striking Iran-backed groups that threaten US forces at al-Tanf.",
        "Crowds rallied in Baghdad to mark the anniversary of the killing of Qassem Soleimani.",
        "US bases in Iraq and Syria have been targeted more than 50 times this year.",
        "The US has blamed Iran-backed militias for attacks that have targeted bases across Iraq.",
    ],
)
def test_threats_commemorations_and_summaries_make_no_incident(gaz, text):
    assert run(gaz, text).candidates == ()


# --- who -----------------------------------------------------------------------------


def test_claimed_by_a_named_group(gaz):
    text = "Two drones were shot down near al-Tanf on Tuesday. The Islamic Resistance in Iraq claimed responsibility."
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.attributed_by) == ("Islamic Resistance in Iraq", "claimed", "")


def test_took_credit(gaz):
    text = "Rockets hit Ain al-Asad on Tuesday. A group calling itself Qassem al-Jabaryn took credit for the attack on the base."
    c = only(gaz, text)
    assert (c.actor, c.attribution) == ("Qassem al-Jabaryn", "claimed")


def test_blamed_by_officials(gaz):
    c = only(gaz, "US officials blamed Kataib Hezbollah for a rocket attack on Victory base on Tuesday.")
    # attributed_by names who blames, in words a reader uses (not the actor table's row).
    assert (c.actor, c.attribution, c.attributed_by) == ("Kataib Hezbollah", "blamed", "US officials")


def test_suspected(gaz):
    text = "Three mortar rounds landed near Union III on Tuesday. Kataib Hezbollah was likely behind the attack, officials said."
    c = only(gaz, text)
    assert (c.actor, c.attribution) == ("Kataib Hezbollah", "suspected")


def test_no_claim_means_unknown(gaz):
    c = only(gaz, "Rockets hit the Harir base on Tuesday. No group has claimed the attack.")
    assert (c.actor, c.attribution) == ("Unknown", "unknown")


def test_victims_are_not_perpetrators(gaz):
    c = only(gaz, "Rockets struck a base hosting US forces at Erbil airport on Tuesday, wounding a US contractor.")
    assert c.actor == "Unknown"


def test_a_statement_about_the_attacks_covers_those_told_after_it(gaz):
    text = (
        "Bases hosting US troops in Iraq and Syria came under rocket fire on Tuesday. Coalition officials said both "
        "attacks had been carried out by Iran-backed militias. Nobody was hurt in the attacks. "
        "Three rockets hit Ain al-Asad air base. In Syria, two rockets struck near the Conoco gas field."
    )
    cands = {c.site_id: c for c in run(gaz, text).candidates}
    assert set(cands) == {"ain-al-asad", "conoco-gas-field"}
    for c in cands.values():
        assert (c.actor, c.attribution, c.attributed_by) == ("Iran-backed militias", "blamed", "US-led coalition")
        assert (c.killed, c.injured) == (0, 0)


def test_a_statement_about_one_attack_stays_with_it(gaz):
    text = (
        "Rockets hit Ain al-Asad on Tuesday. US officials blamed Kataib Hezbollah for the attack. "
        "Later on Tuesday, a drone was shot down near Erbil airport."
    )
    cands = {c.site_id: c for c in run(gaz, text).candidates}
    assert (cands["ain-al-asad"].actor, cands["ain-al-asad"].attribution) == ("Kataib Hezbollah", "blamed")
    assert (cands["erbil-airport"].actor, cands["erbil-airport"].attribution) == ("Unknown", "unknown")


def test_washington_blamed_on(gaz):
    text = "Mortar rounds hit Union III on Tuesday. Washington blamed the attack on Iran-backed groups."
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.attributed_by) == ("Iran-backed militias", "blamed", "US officials")


def test_attackers_named_by_a_source_are_blamed_by_it(gaz):
    c = only(gaz, "Pro-Iran militias fired rockets at the al-Omar oil field on Tuesday, the Syrian Observatory said.")
    assert (c.actor, c.attribution, c.attributed_by) == ("Iran-backed militias", "blamed", "Syrian Observatory for Human Rights")
    # In the report's own words the same sentence is only a suspicion.
    c = only(gaz, "Pro-Iran militias fired rockets at the al-Omar oil field on Tuesday.")
    assert (c.actor, c.attribution) == ("Iran-backed militias", "suspected")


def test_a_quoted_statement_naming_the_attackers(gaz):
    text = (
        "Eight mortar rounds struck Green Village on Tuesday, the coalition said. "
        "The statement added that Iran-supported fighters had fired from a nearby farm."
    )
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.attributed_by) == ("Iran-backed militias", "blamed", "US-led coalition")


@pytest.mark.parametrize(
    "statement",
    [
        "Officials said it was likely that Kataib Hezbollah was behind the attack.",
        "The working assumption in Washington is that Kataib Hezbollah fired the rockets, officials said.",
        "Kataib Hezbollah is believed to be behind the attack, officials said.",
    ],
)
def test_hedged_statements_only_suspect(gaz, statement):
    c = only(gaz, "Three rockets hit Camp Taji on Tuesday. " + statement)
    assert (c.actor, c.attribution) == ("Kataib Hezbollah", "suspected")


def test_a_group_calling_itself_by_a_new_name(gaz):
    text = "Rockets hit Erbil airport on Tuesday. A little-known group calling itself Ashab al-Kahf took credit for the attack."
    c = only(gaz, text)
    assert (c.actor, c.attribution) == ("Ashab al-Kahf", "claimed")


def test_a_claim_on_telegram_by_the_group_named_before(gaz):
    text = (
        "Two drones targeted al-Tanf on Tuesday. The Islamic Resistance in Iraq issued a statement on Telegram. "
        "The group said it had targeted the base with two drones."
    )
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.attributed_by) == ("Islamic Resistance in Iraq", "claimed", "")


def test_no_claim_yet_blamed_elsewhere(gaz):
    text = "Rockets hit the Harir base on Tuesday. No group claimed the attack. Kurdish officials blamed Iran-backed militias."
    c = only(gaz, text)
    assert (c.actor, c.attribution, c.attributed_by) == ("Iran-backed militias", "blamed", "Kurdish officials")


def test_us_strikes_are_announced_by_their_attacker(gaz):
    c = only(gaz, "US aircraft struck militia positions near Al-Qaim on Tuesday.")
    assert (c.event_type, c.actor, c.attribution, c.attributed_by) == ("airstrike", "US forces / US-led coalition", "claimed", "")


def test_a_subject_after_a_conjunction_is_no_victim(gaz):
    c = only(gaz, "Calm ended on Tuesday night as Iran-backed militias fired rockets at Ain al-Asad.")
    assert c.actor == "Iran-backed militias"


def test_a_coordinated_clause_keeps_its_subject(gaz):
    text = "Coalition gunners shelled Mayadin on Tuesday and had earlier conducted airstrikes on Al-Bukamal."
    assert {c.site_id: c.actor for c in run(gaz, text).candidates} == {
        "mayadin": "US forces / US-led coalition",
        "al-bukamal": "US forces / US-led coalition",
    }


@pytest.mark.parametrize(
    "phrase, actor",
    [
        ("pro-Iran militia fighters", "Iran-backed militias"),
        ("Iraqi militia groups aligned with Iran", "Iran-backed militias"),
        ("Kata'ib Hizballah", "Kataib Hezbollah"),
        ("Iran's Revolutionary Guards", "Iran (IRGC)"),
        ("the US-led coalition", "US forces / US-led coalition"),
        ("Syrian Democratic Forces", "SDF"),
        ("a little-known group", "Unknown"),
    ],
)
def test_canonical_actor(phrase, actor):
    assert canonical_actor(phrase) == actor


# --- results -------------------------------------------------------------------------


def test_evidence_spans_point_into_the_text(gaz):
    text = "Two explosive-laden drones were shot down near al-Tanf on Tuesday, causing no casualties."
    c = only(gaz, text)
    fields = {f for f, _, _ in c.evidence_spans}
    assert {"date", "place", "event_type", "munitions", "intercepted", "killed"} <= fields
    spans = {f: text[s:e] for f, s, e in c.evidence_spans}
    assert spans["date"] == "Tuesday" and spans["place"] == "al-Tanf"


def test_to_incident_is_valid_and_carries_the_source(gaz):
    c = only(gaz, "Five rockets hit Ain al-Asad on Tuesday, causing no casualties.")
    inc = c.to_incident(Source(outlet="Test Wire", url="https://example.org/a", published=WED))
    assert validate_incident(inc) == []
    assert inc.status == "proposed" and inc.site_id == "ain-al-asad"
    (src,) = inc.sources
    assert (src.outlet, src.munitions, src.killed, src.injured) == ("Test Wire", 5, 0, 0)
    assert src.evidence == c.evidence
    assert inc.id == c.to_incident(Source(outlet="Other")).id  # stable: same date, place, type


def test_results_are_immutable(gaz):
    res = run(gaz, "Rockets hit the Harir base on Tuesday.")
    with pytest.raises(AttributeError):
        res.candidates[0].site_id = "x"  # type: ignore[misc]
    assert isinstance(res.candidates, tuple)


def test_published_must_be_a_date(gaz):
    with pytest.raises(TypeError):
        extract("text", published="2023-05-10", gazetteer=gaz)  # type: ignore[arg-type]


def test_split_sentences_keeps_abbreviations():
    text = "U.S. forces at Ain al-Asad were hit on Jan. 3. Maj. Gen. John W. Smith said so.\nHeadline line"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["U.S. forces at Ain al-Asad were hit on Jan. 3.", "Maj. Gen. John W. Smith said so.", "Headline line"]


def test_types_compatible():
    assert types_compatible("rocket", "missile") and types_compatible("other", "drone")
    assert not types_compatible("drone", "rocket")


def test_misspelt_site_after_a_locative_word_is_matched_fuzzily(gaz):
    c = only(gaz, "Rockets hit Ain al-Asd on Monday.")
    assert c.site_id == "ain-al-asad"


def test_town_through_the_geonames_layer(tmp_path):
    from geo.places.geonames import GeoNamesLayer, import_geonames

    data = PROJECT_ROOT / "tests" / "geo" / "data"
    db = tmp_path / "geonames.sqlite"
    import_geonames([data / "geonames_small.txt"], db)
    small = Gazetteer.load(data / "gazetteer_small.csv", geonames=GeoNamesLayer(db))
    c = only(small, "Two rockets landed in Tall Kayf on Monday.")
    assert c.site_id.startswith("geonames:") and c.site_name == "Tall Kayf" and c.geo_precision == 2


# --- places that are no place of the story ---------------------------------------------


@pytest.mark.parametrize(
    "text, site_ids",
    [
        # English "at", "as", "an" before a name are no Arabic article ("at-Tanf" is one).
        ("Two rockets landed near the Victory base at Baghdad airport on Tuesday.", ["victory-base"]),
        ("A drone was shot down over Harir air base as it approached on Tuesday.", ["harir-air-base"]),
        ("A drone was downed near at-Tanf on Tuesday.", ["al-tanf"]),
        # A place inside a group's name is where the group is from, not where it struck.
        ("The Islamic Resistance in Iraq said it had fired two drones at al-Tanf on Tuesday.", ["al-tanf"]),
        # "Euphrates" alone is the river; with a generic word it is the Conoco site (MSS Euphrates).
        ("Two rockets hit a base on the Euphrates on Tuesday.", []),
        ("Two rockets hit the Conoco gas field, east of the Euphrates, on Tuesday.", ["conoco-gas-field"]),
        ("Drones targeted Mission Support Site Euphrates on Tuesday.", ["conoco-gas-field"]),
    ],
)
def test_words_around_a_name_that_are_no_place(gaz, text, site_ids):
    assert [c.site_id for c in run(gaz, text).candidates] == site_ids


def test_a_name_never_ends_on_an_article(gaz):
    c = only(gaz, "Rockets hit Baghdad as militias stepped up attacks on Tuesday.")
    assert (c.site_id, c.location) == ("baghdad", "Baghdad")


# --- one clause, several attacks ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The group said it had targeted al-Tanf with a drone and the Conoco gas field with two rockets on Tuesday.",
            {"al-tanf": ("drone", 1, False), "conoco-gas-field": ("rocket", 2, False)},
        ),
        (
            "Officials said a drone was shot down near Harir air base and three rockets landed at Erbil airport on Tuesday.",
            {"harir-air-base": ("drone", 1, True), "erbil-airport": ("rocket", 3, False)},
        ),
        # Without a weapon of its own the second place shares the clause's.
        (
            "Four rockets hit Ain al-Asad and Balad air base on Tuesday.",
            {"ain-al-asad": ("rocket", 4, False), "balad-air-base": ("rocket", 4, False)},
        ),
    ],
)
def test_each_target_keeps_its_own_weapon(gaz, text, expected):
    got = {c.site_id: (c.event_type, c.munitions, c.intercepted) for c in run(gaz, text).candidates}
    assert got == expected


def test_the_attack_named_back_is_not_at_the_place_of_the_next_clause(gaz):
    text = (
        "US aircraft struck a militia headquarters in Baghdad on Wednesday. "
        "The strike came ten days after a drone attack killed two soldiers at Tower 22 on April 30."
    )
    got = sorted((c.date, c.site_id, c.event_type, c.killed) for c in run(gaz, text).candidates)
    assert got == [(dt.date(2023, 4, 30), "tower-22", "drone", 2), (dt.date(2023, 5, 10), "baghdad", "airstrike", None)]


@pytest.mark.parametrize("gap", ["ten days", "eight days", "twelve days"])
def test_a_long_interval_dates_the_earlier_attack(gaz, gap):
    text = f"US aircraft struck a militia depot in Baghdad on Wednesday. The strike came {gap} after rockets hit Ain al-Asad."
    days = {"ten days": 10, "eight days": 8, "twelve days": 12}[gap]
    rockets = [c for c in run(gaz, text).candidates if c.event_type == "rocket"]
    assert [(c.site_id, c.date) for c in rockets] == [("ain-al-asad", WED - dt.timedelta(days=days))]


def test_a_claim_of_the_attack_being_told_wherever_else_the_clause_goes(gaz):
    text = (
        "Rockets struck Ain al-Asad air base on Tuesday. "
        "The Islamic Resistance in Iraq said it had carried out the attack in retaliation for the war in Gaza."
    )
    c = only(gaz, text)
    assert (c.site_id, c.actor, c.attribution) == ("ain-al-asad", "Islamic Resistance in Iraq", "claimed")


# --- what a summary lead says of the attacks told after it --------------------------------


@pytest.mark.parametrize(
    "text, site_id, event_type",
    [
        # The lead's one weapon not used by the other attacks of the day.
        (
            (
                "Coalition positions in Syria and Iraq came under rocket and mortar fire on Tuesday. "
                "A rocket landed inside Victory base, and minutes earlier militants fired on an outpost in Syria."
            ),
            "syria",
            "indirect_fire",
        ),
        # A lead with a single weapon types every untyped attack of its day.
        (
            (
                "Coalition positions in Syria and Iraq came under drone attack on Tuesday. "
                "Militants launched an attack on al-Tanf, the coalition said."
            ),
            "al-tanf",
            "drone",
        ),
        # Two weapons left for one attack: the type stays unknown.
        (
            (
                "Coalition positions in Syria and Iraq came under rocket and mortar fire on Tuesday. "
                "Militants fired on an outpost in Syria."
            ),
            "syria",
            "other",
        ),
    ],
)
def test_an_untyped_attack_takes_the_weapon_its_summary_leaves(gaz, text, site_id, event_type):
    got = {c.site_id: c.event_type for c in run(gaz, text).candidates}
    assert got[site_id] == event_type


def test_the_summary_bases_located_in_the_next_sentence(gaz):
    text = "Rockets struck two coalition sites in Syria and Iraq on Tuesday. Both sites lie in Deir ez-Zor province and in Baghdad."
    got = sorted((c.site_id, c.event_type, c.date) for c in run(gaz, text).candidates)
    assert got == [("baghdad", "rocket", dt.date(2023, 5, 9)), ("deir-ez-zor-province", "rocket", dt.date(2023, 5, 9))]


@pytest.mark.parametrize(
    "text",
    [
        "Both sites lie in Deir ez-Zor province and in Baghdad.",  # no summary before it
        "Rockets hit Ain al-Asad on Tuesday. Both sites lie in Deir ez-Zor province and in Baghdad.",  # no summary
    ],
)
def test_bases_located_without_a_summary_are_no_attack(gaz, text):
    assert {c.site_id for c in run(gaz, text).candidates} <= {"ain-al-asad"}


# --- rules added after holdout3 (each with texts written for this test) ----------------------------------


@pytest.mark.parametrize(
    "text, site_id, date",
    [
        # A time of day after "before"/"after" is when the attack happened, not a second event.
        ("Two drones were shot down over Erbil airport shortly before midnight on Monday.", "erbil-airport", dt.date(2023, 5, 8)),
        ("A rocket hit Ain al-Asad shortly after midnight on Tuesday.", "ain-al-asad", dt.date(2023, 5, 9)),
        ("Rockets hit the International Zone shortly after midnight, Iraqi officials said on Tuesday.", "green-zone", dt.date(2023, 5, 9)),
        ("A drone hit Harir base just after dawn on Monday.", "harir-air-base", dt.date(2023, 5, 8)),
    ],
)
def test_a_time_of_day_is_no_clause_boundary(gaz, text, site_id, date):
    c = only(gaz, text)
    assert (c.site_id, c.date) == (site_id, date)


def test_a_landing_zone_alias_with_lower_case_generic_words(gaz):
    c = only(gaz, "Mortar rounds hit the Rmelan landing zone in the countryside of Hasakah on Tuesday.")
    assert c.site_id == "kharab-al-jir"


@pytest.mark.parametrize(
    "text, munitions",
    [
        ("US forces at al-Tanf were attacked by a one-way attack unmanned aerial system on Tuesday. The drone was engaged and destroyed.", 1),
        ("On Tuesday, US forces at Ain al-Asad engaged three drones, destroying two and damaging the third.", 3),
        ("Two drones approached al-Tanf on Tuesday and were destroyed by air defences.", 2),
        ("Coalition forces neutralised two drones over the Conoco gas field on Tuesday.", 2),
    ],
)
def test_military_release_interceptions(gaz, text, munitions):
    c = only(gaz, text)
    assert (c.event_type, c.intercepted, c.munitions) == ("drone", True, munitions)


@pytest.mark.parametrize(
    "text, killed, injured",
    [
        # The casualty sentence comes after where the launcher was found: still the same attack.
        (
            "Rockets hit Ain al-Asad on Tuesday. Police found the launcher in a field. The truck had been burnt. "
            "There were no casualties at the base, an official said.",
            0,
            0,
        ),
        ("Rockets hit the Harir base on Tuesday; the guards escaped unhurt.", 0, 0),
        ("A drone hit the Harir base on Tuesday and caused no human losses.", 0, 0),
        ("Missiles hit the Harir base on Tuesday. No Americans were killed.", 0, None),
        ("A drone hit al-Tanf on Tuesday, causing minor injuries to four service members.", None, 4),
    ],
)
def test_casualties_said_later_or_otherwise(gaz, text, killed, injured):
    c = only(gaz, text)
    assert (c.killed, c.injured) == (killed, injured)


def test_no_casualties_in_either_incident(gaz):
    text = (
        "A rocket landed near Qayyarah air base on Tuesday afternoon. Hours later a drone was shot down near the base. "
        "There were no casualties in either incident."
    )
    got = sorted((c.event_type, c.killed, c.injured) for c in run(gaz, text).candidates)
    assert got == [("drone", 0, 0), ("rocket", 0, 0)]


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("on the 8th", dt.date(2023, 5, 8)),
        ("on the 20th", dt.date(2023, 4, 20)),  # after the publication day: the month before
        ("on the 4th of last month", dt.date(2023, 4, 4)),
        ("on the 2nd of this month", dt.date(2023, 5, 2)),
    ],
)
def test_a_day_of_the_month_without_its_month(gaz, phrase, expected):
    c = only(gaz, f"Earlier, {phrase}, a drone was downed over Ain al-Asad.")
    assert (c.date, c.date_precision) == (expected, "day")


def test_a_bracketed_gloss_is_not_a_second_place(gaz):
    c = only(gaz, "Three rockets fell near Victory base (Baghdad airport) on Tuesday.")
    assert (c.site_id, c.munitions) == ("victory-base", 3)


@pytest.mark.parametrize(
    "claim",
    [
        "The Islamic Resistance in Iraq said on Tuesday it had attacked Harir base with a drone.",
        "The Islamic Resistance in Iraq said on Tuesday that it had targeted Harir base with a drone.",
    ],
)
def test_a_claim_made_the_next_day_is_the_same_attack(gaz, claim):
    c = only(gaz, "A drone hit Harir base on Monday, causing no damage. " + claim)
    assert (c.date, c.actor, c.attribution) == (dt.date(2023, 5, 8), "Islamic Resistance in Iraq", "claimed")


def test_a_claim_of_both_attacks_published_the_next_day(gaz):
    text = (
        "Two drones were shot down over Erbil airport late on Monday. Early on Tuesday a drone hit Harir base. "
        "The Islamic Resistance in Iraq claimed both attacks in a statement published on Tuesday morning."
    )
    got = sorted((c.site_id, c.date, c.attribution) for c in run(gaz, text).candidates)
    assert got == [
        ("erbil-airport", dt.date(2023, 5, 8), "claimed"),
        ("harir-air-base", dt.date(2023, 5, 9), "claimed"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A tally dated only by when it was said.
        "US forces in Iraq and Syria have come under attack at least 40 times, the Pentagon said on Tuesday.",
        # The present of a habit.
        "Today, with few US troops left in Iraq, attacks are rare.",
    ],
)
def test_tallies_and_habits_make_no_incident(gaz, text):
    assert run(gaz, text).candidates == ()


@pytest.mark.parametrize(
    "text, site_id",
    [
        # "the garrison in southern Syria": the garrison the report named, not the country.
        ("Officials spoke of the threat to the al-Tanf garrison. On Tuesday, a drone struck near the garrison in southern Syria.", "al-tanf"),
        # A base known by its town: "the same base" is that town.
        ("A drone hit the coalition base in al-Shaddadi on Tuesday. Earlier this month, two rockets hit the same base.", "shaddadi"),
    ],
)
def test_a_definite_base_noun_refers_to_the_base_named(gaz, text, site_id):
    cands = run(gaz, text).candidates
    assert cands and {c.site_id for c in cands} == {site_id}, [(c.date, c.site_id) for c in cands]


def test_the_same_base_earlier_this_month_is_a_second_incident(gaz):
    text = "A drone hit the coalition base in al-Shaddadi on Tuesday. Earlier this month, two rockets hit the same base."
    got = sorted((c.event_type, c.date_precision, c.munitions) for c in run(gaz, text).candidates)
    assert got == [("drone", "day", 1), ("rocket", "month", 2)]


def test_setting_trucks_on_fire_is_an_attack(gaz):
    c = only(gaz, "On Tuesday, a bomb near Nasiriyah set two trucks on fire.")
    assert (c.site_id, c.event_type, c.date) == ("nasiriyah", "ied", dt.date(2023, 5, 9))


def test_the_attack_told_without_a_day_takes_the_day_of_its_definite_reference(gaz):
    text = (
        "Three years after Iran fired ballistic missiles at Ain al-Asad, the strike still matters. "
        "The barrage, launched on January 8, 2020, destroyed hangars."
    )
    c = only(gaz, text, dt.date(2023, 1, 8))
    assert (c.site_id, c.event_type, c.date) == ("ain-al-asad", "missile", dt.date(2020, 1, 8))


def test_a_speaker_is_not_the_owner_of_the_rockets(gaz):
    text = "Two rockets hit the Omar oil field on Tuesday. An SDF spokesman said the rockets had been fired from across the river."
    c = only(gaz, text)
    assert c.actor == "Unknown"


def test_a_suspicion_of_the_militias_named_just_before(gaz):
    text = (
        "Two rockets hit the Omar oil field on Tuesday. The spokesman said they came from the west bank, where pro-Iranian "
        "militias are deployed, and that his forces suspected the militias were behind the attack."
    )
    c = only(gaz, text)
    assert (c.actor, c.attribution) == ("Iran-backed militias", "suspected")


def test_an_ordinal_before_a_name_is_no_day_of_the_month(gaz):
    c = only(gaz, "Rockets hit Ain al-Asad on Tuesday, where soldiers on the 7th Brigade's rotation were based.")
    assert c.date == dt.date(2023, 5, 9)


def test_a_casualty_statement_long_after_the_attack_is_not_its(gaz):
    text = (
        "Rockets hit Ain al-Asad on Tuesday. Police found the launcher in a field. The truck had been burnt. "
        "Officials met at the ministry. Reporters waited outside. There were no casualties."
    )
    c = only(gaz, text)
    assert (c.killed, c.injured) == (None, None)
