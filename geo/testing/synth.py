"""Realistic synthetic incidents, for benchmarks, demos and tests.

Everything is drawn with numpy for all rows at once (1,000,000 rows in a few
seconds) and is a pure function of ``(n, seed, sites)``: the same seed gives
the same frame, byte for byte.

What "realistic" means here, column by column:

* place: around real sites (the curated gazetteer when it exists, else
  :data:`BUILTIN_SITES`), weighted towards the bases attacked most, jittered
  by a distance that grows with ``geo_precision`` (hundreds of metres at the
  site, a few km near it, tens of km for a province) and kept inside the
  site's country box;
* date: 2019-01-01 to 2026-10-31, a thin background plus bursts around the
  escalations that dominate real data (January 2020, spring 2021, the
  October 2023 - February 2024 wave, ...); week/month precision dated on the
  period's first day as :mod:`geo.view.filters` expects;
* actor: skewed towards a few Iran-backed groups and "Unknown", then ISIS,
  Turkey and the US-led coalition, each with its own mix of event types,
  attributions and targets; a group never appears before its name existed
  ("Islamic Resistance in Iraq" from October 2023, when it claims most attacks);
* figures: munitions mostly small and often unknown, casualties mostly
  unknown or zero; ``None`` (unknown) is never written as 0;
* sources: 1-5 distinct outlets, each with a ``synthetic.invalid`` URL (a
  reserved domain, so nothing here can pass for a real report), published on
  the day or up to two days later; secondary sources sometimes give a
  different munitions count, as real reports do.

Ids are ``syn-<seed>-<row>``: unique, and stable per seed, so re-importing a
synthetic file changes nothing.
"""

from __future__ import annotations

import csv
import json
import math
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.actors import family_of
from geo.places.countries import find_country
from geo.view.frame import FRAME_COLUMNS, normalise_frame
from geo.incidents import EVENT_TYPES, FIELDS, Incident, Source, incident_from_row

__all__ = [
    "BUILTIN_SITES",
    "DATE_END",
    "DATE_START",
    "Site",
    "frame_incidents",
    "load_sites",
    "synth_frame",
    "synth_incidents",
    "write_frame_csv",
]

DATE_START = np.datetime64("2019-01-01", "D")
DATE_END = np.datetime64("2026-10-31", "D")


@dataclass(frozen=True)
class Site:
    site_id: str | None
    name: str
    country: str  # ISO alpha-2
    admin1: str
    lat: float
    lon: float
    weight: float = 1.0


# Coordinates from the project's reference notes (shared/realdata/site_coordinates.csv);
# weights roughly follow how often each site appears in reporting.
BUILTIN_SITES: tuple[Site, ...] = (
    Site(None, "Ain al-Asad Air Base", "IQ", "Al Anbar", 33.7856, 42.4411, 5),
    Site(None, "Baghdad International Airport", "IQ", "Baghdad", 33.2625, 44.2344, 3),
    Site(None, "Victory Base Complex", "IQ", "Baghdad", 33.2840, 44.2561, 2),
    Site(None, "Erbil International Airport", "IQ", "Erbil", 36.2375, 43.9631, 4),
    Site(None, "Harir Air Base", "IQ", "Erbil", 36.5306, 44.3417, 1),
    Site(None, "Balad Air Base", "IQ", "Salah al-Din", 33.9333, 44.3667, 2),
    Site(None, "Al-Tanf garrison", "SY", "Homs", 33.5058, 38.6178, 2),
    Site(None, "Conoco gas field", "SY", "Deir ez-Zor", 35.3361, 40.3094, 3),
    Site(None, "Al-Omar oil field", "SY", "Deir ez-Zor", 35.1517, 40.5758, 3),
    Site(None, "Shaddadi", "SY", "Al-Hasakah", 36.0561, 40.7303, 2),
    Site(None, "Rumeilan airfield", "SY", "Al-Hasakah", 36.8978, 41.9975, 2),
    Site(None, "Tower 22", "JO", "Mafraq", 33.3142, 38.7033, 1),
)

# Gazetteer kinds that are military sites get this weight; towns and the rest 1.
_BASE_WEIGHT = 3.0
_BASE_KINDS = ("base", "airport", "airfield", "garrison", "camp", "outpost", "field")
_AREA_KINDS = ("province", "governorate", "region", "district", "country")

