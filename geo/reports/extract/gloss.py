"""A word-for-word English gloss of a report, and the way back to its own words.

:func:`gloss` rewrites the words of a report that its language's
:class:`~geo.reports.extract.lexicon.Lexicon` knows into English ("roquettes"
-> "rockets", "hier" -> "yesterday", "base aérienne" -> "air base", "el
domingo 3 de diciembre" -> "3 December") and leaves every other word as it
is: place and person names, numbers, punctuation and line breaks, so the
gloss has the same sentences as the report. The English rules read the
gloss; :meth:`Gloss.to_original` maps any span of the gloss back onto the
report, so evidence is shown in the report's own words.

Short function words written with a capital inside a sentence are left alone:
"Al" in "Ain Al Asad" is part of a name, not Spanish "al".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from geo.reports.extract.lexicon import Lexicon, fold

__all__ = ["Gloss", "gloss"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_PUNCTUATION = {"،": ",", "؛": ";", "؟": "?"}  # Arabic comma, semicolon, question mark
# Adjectives Romance languages, Arabic and Indonesian put after their noun, and the English words that
# are no noun to put them before.
_ADJECTIVES = frozenset({"American", "Iraqi", "Syrian", "Iranian", "Kurdish", "Jordanian", "US", "pro-Iranian", "Iran-backed"})
_FUNCTION = frozenset("the a of in on at to from by with and or which that is are was were the".split())
_SPEECH = ("said", "announced", "reported")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A form this short, capitalised inside a sentence, is a piece of a name ("Al", "As", "Da").
_SHORT = 3
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n«\"“]\s*|^\s+)$")  # searched in the 3 characters before a word


@dataclass(frozen=True)
class Gloss:
    """The English ``text`` of ``original``; ``pieces`` are the rewritten spans.

    Each piece is ``(gloss_start, gloss_end, original_start, original_end)``, in order;
    text between pieces is the same in both.
    """

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original report that the gloss span ``[start, end)`` renders."""
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, at: int, *, is_end: bool) -> int:
        i = bisect_right(self._starts, at - 1 if is_end else at) - 1
        if i < 0:
            return at
        g0, g1, o0, o1 = self.pieces[i]
        if (g0 < at <= g1) if is_end else (g0 <= at < g1):
            return o1 if is_end else o0
        return at - g1 + o1

    @cached_property
    def _starts(self) -> list[int]:
        return [p[0] for p in self.pieces]


def gloss(text: str, lexicon: Lexicon) -> Gloss:
    """``text`` with the words ``lexicon`` knows rewritten in English (see the module)."""
    pattern = _compiled(lexicon)
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    done = 0  # end of the original text copied so far
    length = 0  # length of the gloss so far
    for m in pattern.finditer(text):
        english = _render(m, text, lexicon)
        if english is None or english == m.group(0):
            continue
        end = m.end()
        if not english:  # a word English does without ("des" tirs): its space goes with it
            while end < len(text) and text[end] in " \t":
                end += 1
        if lexicon.adjective_after and english in _ADJECTIVES and pieces and _noun_before(pieces[-1], out, text, m.start()):
            # "soldats américains", "fuerzas iraquíes": the adjective goes before its noun, as in English.
            g0, _, o0, _ = pieces.pop()
            english = f"{english} {out.pop()}"
            length = g0
            pieces.append((g0, g0 + len(english), o0, end))
        else:
            out.append(text[done : m.start()])
            length += m.start() - done
            pieces.append((length, length + len(english), m.start(), end))
        out.append(english)
        length += len(english)
        done = end
    out.append(text[done:])
    return Gloss(original=text, text="".join(out), pieces=tuple(pieces))


def _noun_before(piece: tuple[int, int, int, int], out: list[str], text: str, at: int) -> bool:
    """Whether the last glossed word, right before ``at`` with only a space between, is a noun."""
    return piece[3] < at and not text[piece[3] : at].strip() and out[-1].rsplit(" ", 1)[-1] not in _FUNCTION


