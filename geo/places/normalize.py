"""Place-name normalisation: one spelling-independent key per name.

News reports, GeoNames and the curated gazetteer spell the same place many ways
("Ain al-Asad", "Ayn al Asad", "Al Asad Airbase"; "Deir ez-Zor", "Deir Ezzor",
"Dayr az Zawr"). Matching compares *keys*, not spellings: :func:`name_key`
folds a name into a :class:`NameKey` made of

* ``core``: the distinctive part, folded so that common transliteration
  variants coincide (``"ain asad"``, ``"deir zor"``), and
* ``kind_hint``: what the generic words said about the kind of place
  (``"Erbil airport"`` -> ``("erbil", "airport")``, ``"Anbar province"`` ->
  ``("anbar", "province")``), so that a city and its airport, or a province and
  its capital, share a core yet stay distinguishable.

Everything here is a pure function of the input string; results are cached
because the same few hundred names are looked up again and again.

Folding rules, in order (each one is cheap and applied identically to the
gazetteer and to queries, so a rule only has to be *consistent*, not
linguistically right):

1. parenthesised asides are dropped ("Erbil Air Base (EAB)"), diacritics are
   transliterated to ASCII (unidecode), case is folded;
2. a possessive ``'s`` is dropped, then every other apostrophe-like mark
   (' ’ ʿ ʾ `) is removed *without* a space ("Qa'im" -> "qaim");
3. everything that is not a letter or digit separates words;
4. a leading English "the" is dropped;
5. generic words at the start or the end (air base, airport, camp, FOB,
   province, city, ...) are removed and reported as the kind hint;
6. Arabic article tokens (al, el, ad, ar, as, ash, at, az, an, ed, er, es, ez,
   ...) are dropped, and an article fused onto a later word by assimilation
   ("Ezzor", "Azzawr") is cut off;
7. letters are folded: q -> k, ou/oo -> u, ee -> i, doubled letters -> one,
   aw/au before a consonant -> o (Zawr/Zaur/Zor, Hawl/Hol), ay/ey before a
   consonant -> ai/ei (Kayf/Kaif), a final "ah"/"eh" -> "a" (ta marbuta:
   Fallujah/Falluja, Shaddadah/Shaddadeh); Roman numerals are left alone;
8. a few word-level variants are unified: Ain/Ayn/Ein, Deir/Dayr/Dair/Der,
   Tal/Tall/Tell/Tel, Jabal/Jebel.

Vowel differences that no rule covers ("Erbil"/"Irbil", "Mayadin"/"Meyadin")
are left to aliases and to fuzzy matching: folding vowels away would merge
genuinely different names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

__all__ = ["KIND_HINTS", "NameKey", "name_key", "normalize", "tokens"]


@dataclass(frozen=True, slots=True)
class NameKey:
    """The matching key of one name: folded ``core`` plus the generic ``kind_hint``.

    ``core`` is ``""`` when the name was nothing but generic words ("the base").
    """

    core: str
    kind_hint: str | None = None

    def __str__(self) -> str:
        return self.core if self.kind_hint is None else f"{self.core} [{self.kind_hint}]"


# Generic phrases -> kind hint. A phrase is only recognised as a whole run of
# words at the start or the end of a name: "Victory Base Complex" and "Camp
# Victory" both become "victory", but "Green Village" keeps its words because
# "village" is part of that site's proper name, not a qualifier we strip.
_SUFFIXES: dict[tuple[str, ...], str] = {}
_PREFIXES: dict[tuple[str, ...], str] = {}


def _generic(hint: str, suffixes: str, prefixes: str = "") -> None:
    for phrase in filter(None, (p.strip() for p in suffixes.split(","))):
        _SUFFIXES[tuple(phrase.split())] = hint
    for phrase in filter(None, (p.strip() for p in prefixes.split(","))):
        _PREFIXES[tuple(phrase.split())] = hint


_generic(
    "airport",
    "international airport, intl airport, international airfield, airport, air port",
    "airport of",
)
_generic(
    "air_base",
    "air base, airbase, ab, air field, airfield, air strip, airstrip, air station, landing zone, lz",
    "landing zone, lz",
)
_generic(
    "base",
    "military base, base complex, base, military camp, camp, garrison, outpost, "
    "mission support site, mss, forward operating base, fob",
    "camp, mission support site, mss, forward operating base, fob, joint base, base, qaidat",
)
_generic("oil_field", "oil field, oil fields, oilfield, oilfields", "")
_generic("gas_field", "gas field, gas fields, gasfield, gas plant", "")
_generic("province", "province, governorate, governate, muhafazat", "province of, governorate of, muhafazat")
_generic("city", "city, town", "city of, town of")

#: Every kind hint :func:`name_key` can produce.
KIND_HINTS = frozenset(_SUFFIXES.values()) | frozenset(_PREFIXES.values())

# Longest phrases first so "international airport" wins over "airport".
_SUFFIX_LENGTHS = sorted({len(p) for p in _SUFFIXES}, reverse=True)
_PREFIX_LENGTHS = sorted({len(p) for p in _PREFIXES}, reverse=True)
# The words a phrase can end (suffixes) or start (prefixes) with: a name whose end words are neither is
# left alone at once.
_SUFFIX_LAST = frozenset(p[-1] for p in _SUFFIXES)
_PREFIX_FIRST = frozenset(p[0] for p in _PREFIXES)

# Arabic definite article in its separated, sun-letter-assimilated forms.
_ARTICLES = frozenset("al el il ul ad ar as ash at ath az an adh ed er es esh et eth ez en edh".split())  # noqa: SIM905
# An assimilated article written fused to the next word ("Deir Ezzor", "Deir
# Azzor"). Only e+doubled consonant and a+zz are cut: "Assad" (a+ss) is a name
# in its own right and must stay "asad" like "Asad".
_FUSED_ARTICLE = re.compile(r"^(?:e(?:zz|ss|dd|tt|rr|nn|shsh)|azz)")

_WORD_VARIANTS = {
    "ayn": "ain", "ein": "ain", "ayin": "ain", "aein": "ain",
    "dayr": "deir", "dair": "deir", "der": "deir", "deyr": "deir", "dier": "deir",
    "tall": "tal", "tel": "tal", "tell": "tal",
    "jebel": "jabal", "jabel": "jabal", "jebal": "jabal",
}  # fmt: skip

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_POSSESSIVE = re.compile(r"(?<=[a-z])['`]s\b")
_MARKS = re.compile(r"['`\u00b4\u02bb\u02bc\u02be\u02bf\u2018\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ALNUM = re.compile(r"[a-z0-9]+")
# What :func:`_words` removes before splitting, in ASCII text: asides in brackets, possessives and marks.
_ASIDE_OR_MARK = re.compile(r"[(\[`']")
_DOUBLED = re.compile(r"([a-z])\1+")
_ROMAN = re.compile(r"^[ivx]+$")
# Diphthongs before a consonant or the end: "Zawr"/"Zaur"/"Zor", "Hawl"/"Hol",
# "Kayf"/"Kaif". Before a vowel the w/y is a consonant ("Hawija", "Mayadin").
_DIPHTHONG_O = re.compile(r"a[wu](?![aeiouy])")
_DIPHTHONG_I = re.compile(r"([ae])y(?![aeiouy])")


def _strip_generic(words: list[str]) -> tuple[list[str], str | None]:
    """Remove generic phrases at either end; return the rest and the first hint seen."""
    hint = None
    changed = True
    while changed and words:
        if words[-1] not in _SUFFIX_LAST and words[0] not in _PREFIX_FIRST:
            break  # no phrase can end or start here (most names): skip the slices of every length
        changed = False
        for n in _SUFFIX_LENGTHS:
            if len(words) >= n and (h := _SUFFIXES.get(tuple(words[-n:]))):
                words, hint, changed = words[:-n], hint or h, True
                break
        for n in _PREFIX_LENGTHS:
            if len(words) >= n and (h := _PREFIXES.get(tuple(words[:n]))):
                words, hint, changed = words[n:], hint or h, True
                break
    return words, hint


def _drop_articles(words: list[str]) -> list[str]:
    kept: list[str] = []
    after_article = False
    for i, word in enumerate(words):
        if word in _ARTICLES:
            after_article = True
            continue
        if i > 0 and not after_article and len(word) > 4 and _FUSED_ARTICLE.match(word):
            word = word[1:]  # "ezzor" -> "zzor"; doubled letters are folded later
        kept.append(word)
        after_article = False
    # A name that is nothing but an article ("Al") keeps it rather than vanish.
    return kept or words


@lru_cache(maxsize=65536)  # words recur across names far more than whole names do
def _fold_word(word: str) -> str:
    if _ROMAN.match(word):
        return word  # "Union III" must not fold into "Union I"
    word = word.replace("q", "k").replace("ou", "u").replace("oo", "u").replace("ee", "i")
    word = _DOUBLED.sub(r"\1", word)
    word = _DIPHTHONG_O.sub("o", word)
    word = _DIPHTHONG_I.sub(r"\1i", word)
    if len(word) > 3 and word[-1] == "h" and word[-2] in "ae":
        word = word[:-2] + "a"
    return _WORD_VARIANTS.get(word, word)


def _words(name: str) -> list[str]:
    if name.isascii() and not _ASIDE_OR_MARK.search(name):
        # Most names (every word a report's scan tries first): no aside, possessive or mark to remove, so
        # the words are the lower-cased runs of letters and digits, as the general path below finds them.
        return _ALNUM.findall(name.lower())
    text = _PARENS.sub(" ", name)
    if not text.isascii():
        text = unidecode(text)
    text = _POSSESSIVE.sub("", text.lower())
    text = _MARKS.sub("", text)
    return _NON_ALNUM.sub(" ", text).split()


@lru_cache(maxsize=65536)
def name_key(name: str) -> NameKey:
    """The :class:`NameKey` of ``name`` (see the module docstring for the rules).

    >>> name_key("Baghdad's International Airport")
    NameKey(core='baghdad', kind_hint='airport')
    >>> name_key("Ayn al-Asad Air Base")
    NameKey(core='ain asad', kind_hint='air_base')
    """
    words = _words(name)
    if words and words[0] == "the":
        words = words[1:]
    words, hint = _strip_generic(words)
    words = _drop_articles(words)
    return NameKey(" ".join(_fold_word(w) for w in words), hint)


def normalize(name: str) -> str:
    """The folded core key of ``name``: what exact and alias matching compare.

    >>> normalize("Deir ez-Zor") == normalize("Deir Ezzor") == "deir zor"
    True
    """
    return name_key(name).core


def tokens(name: str) -> tuple[str, ...]:
    """The words of the core key, for callers that scan text word by word."""
    return tuple(normalize(name).split())
