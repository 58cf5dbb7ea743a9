"""Shared fixtures for the library tests: fixture files, gazetteers, settings, stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.config import PROJECT_ROOT, get_settings
from geo.places.gazetteer import Gazetteer
from geo.storage.store import Store
from tests.conftest import postgres_schema

DATA = Path(__file__).parent / "data"
SMALL_CSV = DATA / "gazetteer_small.csv"
GEONAMES_SMALL = DATA / "geonames_small.txt"
REAL_GAZETTEER = PROJECT_ROOT / "gazetteer.csv"
REAL_SPELLINGS = DATA / "real_spellings.csv"
REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def small() -> Gazetteer:
    """The curated fixture gazetteer (13 sites in Iraq and Syria), no other layers."""
    return Gazetteer.load(SMALL_CSV)


@pytest.fixture(scope="session")
def geonames_db(tmp_path_factory) -> Path:
    """A GeoNames database imported from the small fixture dump."""
    from geo.places.geonames import import_geonames

    path = tmp_path_factory.mktemp("geonames") / "geonames.sqlite"
    import_geonames([GEONAMES_SMALL], path)
    return path


@pytest.fixture
def make_settings(tmp_path):
    """Settings pointing at the fixture gazetteer and temporary files; keyword
    arguments override environment variables (``GEO_ONLINE="1"``, ...)."""

    def make(**env: str):
        base = {
            "GEO_GAZETTEER": str(SMALL_CSV),
            "GEO_GEONAMES_DB": str(tmp_path / "absent-geonames.sqlite"),
            "GEO_CACHE_DIR": str(tmp_path / "cache"),
            # A store of the test's own: the default one is the developer's data.
            "GEO_DATABASE_URL": f"sqlite:///{tmp_path / 'incidents.sqlite'}",
        }
        return get_settings({**base, **env})

    return make


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A URL of an empty database: a temporary SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def store(store_url):
    """A migrated, empty store at ``store_url`` (SQLite and PostgreSQL)."""
    s = Store(store_url)
    s.migrate()
    yield s
    s.dispose()
