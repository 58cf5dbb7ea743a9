"""Agreement between two annotations of the same reports, scored as the extractor is scored."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from geo.config import PROJECT_ROOT
from geo.reports.agreement import cohen_kappa, compare_annotations, format_agreement
from geo.reports.evaluate import load_annotations

KINDS = {"erbil-airport": "airport", "erbil": "city", "erbil-province": "province", "iraq": "country", "al-tanf": "base"}
ERBIL_AIRPORT = {"site_id": "erbil-airport", "lat": 36.2375, "lon": 43.9631}
ERBIL_CITY = {"site_id": "erbil", "lat": 36.1926, "lon": 44.0106}  # about 6 km from the airport
ERBIL_PROVINCE = {"site_id": "erbil-province", "lat": 36.1833, "lon": 44.0333}
AL_TANF = {"site_id": "al-tanf", "lat": 33.5058, "lon": 38.6178}  # hundreds of km from Erbil
NOWHERE = {"unlocated": True}


def attack(place=ERBIL_AIRPORT, *, date="2024-01-10", kind="drone", **more):
    return {"date": date, "date_precision": "day", **place, "event_type": kind, **more}


def compare(a_incidents, b_incidents, *, a_file="r1.txt", b_file="r1.txt"):
    a = [{"file": a_file, "incidents": a_incidents}]
    b = [{"file": b_file, "incidents": b_incidents}]
    return compare_annotations(a, b, site_kinds=KINDS)


# ----------------------------------------------------------------------- which incidents are the same


@pytest.mark.parametrize(
    ("why", "a", "b", "matched", "a_only", "b_only"),
    [
        ("the same attack, the same way", attack(), attack(), 1, 0, 0),
        ("a town and its airport 6 km apart are one place", attack(), attack(ERBIL_CITY), 1, 0, 0),
        ("sites hundreds of km apart are two attacks", attack(), attack(AL_TANF), 0, 1, 1),
        ("consecutive days without a window are two attacks", attack(), attack(date="2024-01-11"), 0, 1, 1),
        (
            "a vague date's window covering the other's day is the same attack",
            attack(),
            attack(date="2024-01-11", date_window=["2024-01-09", "2024-01-11"]),
            1, 0, 0,
        ),
        ("a drone and a rocket are two attacks", attack(), attack(kind="rocket"), 0, 1, 1),
        ("an attack only one side lists costs the other side", attack(), None, 0, 1, 0),
        ("both leaving the place out is not scored", attack(NOWHERE), attack(NOWHERE), 0, 0, 0),
        ("a named site against 'no place' is scored against the site's side", attack(NOWHERE), attack(), 0, 0, 1),
        ("a province against 'no place' is the honest coarse place: not scored", attack(NOWHERE), attack(ERBIL_PROVINCE), 0, 0, 0),
        ("and so the other way round", attack(ERBIL_PROVINCE), attack(NOWHERE), 0, 0, 0),
    ],
)  # fmt: skip
def test_incidents_match_as_the_extractor_is_matched(why, a, b, matched, a_only, b_only):
    ag = compare([a], [b] if b else [])
    assert (ag.scores.tp, ag.scores.fn, ag.scores.fp) == (matched, a_only, b_only), why


def test_f1_is_the_same_whichever_annotation_is_taken_as_truth():
    a = [attack(), attack(AL_TANF, kind="rocket"), attack(date="2024-01-05")]
    b = [attack(ERBIL_CITY), attack(AL_TANF, kind="rocket", date="2024-01-08")]
    there, back = compare(a, b).scores, compare(b, a).scores
    assert (there.tp, there.fp, there.fn) == (1, 1, 2) and (back.tp, back.fp, back.fn) == (1, 2, 1)
    assert there.f1 == pytest.approx(back.f1) == pytest.approx(0.4)


def test_two_attacks_on_one_base_one_day_pair_with_their_own_counterparts():
    a = [attack(kind="rocket"), attack()]
    b = [attack(), attack(kind="rocket")]
    ag = compare(a, b)
    assert ag.scores.tp == 2 and all(x["event_type"] == y["event_type"] for x, y in ag.reports[0].matched)


def test_reports_only_one_side_annotated_are_named_not_scored():
    ag = compare([attack()], [attack()], b_file="r2.txt")
    assert ag.only_in_a == ("r1.txt",) and ag.only_in_b == ("r2.txt",) and ag.reports == ()


# ----------------------------------------------------------------------- who did it, on whose word


@pytest.mark.parametrize(
    ("a_who", "b_who", "same_family"),
    [
        ("Kataib Hezbollah", "Iran-backed militias", True),  # a member group and the umbrella wording
        ("Islamic Resistance in Iraq", "Kataib Hezbollah", True),
        ("Iran (IRGC)", "Iran-backed militias", False),  # the state is not its proxies
        ("Unknown", "Iran-backed militias", False),  # naming nobody against naming a side
        ("US forces / US-led coalition", "US forces / US-led coalition", True),
    ],
)
def test_actor_agreement_is_by_family(a_who, b_who, same_family):
    ag = compare([attack(actor=a_who)], [attack(actor=b_who)])
    assert ag.family_pairs() and (ag.family_pairs()[0][0] == ag.family_pairs()[0][1]) is same_family


@pytest.mark.parametrize(
    ("a_how", "b_how", "compared", "same", "one_sided"),
    [
        ({"attribution": "blamed"}, {"attribution": "blamed"}, 1, 1, 0),
        ({"attribution": "claimed"}, {"attribution": "blamed"}, 1, 0, 0),
        ({"attribution": "suspected"}, {"attribution": "unknown"}, 1, 0, 0),
        # the outlet states the actor with no speaker: one side left the kind out
        ({}, {"attribution": "claimed"}, 0, 0, 1),
        ({}, {}, 0, 0, 0),
    ],
)
def test_attribution_agreement_counts_a_kind_stated_by_one_side_apart(a_how, b_how, compared, same, one_sided):
    ag = compare([attack(actor="Iran (IRGC)", **a_how)], [attack(actor="Iran (IRGC)", **b_how)])
    pairs = ag.attribution_pairs()
    assert (len(pairs), sum(x == y for x, y in pairs), ag.one_sided("attribution")) == (compared, same, one_sided)


def test_an_actor_named_by_one_side_only_is_counted_apart():
    ag = compare([attack()], [attack(actor="Iran-backed militias", attribution="suspected")])
    assert ag.family_pairs() == [] and ag.one_sided("actor") == 1


def test_who_is_compared_only_on_incidents_both_sides_matched():
    ag = compare([attack(actor="Kataib Hezbollah", attribution="claimed")], [attack(AL_TANF, actor="Unknown")])
    assert ag.family_pairs() == [] and ag.attribution_pairs() == []


# ----------------------------------------------------------------------- what is listed at all, and how


@pytest.mark.parametrize(
    ("why", "a", "b", "both", "located_same", "type_same", "place_same"),
    [
        ("a place given against none is one listed attack, located differently", attack(), attack(NOWHERE), 1, 0, 1, 0),
        ("the weapon read differently is still one listed attack", attack(), attack(kind="rocket"), 1, 1, 0, 1),
        ("a place read differently is still one listed attack", attack(), attack(AL_TANF), 1, 1, 1, 0),
        ("different days are not one attack", attack(), attack(NOWHERE, date="2023-12-01"), 0, 0, 0, 0),
    ],
)  # fmt: skip
def test_incidents_listed_at_all_ignore_place_and_type(why, a, b, both, located_same, type_same, place_same):
    ag = compare([a], [b])
    assert ag.listing.tp == both, why
    assert sum(x == y for x, y in ag.located_pairs()) == located_same, why
    assert sum(x == y for x, y in ag.type_pairs()) == type_same, why
    assert sum(x == y for x, y in ag.place_pairs()) == place_same, why


def test_a_strike_placed_elsewhere_pairs_with_its_counterpart_not_with_an_unplaced_neighbour():
    # Three strikes one night: the second placed apart by one side, the third placed by neither.
    # Three listed pairs, one place disagreement, no located/unlocated one.
    a = [attack(kind="airstrike"), attack(AL_TANF, kind="airstrike"), attack(NOWHERE, kind="airstrike")]
    b = [attack(kind="airstrike"), attack(kind="airstrike"), attack(NOWHERE, kind="airstrike")]
    ag = compare(a, b)
    assert ag.listing.tp == 3
    assert all(x == y for x, y in ag.located_pairs())
    assert sorted(y for _, y in ag.place_pairs()) == ["elsewhere", "here"]


def test_a_background_attack_one_side_lists_is_a_listing_disagreement():
    earlier = attack(NOWHERE, date="2023-12-15", date_precision="month", kind="airstrike")
    ag = compare([attack(), earlier], [attack()])
    assert (ag.listing.tp, ag.listing.fn, ag.listing.fp) == (1, 1, 0)
    assert ag.scores.f1 == 1.0  # unlocated, so the scored figure does not see it


@pytest.mark.parametrize(
    ("pairs", "kappa"),
    [
        ([("a", "a"), ("b", "b")], 1.0),
        ([("a", "a")] * 4, 1.0),  # one label only: nothing left for chance to explain
        ([("a", "b"), ("b", "a")], -1.0),
        ([("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")], 0.0),  # agreeing half the time is chance here
        ([], None),
    ],
)
def test_cohen_kappa(pairs, kappa):
    assert cohen_kappa(pairs) == (pytest.approx(kappa) if kappa is not None else None)


def test_the_verbose_listing_names_every_disagreement():
    ag = compare([attack(actor="Unknown", attribution="unknown"), attack(AL_TANF, kind="rocket")], [attack(actor="Kataib Hezbollah", attribution="blamed")])
    text = format_agreement(ag, verbose=True)
    assert "F1 0.667" in text and "A only r1.txt" in text and "who/how r1.txt" in text and "not listed by B" in text


# ----------------------------------------------------------------------- the command and the real files

AGREEMENT = PROJECT_ROOT / "tests" / "data" / "eval" / "real" / "agreement"


def test_evaluate_agreement_command(capsys, tmp_path):
    from geo.cli import main

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"reports": [{"file": "r1.txt", "incidents": [attack(), attack(AL_TANF, kind="rocket")]}]}))
    b.write_text(json.dumps({"reports": [{"file": "r1.txt", "incidents": [attack()]}]}))
    assert main(["evaluate", "--agreement", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "a (truth) vs b (proposals)" in out and "F1 0.667" in out


def test_the_second_annotation_of_held_out_part_4_is_well_formed():
    from geo.actors import ACTORS, family_of
    from geo.incidents import ATTRIBUTIONS, EVENT_TYPES
    from geo.places.gazetteer import Gazetteer

    gaz = Gazetteer.load(PROJECT_ROOT / "gazetteer.csv")
    a, b = load_annotations(AGREEMENT.parent / "heldout4.json"), load_annotations(AGREEMENT / "heldout4_b.json")
    assert [r["file"] for r in a] == [r["file"] for r in b] and len(b) == 34
    canonical = {x.name for x in ACTORS} | {"Unknown"}
    for rep in b:
        for inc in rep["incidents"]:
            assert dt.date.fromisoformat(inc["date"]) <= dt.date.fromisoformat(rep["published"]), rep["file"]
            assert inc["event_type"] in EVENT_TYPES and inc.get("attribution", "unknown") in ATTRIBUTIONS
            assert inc.get("actor", "Unknown") in canonical and inc.get("actor_family") == (family_of(inc["actor"]) if "actor" in inc else None)
            if inc.get("site_id"):
                site = gaz.get(inc["site_id"])
                assert (site.lat, site.lon) == (inc["lat"], inc["lon"]), (rep["file"], inc["site_id"])
            else:
                assert inc.get("unlocated") or {"site_name", "lat", "lon"} <= inc.keys(), rep["file"]


# ----------------------------------------------------------------------- how sure the figures are


def _many_reports(n_same: int, n_differ: int):
    same = [{"file": f"s{i}.txt", "incidents": [attack(actor="Kataib Hezbollah", attribution="claimed")]} for i in range(n_same)]
    a_differ = [{"file": f"d{i}.txt", "incidents": [attack(actor="Unknown", attribution="unknown")]} for i in range(n_differ)]
    b_differ = [{"file": f"d{i}.txt", "incidents": [attack(actor="Iran-backed militias", attribution="suspected")]} for i in range(n_differ)]
    return compare_annotations(same + a_differ, same + b_differ, site_kinds=KINDS)


def test_full_agreement_has_no_spread():
    from geo.reports.agreement import bootstrap_interval

    ag = _many_reports(10, 0)
    assert bootstrap_interval(ag, lambda g: g.scores.f1) == (1.0, 1.0)


def test_the_interval_holds_the_figure_and_is_wide_on_few_reports_and_repeatable():
    from geo.reports.agreement import bootstrap_interval

    def family(g):
        pairs = g.family_pairs()
        return sum(x == y for x, y in pairs) / len(pairs)

    few, many = _many_reports(8, 2), _many_reports(80, 20)  # both agree on 80%
    lo_few, hi_few = bootstrap_interval(few, family)
    lo_many, hi_many = bootstrap_interval(many, family)
    assert lo_few <= 0.8 <= hi_few and lo_many <= 0.8 <= hi_many
    assert hi_few - lo_few > 2 * (hi_many - lo_many)
    assert bootstrap_interval(few, family) == (lo_few, hi_few)
