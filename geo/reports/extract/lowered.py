"""Case-insensitive patterns asked of lower-cased text: the same answers, several times faster.

The regex engine folds the case of every character it compares under IGNORECASE, and cannot
skip an alternative on its first letter: a clause pattern of fifty words (``HAPPENED``,
``GENERIC``) costs 12-15 µs a clause that way. The same pattern with its letters lower-cased,
compiled case-sensitive and searched in ``text.lower()``, answers the same in a third of the time.

It answers the same because, for every character but three, "equal under IGNORECASE to an ASCII
letter" is "lower-cases to that letter", and lower-casing keeps ``\\w``, ``\\d``, ``\\s`` (so
``\\b``) and the positions of the text (``tests/geo/reports/test_extract_lowered.py`` checks this
for all of Unicode). The three: "İ" lower-cases to two characters ("i" and U+0307), and "ı", "ſ"
match "i", "s" under IGNORECASE while lower-casing to themselves. Text holding one of them
(seen in its lower-cased form) is searched with the original pattern.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

__all__ = ["LowerCased", "any_of", "lowered"]

# Lower-cased text holding one of these came from text on which the two foldings may disagree.
_UNFOLDABLE = re.compile("[\u0307\u0131\u017f]")
_ESCAPE_OR_LETTER = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)|[A-Z]", re.DOTALL)  # (group names keep their case)
# Pattern text the lower-casing cannot carry over: inline case flags, escapes that name characters
# by number or name, and letters outside ASCII (some fold to several cases).
_NOT_LOWERABLE = re.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]*i|\\[xuUN0-9]|[^\x00-\x7f](?<=[^\W\d_])")


def _lower_pattern(pattern: str) -> str:
    """``pattern`` with its ASCII letters lower-cased, escapes (``\\b``, ``\\S``, ``\\W``) and group names kept."""
    if bad := _NOT_LOWERABLE.search(pattern):
        raise ValueError(f"pattern cannot be searched lower-cased (at {bad.start()}: {bad.group(0)!r})")
    return _ESCAPE_OR_LETTER.sub(lambda m: m.group(0).lower() if len(m.group(0)) == 1 else m.group(0), pattern)


# The last long text lower-cased (a report: the readers of a clause get the whole text and a span).
_last: tuple[str, str | None] = ("", "")
_LONG = 1000


def lowered(text: str) -> str | None:
    """``text.lower()``, or None where the regex engine's IGNORECASE could read ``text`` otherwise."""
    global _last
    long, last = len(text) > _LONG, _last  # (one read: another thread may replace it)
    if long and last[0] is text:
        return last[1]
    low: str | None = text.lower()
    if _UNFOLDABLE.search(low):
        low = None
    if long:
        _last = (text, low)
    return low


class LowerCased:
    """An IGNORECASE pattern searched in lower-cased text: ``LowerCased(HAPPENED).found(seg)`` is
    ``HAPPENED.search(seg) is not None``.

    :meth:`search` and :meth:`finditer` return matches *of the lower-cased text*: their spans are the
    text's, the text of their groups is lower-cased (read it from the text by span where case matters).
    """

    __slots__ = ("pattern", "_lower")

    def __init__(self, pattern: re.Pattern[str]):
        if not pattern.flags & re.IGNORECASE:
            raise ValueError("only an IGNORECASE pattern reads the same in lower-cased text")
        self.pattern = pattern
        self._lower = re.compile(_lower_pattern(pattern.pattern), pattern.flags & ~re.IGNORECASE)

    def found(self, text: str, low: str | None = None, pos: int = 0, endpos: int = sys.maxsize) -> bool:
        """Whether the pattern occurs in ``text[pos:endpos]``; ``low`` is ``text.lower()`` if the caller has it."""
        if low is None or _UNFOLDABLE.search(low):
            low = lowered(text)
        if low is None:
            return self.pattern.search(text, pos, endpos) is not None
        return self._lower.search(low, pos, endpos) is not None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        low = lowered(text)
        return self.pattern.search(text, pos, endpos) if low is None else self._lower.search(low, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        low = lowered(text)
        return self.pattern.finditer(text, pos, endpos) if low is None else self._lower.finditer(low, pos, endpos)


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern that occurs in a text where one of ``words`` does (asked only *whether*, not where).

    The words are factored by their first letters ("claim|credit" is "c(?:laim|redit)"): a plain
    alternation of ninety words makes the engine try each at every position, this one tries the few
    that start with the letter there (three to four times faster). A word that starts with another
    adds nothing.
    """
    return re.compile(_factored(sorted(set(words))))


def _factored(words: list[str]) -> str:
    if "" in words:
        return ""  # a word ends here: the longer ones add nothing to *whether*
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    alts = [re.escape(c) + _factored(rest) for c, rest in groups.items()]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
