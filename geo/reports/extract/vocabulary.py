"""The words reports use: who attacks, with what, whether it happened, how many.

Pattern tables only (and the few lookups that read them), so that the rules
in :mod:`.events`, :mod:`.attribution` and :mod:`.pipeline` say *how* words
combine, and this module *which* words there are. Every pattern is compiled
once, at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.actors import ACTORS as _ALL_ACTORS
from geo.reports.extract.lowered import LowerCased

__all__ = [
    "ACTORS",
    "ACTOR_PATTERNS",
    "ATTACK_NOUN",
    "ATTACK_VERB",
    "COUNTED_SALVO",
    "CUE_HINTS",
    "CUE_MODIFIER",
    "CUE_STEMS",
    "DEFINITE_EVENT",
    "GENERIC",
    "GENERIC_LOWER",
    "HAPPENED",
    "HAPPENED_LOWER",
    "INTERCEPT",
    "MODAL",
    "NP_EVENT",
    "NUM",
    "NUM_WORDS",
    "ORDINAL",
    "TYPE_CUES",
    "ActorMention",
    "canonical_actor",
    "find_actors",
    "num_value",
    "side_of",
]

# =============================================================================== actors

#: Canonical actor -> pattern of its aliases, for the actors reports are searched for
#: (:data:`geo.actors.ACTORS`, in its order: specific groups before the generic
#: "Iran-backed militias", which they also are).
ACTORS: tuple[tuple[str, str], ...] = tuple((a.name, a.pattern) for a in _ALL_ACTORS if a.extract)


def _alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression."""
    out, cur, depth, in_class, i = [], [], 0, False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


# Each alternative of each actor is compiled on its own, with its leading word boundary checked in
# Python instead: a pattern that starts with a literal word lets the regex engine jump from one
# occurrence of that word to the next, while "\b" or an alternation in front makes it try every
# position of the text (a whole report is scanned for every name; this is ~20x faster).
_BOUNDARY = (("(?<![-\\w])", "-"), ("\\b", ""))


def _compile_alternatives() -> tuple[tuple[str, re.Pattern[str], str | None], ...]:
    out = []
    for actor in _ALL_ACTORS:
        if not actor.extract:
            continue
        for alt in _alternatives(actor.pattern):
            bound = None
            for prefix, extra in _BOUNDARY:
                if alt.startswith(prefix):
                    alt, bound = alt[len(prefix) :], extra
                    break
            out.append((actor.name, re.compile(alt), bound))
    return tuple(out)


#: (canonical actor, compiled alternative, None or the extra characters that may not precede it).
ACTOR_PATTERNS = _compile_alternatives()


def _bounded(text: str, s: int, bound: str | None) -> bool:
    """Whether a match at ``s`` honours its dropped leading boundary (no word character before it)."""
    if bound is None or s == 0:
        return True
    c = text[s - 1]
    return not (c.isalnum() or c == "_" or c in bound)


def canonical_actor(text: str) -> str:
    """The canonical actor a phrase names ("pro-Iran militia fighters" -> "Iran-backed militias")."""
    for name, rx, bound in ACTOR_PATTERNS:
        if any(_bounded(text, m.start(), bound) for m in rx.finditer(text)):
            return name
    return "Unknown"


# New front groups appear every few months ("a group calling itself X"): the
# name the report gives is the actor, even when no table row knows it yet.
_SELF_NAMED = re.compile(
    r"\b(?:group|faction|outfit|militia|organi[sz]ation|movement|cell)s?,?\s+(?:calling\s+(?:itself|themselves)|that\s+calls\s+itself|"
    r"called|named|known\s+as)\s+(?:the\s+)?[“\"‘']?(?P<name>[A-Z][\w'’-]*(?:[\s-]+(?:(?:al|el|ad|ar|as|ash|at|az|an|of|the|in|for|and)[\s-]+)*[A-Z][\w'’-]*)*)"
)


@dataclass(frozen=True)
class ActorMention:
    name: str
    start: int
    end: int


