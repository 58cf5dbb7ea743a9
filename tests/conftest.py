"""Project-wide test settings.

Browser and PostgreSQL tests skip with a reason when Chromium or a server is not
available on a developer machine; CI sets GEO_REQUIRE_BROWSER / GEO_REQUIRE_POSTGRES
so that the same absence fails the run instead of passing it silently.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def skip_or_fail(reason: str, require_env: str) -> None:
    """Skip on a developer machine; fail where CI demands the capability."""
    if os.environ.get(require_env):
        pytest.fail(f"{reason} (and {require_env} is set)")
    pytest.skip(reason)


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh, empty schema on the test PostgreSQL server, dropped afterwards
    (:func:`geo.testing.pgscratch.scratch_schema`). Skips (fails in CI) when GEO_TEST_POSTGRES_URL
    is not set or the server does not answer."""
    import sqlalchemy as sa

    from geo.testing.pgscratch import scratch_schema

    base = os.environ.get("GEO_TEST_POSTGRES_URL")
    if not base:
        skip_or_fail("GEO_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against", "GEO_REQUIRE_POSTGRES")
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_schema(base, prefix="test"))
        except sa.exc.OperationalError as exc:  # only the server's answer; a test's own errors pass through
            skip_or_fail(f"PostgreSQL at GEO_TEST_POSTGRES_URL is unreachable ({exc.orig})", "GEO_REQUIRE_POSTGRES")
        yield url


@pytest.fixture
def builds(monkeypatch):
    """The stores :mod:`geo.storage.snapshot` had to build from scratch, in order (``geo.storage.snapshot.build``
    counted: a refresh that patches instead adds nothing). Tests that build on purpose keep a
    reference to the real function taken before this fixture patches it."""
    from geo.storage import snapshot

    real = snapshot.build
    calls = []

    def counting(store):
        calls.append(store)
        return real(store)

    monkeypatch.setattr(snapshot, "build", counting)
    return calls


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not (path / "manifest.csv").exists():
        pytest.skip(f"seed reports not found at {path} (they live in ../shared/seeds beside the repo)")
    return path


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    path = SHARED / "realdata"
    if not path.is_dir():
        pytest.skip(f"real reference data not found at {path} (../shared/realdata beside the repo)")
    return path


@pytest.fixture(autouse=True)
def _private_store(monkeypatch, tmp_path_factory):
    """Every test starts with GEO_DATABASE_URL naming a store of its own.

    Without it, code that falls back to the default store (``var/incidents.sqlite``,
    the developer's real data) would read, or create, that file: the team sites in
    it would change what the gazetteer resolves and make tests depend on whoever
    ran the app last. Tests that want a particular store set the variable again.
    """
    path = tmp_path_factory.mktemp("store") / "incidents.sqlite"
    monkeypatch.setenv("GEO_DATABASE_URL", f"sqlite:///{path}")
