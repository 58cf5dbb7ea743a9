"""Would a learned filter generalise? ``python benchmarks/eval_learned_filter.py [--reports-dir DIR]``.

Round 4's experiment (tests/data/eval/real/SCORES.md, "Round 4"), kept so its figures can be
rerun. Every proposal the extractor makes on the four real parts (dev, held-out 1, 2, 3; texts in
``var/reports``, never in the repository) is labelled by the scorer: a hit, a false positive, or a
coarse proposal standing for an unlocated attack (counted as kept). A logistic regression (numpy,
L2, Newton steps) on features of *how* the proposal was made is trained on three parts and tested
on the fourth, leave-one-part-out:

* as a **filter**: proposals under a threshold are dropped; printed is each left-out part's F1
  before and after, for a few regularisations and thresholds;
* as a **ranking**: the AUC of its probability on the left-out part, beside the AUC of today's
  ``confidence.overall``.

It was not adopted: no setting raised every left-out part. Nothing here is used by the library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.places.gazetteer import load_default
from geo.reports.evaluate import REAL_SETS, Scores, load_annotations, match_incidents, split_coarse_unlocated
from geo.reports.extract import extract
from geo.reports.extract.pipeline import _DONE as _VERB  # the verbs by which the pipeline says an attack happened

EVAL = ROOT / "tests" / "data" / "eval"
PARTS = ("dev", "held-out 1", "held-out 2", "held-out 3")
_AFTER = re.compile(r"\b(?:after|since|following|follows|followed|retaliation|response)\b", re.IGNORECASE)
_CAMPAIGN = re.compile(r"\b(?:attacks|series|campaign|dozens|times)\b", re.IGNORECASE)
_DAY_WORD = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august"
    r"|september|october|november|december|yesterday|overnight|last night)\b",
    re.IGNORECASE,
)
_SAID = re.compile(r"\b(?:said|told|according)\b", re.IGNORECASE)


def features(c, text: str, published: dt.date, n_cands: int) -> list[float]:
    first = min((s for _, s, _ in c.evidence_spans), default=0)
    pos = first / max(1, len(text))
    nsent = c.evidence.count(". ") + 1
    e = c.evidence
    return [
        1.0, c.geo_precision >= 3, c.geo_precision == 2, c.place_method != "named", c.date_precision != "day",
        c.event_type == "other", c.event_type == "airstrike", (published - c.date).days > 31,
        any("publication date used" in r for r in c.confidence.reasons), c.actor == "Unknown", min(nsent, 4) / 4,
        nsent == 1, pos, first < 200, min(n_cands, 6) / 6, c.munitions is not None,
        c.killed is not None or c.injured is not None, c.confidence.overall,
        bool(_AFTER.search(e)), bool(_CAMPAIGN.search(e)), bool(_DAY_WORD.search(e)), bool(_VERB.search(e)),
        bool(_SAID.search(e)), pos < 0.02,
    ]  # fmt: skip


def dataset(reports_dir: Path):
    """(features, labels 'tp'/'fp'/'coarse', part index) of every proposal, and each part's false negatives."""
    gazetteer = load_default(team=False)
    rows, labels, parts, fns = [], [], [], [0] * len(REAL_SETS)
    for i, (name, annotations) in enumerate(REAL_SETS):
        if "honest figure" in name:  # the current round's fresh held-out part is never trained on
            continue
        for rep in load_annotations(EVAL / annotations):
            path = reports_dir / rep["file"]
            if not path.is_file():
                continue
            text, published = path.read_text(encoding="utf-8"), dt.date.fromisoformat(rep["published"])
            cands = list(extract(text, published=published, gazetteer=gazetteer).candidates)
            scored = [a for a in rep["incidents"] if not a.get("unlocated")]
            pairs, fps, missed = match_incidents(cands, scored)
            _fps, coarse = split_coarse_unlocated(fps, [a for a in rep["incidents"] if a.get("unlocated")])
            hits, excused = {id(c) for _, c in pairs}, {id(c) for c in coarse}
            fns[i] += len(missed)
            for c in cands:
                rows.append(features(c, text, published, len(cands)))
                labels.append("tp" if id(c) in hits else "coarse" if id(c) in excused else "fp")
                parts.append(i)
    return np.array(rows, float), np.array(labels), np.array(parts), fns


def fit(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    w = np.zeros(x.shape[1])
    ridge = lam * np.diag(np.r_[0.0, np.ones(len(w) - 1)])  # the intercept is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        w -= np.linalg.solve(x.T @ (x * (p * (1 - p))[:, None]) + ridge, x.T @ (p - y) + ridge @ w)
    return w


def auc(score: np.ndarray, y: np.ndarray) -> float:
    pos, neg = score[y == 1], score[y == 0]
    return float(np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])) if len(pos) and len(neg) else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports-dir", type=Path, default=ROOT / "var" / "reports")
    args = ap.parse_args()
    x, labels, parts, fns = dataset(args.reports_dir)
    if not len(x):
        print(f"no report texts in {args.reports_dir}: refill with python -m geo reports fetch")
        return 1
    y = (labels != "fp").astype(float)
    for lam in (1.0, 5.0):
        for threshold in (0.25, 0.35, 0.45):
            cells = []
            for i, name in enumerate(PARTS):
                test = parts == i
                w = fit(x[~test], y[~test], lam)
                keep = 1 / (1 + np.exp(-x[test] @ w)) >= threshold
                lab = labels[test]
                tp0, fp0 = int((lab == "tp").sum()), int((lab == "fp").sum())
                tp1, fp1 = int((lab[keep] == "tp").sum()), int((lab[keep] == "fp").sum())
                before, after = Scores(tp0, fp0, fns[i]).f1, Scores(tp1, fp1, fns[i] + tp0 - tp1).f1
                cells.append(f"{name} {before:.3f}->{after:.3f}")
            print(f"filter  lambda {lam:g} threshold {threshold:.2f}:  " + " | ".join(cells))
    for i, name in enumerate(PARTS):
        test = parts == i
        w = fit(x[~test], y[~test], 1.0)
        print(f"ranking {name}: AUC learned {auc(x[test] @ w, y[test]):.3f}, confidence.overall {auc(x[test, 17], y[test]):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
