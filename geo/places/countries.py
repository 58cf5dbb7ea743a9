"""The few countries incidents happen in: names, codes and rough extents.

Importers meet countries as ACLED names ("Syria"), ISO 3166 numeric codes
(760), alpha-3 codes ("SYR") or our alpha-2 codes ("SY"); this table turns any
of them into the alpha-2 code the incident model stores. The bounding boxes
are deliberately rough (whole degrees of slack are fine): they exist to catch
a point typed with latitude and longitude swapped, or a point on the wrong
continent, not to decide borders.

A country missing here is refused by the importers with a message naming it,
rather than guessed: add a row to :data:`COUNTRIES`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["COUNTRIES", "Country", "find_country", "point_problem"]


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str
    iso3: str
    numeric: int
    # (min_lon, min_lat, max_lon, max_lat), rounded outwards.
    bbox: tuple[float, float, float, float]
    aliases: tuple[str, ...] = ()


COUNTRIES: tuple[Country, ...] = (
    Country("Iraq", "IQ", "IRQ", 368, (38.7, 29.0, 48.7, 37.4)),
    Country("Syria", "SY", "SYR", 760, (35.6, 32.3, 42.4, 37.4), ("Syrian Arab Republic",)),
    Country("Jordan", "JO", "JOR", 400, (34.9, 29.1, 39.4, 33.4)),
    Country("Turkey", "TR", "TUR", 792, (25.6, 35.8, 44.9, 42.2), ("Türkiye", "Turkiye")),
    Country("Iran", "IR", "IRN", 364, (44.0, 25.0, 63.4, 39.8), ("Islamic Republic of Iran",)),
    Country("Lebanon", "LB", "LBN", 422, (35.1, 33.0, 36.7, 34.7)),
    Country("Israel", "IL", "ISR", 376, (34.2, 29.4, 35.9, 33.4)),
    Country("Palestine", "PS", "PSE", 275, (34.2, 31.2, 35.6, 32.6), ("State of Palestine",)),
    Country("Saudi Arabia", "SA", "SAU", 682, (34.5, 16.3, 55.7, 32.2)),
    Country("Kuwait", "KW", "KWT", 414, (46.5, 28.5, 48.5, 30.1)),
    Country("Yemen", "YE", "YEM", 887, (42.5, 12.1, 54.6, 19.0)),
    Country("Bahrain", "BH", "BHR", 48, (50.3, 25.7, 50.9, 26.3)),
    Country("Qatar", "QA", "QAT", 634, (50.7, 24.4, 51.7, 26.2)),
    Country("United Arab Emirates", "AE", "ARE", 784, (51.5, 22.6, 56.4, 26.1), ("UAE",)),
    Country("Oman", "OM", "OMN", 512, (51.9, 16.6, 59.9, 26.4)),
    Country("Egypt", "EG", "EGY", 818, (24.7, 21.9, 36.9, 31.7)),
    Country("Azerbaijan", "AZ", "AZE", 31, (44.7, 38.3, 50.4, 41.9)),
    Country("Armenia", "AM", "ARM", 51, (43.4, 38.8, 46.7, 41.3)),
    Country("Afghanistan", "AF", "AFG", 4, (60.4, 29.3, 74.9, 38.5)),
    Country("Pakistan", "PK", "PAK", 586, (60.8, 23.6, 77.9, 37.1)),
    Country("Libya", "LY", "LBY", 434, (9.3, 19.5, 25.2, 33.2)),
)

_BY_KEY: dict[str, Country] = {}
for _c in COUNTRIES:
    for _key in (_c.name, _c.iso2, _c.iso3, str(_c.numeric), *_c.aliases):
        _BY_KEY[_key.casefold()] = _c


def find_country(*keys: object) -> Country | None:
    """The first of ``keys`` (name, alpha-2, alpha-3 or numeric code) that names a known country.

    Several keys may be given so that a row's ``country`` name wins and its
    ``iso`` number is only a fallback; empty keys are skipped.
    """
    for key in keys:
        if key is None or (isinstance(key, float) and math.isnan(key)):
            continue
        text = str(key).strip().removesuffix(".0")  # numeric codes read as floats by spreadsheets
        if text.isascii() and text.isdigit():  # not "²", which isdigit() accepts and int() refuses
            text = str(int(text))  # "076" and "76" are the same code
        found = _BY_KEY.get(text.casefold())
        if found is not None:
            return found
    return None


def point_problem(lat: float, lon: float, country: str | None) -> str | None:
    """Why (lat, lon) cannot be a point in ``country`` (alpha-2), or None when it can.

    Out-of-range values are always refused. The country check only runs for
    countries in the table; a point outside the box whose swapped twin lies
    inside is reported as swapped, since that is by far the usual cause.
    """
    found = find_country(country) if country else None
    swapped = found is not None and _inside(found.bbox, lon, lat)
    hint = "; latitude and longitude look swapped" if swapped else ""
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        return f"latitude {lat} is out of range [-90, 90]{hint}"
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        return f"longitude {lon} is out of range [-180, 180]{hint}"
    if found is None or _inside(found.bbox, lat, lon):
        return None
    if swapped:
        return (
            f"({lat}, {lon}) is outside {found.name} but ({lon}, {lat}) is inside: latitude and longitude look swapped"
        )
    return f"({lat}, {lon}) is outside {found.name}"


def _inside(bbox: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = bbox
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