# Substrings without which no actor pattern can match (checked first: most
# clauses name no actor, and a substring test is far cheaper than 13 regexes).
_ACTOR_HINTS = (
    "Iran", "IRGC", "Revolutionary", "Islamic", "Kata", "Qass", "Saraya", "Awliya", "Muhandis", "Nujaba", "Asa", "ISI", "Daesh", "SDF",
    "Syrian Democratic", "Kurdish-led", "Israel", "U.S", "US", "United States", "American", "oalition", "CENTCOM",
    "Central Command", "Pentagon", "Washington", "militia", "faction", "ro-Iran", "itself", "called", "named", "known as",
    "Ash", "Asab", "Tha", "Badr", "Houthi", "Huthi", "Ansar", "ezbollah", "izbollah", "izbullah", "Amaq", "Quds", "QSD", "esistance",
)  # fmt: skip


def find_actors(text: str, start: int, end: int) -> list[ActorMention]:
    """The actors named in ``text[start:end]``, in order; overlapping names count once."""
    found: list[ActorMention] = []
    segment = text[start:end]
    if not any(h in segment for h in _ACTOR_HINTS):
        return found
    taken = bytearray(len(segment))  # characters already part of a name: the first pattern wins
    for m in _SELF_NAMED.finditer(segment):
        name = canonical_actor(m.group("name"))
        s, e = m.span("name")
        if name == "Unknown" and m.group("name") in ("The", "A", "An"):
            continue  # "calling itself “The brigades to ...”": no name in capitals; the list may still read it
        if name == "Unknown" and any(rx.match(segment, s) and _bounded(segment, s, bound) for _, rx, bound in ACTOR_PATTERNS):
            continue  # a listed name the capitals cut short ("called the Islamic resistance in Iraq"): the list reads it
        taken[s:e] = b"\x01" * (e - s)
        found.append(ActorMention(m.group("name") if name == "Unknown" else name, s + start, e + start))
    for name, rx, bound in ACTOR_PATTERNS:
        for m in rx.finditer(segment):
            s, e = m.span()
            if any(taken[s:e]) or not _bounded(segment, s, bound):
                continue
            taken[s:e] = b"\x01" * (e - s)
            found.append(ActorMention(name, s + start, e + start))
    return sorted(found, key=lambda a: a.start)


def side_of(actor: str) -> str:
    """ "us", "israel", "sdf" or "other": attacks on US bases and the strikes answering them are two sides."""
    return {"US forces / US-led coalition": "us", "Israel": "israel", "SDF": "sdf"}.get(actor, "other")

# =============================================================================== attack vocabulary

