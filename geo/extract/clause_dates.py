"""The date of the attack a clause tells, among the dates the clause mentions.

:mod:`geo.dates` finds every date phrase; this module picks the one that
dates the *attack*: not the day a statement was made ("told the Council last
week that ..."), not a commemoration ("the Monday anniversary of ..."), and
turns "the second anniversary of the strike" on D into D - 2 years.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from geo.dates import DateMention, find_dates
from geo.extract.vocabulary import ATTACK_NOUN, ATTACK_VERB, HAPPENED, ORDINAL, TYPE_CUES

__all__ = ["ClauseDate", "clause_date", "inside_quotes"]


@dataclass(frozen=True)
class ClauseDate:
    date: DateMention | None = None  # offsets into the whole text
    past_only: bool = False  # year-only or anniversary without a usable date: some earlier attack
    year_hint: int | None = None


_COMMEMORATION_AFTER = re.compile(r"[\s,]*(?:\w+\s+){0,3}?(?:anniversary|commemorat\w*|memorial)\b", re.IGNORECASE)
_HELD_AFTER = re.compile(r"[\s,]*(?:\w+\s+){0,2}(?:held|observed|marked)\s+(?:\w+\s+){0,2}(?:commemorat|anniversar)", re.IGNORECASE)
_SINCE_BEFORE = re.compile(r"\bsince\s+$", re.IGNORECASE)
_NTH_ANNIVERSARY = re.compile(r"\b(" + "|".join(ORDINAL) + r")\s+anniversary\s+of\b", re.IGNORECASE)
_ANNIVERSARY_OF = re.compile(r"\banniversary\s+of\b", re.IGNORECASE)
_SPEECH_BEFORE = re.compile(r"\b(?:said|told|added|stated|announced|reported|vowed|warned)\b(?:\s+[\w.-]+){0,4}\s*$", re.IGNORECASE)
_THAT = re.compile(r"\bthat\b")
_AFTER_LATER = re.compile(
    r"(?i)(?:an?|a\s+few|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\s+(?:days?|weeks?)\s+(?:after|later)"
)
_EVENT_FOLLOWS = re.compile(
    r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w.-]+\s+){0,2}?(?:air\s?strikes?|strikes?|attacks?|rockets?|drones?|missiles?|raids?|shelling)\b", re.IGNORECASE
)
_WEAPON_CUES = tuple(rx for _, rx in TYPE_CUES[:9])  # the specific weapons, not "rounds"/"strikes"


def inside_quotes(text: str, sentence_start: int, pos: int) -> bool:
    """Whether ``pos`` is inside a quotation opened in its sentence."""
    chunk = text[sentence_start:pos]
    return chunk.count("“") > chunk.count("”") or chunk.count('"') % 2 == 1


def clause_date(
    text: str,
    start: int,
    end: int,
    *,
    published: dt.date,
    anchor: dt.date,
    story_day: dt.date | None,
    sentence_start: int,
    weapon_starts: list[int],
) -> ClauseDate:
    """The date of the attack told in ``text[start:end]``.

    ``anchor`` resolves "the previous night" (the day of the event being told),
    ``story_day`` is the day of the report's main story (None before one is
    known): inside a quotation "this morning" means that day.
    """
    seg = text[start:end]
    usable: list[DateMention] = []
    anniversary = None
    found = find_dates(seg, published, anchor=anchor)
    if found and story_day is not None and inside_quotes(text, sentence_start, start + found[0].start):
        # Inside a quotation "this morning" is the day the statement was made: the story's day.
        found = find_dates(seg, story_day, anchor=anchor)
    for d in found:
        after = seg[d.end : d.end + 60]
        if _COMMEMORATION_AFTER.match(after) or _HELD_AFTER.match(after):
            anniversary = d
            continue
        if _SINCE_BEFORE.search(seg[max(0, d.start - 8) : d.start]):
            continue
        usable.append(replace(d, start=d.start + start, end=d.end + start))
    past_only = False
    if anniversary is not None and not any(u.precision != "year" for u in usable):
        # "marking the second anniversary of the strike" on D: the strike was N years before D.
        ordinal = _NTH_ANNIVERSARY.search(seg)
        if ordinal:
            n, d = ORDINAL[ordinal.group(1).lower()], anniversary.date
            past = d.replace(year=d.year - n, day=min(d.day, 28) if d.month == 2 else d.day)
            return ClauseDate(DateMention(start + anniversary.start, start + anniversary.end, anniversary.text, past, "day", "published"))
        past_only = True
    if not usable:
        return ClauseDate(past_only=past_only or bool(_ANNIVERSARY_OF.search(seg)))
    attack_pos = weapon_starts or [start + (mm.start() if (mm := ATTACK_NOUN.search(seg)) else 0)]
    scored = []
    for d in usable:
        speech = bool(_SPEECH_BEFORE.search(text[max(start, d.start - 45) : d.start]))
        dist = min(abs(d.start - p) for p in attack_pos)
        scored.append((d.precision == "year", speech, dist, d))
    scored.sort(key=lambda t: (t[0], t[1], t[2]))
    year_only, speech, _, best = scored[0]
    if year_only:
        return ClauseDate(past_only=True, year_hint=best.date.year)
    if speech and attack_pos[0] > best.end and _THAT.search(text[best.end : attack_pos[0]]):
        return ClauseDate(past_only=True)  # "told the Council last week that it targeted ...": earlier, unknown
    if best.basis == "anchor" and _AFTER_LATER.match(best.text):
        follow = text[best.end : best.end + 40]
        rest = text[best.end : end]
        main = rest.split(",", 1)[1] if "," in rest else ""
        told_here = HAPPENED.search(main) and (ATTACK_VERB.search(main) or any(rx.search(main) for rx in _WEAPON_CUES))
        if not told_here and _EVENT_FOLLOWS.match(follow):
            # "The attack came a week after US airstrikes": the strikes were a week *before*.
            best = replace(best, date=best.date - 2 * (best.date - anchor))
    return ClauseDate(best, past_only=past_only)
