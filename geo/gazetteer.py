"""The gazetteer: curated sites, name matching, and the layers behind them.

A :class:`Gazetteer` answers "which site does this name mean?" in stages, most
trustworthy first, and stops at the first stage that is confident:

1. curated and team sites, exact key: the name's :class:`~geo.normalize.NameKey` equals the
   key of a site's name (score 100) or alias (98); a site sharing only the core
   ("Erbil" vs "Erbil airport") scores 80–95 depending on whether the query's
   kind hint fits the site's kind;
2. curated and team sites, fuzzy: rapidfuzz string similarity over the core
   keys (see :class:`FuzzyIndex` for the cut-offs that keep ordinary words out);
3. the GeoNames layer (exact key, then fuzzy), if one is attached;
4. the online geocoder, if one is attached (off by default), and only when
   no local stage found anything at all.

Team sites are the ones editors added from the app (:mod:`geo.teamsites`,
kept in the incident store). They are validated like curated rows and share
the curated index, so the extractor finds them as it finds curated names; at
equal scores a curated site ranks first, then a team site, then the other
layers. A team site whose id, or one of whose names, a curated site of the
same country now holds (a curator folded it into the CSV) is left out.

"Confident" means a score of at least :data:`CONFIDENT`; weaker matches from
earlier stages are kept and compete with later ones. When two different sites
share the best score the name is ambiguous: :meth:`Gazetteer.lookup` raises
:class:`~geo.errors.Ambiguous`, :meth:`Gazetteer.find` returns the first of them
with :attr:`SiteMatch.ambiguous` set.

The curated CSV has the header ``id,name,aliases,kind,country,admin1,lat,lon,
precision_m,source,notes``; :func:`parse_sites` validates it completely and
:meth:`Gazetteer.load` raises one :class:`~geo.errors.ValidationError` listing
every problem.
"""

from __future__ import annotations

import csv
import math
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA

from geo.countries import country_codes, point_problem
from geo.errors import Ambiguous, NotFound, Problem, ValidationError
from geo.normalize import NameKey, name_key, normalize

if TYPE_CHECKING:
    from geo.config import Settings

