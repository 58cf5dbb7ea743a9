"""First map and filter change as a browser sees them: this app beside two minimal peers.

Usage: python3 benchmarks/bench_browser.py [--sizes 10000 100000 1000000] [--repeat 3]

For each size, one synthetic data set (:func:`geo.testing.synth.synth_frame`) is loaded into
a SQLite store for the app (the bulk path of ``bench_scale.py``) and written as
Parquet for the peers:

* ``atlas``  this app (``app.py``);
* ``folium`` ``benchmarks/peers/folium_fastcluster.py``: a folium map with every
  incident in a ``FastMarkerCluster``, through ``st_folium``;
* ``pydeck`` ``benchmarks/peers/pydeck_page.py``: a ``ScatterplotLayer`` in
  ``st.pydeck_chart`` (deck.gl ships in Streamlit's bundle; no base map offline).

Each server is started, warmed by one page load (data loaded, caches filled), then
headless Chromium opens the page ``--repeat`` times in a fresh context:

* **first map**: from navigation until the map layer has settled: markers, clusters
  or bins in Leaflet's marker pane with no change for 300 ms (pydeck: the script run
  has finished and deck.gl's canvas is in the page, as the layer is drawn on the GPU
  without DOM changes);
* **script runs**: how many script runs the first load caused (counted 1 s after the
  map settled; streamlit-folium's first report of the map's view used to add one). A
  first load now counts 3: the page, then one second later the timeline's (a fragment
  run that ends at once to ask for it, and the page run that draws it);
* **filter change**: from the click on an "Event type" option until the layer has
  settled again (pydeck: until the server's "script finished" message arrived).

For the app the first map is split into where the time goes: the page's own
scripts (navigation to DOMContentLoaded), the websocket's first script run on the
server (``new_session`` to ``script_finished``, read off Streamlit's protobuf
messages through the DevTools protocol), the map component (its document to the
Leaflet map existing), Leaflet drawing the layer, and the timeline's chart.

Timings of a shared 2-core machine are noisy: compare the columns of one run.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.testing.devserver import serve_app  # noqa: E402

PEERS = ROOT / "benchmarks" / "peers"
SETTLE_MS = 300
TIMEOUT_S = 300  # a page whose map has not settled by then is reported as "timeout"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

# Runs in every frame (the page and the map's iframe): first-seen times of the things
# that mark progress, and the last time the map layer changed, in epoch milliseconds.
MARKS_JS = """
(() => {
  const marks = {start: Date.now()}, state = {last: 0, n: 0};
  window.__bench = {marks, state};
  const mark = (k) => { if (!(k in marks)) { marks[k] = Date.now(); } };
  document.addEventListener("click", () => { state.click = Date.now(); }, true);
  document.addEventListener("DOMContentLoaded", () => mark("dom"));
  setInterval(() => {
    if (window.map) { mark("leaflet"); }
    const pane = document.querySelector(".leaflet-marker-pane");
    if (pane) {
      // The text length too: a filter change can keep the number of bins and the first and last
      // ones' markup, and change only the counts written on them (it then never "settled").
      const n = pane.childElementCount, sig = n + ":" + (pane.lastElementChild ? pane.lastElementChild.outerHTML.length : 0)
        + ":" + (pane.firstElementChild ? pane.firstElementChild.style.transform : "") + ":" + pane.textContent.length;
      if (n) { mark("layer"); }
      state.n = n;
      if (sig !== state.sig) { state.sig = sig; state.last = Date.now(); }
    }
    if (document.querySelector('[data-testid="stDeckGlJsonChart"] canvas')) { mark("deck"); }
    if (document.querySelector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')) {
      mark("timeline");
    }
    if (document.querySelector('iframe[title="streamlit_folium.st_folium"]')) { mark("iframe"); }
  }, 10);
})();
"""


class Probe:
    """One browser context on one page, with the DevTools protocol recording Streamlit's messages."""

    def __init__(self, browser, url: str):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._forward = ForwardMsg
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.context.add_init_script(MARKS_JS)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.messages: list[tuple[float, str]] = []  # (epoch ms, ForwardMsg type)
        self._clock: tuple[float, float] | None = None  # (monotonic s, epoch s) of the document request
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.url = url

    def _request(self, e) -> None:
        if self._clock is None and e.get("type") == "Document":
            self._clock = (e["timestamp"], e["wallTime"])

    def _frame(self, e) -> None:
        r = e["response"]
        if r.get("opcode") != 2 or self._clock is None:
            return
        msg = self._forward()
        try:
            msg.ParseFromString(base64.b64decode(r["payloadData"]))
        except Exception:  # noqa: BLE001 - not a ForwardMsg: ignore
            return
        epoch_ms = (self._clock[1] + e["timestamp"] - self._clock[0]) * 1000
        self.messages.append((epoch_ms, msg.WhichOneof("type") or ""))

    def frames_eval(self, js: str) -> list:
        out = []
        for frame in self.page.frames:
            try:
                out.append(frame.evaluate(js))
            except Exception:  # noqa: BLE001 - a frame navigating away
                continue
        return out

    def wait_settled(self, since: float, *, deck: bool, timeout: float = TIMEOUT_S) -> float:
        """Epoch ms at which the map layer last changed after ``since`` (and then held still)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
            now = self.page.evaluate("Date.now()")
            idle = self.page.evaluate("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
            if deck:
                marks = self.page.evaluate("() => window.__bench.marks")
                done = [t for t, kind in self.messages if kind == "script_finished" and t >= since]
                if idle and "deck" in marks and done:
                    return max(marks["deck"], done[0])
                continue
            states = [s for s in self.frames_eval("() => window.__bench && window.__bench.state") if s]
            last = max((s["last"] for s in states if s.get("n")), default=0)
            if idle and last >= since and now - last >= SETTLE_MS:
                return last
        raise TimeoutError("the map never settled")

    def first_map(self, *, deck: bool) -> dict:
        self.page.goto(self.url)
        start = self._clock[1] * 1000
        end = self.wait_settled(start, deck=deck)
        out = {"first_map": (end - start) / 1000}
        main = self.page.evaluate("() => window.__bench.marks")
        finished = [t for t, kind in self.messages if kind == "script_finished"]
        began = [t for t, kind in self.messages if kind == "new_session"]
        out["scripts"] = (main.get("dom", start) - start) / 1000
        if began and finished:
            out["server_run"] = (finished[0] - began[0]) / 1000
            out["to_session"] = (began[0] - main.get("dom", start)) / 1000
        if not deck:
            maps = [m for m in self.frames_eval("() => window.__bench && window.__bench.marks") if m and "leaflet" in m]
            if maps:
                m = maps[0]
                out["component"] = (m["leaflet"] - main.get("iframe", m["start"])) / 1000
                out["layer"] = (m.get("layer", m["leaflet"]) - m["leaflet"]) / 1000
                out["iframe_at"] = (main.get("iframe", start) - start) / 1000
        if "timeline" in main:
            out["timeline_at"] = (main["timeline"] - start) / 1000
        self.page.wait_for_timeout(1000)  # a rerun the map's first report asks for would have finished by now
        out["runs"] = sum(kind == "script_finished" for _, kind in self.messages)
        return out

    def filter_change(self, option: str, *, deck: bool) -> float:
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Event type")
        box.click()
        self.page.get_by_role("option", name=option, exact=True).click()
        clicked = self.page.evaluate("() => window.__bench.state.click")
        self.page.keyboard.press("Escape")
        end = self.wait_settled(clicked, deck=deck)
        return (end - clicked) / 1000

    def close(self) -> None:
        self.context.close()


def make_data(n: int, folder: Path) -> tuple[Path, Path]:
    """(SQLite store, Parquet of lat/lon/event_type) holding ``n`` synthetic incidents."""
    from benchmarks.bench_scale import bulk_import
    from geo.storage.store import Store
    from geo.testing.synth import synth_frame

    frame = synth_frame(n, seed=1)
    db = folder / f"atlas-{n}.sqlite"
    store = Store(f"sqlite:///{db}")
    store.migrate()
    bulk_import(store, frame)
    store.dispose()
    parquet = folder / f"peer-{n}.parquet"
    frame[["lat", "lon", "event_type"]].astype({"event_type": str}).to_parquet(parquet)
    return db, parquet


def _peer(folder: Path, name: str) -> Path:
    """A copy of a peer script beside a link to the app's ``static/`` (Streamlit serves the
    ``static`` folder next to the script it runs, and the peer uses the local Leaflet)."""
    from ui.assets import ensure_vendor_assets

    ensure_vendor_assets()
    home = folder / "peers"
    home.mkdir(exist_ok=True)
    if not (home / "static").exists():
        (home / "static").symlink_to(ROOT / "static", target_is_directory=True)
    target = home / name
    shutil.copyfile(PEERS / name, target)
    return target


def run_size(browser, n: int, folder: Path, repeat: int, apps: list[str]) -> dict[str, dict]:
    db, parquet = make_data(n, folder)
    env = {
        "GEO_DATABASE_URL": f"sqlite:///{db}", "GEO_CACHE_DIR": str(folder / f"cache-{n}"), "GEO_TILES": "off",
        "GEO_TODAY": "2026-10-31", "ATLAS_PEER_DATA": str(parquet), "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    scripts = {"atlas": None, "folium": _peer(folder, "folium_fastcluster.py"), "pydeck": _peer(folder, "pydeck_page.py")}
    options = {"atlas": "Drone / UAV", "folium": "drone", "pydeck": "drone"}
    results = {}
    for app in apps:
        deck = app == "pydeck"
        with ExitStack() as stack:
            url = stack.enter_context(serve_app(env, folder / f"{app}-{n}.log", timeout=600, script=scripts[app]))
            runs = []
            try:
                warm = Probe(browser, url)
                warm.first_map(deck=deck)
                warm.close()
                for _ in range(repeat):
                    probe = Probe(browser, url)
                    try:
                        row = probe.first_map(deck=deck)
                        row["filter"] = probe.filter_change(options[app], deck=deck)
                        runs.append(row)
                    finally:
                        probe.close()
            except TimeoutError:  # reported as such; the other apps and sizes still run
                runs = [{"first_map": float("inf"), "filter": float("inf")}]
        results[app] = {k: statistics.median(r[k] for r in runs if k in r) for k in runs[0]}
        print(f"  {n:>9,} {app:7} " + " ".join(f"{k}={v:.2f}" for k, v in results[app].items()), flush=True)
    return results


def _s(seconds: float) -> str:
    return "timeout" if seconds == float("inf") else f"{seconds:.2f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="page loads per app and size (median reported)")
    parser.add_argument("--apps", nargs="+", default=["atlas", "folium", "pydeck"])
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    table = {}
    with tempfile.TemporaryDirectory(prefix="atlas-browser-bench-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n in args.sizes:
            table[n] = run_size(browser, n, Path(tmp), args.repeat, args.apps)
        browser.close()
    print("\nmedian seconds; first map = navigation until the map layer settled")
    print(f"{'incidents':>10} " + " ".join(f"{a + ' first map':>18} {a + ' filter':>15}" for a in args.apps))
    for n, row in table.items():
        cells = " ".join(f"{_s(row[a]['first_map']):>18} {_s(row[a]['filter']):>15}" for a in args.apps)
        print(f"{n:>10,} {cells}")
    if "atlas" in args.apps:
        print("\nwhere the app's first map goes (median s, from navigation):")
        print(f"{'incidents':>10} {'page scripts':>12} {'to session':>10} {'server run':>10} "
              f"{'iframe at':>9} {'component':>9} {'layer':>6} {'timeline at':>11} {'script runs':>11}")  # fmt: skip
        for n, row in table.items():
            r = row["atlas"]
            print(f"{n:>10,} {r.get('scripts', 0):>12.2f} {r.get('to_session', 0):>10.2f} {r.get('server_run', 0):>10.2f} "
                  f"{r.get('iframe_at', 0):>9.2f} {r.get('component', 0):>9.2f} {r.get('layer', 0):>6.2f} "
                  f"{r.get('timeline_at', 0):>11.2f} {r.get('runs', 0):>11.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
