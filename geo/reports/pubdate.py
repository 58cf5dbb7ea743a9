"""A plain-text report's own publication date, when its opening states one clearly.

A saved web page carries its date in metadata (:func:`geo.reports.text.html_article`);
a pasted report has only its words. Wire copy and news sites put the date at the top:
a dateline ("BAGHDAD, Jan. 21 (Reuters) -"), a "Published 21 January 2024" line, or a
line that is a date and nothing else ("2024-01-21", "January 21, 2024 10:42 GMT").
Only those forms, and only in the first lines, count: a date in the story ("on 20 January")
is when something happened, not when it was written.

Nothing is guessed silently. Two different dates at the top (and no "Published" line among
them) give no date, with both named; a dateline without a year gives the latest such day
on or before ``today`` and says the year was assumed. ``today`` is passed in (pure function).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from geo.reports.dates import _MONTH, _latest_day_month, _month_num

__all__ = ["HEAD_LINES", "HEAD_CHARS", "FoundDate", "TextDate", "text_publication_date"]

HEAD_LINES = 6  # a headline, a standfirst, a byline, a date line, then the story
HEAD_CHARS = 800  # of the text, whatever its lines (a pasted report may have none)

_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# A calendar date written out in full: "21 January 2024", "Jan. 21, 2024", "2024-01-21".
_FULL = (
    rf"(?:(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)|{_DAY}\s+{_MONTH},?\s+{_YEAR}"
    rf"|{_MONTH.replace('month', 'month2')}\s+{_DAY.replace('day', 'day2')},?\s+{_YEAR.replace('year', 'year2')})"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:[\s,|·-]+(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}(?:[+-]\d{1,2})?\)?)?)?"


# "Published 21 January 2024", "Published on: Jan. 21, 2024 at 10:42", "Posted 2024-01-21".
_LABELLED = re.compile(
    rf"\b(?P<label>Published|Posted|First published|Updated|Last updated)(?:\s+on)?:?\s+{_WEEKDAY}{_FULL}",
    re.IGNORECASE,
)
# "BAGHDAD, Jan. 21 (Reuters) -", "ERBIL, Iraq, 21 January 2024 (AFP) —": a place in capitals,
# a date (its year optional), an agency in brackets, a dash.
_DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Z .'’-]{{2,}}(?:,\s+[A-Z][A-Za-z]+)?),\s+(?:{_DAY}\s+{_MONTH}|{_MONTH.replace('month', 'month2')}\s+"
    rf"{_DAY.replace('day', 'day2')})(?:,?\s+{_YEAR})?\s*\((?P<agency>[A-Za-z][\w .&-]{{1,30}})\)\s*[-–—]",
    re.MULTILINE,
)
# A line that is only a date (and maybe a weekday and a time): a page's date line, pasted.
_DATE_LINE = re.compile(rf"^\s*{_WEEKDAY}{_FULL}{_TIME}\s*$", re.MULTILINE)


@dataclass(frozen=True)
class FoundDate:
    """One publication date the opening states: the date, the words that state it, and where they are."""

    date: dt.date
    words: str  # as written ("BAGHDAD, Jan. 21 (Reuters) -")
    where: str  # "the dateline", "the 'Published' line", "a date line at the top"
    year_assumed: bool = False  # a dateline without a year: the latest such day on or before today


@dataclass(frozen=True)
class TextDate:
    """What :func:`text_publication_date` found: ``date`` when the opening is clear, else None and
    ``found`` lists what disagreed (empty: nothing stated a date)."""

    date: FoundDate | None
    found: tuple[FoundDate, ...] = ()


def _calendar(m: re.Match[str], suffix: str = "") -> dt.date | None:
    """The date a match of _FULL (or the dateline) names; None for an impossible one (31 February)."""
    group = m.groupdict()
    try:
        if group.get("iso"):
            return dt.date.fromisoformat(group["iso"])
        month = group.get("month") or group.get("month2")
        day = group.get("day") or group.get("day2")
        return dt.date(int(group.get("year") or group["year2"]), _month_num(month), int(day))
    except (TypeError, ValueError, KeyError):
        return None


def _candidates(head: str, today: dt.date) -> list[FoundDate]:
    out: list[FoundDate] = []
    for m in _LABELLED.finditer(head):
        d = _calendar(m)
        if d is not None:
            out.append(FoundDate(d, " ".join(m.group(0).split()), f"the '{m.group('label').capitalize()}' line"))
    for m in _DATELINE.finditer(head):
        words = " ".join(m.group(0).split())
        if m.group("year"):
            d, assumed = _calendar(m), False
        else:
            month, day = m.group("month") or m.group("month2"), m.group("day") or m.group("day2")
            try:
                d, assumed = _latest_day_month(today, _month_num(month), int(day)), True
            except ValueError:
                d = None
        if d is not None:
            out.append(FoundDate(d, words, "the dateline", year_assumed=assumed))
    for m in _DATE_LINE.finditer(head):
        d = _calendar(m)
        if d is not None and not any(f.date == d and m.group(0).strip() in f.words for f in out):
            out.append(FoundDate(d, " ".join(m.group(0).split()), "a line of its own at the top"))
    return [f for f in out if f.date <= today]  # a date after today is not when it was written


def text_publication_date(text: str, *, today: dt.date) -> TextDate:
    """The publication date the opening of ``text`` states, if it states one clearly.

    Looks at the first :data:`HEAD_LINES` non-empty lines (at most :data:`HEAD_CHARS` characters).
    When several forms agree, the first wins; when they disagree, a "Published"/"Posted" line
    wins over an "Updated" one, and otherwise there is no date (``found`` names them all).
    """
    lines = [line for line in text[: HEAD_CHARS * 2].splitlines() if line.strip()][:HEAD_LINES]
    head = "\n".join(lines)[:HEAD_CHARS]
    found = _candidates(head, today)
    if not found:
        return TextDate(None)
    if len({f.date for f in found}) == 1:
        return TextDate(found[0], tuple(found))
    first = [f for f in found if "updated" not in f.where.lower()]
    if first and len({f.date for f in first}) == 1 and len(first) < len(found):
        return TextDate(first[0], tuple(found))  # published on one day, updated on another
    return TextDate(None, tuple(found))
