"""Linking mentions into events: one attack told over several clauses is one incident.

A clause describing an event already seen (same or containing place,
overlapping date, compatible type, same side) adds to it; otherwise it starts
a new event. So one attack told over several sentences is one candidate, the
coalition's counter-fire is another, and a strike recalled in passing is its
own candidate with its own date. A new attack without a date belongs to the
report's main story (the first recent date of its lead).

:class:`Story` holds the events of one report while it is read; :meth:`Story.candidates`
turns them into immutable :class:`~geo.reports.extract.candidates.Candidate` values.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from collections.abc import Mapping, Sequence
from typing import Any

from geo.reports.dates import date_window
from geo.reports.extract.attribution import RANK, Attribution
from geo.reports.extract.candidates import Candidate
from geo.reports.extract.confidence import score
from geo.reports.extract.events import pick_type, type_fits
from geo.reports.extract.mention import Mention
from geo.reports.extract.places import BASE_KINDS, GEO_PRECISION_BY_KIND, HOST_KINDS, contains, finer, is_coarse, regions_overlap, same_place
from geo.reports.extract.vocabulary import ATTACK_VERB, side_of
from geo.reports.merge import distance_km

__all__ = ["NOTE_QUOTE_CHARS", "DateSpec", "Event", "Story", "more_precise", "overlap"]

#: How much of a left-out attack's first sentence a note quotes: (an attack without a place, any
#: other reason). Readers of a gloss map these quotes back to the report's own words (multilingual).
NOTE_QUOTE_CHARS = (160, 120)
_QUOTE_NO_PLACE, _QUOTE = NOTE_QUOTE_CHARS

#: Two places of one report closer than this (km) can be two names of the spot one attack hit.
NEIGHBOUR_KM = 15.0

# How sure a place is, by how it was found: a name the text gives beats one inferred.
_METHOD_RANK = {"named": 0, "descriptive": 1, "anaphor": 2, "area": 3, "context": 4}

# Weapons militias fire at bases: an attack with one of them is no US strike.
_GROUND_FIRE = frozenset({"rocket", "missile", "drone", "indirect_fire", "artillery", "small_arms", "rpg", "ied"})

# Type votes that name no weapon ("rounds", "strikes").
_VAGUE_TYPES = frozenset({"rounds", "strike", "other"})

#: (date, precision) of an event or a date phrase.
DateSpec = tuple[dt.date, str]


@dataclass
class Event:
    """An incident being assembled from one or more mentions."""

    date: DateSpec | None
    site: Any | None = None
    place_span: tuple[int, int] | None = None
    geo_precision: int = 4
    place_method: str = "named"
    types: dict[str, float] = field(default_factory=dict)
    sentences: list[int] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    munitions: int | None = None
    intercepted: bool = False
    killed: int | None = None
    injured: int | None = None
    damage: str = ""
    actor: str = "Unknown"
    attribution: str = "unknown"
    attributed_by: str = ""
    date_defaulted: bool = False  # no date phrase at all: the publication date stands in
    date_borrowed: bool = False  # no date phrase of its own: the day of the report's main story stands in
    night: bool = False  # dated by "overnight", "last night": a night spans two calendar days
    who_span: tuple[int, int] | None = None  # the clause that gave the actor and its attribution
    in_passing: bool = False  # first told as an earlier attack recalled in passing (its described base is another)
    outside: bool = False  # first told as a strike on a state outside the atlas's area ("on Iran's nuclear sites")
    window: tuple[dt.date, dt.date] | None = None  # the days a vague count allows ("days after"), with its day
    told_firmly: bool = False  # a weapon named outside a first, corrected account ("initially said rockets")
    corrected: bool = False  # a weapon named in an account that corrects an earlier one ("later said a drone")
    separate: bool = False  # told as a further attack ("a second attack", "another drone")

    @property
    def event_type(self) -> str:
        return pick_type(self.types)

    @property
    def side(self) -> str:
        return side_of(self.actor)


_NIGHT = re.compile(r"\b(?:overnight|(?:last|late|the)\s+night|night)\b", re.IGNORECASE)


def _night(m: Mention) -> bool:
    return m.date is not None and _NIGHT.search(m.date.text) is not None


def _one_night(ev: Event, m: Mention, date: DateSpec) -> bool:
    """ "An overnight drone attack" (dated the morning after) and "a drone ... last night" (the evening
    before), of one weapon: one night, told twice, whichever calendar day each phrase resolves to."""
    if not (ev.night or _night(m)) or ev.date is None or ev.date[1] != "day" or date[1] != "day":
        return False
    return abs((ev.date[0] - date[0]).days) == 1 and ev.event_type == m.event_type != "other"


def _days_near(area: Event, other: Event) -> bool:
    """ "Tensions are high in X province after US helicopters struck militias" with no day of its own, and the raid
    near a town of X told with its day: a day or two apart, the area's telling is of that raid."""
    return (
        area.date_borrowed and area.site is not None and is_coarse(area.site)
        and area.date is not None and other.date is not None
        and abs((area.date[0] - other.date[0]).days) <= 2
    )


def _weeks_apart(a: DateSpec, b: DateSpec) -> bool:
    """More than a week lies between the days ``a`` and ``b`` allow."""
    (a0, a1), (b0, b1) = date_window(*a), date_window(*b)
    return (b0 - a1).days > 7 or (a0 - b1).days > 7


def more_precise(a: DateSpec, b: DateSpec) -> DateSpec:
    """The finer of two dates of one event."""
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    return a if order[a[1]] <= order[b[1]] else b


def overlap(a: DateSpec, b: DateSpec) -> bool:
    """Whether two dates can be the same day."""
    a0, a1 = date_window(*a)
    b0, b1 = date_window(*b)
    return a0 <= b1 and b0 <= a1


def _within(a: DateSpec, b: DateSpec) -> bool:
    """Whether every day ``a`` allows is one ``b`` allows ("this week" is not within "Wednesday")."""
    a0, a1 = date_window(*a)
    b0, b1 = date_window(*b)
    return b0 <= a0 and a1 <= b1


