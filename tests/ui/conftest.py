"""AppTest fixtures: a temporary store seeded with :mod:`tests.ui.seed`, wired in through the environment,
and pages opened with an editor (alice) configured in their secrets."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from geo.auth import hash_password
from geo.config import get_settings
from geo.storage.store import Store
from tests.ui.seed import PASSWORD, seed_store, store_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seeded_env(tmp_path_factory) -> dict[str, str]:
    """The environment naming a store seeded once for the session."""
    tmp = tmp_path_factory.mktemp("ui-store")
    # Snapshots of the light frame (geo.storage.snapshot) go next to the store, not into var/.
    env = {**store_env(tmp), "GEO_CACHE_DIR": str(tmp / "cache")}
    seed_store(env)
    return env


@pytest.fixture(autouse=True)
def _unfreeze_after_the_app():
    """The app ``gc.freeze()``s what lives at its first runs, once per process (ui.page: the server's
    imports and data set). In the test process that also pinned whatever the tests had alive then:
    after tests/ui/test_app.py, 188,376 objects frozen, 764 of them cyclic garbage no collection could
    free. Unfrozen after the test that froze them (later tests do not freeze again)."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture
def app_env(seeded_env, monkeypatch):
    """That environment, set for one test only (AppTest runs the page in this process)."""
    for key, value in seeded_env.items():
        monkeypatch.setenv(key, value)
    return seeded_env


@pytest.fixture
def run_page(app_env):
    """``run_page("app.py", sel="...")``: an AppTest of a page, run once with those query parameters."""
    from streamlit.testing.v1 import AppTest

    def run(path: str = "app.py", params: dict | None = None, timeout: float = 30):
        # Always start from the entry point, as the server does: pages then know the
        # app's page registry (st.page_link to the map needs it).
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        if path != "app.py":
            at.switch_page(path)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        return at.run()

    return run


# --- a store per test, and editors ------------------------------------------------------------


@pytest.fixture(scope="session")
def alice_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """A store of this test's own holding the seed incidents, named through the environment."""
    # Cached frame snapshots go next to the store too, never into the project's var/.
    env = {**store_env(tmp_path), "GEO_CACHE_DIR": str(tmp_path / "cache")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    seed_store(env)
    return get_settings()


@pytest.fixture
def store(settings):
    """Another connection to the app's database: the test's eyes, and another editor's hands."""
    s = Store(settings.database_url)
    yield s
    s.dispose()


@pytest.fixture
def open_page(settings, alice_hash):
    """``open_page(path, editor=None, params=None)``: an AppTest of a page with editor alice
    configured in its secrets, already signed in as ``editor`` when given, run once."""
    from streamlit.testing.v1 import AppTest

    def open_(path: str, *, editor: str | None = None, params: dict | None = None, secrets: dict | None = None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(path)
        at.secrets.update({"editors": {"alice": alice_hash}} if secrets is None else secrets)
        if editor:
            at.session_state["atlas_editor"] = editor  # what a successful sign-in leaves behind
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    return open_
