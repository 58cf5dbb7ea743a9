"""Fast at any size: the dashboard at 10k, 100k and 1M incidents, one core.

    python benchmarks/bench_scale.py [--sizes 10000 100000 1000000] [--repeat 3] [--keep DIR]
    python benchmarks/bench_scale.py --sizes 1000000 --keep DIR --reuse --cold-only 7
    python benchmarks/bench_scale.py --sizes 1000000 --keep DIR --reuse --first-only 3

``--reuse`` keeps a store already in ``--keep DIR`` (built there by an earlier run) instead of
making it again (~70 s at 1M); ``--cold-only N`` then times only N cold starts (building the
snapshot first if its file is missing) and prints each one, its median and worst;
``--first-only N`` times only N first starts (the snapshot files removed before each).

For each size, synthetic incidents (:func:`geo.testing.synth.synth_frame`) are written
into a fresh SQLite store under /tmp, then the app is measured in *new
processes* pinned to one core, each running the real map page (``app.py``)
under Streamlit's AppTest, i.e. the script the server runs for a browser:

``import``        synth -> store: the bulk path below (one transaction of
                  executemany, as a data migration would) and, for small sizes,
                  :meth:`Store.upsert_many` (the audited path the CLI uses)
``first start``   a new process whose snapshot file does not exist yet: open the
                  store, build the light frame from SQL, write the snapshot, draw
                  the first page (map included); wall time, and CPU time of the app
                  process plus the child that reads the store (SQLite)
``cold start``    a new process with the snapshot on disk: the first run of app.py, i.e.
                  its imports not done yet (SQLAlchemy, the ui modules beyond the two
                  below), open the store, read the snapshot, derive, draw the first page.
                  Printed apart, not in it: the imports before it ("imports": Streamlit,
                  streamlit-folium with folium and pandas, ui.data and ui.mapview; a
                  server imports Streamlit when it starts, the rest in app.py's first
                  run, so the first browser waits for those too) and Streamlit's
                  component scan (the server does it when it starts)
``warm start``    a new session in a running process (data cached): first page
``filter change`` one page rerun after a sidebar filter change (median and worst
                  of several different filters, text search included), and after
                  map moves (zoom/pan reports from the map)
``map bytes``     the st_folium element as sent (its protobuf size), worst case
``export``        the dashboard's GeoJSON file of a filtered set and of exactly 100k
                  incidents (ui.downloads.prepare: sources fetched from SQL per chunk,
                  streamed to a file)
``peak MB``       the app process's peak resident memory (ru_maxrss)
``after a write`` in the running app, one incident edited (Store.update), then
                  1,000 new incidents imported (Store.upsert_many): the time to
                  the next data set (``load_dataset``: the snapshot patched from
                  the one in memory with the rows written since, the derived
                  arrays rebuilt) and to the page drawn with it

At 10k the map alone (filter + layer + what st_folium sends) is also timed
side by side against a one-folium-Marker-per-incident map.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPORT_ROWS = 100_000
UPSERT_MAX = 10_000  # sizes up to this also time Store.upsert_many
FILTER_STEPS = [  # (widget kind, key, action, value): one rerun each, all different filters
    ("multiselect", "ia_type", "select", "drone"),
    ("multiselect", "ia_type", "select", "rocket"),
    ("selectbox", "ia_period", "select", "Last 12 months"),
    ("multiselect", "ia_country", "select", "SY"),
    ("radio", "ia_icpt", "set_value", "Only impacts"),
    ("multiselect", "ia_attr", "select", "claimed"),
    ("text_input", "ia_q", "input", "ain al"),
    ("text_input", "ia_q", "input", ""),
    ("multiselect", "ia_country", "unselect", "SY"),
    ("selectbox", "ia_period", "select", "All time"),
    ("radio", "ia_icpt", "set_value", "Any"),
    ("multiselect", "ia_attr", "unselect", "claimed"),
    ("multiselect", "ia_type", "unselect", "rocket"),
    ("multiselect", "ia_type", "unselect", "drone"),
]
VIEWS = [  # (label, centre, zoom): map moves as the map reports them
    ("z5 region", (34.5, 41.5), 5),
    ("z8 Baghdad", (33.3, 44.3), 8),
    ("z11 Ain al-Asad", (33.79, 42.44), 11),
    ("z14 Ain al-Asad", (33.7856, 42.4411), 14),
    ("z16 Erbil", (36.2375, 43.9631), 16),
    ("z6 default", (34.5, 41.5), 6),
]


# --- import --------------------------------------------------------------------------------------


def bulk_import(store, frame) -> None:
    """Write a frame into an empty store without audit entries (:func:`geo.storage.bulkload.bulk_insert`)."""
    from geo.storage.bulkload import bulk_insert

    bulk_insert(store, frame)


def make_store(n: int, folder: Path, *, upsert: bool) -> dict:
    """Synthesize ``n`` incidents into ``folder/scale-n.sqlite``; timings of each step."""
    from geo.storage.store import Store
    from geo.testing.synth import frame_incidents, synth_frame

    out: dict = {}
    start = time.perf_counter()
    frame = synth_frame(n, seed=1)
    out["synth_s"] = time.perf_counter() - start
    path = folder / f"scale-{n}.sqlite"
    for p in folder.glob(f"scale-{n}.sqlite*"):
        p.unlink()
    store = Store(f"sqlite:///{path}")
    store.migrate()
    start = time.perf_counter()
    bulk_import(store, frame)
    out["bulk_s"] = time.perf_counter() - start
    store.dispose()
    if upsert:
        other = Store(f"sqlite:///{folder / f'upsert-{n}.sqlite'}")
        for p in folder.glob(f"upsert-{n}.sqlite*"):
            p.unlink()
        other.migrate()
        start = time.perf_counter()
        other.upsert_many(frame_incidents(frame), user="bench")
        out["upsert_s"] = time.perf_counter() - start
        other.dispose()
    out["db"] = str(path)
    return out


# --- the app process ----------------------------------------------------------------------------


def child(args: argparse.Namespace) -> dict:
    """Runs in a new process on one core: the app's server-side work, measured."""
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass
    os.environ.update(
        GEO_DATABASE_URL=f"sqlite:///{args.db}", GEO_INCIDENTS_CSV=str(Path(args.db).with_suffix(".none.csv")),
        GEO_CACHE_DIR=args.cache, GEO_TODAY="2026-10-31",
    )  # fmt: skip
    out: dict = {}
    start, cpu = time.perf_counter(), time.process_time()
    import streamlit_folium  # noqa: F401
    from streamlit.testing.v1 import AppTest

    import ui.data  # (and with it folium, pandas, pyarrow)
    import ui.mapview  # noqa: F401

    out["import_s"] = time.perf_counter() - start
    out["import_cpu_s"] = time.process_time() - cpu

    def component_bytes(at) -> int:
        return max((e.proto.ByteSize() for e in at.get("component_instance")), default=0)

    def run(at) -> float:
        t = time.perf_counter()
        at.run()
        took = time.perf_counter() - t
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception[0].value}")
        return took

    start = time.perf_counter()
    components = _component_scan()
    out["component_scan_s"] = time.perf_counter() - start
    at = _app_test(AppTest, components)
    _watch_reads()
    cpu = _cpu_s()
    out["first_page_s"] = run(at)  # open store + snapshot (read, or built) + first page with the map
    out["first_page_cpu_s"] = _cpu_s() - cpu  # this process and the snapshot's reading child, if any
    out["first_bytes"] = component_bytes(at)
    if args.only_first:
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out

    warm = _app_test(AppTest, components)
    out["warm_page_s"] = run(warm)  # a new session: data cached in the process

    filter_s, filter_bytes, text_s = [], [], []
    for _ in range(args.repeat):
        for kind, key, action, value in FILTER_STEPS:
            widget = getattr(at, kind)(key=key)
            getattr(widget, action)(value)
            took = run(at)
            (text_s if key == "ia_q" and value else filter_s).append(took)
            filter_bytes.append(component_bytes(at))
    out["filter_s"] = filter_s
    out["text_s"] = text_s
    view_s, view_bytes, modes = [], [], []
    for label, (lat, lon), zoom in VIEWS:
        at.session_state["ia_map"] = _report(lat, lon, zoom)
        at.session_state["_ia_map_serial"] = at.session_state["_ia_loaded"].serial
        view_s.append(run(at))
        view_bytes.append(component_bytes(at))
        modes.append(f"{label}:{_mode(at)}")
    out["view_s"] = view_s
    out["bytes_max"] = max([out["first_bytes"], *filter_bytes, *view_bytes])
    out["modes"] = modes

    out.update(_exports(args))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the naive map's own
    out.update(_after_writes(at, run))
    if args.naive:
        out.update(_side_by_side(args))
    return out


