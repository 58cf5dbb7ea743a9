"""Propose incidents from the text of one news report.

``extract(text, published=..., gazetteer=...)`` reads a report the way an
analyst does, clause by clause, and returns *candidates*: proposed incidents
with the sentence(s) and character spans that support every field, for a
human to review. Nothing here touches the network, a database or Streamlit.

How a report is read
--------------------
1. **Sentences and clauses.** Sentences are split on end punctuation and line
   breaks (headlines, captions); clauses on ``;`` and on the conjunctions that
   join two events ("X comes a day *after* Y", "..., *while* ...").
2. **Places** are found once for the whole text by scanning capitalised word
   runs against the gazetteer's alias index (longest match wins; the generic
   words around a name, "air base", "province", pick between a city and its
   airport). A capitalised name after a locative word ("near X", "hit X")
   that is no alias is looked up once more through ``gazetteer.find``: a
   misspelling matches fuzzily, a town the GeoNames layer knows is placed, and
   anything else is reported as unresolved. Each place is given a *role* in its clause: target, qualifier of
   another place ("Ain al-Asad air base *in Anbar province*"), origin ("fired
   *from* ..."), or the home of an actor ("militias *in Iraq*"), and only
   targets locate an incident. Descriptive references ("an Iraqi base housing
   US troops in Anbar province") resolve to the one named site of that kind
   in that area the report mentions elsewhere, else to the area with an honest
   ``geo_precision``; "the base"/"the oil field" refer back to the last named
   site of that kind.
3. **Dates** come from :mod:`geo.dates`, clause by clause. A clause without a
   date continues the event it refers to; a *new* attack without a date
   belongs to the report's main story (the first recent date of its lead).
   "The previous night" is anchored on the event being told. Dates that
   belong to a statement ("told the Council last week that ...") or a
   commemoration ("the Monday anniversary of ...") do not date the attack;
   "the second anniversary of the strike" on D dates the strike D - 2 years.
4. **Attacks** are clauses with a weapon or attack word *and* a sign that it
   happened (a past-tense verb, "attack on X"); threats, vows, plans and
   habitual summaries ("have been targeted almost 50 times") are not
   incidents, and a lead that sums up several countries ("bases in Iraq and
   Syria came under fire") only dates the attacks told after it. Type,
   count, interception, casualties and the perpetrator are read from the
   clause; claims, blame and suspicion from any sentence about the attack.
   A perpetrator the report itself names without a claim or an official
   source ("militias launched rockets") is recorded as ``suspected``.
5. **Linking.** A clause describing an event already seen (same or
   containing place, overlapping date, compatible type, same side) adds to it;
   otherwise it starts a new incident. So one attack told over several
   sentences is one candidate, the coalition's counter-fire is another, and
   the 2020 strike mentioned in passing is its own candidate with its own
   date. An attack with no place (or a place the gazetteer cannot map) is
   reported in ``notes`` rather than guessed.

Every rule is about how English news reports are written, never about a
particular report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from geo.dates import DateMention, date_window, find_dates
from geo.incidents import Incident, Source, incident_id
from geo.merge import distance_km as _km
from geo.normalize import name_key

__all__ = [
    "ACTORS",
    "Candidate",
    "ExtractionResult",
    "canonical_actor",
    "extract",
    "split_sentences",
    "types_compatible",
]

# =============================================================================== results


@dataclass(frozen=True)
class Candidate:
    """A proposed incident: Incident-compatible fields plus the evidence for them.

    ``evidence_spans`` holds ``(field, start, end)`` character offsets into the
    text given to :func:`extract`, so a UI can highlight what supports each field.
    """

    date: dt.date
    date_precision: str
    site_id: str | None
    site_name: str
    location: str
    lat: float
    lon: float
    geo_precision: int
    country: str
    admin1: str
    event_type: str
    intercepted: bool = False
    actor: str = "Unknown"
    attribution: str = "unknown"
    attributed_by: str = ""
    target: str = ""
    munitions: int | None = None
    killed: int | None = None
    injured: int | None = None
    damage: str = ""
    evidence: str = ""
    evidence_spans: tuple[tuple[str, int, int], ...] = ()
    place_method: str = "named"  # named | descriptive | anaphor | area

    @property
    def place_key(self) -> str:
        return self.site_id or f"{self.lat:.2f},{self.lon:.2f}"

    def to_incident(self, source: Source) -> Incident:
        """An :class:`Incident` (status "proposed") carrying ``source`` with this report's figures."""
        source = replace(
            source,
            evidence=source.evidence or self.evidence,
            munitions=self.munitions,
            killed=self.killed,
            injured=self.injured,
        )
        return Incident(
            id=incident_id(self.date, self.place_key, self.event_type),
            date=self.date,
            date_precision=self.date_precision,
            lat=float(self.lat),
            lon=float(self.lon),
            geo_precision=self.geo_precision,
            country=self.country,
            event_type=self.event_type,
            site_id=self.site_id,
            location=self.location,
            admin1=self.admin1,
            intercepted=self.intercepted,
            actor=self.actor,
            attribution=self.attribution,
            attributed_by=self.attributed_by,
            target=self.target,
            munitions=self.munitions,
            killed=self.killed,
            injured=self.injured,
            damage=self.damage,
            summary=_summary(self),
            sources=(source,),
            status="proposed",
        )


@dataclass(frozen=True)
class ExtractionResult:
    candidates: tuple[Candidate, ...]
    unresolved_places: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _summary(c: Candidate) -> str:
    what = c.event_type.replace("_", " ")
    n = f"{c.munitions} x " if c.munitions else ""
    stopped = " (intercepted)" if c.intercepted else ""
    return f"{n}{what}{stopped} at {c.site_name or c.location}"


# =============================================================================== actors

#: Canonical actor -> patterns that name it. Order matters: specific groups
#: before the generic "Iran-backed militias", which they also are.
ACTORS: tuple[tuple[str, str], ...] = (
    ("Islamic Resistance in Iraq", r"Islamic Resistance in Iraq"),
    ("Kataib Hezbollah", r"Kata'?[ie]b\s+Hez?[bi]?[ou]?llah|Kata'?ib\s+Hizb?[oua]llah|Kataeb\s+Hezbollah"),
    ("Kataib Sayyid al-Shuhada", r"Kata'?[ie]b\s+Sayy?id\s+al[- ]Shuhada"),
    ("Qassem al-Jabaryn", r"Qass?[ei]m\s+al[- ]Jabb?ar[iy]n"),
    ("Saraya Awliya al-Dam", r"Saraya\s+Awliya'?\s+al[- ]Dam"),
    ("Harakat al-Nujaba", r"(?:Harakat\s+)?al[- ]Nujaba"),
    ("Asaib Ahl al-Haq", r"Asa'?[ie]b\s+Ahl\s+al[- ]Haq"),
    ("Islamic State", r"Islamic\s+State(?!\s+group\s+in\s+the\s+region)|\bISIS\b|\bISIL\b|\bDaesh\b"),
    ("SDF", r"\bSDF\b|Syrian\s+Democratic\s+Forces|Kurdish-led"),
    (
        "Iran-backed militias",
        (r"\b(?:Iran|Iranian)[- ](?:backed|aligned|allied|supported|linked)\b|\b[Pp]ro-Iran(?:ian)?\b"
        r"|militia\s+groups?\s+(?:that\s+are\s+)?(?:backed|supported)\s+by\s+Iran"
        r"|(?:militias?|militia\s+groups?|factions?)\s+aligned\s+with\s+Iran"),
    ),
    ("Iran (IRGC)", r"\bIRGC\b|Revolutionary\s+Guards?(?:\s+Corps)?|(?<![-\w])Iran(?:ian)?\b(?![- ](?:backed|aligned|allied|supported|linked))"),
    ("Israel", r"\bIsrael(?:i)?\b"),
    (
        "US forces / US-led coalition",
        (r"\bU\.?S\.?(?:-led)?\b|\bUnited\s+States\b|\bAmerican\b|\b[Cc]oalition\b|\bCENTCOM\b|Central\s+Command"
        r"|\bPentagon\b|\bWashington\b"),
    ),
)
_ACTOR_RES = tuple((name, re.compile(p)) for name, p in ACTORS)


def canonical_actor(text: str) -> str:
    """The canonical actor a phrase names ("pro-Iran militia fighters" -> "Iran-backed militias")."""
    for name, rx in _ACTOR_RES:
        if rx.search(text):
            return name
    return "Unknown"


@dataclass(frozen=True)
class _ActorMention:
    name: str
    start: int
    end: int


# Substrings without which no actor pattern can match (checked first: most
# clauses name no actor, and a substring test is far cheaper than 13 regexes).
_ACTOR_HINTS = (
    "Iran", "IRGC", "Revolutionary", "Islamic", "Kata", "Qass", "Saraya", "Nujaba", "Asa", "ISI", "Daesh", "SDF",
    "Syrian Democratic", "Kurdish-led", "Israel", "U.S", "US", "United States", "American", "oalition", "CENTCOM",
    "Central Command", "Pentagon", "Washington", "militia", "faction", "ro-Iran",
)  # fmt: skip


def _find_actors(text: str, start: int, end: int) -> list[_ActorMention]:
    found: list[_ActorMention] = []
    segment = text[start:end]
    if not any(h in segment for h in _ACTOR_HINTS):
        return found
    for name, rx in _ACTOR_RES:
        for m in rx.finditer(segment):
            s, e = m.start() + start, m.end() + start
            if any(a.start < e and s < a.end for a in found):
                continue
            found.append(_ActorMention(name, s, e))
    return sorted(found, key=lambda a: a.start)


def _side(actor: str) -> str:
    return {"US forces / US-led coalition": "us", "Israel": "israel", "SDF": "sdf"}.get(actor, "other")


# =============================================================================== sentences