_TYPES = tuple(EVENT_TYPES)
_AIR_THREATS = ("rocket", "drone", "missile")


class _Actor(NamedTuple):
    name: str
    weight: float
    events: dict[str, float]  # event-type mix
    attributions: tuple[float, float, float, float]  # claimed, blamed, suspected, unknown
    targets: tuple[str, ...]
    since: str | None = None  # first day the name is used (earlier attacks are someone else's)


_ACTORS: tuple[_Actor, ...] = (
    _Actor(
        "Islamic Resistance in Iraq",
        0.6,
        {"drone": 0.5, "rocket": 0.38, "missile": 0.07, "indirect_fire": 0.05},
        (0.7, 0.15, 0.1, 0.05),
        ("US forces", "Coalition forces"),
        since="2023-10-17",
    ),
    _Actor(
        "Unknown",
        0.24,
        {"rocket": 0.42, "indirect_fire": 0.15, "drone": 0.15, "ied": 0.18, "small_arms": 0.05, "other": 0.05},
        (0.0, 0.1, 0.25, 0.65),
        ("US forces", "Coalition forces", "Iraqi security forces", "Logistics convoy"),
    ),
    _Actor(
        "Kata'ib Hezbollah",
        0.12,
        {"rocket": 0.55, "drone": 0.3, "indirect_fire": 0.1, "ied": 0.05},
        (0.2, 0.5, 0.25, 0.05),
        ("US forces", "Coalition forces", "US embassy"),
    ),
    _Actor(
        "Harakat al-Nujaba",
        0.05,
        {"rocket": 0.5, "drone": 0.45, "missile": 0.05},
        (0.4, 0.3, 0.25, 0.05),
        ("US forces", "Coalition forces"),
    ),
    _Actor("Kata'ib Sayyid al-Shuhada", 0.03, {"rocket": 0.6, "drone": 0.4}, (0.3, 0.3, 0.35, 0.05), ("US forces",)),
    _Actor(
        "Saraya Awliya al-Dam",
        0.02,
        {"rocket": 0.55, "ied": 0.45},
        (0.8, 0.05, 0.1, 0.05),
        ("Logistics convoy", "US forces"),
        since="2020-08-01",
    ),
    _Actor(
        "Islamic State",
        0.11,
        {"ied": 0.4, "small_arms": 0.33, "indirect_fire": 0.15, "rpg": 0.12},
        (0.5, 0.25, 0.2, 0.05),
        ("Iraqi security forces", "SDF", "Peshmerga", "Civilians"),
    ),
    _Actor(
        "Turkish Armed Forces",
        0.1,
        {"drone": 0.45, "artillery": 0.35, "airstrike": 0.2},
        (0.25, 0.55, 0.15, 0.05),
        ("SDF", "PKK", "YPG", "Civilians"),
    ),
    _Actor(
        "US-led coalition",
        0.08,
        {"airstrike": 0.8, "drone": 0.15, "missile": 0.05},
        (0.9, 0.05, 0.05, 0.0),
        ("Kata'ib Hezbollah", "Islamic State", "Iran-backed militias"),
    ),
    _Actor(
        "IRGC", 0.03, {"missile": 0.7, "drone": 0.3}, (0.85, 0.1, 0.05, 0.0), ("US forces", "Kurdish opposition groups")
    ),
)
_ATTRIBUTIONS = ("claimed", "blamed", "suspected", "unknown")
_ATTRIBUTED_BY = {
    "claimed": ("Telegram statement", "group statement", "official statement"),
    "blamed": ("US officials", "Iraqi Security Media Cell", "SDF", "Kurdistan Region Security Council"),
    "suspected": ("analysts", "local officials", "security sources"),
    "unknown": ("",),
}

# center, spread (days, 1 sd), share of all incidents; the rest is background.
_BURSTS = (
    ("2020-01-05", 10, 0.08),
    ("2020-03-15", 12, 0.05),
    ("2020-07-20", 30, 0.07),
    ("2021-03-01", 25, 0.08),
    ("2021-07-05", 20, 0.05),
    ("2022-01-10", 15, 0.04),
    ("2023-12-10", 35, 0.28),
    ("2024-08-10", 15, 0.04),
    ("2025-06-20", 10, 0.04),
)

