"""The extractor's accuracy, measured by the rerunnable evaluation (python -m geo evaluate)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from geo.config import PROJECT_ROOT
from geo.errors import InputError, NotFound
from geo.reports.evaluate import (
    ANNOTATED_SETS,
    REAL_SETS,
    Evaluation,
    evaluate_set,
    format_evaluation,
    load_annotations,
    match_incidents,
)
from geo.places.gazetteer import Gazetteer

EVAL = PROJECT_ROOT / "tests" / "data" / "eval"
TARGET_F1 = 0.9
# Who did it and on whose word, on matched incidents. Own and holdout reach 1.0 with the general
# attribution rules; 0.8 leaves room for one or two hard phrasings without hiding a broken rule.
# The seeds state attribution for only 6 matched incidents (all 6 right), so one miss costs 0.17:
# 0.8 there is the strictest bar that one miss does not break (the brief asked for at least 0.6).
TARGET_ACTOR = 0.8
TARGET_ATTRIBUTION = 0.8
# holdout2 was written before the attribution rules were changed (F1 0.857 then); its failures
# were fixed by general rules in a later round (F1 1.000), so it is no longer unseen text and its
# bar stays below the tuned sets' only as a guard against losing those rules.
HOLDOUT2_F1 = 0.8
HOLDOUT2_FIELDS = 0.75
# holdout3 was written before the round that fixed holdout2: F1 0.627 before that round, 0.640 after
# it, 0.680 once the five places its reports named were added to the gazetteer (coverage, not rules).
# The next round wrote general rules for its error classes (F1 1.000 after), so it is tuned text now;
# like holdout2's, its bar guards against losing those rules, not a measure of unseen reports.
HOLDOUT3_F1 = 0.9
# holdout4 was written before that round and never tuned on: F1 0.760 (precision 0.826, recall 0.704)
# before its rules, 0.784 (precision 0.833, recall 0.741) after, 0.808 after round 8's "US jets struck". It is the estimate for unseen
# reports; the bar only catches a collapse (one incident lost or gained moves F1 by about 0.03), it is
# not a target.
HOLDOUT4_F1 = 0.7


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(PROJECT_ROOT / "gazetteer.csv")


def test_own_reports_f1(gaz):
    ev = evaluate_set("own", EVAL / "own.json", EVAL / "own", gaz)
    assert len(ev.reports) >= 15
    assert ev.scores.f1 >= TARGET_F1, format_evaluation(ev, verbose=True)


def test_holdout_reports_f1(gaz):
    # Written after tuning and never tuned on: a regression here means the rules overfit.
    ev = evaluate_set("holdout", EVAL / "holdout.json", EVAL / "holdout", gaz)
    assert ev.scores.f1 >= TARGET_F1, format_evaluation(ev, verbose=True)


def test_seed_reports_f1(gaz, seeds_dir):
    ev = evaluate_set("seeds", EVAL / "seeds.json", seeds_dir, gaz)
    assert len(ev.reports) == 5
    assert ev.scores.f1 >= TARGET_F1, format_evaluation(ev, verbose=True)


def _fields_at_least(ev: Evaluation, names: tuple[str, ...], bar: float) -> None:
    for name in names:
        rate = ev.field_rate(name)
        assert rate is not None, f"{ev.name}: no annotation states {name}"
        assert rate >= bar, f"{ev.name}: {name} {rate:.2f} < {bar}\n" + format_evaluation(ev, verbose=True)


@pytest.mark.parametrize("name", ["own", "holdout"])
def test_actor_and_attribution_accuracy(gaz, name):
    ev = evaluate_set(name, EVAL / f"{name}.json", EVAL / name, gaz)
    _fields_at_least(ev, ("actor",), TARGET_ACTOR)
    _fields_at_least(ev, ("attribution",), TARGET_ATTRIBUTION)


def test_seed_actor_and_attribution_accuracy(gaz, seeds_dir):
    ev = evaluate_set("seeds", EVAL / "seeds.json", seeds_dir, gaz)
    _fields_at_least(ev, ("actor",), TARGET_ACTOR)
    _fields_at_least(ev, ("attribution",), TARGET_ATTRIBUTION)


def test_second_holdout_is_the_honest_measure(gaz):
    # Not tuned on: a drop here means the rules learnt the other sets' phrasing, not English.
    ev = evaluate_set("holdout2", EVAL / "holdout2.json", EVAL / "holdout2", gaz)
    assert len(ev.reports) == 6
    assert ev.scores.f1 >= HOLDOUT2_F1, format_evaluation(ev, verbose=True)
    _fields_at_least(ev, ("actor", "attribution"), HOLDOUT2_FIELDS)


def test_third_holdout_keeps_the_rules_written_for_it(gaz):
    # Tuned on in the round after it was written: a drop here means one of those general rules was lost.
    ev = evaluate_set("holdout3", EVAL / "holdout3.json", EVAL / "holdout3", gaz)
    assert len(ev.reports) >= 10
    assert ev.scores.f1 >= HOLDOUT3_F1, format_evaluation(ev, verbose=True)


def test_fourth_holdout_is_the_honest_measure(gaz):
    # Not tuned on: the score of reports the rules have never seen, whatever it is.
    ev = evaluate_set("holdout4", EVAL / "holdout4.json", EVAL / "holdout4", gaz)
    assert len(ev.reports) >= 12
    assert ev.scores.f1 >= HOLDOUT4_F1, format_evaluation(ev, verbose=True)


def test_field_rate_and_its_report():
    ann = {"date": "2022-01-05", "lat": 33.0, "lon": 44.0, "event_type": "rocket", "actor": "Kataib Hezbollah"}
    right = SimpleNamespace(actor="Kataib Hezbollah", attribution="blamed")
    wrong = SimpleNamespace(actor="Unknown", attribution="unknown")
    from geo.reports.evaluate import ReportResult

    ev = Evaluation("x", (ReportResult("a.txt", ((ann, right), (ann, wrong)), (), (), ()),))
    assert ev.field_rate("actor") == 0.5
    assert ev.field_rate("attribution") is None  # no annotation states it
    assert "actor 1/2 (50%)" in format_evaluation(ev)


def test_every_annotated_set_is_listed():
    assert {name for name, _, _ in ANNOTATED_SETS} == {p.stem for p in EVAL.glob("*.json")} - {"seeds"}
    for _, annotation_file, texts in ANNOTATED_SETS:
        files = {rep["file"] for rep in load_annotations(EVAL / annotation_file)}
        assert files == {p.name for p in (EVAL / texts).glob("*.txt")}, annotation_file


def test_own_reports_are_within_the_word_limits():
    sets = ("own", "holdout", "holdout2", "holdout3", "holdout4")
    for path in sorted(p for name in sets for p in (EVAL / name).glob("*.txt")):
        words = len(path.read_text(encoding="utf-8").split())
        assert 50 <= words <= 250, (path.name, words)


def test_every_annotated_site_exists_and_matches_its_coordinates(gaz):
    for name in ("own.json", "seeds.json", "holdout.json", "holdout2.json", "holdout3.json", "holdout4.json"):
        for rep in load_annotations(EVAL / name):
            for ann in rep["incidents"]:
                if ann.get("site_id"):
                    site = gaz.get(ann["site_id"])
                    assert (site.lat, site.lon) == (ann["lat"], ann["lon"]), (name, rep["file"], ann["site_id"])


def cand(date, lat, lon, etype, precision="day"):
    return SimpleNamespace(date=date, date_precision=precision, lat=lat, lon=lon, event_type=etype)


def ann(date, lat, lon, etype, **kw):
    return {"date": date, "lat": lat, "lon": lon, "event_type": etype, **kw}


def test_matching_rules():
    anns = [ann("2022-01-05", 33.0, 44.0, "rocket"), ann("2022-01-04", 35.0, 40.0, "drone", date_window=["2022-01-04", "2022-01-05"])]
    cands = [
        cand(dt.date(2022, 1, 5), 33.1, 44.1, "rocket"),  # ~14 km: same place
        cand(dt.date(2022, 1, 5), 35.0, 40.0, "drone"),  # inside the annotated window
        cand(dt.date(2022, 1, 5), 33.0, 44.0, "drone"),  # wrong type
    ]
    pairs, fps, fns = match_incidents(cands, anns)
    assert len(pairs) == 2 and fps == [cands[2]] and fns == []
    pairs, fps, fns = match_incidents([cand(dt.date(2022, 1, 5), 33.5, 44.0, "rocket")], anns[:1])
    assert pairs == [] and len(fns) == 1  # ~55 km away
    pairs, _, _ = match_incidents([cand(dt.date(2022, 1, 1), 33.0, 44.0, "rocket", "month")], anns[:1])
    assert len(pairs) == 1  # month precision covers the day


def test_each_annotation_matches_once():
    anns = [ann("2022-01-05", 33.0, 44.0, "rocket")]
    cands = [cand(dt.date(2022, 1, 5), 33.0, 44.0, "rocket"), cand(dt.date(2022, 1, 5), 33.01, 44.0, "rocket")]
    pairs, fps, _ = match_incidents(cands, anns)
    assert pairs[0][1] is cands[0] and fps == [cands[1]]


def test_scores_and_report():
    ev = Evaluation("x", ())
    assert (ev.scores.precision, ev.scores.recall) == (1.0, 1.0)
    assert format_evaluation(Evaluation("x", (), skipped="texts missing")) == "x: skipped - texts missing"


def test_missing_texts_skip_the_set(gaz, tmp_path):
    ev = evaluate_set("seeds", EVAL / "seeds.json", tmp_path / "absent", gaz)
    assert ev.skipped and "not found" in ev.skipped


def test_bad_annotation_files(tmp_path):
    with pytest.raises(NotFound):
        load_annotations(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError):
        load_annotations(bad)
    bad.write_text('{"incidents": []}')
    with pytest.raises(InputError):
        load_annotations(bad)


def test_evaluate_command_skips_absent_seeds_with_a_note(capsys, tmp_path):
    from geo.cli import main

    assert main(["evaluate", "--seeds-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "seeds: skipped" in err and "own:" in out and "F1" in out
    assert main(["evaluate", "--seeds-dir", str(tmp_path), "--require-seeds"]) == 1
    assert "seed reports not found" in capsys.readouterr().err


def test_evaluate_command_min_f1(capsys, tmp_path):
    from geo.cli import main

    assert main(["evaluate", "--seeds-dir", str(tmp_path), "--min-f1", "1.01"]) == 1
    assert "below --min-f1" in capsys.readouterr().err


# --------------------------------------------------------------------------- the real-report corpus

REAL = EVAL / "real"
(DEV, HELDOUT1, HELDOUT2, HELDOUT3, HELDOUT4, HELDOUT5, HELDOUT6, HELDOUT7, HELDOUT8, HELDOUT9, HELDOUT10, HELDOUT11,
 HELDOUT12) = (name for name, _ in REAL_SETS)
#: The held-out parts added before a round, each with all its reports held out (no hash split).
FRESH_PARTS = {HELDOUT2: "heldout2", HELDOUT3: "heldout3", HELDOUT4: "heldout4", HELDOUT5: "heldout5",
               HELDOUT6: "heldout6", HELDOUT7: "heldout7", HELDOUT8: "heldout8", HELDOUT9: "heldout9",
               HELDOUT10: "heldout10", HELDOUT11: "heldout11",
               HELDOUT12: "heldout12"}


def _real_reports():
    from geo.reports.fetch import read_manifest

    rows = {r.id: r for r in read_manifest(REAL / "manifest.csv")}
    parts = {name: load_annotations(EVAL / file) for name, file in REAL_SETS}
    return rows, parts


def test_real_corpus_size_outlets_and_split():
    import hashlib

    rows, parts = _real_reports()
    assert len(rows) >= 60 and len({r.outlet for r in rows.values()}) >= 15
    assert len(parts[HELDOUT1]) >= 20
    for name, split in ((DEV, "dev"), (HELDOUT1, "heldout"), *FRESH_PARTS.items()):
        for rep in parts[name]:
            row = rows[rep["file"].removesuffix(".txt")]
            assert row.split == split and rep["published"] == row.published.isoformat() and rep["url"] == row.url
    # The first split is the documented rule on the URL alone, so nobody picked the held-out reports;
    # each later held-out part holds every report added for its round.
    for row in rows.values():
        if row.split in FRESH_PARTS.values():
            continue
        held = int(hashlib.sha1(row.url.encode()).hexdigest()[:8], 16) % 5 < 2
        assert row.split == ("heldout" if held else "dev"), row.id
    assert sum(len(p) for p in parts.values()) == len(rows)


@pytest.mark.parametrize("part", FRESH_PARTS)
def test_each_later_held_out_part_is_new_varied_and_well_formed(part):
    # Validated without the texts (they are not in the repository), so CI checks it too.
    rows, parts = _real_reports()
    split = FRESH_PARTS[part]
    reports = parts[part]
    new = [r for r in rows.values() if r.split == split]
    assert {rep["file"] for rep in reports} == {r.file for r in new}
    assert len(reports) >= 25 and len({r.outlet for r in new}) >= 12
    assert len({r.published.year for r in new}) >= 5  # a spread of years, not one campaign
    first_id = min(int(r.id[1:]) for r in new)
    older = [r for r in rows.values() if int(r.id[1:]) < first_id]
    assert not {r.url for r in new} & {r.url for r in older}, f"a {split} report is already in the corpus"
    ids = sorted(int(r.id[1:]) for r in new)  # ids continue the old ones, in one run
    assert ids == list(range(max(int(r.id[1:]) for r in older) + 1, first_id + len(new)))
    # outlets the corpus had not seen before this part, so it is not the same sources again
    assert len({r.outlet for r in new} - {r.outlet for r in older}) >= 5
    for rep in reports:
        for inc in rep["incidents"]:
            day = dt.date.fromisoformat(inc["date"])
            assert day <= dt.date.fromisoformat(rep["published"]), (rep["file"], inc["date"])
            assert inc["date_precision"] in {"day", "week", "month"}, rep["file"]
            if "date_window" in inc:
                start, end = map(dt.date.fromisoformat, inc["date_window"])
                assert start <= day <= end, (rep["file"], inc["date"])
            assert inc.get("unlocated") or -90 <= inc["lat"] <= 90 and -180 <= inc["lon"] <= 180, rep["file"]
            assert "attributed_by" not in inc or inc.get("attribution") in {"claimed", "blamed", "suspected"}
            for field in ("munitions", "killed", "injured"):
                assert isinstance(inc.get(field, 0), int) and inc.get(field, 0) >= 0, (rep["file"], field)


def test_real_annotations_use_known_sites_types_actors_and_attributions(gaz):
    from geo.actors import ACTORS
    from geo.incidents import ATTRIBUTIONS, EVENT_TYPES

    canonical = {a.name for a in ACTORS} | {"Unknown"}

    _, parts = _real_reports()
    for reports in parts.values():
        for rep in reports:
            for inc in rep["incidents"]:
                assert inc["event_type"] in EVENT_TYPES
                assert inc.get("attribution", "unknown") in ATTRIBUTIONS
                assert inc.get("actor", "Unknown") in canonical, inc.get("actor")
                if inc.get("site_id"):
                    site = gaz.get(inc["site_id"])
                    assert (site.lat, site.lon) == (inc["lat"], inc["lon"]), (rep["file"], inc["site_id"])
                else:
                    assert inc.get("unlocated") or {"site_name", "lat", "lon"} <= inc.keys(), rep["file"]


@pytest.mark.parametrize(
    ("actor", "family"),
    [
        ("Islamic Resistance in Iraq", "iran_aligned"),
        ("Saraya Awliya al-Dam", "iran_aligned"),
        ("Thar al-Muhandis Brigade", "iran_aligned"),
        ("Iran-backed militias", "iran_aligned"),
        ("Iran (IRGC)", "iran"),
        ("US forces / US-led coalition", "us"),
        ("Islamic State", "isis"),
        ("Israel", "other"),
        ("Unknown", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_the_annotations_actor_names_have_the_family_the_model_gives(actor, family):
    from geo.actors import family_of

    assert family_of(actor) == family


def _cand(**kw):
    base = dict(date=dt.date(2024, 1, 10), date_precision="day", lat=36.2375, lon=43.9631, event_type="drone",
                site_id="erbil-airport", actor="Unknown", attribution="unknown")  # fmt: skip
    return SimpleNamespace(**(base | kw))


def _ann(**kw):
    base = {"date": "2024-01-10", "date_precision": "day", "site_id": "erbil-airport", "lat": 36.2375, "lon": 43.9631,
            "event_type": "drone"}  # fmt: skip
    return base | kw


def test_family_accuracy_and_the_speaker_taken_for_the_perpetrator(tmp_path):
    from geo.reports.evaluate import evaluate_reports

    (tmp_path / "a.txt").write_text("text a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("text b", encoding="utf-8")
    reports = [
        {"file": "a.txt", "published": "2024-01-10", "incidents": [_ann(actor="Islamic Resistance in Iraq")]},
        {"file": "b.txt", "published": "2024-01-10", "incidents": [_ann(actor="Unknown")]},
    ]
    # a: a member group named where the annotation has the umbrella: same family, right.
    # b: the coalition that reported the attack given as its perpetrator: the error counted apart.
    answers = {"text a": [_cand(actor="Kataib Hezbollah")], "text b": [_cand(actor="US forces / US-led coalition")]}
    ev = evaluate_reports("t", reports, tmp_path, lambda text, published, outlet: answers[text])
    assert ev.family_accuracy() == (1, 2)
    assert [(f, c.actor) for f, _, c in ev.source_as_perpetrator()] == [("b.txt", "US forces / US-led coalition")]
    assert "actor family 1/2 (50%), reporting source taken for the perpetrator 1" in format_evaluation(ev)


def test_a_us_strike_given_to_the_us_is_not_a_speaker_error(tmp_path):
    from geo.reports.evaluate import evaluate_reports

    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    reports = [{"file": "a.txt", "published": "2024-01-10",
                "incidents": [_ann(event_type="airstrike", actor="US forces / US-led coalition")]}]  # fmt: skip
    strike = _cand(event_type="airstrike", actor="US forces / US-led coalition")
    ev = evaluate_reports("t", reports, tmp_path, lambda *a: [strike])
    assert ev.family_accuracy() == (1, 1) and ev.source_as_perpetrator() == []


def test_missing_real_texts_are_listed_and_the_rest_scored(tmp_path, gaz):
    annotations = tmp_path / "set.json"
    annotations.write_text(
        '{"reports": [{"file": "here.txt", "published": "2024-01-10", "incidents": []},'
        ' {"file": "gone.txt", "published": "2024-01-10", "incidents": []}]}',
        encoding="utf-8",
    )
    (tmp_path / "here.txt").write_text("Nothing happened at the base today.", encoding="utf-8")
    ev = evaluate_set("real-x", annotations, tmp_path, gaz, allow_missing=True)
    assert [r.file for r in ev.reports] == ["here.txt"] and ev.missing == ("gone.txt",)
    assert "1 report text(s) missing, not scored: gone.txt" in format_evaluation(ev)
    empty = tmp_path / "empty"
    empty.mkdir()
    skipped = evaluate_set("real-x", annotations, empty, gaz, allow_missing=True)
    assert skipped.skipped == f"none of its 2 report texts is in {empty}"
    with pytest.raises(FileNotFoundError):  # the in-house sets still insist on every text
        evaluate_set("own-x", annotations, empty, gaz)


def test_real_reports_are_scored_when_their_texts_are_present(gaz):
    from geo.config import get_settings

    texts = get_settings().reports_dir
    present = sorted(p.name for p in texts.glob("*.txt")) if texts.is_dir() else []
    if not present:
        pytest.skip(f"real report texts are not in {texts} (not committed; refill: python -m geo reports fetch)")
    for name, file in REAL_SETS:
        ev = evaluate_set(name, EVAL / file, texts, gaz, allow_missing=True)
        scored = {r.file for r in ev.reports}
        assert scored | set(ev.missing) == {r["file"] for r in load_annotations(EVAL / file)}
        assert scored <= set(present)
        if ev.reports:
            # Only a collapse guard: held-out 1 was first scored at F1 0.517, dev at 0.570 (SCORES.md).
            assert ev.scores.f1 > 0.3, format_evaluation(ev)


def test_evaluate_command_says_which_real_texts_are_missing(tmp_path, capsys):
    from geo.cli import main

    assert main(["evaluate", "--reports-dir", str(tmp_path), "--seeds-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{HELDOUT1}: skipped - none of its 29 report texts is in {tmp_path}" in out
    assert f"{HELDOUT2}: skipped - none of its 29 report texts is in {tmp_path}" in out
    assert f"{HELDOUT3}: skipped - none of its 27 report texts is in {tmp_path}" in out
    assert f"{HELDOUT4}: skipped - none of its 34 report texts is in {tmp_path}" in out
    assert f"{HELDOUT5}: skipped - none of its 33 report texts is in {tmp_path}" in out
    assert f"{HELDOUT6}: skipped - none of its 30 report texts is in {tmp_path}" in out
    assert f"{HELDOUT7}: skipped - none of its 27 report texts is in {tmp_path}" in out
    assert f"{HELDOUT8}: skipped - none of its 32 report texts is in {tmp_path}" in out
    assert f"{HELDOUT9}: skipped - none of its 37 report texts is in {tmp_path}" in out
    assert f"{HELDOUT10}: skipped - none of its 35 report texts is in {tmp_path}" in out
    assert f"{HELDOUT11}: skipped - none of its 37 report texts is in {tmp_path}" in out
    assert f"{HELDOUT12}: skipped - none of its 38 report texts is in {tmp_path}" in out
    assert "holdout4: 14 reports" in out  # the in-house sets are scored as before


def test_min_f1_gates_the_in_house_sets_only(tmp_path, capsys):
    from geo.cli import main

    # holdout4 (0.784) passes 0.75; the real sets, far lower, are reported but never fail the gate.
    assert main(["evaluate", "--seeds-dir", str(tmp_path), "--min-f1", "0.75"]) == 0
    assert "below --min-f1" not in capsys.readouterr().err


def test_an_attack_the_report_does_not_place_may_be_proposed_at_its_country_without_a_penalty(tmp_path):
    """Issue 11 item 6: a described attack with a vague place keeps its honest, coarse precision."""
    from geo.reports.evaluate import evaluate_reports

    (tmp_path / "a.txt").write_text("text a", encoding="utf-8")
    unlocated = _ann(unlocated=True, event_type="rocket", site_id=None, lat=None, lon=None)
    reports = [{"file": "a.txt", "published": "2024-01-10", "incidents": [unlocated]}]
    at_country = _cand(event_type="rocket", geo_precision=4, site_id="syria", lat=35.0, lon=38.5)
    answers = {
        # at the country, same day and type: stands for the unlocated attack, neither hit nor miss
        "coarse": [at_country],
        # at a named base: claims a place the report does not give, still a false positive
        "site": [_cand(event_type="rocket", geo_precision=1)],
        # at the country but another weapon, or a second country-level guess for the one attack
        "other type": [_cand(event_type="drone", geo_precision=4)],
        "twice": [at_country, at_country],
    }
    fps = {}
    for name, cands in answers.items():
        ev = evaluate_reports("t", reports, tmp_path, lambda text, published, outlet, c=cands: c)
        fps[name] = (ev.scores.fp, sum(len(r.coarse_unscored) for r in ev.reports))
    assert fps == {"coarse": (0, 1), "site": (1, 0), "other type": (1, 0), "twice": (1, 1)}
    ev = evaluate_reports("t", reports, tmp_path, lambda *a: [at_country])
    assert "1 of them proposed at a province or country" in format_evaluation(ev)