TYPE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rpg", re.compile(r"(?i:\brocket[- ]propelled\s+grenades?\b)|\bRPGs?\b")),
    ("airstrike", re.compile(r"\bair\s?strikes?\b|\bairstrik\w+|\bair\s+raids?\b|\bwarplanes?\b|\bfighter\s+jets?\b|\bbombers\b|\b(?:aircraft|jets|planes|helicopters|gunships)\s+(?:struck|hit|carried|bombed|targeted|pounded)|\baerial\s+(?:bombing|bombardment)s?\b", re.IGNORECASE)),
    ("indirect_fire", re.compile(r"\bmortars?(?:\s+(?:rounds?|shells?|bombs?))?\b", re.IGNORECASE)),
    ("artillery", re.compile(r"\bartillery\b|\bshells\b|\bshelling\b|\bshelled\b|\bhowitzers?\b", re.IGNORECASE)),
    ("missile", re.compile(r"\b(?:ballistic\s+|cruise\s+)?missiles?\b", re.IGNORECASE)),
    ("rocket", re.compile(r"\brockets?\b|\bKatyushas?\b|\bGrad\s+rockets?\b", re.IGNORECASE)),
    ("drone", re.compile(r"\bdrones?\b|\bUAVs?\b|\bUAS\b|\bunmanned\s+(?:aerial|aircraft)(?:\s+(?:system|vehicle)s?)?\b|\bquadcopters?\b", re.IGNORECASE)),
    ("ied", re.compile(r"\bIEDs?\b|\broadside\s+bombs?\b|\bexplosive\s+devices?\b|\bcar\s+bombs?\b|(?<!aerial\s)\bbomb(?:ing)?s?\b(?!ers)", re.IGNORECASE)),
    ("small_arms", re.compile(r"\bgunmen\b|\bopened\s+fire\b|\bgunfire\b|\bsmall[- ]arms\b|\bsnipers?\b|\bmachine[- ]?guns?\b", re.IGNORECASE)),
    # "Indirect fire" is the military's word for rockets and mortars alike: like "rounds", it names
    # no weapon (alone it still reads as indirect fire; beside "rockets" it is those rockets).
    ("rounds", re.compile(r"\brounds\b|\bprojectiles?\b|\bindirect[- ]fire\b", re.IGNORECASE)),
    ("strike", re.compile(r"\bstrikes?\b|\braids?\b", re.IGNORECASE)),
)
#: Per type cue, lower-case stems without which its pattern cannot match: a clause is searched
#: only for the weapons whose words it contains (two or three patterns of eleven, typically).
CUE_STEMS: dict[str, tuple[str, ...]] = {
    "rpg": ("rocket", "rpg"),
    "airstrike": ("air", "warplane", "fighter", "bomber", "jets", "planes", "helicopters", "gunships"),
    "indirect_fire": ("mortar",),
    "artillery": ("artillery", "shell", "howitzer"),
    "missile": ("missile",),
    "rocket": ("rocket", "katyusha"),
    "drone": ("drone", "uav", "uas", "unmanned", "quadcopter"),
    "ied": ("ied", "roadside", "explosive", "bomb"),
    "small_arms": ("gun", "fire", "arms", "sniper"),
    "rounds": ("round", "projectile", "indirect"),
    "strike": ("strike", "raid"),
}
# Lower-case stems without which no type cue can match (a cheap first test).
CUE_HINTS = (
    "rocket", "katyusha", "grad", "missile", "drone", "uav", "uas", "unmanned", "quadcopter", "mortar", "indirect",
    "artillery", "shell", "howitzer", "grenade", "rpg", "air", "warplane", "fighter", "bomb", "ied", "explosive", "jets", "planes",
    "helicopters", "gunships",
    "gunmen", "fire", "arms", "sniper", "gun", "round", "projectile", "strike", "raid",
)  # fmt: skip
# A weapon word used as a modifier of something that is not the attack
# ("rocket launching sites", "drone storage sites", "drone attack" is fine).
CUE_MODIFIER = re.compile(
    # ("rocket, missile and drone depots": each weapon of a list that ends on such a noun.)
    r"^(?:,?\s+(?:and\s+|or\s+)?(?:rocket|missile|drone|UAV|ammunition|weapons?|arms)s?(?=[\s,]))*"
    r"[\s-]*(?:launch(?:ing|ers?)?|storage|factory|factories|depots?|sites?|teams?|cells?|units?|programme|program|"
    r"capabilities|defen[cs]es?|systems?|batter(?:y|ies)|platforms?|operators?)\b",
    re.IGNORECASE,
)
ATTACK_NOUN = re.compile(r"\b(?:attacks?|strikes?|airstrikes?|raids?|barrages?|bombardments?|shelling|salvos?|assaults?)\b", re.IGNORECASE)

