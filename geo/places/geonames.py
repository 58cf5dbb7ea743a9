"""The GeoNames layer: import GeoNames dumps into SQLite and look names up there.

GeoNames publishes one tab-separated line per feature, 19 columns, no header
(``IQ.txt``, ``SY.txt``, ``cities15000.txt``, ``allCountries.txt``). This module

* parses those lines (:func:`parse_geonames`), reporting bad lines by number
  instead of stopping, so one broken line does not lose a 12-million-line dump;
* stores places and the normalised key of every name, ASCII name and
  alternate name in a SQLite file (:func:`import_geonames`), building a fresh
  file beside the target and renaming it into place, so a failed import leaves
  the previous database untouched;
* serves lookups (:class:`GeoNamesLayer`), returning :class:`~geo.places.sites.Site`
  objects with ``layer="geonames"`` and ids ``"geonames:<geonameid>"``.

The layer is the gazetteer's second line: it knows thousands of towns the
curated list does not, but nothing about which of two villages called the same
a report means. It therefore prefers populated places, then sites, then
administrative areas (classes P, S, A), and larger populations, and scores
below curated matches.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GeoError, NotFound, Problem, ValidationError
from geo.formats.replacing import replacing
from geo.places.fuzzy import FuzzyIndex
from geo.places.normalize import NameKey, name_key
from geo.places.sites import Site, SiteMatch, hint_fits

__all__ = [
    "COLUMNS",
    "GeoNamesLayer",
    "GeoNamesRecord",
    "ImportReport",
    "import_geonames",
    "kind_of",
    "parse_geonames",
    "parse_line",
    "precision_of",
]

COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature class",
    "feature code", "country code", "cc2", "admin1 code", "admin2 code", "admin3 code", "admin4 code",
    "population", "elevation", "dem", "timezone", "modification date",
)  # fmt: skip

_FEATURE_CLASSES = frozenset("AHLPRSTUV")
# Preference among features sharing a name: populated places, then sites
# (airports, bases), then administrative areas, then the rest.
_CLASS_RANK = {"P": 3, "S": 2, "A": 1}
# Scores: an exact key in GeoNames ranks below every curated exact match and
# is still confident (>= 90); fuzzy GeoNames matches are scaled below that.
_EXACT_SCORE, _FUZZY_SCALE, _RANK_STEP = 90.0, 0.9, 0.1
# "Mosul airport" may find the city of Mosul, but not confidently.
_MISFIT_PENALTY = 10.0

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, asciiname TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, fclass TEXT NOT NULL, fcode TEXT NOT NULL,
    country TEXT NOT NULL, admin1 TEXT NOT NULL, population INTEGER NOT NULL
);
CREATE TABLE name_key (
    core TEXT NOT NULL, hint TEXT NOT NULL, geonameid INTEGER NOT NULL,
    PRIMARY KEY (core, hint, geonameid)
) WITHOUT ROWID;
"""
_INDEXES = "CREATE INDEX place_country ON place (country);"
_SCHEMA_VERSION = "1"


@dataclass(frozen=True, slots=True)
class GeoNamesRecord:
    """The columns of one GeoNames line that the gazetteer uses."""

    geonameid: int
    name: str
    asciiname: str
    alternatenames: tuple[str, ...]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str
    admin1: str
    population: int

    @property
    def names(self) -> tuple[str, ...]:
        """Every distinct name of the feature, main name first."""
        return tuple(dict.fromkeys((self.name, self.asciiname, *self.alternatenames)))


def parse_line(line: str) -> GeoNamesRecord:
    """Parse one GeoNames line; raise ValueError(field, reason) when it is malformed."""
    cells = line.rstrip("\r\n").split("\t")
    if len(cells) != len(COLUMNS):
        raise ValueError(None, f"expected {len(COLUMNS)} tab-separated columns, got {len(cells)}")
    geonameid, name, asciiname, alternates, lat, lon, fclass, fcode, country = cells[:9]
    admin1, population = cells[10], cells[14]
    if not geonameid.isdigit():
        raise ValueError("geonameid", f"not a number: {geonameid!r}")
    if not name.strip():
        raise ValueError("name", "empty")
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError:
        raise ValueError("latitude/longitude", f"not numbers: {lat!r}, {lon!r}") from None
    if not (abs(latitude) <= 90 and abs(longitude) <= 180):
        raise ValueError("latitude/longitude", f"out of range: {lat}, {lon}")
    if fclass and fclass not in _FEATURE_CLASSES:
        raise ValueError("feature class", f"unknown feature class {fclass!r}")
    if population and not population.lstrip("-").isdigit():
        raise ValueError("population", f"not a number: {population!r}")
    return GeoNamesRecord(
        geonameid=int(geonameid),
        name=name.strip(),
        asciiname=asciiname.strip() or name.strip(),
        alternatenames=tuple(a.strip() for a in alternates.split(",") if a.strip()),
        lat=latitude,
        lon=longitude,
        feature_class=fclass,
        feature_code=fcode,
        country=country.upper(),
        admin1=admin1,
        population=max(int(population or 0), 0),
    )


