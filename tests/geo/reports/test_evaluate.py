"""The extractor's accuracy, measured by the rerunnable evaluation (python -m geo evaluate)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from geo.config import PROJECT_ROOT
from geo.errors import InputError, NotFound
from geo.reports.evaluate import ANNOTATED_SETS, Evaluation, evaluate_set, format_evaluation, load_annotations, match_incidents
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
# before its rules, 0.784 (precision 0.833, recall 0.741) after. It is the honest estimate for unseen
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
