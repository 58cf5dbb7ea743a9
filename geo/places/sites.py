"""A site and its validation: the record every gazetteer layer returns.

:class:`Site` is one place (a curated row, a team site, a GeoNames feature or an
online answer); :class:`SiteMatch` is a site found for a query, how and how well.
:func:`parse_sites` validates rows of the curated CSV's format (header
``id,name,aliases,kind,country,admin1,lat,lon,precision_m,source,notes``)
completely and returns every problem. The gazetteer (:mod:`geo.places.gazetteer`)
and its layers (:mod:`geo.places.geonames`, :mod:`geo.places.online`,
:mod:`geo.places.teamsites`) all depend on this module, so none of them needs
another: the gazetteer imports the layers, never the other way round.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from geo.errors import Problem
from geo.places.countries import point_problem
from geo.places.normalize import NameKey, name_key

__all__ = [
    "COLUMNS",
    "COUNTRY_CODES",
    "KINDS",
    "REQUIRED",
    "Layer",
    "Site",
    "SiteMatch",
    "hint_fits",
    "parse_sites",
]

#: Kinds a site may have. Curated rows use them; GeoNames/online map onto them.
KINDS = frozenset(
    {
        "air_base", "airport", "base", "outpost",
        "city", "town", "village", "neighbourhood", "district", "province", "region", "country",
        "oil_field", "gas_field", "border_crossing", "facility", "landmark",
    }
)  # fmt: skip

# Kinds a generic word is compatible with. "Base" is loose on purpose: reports
# say "the base at the airport" and "the US base in the oil field".
_HINT_KINDS: Mapping[str, frozenset[str]] = {
    "airport": frozenset({"airport", "air_base"}),
    "air_base": frozenset({"air_base", "airport", "base"}),
    "base": frozenset({"base", "air_base", "airport", "outpost", "oil_field", "gas_field", "facility"}),
    "oil_field": frozenset({"oil_field", "gas_field", "base"}),
    "gas_field": frozenset({"gas_field", "oil_field", "base"}),
    "province": frozenset({"province", "region", "district"}),
    "city": frozenset({"city", "town", "village", "neighbourhood", "district"}),
}

COLUMNS = ("id", "name", "aliases", "kind", "country", "admin1", "lat", "lon", "precision_m", "source", "notes")
REQUIRED = ("id", "name", "kind", "country", "lat", "lon", "precision_m")

# ISO 3166-1 alpha-2 codes (officially assigned), plus XK (Kosovo, user-assigned but common).
COUNTRY_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
    FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS
    IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM
    MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS
    PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
    TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW""".split()  # noqa: SIM905 (a word list reads best as words)
)

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PRECISION = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, slots=True)
class Site:
    """One place: a curated row, a GeoNames feature or an online answer."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str
    admin1: str
    lat: float
    lon: float
    precision_m: int
    source: str = ""
    notes: str = ""
    layer: str = "curated"  # "curated" | "team" | "geonames" | "online"

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class SiteMatch:
    """A site found for ``query``, how (``method``) and how well (``score`` 0–100).

    ``candidates`` holds the other sites considered (best first), including any
    that tie with this one; their own ``candidates`` are empty.
    """

    site: Site
    score: float
    method: str  # "exact" | "alias" | "fuzzy" | "geonames" | "online"
    query: str
    candidates: tuple[SiteMatch, ...] = field(default=())

    @property
    def ambiguous(self) -> bool:
        """True when another site scored as well as this one."""
        return any(c.score >= self.score and c.site.id != self.site.id for c in self.candidates)


def hint_fits(hint: str | None, kind: str) -> bool:
    """Whether a site of ``kind`` is what the generic word ``hint`` describes."""
    return hint is None or kind in _HINT_KINDS.get(hint, ())


class Layer(Protocol):
    """A lower-priority source of sites (the GeoNames layer implements it)."""

    def exact(self, key: NameKey, query: str, *, country: str | None, kinds, limit: int) -> list[SiteMatch]: ...

    def fuzzy(self, key: NameKey, query: str, *, country: str | None, kinds, limit: int) -> list[SiteMatch]: ...

    def get(self, site_id: str) -> Site: ...


# --------------------------------------------------------------------------- validation


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _check_coordinates(row: Mapping[str, str], problem) -> tuple[float, float] | None:
    lat, lon = _float(row["lat"]), _float(row["lon"])
    if row["lat"] and lat is None:
        problem("lat", f"not a number: {row['lat']!r}")
    elif lat is not None and abs(lat) > 90:
        problem("lat", f"latitude {lat} is outside -90..90")
        lat = None
    if row["lon"] and lon is None:
        problem("lon", f"not a number: {row['lon']!r}")
    elif lon is not None and abs(lon) > 180:
        problem("lon", f"longitude {lon} is outside -180..180")
        lon = None
    if lat is None or lon is None:
        return None
    # Rough country boxes (shared with the incident importers) catch swapped
    # or mistyped coordinates; countries without a box are not checked.
    outside = point_problem(lat, lon, row["country"]) if row["country"] in COUNTRY_CODES else None
    if outside:
        problem("lat/lon", outside)
    return lat, lon


def _split_aliases(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in value.split("|") if a.strip())


def _check_row(row: Mapping[str, str], problem) -> tuple[float, float] | None:
    """Report every problem of one row (values already stripped); return its coordinates if valid."""
    for name in REQUIRED:
        if not row[name]:
            problem(name, "required field is empty")
    if row["id"] and not _ID.match(row["id"]):
        problem("id", f"{row['id']!r} is not a slug (lower-case letters, digits and single hyphens)")
    if row["name"] and not name_key(row["name"]).core:
        problem("name", f"{row['name']!r} has nothing but generic words")
    if row["kind"] and row["kind"] not in KINDS:
        problem("kind", f"unknown kind {row['kind']!r} (known: {', '.join(sorted(KINDS))})")
    if row["country"] and row["country"] not in COUNTRY_CODES:
        problem("country", f"{row['country']!r} is not an upper-case ISO 3166-1 alpha-2 code")
    precision = row["precision_m"]
    if precision and not (_PRECISION.match(precision) and int(precision) > 0):
        problem("precision_m", f"{precision!r} is not a positive integer")
    return _check_coordinates(row, problem)


def _site(row: Mapping[str, str], lat: float, lon: float) -> Site:
    return Site(
        id=row["id"],
        name=row["name"],
        aliases=_split_aliases(row["aliases"]),
        kind=row["kind"],
        country=row["country"],
        admin1=row["admin1"],
        lat=lat,
        lon=lon,
        precision_m=int(row["precision_m"]),
        source=row["source"],
        notes=row["notes"],
    )


def parse_sites(records: Iterable[tuple[int, Sequence[str]]], source: str) -> tuple[list[Site], list[Problem]]:
    """Validate gazetteer rows; return the usable sites and every problem found.

    ``records`` are ``(row_number, cells)`` pairs, the first being the header
    (row 1 as a spreadsheet counts it). Cross-row checks: duplicate ids, and a
    name or alias whose full key (core and kind hint) two sites of the same
    country claim — such a name could never be resolved.
    """
    problems: list[Problem] = []
    records = iter(records)
    header_row = next(records, None)
    if header_row is None:
        return [], [Problem(source, 1, None, "empty file: expected a header row")]
    header = [h.strip().lower() for h in header_row[1]]
    missing = [c for c in REQUIRED if c not in header]
    problems += [Problem(source, header_row[0], c, "missing column") for c in missing]
    if missing:
        return [], problems

    sites: list[Site] = []
    first_row_of_id: dict[str, int] = {}
    claimed: dict[tuple[str, NameKey], tuple[str, int]] = {}
    for row_number, cells in records:
        if not any(c.strip() for c in cells):
            continue  # blank line
        row = {c: "" for c in COLUMNS}
        row.update({h: v.strip() for h, v in zip(header, cells)})

        def problem(column: str | None, reason: str, _n: int = row_number) -> None:
            problems.append(Problem(source, _n, column, reason))

        problems_before = len(problems)
        if len(cells) > len(header):
            problem(None, f"{len(cells)} cells but the header has {len(header)} columns")
        coordinates = _check_row(row, problem)
        row_is_valid = len(problems) == problems_before and coordinates is not None
        site_id = row["id"]
        if site_id in first_row_of_id:
            problem("id", f"duplicate id {site_id!r} (first on row {first_row_of_id[site_id]})")
            continue
        if site_id:
            first_row_of_id[site_id] = row_number
        for column, text in [("name", row["name"])] + [("aliases", a) for a in _split_aliases(row["aliases"])]:
            key = name_key(text)
            owner = claimed.setdefault((row["country"], key), (site_id, row_number))
            if owner[0] != site_id:
                problem(column, f"{text!r} is also claimed by {owner[0]!r} (row {owner[1]}) in {row['country']}")
        if row_is_valid:
            sites.append(_site(row, *coordinates))
    return sites, problems