_DATE_PRECISION = (("day", 0.85), ("week", 0.1), ("month", 0.05))
# geo_precision -> (share, jitter in km, 1 sd)
_GEO_PRECISION = {1: (0.55, 0.4), 2: (0.35, 3.0), 3: (0.08, 15.0), 4: (0.02, 30.0)}
_DAMAGE = (
    ("", 0.6),
    ("no damage reported", 0.15),
    ("minor damage", 0.12),
    ("vehicles damaged", 0.05),
    ("building damaged", 0.05),
    ("significant damage", 0.03),
)
_STATUS = (("proposed", 0.3), ("reviewed", 0.45), ("verified", 0.25))

# outlet, url slug, weight
_OUTLETS = (
    ("Reuters", "reuters", 8),
    ("AP", "ap", 6),
    ("AFP", "afp", 5),
    ("Al Jazeera", "aljazeera", 4),
    ("Rudaw", "rudaw", 4),
    ("Kurdistan24", "kurdistan24", 3),
    ("Shafaq News", "shafaq", 4),
    ("Baghdad Today", "baghdadtoday", 2),
    ("SOHR", "sohr", 4),
    ("Sabereen News", "sabereen", 2),
    ("The National", "thenational", 2),
    ("Military Times", "militarytimes", 2),
    ("CENTCOM", "centcom", 3),
    ("Al-Monitor", "almonitor", 2),
    ("Long War Journal", "lwj", 1),
    ("Liveuamap", "liveuamap", 2),
)
_SOURCE_COUNT = (0.35, 0.3, 0.18, 0.11, 0.06)  # P(1..5 sources)
_MAX_SOURCES = len(_SOURCE_COUNT)
_SOURCE_SETS = 1024  # distinct ordered outlet sets drawn once per seed; rows pick one

_SUMMARY = {
    "rocket": ("Rockets fired at {}", "Rockets fired at {}; intercepted by air defences"),
    "missile": ("Missile strike on {}", "Missile fired at {}; intercepted"),
    "drone": ("One-way attack drone struck {}", "Drone shot down near {}"),
    "indirect_fire": ("Mortar rounds landed at {}",) * 2,
    "artillery": ("Artillery shelling near {}",) * 2,
    "rpg": ("RPG attack near {}",) * 2,
    "ied": ("IED struck a vehicle near {}",) * 2,
    "small_arms": ("Small-arms attack near {}",) * 2,
    "airstrike": ("Airstrike near {}",) * 2,
    "other": ("Attack reported near {}",) * 2,
}

_KM_PER_DEGREE = 111.32


def load_sites(path: str | Path | None = None) -> tuple[Site, ...]:
    """Sites from the gazetteer CSV at ``path`` (default: the configured one), else the built-in list.

    Read with the csv module on purpose: synth must not depend on the
    gazetteer's own loader (or its state). Rows without usable coordinates or
    a known two-letter country are skipped.
    """
    if path is None:
        from geo.config import get_settings

        path = get_settings().gazetteer_path
    path = Path(path)
    if not path.is_file():
        return BUILTIN_SITES
    sites = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                lat, lon = float(row.get("lat") or ""), float(row.get("lon") or "")
            except ValueError:
                continue
            country = (row.get("country") or "").strip().upper()
            if len(country) != 2 or not (math.isfinite(lat) and math.isfinite(lon)):
                continue
            kind = (row.get("kind") or "").lower()
            if any(k in kind for k in _AREA_KINDS):
                continue  # a province centroid is not a place attacks happen at
            weight = _BASE_WEIGHT if any(k in kind for k in _BASE_KINDS) else 1.0
            sites.append(
                Site(
                    (row.get("id") or "").strip() or None,
                    (row.get("name") or "").strip(),
                    country,
                    (row.get("admin1") or "").strip(),
                    lat,
                    lon,
                    weight,
                )
            )
    return tuple(sites) or BUILTIN_SITES


