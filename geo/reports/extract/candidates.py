"""What extraction returns: proposed incidents with the evidence for every field.

Frozen dataclasses only: a :class:`Candidate` is shown to a reviewer, edited
through :meth:`Candidate.to_incident` and never changed in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from geo.actors import family_of
from geo.reports.extract.confidence import Confidence
from geo.incidents import Incident, Source, incident_id

__all__ = ["Candidate", "ExtractionResult"]



@dataclass(frozen=True)
class Candidate:
    """A proposed incident: Incident-compatible fields plus the evidence for them.

    ``evidence_spans`` holds ``(field, start, end)`` character offsets into the
    text given to :func:`extract`, so a UI can highlight what supports each field.
    """

    date: dt.date
    date_precision: str
    site_id: str | None
    site_name: str
    location: str
    lat: float
    lon: float
    geo_precision: int
    country: str
    admin1: str
    event_type: str
    intercepted: bool = False
    actor: str = "Unknown"
    attribution: str = "unknown"
    attributed_by: str = ""
    target: str = ""
    munitions: int | None = None
    killed: int | None = None
    injured: int | None = None
    damage: str = ""
    evidence: str = ""
    evidence_spans: tuple[tuple[str, int, int], ...] = ()
    place_method: str = "named"  # named | descriptive | anaphor | area
    # The sentence that gave the actor and its attribution (a claim, blame, suspicion, or the
    # attack's own subject), so a reviewer sees *why* this actor; empty when the actor is Unknown.
    attribution_evidence: str = ""
    confidence: Confidence = field(default_factory=lambda: Confidence(1.0, 1.0, 1.0))
    # First and last day the attack may have happened, where the report leaves more than ``date``
    # and ``date_precision`` say: a report that gives no date at all tells of an attack on its
    # publication day or the day before (news of a night attack is published the next morning).
    date_window: tuple[dt.date, dt.date] | None = None

    @property
    def actor_family(self) -> str:
        return family_of(self.actor)

    @property
    def place_key(self) -> str:
        return self.site_id or f"{self.lat:.2f},{self.lon:.2f}"

    def to_incident(self, source: Source) -> Incident:
        """An :class:`Incident` (status "proposed") carrying ``source`` with this report's figures."""
        source = replace(
            source,
            evidence=source.evidence or self.evidence,
            munitions=self.munitions,
            killed=self.killed,
            injured=self.injured,
        )
        return Incident(
            id=incident_id(self.date, self.place_key, self.event_type),
            date=self.date,
            date_precision=self.date_precision,
            lat=float(self.lat),
            lon=float(self.lon),
            geo_precision=self.geo_precision,
            country=self.country,
            event_type=self.event_type,
            site_id=self.site_id,
            location=self.location,
            admin1=self.admin1,
            intercepted=self.intercepted,
            actor=self.actor,
            actor_family=self.actor_family,
            attribution=self.attribution,
            attributed_by=self.attributed_by,
            target=self.target,
            munitions=self.munitions,
            killed=self.killed,
            injured=self.injured,
            damage=self.damage,
            summary=_summary(self),
            sources=(source,),
            status="proposed",
        )


@dataclass(frozen=True)
class ExtractionResult:
    candidates: tuple[Candidate, ...]
    unresolved_places: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    language: str = "en"  # ISO 639-1 code of the report's language
    reading: str = "native"  # native (English rules) | gloss (an English gloss) | none (language not supported)
    gloss: str = ""  # the English gloss the rules read, when reading == "gloss"


def _summary(c: Candidate) -> str:
    what = c.event_type.replace("_", " ")
    n = f"{c.munitions} x " if c.munitions else ""
    stopped = " (intercepted)" if c.intercepted else ""
    return f"{n}{what}{stopped} at {c.site_name or c.location}"

