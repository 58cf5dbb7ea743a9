"""Benchmark: load the incident frame from a SQLite store and export it as GeoJSON.

    python benchmarks/bench_store_export.py [--sizes 10000,100000] [--keep DIR]

For each size, synthetic incidents are generated around a few fixed sites,
written with ``Store.upsert_many`` into a fresh SQLite file, then timed:

* ``upsert``  one transaction adding all incidents (with sources and audit rows)
* ``frame``   ``Store.frame()``, best of three
* ``geojson`` ``geo.formats.export.to_geojson(frame)``, best of three, and its size

Prints one table row per size. Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.formats.export import to_geojson
from geo.incidents import EVENT_TYPES, Incident, Source
from geo.storage.store import Store

# (site_id, lat, lon, country, admin1): a few real bases the incidents cluster around.
SITES = (
    ("ain-al-asad", 33.7856, 42.4411, "IQ", "Anbar"),
    ("baghdad-airport", 33.2625, 44.2344, "IQ", "Baghdad"),
    ("erbil-airport", 36.2375, 43.9631, "IQ", "Erbil"),
    ("green-village", 35.1517, 40.5758, "SY", "Deir ez-Zor"),
    ("al-tanf", 33.5058, 38.6178, "SY", "Homs"),
)
ACTORS = ("Iran-backed militias", "Unknown", "Islamic Resistance in Iraq", "US-led coalition")
OUTLETS = ("Reuters", "Associated Press", "AFP", "Al-Monitor")


def synthetic_incidents(n: int, seed: int = 1) -> list[Incident]:
    """``n`` plausible incidents, jittered around :data:`SITES`, reproducible per ``seed``."""
    rng = random.Random(seed)
    types = tuple(EVENT_TYPES)
    start = dt.date(2019, 1, 1)
    out = []
    for i in range(n):
        site, lat, lon, country, admin1 = rng.choice(SITES)
        date = start + dt.timedelta(days=rng.randrange(2500))
        figures = [rng.choice((None, 0, rng.randrange(1, 20))) for _ in range(3)]
        sources = tuple(
            Source(
                outlet=outlet,
                url=f"https://synthetic.invalid/{i}/{k}",
                published=date + dt.timedelta(days=rng.randrange(3)),
                title=f"Report {i}-{k}",
                evidence="synthetic",
                munitions=figures[0],
            )
            for k, outlet in enumerate(rng.sample(OUTLETS, rng.randint(1, 3)))
        )
        out.append(
            Incident(
                id=f"bench-{i:07d}",
                date=date,
                date_precision="day",
                site_id=site,
                location=site.replace("-", " ").title(),
                lat=round(lat + rng.uniform(-0.05, 0.05), 6),
                lon=round(lon + rng.uniform(-0.05, 0.05), 6),
                geo_precision=rng.choice((1, 1, 2, 3)),
                country=country,
                admin1=admin1,
                event_type=rng.choice(types),
                intercepted=rng.random() < 0.2,
                actor=rng.choice(ACTORS),
                attribution=rng.choice(("claimed", "blamed", "suspected", "unknown")),
                munitions=figures[0],
                killed=figures[1],
                injured=figures[2],
                summary=f"Synthetic incident {i} near {site}.",
                sources=sources,
                status="reviewed",
            )
        )
    return out


def best_of(runs: int, fn):
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench(n: int, folder: Path) -> dict:
    incidents = synthetic_incidents(n)
    store = Store(f"sqlite:///{folder / f'bench-{n}.sqlite'}")
    try:
        store.migrate()
        start = time.perf_counter()
        store.upsert_many(incidents, user="bench")
        upsert = time.perf_counter() - start
        frame_s, frame = best_of(3, store.frame)
        assert len(frame) == n
        geojson_s, data = best_of(3, lambda: to_geojson(frame))
    finally:
        store.dispose()
    return {"n": n, "upsert": upsert, "frame": frame_s, "geojson": geojson_s, "mb": len(data) / 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated incident counts")
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite files in DIR")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    header = f"{'incidents':>10} {'upsert s':>9} {'frame s':>8} {'rows/s':>10} {'geojson s':>10} {'features/s':>11} {'MB':>7}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            r = bench(n, folder)
            print(
                f"{r['n']:>10,} {r['upsert']:>9.2f} {r['frame']:>8.3f} {r['n'] / r['frame']:>10,.0f}"
                f" {r['geojson']:>10.3f} {r['n'] / r['geojson']:>11,.0f} {r['mb']:>7.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
