"""Fuzzy search over many short name keys (the curated index and the GeoNames layer share it)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = ["FuzzyIndex"]


_VOWELS = frozenset("aeiouy")


def _word_typo(query: str, key: str) -> bool:
    """Whether one word of a query can be a misspelling of one word of a key."""
    if query == key:
        return True
    if min(len(query), len(key)) < 3 or OSA.distance(query, key) != 1:
        return False
    if len(query) == len(key):
        if query[:-1] == key[:-1] and query[-1] == "s":
            return False  # an English plural: "strikes" is no typo of "Striker"
        changed = [(q, k) for q, k in zip(query, key) if q != k]
        if len(query) < 5 and len(changed) == 1 and not (changed[0][0] in _VOWELS and changed[0][1] in _VOWELS):
            return False  # in a short word a changed consonant makes another word: "Iran" vs "Iraq"
    return True


def _plausible_typo(query: str, key: str) -> bool:
    """Whether ``query`` can be a misspelling of ``key`` rather than another word (see FuzzyIndex)."""
    if query.startswith(key) or key.startswith(query):
        return False
    query_words, key_words = query.split(), key.split()
    return len(query_words) == len(key_words) and all(map(_word_typo, query_words, key_words))


class FuzzyIndex:
    """Fuzzy search over many short keys, fast enough for 50,000 of them.

    The score is the optimal-string-alignment similarity of the folded core
    keys (Levenshtein distance in which swapping two neighbouring letters
    counts as one edit), normalised to 0–100 by the longer key: at the cut-off
    of 85 that is one typo per seven letters. ``fuzz.ratio`` (Indel) and
    ``fuzz.WRatio`` were rejected: Indel scores a substitution as two half
    edits, which let five-letter words one letter away from a site through
    ("homes" -> Homs, "Qassim" -> Qaim); WRatio's partial matching lets "base"
    or "village" match any site containing the word, and it is about 20 times
    slower.

    Rules that keep ordinary words out while typos still match
    ("Mayadeem", "Ain al-Asd", "Damanscus"):

    * queries shorter than ``min_length`` (5) characters are not searched: at
      four letters one typo is another word ("Iran" vs "Iraq");
    * lengths may differ by one character (one more per 12 characters of the
      query): a typo drops or adds a letter, while a different word that
      happens to share letters ("Soleimani" vs "Slemani") is longer or
      shorter by more;
    * one key starting with the other is a derived word, not a typo ("Iraqi",
      "Syrian", "strike" vs "Camp Striker");
    * the words must pair up, each with at most one typo; a changed word needs
      three letters or more ("in Syria" is not "NE Syria", "KM west" not
      "Q-West"), a word under five letters may only lose or gain a letter or
      change a vowel ("Republic of Iran" is not "Republic of Iraq", while
      "Ain al-Asd" is "Ain al-Asad"), and a final "s" replacing a letter is
      an English plural ("strikes" is not "Camp Striker").

    Speed: keys are filed by length and first two letters, and again by
    length and last two letters. A search scores only the keys of an allowed
    length that share the query's first two *or* last two letters -- in five
    or more letters one typo cannot change both ends, so nothing within the
    rules above is lost except a key misspelt at both ends -- which is well
    under a tenth of a 50,000-name list (about 0.1 ms a search).
    """

    def __init__(self, keys: Iterable[str], *, cutoff: float = 85.0, min_length: int = 5):
        self.cutoff = cutoff
        self.min_length = min_length
        self._count = 0
        self._by_first: dict[tuple[int, str], list[str]] = {}
        self._by_last: dict[tuple[int, str], list[str]] = {}
        for key in set(filter(None, keys)):
            self._count += 1
            self._by_first.setdefault((len(key), key[:2]), []).append(key)
            self._by_last.setdefault((len(key), key[-2:]), []).append(key)

    def __len__(self) -> int:
        return self._count

    def search(self, key: str, *, limit: int = 10) -> list[tuple[str, float]]:
        """Keys similar to ``key`` with their scores (0–100), best first; ``key`` itself included."""
        n = len(key)
        if n < self.min_length:
            return []
        spread = 1 + n // 12
        choices: list[str] = []
        for length in range(n - spread, n + spread + 1):
            choices += self._by_first.get((length, key[:2]), ())
            choices += self._by_last.get((length, key[-2:]), ())
        # A key filed under both letters appears twice: ask for enough to drop repeats.
        found = process.extract(
            key, choices, scorer=OSA.normalized_similarity, score_cutoff=self.cutoff / 100, limit=limit * 4
        )
        unique = dict.fromkeys((c, round(s * 100, 2)) for c, s, _ in found)
        return [(c, s) for c, s in unique if c == key or _plausible_typo(key, c)][:limit]

