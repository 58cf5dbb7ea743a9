"""A *mention*: what one clause says about an attack, before it is linked to an event.

The reader (:mod:`.pipeline`) fills one per clause from the pure readers of
:mod:`.events`, :mod:`.places`, :mod:`.clause_dates` and :mod:`.attribution`;
:mod:`.story` then adds it to an event or starts a new one. Mutable only
while the reader fills it; nothing keeps a mention after its clause is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from geo.reports.dates import DateMention
from geo.reports.extract.events import pick_type
from geo.reports.extract.places import Target
from geo.reports.extract.vocabulary import ActorMention

__all__ = ["Mention"]


@dataclass
class Mention:
    """What one clause says about an attack."""

    sent: int
    start: int
    end: int
    types: dict[str, float] = field(default_factory=dict)
    type_spans: list[tuple[int, int]] = field(default_factory=list)
    date: DateMention | None = None
    date_is_past_only: bool = False  # year-only or anniversary without a usable date
    year_hint: int | None = None
    said_on: dt.date | None = None  # the clause's date is the day of a statement about the attack
    targets: list[Target] = field(default_factory=list)
    place_constraint: str | None = None  # country code from a demonym
    munitions: int | None = None
    munitions_more: int | None = None
    munitions_span: tuple[int, int] | None = None
    intercepted: bool = False
    intercepted_span: tuple[int, int] | None = None
    killed: int | None = None
    injured: int | None = None
    killed_span: tuple[int, int] | None = None
    injured_span: tuple[int, int] | None = None
    casualties_additive: bool = False
    damage: str = ""
    actor: ActorMention | None = None
    definite: bool = False  # "the attack", "Wednesday's strikes": refers to an attack already told
    the_strikes: bool = False  # "the retaliatory strikes" anywhere in the clause: strikes already told
    provisional: bool = False  # a first account the report corrects ("initially said three rockets")
    correcting: bool = False  # corrects an earlier account ("later said a drone had hit the base")
    timed_apart: bool = False  # "around the same time", "hours after": another attack of the day, timed apart
    another: bool = False  # "a second attack", "another drone", "was hit again": not the attack already told
    unknown_place: bool = False  # names a place the gazetteer cannot map
    base_nouns: list[tuple[str, str, int, int]] = field(default_factory=list)  # (det, noun, start, end)
    anaphor: tuple | None = None  # (site, start, end) "the base" refers back to
    earlier: bool = False  # "(it comes) after drones targeted ...", "follows a rocket attack": an earlier event
    outside: bool = False  # a strike on a state outside the atlas's area ("strikes on Iran's nuclear sites")
    in_passing: bool = False  # "since a rocket attack on a base in Syria", "a previous attack": recalled, not told

    @property
    def event_type(self) -> str:
        return pick_type(self.types)