def synth_frame(n: int, seed: int = 0, *, sites: tuple[Site, ...] | None = None) -> pd.DataFrame:
    """``n`` synthetic incidents as a DataFrame in the :mod:`geo.view.frame` contract."""
    if n < 0:
        raise ValueError("n must be >= 0")
    sites = load_sites() if sites is None else sites
    rng = np.random.default_rng(seed)

    site = _draw(rng, n, [s.weight for s in sites])
    day, date_precision = _dates(rng, n)
    actor = _actors(rng, day)
    event = np.empty(n, dtype=np.int64)
    attribution = np.empty(n, dtype=np.int64)
    target = np.empty(n, dtype=object)
    for code, a in enumerate(_ACTORS):
        rows = np.flatnonzero(actor == code)
        event[rows] = _draw(rng, rows.size, [a.events.get(t, 0.0) for t in _TYPES])
        attribution[rows] = _draw(rng, rows.size, a.attributions)
        target[rows] = np.array(a.targets, dtype=object)[rng.integers(0, len(a.targets), rows.size)]

    geo_precision, lat, lon = _positions(rng, sites, site)

    is_air = np.isin(event, [_TYPES.index(t) for t in _AIR_THREATS])
    intercepted = is_air & (rng.random(n) < 0.3)
    munitions = _count(rng, n, known=np.where(is_air | (event == _TYPES.index("indirect_fire")), 0.6, 0.1), p=0.35)
    killed = _count(rng, n, known=0.35, p=0.5, zero=np.where(intercepted, 0.97, 0.75))
    injured = _count(rng, n, known=0.35, p=0.35, zero=np.where(intercepted, 0.9, 0.55))

    by_choices = [np.array(_ATTRIBUTED_BY[a], dtype=object) for a in _ATTRIBUTIONS]
    attributed_by = np.empty(n, dtype=object)
    for code, choices in enumerate(by_choices):
        rows = np.flatnonzero(attribution == code)
        attributed_by[rows] = choices[rng.integers(0, len(choices), rows.size)]

    width = max(7, len(str(max(n - 1, 0))))
    ids = np.array(list(map(f"syn-{seed}-%0{width}d".__mod__, range(n))), dtype=object)
    sources, outlets, source_count = _sources(rng, ids, day, munitions)

    names = [s.name for s in sites]
    summaries = np.array([_SUMMARY[t][i].format(name) for t in _TYPES for i in (0, 1) for name in names], dtype=object)
    summary = summaries[(event * 2 + intercepted) * len(sites) + site]

    frame = pd.DataFrame(
        _keep_objects(
            {
                "id": ids,
                "date": (DATE_START + day).astype("datetime64[ns]"),
                "date_precision": np.array([p for p, _ in _DATE_PRECISION], dtype=object)[date_precision],
                "site_id": np.array([s.site_id for s in sites], dtype=object)[site],
                "location": np.array(names, dtype=object)[site],
                "lat": lat,
                "lon": lon,
                "geo_precision": geo_precision,
                "country": np.array([s.country for s in sites], dtype=object)[site],
                "admin1": np.array([s.admin1 for s in sites], dtype=object)[site],
                "event_type": np.array(_TYPES, dtype=object)[event],
                "intercepted": intercepted,
                "actor": np.array([a.name for a in _ACTORS], dtype=object)[actor],
                "actor_family": np.array([family_of(a.name) for a in _ACTORS], dtype=object)[actor],
                "attribution": np.array(_ATTRIBUTIONS, dtype=object)[attribution],
                "attributed_by": attributed_by,
                "target": target,
                "munitions": munitions,
                "killed": killed,
                "injured": injured,
                "damage": _pick(rng, n, _DAMAGE),
                "summary": summary,
                "sources": sources,
                "status": _pick(rng, n, _STATUS),
                "source_count": source_count,
                "outlets": outlets,
            }
        ),
        columns=list(FRAME_COLUMNS),
    )
    return normalise_frame(frame)


def synth_incidents(n: int, seed: int = 0, *, sites: tuple[Site, ...] | None = None) -> list[Incident]:
    """The same incidents as :func:`synth_frame`, as model objects (for small ``n``)."""
    return frame_incidents(synth_frame(n, seed, sites=sites))


