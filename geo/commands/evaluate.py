"""``python -m geo evaluate``: precision/recall/F1 of the extractor on the annotated sets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.config import PROJECT_ROOT
from geo.errors import NotFound

__all__ = ["register", "run"]

EVAL_DIR = PROJECT_ROOT / "tests" / "data" / "eval"
DEFAULT_SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="score the report extractor against the annotated seed and own report sets",
        description="Prints precision, recall and F1 of (date, place within --km, event type) for the seed "
        "reports, the project's own reports, four held-out sets (holdout4 is the one never used for tuning) and "
        "the real-report corpus (tests/data/eval/real: a development part and the held-out parts, one per "
        "round of rules, each marked used once scored after its round; their texts are read from --reports-dir and the missing ones are listed).",
    )
    p.add_argument(
        "--reports-dir", type=Path, default=None,
        help="texts of the real-report corpus (default: GEO_REPORTS_DIR, else var/reports; "
        "refill: python -m geo reports fetch)",
    )  # fmt: skip
    p.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS, help=f"seed report texts (default: {DEFAULT_SEEDS})")
    p.add_argument("--require-seeds", action="store_true", help="fail instead of skipping when the seed texts are absent")
    p.add_argument("--km", type=float, default=25.0, help="largest distance counted as the same place (default 25)")
    p.add_argument(
        "--min-f1", type=float, default=None,
        help="exit 1 when an in-house set scores below this F1 (the real-report sets are reported, not gated)",
    )  # fmt: skip
    p.add_argument("-v", "--verbose", action="store_true", help="list every false positive, false negative and wrong field")
    p.add_argument(
        "--agreement", nargs=2, type=Path, metavar=("A.json", "B.json"), default=None,
        help="instead, compare two annotations of the same reports (A as truth, B as proposals) with the same "
        "matching: the ceiling a target on those reports can have (tests/data/eval/real/AGREEMENT.md)",
    )  # fmt: skip
    p.set_defaults(func=run)


def _agreement(args: argparse.Namespace) -> int:
    from geo.places.gazetteer import load_default
    from geo.reports.agreement import compare_annotations, format_agreement
    from geo.reports.evaluate import load_annotations

    a, b = args.agreement
    kinds = {site.id: site.kind for site in load_default(team=False).sites}
    ag = compare_annotations(load_annotations(a), load_annotations(b), site_kinds=kinds, km=args.km, a_name=a.stem, b_name=b.stem)
    print(format_agreement(ag, verbose=args.verbose))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.agreement:
        return _agreement(args)
    from geo.config import get_settings
    from geo.reports.evaluate import ANNOTATED_SETS, REAL_SETS, evaluate_set, format_evaluation
    from geo.places.gazetteer import load_default

    # Curated sites only: a score must not change because an editor added a team site.
    gazetteer = load_default(team=False)
    seeds_dir: Path = args.seeds_dir
    if not (seeds_dir / "manifest.csv").exists():
        if args.require_seeds:
            raise NotFound(f"seed reports not found at {seeds_dir} (expected manifest.csv and the report texts)")
        print(f"seeds: skipped - seed reports not found at {seeds_dir}", file=sys.stderr)
        sets = []
    else:
        sets = [("seeds", EVAL_DIR / "seeds.json", seeds_dir)]
    # Each held-out set was written before a round of rule changes; only the last (holdout4) was never tuned on.
    sets += [(name, EVAL_DIR / annotations, EVAL_DIR / texts) for name, annotations, texts in ANNOTATED_SETS]
    # Real reports: their texts may not be in the repository, so whatever is present is scored.
    reports_dir: Path = args.reports_dir or get_settings().reports_dir
    real = {name for name, _ in REAL_SETS}
    sets += [(name, EVAL_DIR / annotations, reports_dir) for name, annotations in REAL_SETS]
    status = 0
    for name, annotation_file, texts in sets:
        ev = evaluate_set(name, annotation_file, texts, gazetteer, km=args.km, allow_missing=name in real)
        print(format_evaluation(ev, verbose=args.verbose))
        if args.min_f1 is not None and name not in real and not ev.skipped and ev.scores.f1 < args.min_f1:
            print(f"error: {name} F1 {ev.scores.f1:.3f} is below --min-f1 {args.min_f1}", file=sys.stderr)
            status = 1
    return status