# How many days before a statement the attacks it speaks of may be ("claimed on Tuesday" the attack of
# Sunday night): wire copy rarely waits longer, and a longer reach would take in earlier, unrelated attacks.
_SAID_REACH = dt.timedelta(days=2)


def _keeps(a: Event, b: Event) -> bool:
    """Whether ``a`` rather than ``b`` stands for the attack both tell: the finer place, then the
    place the text names, then the named weapon, then the place named first."""

    def rank(ev: Event):
        # "X in Y", "X near Y": the place named first is the target, the other one locates it.
        first = ev.place_span[0] if ev.place_span else min(ev.sentences, default=0)
        return (is_coarse(ev.site), _METHOD_RANK.get(ev.place_method, 5), ev.event_type == "other", first)

    return rank(a) <= rank(b)


def _weapon_vague(ev: Event) -> bool:
    """No weapon named, only "rounds", "fire" or "an attack"."""
    return all(k in _VAGUE_TYPES for k in ev.types)


def _vague(ev: Event) -> bool:
    """An attack told vaguely: no weapon, or a place that is a city or area, or inferred from context."""
    return ev.event_type == "other" or is_coarse(ev.site) or ev.place_method in ("area", "context", "anaphor")


def _said_about(date: DateSpec, said_on: dt.date) -> bool:
    """Whether an event of ``date`` can be what a statement made on ``said_on`` speaks of."""
    d0, d1 = date_window(*date)
    return d0 <= said_on and said_on - _SAID_REACH <= d1


