"""How much a reviewer can trust a proposed incident: place, date, attribution and overall.

Each part is a number from 0 to 1 read off *how* the extractor reached the
field, never off the field's value: a site named in so many words is surer
than "a base in Syria"; a date written in the report is surer than the
publication date standing in for a date the report never gives; a claim in
the attackers' own words is surer than blame carried over from a sentence
about "the attacks". The Ingest page sorts proposals by ``overall``, weakest
first, and shows the reasons, so reviewers start where the extractor guessed.

``overall`` leans on the weakest part (a right place on a wrong day is a wrong
incident): ``0.6 * min + 0.4 * mean``.

The numbers are an ordering for review, not calibrated probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Confidence", "score"]


@dataclass(frozen=True)
class Confidence:
    place: float
    date: float
    attribution: float
    reasons: tuple[str, ...] = ()  # why a part is below its best, in plain words

    @property
    def overall(self) -> float:
        parts = (self.place, self.date, self.attribution)
        return round(0.6 * min(parts) + 0.4 * sum(parts) / 3, 2)

    def as_dict(self) -> dict[str, float]:
        return {"overall": self.overall, "place": self.place, "date": self.date, "attribution": self.attribution}


# geo_precision -> place confidence for a site named in the report.
_PLACE_BY_PRECISION = {1: 0.95, 2: 0.8, 3: 0.5, 4: 0.25}
# How the place was found: named outright, or inferred ("a base housing US troops in Anbar").
_PLACE_METHOD = {"named": 1.0, "descriptive": 0.8, "anaphor": 0.85, "context": 0.75, "area": 0.8}
_DATE_BY_PRECISION = {"day": 0.9, "week": 0.6, "month": 0.45}
_ATTRIBUTION = {"claimed": 0.9, "blamed": 0.8, "suspected": 0.6, "unknown": 0.7}


def score(
    *,
    geo_precision: int,
    place_method: str,
    date_precision: str,
    date_defaulted: bool,
    attribution: str,
    actor_named_in_attack: bool,
    attributed_by: str,
    event_type: str,
) -> Confidence:
    """The confidence of one proposal, from how each of its fields was found.

    ``actor_named_in_attack``: the sentence that gave the actor is one of the
    sentences telling the attack (not a statement about "the attacks" or the
    report's background carried over to it). ``event_type`` "other" means no
    weapon was named, which makes the place-and-date match less certain too.
    """
    reasons: list[str] = []
    place = _PLACE_BY_PRECISION.get(geo_precision, 0.25) * _PLACE_METHOD.get(place_method, 0.8)
    if geo_precision >= 3:
        reasons.append("place is only a province or a country")
    if place_method != "named":
        reasons.append(f"place inferred ({place_method})")
    if date_defaulted:
        date = 0.35
        reasons.append("no date in the text: publication date used")
    else:
        date = _DATE_BY_PRECISION.get(date_precision, 0.45)
        if date_precision != "day":
            reasons.append(f"date known to the {date_precision}")
    if event_type == "other":
        place, date = place * 0.9, date * 0.9
        reasons.append("no weapon named")
    attr = _ATTRIBUTION.get(attribution, 0.5)
    if attribution == "blamed" and not attributed_by:
        attr -= 0.15
        reasons.append("blamed, but by whom is not said")
    if attribution != "unknown" and not actor_named_in_attack:
        attr -= 0.1
        reasons.append("actor from a statement about the report's attacks")
    if attribution == "suspected":
        reasons.append("attribution only suspected")
    return Confidence(round(place, 2), round(date, 2), round(max(attr, 0.1), 2), tuple(reasons))