_ABBREV = frozenset(
    ["u.s", "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "jr", "sr", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "gov", "sen", "rep", "adm", "brig", "cmdr", "pres", "dept", "fig", "approx"]
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text`` (line breaks always split)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] != "\n":
            before = text[start : m.start()].rsplit(None, 1)
            last = before[-1].lower().rstrip(".") if before else ""
            # "U.S. forces", "Jan. 3", "Maj. Gen. John W. Brennan" are not sentence ends.
            if last in _ABBREV or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last):
                continue
        end = m.start() + len(m.group(0).rstrip())
        if text[start:end].strip():
            spans.append(_strip_span(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip_span(text, start, len(text)))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Clause boundaries: conjunctions that join two events in one sentence. For
# "after"/"before" the second clause keeps a leading duration ("a week after
# ..."), which dates the event that follows it.
_CLAUSE = re.compile(
    r";\s+|,\s+(?:while|whereas|but)\s+|\s+while\s+|\s+and\s+had\s+"
    r"|,\s+and\s+(?=(?:\w+\s+){0,4}?(?:said|were|was|had|have|has|[a-z]+ed)\b)"
    r"|(?<!\bwent)(?<!\bgo)(?<!\bgoes)(?<!\bgoing)\s+(?P<dur>(?:shortly|soon|just|hours|minutes|(?:a|the|one)\s+day|days?|(?:an?|one|two|three|four|five|six|seven|\d+)\s+(?:days?|weeks?|hours?))\s+)?"
    r"(?P<conj>after|before)\s+(?!(?:his|her|their|its|the)\s+(?:killing|death|assassination)\b)"
)


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _CLAUSE.finditer(text, start, end):
        if m.start() - pos <= 8:
            continue
        out.append((pos, m.start()))
        if m.group("conj"):
            pos = m.start("dur") if m.group("dur") else m.start("conj")
        else:
            pos = m.end()
    out.append((pos, end))
    return [c for c in out if c[1] > c[0]]


_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z'’.-]{2,}(?:\s+[A-Z][A-Z'’.-]+)*(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*(?:\([^)\n]{1,30}\))?\s*[-—–:]\s"
    r"|[A-Z][\w'’ -]{1,30}:\s|[A-Z]{2,}(?:,\s+[A-Z]{2,})+\s*$)",
    re.MULTILINE,
)


def _datelines(text: str) -> list[tuple[int, int]]:
    """Spans of datelines ("BAGHDAD (Reuters) -"): where the reporter is, not the attack."""
    return [m.span() for m in _DATELINE.finditer(text)]


# =============================================================================== places

_WORD = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*", re.UNICODE)
_DIRECTION_WORDS = frozenset(
    ["east", "eastern", "west", "western", "north", "northern", "south", "southern", "central", "northeast", "northeastern", "northwest", "northwestern", "southeast", "southeastern", "southwest", "southwestern"]
)
_GENERIC_WORDS = frozenset(
    ["air", "base", "airbase", "airport", "international", "airfield", "field", "oil", "gas", "oilfield", "gasfield", "province", "governorate", "military", "camp", "complex", "garrison", "outpost", "station", "plant", "border", "crossing", "region", "area", "zone", "of", "the"]
)
# Single words that are also ordinary English or first names: they only count
# as a place with a generic word ("Victory base") or an article ("al-Omar").
_WEAK_NAMES = frozenset(
    ["victory", "liberty", "striker", "slayer", "endurance", "warrior", "union", "water", "green", "tower", "hit", "camp", "field", "palace", "base", "omar", "umar", "nasr", "cuke", "cooke", "conoco", "jordan"]
)
_BASE_KINDS = frozenset({"air_base", "airport", "base", "outpost", "oil_field", "gas_field", "facility", "border_crossing"})
_COARSE_KINDS = frozenset({"country", "region", "province", "city", "district"})
_GEO_PRECISION_BY_KIND = {"country": 4, "region": 3, "province": 3, "district": 2, "city": 2}


@dataclass(frozen=True)
class _Place:
    start: int
    end: int
    text: str
    site: Any  # geo.gazetteer.Site


def _kind_rank(kind: str) -> int:
    """Larger = coarser."""
    return {"country": 5, "region": 4, "province": 4, "city": 3, "district": 2, "town": 2}.get(kind, 1)


class _PlaceScanner:
    """Finds gazetteer places in text; built once per gazetteer (cached)."""

    def __init__(self, gazetteer):
        self.gaz = gazetteer
        index = gazetteer.alias_index
        self.index = index
        self.key_words = frozenset(w for key in index for w in key.split())
        self.first_words = frozenset(key.split()[0] for key in index if key)

    def _may_open_name(self, word: str) -> bool:
        """Whether a name in the index can begin with ``word`` (or with what follows a generic
        word or an article before it): most capitalised words cannot, and are skipped cheaply."""
        core = name_key(word).core
        return not core or core in self.first_words or word.lower() in _LOWER_STARTS or word.lower() == "the"

    def scan(self, text: str) -> tuple[list[_Place], list[tuple[int, int, str]]]:
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
        places: list[_Place] = []
        unresolved: list[tuple[int, int, str]] = []
        i, n = 0, len(words)
        while i < n:
            s, e, w = words[i]
            c = w[0]
            if not (c.isupper() or c.isdigit()) and (w not in _LOWER_STARTS or not self._can_start(words, i)):
                i += 1
                continue
            # The run of words that could belong to one name.
            j = i + 1
            while j < n and j - i < 8 and self._can_continue(text, words, j):
                j += 1
            match = None
            for k in range(j, i, -1) if self._may_open_name(w) else ():
                span_text = text[s : words[k - 1][1]]
                site = self._lookup(span_text, words[i:k])
                if site is not None:
                    match = (k, site)
                    break
            if match:
                k, site = match
                places.append(_Place(s, words[k - 1][1], text[s : words[k - 1][1]], site))
                i = k
            else:
                if (
                    w[:1].isupper()
                    and not (w.isupper() and len(w) <= 4)  # "US", "SDF": organisations
                    and not re.match(r"-[a-z]", text[e : e + 2])  # "Iran-backed"
                    and self._locative_before(text, s)
                    and w.lower() not in _NOT_PLACE
                ):
                    k = i + 1
                    while k < n and (words[k][2][:1].isupper() or words[k][2] in _ARTICLES) and text[words[k - 1][1] : words[k][0]] in (" ", "-"):
                        k += 1
                    span_text = text[s : words[k - 1][1]]
                    # Not an alias: a misspelling of one (fuzzy) or a town of the GeoNames layer.
                    found = self.gaz.find(span_text)
                    if found is not None and found.score >= _FUZZY_ACCEPT and not found.ambiguous:
                        places.append(_Place(s, words[k - 1][1], span_text, found.site))
                    else:
                        unresolved.append((s, words[k - 1][1], span_text))
                    i = k
                    continue
                i += 1
        return places, unresolved

    @staticmethod
    def _locative_before(text: str, start: int) -> bool:
        before = text[max(0, start - 20) : start].lower()
        return bool(_LOCATIVE.search(before))

    def _can_start(self, words, i) -> bool:
        w = words[i][2]
        if w[:1].isupper() or (w[:1].isdigit() and i + 1 < len(words)):
            return True
        lw = w.lower()
        if lw not in _ARTICLES and lw not in _DIRECTION_WORDS:
            return False
        nxt = words[i + 1][2] if i + 1 < len(words) else ""
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
# Words after which a capitalised name is a place: only such names are looked up
# fuzzily (a person's or group's name elsewhere in the text is not).
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|town\s+of|city\s+of|village\s+of|province\s+of|hit|struck|targeted|targeting|attacked|"
    r"toward|towards)\s+(?:the\s+)?$"
)
_FUZZY_ACCEPT = 85.0  # the gazetteer's own fuzzy cut-off; its index keeps ordinary words out
_NOT_PLACE = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the", "a", "an", "his", "her", "their", "its", "this", "that"]
)


def _resolve_key(gaz, span_text: str):
    match = gaz.find(span_text)
    return match.site if match is not None else None


_SCANNERS: dict[int, _PlaceScanner] = {}


def _scanner(gazetteer) -> _PlaceScanner:
    key = id(gazetteer)
    sc = _SCANNERS.get(key)
    if sc is None or sc.gaz is not gazetteer:
        sc = _PlaceScanner(gazetteer)
        if len(_SCANNERS) > 8:
            _SCANNERS.clear()
        _SCANNERS[key] = sc
    return sc




def _contains(area, site) -> bool:
    """Whether ``area`` (a coarse place) plausibly contains ``site``."""
    if area.id == site.id or area.country != site.country and area.kind != "region":
        return False
    if _kind_rank(area.kind) <= _kind_rank(site.kind):
        return False
    if area.kind == "country":
        return area.country == site.country
    if area.kind in ("province",) and area.admin1 and area.admin1 == site.admin1:
        return True
    radius = max(area.precision_m / 1000.0, 25.0 if area.kind == "city" else 0.0)
    return _km(area.lat, area.lon, site.lat, site.lon) <= radius


# =============================================================================== attack vocabulary

