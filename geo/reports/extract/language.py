"""Which language a report is written in.

A report is English when English function words ("the", "of", "and" ...) make
up a good share of its words: a substring count that costs microseconds, so
English reports (nearly all of them) never load a model. Anything else is
identified by py3langid (a maintained fork of langid.py: ~100 languages, its
model loaded on first use, about half a second, then ~1 ms a report).

A report that quotes an English post inside a Greek article is Greek: the
share of English words decides only when it is clearly high.
"""

from __future__ import annotations

import re

__all__ = ["LANGUAGE_NAMES", "detect", "language_name"]

# Share of a text's words that must be English function words for the text to be English
# without asking the model (English news prose runs at 0.15-0.35; French, Spanish, Italian,
# German, Portuguese and Indonesian prose at 0.00-0.05, their "a", "in" and "on" included).
_ENGLISH_SHARE = 0.11
_ENGLISH_WORDS = frozenset(
    "the of and to in a on was were is are that with by for from at it as has have had said an which this".split()
)
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 2500  # characters
# Too few letters to tell a language: treated as English (the extractor's own language).
_MIN_LETTERS = 20

LANGUAGE_NAMES = {
    "ar": "Arabic", "cs": "Czech", "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian",
    "fr": "French", "he": "Hebrew", "id": "Indonesian", "it": "Italian", "ku": "Kurdish", "ms": "Malay (or Indonesian)",
    "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "zh": "Chinese", "sdh": "Kurdish (Southern)", "ckb": "Kurdish (Sorani)",
}  # fmt: skip


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ("fr" -> "French"; an unlisted code is returned as is)."""
    return LANGUAGE_NAMES.get(code, code)


def detect(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is written in ("en", "fr", "ar" ...)."""
    # The opening is enough to judge by (and keeps the test at ~0.1 ms on a long English report).
    words = _WORD.findall(text[:_SAMPLE].lower())
    if sum(len(w) for w in words) < _MIN_LETTERS:
        return "en"
    if sum(w in _ENGLISH_WORDS for w in words) >= _ENGLISH_SHARE * len(words):
        return "en"
    # Imported here: English reports never pay for the import (~50 ms) or the model (~0.5 s,
    # loaded by the library on its first call and kept).
    import py3langid

    return py3langid.classify(text[:20000])[0]
