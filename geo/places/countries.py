"""Every country: codes and names from pycountry (ISO 3166-1), borders from Natural Earth.

Importers meet countries as names ("Syria", ACLED's "Democratic Republic of
Congo"), ISO 3166 numeric codes (760), alpha-3 codes ("SYR") or our alpha-2
codes ("SY"); :func:`find_country` turns any of them into a :class:`Country`
whose ``iso2`` the incident model stores. pycountry is the maintained ISO
list; the few names ACLED spells its own way are in :data:`_ALIASES`, and
Kosovo, which ISO has not coded, uses the customary ``XK``/``XKX``.

:func:`point_problem` checks a point against the country's real borders:
Natural Earth's 1:110m admin-0 layer, the copy inside ``pyogrio`` the base map
already reads (:mod:`ui.borders`). It exists to catch a point typed with
latitude and longitude swapped or placed in the wrong country, not to rule on
a border: a point within :data:`NEAR_DEGREES` of the country's shape passes
(1:110m coasts and borders are coarse), and so does a point in the country's
extent widened by :data:`ISLAND_DEGREES` that lies in no other country's shape
(islands the small-scale map leaves out, such as Socotra). Countries the layer
does not draw (Bahrain, small islands) get the range check only.

Loading the borders takes ~0.1 s, once per process, on the first point check
(the layer itself is read from a copy in the cache folder: :func:`natural_earth_countries`).
"""

from __future__ import annotations

import importlib.util
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

__all__ = [
    "COUNTRIES",
    "ISLAND_DEGREES",
    "NATURAL_EARTH",
    "NEAR_DEGREES",
    "Country",
    "country_codes",
    "find_country",
    "is_country_code",
    "natural_earth_countries",
    "point_problem",
]

# Found without importing pyogrio (which pulls in pandas): the CLI and importers start fast.
NATURAL_EARTH = (
    Path(importlib.util.find_spec("pyogrio").origin).parent
    / "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
)
# ~80 km: 1:110m coastlines and borders are off by tens of kilometres in places.
NEAR_DEGREES = 0.75
# Offshore islands the 1:110m layer omits lie within this of the country's drawn extent.
ISLAND_DEGREES = 2.0


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str
    iso3: str
    numeric: int | None

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        """(min_lon, min_lat, max_lon, max_lat) of the country as Natural Earth draws it, or None."""
        return _borders().extents.get(self.iso2)


