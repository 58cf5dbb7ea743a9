"""How far two annotations of the same reports agree: the ceiling for any extractor score.

Two people annotating the same reports by the same rules will not write identical files. Their
agreement, measured with the very matching the extractor is scored by
(:func:`geo.reports.evaluate.match_incidents`: overlapping days, places at most ``km`` apart,
the same event type), says how high a target on those reports can sensibly be set. Annotation A
is read as the truth and annotation B as proposals; F1 is symmetric (swapping the two swaps
precision and recall).

What is compared, report by report (reports are paired by ``file``):

* **scored incidents**: both sides' located incidents, matched as the extractor's candidates are;
  an incident *unlocated* on one side (the report gives no place) is not scored, and an incident
  the other side placed only at a province, region or country that matches it in days and type is
  excused in both directions, as :func:`geo.reports.evaluate.split_coarse_unlocated` excuses a
  coarse candidate;
* on matched pairs, the **actor family** (:func:`geo.actors.family_of`) where both name an actor,
  and the **attribution kind** where both state one (a pair where only one side states it, e.g.
  one annotator reads the outlet's own wording as having no speaker, is counted apart);
* **the incidents listed at all**: every incident, located or not, paired on overlapping days
  and a compatible place (within ``km`` when both are located, anything when either is not),
  whatever the event type; on those pairs, whether both made the same **located / unlocated**
  decision and gave the same event type.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from geo.actors import family_of
from geo.reports.evaluate import (
    Scores,
    annotation_window,
    match_incidents,
    pair_greedily,
    same_days,
    split_coarse_unlocated,
)
from geo.reports.merge import distance_km

__all__ = [
    "Agreement",
    "AsProposal",
    "ReportAgreement",
    "as_proposal",
    "bootstrap_interval",
    "cohen_kappa",
    "compare_annotations",
    "format_agreement",
    "list_together",
]

#: gazetteer kind -> the ``geo_precision`` a site of that kind gives (coarse from province up).
_PRECISION_BY_KIND = {"country": 4, "region": 3, "province": 3, "district": 2, "city": 2}


@dataclass(frozen=True)
class AsProposal:
    """One annotated incident in the shape :func:`match_incidents` asks of a candidate."""

    ann: Mapping[str, Any]
    date: dt.date
    date_precision: str
    date_window: tuple[dt.date, dt.date]
    event_type: str
    lat: float | None
    lon: float | None
    geo_precision: int


def as_proposal(ann: Mapping[str, Any], site_kinds: Mapping[str, str]) -> AsProposal:
    """``ann`` read as a proposal; ``site_kinds`` (site id -> gazetteer kind) tells how coarse its place is."""
    located = _located(ann)
    kind = site_kinds.get(ann.get("site_id") or "", "")
    return AsProposal(
        ann=ann,
        date=dt.date.fromisoformat(ann["date"]),
        date_precision=ann.get("date_precision", "day"),
        date_window=annotation_window(ann),
        event_type=ann["event_type"],
        lat=float(ann["lat"]) if located else None,
        lon=float(ann["lon"]) if located else None,
        geo_precision=_PRECISION_BY_KIND.get(kind, 1) if located else 4,
    )


def _located(ann: Mapping[str, Any]) -> bool:
    return not ann.get("unlocated") and ann.get("lat") is not None


def _family(ann: Mapping[str, Any]) -> str | None:
    """The actor family an annotation gives (written out, or the family of its actor); None with no actor."""
    return ann.get("actor_family") or family_of(ann["actor"]) if "actor" in ann else None


def _apart(x: Mapping[str, Any], y: Mapping[str, Any], km: float) -> bool:
    """Both located, more than ``km`` apart."""
    if not (_located(x) and _located(y)):
        return False
    return distance_km(float(x["lat"]), float(x["lon"]), float(y["lat"]), float(y["lon"])) > km


def _mid_day(window: tuple[dt.date, dt.date]) -> float:
    return (window[0].toordinal() + window[1].toordinal()) / 2


def list_together(
    a: Sequence[Mapping[str, Any]], b: Sequence[AsProposal], *, km: float = 25.0
) -> list[tuple[Mapping[str, Any], AsProposal]]:
    """Pairs of incidents both sides listed: overlapping days, whatever the place and event type.

    Among several counterparts the closest description wins: the same event type, then the same
    located/unlocated decision, then a place within ``km``, then the nearer days, then the nearer
    place, so that a report's two attacks on one day pair with their own counterparts.
    """
    options = []
    for ai, ann in enumerate(a):
        for bi, prop in enumerate(b):
            if not same_days(prop, ann):
                continue
            both = _located(ann) and prop.lat is not None
            d = distance_km(prop.lat, prop.lon, float(ann["lat"]), float(ann["lon"])) if both else 0.0
            rank = (
                int(prop.event_type != ann["event_type"]),
                int(_located(ann) != (prop.lat is not None)),
                int(d > km),
                abs(_mid_day(prop.date_window) - _mid_day(annotation_window(ann))),
                d,
            )
            options.append((*rank, ai, bi))
    return [(a[ai], b[bi]) for ai, bi in pair_greedily(options)]


@dataclass(frozen=True)
class ReportAgreement:
    file: str
    matched: tuple[tuple[Mapping[str, Any], Mapping[str, Any]], ...]  # (A, B), scored
    a_only: tuple[Mapping[str, Any], ...]  # A's located incidents B has no match for
    b_only: tuple[Mapping[str, Any], ...]  # B's located incidents A has no match for
    # A coarse place (province, region, country) on one side where the other side left the attack unlocated.
    a_coarse: tuple[Mapping[str, Any], ...]
    b_coarse: tuple[Mapping[str, Any], ...]
    listed: tuple[tuple[Mapping[str, Any], Mapping[str, Any]], ...]  # (A, B), any type, located or not
    listed_a_only: tuple[Mapping[str, Any], ...]
    listed_b_only: tuple[Mapping[str, Any], ...]


def _compare_report(file: str, a: Sequence[Mapping], b: Sequence[Mapping], site_kinds, km: float) -> ReportAgreement:
    a_scored = [x for x in a if _located(x)]
    a_unlocated = [x for x in a if not _located(x)]
    b_props = [as_proposal(x, site_kinds) for x in b]
    b_scored = [p for p in b_props if p.lat is not None]
    b_unlocated = [x for x in b if not _located(x)]
    pairs, b_left, a_left = match_incidents(b_scored, a_scored, km=km)
    b_left, b_coarse = split_coarse_unlocated(b_left, a_unlocated)
    a_left_props, a_coarse = split_coarse_unlocated([as_proposal(x, site_kinds) for x in a_left], b_unlocated)
    listed = list_together(a, b_props, km=km)
    in_a = {id(x) for x, _ in listed}
    in_b = {id(p) for _, p in listed}
    return ReportAgreement(
        file=file,
        matched=tuple((x, p.ann) for x, p in pairs),
        a_only=tuple(p.ann for p in a_left_props),
        b_only=tuple(p.ann for p in b_left),
        a_coarse=tuple(p.ann for p in a_coarse),
        b_coarse=tuple(p.ann for p in b_coarse),
        listed=tuple((x, p.ann) for x, p in listed),
        listed_a_only=tuple(x for x in a if id(x) not in in_a),
        listed_b_only=tuple(p.ann for p in b_props if id(p) not in in_b),
    )


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels: 1 is full agreement, 0 what chance alone would give."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    left, right = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _rate(pairs: Sequence[tuple[str, str]]) -> tuple[int, int]:
    return sum(x == y for x, y in pairs), len(pairs)


@dataclass(frozen=True)
class Agreement:
    a_name: str
    b_name: str
    reports: tuple[ReportAgreement, ...]
    only_in_a: tuple[str, ...] = ()  # report files one side did not annotate at all
    only_in_b: tuple[str, ...] = ()
    km: float = 25.0

    def _matched(self):
        return [pair for r in self.reports for pair in r.matched]

    def _count(self, tp: str, fp: str, fn: str) -> Scores:
        return Scores(*(sum(len(getattr(r, name)) for r in self.reports) for name in (tp, fp, fn)))

    @property
    def scores(self) -> Scores:
        """A as truth, B as proposals, on located incidents."""
        return self._count("matched", "b_only", "a_only")

    def family_pairs(self) -> list[tuple[str, str]]:
        """(A's family, B's family) on matched incidents where both name an actor."""
        return [(_family(x), _family(y)) for x, y in self._matched() if "actor" in x and "actor" in y]

    def attribution_pairs(self) -> list[tuple[str, str]]:
        """(A's kind, B's kind) on matched incidents where both state an attribution."""
        return [(x["attribution"], y["attribution"]) for x, y in self._matched() if "attribution" in x and "attribution" in y]

    def one_sided(self, field: str) -> int:
        """Matched incidents where exactly one side states ``field`` (an actor, an attribution)."""
        return sum((field in x) != (field in y) for x, y in self._matched())

    @property
    def listing(self) -> Scores:
        """Incidents listed at all (located or not, any event type): A as truth, B as proposals."""
        return self._count("listed", "listed_b_only", "listed_a_only")

    def located_counts(self) -> tuple[int, int]:
        """Located incidents (A, B), matched or not."""
        n_a = sum(len(r.matched) + len(r.a_only) + len(r.a_coarse) for r in self.reports)
        n_b = sum(len(r.matched) + len(r.b_only) + len(r.b_coarse) for r in self.reports)
        return n_a, n_b

    def located_pairs(self) -> list[tuple[str, str]]:
        """('located'|'unlocated' by A, by B) on incidents both listed."""
        word = lambda x: "located" if _located(x) else "unlocated"  # noqa: E731
        return [(word(x), word(y)) for r in self.reports for x, y in r.listed]

    def place_pairs(self) -> list[tuple[str, str]]:
        """('here', 'here'|'elsewhere') on incidents both listed and both located: within ``km`` or not."""
        return [
            ("here", "elsewhere" if _apart(x, y, self.km) else "here")
            for r in self.reports
            for x, y in r.listed
            if _located(x) and _located(y)
        ]

    def type_pairs(self) -> list[tuple[str, str]]:
        """(A's event type, B's) on incidents both listed."""
        return [(x["event_type"], y["event_type"]) for r in self.reports for x, y in r.listed]


def _agreeing(pairs: Sequence[tuple[str, str]]) -> float | None:
    """The share of ``pairs`` whose two labels are the same; None for no pairs."""
    good, total = _rate(pairs)
    return good / total if total else None


def bootstrap_interval(
    ag: Agreement, statistic, *, resamples: int = 2000, level: float = 0.9, seed: int = 0
) -> tuple[float, float] | None:
    """A percentile interval for ``statistic(agreement)`` over reports drawn with replacement.

    Reports, not incidents, are drawn: a report's incidents share one reading of one text, so they are
    not independent. Seeded, so a rerun prints the same interval.
    """
    if not ag.reports:
        return None
    rng = random.Random(seed)
    values = []
    for _ in range(resamples):
        sample = replace(ag, reports=tuple(rng.choice(ag.reports) for _ in ag.reports))
        value = statistic(sample)
        if value is not None:
            values.append(value)
    if not values:
        return None
    values.sort()
    tail = (1 - level) / 2
    return values[int(tail * (len(values) - 1))], values[int((1 - tail) * (len(values) - 1))]


def compare_annotations(
    a_reports: Iterable[Mapping[str, Any]],
    b_reports: Iterable[Mapping[str, Any]],
    *,
    site_kinds: Mapping[str, str],
    km: float = 25.0,
    a_name: str = "A",
    b_name: str = "B",
) -> Agreement:
    """Compare two annotations (``reports`` lists, as :func:`load_annotations` returns) report by report."""
    a_by = {r["file"]: r.get("incidents", []) for r in a_reports}
    b_by = {r["file"]: r.get("incidents", []) for r in b_reports}
    files = [f for f in a_by if f in b_by]
    return Agreement(
        a_name,
        b_name,
        tuple(_compare_report(f, a_by[f], b_by[f], site_kinds, km) for f in files),
        only_in_a=tuple(f for f in a_by if f not in b_by),
        only_in_b=tuple(f for f in b_by if f not in a_by),
        km=km,
    )


def _share(good: int, total: int) -> str:
    return f"{good}/{total} ({good / total:.0%})" if total else "0/0"


def _kappa(pairs) -> str:
    k = cohen_kappa(pairs)
    return "" if k is None else f", kappa {k:.2f}"


def _describe(x: Mapping[str, Any]) -> str:
    where = x.get("site_id") or x.get("site_name") or ("unlocated" if not _located(x) else f"{x['lat']},{x['lon']}")
    days = "..".join(d.isoformat() for d in sorted(set(annotation_window(x))))
    who = f" {x['actor']}" if "actor" in x else ""
    how = f"/{x['attribution']}" if "attribution" in x else ""
    return f"{days} {where} {x['event_type']}{who}{how}"


def format_agreement(ag: Agreement, *, verbose: bool = False) -> str:
    """Human-readable agreement figures and (verbose) every disagreement."""
    s, listing = ag.scores, ag.listing
    fam, att = ag.family_pairs(), ag.attribution_pairs()
    loc, types, places = ag.located_pairs(), ag.type_pairs(), ag.place_pairs()
    coarse = sum(len(r.a_coarse) + len(r.b_coarse) for r in ag.reports)
    n_a, n_b = ag.located_counts()
    lines = [
        f"agreement {ag.a_name} (truth) vs {ag.b_name} (proposals): {len(ag.reports)} reports, "
        f"{n_a} located incidents in {ag.a_name}, {n_b} in {ag.b_name}",
        f"  date, place within the tolerance, event type: precision {s.precision:.3f}  recall {s.recall:.3f}  "
        f"F1 {s.f1:.3f}  (matched {s.tp}, {ag.b_name} only {s.fp}, {ag.a_name} only {s.fn}; "
        f"{coarse} coarse place against unlocated, not scored)",
        f"  on matched incidents: actor family {_share(*_rate(fam))}{_kappa(fam)} "
        f"(+{ag.one_sided('actor')} named by one side only); attribution kind {_share(*_rate(att))}{_kappa(att)} "
        f"(+{ag.one_sided('attribution')} stated by one side only)",
        f"  incidents listed at all (any place, any type): F1 {listing.f1:.3f} (both {listing.tp}, "
        f"{ag.a_name} only {listing.fn}, {ag.b_name} only {listing.fp}); on those, located/unlocated "
        f"{_share(*_rate(loc))}{_kappa(loc)}, event type {_share(*_rate(types))}, "
        f"place within {ag.km:g} km where both located {_share(*_rate(places))}",
    ]
    spans = [
        (name, bootstrap_interval(ag, stat))
        for name, stat in (
            ("F1", lambda g: g.scores.f1),
            ("family", lambda g: _agreeing(g.family_pairs())),
            ("attribution", lambda g: _agreeing(g.attribution_pairs())),
        )
    ]
    if all(span for _, span in spans):
        lines.append(
            "  90% interval over reports (bootstrap): "
            + ", ".join(f"{name} {lo:.2f}-{hi:.2f}" for name, (lo, hi) in spans)
        )
    for side, files in ((ag.a_name, ag.only_in_a), (ag.b_name, ag.only_in_b)):
        if files:
            lines.append(f"  reports only {side} annotated: {', '.join(files)}")
    if verbose:
        a, b = ag.a_name, ag.b_name
        for r in ag.reports:
            for label, items in (
                (f"{a} only", r.a_only),
                (f"{b} only", r.b_only),
                (f"coarse place by {a} against unlocated", r.a_coarse),
                (f"coarse place by {b} against unlocated", r.b_coarse),
                (f"not listed by {b}", r.listed_a_only),
                (f"not listed by {a}", r.listed_b_only),
            ):
                lines += [f"  {label} {r.file}: {_describe(x)}" for x in items]
            for x, y in r.listed:
                if _located(x) != _located(y) or x["event_type"] != y["event_type"] or _apart(x, y, ag.km):
                    lines.append(f"  listed differently {r.file}: {_describe(x)} | {_describe(y)}")
            for x, y in r.matched:
                if _family(x) != _family(y) or x.get("attribution") != y.get("attribution"):
                    lines.append(f"  who/how {r.file}: {_describe(x)} | {_describe(y)}")
    return "\n".join(lines)
