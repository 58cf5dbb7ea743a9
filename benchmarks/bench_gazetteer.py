"""Gazetteer lookup speed: ``python benchmarks/bench_gazetteer.py [GAZETTEER.csv]``.

Prints a table of

* exact/alias lookups per second on the curated gazetteer: names spelled as the
  gazetteer holds them (a fresh gazetteer each pass), variant spellings that need
  the normaliser (upper case, hyphens dropped; fresh gazetteer and empty caches),
  and *warm* (names seen before: reports repeat the same sites);
* fuzzy lookups in milliseconds, and the share of them that found the right
  key, against the curated names and against 50,000 synthetic GeoNames-sized
  names (generated here: Arabic-looking syllables, one to three words, as in a
  country dump); each query is a normalised key of 7+ letters with one letter
  of its longest word replaced;
* the same fuzzy search through the GeoNames SQLite layer built from those
  50,000 names.

Nothing is downloaded; the synthetic names are seeded, so runs are comparable.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.config import get_settings
from geo.places.gazetteer import FuzzyIndex, Gazetteer
from geo.places.geonames import GeoNamesLayer, import_geonames
from geo.places.normalize import _fold_word, name_key

_SYLLABLES = "al ba da di ha hu ja ka kh ma mi mu na ni ra ri sa sha ta ti wa ya za ab ad ar as ay ib ir um".split()  # noqa: SIM905


def synthetic_names(count: int, rng: random.Random) -> list[str]:
    """Distinct made-up place names shaped like GeoNames entries for Iraq/Syria."""
    names: set[str] = set()
    while len(names) < count:
        words = ["".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))).capitalize() for _ in range(rng.randint(1, 3))]
        names.add(" ".join(words))
    return sorted(names)


def typo(key: str, rng: random.Random) -> str:
    """``key`` with one inner letter of its longest word replaced: a one-typo misspelling."""
    words = key.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    i = rng.randrange(1, len(word) - 1)
    words[longest] = word[:i] + ("x" if word[i] != "x" else "z") + word[i + 1 :]
    return " ".join(words)


def typo_targets(keys) -> list[str]:
    """Keys a single typo should still find: 7+ letters, and a word of 5+ to misspell."""
    return [k for k in keys if len(k) >= 7 and max(map(len, k.split())) >= 5]


def rate(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def ms_per(fn, items) -> float:
    return 1000.0 / rate(fn, items)


def write_geonames(names: list[str], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for i, name in enumerate(names, start=1):
            cells = [str(i), name, name, "", "33.0", "43.0", "P", "PPL", "IQ", "", "01", "", "", "", "1000",
                     "", "100", "Asia/Baghdad", "2020-01-01"]  # fmt: skip
            out.write("\t".join(cells) + "\n")


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else get_settings().gazetteer_path
    rng = random.Random(2024)
    gazetteer = Gazetteer.load(path)
    names = [n for s in gazetteer.sites for n in s.names]
    rows: list[tuple[str, str, str]] = []

    # One pass over ~800 names takes a few milliseconds, too short to time once:
    # the median of 25 passes, each on a fresh gazetteer with empty caches.
    cold_rates = []
    for _ in range(25):
        cold = Gazetteer.from_sites(gazetteer.sites)
        name_key.cache_clear()  # building the gazetteer normalised every name: forget them
        _fold_word.cache_clear()
        cold_rates.append(rate(cold.find, names))
    cold_rate = sorted(cold_rates)[len(cold_rates) // 2]
    rows.append(("exact/alias, spelled as in gazetteer", f"{len(names)} names", f"{cold_rate:,.0f} /s"))
    # Spellings the gazetteer does not hold literally (case and punctuation differ):
    # these go through the normaliser on a fresh gazetteer.
    variants = [n.upper().replace("-", " ") for n in names]
    variant_rates = []
    for _ in range(25):
        fresh_gaz = Gazetteer.from_sites(gazetteer.sites)
        name_key.cache_clear()
        _fold_word.cache_clear()
        variant_rates.append(rate(fresh_gaz.find, variants))
    rows.append(
        ("exact/alias, new variant spellings", f"{len(variants)} names", f"{sorted(variant_rates)[12]:,.0f} /s")
    )
    warm_names = names * max(1, 200_000 // len(names))
    rows.append(
        ("exact/alias, warm (repeated names)", f"{len(names)} names", f"{rate(gazetteer.find, warm_names):,.0f} /s")
    )

    originals = rng.choices(typo_targets(gazetteer.alias_index), k=500)
    typos = [typo(k, rng) for k in originals]
    fresh = Gazetteer.from_sites(gazetteer.sites)  # nothing cached: every query runs the fuzzy stage
    rows.append(("fuzzy lookup, curated", f"{len(fresh.alias_index)} keys", f"{ms_per(fresh.find, typos):.3f} ms"))
    index = gazetteer.alias_index
    right = [(m := fresh.find(t)) is not None and m.site.id in index[k] for k, t in zip(originals, typos)]
    rows.append(("  queries that found the right site", "", f"{sum(right) / len(right):.0%}"))

    synthetic = synthetic_names(50_000, rng)
    keys = [name_key(n).core for n in synthetic]
    index = FuzzyIndex(keys)
    originals = rng.sample(typo_targets(keys), 1000)
    queries = [typo(k, rng) for k in originals]
    rows.append(("fuzzy search, synthetic", f"{len(index):,} keys", f"{ms_per(index.search, queries):.3f} ms"))
    right = [k in dict(index.search(q)) for k, q in zip(originals, queries)]
    rows.append(("  queries that found their key", "", f"{sum(right) / len(right):.0%}"))

    with tempfile.TemporaryDirectory() as tmp:
        dump, db = Path(tmp) / "synthetic.txt", Path(tmp) / "synthetic.sqlite"
        write_geonames(synthetic, dump)
        start = time.perf_counter()
        import_geonames([dump], db)
        rows.append(("GeoNames import, synthetic", "50,000 lines", f"{time.perf_counter() - start:.2f} s"))
        layer = GeoNamesLayer(db)
        layer.fuzzy(name_key("warm up"), "warm up")  # builds the fuzzy index once
        rows.append(
            (
                "GeoNames layer exact",
                "50,000 places",
                f"{ms_per(lambda q: layer.exact(name_key(q), q), synthetic[:1000]):.3f} ms",
            )
        )
        rows.append(
            (
                "GeoNames layer fuzzy",
                "50,000 places",
                f"{ms_per(lambda q: layer.fuzzy(name_key(q), q), queries):.3f} ms",
            )
        )
        layer.close()

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'against':>14}  {'result':>14}")
    print(f"{'-' * width}  {'-' * 14}  {'-' * 14}")
    for measure, against, result in rows:
        print(f"{measure:<{width}}  {against:>14}  {result:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