# Signs that the clause reports something that happened (vs threats, plans).
HAPPENED = re.compile(
    r"\b(?:hit|struck|strike[sd]?|targeted|targeting|landed|land(?:ing)|fell|impacted|exploded|detonated|fired|launched|"
    r"attacked|shot\s+down|downed|intercepted|foiled|repelled|thwarted|brought\s+down|dealt\s+with|shelled|bombed|"
    r"killed|killing|wounded|wounding|injured|injuring|hurt|slammed|crashed|conducted|carried|"
    r"came\s+under|come\s+under|under\s+fire|under\s+attack|was\s+(?:targeted|attacked|hit|struck)|"
    r"were\s+(?:targeted|attacked|hit|struck|fired)|responded|retaliated|opened\s+fire|went\s+after|"
    r"engaged(?!\s+in\b)|destroyed|destroying|neutrali[sz]ed|"  # what air defences do to a drone that was launched
    # "claimed credit for using a drone to target the troops": the claimed use of a weapon is the attack.
    r"(?:credit|responsibility)\s+for\s+using\s+(?:[\w-]+\s+){1,5}?to\s+(?:target|strike|attack|hit)|"
    r"caus(?:ed|ing)|leaving|left|set\s+(?:[\w-]+\s+){0,3}?(?:on\s+fire|ablaze|alight)|"
    # "an attack last night ..., which resulted in eight injuries"; "we can confirm an attack ...": a
    # toll's verb, or an official confirming the attack, tells that it happened.
    r"result(?:ed|ing)\s+in|confirm(?:ed|s)?\s+(?:an?|the|two|three|several)\s+(?:[\w-]+\s+){0,2}?attacks?)\b",
    re.IGNORECASE,
)
ATTACK_VERB = re.compile(
    r"\b(?:fired|opened\s+fire|shelled|attacked)\s+(?:on|at|toward|towards|upon)\b"
    # "the group targeted the Ain al-Asad base": an attack verb with a base as its object, no weapon named
    r"|\b(?:targeted|attacked|struck)\s+(?:the\s+|a\s+|an\s+)?(?:[\w'’.-]+\s+){0,4}?(?:base|air\s?base|outpost|garrison|camp|airport)\b",
    re.IGNORECASE,
)
NP_EVENT = re.compile(
    r"\b(?:attacks?|strikes?|airstrikes?|raids?|barrages?|shelling|bombing)\s+"
    # ("a drone attack last week on the base", "the strike overnight on ...": the attack's time may stand between.)
    r"(?:(?:last|this|late|early)\s+(?:week|night|month|weekend|\w+day)\s+|(?:yesterday|overnight)\s+)?"
    r"(?:on|against|at|along|near|targeting|in)\b",
    re.IGNORECASE,
)
MODAL = re.compile(
    # ("may" in lower case only: "on 8 May" is the month, not a possibility.)
    r"\b(?:will|would|could|might|(?-i:may)|should|shall|plans?\s+to|planning\s+to|threaten\w*|vow\w*|pledg\w*|warn\w*|"
    # "arrested fighters who were allegedly planning a new attack on ...": a plot, not an attack.
    r"(?:plann|plott)(?:ed|ing)\s+(?:an?\s+|the\s+|further\s+|more\s+)?(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?)|"
    r"expects?|expected|prepar\w+\s+for|risk\s+of|reserves?\s+the\s+right|to\s+(?:retaliate|respond|attack|strike|resume|keep))\b",
    re.IGNORECASE,
)
GENERIC = re.compile(
    # ("believed to have been of Iranian origin", "appears to have been an Iranian drone": a hedge's
    # infinitive, not a habit.)
    r"\b(?:(?<!\bto\s)ha(?:ve|s)\s+(?:been\s+|increasingly\s+|repeatedly\s+|also\s+|long\s+|largely\s+|in\s+the\s+past\s+|previously\s+)?"
    # "nine rockets have been fired at the base" is a lead's perfect tense, not a habit (counts of
    # times, "since ...", "in recent weeks" still mark the campaign summaries); "fighters are believed
    # to have been killed in US strikes" is a toll, not a habit.
    r"(?:targeted|attacked|hit|come|launched|carried|been(?!\s+(?:fired|launched|killed|wounded|injured)\b)|conducted|struck|counted|faced|stopped|become|blamed)"
    r"|to\s+have\s+been\s+(?:fired|launched)"
    # "the groups had paused attacks", "resumed their attacks": the campaign, not an attack
    r"|(?:paused|halted|suspended|resumed|ceased|stopped|renewed)\s+(?:their\s+|its\s+|the\s+)?(?:[\w-]+\s+)?attacks"  # "appeared to have been fired from ...": about, not an attack
    r"|series\s+of|dozens\s+of|scores\s+of|hundreds\s+of|more\s+than\s+(?:\d+|a\s+dozen)\s+(?:[\w-]+\s+){0,3}?attacks|\d+\s+times|several\s+times"
    # "Recently rockets have exploded near the embassy": a recent attack told with no time is background.
    r"|recently"
    r"|usually|typically|repeatedly|regularly|frequently|routinely|(?:such|similar)\s+attacks|attacks\s+like|since\s+(?:last\s+)?(?:then|late|early|mid|January|February|March|April|May|June|July|August|September|October|November|December|\d{4}"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2}\b)"
    # "subjected to 135 attacks ..., including 36 on ...": a tally counts ten or more attacks.
    r"|(?<![\d,.])\d{2,}\s+(?:[\w-]+\s+){0,3}?attacks"
    r"|pace\s+of|in\s+recent\s+(?:weeks|months|days)|almost\s+\d+|the\s+latest\s+in"
    # "attacks are rare now", "such strikes remain common": how often, not an attack.
    r"|(?:attacks|strikes)\s+(?:are|remain|have\s+become|had\s+become)\s+(?:\w+\s+)?(?:rare|common|frequent|infrequent|routine|sporadic))\b",
    re.IGNORECASE,
)
INTERCEPT = re.compile(
    r"\b(?:shot\s+down|downed|intercepted|intercept|foiled|repelled|thwarted|brought\s+down|destroyed\s+(?:the\s+)?drones?\s+before|"
    r"dealt\s+with|air\s+defen[cs]es?\s+(?:engaged|destroyed)"
    # Military releases: "the drone was engaged and destroyed", "engaged three drones, destroying two";
    # a weapon destroyed "by air defences" or "before it reached" its target never hit it.
    r"|engaged\s+and\s+(?:destroyed|downed|neutrali[sz]ed|defeated)"
    r"|engaged\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:drones?|rockets?|missiles?|UAVs?|UAS|projectiles?|aircraft),?\s+(?:destroying|downing|defeating)"
    r"|(?:was|were)\s+destroyed\s+(?:by\s+(?:\w+\s+)?(?:air\s+)?defen[cs]es?|before|in\s+(?:flight|mid-?air)|mid-?air)"
    r"|neutrali[sz]ed\s+(?:the\s+|a\s+|an\s+|both\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?:drones?|rockets?|missiles?|UAVs?|UAS|projectiles?))\b",
    re.IGNORECASE,
)

