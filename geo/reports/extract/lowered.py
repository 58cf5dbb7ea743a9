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
from re import _constants as _sre, _parser as _sre_parse
from collections.abc import Iterable, Iterator

__all__ = ["Hinted", "LowerCased", "any_of", "lowered", "required_words"]

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

    __slots__ = ("regex", "_lower", "_hint")

    def __init__(self, pattern: re.Pattern[str], *, hinted: bool = False):
        """``hinted``: test first for the words every match holds (as :class:`Hinted`), for a pattern most texts lack."""
        if not pattern.flags & re.IGNORECASE:
            raise ValueError("only an IGNORECASE pattern reads the same in lower-cased text")
        self.regex = pattern
        self._lower = re.compile(_lower_pattern(pattern.pattern), pattern.flags & ~re.IGNORECASE)
        words = required_words(pattern) if hinted else None
        self._hint = any_of(words) if words else None

    def found(self, text: str, low: str | None = None, pos: int = 0, endpos: int = sys.maxsize) -> bool:
        """Whether the pattern occurs in ``text[pos:endpos]``; ``low`` is ``text.lower()`` if the caller has it."""
        if low is None or _UNFOLDABLE.search(low):
            low = lowered(text)
        if low is None:
            return self.regex.search(text, pos, endpos) is not None
        if self._hint is not None and self._hint.search(low, pos, endpos) is None:
            return False
        return self._lower.search(low, pos, endpos) is not None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        low = lowered(text)
        return self.regex.search(text, pos, endpos) if low is None else self._lower.search(low, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        low = lowered(text)
        return self.regex.finditer(text, pos, endpos) if low is None else self._lower.finditer(low, pos, endpos)


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


def required_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-cased strings one of which every match of ``pattern`` holds, read from its parsed form
    (None where no such set is found, e.g. a match may be all classes and repeats).

    Lookarounds count for nothing (they need not lie inside the match), a repeat only if it must occur,
    a letter outside ASCII never (some fold to several cases).
    """
    return _required(_sre_parse.parse(pattern.pattern, pattern.flags))


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more telling of two sets: longer shortest word, then fewer words."""
    if a is None or b is None:
        return a if b is None else b
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _required(items) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    run: list[str] = []  # consecutive literal characters
    for op, av in items:
        if op is _sre.LITERAL and (av < 128 or chr(av).lower() == chr(av).upper()):
            run.append(chr(av).lower())
            continue
        if run:
            best, run = _better(best, frozenset(["".join(run)])), []
        found = None
        if op is _sre.SUBPATTERN:
            found = _required(av[3])
        elif op is _sre.ATOMIC_GROUP:
            found = _required(av)
        elif op is _sre.BRANCH:
            alternatives = [_required(alt) for alt in av[1]]
            found = None if any(a is None for a in alternatives) else frozenset().union(*alternatives)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _required(av[2])
        best = _better(best, found)
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


class Hinted:
    """``pattern`` behind a test for the words every match of it holds (:func:`required_words`):
    where the searched part of the lower-cased text holds none of them, nothing is searched.

    Same matches as ``pattern`` (original case), for ``search``, ``match`` and ``finditer``; a text
    whose lower-casing the regex engine could read otherwise ("İ", "ı", "ſ") is always searched.
    Anything else (``.pattern``, ``.flags``, ``.sub``) is the pattern's own. Worth it only for a
    pattern asked of many texts that few hold its words (the test costs ~1 µs where they do).
    """

    __slots__ = ("regex", "_hint")

    def __init__(self, pattern: re.Pattern[str]):
        self.regex = pattern
        words = required_words(pattern)
        self._hint = any_of(words) if words else None

    def __getattr__(self, name: str):
        return getattr(self.regex, name)

    def _may(self, text: str, pos: int, endpos: int) -> bool:
        if self._hint is None:
            return True
        low = lowered(text)
        return low is None or self._hint.search(low, pos, endpos) is not None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.search(text, pos, endpos) if self._may(text, pos, endpos) else None

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.match(text, pos, endpos) if self._may(text, pos, endpos) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, pos, endpos) if self._may(text, pos, endpos) else iter(())