class Story:
    """The events of one report, assembled clause by clause, and where the telling is."""

    def __init__(self, published: dt.date):
        self.published = published
        self.events: list[Event] = []
        self.notes: list[str] = []
        self.context_date: DateSpec | None = None  # the day of the event being told
        self.lead_date: DateSpec | None = None  # the date of the report's main story
        self.last_event: Event | None = None
        self.last_event_sentence = -10
        # Statements about "the attacks" of a day, kept for the attacks the report tells later.
        self.pending: list[tuple[Attribution, DateSpec | None]] = []
        # The states the report names as the authors of an airstrike: (actor, where it says so).
        self.strikers: dict[str, tuple[int, int]] = {}
        self.unharmed: list[tuple[DateSpec | None, bool, bool]] = []  # (day, no one killed, no one injured)
        # The weapons a summary lead names for a day's attacks ("came under rocket and mortar fire").
        self.summaries: list[tuple[DateSpec | None, frozenset[str]]] = []
        # (site id, day) the report says was attacked more than once ("attacked twice on Tuesday").
        self.repeated: set[tuple[str, DateSpec]] = set()

    # -------------------------------------------------------------- attribution

    def apply_attribution(self, attribution: Attribution, event: Event | None, *, on: DateSpec | None = None) -> None:
        kind, actor, by, span = attribution
        # ("Missiles hit Ain al-Asad and a base in Erbil. The IRGC said it fired them": one volley told in one
        # clause at two places is one attack, and what is said of it is said of each place's incident.)
        for ev in self._one_volley(event) if event is not None else self.context_events(on):
            if ev.side != "other" or ev.event_type == "airstrike":
                continue  # a claim by a militia is not about the coalition's own strikes
            if RANK[kind] > RANK.get(ev.attribution, 0) or ev.actor == "Unknown":
                ev.actor, ev.attribution = actor, kind
                ev.attributed_by = by if kind != "claimed" else ""
                ev.who_span = span or ev.who_span

    def attribute(self, attribution: Attribution, *, scope: str, on: DateSpec | None = None, said_on: dt.date | None = None) -> None:
        """A claim, blame or suspicion stated in a clause that tells no attack of its own.

        ``scope`` is what the statement refers to: "singular" ("the attack"): the
        attack being told; "plural" ("the attacks", "both operations"): every attack
        of its day, also those the report tells only later; "kind" ("such strikes are
        generally attributed to ..."): every attack of the report, whatever its day; "lead": the attacks
        of the report's own day (the signs of its attack); "": the
        attacks of the current day, or of its day if none is told yet.
        """
        if scope == "kind":
            self.pending.append((attribution, None))  # applied in finish(), to attacks nothing else attributes
            return
        if scope == "lead":
            # The attacks of the report's own story: its lead's day, else the day of the first attack it tells
            # (not the day being told, which may be an older attack's recalled since).
            first = next((e.date for e in self.events if e.side == "other" and e.date is not None), None)
            self.pending.append((attribution, self.lead_date or first or (self.published, "day")))
            return
        if scope == "singular" and (ev := self.current_attack()) is not None:
            self.apply_attribution(attribution, ev)
            return
        if scope == "plural" and said_on is not None:
            # A statement about "both attacks" made on a day speaks of the attacks of that day and of
            # the nights before it, told before the statement.
            told = [ev for ev in self.events if ev.site is not None and ev.date is not None and _said_about(ev.date, said_on)]
            if told:
                for ev in told:
                    self.apply_attribution(attribution, ev)
                return
        if scope == "plural" or not self.context_events(on):
            self.pending.append((attribution, on or self.context_date or self.lead_date))
        self.apply_attribution(attribution, None, on=on)

    def all_unharmed(self, killed: bool, injured: bool, on: DateSpec | None = None) -> None:
        """ "No casualties were reported from the attacks": for every attack of the day, told or to be told."""
        self.unharmed.append((on or self.context_date or self.lead_date, killed, injured))

    def summarise(self, types: dict[str, float], *, on: DateSpec | None) -> None:
        """A lead summing up a day's attacks names these weapons (see :meth:`finish`)."""
        kinds = frozenset(k for k in types if k not in _VAGUE_TYPES)
        if kinds and "rounds" in types:
            kinds |= {"indirect_fire"}  # "rockets and indirect fire": the fire besides the rockets is mortars
        if kinds:
            self.summaries.append((on or self.context_date or self.lead_date, kinds))

    def current_attack(self) -> Event | None:
        """The attack on a base being told (the last one, not the strikes answering it)."""
        for ev in reversed(self.events):
            if ev.side == "other" and ev.site is not None and ev.event_type != "airstrike":
                return ev
        return None

    def _one_volley(self, ev: Event) -> list[Event]:
        """``ev`` and the attacks born with it in its first clause, at other places, on its day, with its weapon."""
        if ev.site is None:
            return [ev]
        first = ev.sentences[:1]
        return [
            o for o in self.events
            if o is ev or (
                o.sentences[:1] == first and o.date == ev.date and o.side == "other" and o.site is not None
                and o.event_type == ev.event_type and o.site.id != ev.site.id
            )
        ]

    def context_events(self, on: DateSpec | None = None) -> list[Event]:
        """What "the attacks" of a statement refers to: the events of its date, else of the current one."""
        if on is not None:
            dated = [e for e in self.events if e.date is not None and overlap(e.date, on) and e.site is not None]
            if dated:
                return dated
        if self.last_event is None:
            return []
        same_day = [e for e in self.events if e.date == self.last_event.date and e.side == "other" and e.site is not None]
        return same_day or [self.last_event]

    # -------------------------------------------------------------- linking

    def note_striker(self, actor: str, types: dict[str, float], span: tuple[int, int]) -> None:
        """Remember a state the report names as the author of a strike (a clause with no weapon strikes too)."""
        if side_of(actor) in ("us", "israel") and (not types or "airstrike" in types or "strike" in types):
            self.strikers.setdefault(actor, span)

    def link(self, m: Mention, attribution: Attribution | None) -> None:
        """Add the attack ``m`` tells to the event it continues, or start a new one."""
        date = (m.date.date, m.date.precision) if m.date is not None else None
        targets = list(m.targets)
        if not targets and m.unknown_place and (date is not None or m.date_is_past_only or not m.definite):
            # "shot down near Zubaydiyat": a place we cannot map, not the last place we could.
            ev = self._new_event(m, None, date)
            self.last_event, self.last_event_sentence = ev, m.sent
            return
        # ("The rockets caused no damage ... the launcher was found in <unknown place>": the attack
        # already told, wherever its launcher was.)
        if not targets and (ana := m.anaphor) is not None:
            site, s, e = ana
            targets = [(site, s, e, 1, "anaphor")]
        touched: list[Event] = []
        if not targets:
            ev = self._find_event(None, date, m)
            if ev is None and date is None and not m.date_is_past_only:
                ev = self._continuation(m)
            if ev is not None:
                self.merge(ev, m, None, date)
                touched.append(ev)
            elif date is not None or m.date_is_past_only:
                touched.append(self._new_event(m, None, date))  # its place may come in the next sentence
            elif (
                not m.earlier and (last := self.last_event) is not None and last.site is not None
                and m.sent - self.last_event_sentence <= 2
                and (m.event_type != "airstrike" or last.event_type == "airstrike" or last.date == self.lead_date)
            ):
                # "The coalition responded by firing six artillery rounds": where the story is. Not
                # strikes after an attack of another day ("after a drone attack in Jordan last month"):
                # they answer it elsewhere.
                ev = self._new_event(m, (last.site, last.place_span[0], last.place_span[1], max(2, last.geo_precision), "context"), last.date)
                touched.append(ev)
        else:
            for target in targets:
                ev = self._find_event(target[0], date, m)
                if ev is None and date is None and not m.date_is_past_only:
                    ev = self._pending(m)
                if ev is not None:
                    self.merge(ev, m, target, date)
                else:
                    ev = self._new_event(m, target, date)
                    if m.actor is None and touched and touched[0].actor != "Unknown":
                        ev.actor, ev.attribution = touched[0].actor, touched[0].attribution  # one clause, one attacker
                        ev.who_span = touched[0].who_span
                touched.append(ev)
        for ev in touched:
            if attribution:
                self.apply_attribution(attribution, ev)
        if touched:
            self.last_event = touched[-1]
            self.last_event_sentence = m.sent
            if touched[-1].date is not None:
                self.context_date = touched[-1].date
        elif date is not None:
            self.context_date = date

    def _compatible(self, ev: Event, m: Mention) -> bool:
        weak = bool(m.types) and set(m.types) <= {"rounds", "strike"}
        if not type_fits(ev.event_type, m.event_type, weak):
            return False
        if m.actor is not None and ev.actor != "Unknown" and side_of(m.actor.name) != ev.side:
            return False  # the coalition's counter-fire is not the militia attack it answers
        if m.actor is not None and ev.actor == "Unknown" and ev.side == "other" and side_of(m.actor.name) != "other":
            # An unattributed airstrike is some state's: the US strike told later may be it.
            # A rocket, drone or missile attack is not: "US forces responded to the attack ..." is the answer to it.
            return ev.event_type in ("other", "airstrike") or (
                (m.event_type == "other" or "strike" in m.types) and ev.event_type not in _GROUND_FIRE
            )
        return True

    def _find_event(self, site, date, m: Mention) -> Event | None:
        for ev in reversed(self.events):
            if not self._compatible(ev, m):
                continue
            if (
                site is None and date is None and not m.date_is_past_only and (m.definite or m.the_strikes)
                and m.event_type == ev.event_type == "airstrike" and ev.site is not None
            ):
                return ev  # "the retaliatory strikes", told after the attack they answer: the strikes already told
            if date is None and m.definite and not m.date_is_past_only:
                pass  # "the rocket attack near Ain al-Asad": an attack already told, whatever its day
            elif date is not None:
                if ev.date is not None and not overlap(ev.date, date) and not _one_night(ev, m, date):
                    if not ev.date_defaulted:
                        continue
                    if not m.definite and site is not None and ev.site is not None and ev.site.id != site.id and _weeks_apart(ev.date, date):
                        # "... On 5 October, US forces shot down a drone in northeastern Syria": an attack of its
                        # own day, weeks before, in an area around the place of an undated one, is not that attack.
                        continue
            elif m.said_on is not None:
                if ev.date is None or not _said_about(ev.date, m.said_on):
                    continue  # a claim made on a day: of an attack of that day or just before
            elif m.date_is_past_only:
                if ev.date is not None and m.year_hint is not None and ev.date[0].year != m.year_hint:
                    continue
                if ev.date is not None and m.year_hint is None and ev.date == self.context_date and ev.date[0] >= self.published - dt.timedelta(days=7):
                    continue  # "the anniversary of the strike": not this week's attack
            elif ev.date is not None and self.context_date is not None and ev.date != self.context_date:
                continue
            if site is None:
                if date is None and not m.date_is_past_only:
                    if ev is self.last_event:
                        return ev
                    continue
                if m.date_is_past_only and ev.date is not None and ev.date[0] < self.published - dt.timedelta(days=7):
                    return ev
                if date is not None and ev.date is not None and ev.event_type == m.event_type and m.event_type != "other":
                    return ev
                if date is not None and m.definite and ev.date_defaulted and ev is self.last_event:
                    # "Iran fired missiles at Ain al-Asad ... The barrage, launched on January 8, 2020, ...":
                    # the attack just told without a day of its own, now dated.
                    return ev
                continue
            if ev.site is None:
                continue
            if same_place(ev.site, site) or (date is not None and regions_overlap(ev.site, site)):
                if self._separate(ev, m):
                    continue
                return ev
        return None

    def _separate(self, ev: Event, m: Mention) -> bool:
        """Whether ``m`` tells a second attack on the place of ``ev`` the same day, as the report says."""
        if ev.date is None or m.definite:
            return False
        if m.another and ev.site is not None and (ev.sentences[-1:] != [m.sent] or ev.event_type != m.event_type):
            return True  # "Hours later, a second attack hit the base"
        kinds = (ev.event_type, m.event_type)
        return (
            (ev.site.id, ev.date) in self.repeated
            and kinds[0] != kinds[1]
            and not set(kinds) & (_VAGUE_TYPES | {"other"})
        )

    def continues(self, m: Mention) -> bool:
        """Whether ``m`` can go on telling the event last told (same kind of weapon, same side)."""
        return self.last_event is not None and self._compatible(self.last_event, m)

    def _continuation(self, m: Mention) -> Event | None:
        for ev in reversed(self.events[-4:]):
            if self._compatible(ev, m) and (ev is self.last_event or ev.date == self.context_date):
                return ev
        return None

    def _pending(self, m: Mention) -> Event | None:
        """The last event, if it still waits for its place and fits this clause."""
        ev = self.last_event
        if ev is not None and ev.site is None and self._compatible(ev, m):
            return ev
        return None

    def _new_event(self, m: Mention, target, date) -> Event:
        defaulted = borrowed = False
        if date is None and not m.date_is_past_only:
            # A new attack without a date of its own belongs to the report's main story.
            if self.lead_date is not None:
                date, borrowed = self.lead_date, True
            elif self.context_date is not None and self.context_date[0] >= self.published - dt.timedelta(days=31):
                date, borrowed = self.context_date, True
            else:
                date, defaulted = (self.published, "day"), True
        ev = Event(
            date=date, date_defaulted=defaulted, date_borrowed=borrowed, in_passing=m.in_passing, outside=m.outside,
            window=_window_of(m, date), separate=m.another or m.timed_apart,
        )
        self.events.append(ev)
        self.merge(ev, m, target, None)
        if m.date is not None:
            ev.spans.append(("date", m.date.start, m.date.end))
        return ev

    def merge(self, ev: Event, m: Mention, target, date) -> None:
        # "the missile attack" said of rockets already told: a back-reference words the weapon loosely,
        # the telling itself is the better witness.
        weight = 0.5 if m.definite and any(k not in _VAGUE_TYPES for k in ev.types) else 1.0
        for k, v in m.types.items():
            ev.types[k] = ev.types.get(k, 0.0) + v * weight
        if m.sent not in ev.sentences:
            ev.sentences.append(m.sent)
        ev.spans.extend(("event_type", s, e) for s, e in m.type_spans)
        ev.told_firmly = ev.told_firmly or (bool(m.types) and not m.provisional)
        ev.corrected = ev.corrected or (bool(m.types) and m.correcting)
        ev.separate = ev.separate or m.timed_apart
        if date is not None:
            ev.date_borrowed = False
            if ev.date is None or ev.date_defaulted:
                ev.date, ev.date_defaulted = date, False
            elif not _one_night(ev, m, date):  # (one night told twice keeps the day it was first told on)
                ev.date = more_precise(date, ev.date)
            if ev.date == date:
                ev.window = _window_of(m, date) if ev.window is None or date[0] != ev.window[0] else ev.window
            ev.spans.append(("date", m.date.start, m.date.end))
            ev.night = ev.night or _night(m)
        if target is not None:
            site, s, e, gp, method = target
            if ev.site is None or finer(site, gp, ev.site, ev.geo_precision):
                ev.site, ev.geo_precision, ev.place_method, ev.place_span = site, gp, method, (s, e)
            ev.spans.append(("place", s, e))
        if m.munitions is not None:
            total = m.munitions + (m.munitions_more or 0)
            ev.munitions = total if ev.munitions is None else max(ev.munitions, total)
            if m.munitions_span:
                ev.spans.append(("munitions", *m.munitions_span))
        elif m.munitions_more and ev.munitions is not None:
            ev.munitions += m.munitions_more
        if m.intercepted:
            ev.intercepted = True
            ev.spans.append(("intercepted", *m.intercepted_span))
        for attr in ("killed", "injured"):
            v = getattr(m, attr)
            if v is None:
                continue
            cur = getattr(ev, attr)
            if cur is None:
                new = v
            elif m.casualties_additive and v:
                new = cur + v  # "Two Iraqi soldiers were also hurt"
            else:
                new = max(cur, v)
            setattr(ev, attr, new)
            if span := getattr(m, f"{attr}_span"):
                ev.spans.append((attr, *span))
        if m.damage and (not ev.damage or ev.damage.lower().startswith("no ")):
            ev.damage = m.damage
        if m.actor is not None and ev.actor == "Unknown":
            ev.actor = m.actor.name
            ev.spans.append(("actor", m.actor.start, m.actor.end))
            ev.who_span = (m.start, m.end)
            if side_of(m.actor.name) == "other" and ev.attribution == "unknown":
                ev.attribution = "suspected"  # named by the report itself, not by a claim or an official

    def finish(self, report_sites: Sequence[Any] = (), countries: Mapping[str, Any] | None = None) -> None:
        """Fold vague events into precise ones, then apply what the report says of all its attacks.

        ``report_sites``: every gazetteer site the report names, in any role (see :meth:`_site_of_the_report`).
        ``countries``: country code -> the gazetteer's country site (see :meth:`_strikes_where_they_landed`).
        """
        self._type_from_summaries()
        self._site_of_the_report(report_sites)
        self._day_from_another_sentence()
        self.absorb()
        self.fold_neighbours()
        self._fold_strikes_told_twice()
        # Strongest first: a blame of "the attacks" is not undone by a suspicion of them.
        for (kind, actor, by, span), day in sorted(self.pending, key=lambda p: -RANK[p[0].kind]):
            for ev in self._attacks_on(day):
                # Only attacks not otherwise attributed: a claim of one attack outranks blame of all.
                if ev.attribution == "unknown" or (RANK[kind] > RANK[ev.attribution] and ev.actor in (actor, "Unknown")):
                    ev.actor, ev.attribution, ev.attributed_by = actor, kind, by if kind != "claimed" else ""
                    ev.who_span = span or ev.who_span
        for day, killed, injured in self.unharmed:
            for ev in self._attacks_on(day):
                if killed and ev.killed is None:
                    ev.killed = 0
                if injured and ev.injured is None:
                    ev.injured = 0
        if len(self.strikers) == 1:
            # "US warplanes struck militias in Syria. ... the airstrikes hit a depot in Deir ez-Zor": the
            # one state the report names striking is the author of its strikes told without one.
            ((striker, span),) = self.strikers.items()
            for ev in self.events:
                if ev.event_type == "airstrike" and ev.actor == "Unknown" and ev.attribution == "unknown":
                    ev.actor, ev.who_span = striker, span
        for ev in self.events:
            if ev.side == "us" and RANK[ev.attribution] < RANK["claimed"]:
                # The coalition and the US announce their own strikes: the attacker says it acted.
                ev.attribution, ev.attributed_by = "claimed", ""
        self._strikes_where_they_landed(countries or {})
        self._strikes_placed_once()
        self._one_attack_per_site_and_day()

    def _strikes_where_they_landed(self, countries: Mapping[str, Any]) -> None:
        """An incident is placed where its munitions landed: a US or coalition strike is never at a US base.

        "Rockets hit the base; the coalition responded with six artillery rounds": the reply fell on the
        launch point, not on the base it answers. A strike by the US or the coalition placed at a site
        hosting their forces (a base, an oil or gas field they hold), or placed only by inference
        (context, a description, an anaphor) at a site the report's own attacks hit, goes to that
        site's country, the level the report allows, or is left out where the gazetteer has no entry
        for the country.
        """
        attacks = self._attacks_on(None)
        for ev in self.events:
            if ev.side != "us" or ev.site is None or is_coarse(ev.site):
                continue
            if ev.site.kind in HOST_KINDS or any(_answers(ev, a) for a in attacks):
                ev.site, ev.place_span, ev.place_method = countries.get(ev.site.country), None, "area"
                ev.geo_precision = GEO_PRECISION_BY_KIND["country"]

    def _strikes_placed_once(self) -> None:
        """A US or coalition strike left at a country or province is the one the report places inside it.

        "US jets struck militia sites in Iraq on Monday ... the strike hit a depot in Musayib": one strike
        (the annotation rule: one incident per place named, and one at the country only where none is
        placed there). Also two tellings of one strike that both ended at the country (one moved there
        from the base it answered) are one. Run after the strikes are placed where they landed.
        """
        # (An airstrike of no named author may be the placed telling of the US strike: "the strike hit a site in X".)
        strikes = [
            ev for ev in self.events
            if ev.site is not None and ev.date is not None and _is_strike(ev)
            and (ev.side == "us" or (ev.actor == "Unknown" and ev.event_type == "airstrike"))
        ]
        for ev in strikes:
            if not is_coarse(ev.site) or ev.side != "us" or ev not in self.events:
                continue
            for other in strikes:
                if other is ev or other not in self.events or not overlap(ev.date, other.date):
                    continue
                if other.site.id == ev.site.id or contains(ev.site, other.site):
                    self._fold(ev, other)
                    break

    def _type_from_summaries(self) -> None:
        """An attack told without a weapon takes the weapon its day's summary names and no other attack has.

        "Coalition positions in Syria and Iraq came under rocket and mortar fire on Tuesday. A
        rocket landed inside Victory base, and minutes earlier militants fired on an outpost in
        Syria": the outpost took the mortars. With a single weapon in the summary, every untyped
        attack of the day is of that weapon; when the weapons left are several, the type stays unknown.
        """
        for day, kinds in self.summaries:
            attacks = self._attacks_on(day)
            untyped = [ev for ev in attacks if ev.event_type == "other"]
            if not untyped:
                continue
            left = kinds if len(kinds) == 1 else kinds - {ev.event_type for ev in attacks}
            if len(left) == 1:
                (kind,) = left
                for ev in untyped:
                    ev.types[kind] = ev.types.get(kind, 0.0) + 1.0

    def _attacks_on(self, day: DateSpec | None) -> list[Event]:
        return [
            ev
            for ev in self.events
            if ev.side == "other" and ev.event_type != "airstrike" and ev.site is not None
            and (day is None or (ev.date is not None and _within(ev.date, day)))
        ]

    def absorb(self) -> None:
        """Fold a vague event (a country, a headline's guessed date) into the precise one it summarises."""
        for ev in list(self.events):
            if ev.site is not None and not is_coarse(ev.site) and not ev.date_defaulted:
                continue
            for other in self.events:
                if other is ev or other.site is None or (ev.site is not None and not contains(ev.site, other.site) and ev.site.id != other.site.id):
                    continue
                if ev.site is None and not ev.date_defaulted:
                    continue
                if not type_fits(other.event_type, ev.event_type, False) or (ev.actor != "Unknown" and other.actor != "Unknown" and ev.side != other.side):
                    continue
                if ev.date_defaulted or _days_near(ev, other):
                    pass  # a day the telling did not give: the dated attack inside its area gives it
                elif not (ev.date and other.date and overlap(ev.date, other.date)):
                    continue
                self._fold(ev, other)
                break
        self._place_siblings()

    def _day_from_another_sentence(self) -> None:
        """One attack told in two sentences, one with its place and no day, the other with its day and no place.

        "US jets hit militia depots in Iraq. ... Flown on Monday night, the
        strikes were a reply to ...": the event with a place took the publication date for want of a day; the
        dated one has no place. When exactly one placed event lacks a day and exactly one placeless,
        dated event of the same kind (and side, or no actor yet) is left, they are one.
        """
        undated = [ev for ev in self.events if ev.site is not None and ev.date_defaulted]
        if len(undated) != 1:
            return
        (ev,) = undated
        dated = [
            o for o in self.events
            if o.site is None and o.date is not None and not o.date_defaulted and o.date[1] == "day"
            and (o.side == ev.side or o.actor == "Unknown")
            and (o.event_type == ev.event_type or (ev.event_type == "airstrike" and "strike" in o.types))
        ]
        if len(dated) == 1:
            self._fold(dated[0], ev)

    def _site_of_the_report(self, report_sites: Sequence[Any]) -> None:
        """An attack placed only at an area goes to the one base of that area the report names anywhere.

        "A drone struck US forces in northeast Jordan" with "Tower 22" named in a caption, a quote or a
        later paragraph: wire copy names the base once and then says where it is. Only attacks *on*
        bases (a strike by the US or the coalition is not placed at a base that hosts it), only when
        the report names exactly one base-like site in the area, and the place stays marked as
        inferred ("context", lower confidence).
        """
        bases = {site.id: site for site in report_sites if site.kind in BASE_KINDS}
        for ev in self.events:
            if ev.site is None or not is_coarse(ev.site) or ev.place_method != "area" or ev.side != "other" or ev.event_type == "airstrike":
                continue
            if ev.in_passing:
                continue  # "since a drone attack on a base in Anbar in December": not the story's base
            inside = [site for site in bases.values() if contains(ev.site, site)]
            if len(inside) == 1 and not any(
                o.site is not None and o.site.id == inside[0].id and o.date and ev.date and not overlap(o.date, ev.date)
                for o in self.events
            ):
                # (Not where the report tells another attack on that base on another day: "a drone was shot
                # down in northeastern Syria on 5 October" beside this week's attack on the Conoco base.)
                ev.site, ev.place_method, ev.geo_precision = inside[0], "context", 1

    def _place_siblings(self) -> None:
        """ "Rocket and drone attacks on a base in northeastern Syria ... the drone hit al-Shaddadi": the
        attack left at a region or province, the same day as an attack on the one site of that area
        the report names (the same side), was on that site too, with its own weapon."""
        for ev in self.events:
            if ev.site is None or ev.date is None or ev.site.kind not in ("region", "province") or ev.event_type == "airstrike":
                continue
            inside = {
                id(o.site): o for o in self.events
                if o is not ev and o.site is not None and o.date is not None and not is_coarse(o.site)
                and contains(ev.site, o.site) and overlap(ev.date, o.date) and o.side == ev.side and o.event_type != "airstrike"
            }
            sites = {o.site.id for o in inside.values()}
            if len(sites) == 1:
                (o,) = list(inside.values())[:1]
                ev.site, ev.place_method, ev.geo_precision = o.site, "descriptive", 1

    def fold_neighbours(self) -> None:
        """One attack on a site told twice under two names of one spot is one attack.

        "Rockets hit Green Village in the Al-Omar field", "a rocket landed near Camp Victory by
        Baghdad airport", "indirect fire landed in Erbil" beside "rockets hit Erbil airport": on
        one day, at places at most :data:`NEIGHBOUR_KM` apart, with weapons one report may word
        either way ("indirect fire" may be rockets; "an attack" names no weapon), the two are one
        attack at the finer place when one sentence names both places or one of the two is told
        vaguely (no weapon, a city, a place inferred). Two sites named in two sentences, each
        with its weapon, are two attacks (mortars on the embassy, rockets on a base nearby), so
        are a drone and a rocket on one base, and strikes *by* the US on neighbouring targets.
        """
        attacks = [ev for ev in self.events if ev.date and ev.site is not None and ev.side == "other" and ev.event_type != "airstrike"]
        if len(attacks) < 2:
            return
        folded: set[int] = set()  # ids: events compare by value, and that is slow and not what is meant here
        for ev in attacks:
            for other in attacks:
                if other is ev or id(other) in folded:
                    continue
                if not overlap(ev.date, other.date):
                    continue
                if ev.actor != "Unknown" and other.actor != "Unknown" and ev.actor != other.actor:
                    continue
                if distance_km(float(ev.site.lat), float(ev.site.lon), float(other.site.lat), float(other.site.lon)) > NEIGHBOUR_KM:
                    continue
                if not type_fits(ev.event_type, other.event_type, _weapon_vague(ev) or _weapon_vague(other)):
                    continue
                if _keeps(other, ev) and (set(ev.sentences) & set(other.sentences) or _vague(ev)):
                    self._fold(ev, other)
                    folded.add(id(ev))
                    break

    def _fold_strikes_told_twice(self) -> None:
        """ "A US drone strike hit a car in Baghdad on Wednesday night ... TONIGHT: a US drone strike targeted a
        car in Baghdad": one side's airstrikes at one place on one day are one strike told twice (strikes at
        two places stay two)."""
        seen: dict[str, Event] = {}
        for ev in list(self.events):
            # (a state's drone strike is an airstrike too: :meth:`candidates` says so)
            if ev.side == "other" or ev.event_type not in ("airstrike", "drone") or ev.site is None or ev.date is None or ev.date[1] != "day":
                continue
            first = seen.get(ev.site.id)
            if first is not None and first.side == ev.side and first.date == ev.date:
                self._fold(ev, first)
            else:
                seen[ev.site.id] = ev

    def _one_attack_per_site_and_day(self) -> None:
        """One attack told under two weapons at one place on one day is one attack, of the weapon the report stands by.

        Reports correct themselves ("initially said rockets had landed ... later said a drone"), call a
        missile barrage "strikes", or name a weapon in passing ("jets and drones flew over the base after
        the rocket attack"); a US drone strike on a militia site is also told as "a drone attack" or
        "rockets targeted the faction's building". Two events of one place (one site, or a city or area
        around it) and one day, with weapons of their own, fold into one, unless the report says the
        place was attacked more than once that day ("twice", "a second attack", "rocket and drone
        attacks"): those stay two. The weapon kept is the strike's for a US or coalition strike; never
        "airstrike" for a ground-launched attack (aircraft are not a militia's or a missile force's);
        otherwise the one a later account gives ("later said", "turned out to be"), else the one not told as
        a first, corrected account, else the one told first.
        """
        while (pair := self._two_tellings()) is not None:
            kept, gone = pair
            kind = kept.event_type if kept.side != "other" or kept.event_type != "airstrike" else gone.event_type
            where = (gone.site, gone.place_span, gone.geo_precision, gone.place_method)
            self._fold(gone, kept)
            kept.types = {kind: kept.types.get(kind, 1.0)}
            if finer(where[0], where[2], kept.site, kept.geo_precision):
                kept.site, kept.place_span, kept.geo_precision, kept.place_method = where

    def _two_tellings(self) -> tuple[Event, Event] | None:
        """(kept, folded): the first two events that tell one attack under two weapons, if any."""
        pool = [(ev, ev.event_type) for ev in self.events if ev.site is not None and ev.date and ev.date[1] == "day"]
        pool = [(ev, kind) for ev, kind in pool if kind not in _VAGUE_TYPES]
        for i, (ev, kind) in enumerate(pool):
            for other, other_kind in pool[i + 1 :]:
                if other_kind == kind or other.date != ev.date:  # (one day each: the same day or none)
                    continue
                if (ev.site.id, ev.date) in self.repeated or (other.site.id, other.date) in self.repeated:
                    continue
                strike = "airstrike" in (kind, other_kind)
                if ev.site.id != other.site.id:
                    if ev.side != other.side or strike:
                        continue  # a strike and an attack, or a "strike" and a weapon: told at one place
                    if not (contains(ev.site, other.site) or contains(other.site, ev.site)):
                        continue
                if (ev.separate or other.separate) and not strike:
                    continue  # "around the same time, rockets were fired at ...": the report times them apart
                if (kept := _stands_for(ev, other)) is not None:
                    return kept, other if kept is ev else ev
        return None

    def _fold(self, ev: Event, other: Event) -> None:
        """Fold ``ev`` into ``other`` (what ``other`` lacks comes from ``ev``) and drop ``ev``."""
        for k, v in ev.types.items():
            other.types[k] = other.types.get(k, 0.0) + v
        other.sentences.extend(s for s in ev.sentences if s not in other.sentences)
        other.spans.extend(sp for sp in ev.spans if sp[0] not in ("place", "date"))
        for attr in ("munitions", "killed", "injured"):
            if getattr(other, attr) is None and getattr(ev, attr) is not None:
                setattr(other, attr, getattr(ev, attr))
        other.intercepted = other.intercepted or ev.intercepted
        if RANK[ev.attribution] > RANK[other.attribution] and ev.side == "other":
            other.actor, other.attribution, other.attributed_by = ev.actor, ev.attribution, ev.attributed_by
            other.who_span = ev.who_span
        elif other.actor == "Unknown":
            other.actor, other.who_span = ev.actor, ev.who_span
        if other.date_defaulted and not ev.date_defaulted:
            other.date, other.date_defaulted = ev.date, False
        del self.events[next(i for i, e in enumerate(self.events) if e is ev)]

    # -------------------------------------------------------------- results

    @staticmethod
    def _told_with_verb(text: str, sentences: list[tuple[int, int]], ev) -> bool:
        """Whether the sentence naming the event's place tells it with an attack verb ("fired on", "targeted the base")."""
        where = ev.place_span[0] if ev.place_span else None
        return any(s <= where < e and ATTACK_VERB.search(text, s, e) for s, e in sentences) if where is not None else False

    def candidates(self, text: str, sentences: list[tuple[int, int]]) -> list[Candidate]:
        """The events that have a place and a usable date, as candidates; the others become notes."""
        out: list[Candidate] = []
        for ev in self.events:
            first = sentences[ev.sentences[0]]
            told = text[first[0] : first[1]]  # the sentence a note quotes
            if ev.site is None:
                self.notes.append(f"attack without a place left out: {told[:_QUOTE_NO_PLACE]}")
                continue
            if ev.outside and ev.event_type == "airstrike":
                # Strikes on Iran (its nuclear sites, "strikes inside Iran") are no attack on a coalition site nor a
                # strike on a militia: outside the atlas, like a third party's strike.
                self.notes.append(f"a strike outside the atlas's area left out: {told[:_QUOTE]}")
                continue
            if ev.side == "israel":
                # The atlas is about attacks on US and coalition sites and US or coalition strikes on militias (the
                # lead's decision, round 8): a third party's strike ("an Israeli strike in Syria last week") is none.
                self.notes.append(f"a strike by a third party ({ev.actor}) left out: {told[:_QUOTE]}")
                continue
            if ev.date is None or ev.date[1] == "year":
                self.notes.append(f"attack at {ev.site.name} without a usable date left out: {told[:_QUOTE]}")
                continue
            etype = ev.event_type
            if ev.site.kind == "country" and etype == "other" and not self._told_with_verb(text, sentences, ev):
                # "then carrying the attacks into Syria", "as well as another attack in Iraq": no site, no weapon
                # and no attack verb ("militants fired on an outpost in Syria" has one): the report
                # names attacks in a country but describes none there.
                self.notes.append(f"attack with neither a site nor a weapon left out ({ev.site.name}): {told[:_QUOTE]}")
                continue
            if ev.side in ("us", "israel") and (etype == "drone" or (etype == "other" and "strike" in ev.types)):
                etype = "airstrike"  # a state's drone strike is an airstrike; a militia's drone is a drone attack
            date, precision = ev.date
            if precision == "week":
                date -= dt.timedelta(days=date.weekday())
            elif precision == "month":
                date = date.replace(day=1)
            gp = max(ev.geo_precision, GEO_PRECISION_BY_KIND.get(ev.site.kind, 1) if ev.site.kind != "city" else 2)
            if ev.date_defaulted:
                self.notes.append(f"no date in the text for the attack at {ev.site.name}: publication date used")
            who = _sentence_of(sentences, ev.who_span) if ev.actor != "Unknown" and ev.who_span else None
            spans = set(ev.spans)
            if who is not None:
                spans.add(("attribution", *ev.who_span))
            out.append(
                Candidate(
                    date=date,
                    date_precision=precision,
                    site_id=ev.site.id,
                    site_name=ev.site.name,
                    location=text[ev.place_span[0] : ev.place_span[1]] if ev.place_span else ev.site.name,
                    lat=float(ev.site.lat),
                    lon=float(ev.site.lon),
                    geo_precision=gp,
                    country=ev.site.country,
                    admin1=ev.site.admin1 or "",
                    event_type=etype,
                    intercepted=ev.intercepted,
                    actor=ev.actor,
                    attribution=ev.attribution,
                    attributed_by=ev.attributed_by,
                    target=ev.site.name,
                    munitions=ev.munitions,
                    killed=ev.killed,
                    injured=ev.injured,
                    damage=ev.damage,
                    evidence=" ".join(text[sentences[i][0] : sentences[i][1]] for i in sorted(ev.sentences)),
                    evidence_spans=tuple(sorted(spans, key=lambda t: (t[1], t[0]))),
                    place_method=ev.place_method,
                    date_window=ev.window if ev.window and precision == "day" else (date - dt.timedelta(days=1), date) if ev.date_defaulted and precision == "day" else None,
                    attribution_evidence=text[sentences[who][0] : sentences[who][1]] if who is not None else "",
                    confidence=score(
                        geo_precision=gp,
                        place_method=ev.place_method,
                        date_precision=precision,
                        date_defaulted=ev.date_defaulted,
                        attribution=ev.attribution,
                        actor_named_in_attack=who is None or who in ev.sentences,
                        attributed_by=ev.attributed_by,
                        event_type=etype,
                    ),
                )
            )
        return out