def _render(m: re.Match, text: str, lexicon: Lexicon) -> str | None:
    if m.group("gap") is not None:
        # A sentence that opens with a capital the English splitter does not know ("É", "Δ") or in a
        # script without capitals (Arabic): a line break keeps it a sentence of its own.
        nxt = text[m.end()] if m.end() < len(text) else ""
        return "\n" if nxt.isupper() or not nxt.islower() else None
    if m.group("punct"):
        return _PUNCTUATION[m.group("punct")]
    if m.group("day"):
        year = f" {m.group('year')}" if m.group("year") else ""
        on = "On " if m.group("on") and m.group("on")[0].isupper() else "on " if m.group("on") else ""
        return f"{on}{int(m.group('day'))} {lexicon.english(_key(m.group('month')))}{year}"
    if m.group("verb"):
        # "..., anunció el Pentágono": the speaker before the verb, as English has it.
        subject = lexicon.english(_key(m.group("subject"))) or m.group("subject")
        return f"the {subject} {lexicon.english(_key(m.group('verb')))}"
    word = m.group("word")
    key = _key(word)
    english = lexicon.english(key)
    if english is None:
        return None
    if m.group("clitic"):  # Arabic "و", "ب", "ل" glued to the word: "and", "with", "to"
        return " ".join(filter(None, (lexicon.clitics[m.group("clitic")], english)))
    first = _SENTENCE_START.search(text, max(0, m.start() - 3), m.start()) is not None
    if len(key) <= _SHORT and word[0].isupper() and not word.isupper() and not first:
        return None
    # A sentence's first word gets a capital (the English splitter looks for one); inside a sentence
    # the entry's own case (German capitalises every noun: "Drohnen" is "drones", not a name).
    if first and english and english[0].islower() and word[0].isupper():
        english = english[0].upper() + english[1:]
    if key.endswith("'"):
        english += " "
    return english


def _key(words: str) -> str:
    return fold(" ".join(words.lower().replace("’", "'").split()))


@lru_cache(maxsize=None)
def _compiled(lexicon: Lexicon) -> re.Pattern:
    months = {f: e for f, e in lexicon.entries.items() if e in _MONTHS}
    weekdays = {f: e for f, e in lexicon.entries.items() if e in _WEEKDAYS}
    alt = lambda forms: "|".join(_form(f) for f in sorted(forms, key=len, reverse=True))  # noqa: E731
    links = rf"(?:(?:{alt(lexicon.day_month_links)})\s+)?" if lexicon.day_month_links else ""
    # "el domingo 3 de diciembre de 2023", "am 29. Dezember", "le 1er février": the weekday goes (the date
    # says the day), the links go, the month is English.
    on = f"(?:(?P<on>{alt(lexicon.on_day)})\\s+)?" if lexicon.on_day else "(?P<on>(?!))?"
    speech = [f for f, e in lexicon.entries.items() if e in _SPEECH]
    # ", dijo el portavoz", ", a déclaré le ministre": a speaker after its verb (one word, no capital-less name).
    inverted = (
        rf"(?<=,\s)(?P<verb>{alt(speech)})\s+(?:{alt(lexicon.articles)})\s+"
        rf"(?P<subject>[^\W\d_][\w-]*)(?![\w-])"
        rf"(?=\s*[,.;:!?»”\")]|\s+(?:{alt(lexicon.on_day + lexicon.articles)}))"
        if speech and lexicon.articles
        else "(?P<verb>(?!))(?P<subject>(?!))"
    )
    date = (
        rf"(?<!\w){on}(?:(?:{alt(weekdays)}),?\s+)?(?P<day>[0-3]?\d)(?:\.|º|°|er)?\s+{links}"
        rf"(?P<month>{alt(months)})(?!\w)(?:\s+{links}(?P<year>(?:19|20)\d\d)(?!\d))?"
    )
    # A clitic is tried last ("??"): "بحسب" is a word of its own before it is "ب" + "حسب".
    glued = "|".join(sorted(lexicon.clitics, key=len, reverse=True))
    clitics = f"(?P<clitic>{glued})??" if glued else "(?P<clitic>(?!))?"
    words = rf"(?<![\w-]){clitics}(?P<word>{alt(lexicon.entries)})"
    gap = r"(?<=[.!?؟])(?P<gap>[ \t]+)(?=[^\W\d_A-Za-z])"
    punct = "(?P<punct>[،؛؟])"
    return re.compile(f"{gap}|{punct}|{date}|{inverted}|{words}", re.IGNORECASE)


# Letters Arabic writes several ways (hamza on the alef or not, final ta marbuta as ha, final ya
# without dots) and Greek vowels with or without accent: each folded letter matches all of its ways.
_VARIANTS = {"ا": "[اأإآ]", "ة": "[ةه]", "ه": "[ةه]", "ي": "[يى]", "'": "['’]"} | {
    # Greek: a vowel with or without its accent (the folded forms of lexicon.fold).
    "α": "[αά]", "ε": "[εέ]", "η": "[ηή]", "ι": "[ιίϊΐ]", "ο": "[οό]", "υ": "[υύϋΰ]", "ω": "[ωώ]",
}  # fmt: skip


def _form(form: str) -> str:
    # A word ending in "*" is a stem: any ending ("ракет*" is "ракеты", "ракетами" ...).
    letters = {**_VARIANTS, "*": r"\w*"}
    body = r"\s+".join("".join(letters.get(ch, re.escape(ch)) for ch in w) for w in form.split())
    # A form ending in an apostrophe ("l'", "d'") is glued to the next word; any other ends a word.
    return body if form.endswith("'") else body + r"(?![\w-])"
