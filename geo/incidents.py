"""The incident model: one attack, where and when it happened, who did it, and who says so.

Field meanings follow ACLED's codebook where one exists (``date_precision`` is
ACLED's ``time_precision``; ``geo_precision`` its ``geo_precision``), so an
ACLED export maps onto this model without loss.

Unknown is not zero: ``killed``/``injured``/``munitions`` are ``None`` when no
source states them, and ``0`` only when a source says "no casualties".

Everything here is pure: no I/O beyond converting to and from plain rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Iterable, Mapping

from geo.actors import FAMILIES, family_key, family_of
from geo.errors import Problem, ValidationError

__all__ = [
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "EVENT_TYPES",
    "ATTRIBUTIONS",
    "STATUSES",
    "FIELDS",
    "Source",
    "Incident",
    "source_label",
    "incident_id",
    "place_key",
    "incident_from_row",
    "incident_to_row",
    "validate_incident",
]

# ACLED time_precision 1/2/3.
DATE_PRECISIONS = ("day", "week", "month")

# ACLED geo_precision semantics, restated for our sites.
GEO_PRECISIONS = {
    1: "the site itself",
    2: "near a site or town",
    3: "province / region",
    4: "country",
}

EVENT_TYPES = {
    "rocket": "Rocket",
    "missile": "Missile (ballistic or cruise)",
    "drone": "Drone / UAV",
    "indirect_fire": "Indirect fire / mortar",
    "artillery": "Artillery / shelling",
    "rpg": "Rocket-propelled grenade",
    "ied": "IED / roadside bomb",
    "small_arms": "Small arms",
    "airstrike": "Airstrike",
    "other": "Other / unspecified attack",
}

ATTRIBUTIONS = {
    "claimed": "Claimed by the perpetrator",
    "blamed": "Blamed by officials",
    "suspected": "Suspected",
    "unknown": "Unknown",
}

STATUSES = ("proposed", "reviewed", "verified")

# Column order of our CSV format and of exported properties.
FIELDS = (
    "id",
    "date",
    "date_precision",
    "site_id",
    "location",
    "lat",
    "lon",
    "geo_precision",
    "country",
    "admin1",
    "event_type",
    "intercepted",
    "actor",
    "actor_family",
    "attribution",
    "attributed_by",
    "target",
    "munitions",
    "killed",
    "injured",
    "damage",
    "summary",
    "sources",
    "status",
)

_ISO2 = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Source:
    """One report of an incident, with the figures *that* report gives.

    Keeping figures per source lets conflicting reports (five vs eight rockets)
    stand side by side instead of one silently overwriting the other.
    """

    outlet: str
    url: str = ""
    published: dt.date | None = None
    title: str = ""
    evidence: str = ""
    munitions: int | None = None
    killed: int | None = None
    injured: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d

    @property
    def label(self) -> str:
        """:func:`source_label` of this source."""
        return source_label(self.outlet, self.published, self.title, self.url)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Source":
        published = d.get("published")
        if isinstance(published, str) and published:
            published = dt.date.fromisoformat(published[:10])
        return cls(
            outlet=str(d.get("outlet") or ""),
            url=str(d.get("url") or ""),
            published=published or None,
            title=str(d.get("title") or ""),
            evidence=str(d.get("evidence") or ""),
            munitions=_opt_int(d.get("munitions")),
            killed=_opt_int(d.get("killed")),
            injured=_opt_int(d.get("injured")),
        )


def source_label(outlet: str | None, published: object, title: str | None, url: str | None = None) -> str:
    """How a source reads to a person: "Reuters, 2022-01-05: Five rockets land near Ain al-Asad".

    Any part may be missing; with none, the link's address, else "Source".
    ``published`` is a date or ISO text (the sources JSON holds text).
    """
    outlet, title = (outlet or "").strip(), (title or "").strip()
    day = published.isoformat() if isinstance(published, dt.date) else str(published or "")[:10]
    head = ", ".join(x for x in (outlet, day) if x)
    if head and title:
        return f"{head}: {title}"
    return head or title or (url or "").strip() or "Source"


@dataclass(frozen=True)
class Incident:
    id: str
    date: dt.date
    date_precision: str
    lat: float
    lon: float
    geo_precision: int
    country: str
    event_type: str
    site_id: str | None = None
    location: str = ""
    admin1: str = ""
    intercepted: bool = False
    actor: str = "Unknown"
    attribution: str = "unknown"
    attributed_by: str = ""
    target: str = ""
    munitions: int | None = None
    killed: int | None = None
    injured: int | None = None
    damage: str = ""
    summary: str = ""
    sources: tuple[Source, ...] = field(default_factory=tuple)
    status: str = "proposed"
    # The actor's family (:data:`geo.actors.FAMILIES`); empty means "derive it from ``actor``".
    # Stored, not only derived: an importer may know more than the actor's name says (ACLED's
    # associated actors), and an editor may correct it.
    actor_family: str = ""

    def __post_init__(self) -> None:
        if not self.actor_family:
            object.__setattr__(self, "actor_family", family_of(self.actor))

    def with_changes(self, **changes: Any) -> "Incident":
        if "actor" in changes and "actor_family" not in changes and changes["actor"] != self.actor:
            changes["actor_family"] = ""  # a new actor brings its own family
        return replace(self, **changes)

    def figure_range(self, name: str) -> tuple[int, int] | None:
        """(min, max) of a figure over the incident and its sources, or None if unknown."""
        values = [getattr(self, name)] + [getattr(s, name) for s in self.sources]
        known = [v for v in values if v is not None]
        return (min(known), max(known)) if known else None


def place_key(site_id: str | None, lat: float, lon: float) -> str:
    """What places an incident for its id: the site, else coordinates rounded to ~100 m.

    Rounding keeps the id stable when a file is re-saved with fewer decimals.
    """
    return site_id or f"{round(lat, 3)},{round(lon, 3)}"


def incident_id(date: dt.date, place_key: str, event_type: str) -> str:
    """A stable id from what identifies an attack, so re-importing never duplicates.

    ``place_key`` is the site id when known, else the rounded coordinates.
    """
    digest = hashlib.sha1(f"{date.isoformat()}|{place_key}|{event_type}".encode()).hexdigest()[:10]
    return f"inc-{date.isoformat()}-{digest}"


def validate_incident(inc: Incident) -> list[str]:
    """Reasons ``inc`` is not a valid incident (empty list when valid)."""
    reasons = []
    if not inc.id:
        reasons.append("id: missing")
    if inc.date_precision not in DATE_PRECISIONS:
        reasons.append(f"date_precision: {inc.date_precision!r} is not one of {', '.join(DATE_PRECISIONS)}")
    if not (isinstance(inc.lat, float) and math.isfinite(inc.lat) and -90 <= inc.lat <= 90):
        reasons.append(f"lat: {inc.lat!r} is not a latitude in [-90, 90]")
    if not (isinstance(inc.lon, float) and math.isfinite(inc.lon) and -180 <= inc.lon <= 180):
        reasons.append(f"lon: {inc.lon!r} is not a longitude in [-180, 180]")
    if inc.geo_precision not in GEO_PRECISIONS:
        reasons.append(f"geo_precision: {inc.geo_precision!r} is not one of 1, 2, 3, 4")
    if not _ISO2.match(inc.country or ""):
        reasons.append(f"country: {inc.country!r} is not an ISO 3166-1 alpha-2 code")
    if inc.event_type not in EVENT_TYPES:
        reasons.append(f"event_type: {inc.event_type!r} is not one of {', '.join(EVENT_TYPES)}")
    if inc.actor_family not in FAMILIES:
        reasons.append(f"actor_family: {inc.actor_family!r} is not one of {', '.join(FAMILIES)}")
    if inc.attribution not in ATTRIBUTIONS:
        reasons.append(f"attribution: {inc.attribution!r} is not one of {', '.join(ATTRIBUTIONS)}")
    if inc.status not in STATUSES:
        reasons.append(f"status: {inc.status!r} is not one of {', '.join(STATUSES)}")
    for name in ("munitions", "killed", "injured"):
        value = getattr(inc, name)
        if value is not None and value < 0:
            reasons.append(f"{name}: {value} is negative")
    return reasons


# --- rows (CSV / database / GeoJSON properties) --------------------------------------


def incident_to_row(inc: Incident) -> dict[str, Any]:
    """A flat dict of plain values in :data:`FIELDS` order; sources as a JSON string."""
    row: dict[str, Any] = {}
    for f in fields(Incident):
        value = getattr(inc, f.name)
        if f.name == "date":
            value = value.isoformat()
        elif f.name == "sources":
            value = json.dumps([s.to_dict() for s in value], ensure_ascii=False)
        row[f.name] = value
    return {name: row[name] for name in FIELDS}


def incident_from_row(row: Mapping[str, Any], *, source: str = "input", rownum: int | None = None) -> Incident:
    """Parse one row of strings (or already-typed values) into an :class:`Incident`.

    Raises :class:`ValidationError` listing every problem in the row, each naming
    ``source``, ``rownum`` and the field.
    """
    problems: list[Problem] = []

    def bad(field_name: str, reason: str) -> None:
        problems.append(Problem(source, rownum, field_name, reason))

    def text(name: str, default: str = "") -> str:
        value = row.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return default
        return str(value).strip()

    values: dict[str, Any] = {}
    for name in ("id", "location", "admin1", "actor", "attributed_by", "target", "damage", "summary"):
        values[name] = text(name)
    values["actor"] = values["actor"] or "Unknown"
    values["site_id"] = text("site_id") or None
    values["country"] = text("country").upper()
    values["date_precision"] = text("date_precision", "day").lower() or "day"
    values["event_type"] = text("event_type").lower()
    values["attribution"] = (text("attribution") or "unknown").lower()
    # Older files have no actor_family column: the family follows from the actor.
    family = text("actor_family")
    values["actor_family"] = family_key(family) or family
    values["status"] = (text("status") or "proposed").lower()

    raw_date = row.get("date")
    if isinstance(raw_date, dt.datetime):
        values["date"] = raw_date.date()
    elif isinstance(raw_date, dt.date):
        values["date"] = raw_date
    else:
        try:
            values["date"] = dt.date.fromisoformat(text("date"))
        except ValueError:
            bad("date", f"{text('date')!r} is not a date (expected YYYY-MM-DD)")

    for name in ("lat", "lon"):
        try:
            values[name] = float(text(name))
            if not math.isfinite(values[name]):
                raise ValueError
        except ValueError:
            bad(name, f"{text(name)!r} is not a number")

    try:
        values["geo_precision"] = int(text("geo_precision", "1") or "1")
    except ValueError:
        bad("geo_precision", f"{text('geo_precision')!r} is not 1, 2, 3 or 4")

    for name in ("munitions", "killed", "injured"):
        try:
            values[name] = _opt_int(row.get(name))
        except ValueError:
            bad(name, f"{text(name)!r} is not a whole number (leave empty when unknown)")

    flag = text("intercepted").lower()
    if flag in ("", "0", "false", "no", "n"):
        values["intercepted"] = False
    elif flag in ("1", "true", "yes", "y"):
        values["intercepted"] = True
    else:
        bad("intercepted", f"{flag!r} is not true/false")

    raw_sources = row.get("sources")
    try:
        if isinstance(raw_sources, (list, tuple)):
            items = raw_sources
        else:
            items = json.loads(text("sources") or "[]")
            if not isinstance(items, list):
                raise ValueError("not a list")
        values["sources"] = tuple(s if isinstance(s, Source) else Source.from_dict(s) for s in items)
    except (ValueError, TypeError, AttributeError) as exc:
        bad("sources", f"not a JSON list of sources ({exc})")

    if problems:
        raise ValidationError(problems)
    inc = Incident(**values)
    reasons = validate_incident(inc)
    if reasons:
        raise ValidationError(
            [Problem(source, rownum, r.split(":", 1)[0], r.split(": ", 1)[1]) for r in reasons]
        )
    return inc


def _opt_int(value: Any) -> int | None:
    """None for missing/empty, else an int; raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    s = str(value).strip()
    if s == "" or s.lower() in ("unknown", "na", "n/a", "none", "null"):
        return None
    if re.fullmatch(r"-?\d+(\.0+)?", s):
        return int(float(s))
    raise ValueError(value)


def sort_key(inc: Incident) -> tuple:
    return (inc.date, inc.id)


def unique_ids(incidents: Iterable[Incident]) -> bool:
    ids = [i.id for i in incidents]
    return len(ids) == len(set(ids))
