"""Online geocoding fallback: a Nominatim-compatible service through geopy.

Used only when ``settings.online`` is true (``GEO_ONLINE=1``) and the curated
gazetteer and GeoNames found nothing. Every answer, including "nothing found",
is cached on disk (SQLite in ``settings.cache_dir``) under the normalised query
and the country restriction, so a name is asked at most once and the service's
usage policy (at most one request a second, a real user agent) is respected.

Answers are unverified: they carry ``layer="online"``, ``method="online"`` and
a score of :data:`ONLINE_SCORE`, below every local match.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import GeoError
from geo.places.normalize import name_key
from geo.places.sites import Site, SiteMatch

if TYPE_CHECKING:
    from geo.config import Settings

__all__ = ["DEFAULT_COUNTRIES", "ONLINE_SCORE", "OnlineCache", "OnlineError", "OnlineGeocoder", "site_from_nominatim"]

DEFAULT_COUNTRIES = ("IQ", "SY", "JO")
ONLINE_SCORE = 70.0

# OSM (class, type) -> gazetteer kind; class alone as a fallback.
_KINDS = {
    ("aeroway", "aerodrome"): "airport",
    ("place", "city"): "city",
    ("place", "town"): "town",
    ("place", "village"): "village",
    ("place", "hamlet"): "village",
    ("place", "suburb"): "neighbourhood",
    ("place", "neighbourhood"): "neighbourhood",
    ("boundary", "administrative"): "region",
    ("landuse", "military"): "base",
}
_CLASS_KINDS = {"military": "base", "aeroway": "air_base", "place": "town", "man_made": "facility"}


class OnlineError(GeoError):
    """The online service could not be reached or gave an unusable answer."""


def _precision(raw: Mapping) -> int:
    """Half the diagonal of the answer's bounding box, 100 m to 100 km (1 km if absent)."""
    try:
        south, north, west, east = (float(v) for v in raw["boundingbox"])
    except (KeyError, TypeError, ValueError):
        return 1000
    dy = (north - south) * 111_320
    dx = (east - west) * 111_320 * math.cos(math.radians((north + south) / 2))
    return int(min(max(math.hypot(dx, dy) / 2, 100), 100_000))


def site_from_nominatim(raw: Mapping, country: str | None = None) -> Site:
    """A :class:`Site` from one Nominatim ``/search`` JSON result."""
    try:
        osm = f"{raw['osm_type']}/{raw['osm_id']}"
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError) as exc:
        raise OnlineError(f"unusable answer from the geocoding service: missing or bad {exc}") from None
    display = str(raw.get("display_name") or "")
    code = str((raw.get("address") or {}).get("country_code") or country or "").upper()
    osm_class, osm_type = str(raw.get("class") or raw.get("category") or ""), str(raw.get("type") or "")
    return Site(
        id=f"online:{osm}",
        name=str(raw.get("name") or display.split(",")[0] or osm),
        aliases=(),
        kind=_KINDS.get((osm_class, osm_type)) or _CLASS_KINDS.get(osm_class, "landmark"),
        country=code,
        admin1="",
        lat=lat,
        lon=lon,
        precision_m=_precision(raw),
        source=f"OpenStreetMap {osm} via Nominatim",
        notes=display,
        layer="online",
    )


class OnlineCache:
    """Answers by key in a small SQLite file; ``None`` (a miss) is cached too."""

    #: What :meth:`get` returns for a key never asked (``None`` is a cached miss).
    MISSING = object()

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:  # opened on first use: a disabled fallback never touches the disk
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS answer (key TEXT PRIMARY KEY, value TEXT, fetched REAL)")
        return self._db

    def get(self, key: str):
        """The cached answer (a dict, or None for a cached miss), or ``OnlineCache.MISSING``."""
        with self._lock:
            row = self._connection().execute("SELECT value FROM answer WHERE key = ?", (key,)).fetchone()
        return self.MISSING if row is None else json.loads(row[0])

    def put(self, key: str, value: Mapping | None) -> None:
        """Store ``value`` (None for "nothing found") under ``key``."""
        with self._lock, self._connection() as db:
            db.execute("INSERT OR REPLACE INTO answer VALUES (?, ?, ?)", (key, json.dumps(value), self._clock()))


class OnlineGeocoder:
    """Nominatim ``/search`` through geopy, rate-limited and cached.

    ``min_delay_seconds`` (default 1, the public service's policy) and
    ``timeout`` are parameters so tests run without sleeping; ``countries``
    restricts answers (default Iraq, Syria, Jordan).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
        countries: Sequence[str] = DEFAULT_COUNTRIES,
        cache: OnlineCache | None = None,
    ):
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        options = {"scheme": settings.online_scheme, "user_agent": settings.user_agent, "timeout": timeout}
        if settings.online_domain:
            options["domain"] = settings.online_domain
        self._nominatim = Nominatim(**options)
        # No retries and no swallowed errors: a failure must surface (and not
        # be cached as "not found"); the caller decides whether to try again.
        self._search = RateLimiter(
            self._nominatim.geocode, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False
        )
        self.countries = tuple(c.upper() for c in countries)
        self.cache = cache or OnlineCache(Path(settings.cache_dir) / "nominatim.sqlite")

    def geocode(self, query: str, *, country: str | None = None) -> SiteMatch | None:
        """The service's best answer for ``query`` (cached), or None; OnlineError when unreachable."""
        key = name_key(query)
        if not key.core:
            return None
        countries = (country.upper(),) if country else self.countries
        cache_key = f"{key}|{','.join(countries)}"
        raw = self.cache.get(cache_key)
        if raw is OnlineCache.MISSING:
            raw = self._ask(query, countries)
            self.cache.put(cache_key, raw)
        if raw is None:
            return None
        return SiteMatch(site_from_nominatim(raw, country), ONLINE_SCORE, "online", query)

    def _ask(self, query: str, countries: Sequence[str]) -> dict | None:
        from geopy.exc import GeopyError

        try:
            location = self._search(
                query,
                exactly_one=True,
                addressdetails=True,
                language="en",
                country_codes=[c.lower() for c in countries],
            )
        except GeopyError as exc:
            raise OnlineError(f"online geocoding failed for {query!r}: {exc}") from None
        return None if location is None else dict(location.raw)
