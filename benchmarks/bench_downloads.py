"""Benchmark: several viewers downloading at once, and what it costs the server's memory.

    python benchmarks/bench_downloads.py --db /tmp/scale-1000000.sqlite [--viewers 5] [--code DIR]
                                         [--query "from=2020-01-01&to=2020-03-31"]

Starts the app (``streamlit run app.py`` from ``--code``, default this checkout;
loopback only) on a SQLite store, then drives ``--viewers`` headless Chromium
pages (Debian's /usr/bin/chromium through Playwright) while sampling the
server's resident memory (``/proc/PID/status``) every 50 ms:

1. *normal*: every viewer opens the whole store (``/``), then ``--query``; the
   highest server RSS seen is the normal peak;
2. *downloads*: every viewer asks for the GeoJSON and the CSV of ``--query`` at
   the same moment (this code: "Prepare the files" then the two links; a
   checkout whose page has ``st.download_button`` "GeoJSON"/"CSV": those
   buttons), and each file is checked (GeoJSON parsed, CSV rows counted);
   meanwhile one more viewer opens a map of ``--probe`` and its time to ready is
   printed (the files' writing must not hold other viewers' maps back).

Prints the incidents in the view, the time until every viewer had both files,
the normal peak, the peak during the downloads and the difference; and what
the page offers for the whole store (more than ``ui.downloads.MAX_ROWS``: the
command line). Every wait is bounded.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.testing.devserver import start_app, stop_app  # after the path above

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 600_000


class RssSampler(threading.Thread):
    """The highest VmRSS of a process since the last :meth:`mark`, sampled every 50 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def rss(self) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def mark(self) -> int:
        peak, self.peak = self.peak, self.rss()
        return peak

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, self.rss())


SETTLED = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar || document.querySelector('[data-testid="stStatusWidget"]')) return false;
    const text = bar.innerText;
    return text.includes('Prepare the files') || text.includes('python -m geo export')
        || !!bar.querySelector('[data-testid^="ia-download-"]') || !!bar.querySelector('[data-testid="stDownloadButton"]');
}"""


URL_LOG = """(() => {
    window.__iaUrls = [[0, location.search]];
    for (const name of ['pushState', 'replaceState']) {
        const original = history[name].bind(history);
        history[name] = (state, title, url) => {
            window.__iaUrls.push([Math.round(performance.now() / 100) / 10, String(url)]);
            return original(state, title, url);
        };
    }
})()"""


def settle(page) -> None:
    """Until the page's script run is over and the sidebar offers the downloads (in any form)."""
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)


