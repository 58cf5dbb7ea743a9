"""What team sites cost: ``python benchmarks/bench_teamsites.py [--postgres URL] [--sites 0,100,1000]``.

Prints, for a store holding N team sites (synthetic, valid, inside Iraq):

* ``check``: a :func:`geo.places.gazetteer.load_default` call whose gazetteer is cached,
  i.e. the one version query every page run and CLI command now pays: "CLI"
  from the settings alone (SQLite through :mod:`sqlite3`, PostgreSQL through a
  Store kept per URL), "app" through the app's :class:`~geo.storage.store.Store`;
* ``add``: one :func:`geo.places.teamsites.add_site` (validation against the curated
  and stored team sites, insert, audit, version bump, one transaction);
* ``rebuild``: from that add to the new gazetteer being ready (what the next
  page run after an editor adds a site waits for);
* ``geocode``: wall time of ``python -m geo geocode`` against that store.

With ``--postgres`` the same against a fresh schema of that server (dropped
afterwards). Everything is made in a temporary folder; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import median_ms

from geo.places import teamsites
from geo.config import get_settings
from geo.places.gazetteer import load_default
from geo.storage.store import Store


def fields(n: int) -> dict:
    # Distinct made-up names on a grid inside Iraq's box (no clash with curated names).
    return {
        "id": f"bench-site-{n}", "name": f"Benchtown {n:05d}", "aliases": f"Bench Village {n:05d}", "kind": "town",
        "country": "IQ", "lat": 31.0 + (n % 50) * 0.1, "lon": 42.0 + (n // 50 % 50) * 0.1, "precision_m": 2000,
    }  # fmt: skip


def run(url: str, label: str, counts: list[int], tmp: Path) -> None:
    env = {
        "GEO_DATABASE_URL": url,
        "GEO_INCIDENTS_CSV": str(tmp / "no-seed.csv"),
        "GEO_GEONAMES_DB": str(tmp / "no-geonames.sqlite"),
        "GEO_CACHE_DIR": str(tmp / "cache"),
    }
    settings = get_settings(env)
    store = Store.open(settings, seed=False)
    curated = load_default(settings, team=False).curated_sites
    have = 0
    try:
        for count in counts:
            for n in range(have, count):
                teamsites.add_site(store, fields(n), user="bench", curated=curated)
            have = count
            load_default(settings)
            load_default(settings, store=store)
            check_cli = median_ms(lambda: load_default(settings), 50)
            check_app = median_ms(lambda: load_default(settings, store=store), 50)
            start = time.perf_counter()
            teamsites.add_site(store, fields(have), user="bench", curated=curated)
            added = time.perf_counter()
            gazetteer = load_default(settings, store=store)
            ready = time.perf_counter()
            assert gazetteer.lookup(f"Benchtown {have:05d}").site.layer == "team"
            teamsites.remove_site(store, fields(have)["id"], user="bench")
            walls = []
            for _ in range(3):
                start_cli = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "geo", "geocode", "Erbil airport"],
                    cwd=ROOT,
                    env={**os.environ, **env},
                    check=True,
                    capture_output=True,
                )
                walls.append((time.perf_counter() - start_cli) * 1000)
            print(
                f"{label:<10} {count:>6} team sites | check {check_cli:6.2f} ms (CLI) {check_app:6.2f} ms (app)"
                f" | add {(added - start) * 1000:7.1f} ms | rebuild {(ready - added) * 1000:7.1f} ms"
                f" | geocode {min(walls):6.0f} ms"
            )
    finally:
        store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also measure against this PostgreSQL server")
    parser.add_argument("--sites", default="0,100,1000", help="team site counts to measure (comma-separated)")
    args = parser.parse_args()
    counts = [int(c) for c in args.sites.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        run(f"sqlite:///{tmp / 'bench.sqlite'}", "sqlite", counts, tmp)
        if args.postgres:
            from geo.testing.pgscratch import scratch_schema

            with scratch_schema(args.postgres, prefix="bench") as url:
                run(url, "postgresql", counts, tmp)


if __name__ == "__main__":
    main()