def frame_incidents(frame: pd.DataFrame) -> list[Incident]:
    """The rows of a frame (in the :mod:`geo.view.frame` contract) as incidents."""
    plain = frame.loc[:, list(FIELDS)].astype(object)
    plain = plain.where(frame.loc[:, list(FIELDS)].notna(), None)  # <NA> -> None: unknown stays unknown
    return [incident_from_row(row, source="synth", rownum=i) for i, row in enumerate(plain.to_dict("records"), 1)]


def write_frame_csv(frame: pd.DataFrame, path_or_buf) -> None:
    """Write a frame in our CSV format with pandas' C writer (fast for millions of rows)."""
    out = frame.loc[:, list(FIELDS)].copy()
    # Format each distinct date once (a few thousand) instead of a million strftime calls;
    # code -1 (a missing date) picks the "" appended last.
    codes, days = pd.factorize(out["date"])
    out["date"] = np.append(np.asarray(days.strftime("%Y-%m-%d"), dtype=object), "")[codes]
    out["intercepted"] = np.where(out["intercepted"].to_numpy(dtype=bool), "true", "false")
    out.to_csv(path_or_buf, index=False, lineterminator="\n")


# --- drawing helpers (all vectorised) -------------------------------------------------


def _keep_objects(columns: dict) -> dict:
    """Object arrays as object Series: pandas 3 would otherwise convert text to its
    "str" dtype, and normalise_frame convert it back, two full copies per column."""
    return {
        k: pd.Series(v, dtype=object, copy=False) if isinstance(v, np.ndarray) and v.dtype == object else v
        for k, v in columns.items()
    }