def parse_geonames(lines: Iterable[str], source: str) -> Iterator[GeoNamesRecord | Problem]:
    """Records of a GeoNames dump, with a :class:`Problem` (by line number) in place of each bad line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield parse_line(line)
        except ValueError as exc:
            column, reason = exc.args
            yield Problem(source, number, column, reason)


# Feature codes with a kind of their own, whatever their class.
_KIND_BY_CODE = {
    "AIRP": "airport", "AIRB": "air_base", "AIRF": "air_base", "AIRH": "air_base",
    "MILB": "base", "INSM": "base", "OILF": "oil_field", "GASF": "gas_field",
    "ADM1": "province", "ADM2": "district", "ADM3": "district",
}  # fmt: skip


def kind_of(feature_class: str, feature_code: str, population: int) -> str:
    """The gazetteer kind of a GeoNames feature."""
    code = feature_code.upper()
    if code in _KIND_BY_CODE:
        return _KIND_BY_CODE[code]
    if feature_class == "P":
        if code in {"PPLC", "PPLA", "PPLA2"} or population >= 100_000:
            return "city"
        return "town" if population >= 10_000 else "village"
    if feature_class == "A":
        return "country" if code.startswith("PCL") else "region"
    return "facility" if feature_class == "S" else "landmark"


def precision_of(feature_class: str, population: int) -> int:
    """How far (m) the true spot may lie from a feature's point: larger towns spread wider."""
    if feature_class == "P":
        return 2000 if population < 10_000 else 3000 if population < 100_000 else 4000 if population < 1e6 else 5000
    return {"S": 1000, "A": 50000}.get(feature_class, 5000)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: counts, and the lines it skipped."""

    path: Path
    files: tuple[str, ...]
    places: int
    names: int
    problems: tuple[Problem, ...]


def _decoded_lines(handle, read: list[int]) -> Iterator[str]:
    """Lines of a binary file as text, adding the bytes read to ``read[0]`` (for progress)."""
    for raw in handle:
        read[0] += len(raw)
        # A stray invalid byte garbles one name rather than losing the dump.
        yield raw.decode("utf-8", errors="replace")


def _records(files: Sequence[Path], problems: list[Problem], progress) -> Iterator[GeoNamesRecord]:
    for path in files:
        try:
            with open(path, "rb") as handle:
                total, read = os.fstat(handle.fileno()).st_size, [0]
                for count, item in enumerate(parse_geonames(_decoded_lines(handle, read), str(path)), start=1):
                    if isinstance(item, Problem):
                        problems.append(item)
                        continue
                    if progress and count % 10_000 == 0:
                        progress(str(path), read[0], total)
                    yield item
        except FileNotFoundError:
            raise NotFound(f"GeoNames file not found: {path}") from None
        if progress:
            progress(str(path), read[0], total)


def _write(connection: sqlite3.Connection, records: Iterable[GeoNamesRecord]) -> None:
    places, keys = [], []

    def flush() -> None:
        connection.executemany("INSERT OR REPLACE INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", places)
        connection.executemany("INSERT OR IGNORE INTO name_key VALUES (?,?,?)", keys)
        places.clear()
        keys.clear()

    for r in records:
        places.append(
            (r.geonameid, r.name, r.asciiname, r.lat, r.lon, r.feature_class, r.feature_code, r.country,
             r.admin1, r.population)
        )  # fmt: skip
        for text in r.names:
            key = name_key(text)
            if key.core:
                keys.append((key.core, key.kind_hint or "", r.geonameid))
        if len(places) >= 5000:
            flush()
    flush()


def import_geonames(
    files: Sequence[str | Path],
    db_path: str | Path,
    *,
    strict: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Build the GeoNames database at ``db_path`` from ``files`` (replacing it).

    Bad lines are skipped and listed in the report; with ``strict`` any bad
    line fails the import. A failed import (missing file, strict problems, no
    valid line at all, an interrupted write) leaves ``db_path`` as it was.
    ``progress(file, bytes_read, file_size)`` is called every 10,000 lines
    and when a file is done.
    """
    files = [Path(f) for f in files]
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    with replacing(db_path, suffix=".tmp") as temp_name:
        connection = sqlite3.connect(temp_name)
        try:
            connection.executescript(_SCHEMA)
            with connection:
                _write(connection, _records(files, problems, progress))
            if strict and problems:
                raise ValidationError(problems)
            places = connection.execute("SELECT count(*) FROM place").fetchone()[0]
            if not places:
                raise ValidationError(problems or [Problem(", ".join(map(str, files)), None, None, "no places")])
            names = connection.execute("SELECT count(*) FROM name_key").fetchone()[0]
            with connection:
                connection.executescript(_INDEXES)
                connection.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("schema", _SCHEMA_VERSION), ("files", "\n".join(map(str, files)))],
                )
        finally:
            connection.close()
    return ImportReport(db_path, tuple(map(str, files)), places, names, tuple(problems))