def _stands_for(a: Event, b: Event) -> Event | None:
    """Which of two events told at one place and day under two weapons stands for both, or None when
    they are two attacks (see :meth:`Story._one_attack_per_site_and_day`)."""
    if a.side != b.side:
        # A US or coalition strike on a militia site, told again as an attack of no named author.
        strike, attack = (a, b) if a.side == "us" else (b, a)
        if strike.side != "us" or strike.event_type != "airstrike" or attack.actor != "Unknown":
            return None
        if attack.site.kind in HOST_KINDS or attack.event_type not in ("drone", "rocket", "missile"):
            return None  # a base of US forces: the militias' attack the strike answers
        return strike
    if a.side != "other":
        return None
    if a.actor != "Unknown" and b.actor != "Unknown" and a.actor != b.actor:
        return None  # two attackers, two attacks
    if "airstrike" in (a.event_type, b.event_type):
        strike, attack = (a, b) if a.event_type == "airstrike" else (b, a)
        # Only where the "strike" cannot be an aircraft's: on a base of US forces, or by a named armed
        # group or state's missile force (an airstrike of no named author may be a state's, told apart).
        return attack if strike.site.kind in HOST_KINDS or strike.actor != "Unknown" else None
    if a.corrected != b.corrected:
        return a if a.corrected else b
    if a.told_firmly != b.told_firmly:
        return a if a.told_firmly else b
    return a if min(a.sentences, default=0) <= min(b.sentences, default=0) else b


