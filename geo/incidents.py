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
from geo.places.countries import is_country_code, point_problem
from geo.errors import Problem, ValidationError

__all__ = [
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "EVENT_TYPES",
    "ATTRIBUTIONS",
    "STATUSES",
    "FIELDS",
    "ID_PATTERN",
    "MAX_COUNT",
    "MAX_ID_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "TEXT_LIMITS",
    "Source",
    "Incident",
    "source_label",
    "incident_id",
    "place_key",
    "incident_from_row",
    "incident_problems",
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

# --- limits: what every way in accepts, and exactly what both stores can hold -------------------
#
# One set, checked by validate_incident for every importer, form, restore and store write, so
# a dry run and the real import agree and SQLite accepts nothing PostgreSQL would refuse.

MIN_YEAR, MAX_YEAR = 1900, 2100  # the same plausibility window as link dates (geo.view.viewstate)
MAX_COUNT = 2**31 - 1  # figures are INTEGER columns: PostgreSQL's int4 (SQLite would take 2**63 - 1)
MAX_ID_LENGTH = 64  # incidents.id is VARCHAR(64)
# What ?sel= accepts (geo.view.viewstate), so that every stored incident has a working permalink.
ID_PATTERN = re.compile(r"[A-Za-z0-9:_.\-]{1,%d}" % MAX_ID_LENGTH)
# Characters per text field: the store's VARCHAR sizes, and generous bounds for TEXT columns
# (an ACLED note runs to ~2,000 characters) so one row cannot hold megabytes.
TEXT_LIMITS = {
    "site_id": 100,
    "location": 1_000,
    "admin1": 1_000,
    "actor": 1_000,
    "attributed_by": 1_000,
    "target": 1_000,
    "damage": 10_000,
    "summary": 50_000,
}
SOURCE_TEXT_LIMITS = {"outlet": 1_000, "url": 4_000, "title": 2_000, "evidence": 50_000}


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
            try:
                published = dt.date.fromisoformat(published[:10])
            except ValueError:
                raise ValueError(f"published {published[:40]!r} is not a YYYY-MM-DD date") from None
        elif published not in (None, "") and type(published) is not dt.date:
            raise ValueError(f"published {published!r} is not a YYYY-MM-DD date string")
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
    """Reasons ``inc`` is not a valid incident, each ``"field: reason"`` (empty list when valid).

    The model's rules and the limits above; no borders (see :func:`incident_problems`).
    """
    reasons = []
    if not isinstance(inc.id, str) or not inc.id:
        reasons.append("id: missing")
    else:
        reasons += _id_reasons(inc.id)
    if not _in_window(inc.date):
        shown = inc.date.isoformat() if isinstance(inc.date, dt.date) else _short(inc.date)
        reasons.append(f"date: {shown} is an implausible date, outside {MIN_YEAR}-{MAX_YEAR} (typo in the year?)")
    if inc.date_precision not in DATE_PRECISIONS:
        reasons.append(f"date_precision: {inc.date_precision!r} is not one of {', '.join(DATE_PRECISIONS)}")
    if not (isinstance(inc.lat, float) and math.isfinite(inc.lat) and -90 <= inc.lat <= 90):
        reasons.append(f"lat: {inc.lat!r} is not a latitude in [-90, 90]")
    if not (isinstance(inc.lon, float) and math.isfinite(inc.lon) and -180 <= inc.lon <= 180):
        reasons.append(f"lon: {inc.lon!r} is not a longitude in [-180, 180]")
    if inc.geo_precision not in GEO_PRECISIONS:
        reasons.append(f"geo_precision: {inc.geo_precision!r} is not one of 1, 2, 3, 4")
    if not is_country_code(inc.country):
        reasons.append(f"country: {_short(inc.country)} is not an ISO 3166-1 alpha-2 code of a country")
    if inc.event_type not in EVENT_TYPES:
        reasons.append(f"event_type: {_short(inc.event_type)} is not one of {', '.join(EVENT_TYPES)}")
    if inc.actor_family not in FAMILIES:
        reasons.append(f"actor_family: {_short(inc.actor_family)} is not one of {', '.join(FAMILIES)}")
    if inc.attribution not in ATTRIBUTIONS:
        reasons.append(f"attribution: {_short(inc.attribution)} is not one of {', '.join(ATTRIBUTIONS)}")
    if inc.status not in STATUSES:
        reasons.append(f"status: {_short(inc.status)} is not one of {', '.join(STATUSES)}")
    if not isinstance(inc.intercepted, bool):
        reasons.append(f"intercepted: {inc.intercepted!r} is not true/false")
    reasons += _figure_and_text_reasons(inc, TEXT_LIMITS, ": ", optional=("site_id",))
    if not isinstance(inc.sources, tuple):
        reasons.append("sources: not a list of sources")
    else:
        for number, src in enumerate(inc.sources, start=1):
            reasons += [f"sources: source {number}: {r}" for r in _source_reasons(src)]
    return reasons


def incident_problems(
    inc: Incident, *, source: str = "input", row: int | None = None, borders: bool = True
) -> list[Problem]:
    """Everything wrong with ``inc`` as problems naming ``source``, ``row`` and the field.

    The one validation of an incident: :func:`validate_incident` (the model and its limits)
    plus the point-in-country check (:func:`geo.places.countries.point_problem`). Every importer,
    the Ingest and Edit forms and ``geo check`` use it; stores and restore leave the borders
    out (``borders=False``): the limits are what decides what a database can hold.
    """
    problems = [_problem(source, row, r) for r in validate_incident(inc)]
    fields_with_problems = {p.field for p in problems}
    if borders and not fields_with_problems & {"lat", "lon", "country"}:
        reason = point_problem(inc.lat, inc.lon, inc.country)
        if reason:
            problems.append(Problem(source, row, "lon" if reason.startswith("longitude") else "lat", reason))
    return problems


def _problem(source: str, row: int | None, reason: str) -> Problem:
    """A :func:`validate_incident` reason (``"field: why"``) as a :class:`Problem`."""
    name, why = reason.split(": ", 1)
    return Problem(source, row, name, why)


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, cut so a hostile megabyte never ends up in a message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _in_window(date: Any) -> bool:
    return isinstance(date, dt.date) and not isinstance(date, dt.datetime) and MIN_YEAR <= date.year <= MAX_YEAR


def _id_reasons(value: str) -> list[str]:
    if len(value) > MAX_ID_LENGTH:
        return [f"id: {len(value):,} characters; at most {MAX_ID_LENGTH} are stored"]
    if not ID_PATTERN.fullmatch(value):
        return [f"id: {_short(value)} may only hold letters, digits and : _ . - (the link format ?sel= opens)"]
    return []


def _count_reason(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{_short(value)} is not a whole number"
    if value < 0:
        return f"{value} is negative"
    if value > MAX_COUNT:
        return f"{_short(value)} is larger than {MAX_COUNT:,}"
    return None


def _plain_text(value: Any, limit: int) -> bool:
    """The fast, usual case of :func:`_text_reason` finding nothing wrong (ASCII, short, no NUL)."""
    return value.__class__ is str and len(value) <= limit and "\x00" not in value and value.isascii()


def _text_reason(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return f"{_short(value)} is not text"
    if len(value) > limit:
        return f"{len(value):,} characters; at most {limit:,}"
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate, which is not text (broken encoding?)"
    return None


def _source_reasons(src: Any) -> list[str]:
    if not isinstance(src, Source):
        return ["not a source"]
    reasons = []
    if src.published is not None and not _in_window(src.published):
        shown = src.published.isoformat() if isinstance(src.published, dt.date) else _short(src.published)
        reasons.append(f"published {shown} is not a date in {MIN_YEAR}-{MAX_YEAR}")
    return reasons + _figure_and_text_reasons(src, SOURCE_TEXT_LIMITS, " ")


def _figure_and_text_reasons(obj: Any, text_limits: Mapping[str, int], sep: str, optional=()) -> list[str]:
    """Reasons the figures (whole, >= 0, within MAX_COUNT) and texts of an incident or source break a limit."""
    reasons = []
    for name in ("munitions", "killed", "injured"):
        reason = _count_reason(getattr(obj, name))
        if reason:
            reasons.append(f"{name}{sep}{reason}")
    for name, limit in text_limits.items():
        value = getattr(obj, name)
        if _plain_text(value, limit) or (value is None and name in optional):
            continue
        reason = _text_reason(value, limit)  # None for good text that is not ASCII
        if reason:
            reasons.append(f"{name}{sep}{reason}")
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


def incident_from_row(
    row: Mapping[str, Any], *, source: str = "input", rownum: int | None = None, strict: bool = True
) -> Incident:
    """Parse one row of strings (or already-typed values) into an :class:`Incident`.

    Raises :class:`ValidationError` listing every problem in the row, each naming
    ``source``, ``rownum`` and the field. ``strict=False`` only parses (a value that is
    not a date or number still raises) and skips :func:`validate_incident`: how stores
    read, so that a row written before today's limits still loads and can be fixed;
    every write validates again.
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
    reasons = validate_incident(inc) if strict else ()
    if reasons:
        raise ValidationError([_problem(source, rownum, r) for r in reasons])
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
