"""The dashboard's data after a write, on PostgreSQL: full snapshot build vs refresh from what changed.

    python benchmarks/bench_refresh_pg.py --postgres postgresql+psycopg://USER@HOST/DB [--sizes 100000 1000000]

For each size: loads that many synthetic incidents into a throwaway schema
(``Store.upsert_many``, the audited path ``python -m geo import`` takes), builds
the light snapshot (:func:`geo.storage.snapshot.build`, what a first start does), then
edits one incident and imports 1,000 more, timing the write and
:func:`geo.storage.snapshot.refresh` (what the running app does on the next page run).
bench_scale.py measures the same on SQLite inside the real app; this is the
team deployment's half. The schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.storage import snapshot as snap
from geo.testing.pgscratch import scratch_schema
from geo.storage.store import Store
from geo.testing.synth import synth_incidents


def measure(url: str, n: int) -> dict[str, float]:
    store = Store(url)
    try:
        store.migrate()
        start = time.perf_counter()
        store.upsert_many(synth_incidents(n, seed=1), user="bench")
        out = {"load_s": time.perf_counter() - start}
        start = time.perf_counter()
        held = snap.build(store)
        out["build_s"] = time.perf_counter() - start

        target = held.frame["id"].iloc[n // 2]
        incident = store.get(target)
        start = time.perf_counter()
        store.update(incident.with_changes(summary=incident.summary + " (edited)"),
                     expected_version=store.get_version(target), user="bench")  # fmt: skip
        out["edit_write_s"] = time.perf_counter() - start
        start = time.perf_counter()
        held = snap.refresh(store, held)
        out["edit_refresh_s"] = time.perf_counter() - start
        assert held.version == store.version()

        start = time.perf_counter()
        store.upsert_many(synth_incidents(1000, seed=99), user="bench")
        out["import_write_s"] = time.perf_counter() - start
        start = time.perf_counter()
        held = snap.refresh(store, held)
        out["import_refresh_s"] = time.perf_counter() - start
        assert len(held) == store.count(), (len(held), store.count())
        return out
    finally:
        store.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", required=True, help="a PostgreSQL database to work in")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    args = parser.parse_args(argv)
    print("| incidents | load (upsert_many) | full build | edit: write / refresh | 1,000 imported: write / refresh |")
    print("|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        with scratch_schema(args.postgres, prefix="bench") as url:
            r = measure(url, n)
        print(f"| {n:,} | {r['load_s']:.1f} s | {r['build_s']:.2f} s | {r['edit_write_s'] * 1000:.0f} / "
              f"{r['edit_refresh_s'] * 1000:.0f} ms | {r['import_write_s'] * 1000:.0f} / "
              f"{r['import_refresh_s'] * 1000:.0f} ms |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
