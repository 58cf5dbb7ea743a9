"""What a clause says happened: event type, munition count, interception, casualties, damage.

Each reader takes the report text and a clause's span and returns a frozen
value; none looks outside its clause, so the rules here can be tested on one
phrase at a time. Which clause describes which attack is :mod:`.story`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geo.reports.dates import MONTH_ABBREVIATIONS, MONTH_NAMES
from geo.reports.extract.lowered import Hinted, LowerCased
from geo.reports.extract.vocabulary import CUE_HINTS, CUE_MODIFIER, CUE_STEMS, INTERCEPT, NUM, TYPE_CUES, num_value

__all__ = [
    "DAMAGE",
    "Casualties",
    "Munitions",
    "TypeVotes",
    "count_munitions",
    "find_damage",
    "find_interception",
    "pick_type",
    "read_casualties",
    "type_fits",
    "type_votes",
    "types_compatible",
]

# =============================================================================== event type

# Tie-break: the more specific weapon wins.
_MISSILE_KIND = re.compile(r"(?:ballistic|cruise)\s", re.IGNORECASE)
# Ties between weapon words go to the later entry: "rocket" after "missile", since reports call
# rockets missiles far more often than the other way round.
_TYPE_PRIORITY = ("other", "small_arms", "ied", "artillery", "indirect_fire", "missile", "rocket", "rpg", "drone", "airstrike")
_FAMILIES = ({"rocket", "missile", "indirect_fire", "artillery", "rpg"},)
_ROCKETLIKE = frozenset({"rocket", "missile"})
_SHELLLIKE = frozenset({"indirect_fire", "artillery"})
_FIRE = frozenset({"rocket", "missile", "indirect_fire", "artillery"})


def pick_type(votes: dict[str, float]) -> str:
    """The event type the weapon words of a clause (or of an event's clauses) vote for."""
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


def types_compatible(a: str, b: str) -> bool:
    """Whether two event types can describe the same attack in one report."""
    if a == b or "other" in (a, b):
        return True
    return any(a in f and b in f for f in _FAMILIES)


def type_fits(ev_type: str, m_type: str, m_weak: bool) -> bool:
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


@dataclass(frozen=True)
class TypeVotes:
    votes: tuple[tuple[str, float], ...] = ()  # (type, weight) in the order found
    spans: tuple[tuple[int, int], ...] = ()  # the weapon words, as offsets into the text


_DRONE_BEFORE = re.compile(r"\bdrone\s*$", re.IGNORECASE)
# "a US drone strike" (the state struck), not "the US coalition confirms a drone strike on its base" (it speaks).
_STATE_BEFORE = re.compile(
    r"\b(?:U\.?S\.?|American|coalition|Israeli|targeted)\b(?![^.]*\b(?:confirm\w*|sa(?:id|ys)|report\w*|announc\w*|denie[sd]|acknowledg\w*)\b)",
    re.IGNORECASE,
)
_AIR_BEFORE = re.compile(r"\b(?:U\.?S\.?|American|coalition|Israeli|air|aerial|precision|retaliatory)\b[\w\s.-]{0,20}$", re.IGNORECASE)
# A ground-launched weapon right before "strike(s)": "missile strikes", "ballistic-missile strike", "rocket strikes".
_GROUND_WEAPON_BEFORE = re.compile(r"\b(?:missiles?|rockets?|artillery|mortars?)[\s-]+$", re.IGNORECASE)
_CARRIED_BEFORE = re.compile(r"\b(?:conducted|carried(?:\s+out)?|launched)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_STATE_NAMED = re.compile(r"\b(?:U\.?S\.?|American|[Cc]oalition|Israeli)\b", re.IGNORECASE)
# "a drone strike in Baghdad killed two commanders of an Iraqi militia", "... resulted in the death of three
# Kataib Hezbollah members": a strike that kills a militia's men is a state's strike on them.
_KILLED_MILITIA = re.compile(
    r"\b(?:killed|killing|kills|death\s+of|deaths\s+of)\s+(?:[\w'’-]+\s+){0,5}?"
    r"(?:(?:commanders?|leaders?|officials?|fighters)\s+of\s+(?:the\s+|an?\s+)?(?:[\w'’-]+\s+){0,3}?(?:militias?|Kata[’'e]?ib|Hezbollah|Harakat|Nujaba|PMF|Popular\s+Mobili[sz]ation)"
    r"|(?:Kata[’'e]?ib\s+Hezbollah|Nujaba|PMF|militia|Hashd)\s+(?:members|commanders?|leaders?|fighters))\b",
    re.IGNORECASE,
)
_ON_MILITIA_SITE = re.compile(
    r"\s+(?:on|against|targeting|that\s+(?:hit|targeted))\s+(?:the\s+|a\s+)?(?:[\w-]+\s+)?"
    r"(?:headquarters|positions?|convoy|vehicle|car|depot|office|compound)\s+(?:of|belonging\s+to|used\s+by)\s+(?:the\s+|an?\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:Popular\s+Mobili[sz]ation|PMF|Hashd|militias?|Kata[’'e]?ib|Hezbollah|Harakat|Nujaba|paramilitary)",
    re.IGNORECASE,
)
_STRIKE_AFTER = re.compile(r"\s+strikes?\b", re.IGNORECASE)
_GUN_BEFORE = re.compile(r"\b(?:artillery|mortar)\s+$", re.IGNORECASE)
_KATYUSHA_BEFORE = re.compile(r"\bKatyusha\s*$")
# "militants getting ready to launch drones", "missiles that had not been launched", "equipment used to
# launch the rockets": weapons that were not used in the event told (a strike's targets' weapons,
# munitions found unfired), so they do not type it.
_UNUSED_BEFORE = re.compile(
    r"\b(?:(?:planning|preparing|attempting|trying|ready|about|set|intending|plotting|used)\s+to\s+(?:launch|fire|use)"
    r"|(?:stockpil\w+|stor(?:e|ed|ing|age\s+of)|cache\s+of|caches\s+of|found)\b)\s+(?:[\w'’-]+\s+){0,3}?$",
    re.IGNORECASE,
)
_UNUSED_AFTER = re.compile(r"\s+(?:that|which)\s+(?:had|have|has)\s+not\s+(?:yet\s+)?been\s+(?:launched|fired|used)\b", re.IGNORECASE)


def type_votes(text: str, start: int, end: int, sentence: tuple[int, int] | None = None) -> TypeVotes:
    """The weapon and attack words of ``text[start:end]`` and the type each one votes for."""
    seg = text[start:end]
    lower = seg.lower()
    if not any(h in lower for h in CUE_HINTS):
        return TypeVotes()
    votes: list[tuple[str, float]] = []
    spans: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []
    whole: str | None = None
    for kind, rx in TYPE_CUES:
        if not any(stem in lower for stem in CUE_STEMS[kind]):
            continue
        for cm in rx.finditer(seg):
            s, e = cm.start(), cm.end()
            if any(a < e and s < b for a, b in taken):
                continue
            if kind != "airstrike" and CUE_MODIFIER.match(seg[e : e + 50]):
                continue
            taken.append((s, e))
            vote = kind
            if kind == "strike":
                before = seg[max(0, s - 40) : s]
                if _DRONE_BEFORE.search(before):
                    # "a US drone strike" is an airstrike; a militia's "drone strike" a drone attack, and
                    # "a drone strike on the headquarters of the PMF" (a militia's site) a state's strike.
                    state = _STATE_BEFORE.search(before) or _ON_MILITIA_SITE.match(seg, e) or _KILLED_MILITIA.search(seg, e, e + 140)
                    vote = "airstrike" if state else "drone"
                elif _GROUND_WEAPON_BEFORE.search(before) and not _STATE_BEFORE.search(before):
                    # "Iran launched missile strikes on the base", "precision missile strikes launched by X": the
                    # missile's attack (its own word votes), not an aircraft's.
                    vote = "strike"
                elif _AIR_BEFORE.search(before):
                    vote = "airstrike"
                elif _CARRIED_BEFORE.search(before):
                    # "the coalition responded ... and had earlier carried additional strikes"
                    if whole is None:
                        whole = text[sentence[0] : sentence[1]] if sentence else seg
                    vote = "airstrike" if _STATE_NAMED.search(whole) else "strike"
                else:
                    vote = "strike"
            if kind == "drone" and _STRIKE_AFTER.match(seg, e, e + 10):
                continue  # judged by the "strike" cue
            if kind == "rounds" and _GUN_BEFORE.search(seg, max(0, s - 12), s):
                continue
            if kind == "rocket" and _KATYUSHA_BEFORE.search(seg, max(0, s - 10), s):
                continue
            if kind not in ("airstrike", "strike") and (_UNUSED_BEFORE.search(seg, max(0, s - 60), s) or _UNUSED_AFTER.match(seg, e)):
                continue
            # A "ballistic" or "cruise" missile is that weapon; a bare "missile" beside "rockets" is the
            # loose word for the same launch (the tie goes to the rocket, see _TYPE_PRIORITY).
            votes.append((vote, 1.1 if vote == "missile" and _MISSILE_KIND.match(seg, s) else 1.0))
            spans.append((start + s, start + e))
    return TypeVotes(tuple(votes), tuple(spans))


# =============================================================================== munitions

_COUNT = re.compile(
    rf"\b(?P<pre>(?:at\s+least|more\s+than|over|about|around|some|nearly|up\s+to)\s+)?(?P<n>{NUM})"
    rf"(?P<more>\s+more)?\s+(?:(?!{NUM}\b(?!-))[\w-]+\s+){{0,3}}?"
    r"(?P<noun>rockets?|missiles?|drones?|rounds?|shells?|mortars?|mortar\s+rounds?|grenades?|rocket-propelled\s+grenades?|RPGs?|projectiles?|UAVs?|Katyushas?|IEDs?|bombs?|UAS|unmanned\s+aerial\s+(?:systems?|vehicles?))\b",
    re.IGNORECASE,
)
_COUNT_LOWER = LowerCased(_COUNT)  # (searched in the lower-cased text: see .lowered)
_MORE = re.compile(rf"\b(?P<n>{NUM})\s+more\b(?!\s+(?:than|attacks?|strikes?|times?))", re.IGNORECASE)
# "a drone attack", "drone launchers": the weapon word is a modifier ("a drone attacked" is a count).
_NOT_A_COUNT = re.compile(r"[\s-]*(?:attacks?\b|strikes?\b|launch|storage|factory)", re.IGNORECASE)


@dataclass(frozen=True)
class Munitions:
    count: int | None = None
    more: int | None = None  # "with three more landing outside": added to the count
    span: tuple[int, int] | None = None


def count_munitions(text: str, start: int, end: int) -> Munitions:
    """How many rockets, drones, rounds... the clause ``text[start:end]`` counts."""
    count = more = None
    span = None
    for cm in _COUNT_LOWER.finditer(text, start, end):  # (its groups lower-cased: read so anyway)
        if _NOT_A_COUNT.match(text, cm.end(), cm.end() + 20):
            continue  # "a drone attack", "two drone strikes": not a count of munitions
        n = num_value(cm.group("n"))
        if n is None or n > 500:
            continue
        if cm.group("n").lower() in ("a", "an", "another", "single") and cm.group("pre"):
            continue
        if cm.group("more"):
            more = (more or 0) + n
        elif count is None or n > count:
            count = n
            span = (cm.start(), cm.end())
    if count is not None and more is None:
        # "Five rockets landed inside, with three more landing outside": 8 in all.
        for mm in _MORE.finditer(text, span[1] if span else start, end):
            if (n := num_value(mm.group("n"))) is not None:
                more = n
                break
    return Munitions(count, more, span)


# =============================================================================== casualties

_CASUALTY_WORDS = re.compile(r"kill|wound|injur|hurt|dead|death|casualt|harm|fatalit|loss|unscathed", re.IGNORECASE)
_CASUALTY_WORDS_LOWER = LowerCased(_CASUALTY_WORDS)
_NO_CASUALTIES = re.compile(
    r"\b(?:no|without(?:\s+causing)?(?:\s+any)?|nor)\s+(?:immediate\s+)?(?:reports?\s+of\s+)?(?:casualties|deaths\s+or\s+injuries|injuries\s+or\s+deaths)\b"
    r"|\bno\s+(?:one|body)\s+(?:was\s+)?(?:hurt|injured|killed|harmed)\b|\bnobody\s+(?:was\s+)?(?:hurt|injured|killed)\b"
    r"|\bno\s+(?:damage\s+or\s+)?casualties\b|\bno\s+damage,?\s+no\s+casualties\b"
    # "the drivers escaped unhurt", "no human losses": everyone there came out alive and unharmed.
    r"|\b(?:escaped|emerged|walked\s+away)\s+(?:\w+\s+)?(?:unhurt|unharmed|unscathed)\b|\bno\s+(?:human\s+)?(?:losses|loss\s+of\s+life)\b"
    # "There were no injuries" with nobody named: no one was harmed, so no one died either
    # (a death would be the news); "no injuries among US troops" says nothing of the others.
    r"|\bno\s+(?:reported\s+)?injuries\b(?!\s+(?:or\s+\w+\s+)?(?:among|to|of|for)\b)",
    re.IGNORECASE,
)
_NO_INJURIES = re.compile(r"\bno\s+(?:injuries|one\s+was\s+(?:hurt|injured)|wounded)\b|\bunhurt\b|\bno\s+(?:service\s+members|troops|personnel)\s+were\s+(?:hurt|injured)", re.IGNORECASE)
# "No Americans were killed": nobody of those there died (injuries are another matter).
_NO_DEATHS = re.compile(r"\bno\s+(?:deaths|fatalities|one\s+was\s+killed)\b|\bno\s+(?:[\w-]+\s+){1,2}?(?:were|was)\s+killed\b", re.IGNORECASE)
_KILL_VERB = re.compile(r"\b(?:killing|killed|kills|deaths\s+of|left)\s+(?!by\b)", re.IGNORECASE)
# "causing minor injuries to four service members": the injured are counted after "injuries to".
_INJURE_VERB = re.compile(r"\b(?:wounding|wounded|injuring|injured|hurting|(?:[a-z]+\s+)?injuries\s+to)\s+", re.IGNORECASE)
# Neither a four-digit year nor a day after its month is a count of people ("May 2023: two
# guards were killed", "the staff killed since October 7 raids").
_MONTHS = MONTH_NAMES + tuple(f"{abbr}." for abbr in MONTH_ABBREVIATIONS)
_MONTH_NAMES = "|".join(re.escape(m) for m in _MONTHS)
_TOLL = (
    # figures: not a year, not a day after or before its month (names matched case-sensitively)
    "(?:" + "".join(rf"(?<!(?-i:{re.escape(m)})\s)" for m in _MONTHS)
    + rf"(?!(?:1[89]|20)\d\d\b)\d+(?!\s+(?-i:{_MONTH_NAMES})(?!\w))"
    + rf"|(?!\d){NUM})"  # words ("two", "a dozen")
)
_PASSIVE_CAS = re.compile(
    rf"(?<!\bno\s)(?<!\bNo\s)\b(?P<n>{_TOLL}|more\s+than\s+\d+|at\s+least\s+\w+)\b(?P<who>(?:[^.;]|\.(?!\s+(?-i:[A-Z]))){{0,90}}?)\s+(?:were|was|ha(?:ve|s|d)\s+been)\s+(?:also\s+|[a-z]+ly\s+)?(?P<what>killed|wounded|injured|hurt|dead)\b",
    re.IGNORECASE,
)
# "two were killed and 14 injured", "left one dead and four others, among them a guard, injured": the
# injured counted after the dead, with the verb after them.
_AND_INJURED = re.compile(
    rf"\b(?:killed|dead)\s+and\s+(?:at\s+least\s+|another\s+|a\s+further\s+)?(?P<n>{_TOLL})\b(?P<who>[^.;]{{0,60}}?)\s+(?:were\s+)?(?:injured|wounded|hurt)\b",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be)\s+(?:[a-z]+ly\s+)?$", re.IGNORECASE)
# Where the victims of "killing ..." end: the next clause, another casualty verb, the circumstances.
_VICTIMS_END = re.compile(r"\.(?=\s+[A-Z]|\s*$)|[;,]|\band\s+(?:wound|injur|kill|hurt)|\bin\s+(?:an?|the)\s+|\bwhen\b|\bwhile\b|\bafter\b")
_BARE_COUNT = re.compile(
    rf"\s*(?:(?:at\s+least|more\s+than|about|around|some)\s+)?({_TOLL})\b(?!\s+(?:years?|months?|days?|weeks?|hours?|times?)\b)", re.IGNORECASE
)
_PEOPLE_COUNT = re.compile(
    rf"\b(?P<n>{_TOLL})\b(?!\s+(?:years?|months?|weeks?|days?|hours?|minutes?|times?)\b)(?=\s+(?:[\w.-]+\s+){{0,3}}?(?:[a-z]+s|people|personnel|men|women|children|staff|crew|medic|contractor|soldier|civilian|member|person|child|woman|man|officer|worker|guard|employee|fighter|militiaman|national|citizen|resident|of\s+(?:his|their|its|the))\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None
    killed_span: tuple[int, int] | None = None
    injured_span: tuple[int, int] | None = None
    additive: bool = False  # "two soldiers were *also* hurt": adds to the figure already told

    @property
    def stated(self) -> bool:
        return self.killed is not None or self.injured is not None


def _sum_numbers(segment: str) -> int | None:
    """Sum of the counts in a list like "two American service members and a British medic"."""
    total, found = 0, False
    for m in _PEOPLE_COUNT.finditer(segment):
        v = num_value(m.group("n"))
        if v is not None:
            total += v
            found = True
    return total if found else None


def read_casualties(text: str, start: int, end: int) -> Casualties:
    """Killed and injured as the clause ``text[start:end]`` states them ("no casualties" is 0 and 0)."""
    seg = text[start:end]
    if not _CASUALTY_WORDS_LOWER.found(seg):
        return Casualties()
    got: dict[str, object] = {"killed": None, "injured": None, "killed_span": None, "injured_span": None}
    additive = False
    if mm := _NO_CASUALTIES.search(seg):
        got["killed"] = got["injured"] = 0
        got["killed_span"] = got["injured_span"] = (start + mm.start(), start + mm.end())
    else:
        if mm := _NO_INJURIES.search(seg):
            got["injured"], got["injured_span"] = 0, (start + mm.start(), start + mm.end())
        if mm := _NO_DEATHS.search(seg):
            got["killed"], got["killed_span"] = 0, (start + mm.start(), start + mm.end())
    for verb, attr in ((_KILL_VERB, "killed"), (_INJURE_VERB, "injured")):
        for vm in verb.finditer(seg):
            tail = seg[vm.end() :]
            stop = _VICTIMS_END.search(tail)
            tail = tail[: stop.start()] if stop else tail[:80]
            if _PASSIVE_BEFORE.search(seg, 0, vm.start()):
                continue  # "one guard was killed and six others were hurt": the victims come before a passive verb
            if vm.group(0).lower().startswith("left"):
                if "dead" not in tail:
                    continue
                tail = tail[: tail.index("dead")]  # "left one dead and six injured": the dead are before "dead"
            n = _sum_numbers(tail)
            if n is None and (bare := _BARE_COUNT.match(tail)):
                n = num_value(bare.group(1))  # "wounding four", "killing a contractor"
            if n is not None and got[attr] in (None, 0):
                got[attr], got[f"{attr}_span"] = n, (start + vm.start(), start + vm.end() + len(tail))
    for pm in _PASSIVE_CAS.finditer(seg):
        n = num_value(pm.group("n"))
        if n is None:
            continue
        what = pm.group("what").lower()
        attr = "killed" if what in ("killed", "dead") else "injured"
        if " also " in pm.group(0).lower() or pm.group(0).lower().startswith("also"):
            additive = True
        if got[attr] in (None, 0):
            got[attr], got[f"{attr}_span"] = n, (start + pm.start(), start + pm.end())
    if got["injured"] in (None, 0) and (am := _AND_INJURED.search(seg)) and (n := num_value(am.group("n"))) is not None:
        got["injured"], got["injured_span"] = n, (start + am.start(), start + am.end())
    return Casualties(additive=additive, **got)  # type: ignore[arg-type]


# =============================================================================== interception, damage

_INTERCEPT_LOWER = LowerCased(INTERCEPT)
DAMAGE = re.compile(r"\b(?:(?:minor|material|light|some|significant|heavy|extensive)\s+damage|caus\w+\s+damage|no\s+damage)\b", re.IGNORECASE)
# Asked of most clauses, held by few: searched only where their words are (see .lowered.Hinted).
_MORE, _INJURE_VERB, _PASSIVE_CAS, DAMAGE = (Hinted(rx) for rx in (_MORE, _INJURE_VERB, _PASSIVE_CAS, DAMAGE))


def find_interception(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of "shot down", "intercepted"... in the clause, if any."""
    im = _INTERCEPT_LOWER.search(text, start, end)
    return (im.start(), im.end()) if im else None


def find_damage(text: str, start: int, end: int) -> str:
    """The damage phrase of the clause ("minor damage", "no damage"), or ""."""
    dm = DAMAGE.search(text, start, end)
    return dm.group(0) if dm else ""
