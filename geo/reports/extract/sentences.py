"""Sentences, clauses and datelines: the units a report is read in.

Sentences split on end punctuation and line breaks (headlines, captions are
lines of their own); clauses on ``;`` and on the conjunctions that join two
events ("X comes a day *after* Y", "..., *while* ..."). Spans are character
offsets into the text, so every later step can point back at its evidence.
"""

from __future__ import annotations

import re

__all__ = ["CAUSE_CLAUSE", "OTHER_EVENT_CLAUSE", "RELATIVE_EVENT", "find_datelines", "split_clauses", "split_sentences"]


_ABBREV = frozenset(
    ["u.s", "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "jr", "sr", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "gov", "sen", "rep", "adm", "brig", "cmdr", "pres", "dept", "fig", "approx"]
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")


# A page's own time stamp at the top of a saved report ("date 2024-08-06", "Published:
# 2024-08-06T10:00Z"): when the page was posted, glued to the first sentence by the copy.
_STAMP = re.compile(
    r"\s*(?:(?:date|published|posted|updated)\s*:?\s*)?\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?(?=\s)",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text`` (line breaks always split).

    A time stamp opening the text is a sentence of its own: it dates the page, and read
    with the first sentence it would date that sentence's attack.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    if stamp := _STAMP.match(text):
        spans.append(_strip_span(text, 0, stamp.end()))
        start = stamp.end()
    for m in _BOUNDARY.finditer(text, start):
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


_CAUSE_WORDS = r"(?:follow(?:s|ed|ing)?|(?:in\s+|as\s+)?(?:retaliation|revenge|reprisal)\s+for|(?:a|in)\s+(?:response|reply)\s+to)"
#: A clause that opens on these words tells an earlier event, the cause of the one before it.
CAUSE_CLAUSE = re.compile(_CAUSE_WORDS + r"\s", re.IGNORECASE)
_ANOTHER_WORDS = r"(?:along\s+with|as\s+well\s+as|in\s+addition\s+to)\s+(?:another|a\s+second|a\s+separate|an\s+earlier)\s"
#: A clause that tells another event than the one before it (a cause, "along with another attack in ...").
# "the deadliest attack since a rocket attack on ...": a measure against an earlier event.
_SINCE_WORDS = r"since\s+(?:an?|the|its|their|US|U\.S\.)\s"
OTHER_EVENT_CLAUSE = re.compile(r"(?:" + _CAUSE_WORDS + r"\s|" + _ANOTHER_WORDS + "|" + _SINCE_WORDS + ")", re.IGNORECASE)

_RELATIVE_EVENT_WORDS = (
    r"(?:who|which|that)\s+(?:had\s+)?(?:earlier|previously|just)\s+(?:had\s+)?(?:launched|fired|attacked|targeted|struck|shelled)\b"
    r"|(?:who|which|that)\s+had\s+(?:launched|fired|attacked|targeted|struck|shelled)\b"
)
#: A relative clause that tells an earlier attack by the group just named ("... the fighters who had
#: earlier fired a missile at the base").
RELATIVE_EVENT = re.compile(_RELATIVE_EVENT_WORDS, re.IGNORECASE)

# Clause boundaries: conjunctions that join two events in one sentence. For
# "after"/"before" the second clause keeps a leading duration ("a week after
# ..."), which dates the event that follows it.
_CLAUSE = re.compile(
    # Every boundary starts on ";", "," or a space: the lookahead turns the other characters away
    # before the dozen alternatives are tried (twice as fast, the same matches).
    r"(?=[;,\s])(?:"
    r";\s+|,\s+(?:while|whereas|but)\s+|,\s+(?=(?:to\s+which|prompting)\s)|,?\s+(?=" + _ANOTHER_WORDS + r")|\s+while\s+|\s+and\s+had\s+"
    r"|,\s+and\s+(?=(?:\w+\s+){0,4}?(?:said|were|was|had|have|has|[a-z]+ed)\b)"
    # "The strikes follow a rocket attack on ...", "..., in retaliation for an airstrike that ...": the
    # event told next is another one, earlier (its own place, date and weapon). "..., in retaliation for
    # U.S. airstrikes over the weekend": a state's strikes as the cause ("The strike followed American
    # attacks" is left whole: its next sentences still tell the strike).
    r"|\s+(?=" + _CAUSE_WORDS + r"\s+(?:an?|the|its|their|\d+|[\w-]+-plus|last\s+(?:week|month)['’]s|\w+day['’]s)(?!\w)"
    r"|(?:in\s+|as\s+)?(?:retaliation|revenge|reprisal)\s+for\s+(?:US|U\.S\.|American|Israeli|Iranian)(?!\w))"
    # "..., a move that raised tensions following recent US strikes on ...": the same, told as a participle.
    # "the deadliest since a rocket attack on ...": the same, an earlier event measured against.
    # "US forces struck the fighters who had earlier launched a missile at the base": the relative clause
    # tells the attack the strike answers, an event of its own.
    r"|,?\s+(?=(?:following\s+(?:(?:recent|last|earlier|previous)\s+)?(?:an?|the|its|their|US|U\.S\.|American|Israeli|Iranian)"
    r"|" + _SINCE_WORDS[:-2] + r")\s|" + _RELATIVE_EVENT_WORDS + ")"
    r"|(?<!\bwent)(?<!\bgo)(?<!\bgoes)(?<!\bgoing)\s+(?P<dur>(?:shortly|soon|just|hours|minutes|(?:a|the|one)\s+day|days?|(?:an?|a\s+few|several|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\s+(?:days?|weeks?|hours?))\s+)?"
    r"(?P<conj>after|before)\s+(?!(?:his|her|their|its|the)\s+(?:killing|death|assassination)\b)"
    # "shortly after midnight", "just before dawn", "after 11 p.m.": a time of the same event, not a second one.
    r"(?!(?:the\s+)?(?:midnight|dawn|daybreak|first\s+light|sunrise|sunset|dusk|nightfall|noon|midday)\b"
    r"|\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\b|o'clock|hours?\b|GMT|local))"
    r")"
)


# "After rockets hit the base on Monday, US jets struck ...": a sentence opening on a subordinate
# clause of an earlier event; the main clause starts after the comma that closes it.
_PREPOSED = re.compile(
    # A count of days ("Five days after his killing, ...") dates the main clause from the event told
    # first: such a sentence is left whole.
    r"\W*(?:(?:shortly|soon|just|only|hours|minutes|(?:a\s+few|several)\s+hours)\s+)?(?:after|following)\s"
    r"(?!(?:his|her|their|its|the)\s+(?:killing|death|assassination)\b)",
    re.IGNORECASE,
)
# A comma followed by these continues the subordinate clause (a day, a relative clause, an apposition).
_NOT_MAIN = re.compile(
    r",\s+(?:that|which|who|whom|whose|where|when|including|and|or|on|in|at|near|an?|late|early|\d"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b",
    re.IGNORECASE,
)


def _preposed_end(text: str, start: int, end: int) -> int | None:
    """Where the main clause of a sentence opening on "After ..., " starts, or None."""
    if not _PREPOSED.match(text, start, end):
        return None
    for comma in re.finditer(r",\s+", text[start:end]):
        if not _NOT_MAIN.match(text, start + comma.start(), end):
            return start + comma.end()
    return None


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    if (main := _preposed_end(text, start, end)) is not None:
        out.append((start, main))
        pos = main
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
    # "BAGHDAD, Jan 4 (Reuters) -", also behind a re-publisher's tag "(MENAFN- Agency) DAMASCUS, Aug 14 (...) -";
    # several cities, with or without spaces round the slashes ("WASHINGTON/BAGHDAD/ TEHRAN -").
    r"^(?:\s*(?:date|published|posted|updated)\s*:?\s*\d{4}-\d{2}-\d{2}\S*\s+)?(?:\([^)\n]{1,40}\)\s*)?(?:[A-Z][A-Z'’.-]{2,}(?:(?:\s*/\s*|\s+)[A-Z][A-Z'’.-]+)*(?:,\s+[A-Z][\w.]*(?:\s+(?:[A-Z][\w.]*|\d{1,2}(?:,\s+\d{4})?))?)?\s*(?:\([^)\n]{0,30}\))?\s*(?:--|[-—–:])\s"
    r"|[A-Z][\w'’ -]{1,30}:\s|[A-Z]{2,}(?:,\s+[A-Z]{2,})+\s*$)",
    re.MULTILINE,
)


def find_datelines(text: str) -> list[tuple[int, int]]:
    """Spans of datelines ("BAGHDAD (Reuters) -"): where the reporter is, not the attack."""
    return [m.span() for m in _DATELINE.finditer(text)]

