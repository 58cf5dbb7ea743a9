"""A small, hand-made set of incidents for the UI and browser tests, and a store holding it.

Every number a test asserts can be read off this file: 8 incidents, 3 actors,
places far enough apart that no two markers merge at the default zoom, and one
incident whose text fields carry markup that must never run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geo.config import get_settings
from geo.incidents import Incident, Source

__all__ = [
    "INCIDENTS",
    "PASSWORD",
    "TEMPLATE_TEXT",
    "TODAY",
    "XSS_ID",
    "XSS_IMG",
    "XSS_SCRIPT",
    "seed_store",
    "store_env",
]

PASSWORD = "correct horse battery staple"  # editor alice's, hashed into the test secrets
TODAY = "2024-03-31"  # GEO_TODAY for the tests: presets count back from here
XSS_SCRIPT = "<script>alert('xss-summary')</script>"
XSS_IMG = "<img src=x onerror=\"alert('xss-img')\">"
XSS_ID = "inc-xss"
# Template syntax: folium compiles rendered scripts with Jinja, streamlit-folium rewrites {{'name'}}.
TEMPLATE_TEXT = "{% if x %}{{ 7*7 }}{{'map_div'}}{# comment"


def _inc(n: int, date: str, lat: float, lon: float, country: str, event_type: str, actor: str, **kw) -> Incident:
    return Incident(
        id=kw.pop("id", f"inc-t{n}"),
        date=dt.date.fromisoformat(date),
        date_precision=kw.pop("date_precision", "day"),
        lat=lat,
        lon=lon,
        geo_precision=1,
        country=country,
        event_type=event_type,
        actor=actor,
        location=kw.pop("location", f"Place {n}"),
        summary=kw.pop("summary", f"Attack number {n}."),
        sources=kw.pop("sources", (Source(outlet="Reuters", url=f"https://example.org/r/{n}", title=f"Report {n}"),)),
        **kw,
    )


INCIDENTS: tuple[Incident, ...] = (
    _inc(1, "2024-01-04", 33.79, 42.44, "IQ", "rocket", "Kataib Hezbollah", attribution="blamed",
         attributed_by="US officials", munitions=5, killed=0, injured=2),
    _inc(2, "2024-01-20", 36.24, 43.96, "IQ", "drone", "Islamic Resistance in Iraq", attribution="claimed",
         attributed_by="Islamic Resistance in Iraq", munitions=2, killed=None, injured=None, intercepted=True),
    _inc(3, "2024-02-02", 35.00, 40.50, "SY", "rocket", "Islamic Resistance in Iraq", attribution="claimed",
         munitions=None, killed=1, injured=3),
    _inc(4, "2024-02-15", 32.50, 38.80, "SY", "drone", "Islamic Resistance in Iraq", attribution="claimed",
         munitions=1, killed=3, injured=25),
    _inc(5, "2024-03-05", 33.26, 44.23, "IQ", "indirect_fire", "Unknown", attribution="unknown",
         munitions=3, killed=None, injured=0),
    _inc(6, "2024-03-20", 36.60, 41.00, "SY", "rocket", "Kataib Hezbollah", attribution="suspected",
         munitions=4, killed=0, injured=0),
    _inc(7, "2023-11-10", 31.50, 46.00, "IQ", "missile", "Kataib Hezbollah", attribution="blamed",
         attributed_by="Pentagon", munitions=None, killed=None, injured=None),
    _inc(8, "2024-02-25", 34.40, 39.20, "SY", "drone", "Unknown", id=XSS_ID, attribution="unknown",
         location=f"Hostile place {XSS_IMG}", summary=f"Summary with {XSS_SCRIPT} and {XSS_IMG} inside. {TEMPLATE_TEXT}",
         attributed_by=XSS_IMG, target=XSS_SCRIPT,
         sources=(Source(outlet=f"Outlet {XSS_IMG}", url="javascript:alert('xss-url')", title=XSS_SCRIPT),
                  Source(outlet="AP", url="https://example.org/ap/8", title=f"Title {XSS_IMG}"))),
)  # fmt: skip


def store_env(tmp: Path) -> dict[str, str]:
    """Environment for an app whose store is a fresh SQLite file under ``tmp``."""
    return {
        "GEO_DATABASE_URL": f"sqlite:///{tmp / 'incidents.sqlite'}",
        # A path that does not exist: the store must not seed itself from data/incidents.csv.
        "GEO_INCIDENTS_CSV": str(tmp / "no-seed.csv"),
        "GEO_TODAY": TODAY,
    }


def seed_store(env: dict[str, str], incidents=INCIDENTS) -> None:
    """Create the store ``env`` names and put ``incidents`` in it."""
    from geo.storage.store import Store

    store = Store.open(get_settings(env))
    store.upsert_many(incidents, user="tests")
    store.dispose()