def _component_scan():
    """Streamlit's scan of the installed packages for components, done before any page is timed.

    The server does it once when it starts (``Runtime.__init__``), before any browser
    connects; AppTest does it in the first run of each instance, which would add it
    (0.1-0.3 s) to the page figures. Its time is printed apart.
    """
    from streamlit.components.v2.component_manager import BidiComponentManager

    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def _app_test(app_test, components):
    at = app_test.from_file(str(ROOT / "app.py"), default_timeout=600)
    if hasattr(at, "_bidi_component_manager"):  # the scan done (an older Streamlit has none to do)
        at._bidi_component_manager = components
    return at


def _cpu_s() -> float:
    """CPU seconds of this process, and of its children up to the end of the snapshot's read (if any)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime + (_CHILDREN_AT_READ[-1] if _CHILDREN_AT_READ else _children_cpu_s())


def _children_cpu_s() -> float:
    """CPU seconds of this process's children: the finished ones and what running ones used so far."""
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done.ru_utime + done.ru_stime + _running_children_cpu_s()


_CHILDREN_AT_READ: list[float] = []


def _watch_reads() -> None:
    """Note the children's CPU when the snapshot's read returns.

    The reading child may go on after it (it reads the sources text after handing the
    rest over, at lower priority): what it does then is not the first page's work.
    """
    from geo.storage import columnar

    real = columnar.read_tables

    def read_tables(*args, **kwargs):
        result = real(*args, **kwargs)
        _CHILDREN_AT_READ.append(_children_cpu_s())
        return result

    columnar.read_tables = read_tables