class GeoNamesLayer:
    """Read-only lookups in a database built by :func:`import_geonames`.

    Safe to share between threads (Streamlit runs sessions in threads): one
    connection, used under a lock. The fuzzy index of each country is built
    on first use and kept.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise NotFound(f"GeoNames database not found: {self.path} (run: python -m geo gazetteer import-geonames)")
        try:
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise GeoError(f"{self.path}: not a GeoNames database ({exc})") from None
        self._lock = threading.Lock()
        self._fuzzy: dict[str | None, FuzzyIndex] = {}

    def __len__(self) -> int:
        return self._query("SELECT count(*) FROM place")[0][0]

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def populated_places(self, limit: int) -> list[tuple[str, float, float, int]]:
        """(name, lat, lon, population) of the ``limit`` most populous populated places (class P)."""
        sql = (
            "SELECT name, lat, lon, population FROM place WHERE fclass = 'P' "
            "ORDER BY population DESC, geonameid LIMIT ?"
        )
        return [(str(n), float(lat), float(lon), int(pop)) for n, lat, lon, pop in self._query(sql, (int(limit),))]

    def get(self, site_id: str) -> Site:
        """The site ``geonames:<geonameid>``."""
        prefix, _, number = site_id.partition(":")
        sql = f"SELECT {_PLACE_COLUMNS} FROM place WHERE geonameid = ?"
        rows = self._query(sql, (int(number),)) if number.isdigit() else []
        if prefix != "geonames" or not rows:
            raise NotFound(f"no site with id {site_id!r}")
        return _site(rows[0])

    def _places(self, cores: Sequence[str], country: str | None) -> list[tuple]:
        marks = ",".join("?" * len(cores))
        # Each row is a place followed by the (core, hint) of the name that matched.
        sql = f"SELECT {_PLACE_COLUMNS}, core, hint FROM place JOIN name_key USING (geonameid) WHERE core IN ({marks})"
        params = list(cores)
        if country:
            sql, params = sql + " AND country = ?", params + [country]
        return self._query(sql, params)

    def _ranked(self, rows, key: NameKey, kinds, base: Callable[[tuple], float], query: str, limit: int):
        """Matches best first: score from ``base`` (less for a kind the query's generic word
        contradicts), then the same generic word, feature class and population decide."""
        best: dict[int, tuple] = {}
        for row in rows:
            site = _site(row)
            if kinds is not None and site.kind not in kinds:
                continue
            hint = row[-1] or None
            order = (
                base(row) - (0.0 if hint_fits(key.kind_hint, site.kind) else _MISFIT_PENALTY),
                hint == key.kind_hint,
                _CLASS_RANK.get(row[5], 0),
                row[9],
                -row[0],
            )
            if row[0] not in best or order > best[row[0]][0]:
                best[row[0]] = (order, site)
        ordered = sorted(best.values(), key=lambda item: item[0], reverse=True)[:limit]
        # Distinct, decreasing scores: the layer has already decided between
        # same-named places by class and population, so none of them ties.
        return [
            SiteMatch(site, round(order[0] - i * _RANK_STEP, 2), "geonames", query)
            for i, (order, site) in enumerate(ordered)
        ]

    def exact(self, key: NameKey, query: str, *, country=None, kinds=None, limit: int = 10) -> list[SiteMatch]:
        """Places with a name whose core key equals ``key.core``."""
        rows = self._places([key.core], country)
        return self._ranked(rows, key, kinds, lambda row: _EXACT_SCORE, query, limit)

    def fuzzy(self, key: NameKey, query: str, *, country=None, kinds=None, limit: int = 10) -> list[SiteMatch]:
        """Places with a name close to ``key.core`` (same rules as the curated fuzzy stage)."""
        similar = dict(self._index(country).search(key.core, limit=limit))
        similar.pop(key.core, None)  # the exact stage has judged it
        if not similar:
            return []
        rows = self._places(list(similar), country)
        return self._ranked(rows, key, kinds, lambda row: similar[row[-2]] * _FUZZY_SCALE, query, limit)

    def _index(self, country: str | None) -> FuzzyIndex:
        index = self._fuzzy.get(country)
        if index is None:
            if country:
                sql = "SELECT DISTINCT core FROM name_key JOIN place USING (geonameid) WHERE country = ?"
                rows = self._query(sql, (country,))
            else:
                rows = self._query("SELECT DISTINCT core FROM name_key")
            index = self._fuzzy[country] = FuzzyIndex(r[0] for r in rows)
        return index

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()


_PLACE_COLUMNS = "geonameid, name, asciiname, lat, lon, fclass, fcode, country, admin1, population"


def _site(row: tuple) -> Site:
    geonameid, name, asciiname, lat, lon, fclass, fcode, country, admin1, population = row[:10]
    return Site(
        id=f"geonames:{geonameid}",
        name=name,
        aliases=(asciiname,) if asciiname != name else (),
        kind=kind_of(fclass, fcode, population),
        country=country,
        admin1=admin1,
        lat=lat,
        lon=lon,
        precision_m=precision_of(fclass, population),
        source=f"GeoNames {geonameid}",
        notes=f"feature {fclass}.{fcode}" + (f", population {population}" if population else ""),
        layer="geonames",
    )
