"""Real-browser fixtures: the app under ``streamlit run`` on a free port, and headless Chromium.

The server runs on a temporary store seeded with :mod:`tests.ui.seed`, so the
counts asserted here are the same as in the AppTest suite. Chromium is
Debian's (/usr/bin/chromium): nothing is downloaded. Where it is missing the
tests skip, unless GEO_REQUIRE_BROWSER is set (CI), where they fail.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from geo.testing.devserver import serve_app
from tests.conftest import skip_or_fail
from tests.ui.seed import PASSWORD, seed_store, store_env

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# The tile host every test server is configured with (GEO_TILES). ".test" never resolves
# (RFC 6761), and each Session answers it with an aborted request unless a test routes it
# itself: no test ever asks a real tile server for anything, online or not.
TILE_HOST = "https://tiles.atlas.test"
TILES_ENV = {"GEO_TILES": TILE_HOST + "/{z}/{x}/{y}.png", "GEO_TILES_ATTRIBUTION": "Test tiles"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", "GEO_REQUIRE_BROWSER")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("the playwright Python package is not installed", "GEO_REQUIRE_BROWSER")
    return CHROMIUM


def serve(tmp: Path, env: dict[str, str]):
    """The app on a free loopback port with ``env`` and the test tile host; yields its base URL, then stops it."""
    with serve_app({**TILES_ENV, **env}, tmp / "streamlit.log") as url:
        yield url


EDITOR = "alice"  # the editor of the seeded app's secrets (password tests.ui.seed.PASSWORD)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, chromium_path) -> str:
    """Base URL of a running app on a seeded temporary store, with :data:`EDITOR` configured; stopped
    after the session."""
    from geo.auth import hash_password

    tmp = tmp_path_factory.mktemp("browser-store")
    (tmp / "secrets.toml").write_text(f'[editors]\n{EDITOR} = "{hash_password(PASSWORD)}"\n')
    env = {**store_env(tmp), "GEO_CACHE_DIR": str(tmp / "cache"), "STREAMLIT_SECRETS_FILES": str(tmp / "secrets.toml")}
    seed_store(env)
    yield from serve(tmp, env)


@pytest.fixture(scope="session")
def bundled_app_url(tmp_path_factory, chromium_path) -> str:
    """Base URL of an app on the bundled data (``data/incidents.csv``), as a fresh clone starts it."""
    tmp = tmp_path_factory.mktemp("browser-bundled")
    yield from serve(tmp, {"GEO_DATABASE_URL": f"sqlite:///{tmp / 'incidents.sqlite'}", "GEO_CACHE_DIR": str(tmp / "c")})


BIG_STORE = int(os.environ.get("GEO_BROWSER_BIG_STORE", "100000"))  # incidents in the aggregated-map store


@pytest.fixture(scope="session")
def big_app_url(tmp_path_factory, chromium_path) -> str:
    """Base URL of an app on BIG_STORE synthetic incidents (the map aggregates them)."""
    from benchmarks.bench_scale import bulk_import
    from geo.storage.store import Store
    from geo.testing.synth import synth_frame

    tmp = tmp_path_factory.mktemp("browser-big-store")
    env = {**store_env(tmp), "GEO_CACHE_DIR": str(tmp / "cache"), "GEO_TODAY": "2026-10-31"}
    store = Store(env["GEO_DATABASE_URL"])
    store.migrate()
    bulk_import(store, synth_frame(BIG_STORE, seed=1))
    store.dispose()
    yield from serve(tmp, env)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield b
        b.close()


_MAP_READY = """() => {
    const corner = document.querySelector('.leaflet-top');
    return !!(window.map && document.querySelector('.leaflet-marker-pane') && corner
              && getComputedStyle(corner).position === 'absolute');
}"""


class Session:
    """One browser context on the app, recording every request and every JS dialog."""

    def __init__(self, browser, app_url: str, *, viewport: tuple[int, int] = (1440, 1000), touch: bool = False):
        width, height = viewport
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True, has_touch=touch, is_mobile=touch
        )
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.route(TILE_HOST + "/**", lambda route: route.abort())  # a test's own route comes first
        self.page = self.context.new_page()
        self.page.on("dialog", self._on_dialog)
        self.app_url = app_url

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str = "/") -> Session:
        """Load a page and wait until it settled: markers drawn, the map's first report
        (its centre and zoom) written to the URL, and no script run in progress."""
        self.page.goto(self.app_url + path)
        self.wait_for_markers()
        self.wait_for_url(r"[?&]z=\d")
        self.wait_idle()
        return self

    def sign_in(self, path: str) -> None:
        """Open an editor's page (Ingest, Import) and sign in as :data:`EDITOR` on its form."""
        self.page.goto(self.app_url + path)
        self.page.get_by_label("Editor name").fill(EDITOR)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_role("button", name="Sign out").wait_for(state="attached", timeout=30_000)  # a phone folds the sidebar

    def map_frame(self):
        """The map iframe as a Frame (for evaluate) once its Leaflet map exists and Leaflet's style
        sheet is in (before it, the controls are blocks under the map: under load a test measured
        the legend there, as wide as the map)."""
        from playwright.sync_api import Error as PlaywrightError

        self.page.wait_for_selector(MAP_IFRAME, timeout=60_000)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if "streamlit_folium" in frame.url:
                    try:
                        if frame.evaluate(_MAP_READY):
                            return frame
                    except PlaywrightError:  # the frame is still navigating: look again
                        continue
            # Not time.sleep: the sync API only processes browser events (new frames) inside its own calls.
            self.page.wait_for_timeout(200)
        raise AssertionError("the map iframe never finished loading")

    def incident_count(self) -> int:
        """Incidents drawn: single markers, the counts on cluster icons and on server-side bins."""
        return self.map_frame().evaluate(
            """() => {
                const single = document.querySelectorAll('.leaflet-marker-pane .ia-mk').length;
                let clustered = 0;
                document.querySelectorAll('.leaflet-marker-pane .ia-clu span')
                    .forEach(s => { clustered += parseInt(s.textContent, 10) || 0; });
                document.querySelectorAll('.leaflet-marker-pane .ia-bin-c[data-count]')
                    .forEach(b => { clustered += parseInt(b.dataset.count, 10) || 0; });
                return single + clustered;
            }"""
        )

    def bin_counts(self) -> list[int]:
        """The counts on the server-side bins drawn (empty when every incident has its marker)."""
        return self.map_frame().evaluate(
            "() => Array.from(document.querySelectorAll('.leaflet-marker-pane .ia-bin-c[data-count]'), b => +b.dataset.count)"
        )

    def wait_for_markers(self, expected: int | None = None, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        count = -1
        while time.monotonic() < deadline:
            count = self.incident_count()
            if (expected is None and count > 0) or count == expected:
                return count
            self.page.wait_for_timeout(250)
        raise AssertionError(f"map shows {count} incidents, expected {expected}")

    def pick(self, label: str, option: str) -> None:
        """Choose ``option`` in the sidebar multiselect labelled ``label``."""
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
        box.click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.page.keyboard.press("Escape")

    def headline_count(self) -> int:
        """The incident count in the page's one-line headline ("**3** of 8 incidents · ...")."""
        line = self.page.locator('[data-testid="stMarkdown"]').filter(has_text=re.compile(r"incidents? · ")).first
        return int(line.locator("strong").first.inner_text(timeout=30_000).replace(",", ""))

    def copy_boxes(self) -> list[str]:
        """The links shown in copy boxes (view link, permalink), once the first is there."""
        self.page.locator(".ia-copy input").first.wait_for(timeout=30_000)
        return self.page.locator(".ia-copy input").evaluate_all("els => els.map(e => e.value)")

    def wait_for_url(self, pattern: str, timeout: float = 30) -> str:
        self.page.wait_for_url(re.compile(pattern), timeout=timeout * 1000)
        return self.page.url

    def wait_idle(self) -> None:
        """Until Streamlit is not running the script (no "running" status widget)."""
        self.page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def element_screenshot(self, locator, name: str) -> Path:
        """A picture of one element (Streamlit scrolls inside its own container, so a
        full-page screenshot never shows what is below the fold)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.context.close()


def settled(frame, js: str) -> list:
    """What ``js`` (a function returning a list of problems) lists once the map's names are laid out:
    they are laid out again after each move and once the markers and the font are in, so it waits up
    to 5 s for the list to be empty, then returns it (empty, or what a failing assertion should name)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        frame.wait_for_function(f"() => ({js})().length === 0", timeout=5000)
    except PlaywrightError:  # a timeout: the caller's assertion names what is left
        pass
    return frame.evaluate(js)


def shown_countries(frame) -> set[str]:
    """The country names drawn on the map (not hidden by the layout)."""
    return set(
        frame.evaluate(
            "() => Array.from(document.querySelectorAll('.ia-country'))"
            ".filter(e => getComputedStyle(e).visibility !== 'hidden').map(e => e.textContent)"
        )
    )


@pytest.fixture
def session(browser, app_url):
    s = Session(browser, app_url)
    yield s
    s.close()


@pytest.fixture
def big_session(browser, big_app_url):
    s = Session(browser, big_app_url)
    yield s
    s.close()


@pytest.fixture
def new_session(browser, app_url):
    """Factory for extra, independent browser contexts (a colleague opening a link)."""
    made: list[Session] = []

    def make() -> Session:
        made.append(Session(browser, app_url))
        return made[-1]

    yield make
    for s in made:
        s.close()