_TYPE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rpg", re.compile(r"(?i:\brocket[- ]propelled\s+grenades?\b)|\bRPGs?\b")),
    ("airstrike", re.compile(r"\bair\s?strikes?\b|\bairstrik\w+|\bair\s+raids?\b|\bwarplanes?\b|\bfighter\s+jets?\b|\bbombers\b|\baircraft\s+(?:struck|hit|carried|bombed|targeted)", re.IGNORECASE)),
    ("indirect_fire", re.compile(r"\bmortars?(?:\s+(?:rounds?|shells?|bombs?))?\b|\bindirect[- ]fire\b", re.IGNORECASE)),
    ("artillery", re.compile(r"\bartillery\b|\bshells\b|\bshelling\b|\bshelled\b|\bhowitzers?\b", re.IGNORECASE)),
    ("missile", re.compile(r"\b(?:ballistic\s+|cruise\s+)?missiles?\b", re.IGNORECASE)),
    ("rocket", re.compile(r"\brockets?\b|\bKatyushas?\b|\bGrad\s+rockets?\b", re.IGNORECASE)),
    ("drone", re.compile(r"\bdrones?\b|\bUAVs?\b|\bUAS\b|\bunmanned\s+(?:aerial|aircraft)(?:\s+(?:system|vehicle)s?)?\b|\bquadcopters?\b", re.IGNORECASE)),
    ("ied", re.compile(r"\bIEDs?\b|\broadside\s+bombs?\b|\bexplosive\s+devices?\b|\bcar\s+bombs?\b|\bbomb(?:ing)?s?\b(?!ers)", re.IGNORECASE)),
    ("small_arms", re.compile(r"\bgunmen\b|\bopened\s+fire\b|\bgunfire\b|\bsmall[- ]arms\b|\bsnipers?\b|\bmachine[- ]?guns?\b", re.IGNORECASE)),
    ("rounds", re.compile(r"\brounds\b|\bprojectiles?\b", re.IGNORECASE)),
    ("strike", re.compile(r"\bstrikes?\b|\braids?\b", re.IGNORECASE)),
)
# Lower-case stems without which no type cue can match (a cheap first test).
_CUE_HINTS = (
    "rocket", "katyusha", "grad", "missile", "drone", "uav", "uas", "unmanned", "quadcopter", "mortar", "indirect",
    "artillery", "shell", "howitzer", "grenade", "rpg", "air", "warplane", "fighter", "bomb", "ied", "explosive",
    "gunmen", "fire", "arms", "sniper", "gun", "round", "projectile", "strike", "raid",
)  # fmt: skip
# A weapon word used as a modifier of something that is not the attack
# ("rocket launching sites", "drone storage sites", "drone attack" is fine).
_CUE_MODIFIER = re.compile(
    r"^[\s-]*(?:launch(?:ing|ers?)?|storage|factory|factories|depots?|sites?|teams?|cells?|units?|programme|program|"
    r"capabilities|defen[cs]es?|systems?|batter(?:y|ies)|platforms?|operators?)\b",
    re.IGNORECASE,
)
_ATTACK_NOUN = re.compile(r"\b(?:attacks?|strikes?|airstrikes?|raids?|barrages?|bombardments?|shelling|salvos?|assaults?)\b", re.IGNORECASE)

