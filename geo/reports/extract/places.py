"""Places in a report: gazetteer names, their role in a clause, descriptive references.

Places are found once for the whole text by scanning capitalised word runs
against the gazetteer's alias index (longest match wins; the generic words
around a name, "air base", "province", pick between a city and its airport).
A capitalised name after a locative word ("near X", "hit X") that is no alias
is looked up once more through ``gazetteer.find``: a misspelling matches
fuzzily, a town of the GeoNames layer is placed, anything else is reported as
unresolved.

Within a clause each place gets a *role*: target, qualifier of another place
("Ain al-Asad air base *in Anbar province*"), origin ("fired *from* ..."), or
the home of an actor ("militias *in Iraq*"); only targets locate an incident.
Descriptive references ("an Iraqi base housing US troops in Anbar province")
resolve to the one named site of that kind in that area the report mentions
elsewhere, else to the area with an honest ``geo_precision``; "the base" /
"the oil field" refer back to the last named site of that kind.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from dataclasses import dataclass
from typing import Any

from geo.reports.merge import distance_km as _km
from geo.places.normalize import name_key

__all__ = [
    "BASE_KINDS",
    "HOST_KINDS",
    "ClausePlaces",
    "GEO_PRECISION_BY_KIND",
    "Place",
    "PlaceScanner",
    "Target",
    "anaphor",
    "clause_places",
    "contains",
    "finer",
    "is_coarse",
    "kind_rank",
    "national_base",
    "outside_spans",
    "place_scanner",
    "regions_overlap",
    "same_place",
]

#: (site, start, end, geo_precision, method): a place an attack is located by;
#: method is "named", "descriptive", "anaphor", "area" or "context".
Target = tuple[Any, int, int, int, str]


_WORD = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*", re.UNICODE)
_DIRECTION_WORDS = frozenset(
    ["east", "eastern", "west", "western", "north", "northern", "south", "southern", "central", "northeast", "northeastern", "northwest", "northwestern", "southeast", "southeastern", "southwest", "southwestern"]
)
_GENERIC_WORDS = frozenset(
    ["air", "base", "airbase", "airport", "international", "airfield", "field", "landing", "oil", "gas", "oilfield", "gasfield", "province", "governorate", "military", "camp", "complex", "garrison", "outpost", "station", "plant", "border", "crossing", "region", "area", "zone", "of", "the"]
)
# Single words that are also ordinary English or first names, or a river
# ("the Euphrates", while "MSS Euphrates" is a base): they only count as a place
# with a generic word ("Victory base") or an article ("al-Omar").
_WEAK_NAMES = frozenset(
    ["victory", "liberty", "striker", "slayer", "endurance", "warrior", "union", "water", "green", "tower", "hit", "camp", "field", "palace", "base", "omar", "umar", "nasr", "cuke", "cooke", "conoco", "jordan", "euphrates"]
)
#: Kinds of the gazetteer's sites that host US and coalition forces (its bases and the oil and gas
#: fields they hold): a strike by the US or the coalition lands on the other side, never on them.
HOST_KINDS = frozenset({"base", "air_base", "oil_field", "gas_field"})
BASE_KINDS = frozenset({"air_base", "airport", "base", "outpost", "oil_field", "gas_field", "facility", "border_crossing"})
_COARSE_KINDS = frozenset({"country", "region", "province", "city", "district"})
GEO_PRECISION_BY_KIND = {"country": 4, "region": 3, "province": 3, "district": 2, "city": 2}


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    text: str
    site: Any  # geo.places.sites.Site


def kind_rank(kind: str) -> int:
    """Larger = coarser."""
    return {"country": 5, "region": 4, "province": 4, "city": 3, "district": 2, "town": 2}.get(kind, 1)


class PlaceScanner:
    """Finds gazetteer places in text; built once per gazetteer (cached)."""

    def __init__(self, gazetteer):
        self.gaz = gazetteer
        index = gazetteer.alias_index
        self.index = index
        # (The index's words are folded, "compound" -> "compund": the names' own lower-case words are
        # added, so that "Imam Ali compound" in the text runs on past "Ali".)
        names = [n for site in gazetteer.sites for n in (site.name, *site.aliases)]
        raw = {w.lower() for n in names for w in _WORD.findall(n) if w[:1].islower()}
        self.key_words = frozenset(w for key in index for w in key.split()) | raw
        # Names that begin with an ordinary lower-case word ("border between Iraq and Syria", "port of
        # Umm Qasr"), which the scan below, led by capitals, articles and directions, never starts on.
        led = sorted((n for n in names if n[:1].islower() and _WORD.match(n).group(0) not in _LOWER_STARTS), key=len, reverse=True)
        self._lower_led = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in led) + r")\b", re.IGNORECASE) if led else None
        self.first_words = frozenset(key.split()[0] for key in index if key)
        # country code -> the gazetteer's country entry: where a strike the report does not place goes.
        self.countries = {site.country: site for site in gazetteer.sites if site.kind == "country"}

    def _may_open_name(self, word: str) -> bool:
        """Whether a name in the index can begin with ``word`` (or with what follows a generic
        word or an article before it): most capitalised words cannot, and are skipped cheaply."""
        core = name_key(word).core
        return not core or core in self.first_words or word.lower() in _LOWER_STARTS or word.lower() == "the"

    def scan(self, text: str) -> tuple[list[Place], list[tuple[int, int, str]]]:
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
        places: list[Place] = []
        unresolved: list[tuple[int, int, str]] = []
        i, n = 0, len(words)
        while i < n:
            s, e, w = words[i]
            c = w[0]
            if not (c.isupper() or c.isdigit()) and (w not in _LOWER_STARTS or not self._can_start(text, words, i)):
                i += 1
                continue
            match = None
            j = i + 1
            may_open = self._may_open_name(w)
            if may_open:  # (most capitalised words cannot open a name: their run is never read)
                # The run of words that could belong to one name.
                while j < n and j - i < 8 and self._can_continue(text, words, j):
                    j += 1
            for k in range(j, i, -1) if may_open else ():
                if k - 1 > i and words[k - 1][2] in _ARTICLES:
                    continue  # a name never ends on an article ("Baghdad as Iran-backed militias ...")
                span_text = text[s : words[k - 1][1]]
                site = self._lookup(span_text, words[i:k])
                if site is not None:
                    match = (k, site)
                    break
            if match:
                k, site = match
                places.append(Place(s, words[k - 1][1], text[s : words[k - 1][1]], site))
                i = k
            else:
                if (
                    w[:1].isupper()
                    and not (w.isupper() and len(w) <= 4)  # "US", "SDF": organisations
                    and not _HYPHEN_LOWER.match(text, e, e + 2)  # "Iran-backed"
                    and w.lower() not in _NOT_PLACE
                    and self._locative_before(text, s)
                ):
                    k = i + 1
                    while k < n and (words[k][2][:1].isupper() or words[k][2] in _ARTICLES) and text[words[k - 1][1] : words[k][0]] in (" ", "-"):
                        k += 1
                    span_text = text[s : words[k - 1][1]]
                    # Not an alias: a misspelling of one (fuzzy) or a town of the GeoNames layer.
                    found = self.gaz.find(span_text)
                    if found is not None and found.score >= _FUZZY_ACCEPT and not found.ambiguous:
                        places.append(Place(s, words[k - 1][1], span_text, found.site))
                    else:
                        unresolved.append((s, words[k - 1][1], span_text))
                    i = k
                    continue
                i += 1
        if self._lower_led is not None:
            for m in self._lower_led.finditer(text):
                # The longer name wins over the names inside it ("Iraq" and "Syria" in the border's name).
                if not any(p.start < m.end() and m.start() < p.end and not m.start() <= p.start < p.end <= m.end() for p in places) and (
                    site := _resolve_key(self.gaz, m.group(0))
                ):
                    places = [p for p in places if not m.start() <= p.start < m.end()]
                    places.append(Place(m.start(), m.end(), m.group(0), site))
            places.sort(key=lambda p: p.start)
        return places, unresolved

    @staticmethod
    def _locative_before(text: str, start: int) -> bool:
        before = text[max(0, start - 20) : start].lower()
        return bool(_LOCATIVE.search(before))

    def _can_start(self, text, words, i) -> bool:
        w = words[i][2]
        if w[:1].isupper() or (w[:1].isdigit() and i + 1 < len(words)):
            return True
        lw = w.lower()
        if lw not in _ARTICLES and lw not in _DIRECTION_WORDS:
            return False
        nxt = words[i + 1][2] if i + 1 < len(words) else ""
        if lw in _ENGLISH_ARTICLES and not text.startswith("-", words[i][1]):
            return False  # "the Victory base at Baghdad airport": English "at", not the article of "at-Tanf"
        # "al-Omar", "eastern Syria": lower-case articles and directions lead into a name.
        if lw in _DIRECTION_WORDS and nxt.lower() in _DIRECTION_WORDS:  # "north-east Syria"
            nxt = words[i + 2][2] if i + 2 < len(words) else ""
        return (lw in _ARTICLES or lw in _DIRECTION_WORDS) and nxt[:1].isupper()

    def _can_continue(self, text, words, j) -> bool:
        gap = text[words[j - 1][1] : words[j][0]]
        if gap not in (" ", "-", "–", "'s ", "’s ", " - "):
            return False
        w = words[j][2]
        lw = w.lower()
        return w[:1].isupper() or w[:1].isdigit() or lw in _GENERIC_WORDS or lw in self.key_words or lw in _ARTICLES

    def _lookup(self, span_text: str, span_words) -> Any | None:
        key = name_key(span_text)
        if not key.core or key.core not in self.index:
            return None
        core_words = key.core.split()
        first = span_words[0][2]
        if len(core_words) == 1:
            core = core_words[0]
            has_article = any(w[2].lower() in ("al", "el") for w in span_words)
            if core in _WEAK_NAMES and key.kind_hint is None and not has_article and len(span_words) == 1:
                return None
            # Codes (ORAA, BGW) only in capitals; short lower-case words never.
            if len(core) <= 3 and not (first.isupper() or any(c.isdigit() for c in first)):
                return None
        return _resolve_key(self.gaz, span_text)


_ARTICLES = frozenset(["al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "er", "es", "ez"])
_LOWER_STARTS = _ARTICLES | _DIRECTION_WORDS
# Articles that are also English words: lower-case and followed by a space they are the English word.
_ENGLISH_ARTICLES = frozenset(["at", "as", "an"])
# Words after which a capitalised name is a place: only such names are looked up
# fuzzily (a person's or group's name elsewhere in the text is not).
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|town\s+of|city\s+of|village\s+of|province\s+of|hit|struck|targeted|targeting|attacked|"
    r"toward|towards)\s+(?:the\s+)?$"
)
_HYPHEN_LOWER = re.compile(r"-[a-z]")
_FUZZY_ACCEPT = 85.0  # the gazetteer's own fuzzy cut-off; its index keeps ordinary words out
_NOT_PLACE = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the", "a", "an", "his", "her", "their", "its", "this", "that"]
    # Capitals that stand for their governments ("the view in Washington"), not places attacked here.
    + ["washington", "pentagon", "tehran"]
)


def _resolve_key(gaz, span_text: str):
    match = gaz.find(span_text)
    return match.site if match is not None else None


_SCANNERS: dict[int, PlaceScanner] = {}


def place_scanner(gazetteer) -> PlaceScanner:
    key = id(gazetteer)
    sc = _SCANNERS.get(key)
    if sc is None or sc.gaz is not gazetteer:
        sc = PlaceScanner(gazetteer)
        if len(_SCANNERS) > 8:
            _SCANNERS.clear()
        _SCANNERS[key] = sc
    return sc




def contains(area, site) -> bool:
    """Whether ``area`` (a coarse place) plausibly contains ``site``."""
    if area.id == site.id or area.country != site.country and area.kind != "region":
        return False
    if kind_rank(area.kind) <= kind_rank(site.kind):
        return False
    if area.kind == "country":
        return area.country == site.country
    if area.kind in ("province",) and area.admin1 and area.admin1 == site.admin1:
        return True
    radius = max(area.precision_m / 1000.0, 25.0 if area.kind == "city" else 0.0)
    return _km(area.lat, area.lon, site.lat, site.lon) <= radius


_BASE_NOUN = re.compile(
    # (No preposition between the determiner and the noun: in "a similar attack on the base" and "a wall
    # at the base" the base is "the base", told before, not "a base".)
    r"\b(?P<det>an?|another|one\s+of\s+(?:its|their|the)|the|its|their)\s+"
    r"(?:(?!(?:on|at|against|near|in|into|inside|targeting|towards?)\s)[\w.-]+\s+){0,4}?"
    r"(?P<noun>air\s?bases?|military\s+bases?|bases?|airports?|airfields?|oil\s+fields?|gas\s+fields?|outposts?|garrisons?|facilit(?:y|ies)|installations?|camps?|positions?)\b",
    re.IGNORECASE,
)
# Base noun -> kinds it names, best first ("the airport" is an airport before an air base).
_NOUN_KINDS: dict[str, tuple[frozenset[str], ...]] = {
    "air base": (frozenset({"air_base"}), frozenset({"airport"})),
    "airbase": (frozenset({"air_base"}), frozenset({"airport"})),
    "airport": (frozenset({"airport"}), frozenset({"air_base"})),
    "airfield": (frozenset({"air_base", "airport"}),),
    "oil field": (frozenset({"oil_field"}), frozenset({"gas_field"})),
    "gas field": (frozenset({"gas_field"}), frozenset({"oil_field"})),
}


# "the coalition base in al-Shaddadi ... two rockets hit the same base": many bases are known by the
# town they stand in, so with no named base before it, "the base" is the last town named.
_TOWN_TIER = {noun: (frozenset({"town", "village"}),) for noun in ("base", "military base", "garrison", "outpost", "camp")}


def _noun_tiers(noun: str) -> tuple[frozenset[str], ...]:
    noun = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    noun = noun.replace("facilitie", "facility")
    return _NOUN_KINDS.get(noun, (BASE_KINDS,))
_ACTOR_HOME = re.compile(
    r"\b(?:militias?|militants?|militiamen|groups?|factions?|proxies|fighters|cells|members)\s+(?:operating\s+|based\s+|active\s+)?(?:in|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "an Iraqi official in Baghdad", "security sources in Erbil told": a speaker's whereabouts.
_SPEAKER_IN = re.compile(
    r"\b(?:officials?|spokes(?:man|woman|person)|sources?|correspondents?|reporters?|journalists?|diplomats?|analysts?)"
    r"\s+(?:based\s+)?in\s+(?:the\s+)?(?:(?:city|capital)\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
# ("explosives from drones hit the airport", "missiles fired from Iran at the base in Erbil": a verb of
# arrival or a target's preposition between "from" and the place ends the origin.)
_ORIGIN = re.compile(
    r"\bfrom\s+(?:(?:an?|the)\s+)?(?:(?!(?:hit|hits|struck|targeted|targeting|attacked|landed|impacted|fell|slammed|reached|at|against|toward|towards|into)\b)[\w-]+\s+){0,6}?(?:(?:of|outside|near|in)\s+)?(?:the\s+)?(?:(?:town|city|village|area|district)\s+of\s+)?$",
    re.IGNORECASE,
)
_NEAR = re.compile(
    r"\b(?:near|outside|close\s+to|on\s+the\s+outskirts\s+of|in\s+the\s+area\s+of|around|km\s+from|kilometres?\s+from|kilometers?\s+from|"
    r"in\s+the\s+vicinity\s+of|the\s+road\s+to|on\s+the\s+highway\s+near)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$",
    re.IGNORECASE,
)
# ("80 km north of the capital Baghdad", "west of the city of Mosul": a bearing locates, it is no target.)
_DIRECTION_OF = re.compile(
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+"
    r"(?:the\s+(?:(?:Iraqi|Syrian|Kurdish|provincial|regional)\s+)?(?:capital|city|town|village|province|region)\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
_DEMONYM = {"iraqi": "IQ", "syrian": "SY", "jordanian": "JO"}
# "a province that borders Iraq", "on the border with Iraq": the country locates its neighbour.
_BORDERING = re.compile(r"\b(?:borders?|bordering|border\s+with|neighbou?ring|adjacent\s+to)\s+(?:the\s+)?$", re.IGNORECASE)
# "in response to repeated attacks on US forces in Syria and Iraq": the areas of the attacks a
# strike answers (plural: a campaign, not one attack told), not where the strike fell.
_CAUSE_OF_STRIKE = re.compile(
    r"\b(?:retaliation|response|revenge|reprisal|reply)\b(?:\s+[\w.-]+){0,4}?\s+(?:for|to)\s+(?:the|its|their|an?)\b[^.;]*$", re.IGNORECASE
)
_STRIKE_WORD = re.compile(r"\b(?:attacks?|strikes?|airstrikes?|raids?|bombing|shelling|rockets?|missiles?|drones?)\b", re.IGNORECASE)
_ANSWERED = re.compile(
    r"\b(?:in\s+(?:response|retaliation|reply)\s+(?:to|for)|retaliat\w*\s+for|to\s+avenge)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:attacks|strikes)\b[^.;]*$",
    re.IGNORECASE,
)


def is_coarse(site) -> bool:
    return site.kind in _COARSE_KINDS


def finer(site, gp: int, other, other_gp: int) -> bool:
    if kind_rank(site.kind) != kind_rank(other.kind):
        return kind_rank(site.kind) < kind_rank(other.kind)
    return gp < other_gp


def same_place(a, b) -> bool:
    if a.id == b.id or contains(a, b) or contains(b, a):
        return True
    # Two different named bases are two places even when the gazetteer puts them
    # on one proxy point; a base and the town beside it are one.
    towns = ("town", "village", "neighbourhood")
    return (a.kind in towns or b.kind in towns) and not is_coarse(a) and not is_coarse(b) and _km(a.lat, a.lon, b.lat, b.lon) <= 10


def regions_overlap(a, b) -> bool:
    """ "eastern Syria and western Iraq" and "the Iraq-Syria border" can be one area."""
    if "region" not in (a.kind, b.kind) or not (is_coarse(a) and is_coarse(b)):
        return False
    if "country" in (a.kind, b.kind):
        return False
    return _km(a.lat, a.lon, b.lat, b.lon) * 1000 <= a.precision_m + b.precision_m


# Text between a place and a coarser one that only says where the first is.
_QUALIFIER_LINK = re.compile(
    r"(?:'s|’s)?,?\s*(?:(?:situated|located|based)\s+)?(?:in|of|near|outside|at|inside)?\s*(?:the\s+)?(?:(?!and\b|or\b)[\w-]+\s+){0,3}?(?:of\s+|in\s+)?(?:the\s+)?",
    re.IGNORECASE,
)



# =============================================================================== places of a clause

_NEXT_TO = re.compile(
    r",?\s*(?:which\s+is\s+)?(?:adjacent\s+to|next\s+to|at|inside|on\s+the\s+grounds\s+of|near|close\s+to|in|within)\s+(?:the\s+)?",
    re.IGNORECASE,
)
# "the Harir base belonging to the US military near Erbil airport": a few words about the base, then
# the place it is near (no "and", no comma: not a list of targets).
_LOCATED_NEAR = re.compile(
    r"(?:\s+(?!and\b|or\b)[\w'’-]+){1,6}?\s+(?:near|close\s+to|outside|in\s+the\s+vicinity\s+of|adjacent\s+to|next\s+to)\s+(?:the\s+)?",
    re.IGNORECASE,
)
# "Harir air base, which houses US forces in the northern city of Erbil": a relative clause about
# who the base hosts ends on where it is (a list of targets would have an attack word, not "hosts").
_HOSTING_IN = re.compile(
    r",?\s*(?:which|that|where)\s+(?:hosts?|houses?|is\s+home\s+to|accommodates?|hosted|housed)\s+[^,;:!?]{0,70}?\s+"
    r"(?:near|in|outside|close\s+to|at)\s+(?:the\s+)?(?:(?!and\b|or\b)[\w'’-]+\s+){0,4}?(?:(?:city|town|capital|province|region)\s+of\s+)?",
    re.IGNORECASE,
)
_GLOSS_OPEN = re.compile(r"\s*[(\[]\s*(?:(?:near|at|in|by|next\s+to|outside)\s+)?(?:the\s+)?", re.IGNORECASE)
_GLOSS_CLOSE = re.compile(r"[^()\[\]\n]{0,30}?[)\]]")
_LEADER_OF = re.compile(r"\b(?:commander|leader|chief|head|deputy|spokesman)\s+of\s+", re.IGNORECASE)
_DEMONYM_RES = tuple((re.compile(rf"\b{word}\b", re.IGNORECASE), cc) for word, cc in _DEMONYM.items())
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ClausePlaces:
    """Where a clause locates its attack, and the base nouns a later reference may need."""

    targets: tuple[Target, ...] = ()
    base_nouns: tuple[tuple[str, str, int, int], ...] = ()  # (determiner, noun, start, end)
    place_constraint: str | None = None  # country code from a demonym ("an Iraqi base")


def places_in(places: list[Place], starts: list[int], start: int, end: int) -> list[Place]:
    """The places wholly inside ``[start, end)``; ``starts`` is ``[p.start for p in places]`` (sorted)."""
    i = bisect_left(starts, start)
    out = []
    while i < len(places) and places[i].start < end:
        if places[i].end <= end:
            out.append(places[i])
        i += 1
    return out


def outside_spans(places: list[Place], spans: list[tuple[int, int]]) -> list[Place]:
    """The places (in order) that lie inside none of ``spans``: inside is starting in the span and
    ending at or before its end. One search per place: a report holds dozens of places and spans."""
    if not spans:
        return list(places)
    spans = sorted(spans)
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))  # the furthest end of the spans starting so far
    # A span starting at or before the place's start contains it if it ends past that start and at or
    # after the place's end: the furthest end of those spans tells.
    return [p for p in places if not ((i := bisect_right(starts, p.start)) and reach[i - 1] >= max(p.end, p.start + 1))]


# A town's name read as a speaker: an outlet named after it ("Lebanon's al-Mayadeen said", "Mayadeen TV").
# A place's name before "time" names the clock a time is told in.
_TIME_ZONE = re.compile(r"\s+time\b(?!s)", re.IGNORECASE)
_MEDIA_AFTER = re.compile(
    r"(?:\s+(?:TV|television|channel|news(?:\s+(?:agency|website|channel))?|newspaper|website|reported|reports|said|says|quoted|cited|citing|added))\b"
    r"|,\s+(?:citing|quoting)\b"
)


def clause_places(
    text: str, in_clause: list[Place], report_sites: list[Any], start: int, end: int, *, airstrike: bool, in_passing: bool = False
) -> ClausePlaces:
    """The targets of the clause ``text[start:end]`` among the places ``in_clause`` found in it.

    ``report_sites`` are the sites of every place of the report (with repeats),
    for descriptive references; ``airstrike`` says the clause is about a strike,
    whose target may be where the militias are; ``in_passing`` says it tells an
    earlier attack in passing, whose described base is not resolved to a named one.
    """
    base_nouns = []
    for bm in _BASE_NOUN.finditer(text, start, end):
        ns, ne = bm.start("noun"), bm.end("noun")
        if any(p.start <= ns and ne <= p.end for p in in_clause):
            continue  # part of a name ("Ain al-Asad air base")
        base_nouns.append((bm.group("det").lower(), _SPACES.sub(" ", bm.group("noun").lower()), ns, ne))
    seg = text[start:end]
    place_constraint = next((cc for rx, cc in _DEMONYM_RES if rx.search(seg)), None)
    if not in_clause:
        return ClausePlaces((), tuple(base_nouns), place_constraint)

    cand: list[tuple[Place, int]] = []
    for p in in_clause:
        before = text[max(start, p.start - 80) : p.start]
        home = _ACTOR_HOME.search(before)
        # "militias in Iraq" is where the attackers are, unless they are the target of a strike.
        if home and (not airstrike or _LEADER_OF.search(before)):
            continue
        if _ORIGIN.search(before[-60:]) or _DIRECTION_OF.search(before[-30:]):
            continue  # "fired from ...", "west of Baghdad": not the target
        if p.site.kind in ("town", "city", "village", "country") and _SPEAKER_IN.search(before[-45:]):
            continue  # "an Iraqi official in Baghdad said": where the speaker is, not the target
        if _TIME_ZONE.match(text, p.end):
            continue  # "at 6:30 pm (Baghdad time)", "Damascus time", "Iraq time": a clock, not a place
        if p.site.kind in ("town", "city", "village") and _MEDIA_AFTER.match(text, p.end):
            continue  # "al-Mayadeen said", "Baghdad TV reported": an outlet named after a town speaks
        if is_coarse(p.site) and (_BORDERING.search(before[-30:]) or _ANSWERED.search(text, start, p.start)):
            continue
        if airstrike and (cause := _CAUSE_OF_STRIKE.search(text, start, p.start)) and not _STRIKE_WORD.search(cause.group(0), 8):
            # "the strikes were retaliation for the killing of soldiers at Camp Taji": the cause's place
            # (a cause told as an attack, "in retaliation for an Israeli strike in Syria", is an event of its own).
            continue
        gp = GEO_PRECISION_BY_KIND.get(p.site.kind, 1)
        if gp < 3 and _NEAR.search(before[-45:]):
            gp = 2
        if p.site.kind in ("town", "village", "neighbourhood"):
            gp = max(gp, 2)
        cand.append((p, gp))

    # "Victory base, adjacent to Baghdad airport": the second site only says where the first is.
    kept: list[tuple[Place, int]] = []
    for p, gp in cand:
        prev = kept[-1][0] if kept else None
        if prev is not None and not is_coarse(prev.site) and not is_coarse(p.site) and (
            _NEXT_TO.fullmatch(text[prev.end : p.start]) or _LOCATED_NEAR.fullmatch(text[prev.end : p.start])
        ):
            continue
        if prev is not None and _GLOSS_OPEN.fullmatch(text[prev.end : p.start]) and _GLOSS_CLOSE.match(text, p.end):
            continue  # "Victory base (Baghdad airport)": a bracketed gloss says where the named place is
        kept.append((p, gp))

    targets: list[Target] = []
    for i, (p, gp) in enumerate(kept):
        if is_coarse(p.site):
            inside = [o for o, _ in kept if o.site.id != p.site.id and contains(p.site, o.site)]
            if any(not is_coarse(o.site) for o in inside):
                continue  # "Anbar province" around "Ain al-Asad": a qualifier
            if (
                i > 0 and _QUALIFIER_LINK.fullmatch(text[kept[i - 1][0].end : p.start])
                and not _provinces_country(kept[:i], p, text)
            ):  # fmt: skip
                continue  # "al-Omar oil field in the eastern countryside of Deir Ezzor"
            if i > 0 and not is_coarse(kept[i - 1][0].site) and _HOSTING_IN.fullmatch(text[kept[i - 1][0].end : p.start]):
                continue  # "Harir base, which hosts US forces near Erbil": where the base is
            resolved = None if in_passing else _descriptive(p, base_nouns, report_sites, start, text)
            if resolved is not None:
                targets.append((resolved, p.start, p.end, 1, "descriptive"))
                continue
            if inside:
                continue  # "Iraq" around "Erbil"
            targets.append((p.site, p.start, p.end, gp, "area"))
        else:
            targets.append((p.site, p.start, p.end, gp, "named"))
    seen: set[str] = set()
    unique = []
    for t in targets:
        if t[0].id not in seen:
            seen.add(t[0].id)
            unique.append(t)
    return ClausePlaces(tuple(unique), tuple(base_nouns), place_constraint)


# "Syria's Deir ez-Zor province", "Iraq’s eastern province of Diyala": a country's possessive
# names the province inside it, and the province is the place told, not a qualifier of the country.
_POSSESSIVE = re.compile(r"['’]s\s")  # the gap after the country, or the end of its span ("Syria's")


def _provinces_country(before: list[tuple[Place, int]], p: Place, text: str) -> bool:
    prev = before[-1][0]
    return (
        prev.site.kind == "country"
        and p.site.kind in ("province", "city")
        and all(is_coarse(o.site) for o, _ in before)  # "al-Omar base in Syria's Deir ez-Zor": the base is told
        and (_POSSESSIVE.match(text, prev.end) is not None or _POSSESSIVE.match(text, prev.end - 2) is not None)
        and contains(prev.site, p.site)
    )


_AREA_OF = re.compile(r"\s+(?:in|of)\s+(?:the\s+)?(?:(?:north|south|east|west)\w*\s+)?", re.IGNORECASE)


def _descriptive(area: Place, base_nouns, report_sites: list[Any], clause_start: int, text: str):
    """ "a base in Syria" -> the one named base-like site in that area this report mentions."""
    nouns = [b for b in base_nouns if b[0] not in ("the", "its", "their")]
    linked = [b for b in nouns if b[3] <= area.start and area.start - b[3] < 90]
    if not linked:
        # "struck the garrison in southern Syria": a definite noun placed in an area is the base of
        # that kind the report names there (the area only says where it is), when it names one.
        linked = [b for b in base_nouns if b[0] == "the" and b[3] <= area.start and _AREA_OF.fullmatch(text, b[3], area.start)]
    if not linked and area.start - clause_start < 25:
        linked = [b for b in nouns if b[2] > area.end]  # "In Syria, ... a base"
    if not linked:
        return None
    noun = linked[-1][1]
    if noun.startswith(("position", "camp")):
        return None
    found = []
    for site in dict.fromkeys(report_sites):
        if site.kind in BASE_KINDS and site.id != area.site.id and contains(area.site, site):
            found.append(site)
    if not found:
        return None
    exact = found
    for kinds in _noun_tiers(noun):
        if tier := [s for s in found if s.kind in kinds]:
            exact = tier
            break
    if len(exact) == 1:
        return exact[0]
    # Several candidates: the one the report names most often, if there is one.
    counts = {s.id: sum(1 for r in report_sites if r.id == s.id) for s in exact}
    best = sorted(exact, key=lambda s: -counts[s.id])
    return best[0] if counts[best[0].id] > counts[best[1].id] else None


def national_base(report_sites: list[Any], base_nouns, place_constraint: str | None):
    """ "an Iraqi air base", "a Syrian military outpost" -> (site, start, end): the one base-like site of
    that country the report names (anywhere in it), if it names exactly one of that kind."""
    if place_constraint is None:
        return None
    nouns = [b for b in base_nouns if b[0] not in ("the", "its", "their")]
    if not nouns:
        return None
    _det, noun, s, e = nouns[0]
    found = [site for site in dict.fromkeys(report_sites) if site.kind in BASE_KINDS and site.country == place_constraint]
    for kinds in _noun_tiers(noun):
        if tier := [site for site in found if site.kind in kinds]:
            found = tier
            break
    return (found[0], s, e) if len({site.id for site in found}) == 1 else None


def anaphor(places: list[Place], base_nouns, place_constraint: str | None, before: int):
    """ "the base", "the oil field" -> (site, start, end): the last named site of that kind before ``before``."""
    for det, noun, s, e in base_nouns:
        if det not in ("the", "its", "their"):
            continue
        earlier = [p for p in reversed(places) if p.end <= before]
        for kinds in _noun_tiers(noun) + _TOWN_TIER.get(noun.rstrip("s"), ()):
            for p in earlier:
                if p.site.kind in kinds and (place_constraint is None or p.site.country == place_constraint):
                    return p.site, s, e
        return None
    return None
