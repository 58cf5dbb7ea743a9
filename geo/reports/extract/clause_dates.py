"""The date of the attack a clause tells, among the dates the clause mentions.

:mod:`geo.reports.dates` finds every date phrase; this module picks the one that
dates the *attack*: not the day a statement was made ("told the Council last
week that ..."), not a commemoration ("the Monday anniversary of ..."), and
turns "the second anniversary of the strike" on D into D - 2 years.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from geo.reports.dates import MONTH_ABBREVIATIONS, MONTH_NAMES, DateMention, find_dates
from geo.reports.extract.vocabulary import ATTACK_NOUN, ATTACK_VERB, HAPPENED, ORDINAL, TYPE_CUES

__all__ = ["ClauseDate", "clause_date", "inside_quotes"]


@dataclass(frozen=True)
class ClauseDate:
    date: DateMention | None = None  # offsets into the whole text
    past_only: bool = False  # year-only or anniversary without a usable date: some earlier attack
    year_hint: int | None = None
    # The day a statement was made ("the Pentagon said on Monday", "in a statement published on Tuesday"):
    # not the day of the attack it speaks of, which is that day or shortly before.
    said_on: dt.date | None = None


_COMMEMORATION_AFTER = re.compile(r"[\s,]*(?:\w+\s+){0,3}?(?:anniversary|commemorat\w*|memorial)\b", re.IGNORECASE)
_HELD_AFTER = re.compile(r"[\s,]*(?:\w+\s+){0,2}(?:held|observed|marked)\s+(?:\w+\s+){0,2}(?:commemorat|anniversar)", re.IGNORECASE)
# An embedded post's signature ("— Name (@handle) January 8, 2020"): the day it was posted, not
# the day of what it shows.
# A date that names its month ("March 14") is a calendar day wherever it is quoted.
_NAMES_MONTH = re.compile(r"\b(?:" + "|".join(MONTH_NAMES + MONTH_ABBREVIATIONS) + r")\b")
# "The attack comes days after the group targeted the base": what follows "after" is the earlier event.
# ("came less than two days after", "comes nearly a week after": a bound on the span is still that span.)
_CAME_BEFORE = re.compile(
    r"\b(?:comes?|came|coming)\s+(?:just\s+|only\s+|barely\s+|less\s+than\s+|more\s+than\s+|nearly\s+|almost\s+|about\s+|some\s+|roughly\s+)?$",
    re.IGNORECASE,
)
_IN_DAYS = re.compile(r"\b(?:in|for)\s+$", re.IGNORECASE)
_POST_SIGNATURE = re.compile(r"\(@\w{1,30}\)\s*$")
_SINCE_BEFORE = re.compile(r"\bsince\s+(?:(?:last|this)\s+year['’]s\s+|the\s+|last\s+|this\s+)?(?:(?:late|early|mid)[\s-]+)?$", re.IGNORECASE)
_NTH_ANNIVERSARY = re.compile(r"\b(" + "|".join(ORDINAL) + r")\s+anniversary\s+of\b", re.IGNORECASE)
_ANNIVERSARY_OF = re.compile(r"\banniversary\s+of\b", re.IGNORECASE)
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|told|added|stated|announced|reported|vowed|warned|speaking|spoke|interviewed|briefed|wrote|tweeted|posted)\b(?:\s+[\w.-]+){0,4}\s*$", re.IGNORECASE
)
# "at a Monday press conference", "in a Tuesday briefing": the date of the speaking, not of what is spoken of.
_SPEECH_AFTER = re.compile(r"\s*(?:(?:press|news)\s+(?:conference|briefing)|briefing|interview)\b", re.IGNORECASE)
# "On June 18, the Coalition says '... landed in the base, June 17'": beside another date, a date
# opening the speaker's sentence is the day of the saying (alone, it may be the attack's day too).
_SPEAKER_AFTER = re.compile(
    r",\s+(?:the\s+[\w.-]+|(?-i:[A-Z])[\w.-]*)(?:\s+[\w.-]+){0,3}?\s+(?:says|said|reports|reported|announced|stated)\b",
    re.IGNORECASE,
)
_THAT = re.compile(r"\bthat\b")
# A date that belongs to a statement: a speech or publication word shortly before it.
_STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told|added|stated|announced|reported|claimed|published|posted|issued|released|statement|message)\b"
    r"(?:\s+[\w.'’-]+){0,5}\s*$",
    re.IGNORECASE,
)
# "said on Thursday it had attacked ...": what was said follows the date, with its own subject.
_REPORTED_ACT = re.compile(
    # ("said on Monday the attack hit a training ground": the attack already told, seen from that day.)
    r"\s*,?\s*(?:that\s+)?(?:it|they|he|she|we|the\s+group|its\s+[\w-]+|their\s+[\w-]+|the\s+(?:attack|strike|assault)s?)"
    r"\s+(?:had\s+|has\s+|have\s+)?(?:[a-z]+ed|hit|struck)\b",
)
_AFTER_LATER = re.compile(
    r"(?i)(?:(?:an?|a\s+few|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\s+|(?:several\s+|some\s+|many\s+)?(?=days))(?:days?|weeks?)\s+(?:after|later)"
)
_EVENT_FOLLOWS = re.compile(
    r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w.-]+\s+){0,2}?(?:air\s?strikes?|strikes?|attacks?|rockets?|drones?|missiles?|raids?|shelling)\b"
    # "..., two days after a guard was killed when a rocket landed": an event told as a clause
    r"|\s+(?:[\w.'’-]+\s+){1,6}?(?:was|were|had\s+been|has\s+been)\s+(?:killed|wounded|injured|hit|struck|attacked|targeted)\b",
    re.IGNORECASE,
)
_WEAPON_CUES = tuple(rx for _, rx in TYPE_CUES[:9])  # the specific weapons, not "rounds"/"strikes"


# "on the 8th", "the 4th of this month": a day of the month without the month, which geo.reports.dates leaves
# alone (alone, "the 4th" is as often a brigade or an anniversary). It is the latest such day on or
# before publication, or of the month before when the report says "last month".
_DAY_OF_MONTH = re.compile(
    # ("on the evening of the 30th": a part of the day before it)
    r"\b(?:(?:on\s+the\s+|(?:on\s+|in\s+)?the\s+(?:early\s+|late\s+)?"
    r"(?:morning|afternoon|evening|night|early\s+hours)\s+of\s+the\s+)"
    r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?:\s+of\s+(?P<which>this|last|the\s+previous)\s+month\b)?"
    r"|the\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)\s+of\s+(?P<which2>this|last|the\s+previous)\s+month\b)"
    r"(?!\s+(?:of\s+)?(?-i:[A-Z]))",
    re.IGNORECASE,
)


_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\b", re.IGNORECASE)  # what every day of the month above holds: a cheap test


def _days_of_month(seg: str, published: dt.date) -> list[DateMention]:
    out = []
    for m in _DAY_OF_MONTH.finditer(seg):
        day = int(m.group("day") or m.group("day2"))
        which = (m.group("which") or m.group("which2") or "").lower()
        if not 1 <= day <= 31:
            continue
        year, month = published.year, published.month
        if which.endswith(("last", "previous")) or (not which and day > published.day):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue  # "the 31st" of a 30-day month
        out.append(DateMention(m.start(), m.end(), m.group(0), date, "day", "published"))
    return out


def _find_dates(seg: str, published: dt.date, anchor: dt.date) -> tuple[DateMention, ...]:
    """geo.reports.dates' phrases plus days of the month named without their month."""
    found = find_dates(seg, published, anchor=anchor)
    if _ORDINAL.search(seg) is None:
        return found
    extra = _days_of_month(seg, published)
    if not extra:
        return found
    kept = [d for d in found if not any(x.start < d.end and d.start < x.end for x in extra)]
    return tuple(sorted(kept + extra, key=lambda d: d.start))


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
    found = _find_dates(seg, published, anchor)
    if found and story_day is not None and inside_quotes(text, sentence_start, start + found[0].start):
        # Inside a quotation "this morning" is the day the statement was made: the story's day. A
        # calendar day ("March 14") is read as outside: counted back from the story's day it would
        # fall a year early when the statement is about a day after the story's.
        calendar = {(d.start, d.end): d for d in found if _NAMES_MONTH.search(d.text)}
        found = tuple(calendar.get((d.start, d.end), d) for d in _find_dates(seg, story_day, anchor))
    for d in found:
        after = seg[d.end : d.end + 60]
        if _COMMEMORATION_AFTER.match(after) or _HELD_AFTER.match(after):
            anniversary = d
            continue
        if _SINCE_BEFORE.search(seg[max(0, d.start - 30) : d.start]) or _POST_SIGNATURE.search(seg[max(0, d.start - 60) : d.start]):
            continue
        if d.window is not None and _IN_DAYS.search(text, max(0, start + d.start - 4), start + d.start):
            continue  # "the second attack in days, after ...": how soon, not when (the clause may begin at "days")
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
        speech = bool(
            _SPEECH_BEFORE.search(text[max(start, d.start - 45) : d.start]) or _SPEECH_AFTER.match(text, d.end)
            or (len(usable) > 1 and _SPEAKER_AFTER.match(text, d.end))
        )
        dist = min(abs(d.start - p) for p in attack_pos)
        # "on Monday, with the spokesman posting: 'rockets landed tonight'": the quoted "tonight" is
        # the day of the post; the reporter's own date outside the quotation dates the attack.
        # A quoted calendar day ("landed in the base, June 17") is the attack's own, as told.
        quoted = len(usable) > 1 and d.basis != "absolute" and not _NAMES_MONTH.search(d.text) and inside_quotes(text, sentence_start, d.start)
        scored.append((d.precision == "year", speech, quoted, dist, d))
    scored.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
    year_only, speech, _, _, best = scored[0]
    if year_only:
        return ClauseDate(past_only=True, year_hint=best.date.year)
    said_on = best.date if _STATEMENT_BEFORE.search(text[max(start, best.start - 60) : best.start]) else None
    if (
        said_on is not None and best.precision == "day" and attack_pos[0] > best.end
        and dt.timedelta(0) <= published - said_on <= dt.timedelta(days=7)
        and _REPORTED_ACT.match(text, best.end)
    ):
        # "The group said on Thursday it had attacked the base": a claim of an attack of that day or
        # the days before (the one already told, if any), not a new attack on the day of the claim.
        return ClauseDate(said_on=said_on)
    if speech and attack_pos[0] > best.end and _THAT.search(text[best.end : attack_pos[0]]):
        if best.precision == "day" and dt.timedelta(0) <= published - best.date <= dt.timedelta(days=7):
            # "Speaking on Monday, officials said that drones had struck ...": the attack of that day
            # or the days before, the one the report already tells if there is one.
            return ClauseDate(said_on=best.date)
        return ClauseDate(past_only=True)  # "told the Council last week that it targeted ...": earlier, unknown
    if best.basis == "anchor" and _AFTER_LATER.match(best.text):
        follow = text[best.end : best.end + 80]
        rest = text[best.end : end]
        main = rest.split(",", 1)[1] if "," in rest else ""
        told_here = HAPPENED.search(main) and (ATTACK_VERB.search(main) or any(rx.search(main) for rx in _WEAPON_CUES))
        came = _CAME_BEFORE.search(text, max(0, best.start - 24), best.start)
        if came or (not told_here and _EVENT_FOLLOWS.match(follow)):
            # "The attack came a week after US airstrikes": the strikes were a week *before*.
            mirror = best.window and (anchor - (best.window[1] - anchor), anchor - (best.window[0] - anchor))
            best = replace(best, date=best.date - 2 * (best.date - anchor), window=mirror or None)
    return ClauseDate(best, past_only=past_only, said_on=said_on)