__all__ = [
    "COLUMNS",
    "CONFIDENT",
    "COUNTRY_CODES",
    "KINDS",
    "REQUIRED",
    "FuzzyIndex",
    "Gazetteer",
    "Layer",
    "Site",
    "SiteMatch",
    "hint_fits",
    "load_default",
    "normalize",
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
# Kinds a bare name ("Erbil", "Anbar") most plausibly means when only
# qualified names ("Erbil airport", "Anbar province") share its core.
_PLACE_KINDS = frozenset({"city", "town", "village", "district", "province", "region", "country"})

COLUMNS = ("id", "name", "aliases", "kind", "country", "admin1", "lat", "lon", "precision_m", "source", "notes")
REQUIRED = ("id", "name", "kind", "country", "lat", "lon", "precision_m")

#: Score at or above which a stage's answer ends the search.
CONFIDENT = 90.0

# Scores of the curated exact stage (see the module docstring).
_EXACT, _ALIAS, _CORE_FITS, _BARE_PLACE, _BARE_OTHER, _CORE_MISFIT = 100.0, 98.0, 95.0, 93.0, 92.0, 80.0
# Fuzzy scores lose a point when the matched name's generic word differs from
# the query's ("Damanscus" prefers the city "Damascus" to "Damascus
# Governorate") and ten when the site's kind contradicts the query's word.
_FUZZY_OTHER_HINT, _FUZZY_MISFIT = 1.0, 10.0

# ISO 3166-1 alpha-2 codes (pycountry), plus XK (Kosovo, user-assigned but common).
COUNTRY_CODES = country_codes()

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


_VOWELS = frozenset("aeiouy")


def _word_typo(query: str, key: str) -> bool:
    """Whether one word of a query can be a misspelling of one word of a key."""
    if query == key:
        return True
    if min(len(query), len(key)) < 3 or OSA.distance(query, key) != 1:
        return False
    if len(query) == len(key):
        if query[:-1] == key[:-1] and query[-1] == "s":
            return False  # an English plural: "strikes" is no typo of "Striker"
        changed = [(q, k) for q, k in zip(query, key) if q != k]
        if len(query) < 5 and len(changed) == 1 and not (changed[0][0] in _VOWELS and changed[0][1] in _VOWELS):
            return False  # in a short word a changed consonant makes another word: "Iran" vs "Iraq"
    return True


def _plausible_typo(query: str, key: str) -> bool:
    """Whether ``query`` can be a misspelling of ``key`` rather than another word (see FuzzyIndex)."""
    if query.startswith(key) or key.startswith(query):
        return False
    query_words, key_words = query.split(), key.split()
    return len(query_words) == len(key_words) and all(map(_word_typo, query_words, key_words))


class FuzzyIndex:
    """Fuzzy search over many short keys, fast enough for 50,000 of them.

    The score is the optimal-string-alignment similarity of the folded core
    keys (Levenshtein distance in which swapping two neighbouring letters
    counts as one edit), normalised to 0–100 by the longer key: at the cut-off
    of 85 that is one typo per seven letters. ``fuzz.ratio`` (Indel) and
    ``fuzz.WRatio`` were rejected: Indel scores a substitution as two half
    edits, which let five-letter words one letter away from a site through
    ("homes" -> Homs, "Qassim" -> Qaim); WRatio's partial matching lets "base"
    or "village" match any site containing the word, and it is about 20 times
    slower.

    Rules that keep ordinary words out while typos still match
    ("Mayadeem", "Ain al-Asd", "Damanscus"):

    * queries shorter than ``min_length`` (5) characters are not searched: at
      four letters one typo is another word ("Iran" vs "Iraq");
    * lengths may differ by one character (one more per 12 characters of the
      query): a typo drops or adds a letter, while a different word that
      happens to share letters ("Soleimani" vs "Slemani") is longer or
      shorter by more;
    * one key starting with the other is a derived word, not a typo ("Iraqi",
      "Syrian", "strike" vs "Camp Striker");
    * the words must pair up, each with at most one typo; a changed word needs
      three letters or more ("in Syria" is not "NE Syria", "KM west" not
      "Q-West"), a word under five letters may only lose or gain a letter or
      change a vowel ("Republic of Iran" is not "Republic of Iraq", while
      "Ain al-Asd" is "Ain al-Asad"), and a final "s" replacing a letter is
      an English plural ("strikes" is not "Camp Striker").

    Speed: keys are filed by length and first two letters, and again by
    length and last two letters. A search scores only the keys of an allowed
    length that share the query's first two *or* last two letters -- in five
    or more letters one typo cannot change both ends, so nothing within the
    rules above is lost except a key misspelt at both ends -- which is well
    under a tenth of a 50,000-name list (about 0.1 ms a search).
    """

    def __init__(self, keys: Iterable[str], *, cutoff: float = 85.0, min_length: int = 5):
        self.cutoff = cutoff
        self.min_length = min_length
        self._count = 0
        self._by_first: dict[tuple[int, str], list[str]] = {}
        self._by_last: dict[tuple[int, str], list[str]] = {}
        for key in set(filter(None, keys)):
            self._count += 1
            self._by_first.setdefault((len(key), key[:2]), []).append(key)
            self._by_last.setdefault((len(key), key[-2:]), []).append(key)

    def __len__(self) -> int:
        return self._count

    def search(self, key: str, *, limit: int = 10) -> list[tuple[str, float]]:
        """Keys similar to ``key`` with their scores (0–100), best first; ``key`` itself included."""
        n = len(key)
        if n < self.min_length:
            return []
        spread = 1 + n // 12
        choices: list[str] = []
        for length in range(n - spread, n + spread + 1):
            choices += self._by_first.get((length, key[:2]), ())
            choices += self._by_last.get((length, key[-2:]), ())
        # A key filed under both letters appears twice: ask for enough to drop repeats.
        found = process.extract(
            key, choices, scorer=OSA.normalized_similarity, score_cutoff=self.cutoff / 100, limit=limit * 4
        )
        unique = dict.fromkeys((c, round(s * 100, 2)) for c, s, _ in found)
        return [(c, s) for c, s in unique if c == key or _plausible_typo(key, c)][:limit]


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


def _read_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            for cells in reader:
                yield reader.line_num, cells
    except FileNotFoundError:
        raise NotFound(f"gazetteer file not found: {path}") from None


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Entry:
    site: Site
    key: NameKey
    is_name: bool


# Tie order of the layers: curated first, then team sites, then GeoNames and online answers.
_LAYER_ORDER = {"curated": 0, "team": 1}


def _rank(matches: Iterable[SiteMatch]) -> list[SiteMatch]:
    """Best match per site, best first; ties keep curated before team sites before other layers, then id order."""
    best: dict[str, SiteMatch] = {}
    for m in matches:
        if m.site.id not in best or m.score > best[m.site.id].score:
            best[m.site.id] = m
    if len(best) < 2:
        return list(best.values())  # the usual case: one site, nothing to sort
    return sorted(best.values(), key=lambda m: (-m.score, _LAYER_ORDER.get(m.site.layer, 2), m.site.id))


def _exact_score(entry: _Entry, key: NameKey) -> float:
    if entry.key == key:
        return _EXACT if entry.is_name else _ALIAS
    if key.kind_hint is None:
        return _BARE_PLACE if entry.site.kind in _PLACE_KINDS else _BARE_OTHER
    return _CORE_FITS if hint_fits(key.kind_hint, entry.site.kind) else _CORE_MISFIT


def _fuzzy_penalty(entry: _Entry, key: NameKey) -> float:
    if entry.key.kind_hint == key.kind_hint:
        return 0.0
    return _FUZZY_OTHER_HINT if hint_fits(key.kind_hint, entry.site.kind) else _FUZZY_MISFIT


def _unshadowed(curated: Sequence[Site], team: Iterable[Site]) -> tuple[tuple[Site, ...], tuple[Site, ...]]:
    """The team sites to layer under ``curated``, and those left out because a curated
    site (or an earlier team site) holds their id or one of their names in their country."""
    ids = {s.id for s in curated}
    claimed = {(s.country, name_key(text)) for s in curated for text in s.names}
    kept: list[Site] = []
    shadowed: list[Site] = []
    for site in team:
        site = site if site.layer == "team" else replace(site, layer="team")
        keys = {(site.country, name_key(text)) for text in site.names}
        if site.id in ids or keys & claimed:
            shadowed.append(site)
            continue
        kept.append(site)
        ids.add(site.id)
        claimed |= keys
    return tuple(kept), tuple(shadowed)


class Gazetteer:
    """Immutable set of curated sites and team sites plus optional GeoNames and online layers."""

    def __init__(self, sites: Iterable[Site], *, team: Iterable[Site] = (), geonames: Layer | None = None, online=None):
        self._curated = tuple(sites)
        self._team, self._shadowed = _unshadowed(self._curated, team)
        self._sites = self._curated + self._team
        self._by_id = {s.id: s for s in self._sites}
        if len(self._by_id) != len(self._sites):
            raise ValueError("duplicate site ids")
        self.geonames = geonames
        self.online = online
        self._stages = (self._curated_exact, self._curated_fuzzy)
        if geonames is not None:
            self._stages += (geonames.exact, geonames.fuzzy)
        by_core: dict[str, dict[_Entry, None]] = {}  # dict as an ordered set: aliases often share keys
        # Reports mostly spell a site exactly as one of its names or aliases; keeping
        # those spellings' keys spares the normaliser (most of a lookup's cost).
        self._literal_keys: dict[str, NameKey] = {}
        for site in self._sites:
            for i, text in enumerate(site.names):
                key = name_key(text)
                self._literal_keys[text.casefold()] = key
                if key.core:
                    by_core.setdefault(key.core, {})[_Entry(site, key, i == 0)] = None
        self._by_core = {core: tuple(entries) for core, entries in by_core.items()}
        self._alias_index = MappingProxyType(
            {core: tuple(dict.fromkeys(e.site.id for e in entries)) for core, entries in by_core.items()}
        )
        self._fuzzy = FuzzyIndex(by_core)
        # Reports repeat the same few names; the answer to a name never changes
        # for an immutable gazetteer (online answers are cached on disk anyway).
        self._find_cached = lru_cache(maxsize=100_000)(self._find)
        # The answer for every spelling the gazetteer itself holds, computed once:
        # an exact lookup of a known name is then one dict hit (the target is
        # 200,000/s and building match objects dominates a cold lookup).
        self._literal_matches: dict[str, SiteMatch] = {}
        for site in self._sites:
            for text in site.names:
                if text not in self._literal_matches:
                    match = self._find(text, None, None)
                    if match is not None:
                        self._literal_matches[text] = match

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_sites(
        cls, sites: Iterable[Site], *, team: Iterable[Site] = (), geonames: Layer | None = None, online=None
    ) -> Gazetteer:
        """A gazetteer over curated ``sites`` (already valid; ids must be unique) and ``team`` sites."""
        return cls(sites, team=team, geonames=geonames, online=online)

    @classmethod
    def load(
        cls, path: str | Path, *, team: Iterable[Site] = (), geonames: Layer | None = None, online=None
    ) -> Gazetteer:
        """Read and validate the curated CSV; raise ValidationError listing every problem.

        ``team`` sites (already valid, see :mod:`geo.teamsites`) are layered under the curated ones.
        """
        path = Path(path)
        sites, problems = parse_sites(_read_csv(path), str(path))
        if problems:
            raise ValidationError(problems)
        return cls(sites, team=team, geonames=geonames, online=online)

    # ----------------------------------------------------------------- access

    @property
    def sites(self) -> tuple[Site, ...]:
        """Every local site: the curated ones in file order, then the team sites layered under them."""
        return self._sites

    @property
    def curated_sites(self) -> tuple[Site, ...]:
        """The curated sites in file order."""
        return self._curated

    @property
    def team_sites(self) -> tuple[Site, ...]:
        """The team sites in use (``layer == "team"``), in the order given."""
        return self._team

    @property
    def shadowed_team_sites(self) -> tuple[Site, ...]:
        """Team sites left out because a curated site now holds their id or one of their names."""
        return self._shadowed

    @property
    def alias_index(self) -> Mapping[str, tuple[str, ...]]:
        """Normalised core key -> ids of the curated and team sites with a name or alias of that core."""
        return self._alias_index

    normalize = staticmethod(normalize)

    def __len__(self) -> int:
        return len(self._sites)

    def __contains__(self, site_id: object) -> bool:
        return site_id in self._by_id

    def get(self, site_id: str) -> Site:
        """The site with ``site_id`` (curated, team, or ``geonames:<id>`` when that layer is attached)."""
        site = self._by_id.get(site_id)
        if site is not None:
            return site
        if site_id.startswith("geonames:") and self.geonames is not None:
            return self.geonames.get(site_id)
        raise NotFound(f"no site with id {site_id!r}")

    # ----------------------------------------------------------------- matching

    def lookup(self, name: str, *, country: str | None = None, kinds: Iterable[str] | None = None) -> SiteMatch:
        """The site ``name`` means; raise NotFound, or Ambiguous when two sites tie."""
        match = self.find(name, country=country, kinds=kinds)
        if match is None:
            where = f" in {country.upper()}" if country else ""
            raise NotFound(f"no site matches {name!r}{where}")
        if match.ambiguous:
            tied = [match, *(c for c in match.candidates if c.score >= match.score)]
            ids = ", ".join(m.site.id for m in tied)
            raise Ambiguous(f"{name!r} is ambiguous: {ids}", candidates=tied)
        return match

    def find(self, name: str, *, country: str | None = None, kinds: Iterable[str] | None = None) -> SiteMatch | None:
        """Like :meth:`lookup` but returns None when nothing matches.

        An ambiguous name returns its first candidate with ``ambiguous`` True
        (the competitors are in ``candidates``) rather than raising.
        """
        if country is None and kinds is None:
            match = self._literal_matches.get(name)
            if match is not None:
                return match
        country = country.upper() if country else None
        return self._find_cached(name, country, frozenset(kinds) if kinds is not None else None)

    def _find(self, name: str, country: str | None, kinds: frozenset[str] | None) -> SiteMatch | None:
        ranked = _rank(self._search(name, country, kinds, stop_when_confident=True, online=True))
        if not ranked:
            return None
        if len(ranked) == 1:
            return ranked[0]  # already carries this query and no rivals
        best, rest = ranked[0], tuple(ranked[1:6])
        return SiteMatch(best.site, best.score, best.method, name, rest)

    def candidates(self, name: str, *, country: str | None = None, limit: int = 5) -> list[SiteMatch]:
        """The best ``limit`` local matches of every stage, best first (never goes online)."""
        country = country.upper() if country else None
        return _rank(self._search(name, country, None, stop_when_confident=False, online=False))[:limit]

    def _search(self, name, country, kinds, *, stop_when_confident: bool, online: bool) -> list[SiteMatch]:
        key = self._literal_keys.get(name.strip().casefold()) or name_key(name)
        if not key.core:
            return []
        found: list[SiteMatch] = []
        for stage in self._stages:
            matches = stage(key, name, country=country, kinds=kinds, limit=10)
            found += matches
            if stop_when_confident and any(m.score >= CONFIDENT for m in matches):
                return found
        if online and not found and self.online is not None:
            match = self.online.geocode(name, country=country)
            if match is not None and (kinds is None or match.site.kind in kinds):
                found.append(match)
        return found

    def _wanted(self, site: Site, country: str | None, kinds: frozenset[str] | None) -> bool:
        return (country is None or site.country == country) and (kinds is None or site.kind in kinds)

    def _curated_exact(self, key: NameKey, query: str, *, country, kinds, limit: int) -> list[SiteMatch]:
        # (score, method) per site, its best-scoring name; SiteMatch objects are
        # built only for the winners because building them dominates a lookup.
        best: dict[str, tuple[float, str, Site]] = {}
        for entry in self._by_core.get(key.core, ()):
            site = entry.site
            if self._wanted(site, country, kinds):
                score = _exact_score(entry, key)
                if site.id not in best or score > best[site.id][0]:
                    method = "exact" if entry.is_name and entry.key == key else "alias"
                    best[site.id] = (score, method, site)
        return _rank(SiteMatch(site, score, method, query) for score, method, site in best.values())[:limit]

    def _curated_fuzzy(self, key: NameKey, query: str, *, country, kinds, limit: int) -> list[SiteMatch]:
        matches = []
        for core, score in self._fuzzy.search(key.core, limit=limit):
            if core == key.core:
                continue  # the exact stage has judged it
            for entry in self._by_core[core]:
                if self._wanted(entry.site, country, kinds):
                    matches.append(SiteMatch(entry.site, score - _fuzzy_penalty(entry, key), "fuzzy", query))
        return [m for m in _rank(matches) if m.score >= self._fuzzy.cutoff][:limit]


# --------------------------------------------------------------------------- default instance

_default_cache: dict[tuple, Gazetteer] = {}
_default_lock = threading.Lock()


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def load_default(settings: Settings | None = None, *, store=None, team: bool = True) -> Gazetteer:
    """The gazetteer the settings describe: curated CSV, the team sites of the
    incident store (``store``, or the one the settings name; see
    :mod:`geo.teamsites`), GeoNames layer if its database exists, online
    fallback if ``settings.online``. ``team=False`` leaves the team sites out.

    Cached per settings, per modification time of the two files *and* per
    version of the team sites, so an edited gazetteer, a fresh GeoNames import
    or a site another editor just added is picked up without a restart.
    Checking the team sites' version costs one small query per call. A store
    that cannot be read is a :class:`~geo.errors.StoreError`: quietly leaving
    the team sites out would resolve names differently from everyone else.
    """
    from geo.config import get_settings

    settings = settings or get_settings()
    teamsites = None
    if team:
        from geo import teamsites

        team_version = teamsites.read(settings, store=store, sites=False).version
    else:
        team_version = None
    cache_key = (settings, _mtime(settings.gazetteer_path), _mtime(settings.geonames_db), team_version)
    with _default_lock:
        cached = _default_cache.get(cache_key)
        if cached is not None:
            return cached
        geonames = online = None
        if cache_key[2] is not None:
            from geo.geonames import GeoNamesLayer

            geonames = GeoNamesLayer(settings.geonames_db)
        if settings.online:
            from geo.online import OnlineGeocoder

            online = OnlineGeocoder(settings)
        team_sites = ()
        if teamsites is not None and team_version is not None:
            found = teamsites.read(settings, store=store)
            # Keyed by what was read: a site added since the version check is in it already.
            team_sites = tuple(t.site for t in found.sites)
            cache_key = cache_key[:3] + (found.version,)
        gazetteer = Gazetteer.load(settings.gazetteer_path, team=team_sites, geonames=geonames, online=online)
        for stale in [k for k in _default_cache if k[0] == settings]:
            del _default_cache[stale]  # an older version of the same files
        _default_cache[cache_key] = gazetteer
        return gazetteer
