"""All settings in one place, read from the environment.

Logic never reads ``os.environ`` itself: it receives a :class:`Settings` (or the
single values it needs), so tests pass their own without monkeypatching.

Environment variables
---------------------
GEO_DATABASE_URL   SQLAlchemy URL of the incident store
                   (default: SQLite file ``var/incidents.sqlite`` in the project).
GEO_GAZETTEER      path of the curated gazetteer CSV (default: ``gazetteer.csv``).
GEO_GEONAMES_DB    SQLite file holding the imported GeoNames layer
                   (default: ``var/geonames.sqlite``).
GEO_ONLINE         "1"/"true" switches the online geocoding fallback on (default off).
GEO_ONLINE_DOMAIN  host[:port] of the Nominatim-compatible service (default: geopy's).
GEO_ONLINE_SCHEME  "https" (default) or "http" (local test servers).
GEO_USER_AGENT     user agent sent to online services.
GEO_CACHE_DIR      where online answers are cached (default: ``var/cache``).
GEO_INCIDENTS_CSV  seed data loaded into an empty store (default: ``data/incidents.csv``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    gazetteer_path: Path
    geonames_db: Path
    incidents_csv: Path
    online: bool
    online_domain: str | None
    online_scheme: str
    user_agent: str
    cache_dir: Path


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    var = PROJECT_ROOT / "var"
    return Settings(
        database_url=env.get("GEO_DATABASE_URL") or f"sqlite:///{var / 'incidents.sqlite'}",
        gazetteer_path=Path(env.get("GEO_GAZETTEER") or PROJECT_ROOT / "gazetteer.csv"),
        geonames_db=Path(env.get("GEO_GEONAMES_DB") or var / "geonames.sqlite"),
        incidents_csv=Path(env.get("GEO_INCIDENTS_CSV") or PROJECT_ROOT / "data" / "incidents.csv"),
        online=(env.get("GEO_ONLINE") or "").strip().lower() in _TRUE,
        online_domain=env.get("GEO_ONLINE_DOMAIN") or None,
        online_scheme=env.get("GEO_ONLINE_SCHEME") or "https",
        user_agent=env.get("GEO_USER_AGENT") or "incident-atlas/0.1 (+https://example.org/incident-atlas)",
        cache_dir=Path(env.get("GEO_CACHE_DIR") or var / "cache"),
    )