def _is_strike(ev: Event) -> bool:
    """A state's strike: an airstrike, a drone (a state's drone strike), or "strikes" with no weapon named."""
    kind = ev.event_type
    return kind in ("airstrike", "drone") or (kind == "other" and "strike" in ev.types)


def _window_of(m: Mention, date: DateSpec | None) -> tuple[dt.date, dt.date] | None:
    """The span of days ``m``'s own date phrase allows, when ``date`` is that phrase's day."""
    if m.date is None or m.date.window is None or date != (m.date.date, m.date.precision):
        return None
    return m.date.window


def _answers(strike: Event, attack: Event) -> bool:
    """Whether ``strike`` may be told at the place of ``attack`` only because it answered it: the same
    site, and a place only inferred or a day no more than one apart from the attack's."""
    if strike.site.id != attack.site.id:
        return False
    if strike.place_method != "named":
        return True
    if strike.date is None or attack.date is None:
        return False
    s0, s1 = date_window(*strike.date)
    a0, a1 = date_window(*attack.date)
    return s0 <= a1 + dt.timedelta(days=1) and a0 <= s1 + dt.timedelta(days=1)


def _sentence_of(sentences: list[tuple[int, int]], span: tuple[int, int]) -> int | None:
    """The index of the sentence holding the start of ``span``."""
    i = bisect_right([s for s, _ in sentences], span[0]) - 1
    return i if i >= 0 else None
