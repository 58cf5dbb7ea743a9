"""Peak memory for refused input: does bad input cost memory in proportion to its badness?

Each case runs in a fresh Python process (so peaks do not mix) and prints the
process's peak resident memory (``VmHWM``), the part of it reached by the
imports alone (the interpreter and libraries: ~50 MB for the library, ~200 MB
with Streamlit and pandas for the page), what the case added on top ("case",
and that as a multiple of the input size) and, with ``--tracemalloc``, the peak
of Python allocations, and the wall and CPU seconds (CPU is the steadier figure on a
busy machine). Targets (issue 12): under ~10x the input size and under 500 MB for any
refused input; the 4 MB junk CSV refused within 2 s.

    python benchmarks/bench_bad_input.py [--root PATH]   # --root: another checkout, for a before/after

Cases:
  junk-4mb-cli      a 4 MB CSV of 2 M one-cell junk rows, through read_any (python -m geo import)
  junk-4mb-page     the same bytes through the Import page's parse_upload
  csv-70mb-cli      a 70 MB CSV (over the 50 MB CSV limit), through read_any
  zip-bomb-restore  a ~1.5 MB backup zip whose incidents member is one 1.5 GiB line, restored
  acled-5071        the real global ACLED file (5,071 rows; 1 truncated), read with skip-invalid
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = b"id,date,lat,lon,country,event_type\n"
ACLED = HERE.parent.parent / "shared" / "realdata" / "acled_global_2020-04-27_2020-05-09_RPanlilio.csv"

CASES = {
    "junk-4mb-cli": """
from geo.formats.importers import read_any
BASE = rss()
try:
    read_any(PATH)
    said = "accepted"
except GeoError as exc:
    said = f"refused: {getattr(exc, 'total', len(getattr(exc, 'problems', ())))} problem(s)"
""",
    "junk-4mb-page": """
from ui.importing import parse_upload
BASE = rss()
parsed = parse_upload("junk.csv", open(PATH, "rb").read())
said = f"refused: {len(parsed.problems) + getattr(parsed, 'more', 0)} problem(s), {len(parsed.problems)} kept"
""",
    "csv-70mb-cli": """
from geo.formats.importers import read_any
BASE = rss()
try:
    read_any(PATH)
    said = "accepted"
except GeoError as exc:
    said = "refused: " + str(exc)[:90]
""",
    "zip-bomb-restore": """
from geo.storage.backup import restore
from geo.storage.store import Store
BASE = rss()
store = Store("sqlite:///" + PATH + ".sqlite")
try:
    restore(store, PATH)
    said = "accepted"
except GeoError as exc:
    said = "refused: " + str(exc)[-90:]
""",
    "acled-5071": """
from geo.formats.importers import read_any_partial
BASE = rss()
converted, _text, _fmt = read_any_partial(PATH)
said = f"{len(converted.incidents)} valid, {len(converted.rejected_rows)} refused"
""",
}

RUNNER = """
import sys, time, tracemalloc
sys.path.insert(0, ROOT)
from geo.errors import GeoError
PATH = sys.argv[1]


def rss():
    # VmHWM, the peak of this process's own memory (ru_maxrss may include the parent it was forked from).
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) // 1024


if TRACE:
    tracemalloc.start()
started, cpu = time.perf_counter(), time.process_time()
{body}
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
print(said)
traced = tracemalloc.get_traced_memory()[1] // 2**20 if TRACE else "-"
print(traced, rss(), BASE, f"{{seconds:.2f}}", f"{{cpu:.2f}}")
"""


def make_inputs(folder: Path) -> dict[str, Path]:
    junk = folder / "junk.csv"
    junk.write_bytes(HEADER + b"x\n" * (2 * 1024 * 1024 - len(HEADER) // 2))
    big = folder / "big.csv"
    row = b"inc-1,2022-01-05,33.7856,42.4411,IQ,rocket\n"
    with big.open("wb") as fh:
        fh.write(HEADER)
        for _ in range(70 * 1024 * 1024 // len(row)):
            fh.write(row)
    return {
        "junk-4mb-cli": junk,
        "junk-4mb-page": junk,
        "csv-70mb-cli": big,
        "zip-bomb-restore": make_zip_bomb(folder / "bomb.zip"),
        "acled-5071": ACLED,
    }


def make_zip_bomb(path: Path, size: int = 1536 * 1024 * 1024) -> Path:
    """A backup-shaped zip whose incidents member is one ``size``-byte line (streamed, ~1.5 MB)."""
    sys.path.insert(0, str(HERE.parent))
    from geo.storage.backup import FORMAT, FORMAT_VERSION, MANIFEST_NAME
    from geo.storage.store import metadata

    tables = [{"name": t.name, "member": f"tables/{t.name}.jsonl", "columns": [c.name for c in t.columns],
               "rows": 0, "sha256": hashlib.sha256().hexdigest()} for t in metadata.sorted_tables]  # fmt: skip
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": "x",
                "created_at": "2024-01-01T00:00:00+00:00", "tables": tables}  # fmt: skip
    chunk = b"a" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(MANIFEST_NAME, json.dumps(manifest))
        for entry in tables:
            with zf.open(entry["member"], "w", force_zip64=True) as out:
                if entry["name"] == "incidents":
                    for _ in range(size // len(chunk)):
                        out.write(chunk)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(HERE.parent), help="checkout whose geo/ to measure")
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also the peak of Python allocations (slows the cases ~10x)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        print(
            f"{'case':<18} {'input':>10} {'RSS peak':>9} {'imports':>8} {'case':>7} {'x input':>8}"
            f" {'py peak':>8} {'seconds':>8} {'CPU s':>6}  result"
        )
        for name in args.cases:
            path = inputs[name]
            script = f"ROOT = {args.root!r}\nTRACE = {args.tracemalloc}\n" + RUNNER.format(body=CASES[name])
            env = {**os.environ, "GEO_DATABASE_URL": f"sqlite:///{tmp}/store.sqlite"}
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env)
            if out.returncode:
                print(f"{name:<18} failed after {time.perf_counter() - started:.1f} s: {out.stderr.strip()[-300:]}")
                continue
            said, numbers = out.stdout.strip().splitlines()[-2:]
            py_mb, rss_mb, base_mb, seconds, cpu = numbers.split()
            size = path.stat().st_size / 2**20
            case_mb = int(rss_mb) - int(base_mb)  # what the case added to the process after its imports
            print(
                f"{name:<18} {size:>8.1f}MB {rss_mb:>7}MB {base_mb:>6}MB {case_mb:>5}MB {case_mb / size:>7.1f}x"
                f" {py_mb:>6}MB {seconds:>8} {cpu:>6}  {said}"
            )


if __name__ == "__main__":
    main()