def check(path: Path, name: str) -> int:
    """Incidents in a downloaded file (it must parse)."""
    text = path.read_text(encoding="utf-8")
    if name.endswith(".geojson"):
        return len(json.loads(text)["features"])
    return sum(1 for _ in csv.DictReader(io.StringIO(text, newline="")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite store file (e.g. made by bench_scale.py --keep)")
    parser.add_argument("--viewers", type=int, default=5)
    parser.add_argument("--query", default="from=2020-01-01&to=2020-03-31", help="the downloaded view's URL query")
    parser.add_argument("--code", default=str(ROOT), help="checkout whose app runs")
    parser.add_argument("--timeout", type=int, default=TIMEOUT_MS // 1000, help="seconds to wait for the links")
    parser.add_argument("--log", help="keep the server's log in this file")
    parser.add_argument("--probe", default="from=2021-01-01&to=2021-01-31",
                        help="a view another viewer opens while the files are written (timed); empty: none")  # fmt: skip
    parser.add_argument("--cache", help="GEO_CACHE_DIR (default: next to --db), so the snapshot is reused")
    args = parser.parse_args(argv)
    code = Path(args.code).resolve()
    db = Path(args.db).resolve()
    env = {
        "GEO_DATABASE_URL": f"sqlite:///{db}", "GEO_INCIDENTS_CSV": str(db.with_suffix(".none.csv")),
        "GEO_CACHE_DIR": args.cache or str(db.parent / f"cache-{db.stem}"), "GEO_TILES": "off",
        "GEO_TODAY": "2026-10-31",
    }  # fmt: skip
    from playwright.sync_api import sync_playwright

    print(f"code: {code}; store: {db}; {args.viewers} viewers; load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="bench-dl-") as tmp:
        proc, url = start_app(env, Path(args.log or Path(tmp) / "streamlit.log"), root=code, timeout=120)
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                contexts = [browser.new_context(accept_downloads=True) for _ in range(args.viewers)]
                for c in contexts:  # every address the page takes, to explain a view that changed
                    c.add_init_script(URL_LOG)
                pages = [c.new_page() for c in contexts]
                start = time.perf_counter()
                for page in pages:  # the whole store first: what does the page offer?
                    page.goto(url + "/", timeout=TIMEOUT_MS)
                for page in pages:
                    settle(page)
                sidebar = pages[0].locator('[data-testid="stSidebar"]').inner_text()
                offer = "the command line" if "python -m geo export" in sidebar else "a download"
                for page in pages:
                    page.goto(f"{url}/?{args.query}", timeout=TIMEOUT_MS)
                for page in pages:
                    settle(page)
                print(f"pages ready in {time.perf_counter() - start:.1f} s; for the whole store the page offers {offer}")
                normal = sampler.mark()

                start = time.perf_counter()
                new_ui = pages[0].get_by_role("button", name="Prepare the files").count() > 0 or (
                    pages[0].get_by_test_id("ia-download-geojson").count() > 0
                )
                if new_ui:
                    for page in pages:
                        button = page.get_by_role("button", name="Prepare the files")
                        if button.count():
                            button.click()
                    if args.probe:  # another viewer opens a map while the files are being written
                        probe = browser.new_context().new_page()
                        opened = time.perf_counter()
                        probe.goto(f"{url}/?{args.probe}", timeout=TIMEOUT_MS)
                        settle(probe)
                        print(f"a map opened by another viewer ({args.probe}) {opened - start:.1f} s after the clicks "
                              f"was ready in {time.perf_counter() - opened:.1f} s")  # fmt: skip
                    for i, page in enumerate(pages):
                        try:
                            page.get_by_test_id("ia-download-csv").wait_for(timeout=args.timeout * 1000)
                        except Exception:  # say what the page shows instead, then give up
                            bar = page.locator('[data-testid="stSidebar"]').inner_text()[-400:]
                            print(f"viewer {i + 1}: no links after {args.timeout} s; its sidebar ends: {bar!r}")
                            print(f"its addresses (s since load, URL): {page.evaluate('window.__iaUrls')}")
                            raise
                    print(f"links on every page in {time.perf_counter() - start:.1f} s")
                    targets = [[p.get_by_test_id("ia-download-geojson"), p.get_by_test_id("ia-download-csv")]
                               for p in pages]  # fmt: skip
                else:
                    targets = [[p.get_by_role("button", name="GeoJSON"), p.get_by_role("button", name="CSV")]
                               for p in pages]  # fmt: skip
                delivered: list = []
                for page in pages:
                    page.on("download", lambda d: delivered.append(d))
                for pair in targets:
                    for target in pair:
                        target.click()
                deadline = time.monotonic() + TIMEOUT_MS / 1000
                while len(delivered) < 2 * len(pages) and time.monotonic() < deadline:
                    pages[0].wait_for_timeout(250)
                counts = [(d.suggested_filename, check(Path(d.path()), d.suggested_filename)) for d in delivered]
                elapsed = time.perf_counter() - start
                during = sampler.mark()
                browser.close()
        finally:
            sampler.stop.set()
            stop_app(proc, 20)
    names = sorted({name for name, _ in counts})
    sizes = sorted({n for _, n in counts})
    print(f"view: {args.query} -> files {', '.join(names)}; incidents per file {sizes}")
    from urllib.parse import parse_qs

    from geo.view.viewstate import parse_params
    from ui.downloads import file_name

    asked = parse_params(parse_qs(args.query))[0].filters
    wanted = {file_name(asked, fmt) for fmt in ("geojson", "csv")}
    right = [name for name, _ in counts if name in wanted]  # a viewer whose view changed gets other files
    print(f"delivered {len(counts)} of {2 * args.viewers} files in {elapsed:.1f} s, {len(right)} of them of the asked view")
    print(f"server RSS: normal peak {normal / 1e6:,.0f} MB; during the downloads {during / 1e6:,.0f} MB;"
          f" difference {(during - normal) / 1e6:+,.0f} MB")  # fmt: skip
    return 0 if len(right) == 2 * args.viewers else 1


if __name__ == "__main__":
    raise SystemExit(main())
