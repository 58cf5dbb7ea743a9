"""Benchmark: ``python -m geo export`` at 100k and 1M incidents, from SQLite and PostgreSQL.

    python benchmarks/bench_store_export.py [--sizes 100000 1000000] [--postgres URL] [--keep DIR]
                                            [--code DIR] [--cases all]

For each size, synthetic incidents (:func:`geo.testing.synth.synth_frame`, seed 1, as
``bench_scale.py``) are bulk-loaded (:func:`geo.storage.bulkload.bulk_insert`) into a
SQLite file (kept and reused with ``--keep``) and, with ``--postgres``, into a
schema of that database (reused when it holds the same count). Then each export
runs as its own process, the way a user runs it, and prints:

* wall time, CPU seconds and peak resident memory of that process, incidents/s, file size
* ``server CPU``: on PostgreSQL, the CPU its backends spent meanwhile (when the server runs on
  this machine: the postmaster's reaped children, read from ``/proc``; the export's backend and
  any parallel workers end with it). Other clients' backends that end in the same seconds count
  too, so on a shared server it is an upper bound.
* ``scan``: a plain ``sqlite3`` read of every incident row, the floor for any export

Cases: ``geojson`` (all), ``geojson Q1 2020`` (``--from 2020-01-01 --to 2020-03-31``),
``geojsonl``, ``csv``, ``gpkg``. ``--code DIR`` runs the command from another
checkout (e.g. ``git worktree add /tmp/main main``) on the same stores, for a
side-by-side comparison; formats that checkout does not know are skipped.
Loopback only; nothing touches the network.
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

CASES = {
    "geojson": ["--format", "geojson"],
    "geojson Q1 2020": ["--format", "geojson", "--from", "2020-01-01", "--to", "2020-03-31"],
    "geojsonl": ["--format", "geojsonl"],
    "csv": ["--format", "csv"],
    "gpkg": ["--format", "gpkg"],
}


def sqlite_store(n: int, folder: Path) -> str:
    """The URL of a SQLite store of ``n`` synthetic incidents in ``folder`` (made once)."""
    from geo.storage.bulkload import bulk_insert
    from geo.storage.store import Store
    from geo.testing.synth import synth_frame

    path = folder / f"scale-{n}.sqlite"
    url = f"sqlite:///{path}"
    store = Store(url)
    try:
        if path.exists() and store.count() == n:
            return url
        store.dispose()
        for p in folder.glob(f"scale-{n}.sqlite*"):
            p.unlink()
        store = Store(url)
        store.migrate()
        bulk_insert(store, synth_frame(n, seed=1))
        return url
    finally:
        store.dispose()


def postgres_store(n: int, base_url: str) -> str:
    """The URL of schema ``bench_<n>`` of ``base_url`` holding ``n`` synthetic incidents (made once)."""
    import sqlalchemy as sa

    from geo.storage.bulkload import bulk_insert
    from geo.storage.store import Store
    from geo.testing.synth import synth_frame

    schema = f"bench_{n}"
    sep = "&" if "?" in base_url else "?"
    url = f"{base_url}{sep}options=-csearch_path%3D{schema}"
    engine = sa.create_engine(base_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    engine.dispose()
    store = Store(url)
    try:
        store.migrate()
        if store.count() == n:
            return url
        with store._engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE incidents, sources, audit_log")
        bulk_insert(store, synth_frame(n, seed=1))
        return url
    finally:
        store.dispose()


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL postmaster's process id when it runs on this machine and /proc shows it, else None."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        parent = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return parent if "postgres" in Path(f"/proc/{parent}/cmdline").read_text() else None
    except (OSError, ValueError, IndexError):
        return None
    finally:
        engine.dispose()


def children_cpu(pid: int | None) -> float | None:
    """CPU seconds of the reaped children of ``pid`` (cutime + cstime)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def run_export(code: Path, url: str, args: list[str], out: Path, server: int | None = None) -> dict:
    """One ``python -m geo export`` process: wall seconds, its CPU and peak RSS, the server's CPU, the file's size."""
    env = {**os.environ, "GEO_DATABASE_URL": url, "GEO_INCIDENTS_CSV": str(out.with_suffix(".none.csv"))}
    peak = out.with_suffix(".rss")
    # GNU time reports the export's own peak (a child's ru_maxrss would count this big parent it forked from).
    # %U/%S: the export's CPU seconds, the honest figure on a shared machine where wall time swings with load.
    cmd = ["/usr/bin/time", "-f", "%M %U %S", "-o", str(peak), sys.executable, "-m", "geo", "export", *args, "-o", str(out)]
    before = children_cpu(server)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    if server is not None:
        time.sleep(0.3)  # the postmaster reaps the export's backend
    after = children_cpu(server)
    err = proc.stderr.decode()
    if proc.returncode != 0:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"}
    size = out.stat().st_size
    out.unlink()
    count = next((int(w) for w in err.split() if w.isdigit()), 0)
    rss, user, system = peak.read_text().split()[-3:]
    server_cpu = after - before if before is not None and after is not None else None
    return {
        "s": wall, "cpu": float(user) + float(system), "server": server_cpu, "peak_mb": int(rss) / 1024,
        "mb": size / 1e6, "n": count,
    }


def sqlite_scan(url: str) -> tuple[float, float]:
    """Wall and CPU seconds of a plain ``sqlite3`` read of every incident row."""
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    start, cpu = time.perf_counter(), time.process_time()
    for _ in con.execute("SELECT * FROM incidents WHERE deleted_at IS NULL"):
        pass
    con.close()
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", metavar="URL", help="also measure this PostgreSQL database")
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the SQLite stores in DIR")
    parser.add_argument("--code", metavar="DIR", default=str(ROOT), help="checkout whose `geo export` runs")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES), metavar="CASE")
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    code = Path(args.code).resolve()
    print(f"code: {code}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    head = (
        f"{'store':<11} {'incidents':>10} {'case':<16} {'wall s':>8} {'CPU s':>7} {'server':>7} {'peak MB':>8}"
        f" {'feat/s':>9} {'file MB':>8} {'load':>5}"
    )
    print(head + "\n" + "-" * len(head), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-export-", dir="/tmp") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            stores = []
            if "sqlite" in args.stores:
                stores.append(("sqlite", sqlite_store(n, folder)))
            if args.postgres and "postgresql" in args.stores:
                stores.append(("postgresql", postgres_store(n, args.postgres)))
            for kind, url in stores:
                server = postmaster_pid(url) if kind == "postgresql" else None
                if kind == "sqlite":
                    wall, cpu = sqlite_scan(url)
                    print(f"{kind:<11} {n:>10,} {'(sqlite3 scan)':<16} {wall:>8.2f} {cpu:>7.2f}", flush=True)
                for case in args.cases:
                    fmt = CASES[case][1]
                    r = run_export(code, url, CASES[case], Path(tmp) / f"out.{fmt}", server)
                    if "error" in r:
                        print(f"{kind:<11} {n:>10,} {case:<16} {'-':>8} ({r['error'][:60]})", flush=True)
                        continue
                    print(
                        f"{kind:<11} {n:>10,} {case:<16} {r['s']:>8.2f} {r['cpu']:>7.2f}"
                        f" {'-' if r['server'] is None else format(r['server'], '.2f'):>7} {r['peak_mb']:>8,.0f}"
                        f" {r['n'] / r['s'] if r['n'] else 0:>9,.0f} {r['mb']:>8.1f} {os.getloadavg()[0]:>5.1f}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
