"""Merge newly extracted incidents into the stored ones.

Several outlets report the same attack, each with its own figures ("five
rockets" vs "eight rounds"). :func:`merge` decides, for every new incident,
whether it is an attack already known (then the existing incident gains the
new report as a :class:`~geo.incidents.Source`) or a new one (then it is
added). Pure: it returns a :class:`MergePlan` and writes nothing.

Two incidents are the same attack when

* **place**: they share a site id, or their points are within ``km`` (10);
* **date**: the days their dates and precisions allow overlap ("Wednesday"
  and "early January" can be the same day, Monday and Wednesday cannot);
* **type**: compatible: equal, or both ground-launched fire (rocket, missile,
  indirect fire, artillery: reporters call the same salvo "rockets", "rounds"
  or "shells"), or one of them unspecified (``other``); an intercepted and a
  successful drone attack can still be one attack seen by two sources;
* **side**: not attributed to opposite sides (a militia salvo and the
  coalition's counter-fire at the same spot are two incidents).

Figures are never averaged: each source keeps its own, the incident shows
the largest known value, and :meth:`Incident.figure_range` gives the spread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from geo.reports.dates import date_window
from geo.incidents import Incident, Source

__all__ = ["MergePlan", "combine", "distance_km", "merge", "same_incident", "types_compatible"]

_FIRE = frozenset({"rocket", "missile", "indirect_fire", "artillery"})
_ATTRIBUTION_RANK = {"unknown": 0, "suspected": 1, "blamed": 2, "claimed": 3}
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2}
# Actors on the side of the states whose forces are attacked: their strikes and
# counter-fire are never the same incident as an armed group's attack. Names
# come from extraction (canonical) or from imported files (free text).
_STATE_SIDE = re.compile(r"\b(?:U\.?S\.?|United\s+States|American|coalition|CENTCOM|Pentagon|Israel\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MergePlan:
    """What to write: ``added`` new incidents, ``updated`` existing ones with new sources.

    ``matches`` pairs each merged new incident's id with the existing id it
    joined; ``unchanged`` lists existing ids a new incident only repeated
    (same source already attached, nothing new).
    """

    added: tuple[Incident, ...] = ()
    updated: tuple[Incident, ...] = ()
    matches: tuple[tuple[str, str], ...] = ()
    unchanged: tuple[str, ...] = ()

    def incidents(self) -> list[Incident]:
        """Everything to upsert, in one list (ids are unique)."""
        return [*self.added, *self.updated]

    def summary(self) -> str:
        return f"{len(self.added)} new, {len(self.updated)} updated, {len(self.unchanged)} already known"


def types_compatible(a: str, b: str) -> bool:
    """Whether two event types can describe the same attack in different reports."""
    return a == b or "other" in (a, b) or (a in _FIRE and b in _FIRE)


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _km(a: Incident, b: Incident) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def _side(actor: str) -> str | None:
    if not actor or actor == "Unknown":
        return None
    return "state" if _STATE_SIDE.search(actor) and not re.search(r"\b(?:Iran|militia)", actor, re.IGNORECASE) else "armed group"


def same_incident(a: Incident, b: Incident, *, km: float = 10.0) -> bool:
    """True when ``a`` and ``b`` describe one attack (see the module docstring)."""
    if not types_compatible(a.event_type, b.event_type):
        return False
    sa, sb = _side(a.actor), _side(b.actor)
    if sa and sb and sa != sb:
        return False
    a0, a1 = date_window(a.date, a.date_precision)
    b0, b1 = date_window(b.date, b.date_precision)
    if not (a0 <= b1 and b0 <= a1):
        return False
    if a.site_id and b.site_id and a.site_id == b.site_id:
        return True
    return _km(a, b) <= km


def _source_key(s: Source) -> tuple:
    return (s.outlet.strip().lower(), s.url.strip(), s.published)


def _max_known(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def combine(existing: Incident, new: Incident) -> Incident:
    """``existing`` with ``new``'s sources added and any sharper facts taken over."""
    keys = {_source_key(s) for s in existing.sources}
    sources = existing.sources + tuple(s for s in new.sources if _source_key(s) not in keys)
    changes: dict = {"sources": sources}
    for name in ("munitions", "killed", "injured"):
        changes[name] = _max_known(getattr(existing, name), getattr(new, name), *(getattr(s, name) for s in sources))
    # The more precise date and place win; the existing incident keeps its id.
    if _PRECISION_RANK[new.date_precision] < _PRECISION_RANK[existing.date_precision]:
        changes.update(date=new.date, date_precision=new.date_precision)
    if new.geo_precision < existing.geo_precision:
        changes.update(
            lat=new.lat, lon=new.lon, geo_precision=new.geo_precision, site_id=new.site_id,
            location=new.location or existing.location, country=new.country, admin1=new.admin1,
        )  # fmt: skip
    if existing.event_type == "other" and new.event_type != "other":
        changes["event_type"] = new.event_type
    if _ATTRIBUTION_RANK.get(new.attribution, 0) > _ATTRIBUTION_RANK.get(existing.attribution, 0):
        changes.update(actor=new.actor, attribution=new.attribution, attributed_by=new.attributed_by)
    elif existing.actor == "Unknown" and new.actor != "Unknown":
        changes["actor"] = new.actor
    for name in ("damage", "target", "summary"):
        if not getattr(existing, name) and getattr(new, name):
            changes[name] = getattr(new, name)
    return replace(existing, **changes)


def merge(existing: Sequence[Incident], new: Iterable[Incident], *, km: float = 10.0) -> MergePlan:
    """Plan how ``new`` incidents join ``existing`` ones; see the module docstring.

    New incidents are matched in order, also against each other, so that five
    reports of one attack ingested together become one incident with five sources.
    Among several candidates the closest in place (then in date) is joined.
    """
    current: dict[str, Incident] = {inc.id: inc for inc in existing}
    existing_ids = set(current)
    added: dict[str, Incident] = {}
    touched: set[str] = set()
    matches: list[tuple[str, str]] = []
    unchanged: list[str] = []
    for inc in new:
        pool = [*current.values(), *added.values()]
        found = [c for c in pool if same_incident(c, inc, km=km)]
        if not found:
            if inc.id in current or inc.id in added:
                # Same id (date, place, type) but judged different (e.g. opposite sides): keep both.
                inc = replace(inc, id=f"{inc.id}-{len(added) + 1}")
            added[inc.id] = inc
            continue
        best = min(found, key=lambda c: (c.site_id != inc.site_id, _km(c, inc), abs((c.date - inc.date).days)))
        merged = combine(best, inc)
        matches.append((inc.id, best.id))
        if best.id in added:
            added[best.id] = merged
        elif merged == best:
            unchanged.append(best.id)
        else:
            current[best.id] = merged
            touched.add(best.id)
    updated = tuple(current[i] for i in current if i in touched and i in existing_ids)
    return MergePlan(
        added=tuple(added.values()),
        updated=updated,
        matches=tuple(matches),
        unchanged=tuple(dict.fromkeys(i for i in unchanged if i not in touched)),
    )