# Signs that the clause reports something that happened (vs threats, plans).
_HAPPENED = re.compile(
    r"\b(?:hit|struck|strike[sd]?|targeted|targeting|landed|land(?:ing)|fell|impacted|exploded|detonated|fired|launched|"
    r"attacked|shot\s+down|downed|intercepted|foiled|repelled|thwarted|brought\s+down|dealt\s+with|shelled|bombed|"
    r"killed|killing|wounded|wounding|injured|injuring|hurt|slammed|crashed|conducted|carried|"
    r"came\s+under|come\s+under|under\s+fire|under\s+attack|was\s+(?:targeted|attacked|hit|struck)|"
    r"were\s+(?:targeted|attacked|hit|struck|fired)|responded|retaliated|opened\s+fire|went\s+after|"
    r"caus(?:ed|ing)|leaving|left)\b",
    re.IGNORECASE,
)
_ATTACK_VERB = re.compile(r"\b(?:fired|opened\s+fire|shelled|attacked)\s+(?:on|at|toward|towards|upon)\b", re.IGNORECASE)
_NP_EVENT = re.compile(
    r"\b(?:attacks?|strikes?|airstrikes?|raids?|barrages?|shelling|bombing)\s+(?:on|against|at|along|near|targeting|in)\b", re.IGNORECASE
)
_MODAL = re.compile(
    r"\b(?:will|would|could|might|may|should|shall|plans?\s+to|planning\s+to|threaten\w*|vow\w*|pledg\w*|warn\w*|"
    r"expects?|expected|prepar\w+\s+for|risk\s+of|reserves?\s+the\s+right|to\s+(?:retaliate|respond|attack|strike|resume|keep))\b",
    re.IGNORECASE,
)
_GENERIC = re.compile(
    r"\b(?:ha(?:ve|s)\s+(?:been\s+|increasingly\s+|repeatedly\s+|also\s+|long\s+|largely\s+)?"
    r"(?:targeted|attacked|hit|come|launched|carried|been|conducted|struck|counted|faced|stopped|become|blamed)"
    r"|series\s+of|dozens\s+of|scores\s+of|hundreds\s+of|more\s+than\s+(?:\d+|a\s+dozen)\s+attacks|\d+\s+times|several\s+times"
    r"|usually|typically|repeatedly|regularly|frequently|routinely|such\s+attacks|attacks\s+like|since\s+(?:then|late|early|October|November|December|January|\d{4})"
    r"|pace\s+of|in\s+recent\s+(?:weeks|months|days)|almost\s+\d+|the\s+latest\s+in)\b",
    re.IGNORECASE,
)
_INTERCEPT = re.compile(
    r"\b(?:shot\s+down|downed|intercepted|intercept|foiled|repelled|thwarted|brought\s+down|destroyed\s+(?:the\s+)?drones?\s+before|"
    r"dealt\s+with|air\s+defen[cs]es?\s+(?:engaged|destroyed))\b",
    re.IGNORECASE,
)
_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "dozen": 12, "a dozen": 12, "another": 1, "single": 1,
}  # fmt: skip
_NUM = r"(?:\d+|a\s+dozen|dozen|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|another|single)"
_COUNT = re.compile(
    rf"\b(?P<pre>(?:at\s+least|more\s+than|over|about|around|some|nearly|up\s+to)\s+)?(?P<n>{_NUM})"
    rf"(?P<more>\s+more)?\s+(?:(?!{_NUM}\b)[\w-]+\s+){{0,3}}?"
    r"(?P<noun>rockets?|missiles?|drones?|rounds?|shells?|mortars?|mortar\s+rounds?|grenades?|rocket-propelled\s+grenades?|RPGs?|projectiles?|UAVs?|Katyushas?|IEDs?|bombs?)\b",
    re.IGNORECASE,
)
_MORE = re.compile(rf"\b(?P<n>{_NUM})\s+more\b(?!\s+(?:than|attacks?|strikes?|times?))", re.IGNORECASE)
_NO_CASUALTIES = re.compile(
    r"\b(?:no|without(?:\s+causing)?(?:\s+any)?|nor)\s+(?:immediate\s+)?(?:reports?\s+of\s+)?(?:casualties|deaths\s+or\s+injuries|injuries\s+or\s+deaths)\b"
    r"|\bno\s+(?:one|body)\s+(?:was\s+)?(?:hurt|injured|killed|harmed)\b|\bnobody\s+(?:was\s+)?(?:hurt|injured|killed)\b"
    r"|\bno\s+(?:damage\s+or\s+)?casualties\b|\bno\s+damage,?\s+no\s+casualties\b",
    re.IGNORECASE,
)
_NO_INJURIES = re.compile(r"\bno\s+(?:injuries|one\s+was\s+(?:hurt|injured)|wounded)\b|\bunhurt\b|\bno\s+(?:service\s+members|troops|personnel)\s+were\s+(?:hurt|injured)", re.IGNORECASE)
_NO_DEATHS = re.compile(r"\bno\s+(?:deaths|fatalities|one\s+was\s+killed)\b", re.IGNORECASE)
_KILL_VERB = re.compile(r"\b(?:killing|killed|kills|deaths\s+of|left)\s+", re.IGNORECASE)
_INJURE_VERB = re.compile(r"\b(?:wounding|wounded|injuring|injured|hurting)\s+", re.IGNORECASE)
_PASSIVE_CAS = re.compile(
    rf"(?<!\bno\s)(?<!\bNo\s)\b(?P<n>{_NUM}|more\s+than\s+\d+|at\s+least\s+\w+)\b(?P<who>(?:[^.;]|\.(?!\s+(?-i:[A-Z]))){{0,90}}?)\s+(?:were|was)\s+(?:also\s+)?(?P<what>killed|wounded|injured|hurt|dead)\b",
    re.IGNORECASE,
)
_DAMAGE = re.compile(r"\b(?:(?:minor|material|light|some|significant|heavy|extensive)\s+damage|caus\w+\s+damage|no\s+damage)\b", re.IGNORECASE)
_CLAIM = re.compile(
    r"\b(?:claimed(?:\s+responsibility)?|took\s+credit|claiming\s+responsibility|said\s+it\s+(?:was\s+behind|carried\s+out|had\s+carried\s+out|launched)|"
    r"has\s+claimed|claims?\s+of\s+responsibility)\b",
    re.IGNORECASE,
)
_NO_CLAIM = re.compile(
    r"\b(?:no|not|never|nobody|none|no\s+one|neither)\b[^.;]{0,40}\b(?:claim\w*|took\s+credit)|\bhave\s+never\s+been\s+claimed|\bunclaimed\b",
    re.IGNORECASE,
)
_BLAME = re.compile(
    r"\b(?:blamed|blames|accused|accuses|held\s+responsible|assess(?:es|ed)?\s+that|(?:were|was)\s+carried\s+out\s+by|"
    r"attributed\s+to|said\s+[^.;]{0,40}\b(?:were|was)\s+responsible)\b",
    re.IGNORECASE,
)
_SUSPECT = re.compile(r"\b(?:likely|suspected|suspects?|working[- ](?:level\s+)?assumption|believed\s+to|probably|presumably)\b", re.IGNORECASE)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_BASE_NOUN = re.compile(
    r"\b(?P<det>an?|another|one\s+of\s+(?:its|their|the)|the|its|their)\s+(?:[\w.-]+\s+){0,4}?"
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


def _noun_tiers(noun: str) -> tuple[frozenset[str], ...]:
    noun = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    noun = noun.replace("facilitie", "facility")
    return _NOUN_KINDS.get(noun, (_BASE_KINDS,))
_ACTOR_HOME = re.compile(
    r"\b(?:militias?|militants?|militiamen|groups?|factions?|proxies|fighters|cells|members)\s+(?:operating\s+|based\s+|active\s+)?(?:in|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_ORIGIN = re.compile(
    r"\bfrom\s+(?:(?:an?|the)\s+)?(?:[\w-]+\s+){0,6}?(?:(?:of|outside|near|in)\s+)?(?:the\s+)?(?:(?:town|city|village|area|district)\s+of\s+)?$",
    re.IGNORECASE,
)
_NEAR = re.compile(
    r"\b(?:near|outside|close\s+to|on\s+the\s+outskirts\s+of|in\s+the\s+area\s+of|around|km\s+from|kilometres?\s+from|kilometers?\s+from|"
    r"in\s+the\s+vicinity\s+of|the\s+road\s+to|on\s+the\s+highway\s+near)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$",
    re.IGNORECASE,
)
_DIRECTION_OF = re.compile(r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+$", re.IGNORECASE)
_DEFINITE_EVENT = re.compile(
    r"^\W*(?:[\w’']+\s+){0,3}?\b(?:the|this|that|these|both|its|wednesday's|monday's|tuesday's|thursday's|friday's|saturday's|sunday's)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|rockets?|drones?|missiles?|barrage|shelling|rounds|shells|raids?|bombing)\b",
    re.IGNORECASE,
)
_DEMONYM = {"iraqi": "IQ", "syrian": "SY", "jordanian": "JO"}


# =============================================================================== mentions


@dataclass
class _Mention:
    """What one clause says about an attack (mutable only while reading)."""

    sent: int
    start: int
    end: int
    types: dict[str, float] = field(default_factory=dict)
    type_spans: list[tuple[int, int]] = field(default_factory=list)
    date: DateMention | None = None
    date_is_past_only: bool = False  # year-only or anniversary without a usable date
    year_hint: int | None = None
    targets: list[tuple[Any, int, int, int, str]] = field(default_factory=list)  # (site, start, end, geo_precision, method)
    place_constraint: str | None = None  # country code from a demonym
    munitions: int | None = None
    munitions_more: int | None = None
    munitions_span: tuple[int, int] | None = None
    intercepted: bool = False
    intercepted_span: tuple[int, int] | None = None
    killed: int | None = None
    injured: int | None = None
    killed_span: tuple[int, int] | None = None
    injured_span: tuple[int, int] | None = None
    casualties_additive: bool = False
    damage: str = ""
    actor: _ActorMention | None = None
    definite: bool = False
    unknown_place: bool = False
    base_nouns: list[tuple[str, str, int, int]] = field(default_factory=list)  # (det, noun, start, end)

    @property
    def event_type(self) -> str:
        return _pick_type(self.types)


def _pick_type(votes: dict[str, float]) -> str:
    return _pick_type_cached(tuple(sorted(votes.items())))


@lru_cache(maxsize=4096)
def _pick_type_cached(items: tuple[tuple[str, float], ...]) -> str:
    votes = dict(items)
    if not votes:
        return "other"
    specific = {k: v for k, v in votes.items() if k not in ("rounds", "strike", "other")}
    if specific:
        return max(specific.items(), key=lambda kv: (kv[1], _TYPE_PRIORITY.index(kv[0])))[0]
    if "rounds" in votes:
        return "indirect_fire"
    return "other"


# Tie-break: the more specific weapon wins.
_TYPE_PRIORITY = ("other", "small_arms", "ied", "artillery", "indirect_fire", "rocket", "missile", "rpg", "drone", "airstrike")

_FAMILIES = ({"rocket", "missile", "indirect_fire", "artillery", "rpg"},)


def types_compatible(a: str, b: str) -> bool:
    """Whether two event types can describe the same attack in one report."""
    if a == b or "other" in (a, b):
        return True
    return any(a in f and b in f for f in _FAMILIES)


def _num_value(text: str) -> int | None:
    t = re.sub(r"\s+", " ", text.strip().lower())
    for prefix in ("more than ", "at least ", "over ", "about ", "around ", "nearly ", "some ", "up to "):
        t = t.removeprefix(prefix)
    if t.isdigit():
        return int(t)
    return _NUM_WORDS.get(t)


def _sum_numbers(segment: str) -> int | None:
    """Sum of the counts in a list like "two American service members and a British medic"."""
    total, found = 0, False
    for m in re.finditer(rf"\b(?P<n>{_NUM})\b(?!\s+(?:years?|months?|weeks?|days?|hours?|minutes?|times?)\b)(?=\s+(?:[\w.-]+\s+){{0,3}}?(?:[a-z]+s|people|personnel|men|women|children|staff|crew|medic|contractor|soldier|civilian|member|person|child|woman|man|officer|worker|guard|employee|fighter|militiaman|of\s+(?:his|their|its|the)))", segment, re.IGNORECASE):
        v = _num_value(m.group("n"))
        if v is not None:
            total += v
            found = True
    return total if found else None


_CASUALTY_WORDS = re.compile(r"kill|wound|injur|hurt|dead|death|casualt|harm|fatalit", re.IGNORECASE)


def _casualties(text: str, start: int, end: int, m: _Mention) -> None:
    seg = text[start:end]
    if not _CASUALTY_WORDS.search(seg):
        return
    if _NO_CASUALTIES.search(seg):
        mm = _NO_CASUALTIES.search(seg)
        m.killed, m.injured = 0, 0
        m.killed_span = m.injured_span = (start + mm.start(), start + mm.end())
    else:
        if (mm := _NO_INJURIES.search(seg)) and m.injured is None:
            m.injured = 0
            m.injured_span = (start + mm.start(), start + mm.end())
        if (mm := _NO_DEATHS.search(seg)) and m.killed is None:
            m.killed = 0
            m.killed_span = (start + mm.start(), start + mm.end())
    for verb, attr in ((_KILL_VERB, "killed"), (_INJURE_VERB, "injured")):
        for vm in verb.finditer(seg):
            tail = seg[vm.end() :]
            stop = re.search(r"\.(?=\s+[A-Z]|\s*$)|[;,]|\band\s+(?:wound|injur|kill|hurt)|\bin\s+(?:an?|the)\s+|\bwhen\b|\bwhile\b|\bafter\b", tail)
            tail = tail[: stop.start()] if stop else tail[:80]
            if vm.group(0).lower().startswith("left") and "dead" not in tail:
                continue
            n = _sum_numbers(tail)
            if n is None and (bare := re.match(rf"\s*(?:(?:at\s+least|more\s+than|about|around|some)\s+)?({_NUM})\b(?!\s+(?:years?|months?|days?|weeks?|hours?|times?)\b)", tail, re.IGNORECASE)):
                n = _num_value(bare.group(1))  # "wounding four", "killing a contractor"
            if n is not None and getattr(m, attr) in (None, 0):
                setattr(m, attr, n)
                setattr(m, f"{attr}_span", (start + vm.start(), start + vm.end() + len(tail)))
    for pm in _PASSIVE_CAS.finditer(seg):
        n = _num_value(pm.group("n"))
        if n is None:
            continue
        what = pm.group("what").lower()
        attr = "killed" if what in ("killed", "dead") else "injured"
        if " also " in pm.group(0).lower() or pm.group(0).lower().startswith(("also",)):
            m.casualties_additive = True
        if getattr(m, attr) in (None, 0):
            setattr(m, attr, n)
            setattr(m, f"{attr}_span", (start + pm.start(), start + pm.end()))


def _munitions(text: str, start: int, end: int, m: _Mention) -> None:
    for cm in _COUNT.finditer(text, start, end):
        tail = text[cm.end() : cm.end() + 20]
        if re.match(r"[\s-]*(?:attacks?|strikes?|launch|storage|factory)", tail, re.IGNORECASE):
            continue  # "a drone attack", "two drone strikes": not a count of munitions
        n = _num_value(cm.group("n"))
        if n is None or n > 500:
            continue
        if cm.group("n").lower() in ("a", "an", "another", "single") and cm.group("pre"):
            continue
        if cm.group("more"):
            m.munitions_more = (m.munitions_more or 0) + n
        elif m.munitions is None or n > m.munitions:
            m.munitions = n
            m.munitions_span = (cm.start(), cm.end())
    if m.munitions is not None and m.munitions_more is None:
        # "Five rockets landed inside, with three more landing outside": 8 in all.
        for mm in _MORE.finditer(text, m.munitions_span[1] if m.munitions_span else start, end):
            if (n := _num_value(mm.group("n"))) is not None:
                m.munitions_more = n
                break


def _type_votes(text: str, start: int, end: int, m: _Mention, sentence: tuple[int, int] | None = None) -> None:
    seg = text[start:end]
    lower = seg.lower()
    if not any(h in lower for h in _CUE_HINTS):
        return
    whole = text[sentence[0] : sentence[1]] if sentence else seg
    taken: list[tuple[int, int]] = []
    for kind, rx in _TYPE_CUES:
        for cm in rx.finditer(seg):
            s, e = cm.start(), cm.end()
            if any(a < e and s < b for a, b in taken):
                continue
            if _CUE_MODIFIER.match(seg[e : e + 25]) and kind not in ("airstrike",):
                continue
            taken.append((s, e))
            vote = kind
            if kind == "strike":
                before = seg[max(0, s - 40) : s]
                if re.search(r"\bdrone\s*$", before, re.IGNORECASE):
                    # "a US drone strike" is an airstrike; a militia's "drone strike" a drone attack.
                    vote = "airstrike" if re.search(r"\b(?:U\.?S\.?|American|coalition|Israeli|targeted)\b", before, re.IGNORECASE) else "drone"
                elif re.search(r"\b(?:U\.?S\.?|American|coalition|Israeli|air|aerial|precision|retaliatory)\b[\w\s.-]{0,20}$", before, re.IGNORECASE):
                    vote = "airstrike"
                elif re.search(r"\b(?:conducted|carried(?:\s+out)?|launched)\s+(?:\w+\s+){0,2}$", before, re.IGNORECASE) and re.search(
                    r"\b(?:U\.?S\.?|American|[Cc]oalition|Israeli)\b", whole
                ):
                    # "the coalition responded ... and had earlier carried additional strikes"
                    vote = "airstrike"
                else:
                    vote = "strike"
            if kind == "drone" and re.match(r"\s+strikes?\b", seg[e : e + 10], re.IGNORECASE):
                continue  # judged by the "strike" cue
            if kind == "rounds" and re.search(r"\b(?:artillery|mortar)\s+$", seg[max(0, s - 12) : s], re.IGNORECASE):
                continue
            if kind == "rocket" and re.search(r"\bKatyusha\s*$", seg[max(0, s - 10) : s]):
                continue
            weight = 1.0
            m.types[vote] = m.types.get(vote, 0.0) + weight
            m.type_spans.append((start + s, start + e))


# =============================================================================== reading

_RANK = {"unknown": 0, "suspected": 1, "blamed": 2, "claimed": 3}
_ROCKETLIKE = frozenset({"rocket", "missile"})
_SHELLLIKE = frozenset({"indirect_fire", "artillery"})
_FIRE = frozenset({"rocket", "missile", "indirect_fire", "artillery"})
_VICTIM_BEFORE = re.compile(
    r"\b(?:including|wounding|killing|injuring|hosting|housing|against|on|at|targeting|targeted|of|with|near|for|to|by|"
    r"among|members|aligned|backed|supported|between)\s+(?:the\s+|a\s+|an\s+|other\s+)?(?:[\w.-]+\s+){0,2}$",
    re.IGNORECASE,
)
_AGENT_BEFORE = re.compile(r"\b(?:carried\s+out|launched|fired|conducted|targeted|struck|hit)\s+by\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}$", re.IGNORECASE)
_ACTIVE_VERB = re.compile(
    r"\.?(?P<gap>(?:[\s,]+[\w.'’-]+){0,4}?)[\s,]+(?:launched|fired|shelled|struck|hit|targeted|attacked|conducted|carried\s+out|"
    r"responded|retaliated|bombed|sent|opened\s+fire)\b",
    re.IGNORECASE,
)
_GAP_STOP = re.compile(r"\b(?:that|which|who|were|was|been|being|are|is|came|come|attack|attacks|base|bases|troops)\b", re.IGNORECASE)


def _type_fits(ev_type: str, m_type: str, m_weak: bool) -> bool:
    """Within one report: can a clause of type ``m_type`` describe an event of ``ev_type``?

    Stricter than :func:`types_compatible`: "mortar rounds" and "two rockets"
    in one report are two attacks; "rockets" and "missiles", or "rounds" and
    "rockets", are the same one worded twice.
    """
    if ev_type == m_type or "other" in (ev_type, m_type):
        return True
    if {ev_type, m_type} <= _ROCKETLIKE or {ev_type, m_type} <= _SHELLLIKE:
        return True
    return m_weak and ev_type in _FIRE and m_type in _FIRE


@dataclass
class _Event:
    """An incident being assembled from one or more mentions."""

    date: tuple[dt.date, str] | None
    site: Any | None = None
    place_span: tuple[int, int] | None = None
    geo_precision: int = 4
    place_method: str = "named"
    types: dict[str, float] = field(default_factory=dict)
    sentences: list[int] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    munitions: int | None = None
    intercepted: bool = False
    killed: int | None = None
    injured: int | None = None
    damage: str = ""
    actor: str = "Unknown"
    attribution: str = "unknown"
    attributed_by: str = ""
    date_defaulted: bool = False  # no date phrase at all: the publication date stands in

    @property
    def event_type(self) -> str:
        return _pick_type(self.types)

    @property
    def side(self) -> str:
        return _side(self.actor)


def _more_precise(a: tuple[dt.date, str], b: tuple[dt.date, str]) -> tuple[dt.date, str]:
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    return a if order[a[1]] <= order[b[1]] else b


def _overlap(a: tuple[dt.date, str], b: tuple[dt.date, str]) -> bool:
    a0, a1 = date_window(*a)
    b0, b1 = date_window(*b)
    return a0 <= b1 and b0 <= a1


def _shift(d: DateMention, offset: int) -> DateMention:
    return replace(d, start=d.start + offset, end=d.end + offset)


def _is_coarse(site) -> bool:
    return site.kind in _COARSE_KINDS


def _finer(site, gp: int, other, other_gp: int) -> bool:
    if _kind_rank(site.kind) != _kind_rank(other.kind):
        return _kind_rank(site.kind) < _kind_rank(other.kind)
    return gp < other_gp


def _same_place(a, b) -> bool:
    if a.id == b.id or _contains(a, b) or _contains(b, a):
        return True
    # Two different named bases are two places even when the gazetteer puts them
    # on one proxy point; a base and the town beside it are one.
    towns = ("town", "village", "neighbourhood")
    return (a.kind in towns or b.kind in towns) and not _is_coarse(a) and not _is_coarse(b) and _km(a.lat, a.lon, b.lat, b.lon) <= 10


def _regions_overlap(a, b) -> bool:
    """ "eastern Syria and western Iraq" and "the Iraq-Syria border" can be one area."""
    if "region" not in (a.kind, b.kind) or not (_is_coarse(a) and _is_coarse(b)):
        return False
    if "country" in (a.kind, b.kind):
        return False
    return _km(a.lat, a.lon, b.lat, b.lon) * 1000 <= a.precision_m + b.precision_m


# Text between a place and a coarser one that only says where the first is.
_QUALIFIER_LINK = re.compile(
    r"(?:'s|’s)?,?\s*(?:(?:situated|located|based)\s+)?(?:in|of|near|outside|at|inside)?\s*(?:the\s+)?(?:(?!and\b|or\b)[\w-]+\s+){0,3}?(?:of\s+|in\s+)?(?:the\s+)?",
    re.IGNORECASE,
)


_ATTRIBUTION_HINTS = (
    "claim", "credit", "responsib", "behind", "blame", "accus", "assess", "carried out by", "attributed", "likely",
    "suspect", "assumption", "believed", "probabl", "presum", "said it",
)  # fmt: skip
_SENTENCE_HINTS = _CUE_HINTS + (
    "attack", "hit", "struck", "target", "land", "fell", "impact", "explo", "detonat", "launch", "shot", "down",
    "intercept", "foil", "repel", "thwart", "dealt", "kill", "wound", "injur", "hurt", "dead", "death", "casualt",
    "harm", "damage", "claim", "credit", "blame", "accus", "responsib", "assess", "suspect", "likely", "assumption",
    "believed", "behind", "conduct", "carried", "slam", "crash", "under", "went after", "one",
)  # fmt: skip


class _Reader:
    """Reads one report clause by clause and assembles events."""

    def __init__(self, text: str, published: dt.date, gazetteer):
        self.text = text
        self.published = published
        self.gaz = gazetteer
        self.events: list[_Event] = []
        self.notes: list[str] = []
        self.context_date: tuple[dt.date, str] | None = None
        self.last_event: _Event | None = None
        self.last_event_sentence = -10
        self.last_types: dict[str, float] = {}
        self.lead_date: tuple[dt.date, str] | None = None  # the date of the report's main story
        self._actor_cache: dict[tuple[int, int], list[_ActorMention]] = {}
        self.sentences = split_sentences(text)
        places, unresolved = _scanner(gazetteer).scan(text)
        datelines = _datelines(text)
        self.places = [p for p in places if not any(s <= p.start < e for s, e in datelines)]
        self.unresolved = unresolved
        self.report_sites = [p.site for p in self.places]

    # -------------------------------------------------------------- places of a clause

    def _actors(self, start: int, end: int) -> list[_ActorMention]:
        key = (start, end)
        if key not in self._actor_cache:
            self._actor_cache[key] = _find_actors(self.text, start, end)
        return self._actor_cache[key]

    def _places_in(self, start: int, end: int) -> list[_Place]:
        return [p for p in self.places if p.start >= start and p.end <= end]

    def _clause_targets(self, start: int, end: int, m: _Mention) -> None:
        text = self.text
        in_clause = self._places_in(start, end)
        for bm in _BASE_NOUN.finditer(text, start, end):
            ns, ne = bm.start("noun"), bm.end("noun")
            if any(p.start <= ns and ne <= p.end for p in in_clause):
                continue  # part of a name ("Ain al-Asad air base")
            m.base_nouns.append((bm.group("det").lower(), re.sub(r"\s+", " ", bm.group("noun").lower()), ns, ne))
        for word, cc in _DEMONYM.items():
            if re.search(rf"\b{word}\b", text[start:end], re.IGNORECASE):
                m.place_constraint = cc
                break

        airstrike = "airstrike" in m.types or "strike" in m.types
        cand: list[tuple[_Place, int]] = []
        for p in in_clause:
            before = text[max(start, p.start - 80) : p.start]
            home = _ACTOR_HOME.search(before)
            # "militias in Iraq" is where the attackers are, unless they are the target of a strike.
            if home and (not airstrike or re.search(r"\b(?:commander|leader|chief|head|deputy|spokesman)\s+of\s+", before, re.IGNORECASE)):
                continue
            if _ORIGIN.search(before[-60:]) or _DIRECTION_OF.search(before[-30:]):
                continue  # "fired from ...", "west of Baghdad": not the target
            gp = _GEO_PRECISION_BY_KIND.get(p.site.kind, 1)
            if gp < 3 and _NEAR.search(before[-45:]):
                gp = 2
            if p.site.kind in ("town", "village", "neighbourhood"):
                gp = max(gp, 2)
            cand.append((p, gp))

        # "Victory base, adjacent to Baghdad airport": the second site only says where the first is.
        kept: list[tuple[_Place, int]] = []
        for p, gp in cand:
            prev = kept[-1][0] if kept else None
            if (
                prev is not None
                and not _is_coarse(prev.site)
                and not _is_coarse(p.site)
                and re.fullmatch(
                    r",?\s*(?:which\s+is\s+)?(?:adjacent\s+to|next\s+to|at|inside|on\s+the\s+grounds\s+of|near|close\s+to|in|within)\s+(?:the\s+)?",
                    text[prev.end : p.start],
                    re.IGNORECASE,
                )
            ):
                continue
            kept.append((p, gp))

        targets: list[tuple[Any, int, int, int, str]] = []
        for i, (p, gp) in enumerate(kept):
            if _is_coarse(p.site):
                inside = [o for o, _ in kept if o.site.id != p.site.id and _contains(p.site, o.site)]
                if any(not _is_coarse(o.site) for o in inside):
                    continue  # "Anbar province" around "Ain al-Asad": a qualifier
                if i > 0 and _QUALIFIER_LINK.fullmatch(text[kept[i - 1][0].end : p.start]):
                    continue  # "al-Omar oil field in the eastern countryside of Deir Ezzor"
                resolved = self._descriptive(p, m, start)
                if resolved is not None:
                    targets.append((resolved, p.start, p.end, 1, "descriptive"))
                    continue
                if inside:
                    continue  # "Iraq" around "Erbil"
                targets.append((p.site, p.start, p.end, gp, "area"))
            else:
                targets.append((p.site, p.start, p.end, gp, "named"))
        seen: set[str] = set()
        for t in targets:
            if t[0].id not in seen:
                seen.add(t[0].id)
                m.targets.append(t)

    def _descriptive(self, area: _Place, m: _Mention, clause_start: int):
        """ "a base in Syria" -> the one named base-like site in that area this report mentions."""
        nouns = [b for b in m.base_nouns if b[0] not in ("the", "its", "their")]
        linked = [b for b in nouns if b[3] <= area.start and area.start - b[3] < 90]
        if not linked and area.start - clause_start < 25:
            linked = [b for b in nouns if b[2] > area.end]  # "In Syria, ... a base"
        if not linked:
            return None
        noun = linked[-1][1]
        if noun.startswith(("position", "camp")):
            return None
        found = []
        for site in dict.fromkeys(self.report_sites):
            if site.kind in _BASE_KINDS and site.id != area.site.id and _contains(area.site, site):
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
        counts = {s.id: sum(1 for r in self.report_sites if r.id == s.id) for s in exact}
        best = sorted(exact, key=lambda s: -counts[s.id])
        return best[0] if counts[best[0].id] > counts[best[1].id] else None

    def _anaphor(self, m: _Mention, before: int):
        """ "the base", "the oil field" -> the last named site of that kind before this clause."""
        for det, noun, s, e in m.base_nouns:
            if det not in ("the", "its", "their"):
                continue
            earlier = [p for p in reversed(self.places) if p.end <= before]
            for kinds in _noun_tiers(noun):
                for p in earlier:
                    if p.site.kind in kinds and (m.place_constraint is None or p.site.country == m.place_constraint):
                        return p.site, s, e
            return None
        return None

    # -------------------------------------------------------------- reading

    def read(self) -> None:
        for si, (s_start, s_end) in enumerate(self.sentences):
            lower = self.text[s_start:s_end].lower()
            if not any(h in lower for h in _SENTENCE_HINTS):
                continue  # no weapon, attack, casualty or claim word: nothing to read here
            for c_start, c_end in _clauses(self.text, s_start, s_end):
                self._read_clause(si, c_start, c_end)
        self._absorb()

    def _read_clause(self, si: int, start: int, end: int) -> None:
        text = self.text
        seg = text[start:end]
        m = _Mention(si, start, end)
        s_start, s_end = self.sentences[si]
        _type_votes(text, start, end, m, sentence=(s_start, s_end))
        generic = bool(_GENERIC.search(seg))
        if not m.types and self.last_types and re.search(r"\b(?:the\s+last|another|a\s+similar|the\s+previous|the\s+first)\s+one\b", seg, re.IGNORECASE):
            m.types = {k: v * 0.5 for k, v in self.last_types.items()}  # "the last one, on 30 September, ..."
        vocabulary = bool(m.types) or bool(_ATTACK_NOUN.search(seg) or _ATTACK_VERB.search(seg))
        happened = bool(_HAPPENED.search(seg) or _NP_EVENT.search(seg))
        attribution = None if generic else self._attribution(start, end)
        threat = self._is_threat(seg) and not _CLAIM.search(seg)
        if m.types:
            self.last_types = dict(m.types)
        if not vocabulary or not happened or threat:
            if attribution:
                said = [d for d in find_dates(seg, self.published) if d.precision != "year"]
                self._apply_attribution(attribution, None, on=(said[0].date, said[0].precision) if said else None)
            if not generic:
                self._aftermath(si, start, end)
            if vocabulary and not generic and not threat:
                self._date_of(m, start, end)
                if m.date is not None and self.lead_date is None and self._recent(m.date.date):
                    self.lead_date = self.context_date = (m.date.date, m.date.precision)
            return
        self._date_of(m, start, end)
        if generic and (m.date is None or m.date.precision == "year" or m.date_is_past_only):
            return
        _munitions(text, start, end, m)
        if im := _INTERCEPT.search(seg):
            m.intercepted = True
            m.intercepted_span = (start + im.start(), start + im.end())
        _casualties(text, start, end, m)
        if dm := _DAMAGE.search(seg):
            m.damage = dm.group(0)
        m.actor = self._perpetrator(start, end, m)
        m.definite = bool(_DEFINITE_EVENT.search(seg))
        self._clause_targets(start, end, m)
        m.unknown_place = any(start <= u[0] < end for u in self.unresolved)
        if not m.targets and not m.unknown_place:
            self._sibling_targets(m, si)
        if m.date is not None and self.lead_date is None and not m.date_is_past_only and self._recent(m.date.date):
            self.lead_date = (m.date.date, m.date.precision)
        countries = {t[0].id for t in m.targets if t[0].kind == "country"}
        if len(countries) >= 2 or (countries and all(t[0].kind == "country" for t in m.targets) and re.search(r"\b(?:attacks|bases)\b", seg, re.IGNORECASE) and len(m.targets) > 1):
            # "bases in Iraq and Syria came under fire": a summary of attacks told one by one below.
            if attribution:
                self._apply_attribution(attribution, None)
            if m.date is not None and not m.date_is_past_only:
                self.context_date = (m.date.date, m.date.precision)
                self.lead_date = self.lead_date or self.context_date
            return
        if attribution and not m.targets and re.search(r"\b(?:the|these|both|all)\s+(?:\w+\s+)?attacks\b", seg, re.IGNORECASE):
            self._apply_attribution(attribution, None)  # "the attacks were carried out by ...": all of today's
            return
        self._link(m, attribution)

    def _recent(self, date: dt.date) -> bool:
        """Within a month before publication: the report's own story, not history it recalls."""
        return dt.timedelta(0) <= self.published - date <= dt.timedelta(days=31)

    def _sibling_targets(self, m: _Mention, si: int) -> None:
        """A clause without a place takes the place of the other clauses of its sentence."""
        s_start, s_end = self.sentences[si]
        for c_start, c_end in _clauses(self.text, s_start, s_end):
            if (c_start, c_end) == (m.start, m.end):
                continue
            scratch = _Mention(si, c_start, c_end, types=dict(m.types))
            self._clause_targets(c_start, c_end, scratch)
            found = [t for t in scratch.targets if m.place_constraint is None or t[0].country == m.place_constraint]
            if found:
                m.targets = found
                return
        if si > 0 and self.last_event_sentence < si - 1 and m.date is None and not m.base_nouns:
            # "... observed launch sites near the base known as Green Village. Coalition forces
            # conducted several strikes.": the sentence before sets the scene.
            p_start, p_end = self.sentences[si - 1]
            scratch = _Mention(si - 1, p_start, p_end, types=dict(m.types))
            self._clause_targets(p_start, p_end, scratch)
            if len(scratch.targets) == 1 and not _is_coarse(scratch.targets[0][0]):
                m.targets = scratch.targets

    @staticmethod
    def _is_threat(seg: str) -> bool:
        """A threat, plan or vow: the modal governs every attack verb of the clause."""
        modal = _MODAL.search(seg)
        if not modal:
            return False
        done = re.compile(r"\b(?:hit|struck|landed|targeted|fired|launched|attacked|shot\s+down|downed|killed|wounded|injured|exploded)\b", re.IGNORECASE)
        if done.search(seg[: modal.start()]) or done.search(seg[modal.end() :]):
            return False
        return not _NP_EVENT.search(seg[modal.end() :])

    def _aftermath(self, si: int, start: int, end: int) -> None:
        """ "There were no casualties." right after an attack belongs to that attack."""
        ev = self.last_event
        if ev is None or si - self.last_event_sentence > 1:
            return
        places = [p for p in self._places_in(start, end) if not _is_coarse(p.site)]
        if places and (ev.site is None or all(p.site.id != ev.site.id for p in places)):
            return
        m = _Mention(si, start, end)
        seg = self.text[start:end]
        dates = [d for d in find_dates(seg, self.published) if d.precision != "year"]
        if dates and ev.date is not None and not any(_overlap((d.date, d.precision), ev.date) for d in dates):
            return  # "The last one, on 30 September, ...": another attack
        _casualties(self.text, start, end, m)
        if (im := _INTERCEPT.search(seg)) and re.search(r"\b(?:drones?|rockets?|missiles?|it|them)\b", seg, re.IGNORECASE):
            m.intercepted, m.intercepted_span = True, (start + im.start(), start + im.end())
        if dm := _DAMAGE.search(seg):
            m.damage = dm.group(0)
        if m.killed is None and m.injured is None and not m.intercepted and not m.damage:
            return
        if re.search(r"\balso\b", seg, re.IGNORECASE):
            m.casualties_additive = True
        if re.search(r"\b(?:both|all|the|these)\s+(?:\w+\s+)?attacks\b", seg, re.IGNORECASE):
            for other in self._context_events():
                self._merge(other, m, None, None)
            return
        self._merge(ev, m, None, None)

    # -------------------------------------------------------------- dates

    def _date_of(self, m: _Mention, start: int, end: int) -> None:
        text = self.text
        anchor = self.context_date[0] if self.context_date else self.published
        seg = text[start:end]
        usable: list[DateMention] = []
        anniversary = None
        found = find_dates(seg, self.published, anchor=anchor)
        if found and self._inside_quotes(start + found[0].start) and (self.lead_date or self.context_date):
            # Inside a quotation "this morning" is the day the statement was made: the story's day.
            found = find_dates(seg, (self.lead_date or self.context_date)[0], anchor=anchor)
        for d in found:
            after = seg[d.end : d.end + 60]
            if re.match(r"[\s,]*(?:\w+\s+){0,3}?(?:anniversary|commemorat\w*|memorial)\b", after, re.IGNORECASE) or re.match(
                r"[\s,]*(?:\w+\s+){0,2}(?:held|observed|marked)\s+(?:\w+\s+){0,2}(?:commemorat|anniversar)", after, re.IGNORECASE
            ):
                anniversary = d
                continue
            if re.search(r"\bsince\s+$", seg[max(0, d.start - 8) : d.start], re.IGNORECASE):
                continue
            usable.append(_shift(d, start))
        if anniversary is not None and not any(u.precision != "year" for u in usable):
            # "marking the second anniversary of the strike" on D: the strike was N years before D.
            ordinal = re.search(r"\b(" + "|".join(_ORDINAL) + r")\s+anniversary\s+of\b", seg, re.IGNORECASE)
            if ordinal:
                n, d = _ORDINAL[ordinal.group(1).lower()], anniversary.date
                past = d.replace(year=d.year - n, day=min(d.day, 28) if d.month == 2 else d.day)
                m.date = DateMention(start + anniversary.start, start + anniversary.end, anniversary.text, past, "day", "published")
                return
            m.date_is_past_only = True
        if re.search(r"\banniversary\s+of\b", seg, re.IGNORECASE) and not usable:
            m.date_is_past_only = True
        if not usable:
            return
        attack_pos = [s for s, _ in m.type_spans] or [start + (mm.start() if (mm := _ATTACK_NOUN.search(seg)) else 0)]
        scored = []
        for d in usable:
            pre = text[max(start, d.start - 45) : d.start]
            speech = bool(re.search(r"\b(?:said|told|added|stated|announced|reported|vowed|warned)\b(?:\s+[\w.-]+){0,4}\s*$", pre, re.IGNORECASE))
            dist = min(abs(d.start - p) for p in attack_pos)
            scored.append((d.precision == "year", speech, dist, d))
        scored.sort(key=lambda t: (t[0], t[1], t[2]))
        year_only, speech, _, best = scored[0]
        if year_only:
            m.date_is_past_only, m.year_hint = True, best.date.year
            return
        if speech and attack_pos[0] > best.end and re.search(r"\bthat\b", text[best.end : attack_pos[0]]):
            m.date_is_past_only = True  # "told the Council last week that it targeted ...": earlier, unknown
            return
        m.date = best
        if best.basis == "anchor" and re.match(r"(?i)(?:an?|one|two|three|four|five|six|seven|\d+)\s+(?:days?|weeks?)\s+(?:after|later)", best.text):
            follow = text[best.end : best.end + 40]
            rest = text[best.end : m.end]
            main = rest.split(",", 1)[1] if "," in rest else ""
            if not (_HAPPENED.search(main) and (_ATTACK_VERB.search(main) or any(rx.search(main) for _, rx in _TYPE_CUES[:9]))) and re.match(r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w.-]+\s+){0,2}?(?:air\s?strikes?|strikes?|attacks?|rockets?|drones?|missiles?|raids?|shelling)\b", follow, re.IGNORECASE):
                # "The attack came a week after US airstrikes": the strikes were a week *before*.
                m.date = replace(best, date=best.date - 2 * (best.date - anchor))

    def _inside_quotes(self, pos: int) -> bool:
        sent = next(((s, e) for s, e in self.sentences if s <= pos < e), None)
        if sent is None:
            return False
        chunk = self.text[sent[0] : pos]
        return chunk.count("“") > chunk.count("”") or chunk.count('"') % 2 == 1

    # -------------------------------------------------------------- who

    def _perpetrator(self, start: int, end: int, m: _Mention) -> _ActorMention | None:
        text = self.text
        triggers = [s for s, _ in m.type_spans]
        for a in self._actors(start, end):
            before = text[max(start, a.start - 45) : a.start]
            if _AGENT_BEFORE.search(before):
                return a  # "carried out by Iran-backed militias"
            if _VICTIM_BEFORE.search(before[-30:]):
                continue  # "hosting US forces", "wounding a U.S. service member"
            verb = _ACTIVE_VERB.match(text, a.end, end)
            if verb and not _GAP_STOP.search(verb.group("gap")):
                return a  # "Iran-backed militias launched", "US forces shelled"
            nxt = min((t for t in triggers if t >= a.end), default=None)
            if nxt is not None and nxt - a.end <= 25:
                gap = text[a.end : nxt]
                if re.fullmatch(r"[\s\w.-]*", gap) and not re.search(r"\b(?:bases?|troops|forces|personnel|positions?|and|or)\b", gap, re.IGNORECASE):
                    return a  # "US airstrikes", "Iranian missiles", "coalition artillery"
        return None

    def _attribution(self, start: int, end: int):
        """(kind, actor, by) said about an attack in this clause, or None."""
        text = self.text
        seg = text[start:end]
        lower = seg.lower()
        if not any(h in lower for h in _ATTRIBUTION_HINTS):
            return None
        if _NO_CLAIM.search(seg):
            return None
        actors = self._actors(start, end)
        if cm := _CLAIM.search(seg):
            named = [a for a in actors if _side(a.name) == "other" and a.start < start + cm.start()]
            if named:
                return ("claimed", named[0].name, "")  # the subject, not an apposition describing it
        if bm := _BLAME.search(seg):
            by = [a for a in actors if a.end <= start + bm.start()]
            blamed = [a for a in actors if a.start >= start + bm.start() and _side(a.name) == "other"]
            if blamed:
                return ("blamed", blamed[0].name, by[0].name if by else "")
        if sm := _SUSPECT.search(seg):
            near = [a for a in actors if abs(a.start - (start + sm.start())) < 80 and _side(a.name) == "other"]
            if near:
                by = [a for a in actors if _side(a.name) == "us" and a.end <= near[0].start]
                return ("suspected", near[0].name, by[0].name if by else "")
        return None

    def _apply_attribution(self, attribution, event: _Event | None, *, on=None) -> None:
        kind, actor, by = attribution
        for ev in [event] if event is not None else self._context_events(on):
            if ev.side != "other" or ev.event_type == "airstrike":
                continue  # a claim by a militia is not about the coalition's own strikes
            if _RANK[kind] > _RANK.get(ev.attribution, 0) or ev.actor == "Unknown":
                ev.actor, ev.attribution = actor, kind
                ev.attributed_by = by if kind != "claimed" else ""

    def _context_events(self, on: tuple[dt.date, str] | None = None) -> list[_Event]:
        """What "the attacks" of a statement refers to: the events of its date, else of the current one."""
        if on is not None:
            dated = [e for e in self.events if e.date is not None and _overlap(e.date, on) and e.site is not None]
            if dated:
                return dated
        if self.last_event is None:
            return []
        same_day = [e for e in self.events if e.date == self.last_event.date and e.side == "other" and e.site is not None]
        return same_day or [self.last_event]

    # -------------------------------------------------------------- linking

    def _link(self, m: _Mention, attribution) -> None:
        date = (m.date.date, m.date.precision) if m.date is not None else None
        targets = list(m.targets)
        if not targets and m.unknown_place:
            # "shot down near Zubaydiyat": a place we cannot map, not the last place we could.
            if date is not None or m.date_is_past_only or not m.definite:
                ev = self._new_event(m, None, date)
                self.last_event, self.last_event_sentence = ev, m.sent
            return
        if not targets and (ana := self._anaphor(m, m.start)) is not None:
            site, s, e = ana
            targets = [(site, s, e, 1, "anaphor")]
        touched: list[_Event] = []
        if not targets:
            ev = self._find_event(None, date, m)
            if ev is None and date is None and not m.date_is_past_only:
                ev = self._continuation(m)
            if ev is not None:
                self._merge(ev, m, None, date)
                touched.append(ev)
            elif date is not None or m.date_is_past_only:
                touched.append(self._new_event(m, None, date))  # its place may come in the next sentence
            elif (last := self.last_event) is not None and last.site is not None and m.sent - self.last_event_sentence <= 2:
                # "The coalition responded by firing six artillery rounds": where the story is.
                ev = self._new_event(m, (last.site, last.place_span[0], last.place_span[1], max(2, last.geo_precision), "context"), last.date)
                touched.append(ev)
        else:
            for target in targets:
                ev = self._find_event(target[0], date, m)
                if ev is None and date is None and not m.date_is_past_only:
                    ev = self._pending(m)
                if ev is not None:
                    self._merge(ev, m, target, date)
                else:
                    ev = self._new_event(m, target, date)
                    if m.actor is None and touched and touched[0].actor != "Unknown":
                        ev.actor, ev.attribution = touched[0].actor, touched[0].attribution  # one clause, one attacker
                touched.append(ev)
        for ev in touched:
            if attribution:
                self._apply_attribution(attribution, ev)
        if touched:
            self.last_event = touched[-1]
            self.last_event_sentence = m.sent
            if touched[-1].date is not None:
                self.context_date = touched[-1].date
        elif date is not None:
            self.context_date = date

    def _compatible(self, ev: _Event, m: _Mention) -> bool:
        weak = bool(m.types) and set(m.types) <= {"rounds", "strike"}
        if not _type_fits(ev.event_type, m.event_type, weak):
            return False
        if m.actor is not None and ev.actor != "Unknown" and _side(m.actor.name) != ev.side:
            return False  # the coalition's counter-fire is not the militia attack it answers
        if m.actor is not None and ev.actor == "Unknown" and ev.side == "other" and _side(m.actor.name) != "other":
            return ev.event_type == "other" or m.event_type == "other" or "strike" in m.types
        return True

    def _find_event(self, site, date, m: _Mention) -> _Event | None:
        for ev in reversed(self.events):
            if not self._compatible(ev, m):
                continue
            if date is None and m.definite and not m.date_is_past_only:
                pass  # "the rocket attack near Ain al-Asad": an attack already told, whatever its day
            elif date is not None:
                if ev.date is not None and not _overlap(ev.date, date) and not ev.date_defaulted:
                    continue
            elif m.date_is_past_only:
                if ev.date is not None and m.year_hint is not None and ev.date[0].year != m.year_hint:
                    continue
                if ev.date is not None and m.year_hint is None and ev.date == self.context_date and ev.date[0] >= self.published - dt.timedelta(days=7):
                    continue  # "the anniversary of the strike": not this week's attack
            elif ev.date is not None and self.context_date is not None and ev.date != self.context_date:
                continue
            if site is None:
                if date is None and not m.date_is_past_only:
                    if ev is self.last_event:
                        return ev
                    continue
                if m.date_is_past_only and ev.date is not None and ev.date[0] < self.published - dt.timedelta(days=7):
                    return ev
                if date is not None and ev.date is not None and ev.event_type == m.event_type and m.event_type != "other":
                    return ev
                continue
            if ev.site is None:
                continue
            if _same_place(ev.site, site) or (date is not None and _regions_overlap(ev.site, site)):
                return ev
        return None

    def _continuation(self, m: _Mention) -> _Event | None:
        for ev in reversed(self.events[-4:]):
            if self._compatible(ev, m) and (ev is self.last_event or ev.date == self.context_date):
                return ev
        return None

    def _pending(self, m: _Mention) -> _Event | None:
        """The last event, if it still waits for its place and fits this clause."""
        ev = self.last_event
        if ev is not None and ev.site is None and self._compatible(ev, m):
            return ev
        return None

    def _new_event(self, m: _Mention, target, date) -> _Event:
        defaulted = False
        if date is None and not m.date_is_past_only:
            # A new attack without a date of its own belongs to the report's main story.
            if self.lead_date is not None:
                date = self.lead_date
            elif self.context_date is not None:
                date = self.context_date
            else:
                date, defaulted = (self.published, "day"), True
        ev = _Event(date=date, date_defaulted=defaulted)
        self.events.append(ev)
        self._merge(ev, m, target, None)
        if m.date is not None:
            ev.spans.append(("date", m.date.start, m.date.end))
        return ev

    def _merge(self, ev: _Event, m: _Mention, target, date) -> None:
        for k, v in m.types.items():
            ev.types[k] = ev.types.get(k, 0.0) + v
        if m.sent not in ev.sentences:
            ev.sentences.append(m.sent)
        ev.spans.extend(("event_type", s, e) for s, e in m.type_spans)
        if date is not None:
            if ev.date is None or ev.date_defaulted:
                ev.date, ev.date_defaulted = date, False
            else:
                ev.date = _more_precise(date, ev.date)
            ev.spans.append(("date", m.date.start, m.date.end))
        if target is not None:
            site, s, e, gp, method = target
            if ev.site is None or _finer(site, gp, ev.site, ev.geo_precision):
                ev.site, ev.geo_precision, ev.place_method, ev.place_span = site, gp, method, (s, e)
            ev.spans.append(("place", s, e))
        if m.munitions is not None:
            total = m.munitions + (m.munitions_more or 0)
            ev.munitions = total if ev.munitions is None else max(ev.munitions, total)
            if m.munitions_span:
                ev.spans.append(("munitions", *m.munitions_span))
        elif m.munitions_more and ev.munitions is not None:
            ev.munitions += m.munitions_more
        if m.intercepted:
            ev.intercepted = True
            ev.spans.append(("intercepted", *m.intercepted_span))
        for attr in ("killed", "injured"):
            v = getattr(m, attr)
            if v is None:
                continue
            cur = getattr(ev, attr)
            if cur is None:
                new = v
            elif m.casualties_additive and v:
                new = cur + v  # "Two Iraqi soldiers were also hurt"
            else:
                new = max(cur, v)
            setattr(ev, attr, new)
            if span := getattr(m, f"{attr}_span"):
                ev.spans.append((attr, *span))
        if m.damage and (not ev.damage or ev.damage.lower().startswith("no ")):
            ev.damage = m.damage
        if m.actor is not None and ev.actor == "Unknown":
            ev.actor = m.actor.name
            ev.spans.append(("actor", m.actor.start, m.actor.end))
            if _side(m.actor.name) == "other" and ev.attribution == "unknown":
                ev.attribution = "suspected"  # named by the report itself, not by a claim or an official

    def _absorb(self) -> None:
        """Fold a vague event (a country, a headline's guessed date) into the precise one it summarises."""
        for ev in list(self.events):
            if ev.site is not None and not _is_coarse(ev.site) and not ev.date_defaulted:
                continue
            for other in self.events:
                if other is ev or other.site is None or (ev.site is not None and not _contains(ev.site, other.site) and ev.site.id != other.site.id):
                    continue
                if ev.site is None and not ev.date_defaulted:
                    continue
                if not _type_fits(other.event_type, ev.event_type, False) or (ev.actor != "Unknown" and other.actor != "Unknown" and ev.side != other.side):
                    continue
                if not ev.date_defaulted and not (ev.date and other.date and _overlap(ev.date, other.date)):
                    continue
                for k, v in ev.types.items():
                    other.types[k] = other.types.get(k, 0.0) + v
                other.sentences.extend(s for s in ev.sentences if s not in other.sentences)
                other.spans.extend(sp for sp in ev.spans if sp[0] not in ("place", "date"))
                for attr in ("munitions", "killed", "injured"):
                    if getattr(other, attr) is None and getattr(ev, attr) is not None:
                        setattr(other, attr, getattr(ev, attr))
                other.intercepted = other.intercepted or ev.intercepted
                if _RANK[ev.attribution] > _RANK[other.attribution] and ev.side == "other":
                    other.actor, other.attribution, other.attributed_by = ev.actor, ev.attribution, ev.attributed_by
                elif other.actor == "Unknown":
                    other.actor = ev.actor
                self.events.remove(ev)
                break

    # -------------------------------------------------------------- results

    def candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
        for ev in self.events:
            first = self.sentences[ev.sentences[0]]
            if ev.site is None:
                self.notes.append(f"attack without a place left out: {self.text[first[0] : first[1]][:160]}")
                continue
            if ev.date is None or ev.date[1] == "year":
                self.notes.append(f"attack at {ev.site.name} without a usable date left out: {self.text[first[0] : first[1]][:120]}")
                continue
            etype = ev.event_type
            if etype == "other" and "strike" in ev.types and ev.side in ("us", "israel"):
                etype = "airstrike"
            date, precision = ev.date
            if precision == "week":
                date -= dt.timedelta(days=date.weekday())
            elif precision == "month":
                date = date.replace(day=1)
            gp = max(ev.geo_precision, _GEO_PRECISION_BY_KIND.get(ev.site.kind, 1) if ev.site.kind != "city" else 2)
            if ev.date_defaulted:
                self.notes.append(f"no date in the text for the attack at {ev.site.name}: publication date used")
            out.append(
                Candidate(
                    date=date,
                    date_precision=precision,
                    site_id=ev.site.id,
                    site_name=ev.site.name,
                    location=self.text[ev.place_span[0] : ev.place_span[1]] if ev.place_span else ev.site.name,
                    lat=float(ev.site.lat),
                    lon=float(ev.site.lon),
                    geo_precision=gp,
                    country=ev.site.country,
                    admin1=ev.site.admin1 or "",
                    event_type=etype,
                    intercepted=ev.intercepted,
                    actor=ev.actor,
                    attribution=ev.attribution,
                    attributed_by=ev.attributed_by,
                    target=ev.site.name,
                    munitions=ev.munitions,
                    killed=ev.killed,
                    injured=ev.injured,
                    damage=ev.damage,
                    evidence=" ".join(self.text[self.sentences[i][0] : self.sentences[i][1]] for i in sorted(ev.sentences)),
                    evidence_spans=tuple(sorted(set(ev.spans), key=lambda t: (t[1], t[0]))),
                    place_method=ev.place_method,
                )
            )
        return out


# =============================================================================== entry point


def extract(text: str, *, published: dt.date, outlet: str = "", url: str = "", gazetteer) -> ExtractionResult:
    """Candidates for every attack the report describes; see the module docstring.

    ``published`` is the report's publication date: every relative date is
    resolved against it (time is never read from the clock). ``outlet`` and
    ``url`` identify the report for the caller; they do not change what is read.
    ``gazetteer`` is a :class:`geo.gazetteer.Gazetteer` (its alias index,
    ``find`` and ``get`` are used; a GeoNames layer, if attached, places towns).
    """
    if not isinstance(published, dt.date):
        raise TypeError("published must be a datetime.date")
    reader = _Reader(text, published, gazetteer)
    reader.read()
    cands = reader.candidates()
    target_spans = {(c.location) for c in cands}
    unresolved = tuple(dict.fromkeys(u[2] for u in reader.unresolved if u[2] not in target_spans))
    return ExtractionResult(candidates=tuple(cands), unresolved_places=unresolved, notes=tuple(reader.notes))
