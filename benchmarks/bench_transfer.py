"""How many bytes the map page costs a browser, straight from Streamlit and behind nginx with gzip.

Usage: python3 benchmarks/bench_transfer.py [--nginx /usr/sbin/nginx]

Starts the app on the bundled data (a temporary SQLite store, no tiles), and a
loopback nginx built from the documented production config
(``docs/deploy/nginx.conf``, minus TLS: the bytes are the same but for the
handshake) once with gzip and once with ``gzip off``. Headless Chromium opens
the map page through each and waits until the map has drawn its markers and
the page settled; the Chrome DevTools protocol then gives the bytes on the
wire: HTTP responses (``encodedDataLength``: headers plus the body as sent)
and websocket frames (Streamlit's messages, which nginx passes through
unchanged; DevTools reports their payload, so websocket compression, were it
switched on in Streamlit, would not show here).

Needs nginx (``apt-get install nginx-light``) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import base64
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.testing.devserver import free_port, serve_app  # noqa: E402

CONFIG = ROOT / "docs" / "deploy" / "nginx.conf"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def loopback_config(app_port: int, port: int, prefix: Path, *, gzip: bool) -> str:
    """The documented config on plain HTTP at 127.0.0.1:``port``, run from ``prefix``."""
    text = CONFIG.read_text(encoding="utf-8")
    # Drop the port-80 redirect server and every TLS line; listen on loopback instead.
    text = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", text, count=1, flags=re.S)
    text = re.sub(r"^\s*(listen \[::\].*|http2 .*|ssl_.*)\n", "", text, flags=re.M)
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    text = text.replace("127.0.0.1:8501", f"127.0.0.1:{app_port}")
    if not gzip:
        text = text.replace("gzip on;", "gzip off;")
    temp = "".join(f"{name}_temp_path {prefix / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"daemon off;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}{text}\n}}\n"
    )


def measure(browser, url: str) -> dict[str, int]:
    """Bytes and requests to open ``url`` until the map's markers are drawn and the page is idle."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    totals = {"http": 0, "requests": 0, "ws": 0}

    def finished(e):
        totals["http"] += int(e.get("encodedDataLength", 0))
        totals["requests"] += 1

    def frame(e):
        r = e["response"]
        data = r.get("payloadData", "")
        totals["ws"] += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketFrameSent", frame)
    page.goto(url)
    page.wait_for_selector(MAP_IFRAME, timeout=120_000)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        frames = [f for f in page.frames if "streamlit_folium" in f.url]
        if frames and frames[0].evaluate("() => document.querySelectorAll('.leaflet-marker-pane > *').length > 0"):
            break
        page.wait_for_timeout(200)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(2000)  # late requests (fonts, the timeline's renderer)
    context.close()
    return totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nginx", default="/usr/sbin/nginx")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="atlas-transfer-") as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        env = {"GEO_DATABASE_URL": f"sqlite:///{tmp / 'incidents.sqlite'}", "GEO_CACHE_DIR": str(tmp / "c"),
               "GEO_TILES": "off"}  # fmt: skip
        with serve_app(env, tmp / "streamlit.log") as app_url:
            app_port = int(app_url.rsplit(":", 1)[1])
            measure(browser, app_url)  # warm: the data set is loaded, caches filled
            rows.append(("streamlit directly", measure(browser, app_url)))
            for gzip in (False, True):
                prefix = tmp / f"nginx-{int(gzip)}"
                prefix.mkdir()
                port = free_port()
                conf = prefix / "nginx.conf"
                conf.write_text(loopback_config(app_port, port, prefix, gzip=gzip))
                proc = subprocess.Popen([args.nginx, "-p", str(prefix), "-c", str(conf)], stderr=subprocess.STDOUT)
                try:
                    time.sleep(0.5)
                    if proc.poll() is not None:
                        raise RuntimeError((prefix / "error.log").read_text())
                    rows.append((f"nginx, gzip {'on' if gzip else 'off'}", measure(browser, f"http://127.0.0.1:{port}/")))
                finally:
                    proc.terminate()
                    proc.wait(timeout=10)
        browser.close()
    print(f"{'how the page is served':22} {'requests':>8} {'HTTP MB':>8} {'websocket MB':>12} {'total MB':>9}")
    for label, t in rows:
        total = t["http"] + t["ws"]
        print(f"{label:22} {t['requests']:>8} {t['http'] / 1e6:>8.2f} {t['ws'] / 1e6:>12.2f} {total / 1e6:>9.2f}")


if __name__ == "__main__":
    main()