# Asked of every clause a report has: searched in the clause's lower-cased text, three times faster
# (see :mod:`.lowered`), the same answers.
GENERIC_LOWER = LowerCased(GENERIC, hinted=True)  # (its words are in a third of the clauses)
HAPPENED_LOWER = LowerCased(HAPPENED)

# =============================================================================== numbers

NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "dozen": 12, "a dozen": 12, "another": 1, "single": 1,
}  # fmt: skip
NUM = r"(?:\d+|a\s+dozen|dozen|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|another|single)"
# "As many as 12 ballistic missiles have struck Erbil", "several rockets fired by militias have hit a
# base": a lead's perfect whose subject is a counted salvo tells one attack, not a habit (GENERIC reads
# the perfect "have struck" as one: "militias have struck the base"). Matched up to the auxiliary.
COUNTED_SALVO = re.compile(
    r"\b(?<!-)(?:\d+|a\s+dozen|several|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:rockets?|missiles?|drones?|shells?|mortars?|mortar\s+rounds|projectiles?|UAVs?)"
    r"(?:\s+(?:fired|launched)\s+(?:from|by)\s+(?:[\w-]+\s+){0,3}?[\w-]+)?\s+$",
    re.IGNORECASE,
)
ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}


def num_value(text: str) -> int | None:
    t = re.sub(r"\s+", " ", text.strip().lower())
    for prefix in ("more than ", "at least ", "over ", "about ", "around ", "nearly ", "some ", "up to "):
        t = t.removeprefix(prefix)
    if t.isdigit():
        return int(t)
    return NUM_WORDS.get(t)


# =============================================================================== told events

# "the attack", "Wednesday's strikes": an event already told, whatever its day.
DEFINITE_EVENT = re.compile(
    r"^\W*(?:[\w’']+\s+){0,3}?\b(?:the|this|that|these|both|its|wednesday's|monday's|tuesday's|thursday's|friday's|saturday's|sunday's)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|rockets?|drones?|missiles?|barrage|shelling|rounds|shells|raids?|bombing)\b",
    re.IGNORECASE,
)