# Names and codes pycountry does not know: ACLED's spellings and common short names.
_ALIASES = {
    "democratic republic of congo": "CD",
    "republic of congo": "CG",
    "ivory coast": "CI",
    "russia": "RU",
    "turkey": "TR",
    "palestine": "PS",
    "state of palestine": "PS",
    "syria": "SY",
    "iran": "IR",
    "south korea": "KR",
    "north korea": "KP",
    "laos": "LA",
    "vietnam": "VN",
    "moldova": "MD",
    "macedonia": "MK",
    "czech republic": "CZ",
    "east timor": "TL",
    "cape verde": "CV",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "vatican": "VA",
    "micronesia": "FM",
    "brunei": "BN",
    "uae": "AE",
    "bosnia": "BA",
    "rom": "RO",  # the alpha-3 code Romania had until 2002, still in older ACLED files
}
# Kosovo: not (yet) in ISO 3166-1; XK/XKX are the codes the EU, ACLED and others use.
_KOSOVO = Country("Kosovo", "XK", "XKX", None)
# Natural Earth writes -99 for a few countries' codes; their names identify them.
_NE_NAMES = {"Norway": "NO", "France": "FR", "Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}


def _fold(text: str) -> str:
    """Case- and accent-insensitive key ("Curaçao" and "Curacao" are one name)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _table() -> dict[str, Country]:
    by_key: dict[str, Country] = {}
    for record in pycountry.countries:
        country = Country(record.name, record.alpha_2, record.alpha_3, int(record.numeric))
        names = [record.name, getattr(record, "common_name", None), getattr(record, "official_name", None)]
        for key in (*names, record.alpha_2, record.alpha_3, str(int(record.numeric))):
            if key:
                by_key.setdefault(_fold(key), country)
    for key in ("Kosovo", "XK", "XKX"):
        by_key[_fold(key)] = _KOSOVO
    for alias, code in _ALIASES.items():
        by_key[alias] = by_key[_fold(code)]
    return by_key


def __getattr__(name: str):
    # COUNTRIES (every country, by name) is built on first use: pycountry loads its data lazily too.
    if name == "COUNTRIES":
        return tuple(sorted({c.iso2: c for c in _table().values()}.values(), key=lambda c: c.name))
    raise AttributeError(name)


def find_country(*keys: object) -> Country | None:
    """The first of ``keys`` (name, alpha-2, alpha-3 or numeric code) that names a country.

    Several keys may be given so that a row's ``country`` name wins and its
    ``iso`` number is only a fallback; empty keys are skipped.
    """
    table = _table()
    for key in keys:
        if key is None or (isinstance(key, float) and math.isnan(key)):
            continue
        text = str(key).strip().removesuffix(".0")  # numeric codes read as floats by spreadsheets
        if not text:
            continue
        if text.isascii() and text.isdigit():  # not "²", which isdigit() accepts and int() refuses
            text = str(int(text))  # "076" and "76" are the same code
        found = table.get(_fold(text))
        if found is not None:
            return found
    return None


@cache
def country_codes() -> frozenset[str]:
    """Every alpha-2 code an incident may carry."""
    return frozenset(c.iso2 for c in _table().values())


def is_country_code(code: object) -> bool:
    """Whether ``code`` is an upper-case alpha-2 code of a country (ISO 3166-1, or XK)."""
    return isinstance(code, str) and code in country_codes()


# --- borders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Borders:
    shapes: dict  # iso2 -> prepared shapely geometry
    extents: dict  # iso2 -> (min_lon, min_lat, max_lon, max_lat)
    tree: object  # STRtree over the shapes, for "in which countries is this point"
    codes: tuple[str, ...]  # iso2 of each geometry in the tree


_NE_CACHE_FORMAT = 1  # bump when the cached file's layout changes


def natural_earth_countries(cache_dir: str | Path | None = None) -> tuple[list[str], list[str], list[bytes]]:
    """Natural Earth's 1:110m countries in file order: (names, ISO alpha-3 codes, WKB geometries).

    Read with pyogrio once, then kept as a small Arrow file in the cache folder
    (``cache_dir``, default the settings' ``GEO_CACHE_DIR``), named after the
    shapefile's size and time: a cold start of the app reads that instead and
    imports neither pyogrio nor what pyogrio imports (geopandas, pyproj: ~0.1 s).
    A cache folder that cannot be written just means reading the shapefile each time.
    """
    import pyarrow as pa

    if cache_dir is None:
        from geo.config import cache_dir as settings_cache_dir

        cache_dir = settings_cache_dir()
    stat = NATURAL_EARTH.stat()
    path = Path(cache_dir) / f"naturalearth-110m-{stat.st_size}-{stat.st_mtime_ns}.v{_NE_CACHE_FORMAT}.arrow"
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
        return table["name"].to_pylist(), table["iso_a3"].to_pylist(), table["wkb"].to_pylist()
    except (OSError, pa.ArrowException, KeyError):
        pass  # not cached yet (or damaged): read the shapefile and cache it
    import pyogrio

    _meta, _fids, geometries, (names, iso3s) = pyogrio.raw.read(NATURAL_EARTH, columns=["name", "iso_a3"])
    names, iso3s, wkbs = [str(n) for n in names], [str(c) for c in iso3s], [bytes(g) for g in geometries]
    table = pa.table({"name": pa.array(names), "iso_a3": pa.array(iso3s), "wkb": pa.array(wkbs, pa.binary())})
    try:
        from geo.formats.replacing import replacing

        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path, suffix=".tmp") as tmp, pa.OSFile(str(tmp), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
    except OSError:
        pass  # read-only cache folder: fine, only slower
    return names, iso3s, wkbs


@cache
def _borders() -> _Borders:
    import shapely

    names, iso3s, geometries = natural_earth_countries()
    parts: dict[str, list] = {}
    for name, iso3, wkb in zip(names, iso3s, geometries):
        country = find_country(iso3) or find_country(_NE_NAMES.get(str(name)), str(name))
        if country is not None:
            parts.setdefault(country.iso2, []).append(shapely.from_wkb(wkb))
    shapes = {code: shapely.union_all(geoms) for code, geoms in parts.items()}
    for geom in shapes.values():
        shapely.prepare(geom)
    codes = tuple(shapes)
    return _Borders(
        shapes=shapes,
        extents={code: tuple(geom.bounds) for code, geom in shapes.items()},
        tree=shapely.STRtree([shapes[c] for c in codes]),
        codes=codes,
    )


def _inside(country: Country, lat: float, lon: float) -> bool | None:
    """Whether (lat, lon) can be in ``country``; None when the layer does not draw it."""
    import shapely

    borders = _borders()
    shape = borders.shapes.get(country.iso2)
    if shape is None:
        return None
    if shapely.contains_xy(shape, lon, lat):
        return True
    point = shapely.Point(lon, lat)
    if shape.distance(point) <= NEAR_DEGREES:
        return True
    min_lon, min_lat, max_lon, max_lat = borders.extents[country.iso2]
    slack = ISLAND_DEGREES
    if not (min_lon - slack <= lon <= max_lon + slack and min_lat - slack <= lat <= max_lat + slack):
        return False
    # Within reach of the country's extent: an island it owns, unless the point is in another country.
    others = [borders.codes[i] for i in borders.tree.query(point, predicate="intersects")]
    return not any(code != country.iso2 for code in others)


def point_problem(lat: float, lon: float, country: str | None) -> str | None:
    """Why (lat, lon) cannot be a point in ``country`` (alpha-2), or None when it can.

    Out-of-range values are always refused. A point outside the country whose
    swapped twin lies inside is reported as swapped, since that is by far the
    usual cause.
    """
    found = find_country(country) if country else None

    def twin_inside() -> bool:
        return found is not None and -90 <= lon <= 90 and -180 <= lat <= 180 and bool(_inside(found, lon, lat))

    def hint() -> str:
        return "; latitude and longitude look swapped" if twin_inside() else ""

    if not (math.isfinite(lat) and -90 <= lat <= 90):
        return f"latitude {lat} is out of range [-90, 90]{hint()}"
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        return f"longitude {lon} is out of range [-180, 180]{hint()}"
    if found is None or _inside(found, lat, lon) is not False:
        return None
    if twin_inside():
        return (
            f"({lat}, {lon}) is outside {found.name} but ({lon}, {lat}) is inside: latitude and longitude look swapped"
        )
    return f"({lat}, {lon}) is outside {found.name}"
