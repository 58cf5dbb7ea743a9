"""GeoJSON FeatureCollections of Point features as incidents.

Properties use our field names (:data:`geo.incidents.FIELDS`, as
``geo.formats.export`` writes them); the position comes from the geometry, which
GeoJSON orders ``[longitude, latitude]``. A feature without an ``id`` property
gets the stable :func:`~geo.incidents.incident_id` of its date, place and
event type, so re-importing the same file never duplicates.

Problems are reported per feature: ``row`` is the feature's 1-based number in
``features`` (the first feature is row 1, i.e. ``features[0]``). Any bad
feature means nothing is imported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson

from geo.formats.batch import convert_all
from geo.places.countries import point_problem
from geo.errors import InputError, Problem, ValidationError
from geo.incidents import Incident, incident_from_row, incident_id, place_key
from geo.formats.readfile import TextSource, read_text

__all__ = ["REQUIRED_PROPERTIES", "feature_to_incident", "parse_geojson", "read_geojson"]

REQUIRED_PROPERTIES = ("date", "event_type", "country")

# Exported properties repeat lat/lon; they may differ from the geometry only by
# float formatting, never by a real distance (1e-6 degrees is ~10 cm).
_SAME_POSITION = 1e-6


def read_geojson(path_or_bytes: TextSource, source_name: str | None = None) -> list[Incident]:
    """Incidents of a GeoJSON file (path, bytes or open file); see :func:`parse_geojson`."""
    text, name = read_text(path_or_bytes, name=source_name)
    return parse_geojson(text, source=name)


def parse_geojson(data: str | Mapping[str, Any], *, source: str = "upload") -> list[Incident]:
    """Incidents of GeoJSON text (or an already-parsed dict).

    Raises :class:`InputError` when the document is not a Feature or
    FeatureCollection at all, :class:`ValidationError` listing every bad feature.
    """
    if isinstance(data, str):
        try:
            data = orjson.loads(data)  # several times faster than json on large collections
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        features = [data]
    elif kind == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise InputError(f"{source}: not a GeoJSON FeatureCollection (top-level type is {kind!r})")

    def convert(feature: Any, number: int) -> Incident:
        return feature_to_incident(feature, source=source, rownum=number)

    return convert_all(enumerate(features, start=1), convert, source=source, unit="feature")


def feature_to_incident(feature: Any, *, source: str = "upload", rownum: int | None = None) -> Incident:
    """One Point feature as an :class:`Incident`; raises ValidationError listing its problems."""
    problems: list[Problem] = []

    def bad(field: str | None, reason: str) -> None:
        problems.append(Problem(source, rownum, field, reason))

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError([Problem(source, rownum, None, "is not a GeoJSON Feature object")])
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        bad("properties", "is not an object")
        props = {}

    position = _point(feature.get("geometry"), bad)
    for name in REQUIRED_PROPERTIES:
        if props.get(name) in (None, ""):
            bad(name, "required property is missing")
    if position is not None:
        lon, lat = position
        reason = point_problem(lat, lon, str(props.get("country") or "").upper() or None)
        if reason:
            bad("geometry", reason)
        for name, value in (("lat", lat), ("lon", lon)):
            given = _number(props.get(name))
            if given is not None and abs(given - value) > _SAME_POSITION:
                bad(name, f"property {name}={given} disagrees with the geometry ({value}); remove one of them")
    if problems:
        raise ValidationError(problems)

    row = dict(props)
    # Agreeing lat/lon properties win: exports round the geometry, not the properties.
    row["lat"] = _number(props.get("lat")) if _number(props.get("lat")) is not None else lat
    row["lon"] = _number(props.get("lon")) if _number(props.get("lon")) is not None else lon
    row["id"] = str(props.get("id") or "") or "pending"
    inc = incident_from_row(row, source=source, rownum=rownum)
    if not props.get("id"):
        # The same place key as geo.formats.csvio uses, so a file converted between formats keeps its ids.
        inc = inc.with_changes(id=incident_id(inc.date, place_key(inc.site_id, inc.lat, inc.lon), inc.event_type))
    return inc


def _point(geometry: Any, bad) -> tuple[float, float] | None:
    """(lon, lat) of a Point geometry, or None after reporting why it is not one."""
    if not isinstance(geometry, dict):
        bad("geometry", "is missing (null); every incident needs a Point")
        return None
    if geometry.get("type") != "Point":
        bad("geometry", f"is a {geometry.get('type')!r}; only Point features can be imported")
        return None
    coords = geometry.get("coordinates")
    if (
        not isinstance(coords, (list, tuple))
        or len(coords) not in (2, 3)  # a third value is an elevation, which we ignore
        or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in coords)
    ):
        bad("geometry", f"coordinates {coords!r} are not [longitude, latitude]")
        return None
    return float(coords[0]), float(coords[1])


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
