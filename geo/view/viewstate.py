"""The whole view as URL query parameters, and back.

A copied link must reopen exactly the same view, so every piece of view state
(filters, map centre and zoom, selected incident) round-trips through
:meth:`ViewState.to_params` / :func:`parse_params`. Parsing never raises: a
malformed or out-of-range parameter is dropped and reported as a notice the UI
shows, because a bad link should still open the dashboard.

Parameters (repeatable ones may appear several times, or comma-joined):

==========  =====================================================
``from``    first day, ``YYYY-MM-DD``
``to``      last day, ``YYYY-MM-DD``
``actor``   actor name, the group (repeatable)
``fam``     actor family: iran_aligned / iran / us / coalition / isis / other / unknown (repeatable)
``attr``    attribution: claimed / blamed / suspected / unknown (repeatable)
``type``    event type key, e.g. ``rocket`` (repeatable)
``country`` ISO 3166-1 alpha-2 (repeatable)
``q``       free text
``icpt``    ``1`` only intercepted attacks, ``0`` only impacts
``lat``     map centre latitude
``lon``     map centre longitude
``z``       map zoom (1..18)
``sel``     selected incident id
==========  =====================================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from geo.actors import FAMILIES, family_key
from geo.view.filters import Filters
from geo.incidents import ATTRIBUTIONS, EVENT_TYPES, ID_PATTERN

__all__ = ["PARAMS", "ViewState", "parse_params", "MAX_NUMBER_LENGTH", "MAX_PARAM_LENGTH", "MAX_VALUE_LENGTH", "MAX_VALUES"]

PARAMS = ("from", "to", "fam", "actor", "attr", "type", "country", "q", "icpt", "lat", "lon", "z", "sel")
MAX_VALUE_LENGTH = 200  # longer values are junk or an attack on the page, not a filter
MAX_VALUES = 50
# Bounds checked before any conversion: a raw parameter (comma-joined lists included) longer
# than MAX_PARAM_LENGTH is dropped unread, and a number longer than MAX_NUMBER_LENGTH never
# reaches int()/float() (int() of 4,301 digits raises; of 100,000 digits it takes seconds).
MAX_PARAM_LENGTH = 1000
MAX_NUMBER_LENGTH = 32
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ISO2 = re.compile(r"^[A-Z]{2}$")

# Default map view: Iraq and Syria.
DEFAULT_CENTER = (34.5, 41.5)
DEFAULT_ZOOM = 6


@dataclass(frozen=True)
class ViewState:
    filters: Filters = field(default_factory=Filters)
    center: tuple[float, float] | None = None
    zoom: int | None = None
    selected: str | None = None

    def with_filters(self, **changes) -> "ViewState":
        return replace(self, filters=replace(self.filters, **changes))

    def to_params(self) -> dict[str, str | list[str]]:
        """Query parameters for this view; empty/default parts are left out to keep links short."""
        f = self.filters
        p: dict[str, str | list[str]] = {}
        if f.date_from:
            p["from"] = f.date_from.isoformat()
        if f.date_to:
            p["to"] = f.date_to.isoformat()
        for key, values in (
            ("fam", f.families), ("actor", f.actors), ("attr", f.attributions), ("type", f.event_types), ("country", f.countries),
        ):  # fmt: skip
            if values:
                p[key] = list(values)
        if f.text:
            p["q"] = f.text
        if f.intercepted is not None:
            p["icpt"] = "1" if f.intercepted else "0"
        if self.center is not None:
            p["lat"] = f"{self.center[0]:.4f}"
            p["lon"] = f"{self.center[1]:.4f}"
        if self.zoom is not None:
            p["z"] = str(self.zoom)
        if self.selected:
            p["sel"] = self.selected
        return p


def _values(params: Mapping[str, object], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)  # type: ignore[arg-type]
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _last(params: Mapping[str, object], key: str) -> str | None:
    values = _values(params, key) if key not in ("q", "actor") else _raw(params, key)
    return values[-1] if values else None


def _raw(params: Mapping[str, object], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]  # type: ignore[union-attr]


def _bounded(params: Mapping[str, object], drop) -> dict[str, list[str]]:
    """The known parameters as lists of strings, without values too long or with control characters.

    Runs before anything converts a value, so no parser ever sees an unbounded string.
    """
    out: dict[str, list[str]] = {}
    for key in PARAMS:
        kept = []
        for value in _raw(params, key):
            if len(value) > MAX_PARAM_LENGTH:
                drop(key, value, f"longer than {MAX_PARAM_LENGTH} characters")
            elif _CONTROL.search(value):
                drop(key, _CONTROL.sub("?", value), "contains control characters")
            else:
                kept.append(value)
        if kept:
            out[key] = kept
    return out


def _number(text: str | None) -> float:
    """A finite decimal number written in ASCII (ValueError otherwise, before float() sees a long string)."""
    if text is None or len(text) > MAX_NUMBER_LENGTH or not text.isascii():
        raise ValueError(text)
    return float(text)


def _coordinate(text: str, limit: float) -> float | None:
    """``text`` as a number (as :func:`_number` reads one) in [-limit, limit], else None (NaN too)."""
    try:
        value = _number(text)
    except ValueError:
        return None
    return value if -limit <= value <= limit else None


def parse_params(params: Mapping[str, object], *, known_actors: Iterable[str] | None = None) -> tuple[ViewState, list[str]]:
    """Parse query parameters into a :class:`ViewState` plus human-readable notices.

    ``params`` maps a key to a string or a list of strings (``st.query_params.to_dict()``
    gives the last value only, so the UI passes ``{k: get_all(k)}``). ``known_actors``
    (when given) drops actor names the data does not have.
    """
    notices: list[str] = []

    def drop(key: str, value: str, why: str) -> None:
        shown = value if len(value) <= 40 else value[:37] + "..."
        notices.append(f"Ignored link parameter {key}={shown!r}: {why}.")

    params = _bounded(params, drop)

    def date_param(key: str) -> dt.date | None:
        value = _last(params, key)
        if value is None:
            return None
        try:
            d = dt.date.fromisoformat(value)
        except ValueError:
            drop(key, value, "not a date (YYYY-MM-DD)")
            return None
        if not (1900 <= d.year <= 2100):
            drop(key, value, "year out of range")
            return None
        return d

    def multi(key: str, allowed: Iterable[str] | None, normalise=lambda s: s, raw: bool = False) -> tuple[str, ...]:
        values = _raw(params, key) if raw else _values(params, key)
        allowed_set = set(allowed) if allowed is not None else None
        out: list[str] = []
        for value in values[:MAX_VALUES]:
            v = normalise(value.strip())
            if not v or len(v) > MAX_VALUE_LENGTH:
                drop(key, value, "empty or too long")
            elif allowed_set is not None and v not in allowed_set:
                drop(key, value, "unknown value")
            elif v not in out:
                out.append(v)
        if len(values) > MAX_VALUES:
            notices.append(f"Ignored {len(values) - MAX_VALUES} extra {key} parameters (at most {MAX_VALUES}).")
        return tuple(out)

    date_from, date_to = date_param("from"), date_param("to")
    if date_from and date_to and date_from > date_to:
        notices.append(f"Link had from={date_from} after to={date_to}; swapped them.")
        date_from, date_to = date_to, date_from

    text = _last(params, "q") or ""
    if len(text) > MAX_VALUE_LENGTH:
        drop("q", text, "too long")
        text = ""

    intercepted = None
    icpt = _last(params, "icpt")
    if icpt is not None:
        if icpt in ("0", "1"):
            intercepted = icpt == "1"
        else:
            drop("icpt", icpt, "expected 0 or 1")

    filters = Filters(
        date_from=date_from,
        date_to=date_to,
        # Actor names may contain commas, so they are only ever repeated, never split.
        actors=multi("actor", known_actors, raw=True),
        # A link written before families existed has no "fam": it shows every family, as it did.
        families=multi("fam", FAMILIES, lambda v: family_key(v) or v),
        attributions=multi("attr", ATTRIBUTIONS, str.lower),
        event_types=multi("type", EVENT_TYPES, str.lower),
        countries=multi("country", None, str.upper),
    )
    bad_countries = [c for c in filters.countries if not _ISO2.match(c)]
    for c in bad_countries:
        drop("country", c, "not a two-letter country code")
    filters = replace(
        filters,
        countries=tuple(c for c in filters.countries if c not in bad_countries),
        text=text,
        intercepted=intercepted,
    )

    center = None
    lat_s, lon_s = _last(params, "lat"), _last(params, "lon")
    if lat_s is not None or lon_s is not None:
        # Each bad half is named with its value as typed ("lat='999'", never "lat/lon='999,'").
        halves = [(key, text, limit, _coordinate(text, limit))
                  for key, text, limit in (("lat", lat_s, 90), ("lon", lon_s, 180)) if text is not None]  # fmt: skip
        bad = [(key, text, limit) for key, text, limit, value in halves if value is None]
        for key, text, limit in bad:
            drop(key, text, f"not a {'latitude' if key == 'lat' else 'longitude'} (a number in [-{limit}, {limit}])")
        if not bad and len(halves) == 1:
            drop(halves[0][0], halves[0][1], "a map centre needs both lat and lon")
        if not bad and len(halves) == 2:
            center = (halves[0][3], halves[1][3])

    zoom = None
    z = _last(params, "z")
    if z is not None:
        # isascii(): "²" and other Unicode digits pass isdigit() but make int() raise.
        if len(z) <= 2 and z.isascii() and z.isdigit() and 1 <= int(z) <= 18:
            zoom = int(z)
        else:
            drop("z", z, "zoom must be a whole number from 1 to 18")

    selected = _last(params, "sel")
    if selected is not None and not ID_PATTERN.fullmatch(selected):  # the ids a store can hold
        drop("sel", selected, "not an incident id")
        selected = None

    return ViewState(filters=filters, center=center, zoom=zoom, selected=selected), notices