def _running_children_cpu_s() -> float:
    """CPU seconds used so far by this process's running children (Linux /proc; 0 elsewhere)."""
    total = 0
    try:
        tasks = list(Path("/proc/self/task").iterdir())
    except OSError:
        return 0.0
    for task in tasks:
        try:
            pids = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def _after_writes(at, run) -> dict:
    """One incident edited, then 1,000 imported, in the running app: time to the next data set and page."""
    from geo.testing.synth import synth_incidents
    from ui.data import get_store, load_dataset

    store = get_store()
    dataset = load_dataset()
    target = dataset.frame["id"].iloc[len(dataset.frame) // 2]
    edited = store.get(target)
    edited = edited.with_changes(summary=edited.summary + " (edited)", killed=(edited.killed or 0) + 1)
    new = synth_incidents(1000, seed=2)  # the store holds seed 1's ids: these are all new
    writes = {
        "edit": lambda: store.update(edited, expected_version=store.get_version(target), user="bench"),
        "import_1000": lambda: store.upsert_many(new, user="bench"),
    }
    out = {}
    for name, write in writes.items():
        start = time.perf_counter()
        write()
        wrote = time.perf_counter() - start
        start = time.perf_counter()
        dataset = load_dataset()
        ready = time.perf_counter() - start
        if dataset.version != store.version():
            raise RuntimeError(f"after {name}: data set {dataset.version}, store {store.version()}")
        out[f"after_{name}"] = {"write_s": wrote, "dataset_s": ready, "page_s": run(at), "rows": len(dataset.frame)}
    out["peak_after_writes_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # two data sets alive
    return out


def _report(lat: float, lon: float, zoom: int, size=(1100, 560)) -> dict:
    """What streamlit-folium reports for a map of ``size`` pixels centred at (lat, lon)."""
    from geo.view.aggregate import TILE_PX, project, unproject

    scale = TILE_PX * 2.0**zoom
    x, y = project(lat, lon)
    (north, south), (west, east) = unproject(
        [float(x) - size[0] / 2 / scale, float(x) + size[0] / 2 / scale],
        [float(y) - size[1] / 2 / scale, float(y) + size[1] / 2 / scale],
    )
    return {
        "center": {"lat": lat, "lng": lon},
        "zoom": zoom,
        "bounds": {"_southWest": {"lat": float(south), "lng": float(west)},
                   "_northEast": {"lat": float(north), "lng": float(east)}},
        "last_object_clicked": None, "last_object_clicked_tooltip": None, "last_object_clicked_count": 0,
    }  # fmt: skip


def _mode(at) -> str:
    comps = at.get("component_instance")
    if not comps:
        return "?"
    group = json.loads(comps[0].proto.json_args).get("feature_group") or ""
    return "bins" if '"bins":' in group else "points"


def _exports(args) -> dict:
    """The dashboard's download files, as "Prepare the files" writes them (light rows + their sources from SQL)."""
    import tempfile

    import numpy as np

    from geo.view.filters import Filters
    from geo.storage.snapshot import load
    from ui import downloads
    from ui.data import build_dataset, filtered, get_store

    dataset = build_dataset(load(get_store(), args.cache))
    out = {"peak_page_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    drones = filtered(dataset, Filters(event_types=("drone",)))
    first_100k = dataset.frame.take(np.arange(min(EXPORT_ROWS, len(dataset.frame))))
    cases = {"export_filtered": drones, "export_100k": first_100k}
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        downloads.EXPORT_DIR = Path(tmp)  # not into the checkout's static/ folder
        for name, shown in cases.items():
            best, size = float("inf"), 0
            for attempt in range(2):
                files = downloads.downloads_for(dataset, Filters(text=f"{name}-{attempt}"))[:1]  # the GeoJSON
                start = time.perf_counter()
                downloads.prepare(dataset, shown, files)
                best = min(best, time.perf_counter() - start)
                size = files[0].path.stat().st_size
            out[name] = {"rows": len(shown), "s": best, "mb": size / 1e6}
    return out


def _side_by_side(args) -> dict:
    """Filter + map layer + what st_folium sends: ours against one folium Marker per incident."""
    from benchmarks.bench_map import component_payload, naive
    from geo.view.aggregate import region_for_view
    from geo.view.filters import Filters
    from geo.storage.snapshot import load
    from geo.storage.store import Store
    from geo.testing.synth import synth_frame
    from ui.assets import vendor_assets
    from ui.data import build_dataset, build_layer, positions
    from ui.maplayers import base_map, incident_group, legend_html

    store = Store(os.environ["GEO_DATABASE_URL"])
    dataset = build_dataset(load(store, args.cache))
    legend = legend_html(dataset.colours, dataset.actors, dataset.event_types)
    frame = synth_frame(len(dataset.frame), seed=1)  # the same incidents, with sources, for the naive map

    def ours() -> int:
        dataset._positions.clear()  # a filter not seen before
        pos = positions(dataset, Filters(attributions=("claimed", "blamed", "suspected", "unknown")))
        region = region_for_view((34.5, 41.5), 6)
        layer = build_layer(dataset, pos, region, key=region.key)
        fmap = base_map(vendor_assets(), legend=legend)
        return component_payload(fmap, incident_group(layer.data_js, count=layer.count, mode=layer.mode))

    ours()  # warm-up (imports, templates)
    result = {}
    for name, fn, reps in (("ours", ours, 5), ("naive", lambda: naive(frame), 1)):
        times, size = [], 0
        for _ in range(reps):
            start = time.perf_counter()
            size = fn()
            times.append(time.perf_counter() - start)
        result[f"map_{name}"] = {"s": statistics.median(times), "bytes": size}
    store.dispose()
    return result


def spawn(db: str, cache: str, *, repeat: int, naive: bool, only_first: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", "--db", db, "--cache", cache, "--repeat", str(repeat)]
    cmd += ["--naive"] * naive + ["--only-first"] * only_first
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"child failed:\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def _reused(n: int, folder: Path) -> dict | None:
    """The store an earlier ``--keep`` run left in ``folder``, or None."""
    path = folder / f"scale-{n}.sqlite"
    if not path.exists():
        return None
    print(f"reusing {path}")
    return {"db": str(path), "synth_s": float("nan"), "bulk_s": float("nan")}


def _cold_starts(n: int, made: dict, cache: Path, times: int, *, first: bool = False) -> None:
    """``times`` new app processes with the snapshot file present (``first``: removed before each one)."""
    if not first and not list(cache.glob("snapshots/*.arrow")):
        built = spawn(made["db"], str(cache), repeat=1, naive=False, only_first=True)
        print(f"{n:,}: snapshot built (first start {built['first_page_s']:.2f} s)")
    runs = []
    for _ in range(times):
        for p in cache.glob("snapshots/*") if first else ():
            p.unlink()
        runs.append(spawn(made["db"], str(cache), repeat=1, naive=False, only_first=True))
    kind = "first starts (snapshot built)" if first else "cold starts"
    print(f"\n{n:,} incidents, {times} {kind} (load average {os.getloadavg()[0]:.1f} at the end)")
    print("  page s (cpu) | imports s (cpu) | component scan s | process s (interpreter start to exit)")
    for r in runs:
        print(f"  {r['first_page_s']:.2f} ({r['first_page_cpu_s']:.2f}) | {r['import_s']:.2f} ({r['import_cpu_s']:.2f})"
              f" | {r['component_scan_s']:.2f} | {r['process_s']:.2f}")  # fmt: skip
    for key, label in (("first_page_s", "page"), ("first_page_cpu_s", "page CPU"), ("import_s", "imports"),
                       ("process_s", "process")):  # fmt: skip
        values = [r[key] for r in runs]
        print(f"  {label}: median {statistics.median(values):.2f} s, worst {max(values):.2f} s")


# --- report --------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1, help="passes over the filter changes")
    parser.add_argument("--keep", metavar="DIR", help="keep the stores and snapshots in DIR (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="use a store already in --keep DIR, if there")
    parser.add_argument("--cold-only", type=int, metavar="N", help="time only N cold starts per size")
    parser.add_argument("--first-only", type=int, metavar="N", help="time only N first starts per size")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only-first", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({platform.processor() or 'cpu'}),"
          f" Python {platform.python_version()}; app processes pinned to one core")  # fmt: skip
    print("reproduce: python benchmarks/bench_scale.py --sizes " + " ".join(map(str, args.sizes)))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir="/tmp") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            made = _reused(n, folder) if args.reuse else None
            made = made or make_store(n, folder, upsert=n <= UPSERT_MAX)
            cache = folder / f"cache-{n}"
            if args.cold_only or args.first_only:
                _cold_starts(n, made, cache, args.cold_only or args.first_only, first=not args.cold_only)
                continue
            for p in cache.glob("snapshots/*"):
                p.unlink()
            first = spawn(made["db"], str(cache), repeat=args.repeat, naive=False, only_first=True)
            cold = spawn(made["db"], str(cache), repeat=args.repeat, naive=n == 10_000, only_first=False)
            rows.append((n, made, first, cold))
            _print_size(n, made, first, cold)
    if rows:
        _print_table(rows)
    return 0


def _print_size(n, made, first, cold) -> None:
    print(f"\n{n:,} incidents")
    print(f"  import: synth {made['synth_s']:.1f} s, bulk {made['bulk_s']:.1f} s"
          + (f", upsert_many {made['upsert_s']:.1f} s" if "upsert_s" in made else ""))  # fmt: skip
    print(f"  first start (snapshot built): {first['first_page_s']:.2f} s ({first['first_page_cpu_s']:.2f} s CPU,"
          f" reading child included), peak {first['peak_mb']:,.0f} MB")  # fmt: skip
    print(f"  cold start: page {cold['first_page_s']:.2f} s (+ imports {cold['import_s']:.2f} s, Streamlit's"
          f" component scan {cold['component_scan_s']:.2f} s); warm (new session) {cold['warm_page_s']:.2f} s")  # fmt: skip
    f, t, v = cold["filter_s"], cold["text_s"], cold["view_s"]
    print(f"  filter change: median {_ms(statistics.median(f))} ms, worst {_ms(max(f))} ms over {len(f)};"
          f" text search {', '.join(_ms(x) for x in t)} ms")  # fmt: skip
    print(f"  map moves: {', '.join(f'{m} {_ms(s)} ms' for m, s in zip(cold['modes'], v))}")
    print(f"  map bytes (worst): {cold['bytes_max']:,}")
    for key in ("export_filtered", "export_100k"):
        e = cold[key]
        print(f"  {key}: {e['rows']:,} rows in {e['s']:.2f} s ({e['mb']:.1f} MB)")
    if "map_ours" in cold:
        o, nv = cold["map_ours"], cold["map_naive"]
        print(f"  map only, side by side: ours {_ms(o['s'])} ms / {o['bytes']:,} B; one Marker per incident"
              f" {_ms(nv['s'])} ms / {nv['bytes']:,} B -> {nv['s'] / o['s']:.0f}x faster,"
              f" {nv['bytes'] / o['bytes']:.0f}x fewer bytes")  # fmt: skip
    for key, label in (("after_edit", "one incident edited"), ("after_import_1000", "1,000 incidents imported")):
        a = cold[key]
        print(f"  {label}: write {_ms(a['write_s'])} ms, next data set {_ms(a['dataset_s'])} ms,"
              f" page with it {_ms(a['page_s'])} ms")  # fmt: skip
    print(f"  peak memory (app process): {cold['peak_mb']:,.0f} MB"
          f" ({cold['peak_after_writes_mb']:,.0f} MB after the writes)", flush=True)  # fmt: skip


def _print_table(rows) -> None:
    head = ("incidents", "import s", "first start s", "cold start s", "warm s", "filter p50 ms", "filter max ms",
            "text ms", "move max ms", "map bytes", "export 100k s", "export filt. s", "edit -> data ms",
            "import 1k -> data ms", "peak MB")  # fmt: skip
    print("\n| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for n, made, first, cold in rows:
        cells = [
            f"{n:,}",
            f"{made['bulk_s']:.1f}" + (f" (upsert {made['upsert_s']:.1f})" if "upsert_s" in made else ""),
            f"{first['first_page_s']:.2f}",
            f"{cold['first_page_s']:.2f}",
            f"{cold['warm_page_s']:.2f}",
            _ms(statistics.median(cold["filter_s"])),
            _ms(max(cold["filter_s"])),
            "/".join(_ms(x) for x in cold["text_s"]),
            _ms(max(cold["view_s"])),
            f"{cold['bytes_max']:,}",
            f"{cold['export_100k']['s']:.2f}",
            f"{cold['export_filtered']['s']:.2f} ({cold['export_filtered']['rows']:,})",
            _ms(cold["after_edit"]["dataset_s"]),
            _ms(cold["after_import_1000"]["dataset_s"]),
            f"{max(first['peak_mb'], cold['peak_mb']):,.0f}",
        ]
        print("| " + " | ".join(cells) + " |")
    for n, _, _, cold in rows:
        if "map_ours" in cold:
            o, nv = cold["map_ours"], cold["map_naive"]
            print(f"\nAt {n:,}: map (filter + layer + st_folium payload) ours {_ms(o['s'])} ms vs one folium Marker"
                  f" per incident {_ms(nv['s'])} ms: {nv['s'] / o['s']:.0f}x faster;"
                  f" {o['bytes']:,} vs {nv['bytes']:,} bytes")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
