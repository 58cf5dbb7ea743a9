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
GEO_REPORTS_DIR    texts of the real-report evaluation corpus, one ``<id>.txt`` per
                   manifest row (default: ``var/reports``; never committed: refill it
                   with ``python -m geo reports fetch``).
GEO_TILES          online map tiles: ``auto`` (default: OpenStreetMap), ``off`` (no tile
                   request at all), or a Leaflet URL template such as
                   ``https://tiles.example.org/{z}/{x}/{y}.png`` (placeholders ``{z}``,
                   ``{x}``, ``{y}`` or ``{-y}``, optionally ``{s}`` and ``{r}``). Either
                   way the *browser* tries one tile and switches the tiles on only when
                   it loads; the offline country borders are always there.
GEO_TILES_ATTRIBUTION  credit shown for a tile URL (HTML, as Leaflet takes it: it is
                   the operator's setting, not data; required with a URL, because
                   tile servers' licences ask for credit).
GEO_RUN_LOG        "1"/"true": the server logs a line per script run of the app (session,
                   trigger, date filter, outcome: ``ui/runlog.py``); default off.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from geo.errors import Problem, ValidationError

__all__ = ["OSM_TILES", "PROJECT_ROOT", "Settings", "TileSource", "cache_dir", "get_settings", "parse_tiles", "run_log_enabled", "utc_instant"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TileSource:
    """An online tile layer, switched on in the browser when one of its tiles loads."""

    url: str  # Leaflet URL template
    attribution: str  # HTML for the map's attribution control
    name: str  # its label in the layer control
    max_zoom: int = 19


OSM_TILES = TileSource(
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    name="OpenStreetMap",
)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_KNOWN_PLACEHOLDERS = {"s", "z", "x", "y", "-y", "r"}  # what L.tileLayer fills in; any other throws in the browser


def parse_tiles(value: str | None, attribution: str | None = None) -> TileSource | None:
    """``GEO_TILES`` (and ``GEO_TILES_ATTRIBUTION``) as a tile source; None means off.

    Raises :class:`~geo.errors.ValidationError` naming the variable: a typo here
    would otherwise show up only as a map that silently never gets its tiles.
    """
    text = (value or "").strip()
    if text.lower() in ("", "auto"):
        return OSM_TILES
    if text.lower() == "off":
        return None

    def bad(variable: str, reason: str) -> ValidationError:
        return ValidationError([Problem("environment", None, variable, reason)])

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad(
            "GEO_TILES",
            f"{text[:80]!r} is not auto, off or a tile URL template such as https://tiles.example.org/{{z}}/{{x}}/{{y}}.png",
        )
    if re.search(r"[\s\"'<>\\]", text):
        raise bad("GEO_TILES", "the tile URL contains spaces, quotes or angle brackets")
    names = set(_PLACEHOLDER.findall(text))
    unknown = sorted(names - _KNOWN_PLACEHOLDERS)
    if unknown:
        raise bad("GEO_TILES", f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)} in the tile URL")
    if not {"z", "x"} <= names or not names & {"y", "-y"}:
        raise bad("GEO_TILES", "the tile URL needs the placeholders {z}, {x} and {y} (or {-y})")
    credit = (attribution or "").strip()
    if not credit:
        raise bad(
            "GEO_TILES_ATTRIBUTION", "must be set when GEO_TILES is a tile URL (the tiles' licence asks for credit)"
        )
    host = _PLACEHOLDER.sub("", parts.hostname).strip(".")  # "{s}.tiles.example.org" -> "tiles.example.org"
    return TileSource(url=text, attribution=credit, name=f"{host or 'Online'} tiles")


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
    tiles: TileSource | None = OSM_TILES  # None: no online tiles at all (GEO_TILES=off)
    reports_dir: Path = PROJECT_ROOT / "var" / "reports"


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
        cache_dir=cache_dir(env),
        tiles=parse_tiles(env.get("GEO_TILES"), env.get("GEO_TILES_ATTRIBUTION")),
        reports_dir=Path(env.get("GEO_REPORTS_DIR") or var / "reports"),
    )


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``GEO_CACHE_DIR``, read on its own: the map's borders and the point checks need it even
    when another setting (say a bad ``GEO_TILES``) is broken."""
    return Path((os.environ if env is None else env).get("GEO_CACHE_DIR") or PROJECT_ROOT / "var" / "cache")


def run_log_enabled(env: Mapping[str, str] | None = None) -> bool:
    """``GEO_RUN_LOG``, read on its own: the trace must work even when another setting is broken."""
    return ((os.environ if env is None else env).get("GEO_RUN_LOG") or "").strip().lower() in _TRUE


# --- the clock: like the settings, passed in (``now=``), read here only when not given -------------


def utc_instant(now: dt.datetime | None = None, *, name: str = "now", stored: bool = False) -> dt.datetime:
    """``now`` in UTC, or the current instant when it is None.

    Every time the store keeps is UTC (SQLite compares the stored text), so lockouts, team
    sites, backups and the store take their times through here. A naive ``now`` is refused
    (ValueError naming ``name``): it could be any zone, and guessing would shift it by hours.
    ``stored=True`` is for a time read back from the store, which SQLite hands back naive:
    the store wrote it in UTC, so naive means UTC there.
    """
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None or now.utcoffset() is None:
        if stored:
            return now.replace(tzinfo=dt.timezone.utc)
        raise ValueError(f"{name} must be timezone-aware (a naive time could be in any zone)")
    return now.astimezone(dt.timezone.utc)
