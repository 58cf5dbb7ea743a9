"""Extraction speed: ``python benchmarks/bench_extract.py [--reports N]``.

Prints reports per second of :func:`geo.extract.extract` on ~1,000-word
reports composed from the project's own evaluation texts
(``tests/data/eval/own/*.txt``, shuffled with a fixed seed so runs are
comparable), on one core, against the curated gazetteer without the GeoNames
layer. Figures:

* *cold*: the first pass, process caches empty (the first reports a server sees);
* *warm*: the steady state, best of three passes (place-name caches filled).

Rates are given per second of CPU time of this process (``time.process_time``:
one core, not disturbed by other processes waiting for the CPU) and per second
of wall-clock time. Target: at least 50 reports/second warm, on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.extract import extract
from geo.gazetteer import Gazetteer

OWN = ROOT / "tests" / "data" / "eval" / "own"
PUBLISHED = dt.date(2023, 5, 10)


def compose_reports(count: int, words: int = 1000, seed: int = 7) -> list[str]:
    """``count`` reports of about ``words`` words, each a shuffled mix of paragraphs of our own texts."""
    paragraphs = [p.strip() for path in sorted(OWN.glob("*.txt")) for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(seed)
    reports = []
    for _ in range(count):
        chosen, n = [], 0
        while n < words:
            p = rng.choice(paragraphs)
            chosen.append(p)
            n += len(p.split())
        reports.append("\n\n".join(chosen))
    return reports


def rate(reports: list[str], gazetteer: Gazetteer) -> tuple[float, float, int]:
    """(reports per CPU second, reports per wall second, candidates found)."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = 0
    for text in reports:
        found += len(extract(text, published=PUBLISHED, gazetteer=gazetteer).candidates)
    return len(reports) / (time.process_time() - cpu), len(reports) / (time.perf_counter() - wall), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="reports per measurement (default 200)")
    args = parser.parse_args(argv)
    gazetteer = Gazetteer.load(ROOT / "gazetteer.csv")
    reports = compose_reports(args.reports)
    mean_words = sum(len(r.split()) for r in reports) / len(reports)
    cold_cpu, cold_wall, found = rate(reports, gazetteer)
    warm = max((rate(reports, gazetteer) for _ in range(3)), key=lambda r: r[0])
    print(f"{len(reports)} reports of ~{mean_words:.0f} words, {found / len(reports):.1f} candidates each")
    print(f"  cold: {cold_cpu:7.1f} reports/s CPU  {cold_wall:7.1f} reports/s wall")
    print(f"  warm: {warm[0]:7.1f} reports/s CPU  {warm[1]:7.1f} reports/s wall   (target >= 50 on one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
