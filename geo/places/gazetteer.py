"""The gazetteer: curated sites, name matching, and the layers behind them.

A :class:`Gazetteer` answers "which site does this name mean?" in stages, most
trustworthy first, and stops at the first stage that is confident:

1. curated and team sites, exact key: the name's :class:`~geo.places.normalize.NameKey` equals the
   key of a site's name (score 100) or alias (98); a site sharing only the core
   ("Erbil" vs "Erbil airport") scores 80–95 depending on whether the query's
   kind hint fits the site's kind;
2. curated and team sites, fuzzy: rapidfuzz string similarity over the core
   keys (see :class:`FuzzyIndex` for the cut-offs that keep ordinary words out);
3. the GeoNames layer (exact key, then fuzzy), if one is attached;
4. the online geocoder, if one is attached (off by default), and only when
   no local stage found anything at all.

Team sites are the ones editors added from the app (:mod:`geo.places.teamsites`,
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
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from geo.errors import Ambiguous, NotFound, ValidationError
from geo.places.fuzzy import FuzzyIndex
from geo.places.normalize import NameKey, name_key, normalize

# The site record and its validation live in geo.places.sites (the layers need them without the
# gazetteer); they are re-exported here because callers ask the gazetteer for them.
from geo.places.sites import (
    COLUMNS,
    COUNTRY_CODES,
    KINDS,
    REQUIRED,
    Layer,
    Site,
    SiteMatch,
    hint_fits,
    parse_sites,
)

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

# Kinds a bare name ("Erbil", "Anbar") most plausibly means when only
# qualified names ("Erbil airport", "Anbar province") share its core.
_PLACE_KINDS = frozenset({"city", "town", "village", "district", "province", "region", "country"})


#: Score at or above which a stage's answer ends the search.
CONFIDENT = 90.0

# Scores of the curated exact stage (see the module docstring).
_EXACT, _ALIAS, _CORE_FITS, _BARE_PLACE, _BARE_OTHER, _CORE_MISFIT = 100.0, 98.0, 95.0, 93.0, 92.0, 80.0
# Fuzzy scores lose a point when the matched name's generic word differs from
# the query's ("Damanscus" prefers the city "Damascus" to "Damascus
# Governorate") and ten when the site's kind contradicts the query's word.
_FUZZY_OTHER_HINT, _FUZZY_MISFIT = 1.0, 10.0



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

        ``team`` sites (already valid, see :mod:`geo.places.teamsites`) are layered under the curated ones.
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
    :mod:`geo.places.teamsites`), GeoNames layer if its database exists, online
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
        from geo.places import teamsites

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
            from geo.places.geonames import GeoNamesLayer

            geonames = GeoNamesLayer(settings.geonames_db)
        if settings.online:
            from geo.places.online import OnlineGeocoder

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
