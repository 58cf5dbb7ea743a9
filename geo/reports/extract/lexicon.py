"""The words of other languages the extractor needs, in English.

One table per language, read by :mod:`geo.reports.extract.gloss`: the
vocabulary of attacks (weapons, attack verbs in the past tense, interception,
casualties, claims and blame), of places (bases, embassies, provinces, the
countries and the points of the compass), of time (months, weekdays,
"yesterday"), small numbers, and the function words the English rules read
("the", "of", "near", "after", "said"). Several-word entries put the English
words in English order ("base aérienne" -> "air base", "milices pro-iraniennes"
-> "pro-Iranian militias"); the longest entry wins.

Everything here is general vocabulary of news about attacks, the kind any
bilingual dictionary gives; no entry is a phrase of a particular report.

The tables are text files, ``lexicons/<language>.txt``: one entry a line,
``foreign form, other form = English`` (nothing after "=": a word English does
without, French "des"; a word ending in "*" is a stem and matches every ending,
Russian "ракет*" for "ракета", "ракеты", "ракетами"); lines starting with "#" are
comments. Forms are matched
whole-word and case-insensitively (a form ending in an apostrophe, French "l'"
and "d'", matches glued to the next word; Arabic letter variants and Greek
accents are folded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

__all__ = ["LANGUAGES", "Lexicon", "fold", "lexicon"]

_TABLES = Path(__file__).with_name("lexicons")


@dataclass(frozen=True, eq=False)  # compared by identity: one per language
class Lexicon:
    """One language's glossary: ``entries`` maps a lower-case form to its English."""

    code: str
    entries: dict[str, str]
    # Words between a day and its month ("3 de diciembre", "19 di ottobre").
    day_month_links: tuple[str, ...] = ()
    # The preposition or article before a day ("le 3 mars", "am 3. März"): English "on".
    on_day: tuple[str, ...] = ()
    # Definite articles, for a speaker after its verb (", dijo el portavoz" -> "the spokesman said").
    articles: tuple[str, ...] = ()
    # Prefixes written glued to the next word (Arabic "و" and, "ب" with, "ل" to) and their English.
    clitics: dict[str, str] = field(default_factory=dict)
    # The language puts a nationality adjective after its noun ("soldats américains").
    adjective_after: bool = False
    # Separable verb particles: at a clause's end ("schlugen ... ein") they are part of the verb, rendered as nothing.
    particles: frozenset[str] = frozenset()
    # The language ends a clause with its verb (German and Dutch after an auxiliary; Turkish, Persian, Kurdish always).
    verb_final: bool = False

    def english(self, key: str) -> str | None:
        """The English of a folded, lower-case form: its entry, else that of the longest stem entry it fits."""
        found = self.entries.get(key)
        if found is None:
            found = next((e for stems, e in self._stems if stems.fullmatch(key)), None)
        return found

    @cached_property
    def _stems(self) -> list[tuple[re.Pattern, str]]:
        # A word ending in "*" (Russian "ракет*", Turkish "roket*") stands for every ending of a stem.
        starred = sorted((f for f in self.entries if "*" in f), key=len, reverse=True)
        return [(re.compile(re.escape(f).replace(r"\*", r"\w*")), self.entries[f]) for f in starred]


# The letters Arabic writes several ways, and Greek vowels with and without their accent (capitals
# are written without), folded to one (the gloss matches every way).
_FOLD = str.maketrans(
    # (the dot "İ".lower() leaves; Persian "ی" and "ک" are Arabic "ي" and "ك"; a zero-width non-joiner
    # between the parts of a Persian word is a space)
    {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "\u0307": None, "\u200c": " "}
    | dict(zip("άέήίϊΐόύϋΰώ", "αεηιιιουυυω"))
)


def fold(text: str) -> str:
    """``text`` with Arabic letter variants and Greek accents folded to one form (Latin unchanged)."""
    return text.translate(_FOLD)


def _parse(*names: str) -> dict[str, str]:
    """The entries of the tables ``lexicons/<name>.txt``, later tables overriding earlier ones."""
    entries: dict[str, str] = {}
    for name in names:
        for line in (_TABLES / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            forms, english = line.rsplit("=", 1)
            for form in forms.split(", "):
                entries[fold(form.strip().lower())] = english.strip()
    return entries


# code -> (tables, words between a day and its month, "on" before a day, articles, clitics)
_LANGUAGES: dict[str, tuple] = {
    "fr": (("common", "fr"), (), ("le",), ("le", "la", "les", "l'"), {}),
    "es": (("common", "es"), ("de", "del"), ("el",), ("el", "la", "los", "las"), {}),
    "pt": (("common", "pt"), ("de",), ("no dia", "em", "no", "a"), ("o", "a", "os", "as"), {}),
    "it": (("common", "it"), ("di",), ("il", "l'"), ("il", "lo", "la", "i", "gli", "le", "l'"), {}),
    "de": (("common", "de"), (), ("am", "vom"), (), {}),
    "id": (("common", "id"), (), ("pada", "tanggal"), (), {}),
    "ar": (
        ("ar", "ar-places"), ("من",), ("يوم", "في"), (),
        {"و": "and", "ب": "with", "ل": "to", "وب": "and with", "ول": "and to", "ف": "",
         "ال": "the", "وال": "and the", "بال": "with the", "لل": "to the"},
    ),
    "el": (("el", "el-places"), (), ("στις", "την"), ("ο", "η", "το", "οι", "τα"), {}),
    "ru": (("ru",), (), (), (), {}),
    "tr": (("tr",), (), (), (), {}),
    "cs": (("common", "cs"), (), ("dne",), (), {}),
    "fa": (("ar-places", "fa"), (), ("در", "روز"), (), {}),
    "pl": (("common", "pl"), (), ("dnia",), (), {}),
    "nl": (("common", "nl"), (), ("op",), ("de", "het"), {}),
    "ckb": (("ar-places", "ckb"), (), (), (), {}),
    "ku": (("common", "ku"), (), (), (), {}),
}  # fmt: skip
# Malay news shares Indonesian's words for all of this (and a short Indonesian text is often
# identified as Malay).
# Arabic-script Kurdish is identified as Southern Kurdish ("sdh"); news in it is written in Sorani.
_SAME = {"ms": "id", "sdh": "ckb"}

# The particles German and Dutch split from a verb and put at the clause's end.
_PARTICLES = {
    "de": frozenset("ab an auf aus ein mit zu vor fest zurück nieder".split()),
    "nl": frozenset("af aan op uit in mee toe neer".split()),
}
# Languages that end a clause with its verb.
_VERB_FINAL = frozenset({"de", "nl", "tr", "fa", "ckb", "ku"})
# Languages that put a nationality adjective after its noun.
_ADJECTIVE_AFTER = frozenset({"fr", "es", "pt", "it", "ar", "id"})

LANGUAGES = frozenset(_LANGUAGES) | frozenset(_SAME)


def lexicon(code: str) -> Lexicon | None:
    """The lexicon of language ``code`` (ISO 639-1), read on first use; ``None`` if there is none."""
    code = _SAME.get(code, code)
    return _read(code) if code in _LANGUAGES else None


@lru_cache(maxsize=None)
def _read(code: str) -> Lexicon:
    tables, links, on_day, articles, clitics = _LANGUAGES[code]
    return Lexicon(
        code, _parse(*tables), links, on_day, articles, clitics,
        adjective_after=code in _ADJECTIVE_AFTER, verb_final=code in _VERB_FINAL,
        particles=_PARTICLES.get(code, frozenset()),
    )  # fmt: skip
