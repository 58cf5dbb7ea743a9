"""Synthesis and ACLED import speed: ``python benchmarks/bench_import_synth.py [--quick]``.

Prints a table of

* ``synth_frame`` for 100,000 and 1,000,000 rows (the benchmark data the
  dashboard and filter benchmarks are built on);
* writing a synthetic frame as CSV in our format;
* an ACLED-format import of 10,000 and 100,000 rows (an ACLED export generated
  from synthetic incidents with :func:`geo.formats.acled.to_acled_frame`): reading and
  validating the file, then ``Store.upsert_many`` into a fresh SQLite file,
  then the same file again (the idempotent re-import, all unchanged).

``--quick`` stops at 100k synth and 10k import (for a smoke run). Everything is
generated and seeded here; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.formats.acled import read_acled, to_acled_frame
from geo.config import get_settings
from geo.storage.store import Store
from geo.testing.synth import BUILTIN_SITES, synth_frame, write_frame_csv


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def row(what: str, n: int, seconds: float) -> str:
    return f"| {what:<42} | {n:>9,} | {seconds:>8.2f} | {n / seconds if seconds else 0:>12,.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args()
    synth_sizes = (100_000,) if args.quick else (100_000, 1_000_000)
    import_sizes = (10_000,) if args.quick else (10_000, 100_000)

    lines = [
        "| step                                       |      rows |  seconds |     rows / s |",
        "|--------------------------------------------|-----------|----------|--------------|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in synth_sizes:
            frame, seconds = timed(synth_frame, n, 1, sites=BUILTIN_SITES)
            lines.append(row("synth_frame", n, seconds))
            _, seconds = timed(write_frame_csv, frame, tmp / f"synth-{n}.csv")
            lines.append(row("write_frame_csv (our CSV)", n, seconds))
            del frame

        for n in import_sizes:
            path = tmp / f"acled-{n}.csv"
            to_acled_frame(synth_frame(n, 2, sites=BUILTIN_SITES)).to_csv(path, index=False)
            incidents, seconds = timed(read_acled, path)
            lines.append(row("read_acled (parse + validate)", n, seconds))

            settings = get_settings(
                {
                    "GEO_DATABASE_URL": f"sqlite:///{tmp / f'store-{n}.sqlite'}",
                    "GEO_INCIDENTS_CSV": str(tmp / "no-seed.csv"),
                }
            )
            store = Store.open(settings)
            try:
                counts, seconds = timed(store.upsert_many, incidents, user="bench")
                assert counts["added"] == n, counts
                lines.append(row("upsert_many into empty SQLite", n, seconds))
                counts, seconds = timed(store.upsert_many, read_acled(path), user="bench")
                assert counts["unchanged"] == n, counts
                lines.append(row("upsert_many again (all unchanged)", n, seconds))
            finally:
                store.dispose()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