def _draw(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """``n`` category codes drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _pick(rng: np.random.Generator, n: int, table) -> np.ndarray:
    values = np.array([v for v, _ in table], dtype=object)
    return values[_draw(rng, n, [w for _, w in table])]


def _dates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(days since DATE_START, date-precision code) with bursts and period starts."""
    span = int((DATE_END - DATE_START).astype(int))
    shares = [b[2] for b in _BURSTS]
    component = _draw(rng, n, shares + [1.0 - sum(shares)])
    centers = np.array([(np.datetime64(b[0]) - DATE_START).astype(int) for b in _BURSTS] + [0], dtype=float)
    spreads = np.array([b[1] for b in _BURSTS] + [0], dtype=float)
    day = np.rint(centers[component] + rng.standard_normal(n) * spreads[component])
    background = component == len(_BURSTS)
    day[background] = rng.integers(0, span + 1, int(background.sum()))
    day = np.clip(day, 0, span).astype(np.int64)

    precision = _draw(rng, n, [w for _, w in _DATE_PRECISION])
    dates = DATE_START + day
    month = precision == 2
    dates[month] = dates[month].astype("datetime64[M]").astype("datetime64[D]")
    return (dates - DATE_START).astype(np.int64), precision


def _actors(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """Actor codes, skewed by weight; a group is never drawn before its name existed."""
    actor = _draw(rng, day.size, [a.weight for a in _ACTORS])
    always = [a.weight if a.since is None else 0.0 for a in _ACTORS]
    for code, a in enumerate(_ACTORS):
        if a.since is not None:
            early = np.flatnonzero((actor == code) & (day < (np.datetime64(a.since) - DATE_START).astype(int)))
            actor[early] = _draw(rng, early.size, always)
    return actor


def _positions(rng: np.random.Generator, sites, site: np.ndarray):
    """(geo_precision, lat, lon): the site's position jittered by a precision-dependent distance."""
    n = site.size
    levels = np.array(sorted(_GEO_PRECISION), dtype=np.int64)
    geo_precision = levels[_draw(rng, n, [_GEO_PRECISION[g][0] for g in levels])]
    sd_km = np.array([_GEO_PRECISION[g][1] for g in levels])[geo_precision - 1]
    base_lat = np.array([s.lat for s in sites])[site]
    base_lon = np.array([s.lon for s in sites])[site]
    lat = base_lat + rng.standard_normal(n) * sd_km / _KM_PER_DEGREE
    lon = base_lon + rng.standard_normal(n) * sd_km / (_KM_PER_DEGREE * np.cos(np.radians(base_lat)))
    # Keep jittered points in their country's box (a province-level jitter may cross a border).
    boxes = np.array([_box(s) for s in sites])[site]
    lat = np.clip(lat, np.minimum(boxes[:, 1], base_lat), np.maximum(boxes[:, 3], base_lat))
    lon = np.clip(lon, np.minimum(boxes[:, 0], base_lon), np.maximum(boxes[:, 2], base_lon))
    return geo_precision, np.round(lat, 5), np.round(lon, 5)


def _box(site: Site) -> tuple[float, float, float, float]:
    country = find_country(site.country)
    return country.bbox if country else (-180.0, -90.0, 180.0, 90.0)


def _count(rng, n: int, *, known, p: float, zero=None) -> pd.arrays.IntegerArray:
    """A nullable count: known with probability ``known``; then 0 with probability
    ``zero`` (when given), else geometric >= 1 (mostly small, a long thin tail)."""
    is_known = rng.random(n) < known
    values = rng.geometric(p, n).clip(max=60)
    if zero is not None:
        values = np.where(rng.random(n) < zero, 0, values)
    return pd.arrays.IntegerArray(values.astype(np.int64), ~is_known)


def _sources(rng, ids: np.ndarray, day: np.ndarray, munitions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sources JSON text, outlets text, source count) per row.

    The JSON is exactly what :func:`geo.incidents.incident_to_row` writes for
    the same :class:`Source` objects (a test holds it to that), built by
    filling one template per (outlet set, count) with ``%``: one string
    operation per row instead of one per field.
    """
    n = ids.size
    weights = np.array([w for _, _, w in _OUTLETS], dtype=float)
    sets = np.array(
        [rng.choice(len(_OUTLETS), _MAX_SOURCES, replace=False, p=weights / weights.sum()) for _ in range(_SOURCE_SETS)]
    )
    chosen = rng.integers(0, _SOURCE_SETS, n)
    count = _draw(rng, n, _SOURCE_COUNT) + 1

    fragments = [_source_template(name, slug) for name, slug, _ in _OUTLETS]
    templates = np.array(
        [
            "[" + ", ".join(fragments[o] for o in outlet_set[:k]) + "]"
            for outlet_set in sets
            for k in range(1, _MAX_SOURCES + 1)
        ],
        dtype=object,
    )
    outlet_names = np.array(
        [", ".join(_OUTLETS[o][0] for o in outlet_set[:k]) for outlet_set in sets for k in range(1, _MAX_SOURCES + 1)],
        dtype=object,
    )
    which = chosen * _MAX_SOURCES + count - 1

    # Text vocabularies, indexed instead of formatted per row.
    span = int((DATE_END - DATE_START).astype(int)) + 3
    day_text = np.datetime_as_string(DATE_START + np.arange(span), unit="D").astype(object)
    figure_text = np.array([str(i) for i in range(200)] + ["null"], dtype=object)

    known = ~munitions.isna()
    first = np.where(known, munitions.fillna(0).to_numpy(dtype=np.int64), len(figure_text) - 1)
    # Secondary reports: mostly silent on the count, sometimes agreeing, sometimes higher.
    spread = rng.random(n)
    other = np.where(spread < 0.5, len(figure_text) - 1, np.where(spread < 0.8, first, first + rng.integers(1, 4, n)))
    other = np.where(known, other, len(figure_text) - 1).clip(max=len(figure_text) - 1)

    out = np.empty(n, dtype=object)
    for k in range(1, _MAX_SOURCES + 1):
        rows = np.flatnonzero(count == k)
        row_ids = ids[rows]
        columns = [row_ids, day_text[day[rows]], figure_text[first[rows]]]
        for _ in range(1, k):  # later reports: published on the day or up to two days after
            columns += [row_ids, day_text[day[rows] + rng.integers(0, 3, rows.size)], figure_text[other[rows]]]
        out[rows] = list(map(operator.mod, templates[which[rows]], zip(*columns)))
    return out, outlet_names[which], count


def _source_template(outlet: str, slug: str) -> str:
    """One source's JSON with ``%s`` where the id, publication date and munitions go."""
    d = Source(outlet=outlet, url=f"https://synthetic.invalid/{slug}/@ID@").to_dict()
    d["published"], d["munitions"] = "@DAY@", "@MUN@"
    text = json.dumps(d, ensure_ascii=False).replace("%", "%%")
    return text.replace("@ID@", "%s").replace("@DAY@", "%s").replace('"@MUN@"', "%s")
