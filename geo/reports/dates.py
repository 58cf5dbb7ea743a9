"""Resolve the date phrases of news reports to calendar dates, with a precision.

News reports date events relative to the day they were written ("on
Wednesday", "late on Sunday", "on Monday last week", "last month") or relative
to another event they just described ("the previous night", "five days after
his killing"). Both reference dates are *passed in*: ``published`` (the
report's date) and ``anchor`` (the date of the event the sentence continues),
so every function here is pure and testable with fixed dates.

Rules (each one the reading a careful human editor would make):

* a weekday means the most recent such day on or before the reference date
  (a report published on a Wednesday saying "on Wednesday" means that day);
  "late Monday", "Monday night", "early on Monday", "Monday's attack" likewise;
  "on Monday last week" is the Monday of the previous calendar week;
* a day and month without a year ("on 20 January", "Jan. 3") is the most recent
  such date on or before the reference date; a month alone ("in April") the
  most recent such month, never one in the future;
* "yesterday", "today", "this morning", "over the past 24 hours" are relative
  to the reference date; "the previous night", "the following day", "five days
  after ..." relative to the anchor (falling back to the reference date);
* "this week", "earlier this week", "last week" have week precision and are
  dated on the Monday of that week; "last month", "in May" have month
  precision and are dated on the first of the month;
* a bare year ("in 2020", "the 2020 strike", "last year") is found but has
  precision ``"year"``, which is not an incident precision: callers use it
  only to tell that an event is *not* the current one;
* "N years ago" is dated to the same month N years back with month precision
  (journalists use it loosely, so a day would claim too much).

``dateparser`` was tried and not used: it resolves weekdays forward or
backward depending on settings and misses "on Monday last week"; the few
patterns reports use are clearer as explicit rules, and far faster.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "MONTH_ABBREVIATIONS",
    "MONTH_NAMES",
    "DateMention",
    "date_window",
    "find_dates",
    "resolve_date",
    "windows_overlap",
]


@dataclass(frozen=True)
class DateMention:
    """One date phrase found in a text.

    ``basis`` says what the date was computed from: ``"absolute"`` (the text
    gives the calendar date), ``"published"`` (deictic: "on Monday", "last
    month") or ``"anchor"`` (anaphoric: "the previous night").
    """

    start: int
    end: int
    text: str
    date: dt.date
    precision: str  # day | week | month | year
    basis: str
    # First and last day a vague count allows ("days after": two to seven days), else None.
    window: tuple[dt.date, dt.date] | None = None


def date_window(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """First and last day an incident dated ``date`` with ``precision`` may have happened."""
    if precision == "day":
        return date, date
    if precision == "week":
        start = date - dt.timedelta(days=date.weekday())
        return start, start + dt.timedelta(days=6)
    if precision == "month":
        last = calendar.monthrange(date.year, date.month)[1]
        return date.replace(day=1), date.replace(day=last)
    if precision == "year":
        return date.replace(month=1, day=1), date.replace(month=12, day=31)
    raise ValueError(f"unknown date precision {precision!r}")


def windows_overlap(a: tuple[dt.date, str], b: tuple[dt.date, str], *, slack_days: int = 0) -> bool:
    """True when two (date, precision) pairs can denote the same day."""
    a0, a1 = date_window(*a)
    b0, b1 = date_window(*b)
    slack = dt.timedelta(days=slack_days)
    return a0 <= b1 + slack and b0 <= a1 + slack


# --- vocabulary ----------------------------------------------------------------------

# English, spelled out rather than taken from ``calendar`` (whose names follow the process' LC_TIME
# locale): reports and ACLED files are in English whatever the server's locale.
_WEEKDAYS = {name: i for i, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))}
#: Month names as reports spell them, full and abbreviated ("Sept" before "Sep": alternations try
#: them in this order). The one list of them: the extractor's toll patterns import it too.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
_MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS |= {abbr.lower(): i for abbr in MONTH_ABBREVIATIONS for i, name in enumerate(MONTH_NAMES, start=1) if name.startswith(abbr[:3])}

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3,
}  # fmt: skip
_NUM = r"(?:\d{1,2}|a couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# Month names must be capitalised: "may" and "march" are also verbs.
_MONTH = "(?P<month>" + "|".join(MONTH_NAMES + tuple(rf"{abbr}\.?" for abbr in MONTH_ABBREVIATIONS)) + ")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?")),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?")),
    ("month_year", re.compile(rf"\b{_MONTH}\s*,?\s+{_YEAR}\b")),
    (
        "weekday_last_week",
        re.compile(rf"(?i:\b(?:(?:late|early|earlier|later)\s+(?:on\s+)?)?on\s+)?\b{_WD}(?i:\s+(?:of\s+)?last\s+week)\b"),
    ),
    ("last_weekday", re.compile(rf"(?i:\blast\s+){_WD}\b")),
    (
        "weekday",
        re.compile(
            rf"(?i:\b(?:(?:late|early|earlier|later|overnight)\s+(?:on\s+)?)?)\b{_WD}"
            r"(?i:(?:\s+(?:night|evening|morning|afternoon))?)\b"
        ),
    ),
    (
        "bare_month",
        re.compile(
            rf"(?i:\b(?:(?:in|during|since|until|by|through|last|this|of|early|late|mid|earlier in|later in)\s+|mid-))"
            rf"{_MONTH}\b(?!\s+\d)"
        ),
    ),
    ("years_ago", re.compile(rf"(?i)\b(?P<n>{_NUM})\s+years?\s+ago\b")),
    ("months_ago", re.compile(rf"(?i)\b(?P<n>{_NUM})\s+months?\s+ago\b")),
    ("weeks_ago", re.compile(rf"(?i)\b(?P<n>{_NUM})\s+weeks?\s+ago\b")),
    ("days_ago", re.compile(rf"(?i)\b(?P<n>{_NUM})\s+days?\s+ago\b")),
    ("days_after", re.compile(rf"(?i)\b(?P<n>{_NUM})\s+days?\s+(?P<dir>after|later|before|earlier|prior)\b")),
    # "days after", "several days later": no count, so a span of days (SOME_DAYS), nearest first.
    # ("the second attack in days after ...": "in days" is a measure of how soon, not a date.)
    ("some_days", re.compile(r"(?i)(?<!\bin\s)(?<!\bfor\s)\b(?:(?:several|some|many)\s+)?days\s+(?P<dir>after|later|before|earlier|prior)\b")),
    ("weeks_after", re.compile(rf"(?i)\b(?P<n>{_NUM})\s+weeks?\s+(?P<dir>after|later|before|earlier|prior)\b")),
    ("yesterday", re.compile(r"(?i)\byesterday\b|\blast\s+night\b")),
    (
        "today",
        re.compile(
            r"(?i)\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today"
            r"|(?:over|in|during)\s+the\s+(?:past|last)\s+(?:24|twenty-four)\s+hours)\b"
        ),
    ),
    ("prev_day", re.compile(r"(?i)\bthe\s+(?:previous|preceding|prior)\s+(?:night|day|evening)\b|\bthe\s+(?:night|day|evening)\s+before\b")),
    ("next_day", re.compile(r"(?i)\bthe\s+(?:following|next)\s+(?:day|night|morning|evening)\b")),
    ("same_day", re.compile(r"(?i)\b(?:hours|minutes)\s+(?:earlier|later|before|after)\b|\bovernight\b|\bthe\s+same\s+day\b")),
    ("this_week", re.compile(r"(?i)\b(?:earlier\s+|later\s+)?this\s+week\b")),
    # "the previous week", "the following week": counted from the event told, like "the previous night".
    ("other_week", re.compile(r"(?i)\bthe\s+(?P<dir>previous|preceding|prior|following|next)\s+week\b|\bthe\s+week\s+(?P<dir2>before|after)\b")),
    ("last_week", re.compile(r"(?i)\blast\s+week(?:end)?\b|\bthe\s+past\s+week\b")),
    ("this_month", re.compile(r"(?i)\b(?:earlier\s+|later\s+)?this\s+month\b")),
    ("last_month", re.compile(r"(?i)\blast\s+month(?:'s|’s)?\b|\bthe\s+previous\s+month\b")),
    ("year_only", re.compile(r"(?i)\b(?:last|this)\s+year\b|\b(?P<year>(?:19|20)\d\d)\b")),
]


#: How many days "days after" / "days before" may span: from two to a week.
SOME_DAYS = (2, 7)

# The day a month's part stands for when later phrases count from it (the precision stays "month").
_PART_OF_MONTH = {"early": 5, "mid": 15, "late": 25}


def _num(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBERS[word]


def _month_num(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _latest_weekday(ref: dt.date, weekday: int) -> dt.date:
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, 1)


def _latest_day_month(ref: dt.date, month: int, day: int) -> dt.date | None:
    """The most recent ``day`` of ``month`` on or before ``ref`` (None if no such day)."""
    for year in range(ref.year, ref.year - 9, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue  # 29 February in a common year, 31 April...
        if d <= ref:
            return d
    return None


def _resolve(kind: str, m: re.Match[str], published: dt.date, anchor: dt.date) -> tuple[dt.date, str, str] | None:
    g = m.groupdict()
    if kind == "iso":
        try:
            return dt.date(int(g["year"]), int(g["m"]), int(g["day"])), "day", "absolute"
        except ValueError:
            return None
    if kind in ("mdy", "dmy"):
        month, day = _month_num(g["month"]), int(g["day"])
        if g.get("year"):
            try:
                return dt.date(int(g["year"]), month, day), "day", "absolute"
            except ValueError:
                return None
        d = _latest_day_month(published, month, day)
        return (d, "day", "published") if d else None
    if kind == "month_year":
        return dt.date(int(g["year"]), _month_num(g["month"]), 1), "month", "absolute"
    if kind == "weekday_last_week":
        monday = _monday(published) - dt.timedelta(days=7)
        return monday + dt.timedelta(days=_WEEKDAYS[g["wd"].capitalize()]), "day", "published"
    if kind == "last_weekday":
        wd = _WEEKDAYS[g["wd"].capitalize()]
        return _latest_weekday(published - dt.timedelta(days=1), wd), "day", "published"
    if kind == "weekday":
        return _latest_weekday(published, _WEEKDAYS[g["wd"].capitalize()]), "day", "published"
    if kind == "bare_month":
        if m.group(0).lower().startswith(("since", "until", "by", "through")):
            return None  # a range boundary, not the date of an event
        month = _month_num(g["month"])
        year = published.year if month <= published.month else published.year - 1
        if m.group(0).lower().startswith("last") and month == published.month:
            year -= 1
        # Still the whole month, but "the previous week" counted from "late July" is late in July.
        part = re.match(r"(?i)(early|mid|late)\b", m.group(0))
        day = _PART_OF_MONTH[part.group(1).lower()] if part else 1
        return dt.date(year, month, day), "month", "published"
    if kind == "years_ago":
        n = _num(g["n"])
        return _add_months(published, -12 * n), "month", "published"
    if kind == "months_ago":
        return _add_months(published, -_num(g["n"])), "month", "published"
    if kind == "weeks_ago":
        return _monday(published - dt.timedelta(weeks=_num(g["n"]))), "week", "published"
    if kind == "days_ago":
        return published - dt.timedelta(days=_num(g["n"])), "day", "published"
    if kind in ("days_after", "weeks_after"):
        n = _num(g["n"]) * (7 if kind == "weeks_after" else 1)
        sign = 1 if g["dir"].lower() in ("after", "later") else -1
        return anchor + dt.timedelta(days=sign * n), "day", "anchor"
    if kind == "some_days":
        sign = 1 if g["dir"].lower() in ("after", "later") else -1
        return anchor + dt.timedelta(days=sign * SOME_DAYS[0]), "day", "anchor"
    if kind == "yesterday":
        return published - dt.timedelta(days=1), "day", "published"
    if kind == "today":
        return published, "day", "published"
    if kind == "prev_day":
        return anchor - dt.timedelta(days=1), "day", "anchor"
    if kind == "next_day":
        return anchor + dt.timedelta(days=1), "day", "anchor"
    if kind == "same_day":
        return anchor, "day", "anchor"
    if kind == "this_week":
        return _monday(published), "week", "published"
    if kind == "last_week":
        return _monday(published) - dt.timedelta(days=7), "week", "published"
    if kind == "other_week":
        sign = 1 if (g["dir"] or g["dir2"]).lower() in ("following", "next", "after") else -1
        return _monday(anchor) + dt.timedelta(days=7 * sign), "week", "anchor"
    if kind == "this_month":
        return published.replace(day=1), "month", "published"
    if kind == "last_month":
        return _add_months(published, -1), "month", "published"
    if kind == "year_only":
        text = m.group(0).lower()
        if text.startswith("last"):
            return dt.date(published.year - 1, 1, 1), "year", "published"
        if text.startswith("this"):
            return dt.date(published.year, 1, 1), "year", "published"
        year = int(g["year"])
        # A four-digit number is a year only when it is plausible for a report.
        if not (published.year - 60 <= year <= published.year):
            return None
        if m.start() > 0 and m.string[m.start() - 1] in "$£€#":
            return None
        return dt.date(year, 1, 1), "year", "absolute"
    raise AssertionError(kind)


# Words without which a pattern cannot match: checked on the lower-cased text
# first, so most sentences skip most patterns (extraction calls this per clause).
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NEEDLES: dict[str, tuple[str, ...]] = {
    "iso": ("-",),
    "mdy": _MONTH_WORDS,
    "dmy": _MONTH_WORDS,
    "month_year": _MONTH_WORDS,
    "weekday_last_week": ("last week",),
    "last_weekday": ("last ",),
    "weekday": ("day",),
    "bare_month": _MONTH_WORDS,
    "years_ago": ("ago",),
    "months_ago": ("ago",),
    "weeks_ago": ("ago",),
    "days_ago": ("ago",),
    "days_after": ("day",),
    "some_days": ("days",),
    "weeks_after": ("week",),
    "yesterday": ("yesterday", "last night"),
    "today": ("today", "tonight", "this morning", "this afternoon", "this evening", "hours"),
    "prev_day": ("previous", "preceding", "prior", "before"),
    "next_day": ("following", "next"),
    "same_day": ("hours", "minutes", "overnight", "same day"),
    "this_week": ("this week",),
    "other_week": ("week",),
    "last_week": ("week",),
    "this_month": ("this month",),
    "last_month": ("month",),
    "year_only": ("19", "20", "year"),
}
_ALL_NEEDLES = frozenset(n for needles in _NEEDLES.values() for n in needles)
_NEEDLES = {k: frozenset(v) for k, v in _NEEDLES.items()}


def find_dates(text: str, published: dt.date, *, anchor: dt.date | None = None) -> tuple[DateMention, ...]:
    """Every date phrase in ``text``, in text order, none overlapping.

    Earlier patterns in the table win over later ones on overlapping spans, so
    "January 3, 2020" is one mention, not a month-day and a year.
    """
    anchor = anchor or published
    lower = text.lower()
    present = {n for n in _ALL_NEEDLES if n in lower}
    if not present:
        return ()
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        if present.isdisjoint(_NEEDLES[kind]):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            resolved = _resolve(kind, m, published, anchor)
            taken.append((start, end))  # a refused match (e.g. "since May") still hides its words
            if resolved is None:
                continue
            date, precision, basis = resolved
            window = None
            if kind == "some_days":
                far = anchor + (date - anchor) * SOME_DAYS[1] // SOME_DAYS[0]
                window = (min(date, far), max(date, far))
            found.append(DateMention(start, end, m.group(0), date, precision, basis, window))
    return tuple(sorted(found, key=lambda d: d.start))


def resolve_date(
    phrase_or_sentence: str, published: dt.date, *, anchor: dt.date | None = None
) -> tuple[dt.date, str] | None:
    """``(date, precision)`` of the first usable date phrase, or None.

    ``precision`` is one of ``day``, ``week``, ``month``; year-only phrases are
    not dates of an incident and give None when nothing better is present.
    """
    for mention in find_dates(phrase_or_sentence, published, anchor=anchor):
        if mention.precision != "year":
            return mention.date, mention.precision
    return None
