"""Small, valid incidents for tests: ``make_incident(**overrides)``.

Defaults describe a plausible rocket attack on Ain al-Asad; each test overrides
only the fields it is about, so the test reads as its own specification.
"""

from __future__ import annotations

import datetime as dt

from geo.incidents import Incident, Source, incident_id

__all__ = ["AIN_AL_ASAD", "make_incident", "make_source"]

AIN_AL_ASAD = (33.7856, 42.4411)


def make_source(**overrides) -> Source:
    values = dict(
        outlet="Reuters",
        url="https://example.org/report",
        published=dt.date(2022, 1, 5),
        title="Rockets land near air base",
        evidence="five rockets, no casualties",
        munitions=5,
        killed=0,
        injured=0,
    )
    values.update(overrides)
    return Source(**values)


def make_incident(**overrides) -> Incident:
    date = overrides.get("date", dt.date(2022, 1, 5))
    site = overrides.get("site_id", "ain-al-asad")
    event_type = overrides.get("event_type", "rocket")
    values = dict(
        id=incident_id(date, site or "none", event_type),
        date=date,
        date_precision="day",
        site_id=site,
        location="Ain al-Asad Air Base",
        lat=AIN_AL_ASAD[0],
        lon=AIN_AL_ASAD[1],
        geo_precision=1,
        country="IQ",
        admin1="Anbar",
        event_type=event_type,
        intercepted=False,
        actor="Iran-backed militias",
        attribution="blamed",
        attributed_by="US-led coalition",
        target="Air base hosting coalition forces",
        munitions=5,
        killed=0,
        injured=None,
        damage="",
        summary="Rockets landed near the base.",
        sources=(make_source(),),
        status="reviewed",
    )
    values.update(overrides)
    return Incident(**values)
