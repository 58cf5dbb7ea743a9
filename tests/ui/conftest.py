"""AppTest fixtures: a temporary store seeded with :mod:`tests.ui.seed`, wired in through the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.seed import seed_store, store_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seeded_env(tmp_path_factory) -> dict[str, str]:
    """The environment naming a store seeded once for the session."""
    tmp = tmp_path_factory.mktemp("ui-store")
    # Snapshots of the light frame (geo.snapshot) go next to the store, not into var/.
    env = {**store_env(tmp), "GEO_CACHE_DIR": str(tmp / "cache")}
    seed_store(env)
    return env


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
