"""``extract()``: read a report clause by clause and assemble its incidents.

The reader finds the report's places once, then for each clause that has a
weapon, attack, casualty or claim word decides whether it tells an attack
that *happened* (a weapon or attack word and a sign of the event: a past-tense
verb, "attack on X"; threats, vows, plans and habitual summaries are not
incidents), fills a :class:`~geo.reports.extract.mention.Mention` from the pure
readers, and hands it to the :class:`~geo.reports.extract.story.Story`. Clauses that
tell no attack may still say something about one: a claim or blame for "the
attacks", "there were no casualties" right after an attack.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import replace

from geo.reports.dates import DateMention, find_dates
from geo.reports.extract.attribution import (
    CLAIM,
    HEDGE,
    INDIRECT,
    KIND_VERBS,
    Attribution,
    Source,
    attribution_statement,
    habitual_suspicion,
    has_statement_words,
    kind_suspicion,
    linked_to_report,
    perpetrator,
    speaker,
    statement_scope,
    told_series,
)
from geo.reports.extract.candidates import ExtractionResult
from geo.reports.extract.clause_dates import clause_date
from geo.reports.extract.events import count_munitions, find_damage, find_interception, read_casualties, type_votes
from geo.reports.extract.mention import Mention
from geo.reports.extract.places import Place, anaphor, clause_places, is_coarse, national_base, outside_spans, place_scanner, places_in
from geo.reports.extract.sentences import CAUSE_CLAUSE, OTHER_EVENT_CLAUSE, RELATIVE_EVENT, find_datelines, split_clauses, split_sentences
from geo.reports.extract.story import Story, overlap
from geo.reports.extract.lowered import Hinted, any_of
from geo.reports.extract.vocabulary import (
    ATTACK_NOUN,
    ATTACK_VERB,
    COUNTED_SALVO,
    CUE_HINTS,
    DEFINITE_EVENT,
    GENERIC,
    GENERIC_LOWER,
    HAPPENED_LOWER,
    MODAL,
    NP_EVENT,
    ActorMention,
    find_actors,
    side_of,
)

__all__ = ["extract"]

# Substrings without which a sentence cannot tell or qualify an attack (most sentences of a
# long report are background; a substring test skips them cheaply).
_SENTENCE_HINTS = CUE_HINTS + (
    "attack", "hit", "struck", "target", "land", "fell", "impact", "explo", "detonat", "launch", "shot", "down",
    "intercept", "foil", "repel", "thwart", "dealt", "kill", "wound", "injur", "hurt", "dead", "death", "casualt",
    "harm", "damage", "claim", "credit", "blame", "accus", "responsib", "assess", "suspect", "likely", "assumption",
    "believed", "behind", "conduct", "carried", "slam", "crash", "under", "went after", "one",
    # Indirect suspicion and blame without an attack word ("indications point to ...").
    "hallmark", "indicat", "attribut", "endors", "point to", "pointed to", "points to", "allegedly",
)  # fmt: skip
# One search of the lower-cased sentence (a literal alternation, case-sensitive: several times
# faster than a substring test per hint, and than the same pattern with IGNORECASE).
_SENTENCE_HINT = any_of(_SENTENCE_HINTS)
# "the retaliatory strikes" anywhere in a clause: strikes the report has told already.
_THE_STRIKES = re.compile(r"\b(?:the|these|those|its|their)\s+(?:[\w-]+\s+)?(?:air\s?)?strikes\b", re.IGNORECASE)
# A clause whose subject is an armed group named by a common noun, doing the attacking.
_GROUP_SUBJECT = re.compile(
    r"\W*(?:the|these|those)\s+(?P<noun>militias|militia|groups|factions|militants|fighters)\s+(?:have\s+been\s+|had\s+been\s+|were\s+|have\s+|had\s+)?"
    r"(?:firing|launching|targeting|attacking|shelling|fired|launched|targeted|attacked|shelled|struck|hit)\b",
    re.IGNORECASE,
)
# "initially said three rockets had landed", "first reports spoke of rockets": an account the report goes on to correct.
_PROVISIONAL = re.compile(
    r"\b(?:initially|at\s+first|first\s+(?:said|reported|thought))\b|\b(?:initial|first|early)\s+(?:\w+\s+)?reports?\b", re.IGNORECASE
)
# "later said", "later on said", "subsequently confirmed", "turned out to be": an account that corrects the first one.
_CORRECTING = re.compile(
    r"\b(?:later|subsequently)\s+(?:on\s+)?(?:said|say|says|confirmed|stated|reported|clarified|corrected|announced)\b|\bturned\s+out\b",
    re.IGNORECASE,
)
# "Around the same time, two rockets were fired at ...", "hours after a rocket landed near the same base": a
# second attack of that day, timed apart from the first.
_TIMED_APART = re.compile(
    r"\b(?:around|about|at)\s+the\s+same\s+time\b|\b(?:hours?|minutes?)\s+(?:after|before|later|earlier)\b|\bsimultaneous(?:ly)?\b", re.IGNORECASE
)
# A strike's target in Iran: its nuclear sites, or the country itself ("strikes on Iran", not "on Iran-backed ...").
_OUTSIDE_TARGET = re.compile(
    r"\b(?:on|against|targeting|of|at)\s+(?:\S+\s+){0,5}?nuclear\b|\b(?:on|in|against|inside)\s+Iran\b(?![’'-])", re.IGNORECASE
)
# ("A similar attack on the base in March": an attack named by its likeness has the weapon of the one it is like.)
_ONE_MORE = re.compile(
    r"\b(?:the\s+last|another|a\s+similar|the\s+previous|the\s+first)\s+one\b"
    r"|\ba\s+similar\s+(?:attack|strike|assault|incident)\b",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:today|now|these\s+days|nowadays)\b", re.IGNORECASE)
_SUMMARY_NOUNS = re.compile(r"\b(?:attacks|bases)\b", re.IGNORECASE)
# "the attacks", "both incidents", "in either incident": every attack of the day, not the last one told.
_THE_ATTACKS = re.compile(
    r"\b(?:the|these|both|all)\s+(?:\w+\s+)?(?:attacks|incidents)\b|\b(?:either|neither)\s+(?:of\s+the\s+)?(?:attacks?|incidents?|strikes?)\b",
    re.IGNORECASE,
)
_DONE = re.compile(r"\b(?:hit|struck|landed|targeted|fired|launched|attacked|shot\s+down|downed|killed|wounded|injured|exploded)\b", re.IGNORECASE)
_MUNITION_PRONOUN = re.compile(r"\b(?:drones?|rockets?|missiles?|it|them)\b", re.IGNORECASE)
# (Also without the comma: "it was likely militia forces who regularly carry out similar attacks".)
_RELATIVE = re.compile(r"(?:,\s+|\s+)(?:who|which|whose)\b")
# "The bases are in ...", "Both sites lie in ...": where the bases of a summary are.
_BASES_LOCATED = re.compile(
    r"^\W*(?:the|these|those|both|all(?:\s+the)?)\s+(?:[\w-]+\s+){0,2}?(?:bases|sites|targets|facilities|installations|camps)\s+"
    r"(?:are|were|remain|lie|sit)\s+(?:located\s+|situated\s+)?in\s+",
    re.IGNORECASE,
)
# Where a list of places ends: the next clause or a conjunction that is no part of the list.
_LIST_END = re.compile(r"[,;.]|\s(?:as|where|while|which|that|because|since|amid|after|when)\s", re.IGNORECASE)
_ALSO = re.compile(r"\balso\b", re.IGNORECASE)
# A place name that names a news outlet ("the al-Mayadeen news network", "Erbil TV") is the
# speaker's name, not where anything happened.
_OUTLET_AFTER = re.compile(r"[\s-]+(?:news\s+(?:network|agency|channel|website|outlet)|TV\b|television|satellite\s+channel|newspaper|radio\b)")
# A clause that tells a further attack, not more of the one told ("a second attack hit the base",
# "another drone targeted ...", "was struck again").
_ANOTHER = re.compile(
    r"\b(?:a\s+second|another|a\s+further|a\s+separate|a\s+third|a\s+fresh)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|strikes?|barrages?|salvos?|assaults?|drones?|rockets?|missiles?)\b|\b(?:hit|struck|attacked|targeted)\s+again\b",
    re.IGNORECASE,
)
# Asked of most clauses, held by few: searched only where their words are (see .lowered.Hinted).
_RELATIVE, _THE_STRIKES, _ANOTHER = (Hinted(rx) for rx in (_RELATIVE, _THE_STRIKES, _ANOTHER))
_ANCHOR = re.compile(
    r"(?:(?:\b(?:\w+\s+){0,2}?(?:days?|weeks?|hours?|months?)\s+|^\W*)(?:before|after|since)|\bthe\s+same\s+(?:day|night|evening)\s+as)\s+"
    r"(?P<ref>the\s+(?:[\w'’-]+\s+){0,4}?"
    r"(?:attacks?|strikes?|bombing|barrage|assault))\b",
    re.IGNORECASE,
)
_FOILED = re.compile(
    r"\b(?:thwart(?:ed|s|ing)?|foil(?:ed|s|ing)?|prevent(?:ed|s|ing)?|avert(?:ed|s|ing)?)\s+(?:an?\s+|another\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:attacks?|attempts?|plots?|launch(?:es)?)\b",
    re.IGNORECASE,
)
_DENIED = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|rejected|rejects|disavow(?:ed|s)?)\s+(?:any\s+)?(?:involvement|role|responsibility|part|links?|connection)\s+(?:in|for|with|to)\b",
    re.IGNORECASE,
)
# "a previous rocket attack on an Iraqi base": an attack before the story's, told in passing.
_PREVIOUS = re.compile(r"\b(?:an?|one)\s+(?:previous|prior|earlier|separate)\s", re.IGNORECASE)
# A clause split off at "after" that tells the earlier event ("It comes after drones targeted a base").
_EARLIER = re.compile(r"(?:[\w-]+\s+){0,3}?after\s", re.IGNORECASE)
# "A few days earlier", "two days before": counted back from an event already told, so never the
# day of the report's own story (which a later "Separately, ..." attack would take).
_BEFORE_TOLD = re.compile(r"\b(?:earlier|before|prior)$", re.IGNORECASE)
# "Separately, ...", "In a separate incident, ...": another attack of the report's own day, not of the
# day of the event told just before (which may be a recalled, earlier one).
# "The latest attack on US forces comes a day after ...": the report's own attack, whatever was told just before.
_THE_LATEST = re.compile(r"\W*the\s+(?:latest|newest|most\s+recent)\s+(?:[\w.-]+\s+){0,2}?(?:attack|strike|incident)\b", re.IGNORECASE)
# "the first significant attack in Syria or Iraq since", "the deadliest attack on US troops in Iraq since": the
# place after a record's words is the scope the record is kept over, not the place attacked.
_RECORD_WORDS = ("first", "deadliest", "largest", "biggest", "worst")
_RECORD_SCOPE = re.compile(
    r"\b(?:first|deadliest|largest|biggest|worst)\s+(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?)\s+(?:(?:on|against)\s+(?:[\w.-]+\s+){1,4}?)?in\s+(?:the\s+)?(?:[\w-]+\s+or\s+)?$",
    re.IGNORECASE,
)
# What a struck site was for ("facilities the militias were using to launch drone attacks against US troops in
# Iraq", "depots used by the group to stage attacks"): the reason for a strike, not an attack of a day.
_USED_FOR_ATTACKS = re.compile(
    r"\b(?:(?:were|was|are|is|had\s+been|have\s+been|has\s+been)\s+(?:being\s+)?using\b"
    r"|(?:facilit(?:y|ies)|sites?|depots?|locations?|infrastructure|compounds?|warehouses?|headquarters|positions?)\s+"
    r"(?:that\s+(?:were|are|had\s+been|have\s+been)\s+)?used\b)"
    r"[^.;]{0,80}?\b(?:to|for|in)\s+"
    r"(?:launch|carry\s+out|conduct|stage|plan|mount|engage\s+in|direct|attack|target|strike|fire)",
    re.IGNORECASE,
)
_SEPARATELY = re.compile(r"\W*(?:separately|elsewhere|in\s+a\s+separate\s+(?:[\w-]+\s+)?(?:incident|attack|development))\b", re.IGNORECASE)
_TWICE = re.compile(
    r"\btwice\b|\b(?:two|2)\s+(?:separate\s+)?(?:attacks|strikes|assaults)\s+(?:on|against|at|targeting)\b"
    # "rocket and drone attacks on the base", "a dual rocket and drone attack": one attack per weapon
    r"|\b(?:rocket|drone|missile|mortar)s?\s+and\s+(?:rocket|drone|missile|mortar)s?\s+attacks\b"
    r"|\b(?:dual|twin|double)\s+(?:rocket|drone|missile|mortar)s?\s+and\s+(?:rocket|drone|missile|mortar)s?\s+attack\b",
    re.IGNORECASE,
)
# "supported by Iran", "a proxy of Iran": the patron of an armed group, named in its description.
_PATRON_BEFORE = re.compile(
    r"\b(?:(?:supported|backed|funded|armed|sponsored|financed|controlled|directed|trained|equipped)\s+by|aligned\s+with|loyal\s+to|"
    r"prox(?:y|ies)\s+(?:of|for))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NO_CLAIM_HINT = re.compile(r"\bno\b|\bnot\b|\bnever\b|unclaimed")  # searched in lower-cased text
# Words without which a generic sentence cannot tie itself to the report's attack (see linked_to_report).
_LINK_KEYS = ("claim", "these ", "latest", "was the ", "is the ")
# How many sentences after the last attack told a casualty or interception statement may still be about it.
_AFTERMATH_REACH = 3
# "the coalition responded by firing six rounds *and had earlier carried* additional strikes": a
# clause joined by "and" that starts with its verb has the subject of the clause before it.
_COORDINATED = re.compile(r"\s+and\s+had\s+|,\s+and\s+")
_VERB_FIRST = re.compile(
    r"(?:(?:then|later|earlier|also|subsequently|again|afterwards)\s+)*(?:[a-z]+ed|hit|shot|struck|fired|launched|carried|conducted|sent)\b"
)


# "in response to repeated rocket and drone attacks": the campaign a strike answers, not two attacks told.
_ANSWERING = re.compile(r"\b(?:response|retaliation|reply|revenge|repeated|series\s+of|wave\s+of)\b[\w\s-]{0,20}$", re.IGNORECASE)


def _signs_scope(attribution: Attribution, seg: str) -> str:
    """ "lead" for a suspicion the signs voice in a clause that tells no attack ("the area has been used in the
    past by X to fire rockets", "strikes from several sides, characteristic of X"): the signs of the report's
    own attack, whatever attack was told just before (an older one recalled, the strike answering it)."""
    return "lead" if attribution.kind == "suspected" and INDIRECT.search(seg) else ""


def _twice(seg: str) -> bool:
    """The clause tells two attacks on its place ("twice", "rocket and drone attacks on the base")."""
    return any(not _ANSWERING.search(seg, max(0, t.start() - 40), t.start()) for t in _TWICE.finditer(seg))


# "Iran-backed proxies who ...": up to two words (the group's noun) between a name and its relative pronoun.
_NOUN_GAP = re.compile(r"(?:\s+[\w-]+){0,2},?\s*")


def _habitual(seg: str, low: str | None = None) -> bool:
    """Whether the clause sums up a habit or a campaign (:data:`GENERIC`), a counted salvo's perfect aside.

    ``low`` is the clause lower-cased (:func:`lowered.lowered`): most clauses are no habit, and the
    lower-cased search tells that three times faster; only a habit is searched again for its spans.
    """
    if not GENERIC_LOWER.found(seg, low):
        return False
    g = GENERIC.search(seg)
    while g is not None and seg[g.start() : g.start() + 2].lower() == "ha" and COUNTED_SALVO.search(seg, max(0, g.start() - 80), g.start()):
        g = GENERIC.search(seg, g.end())  # "12 ballistic missiles have struck Erbil": one attack's perfect
    return g is not None


def _is_threat(seg: str) -> bool:
    """A threat, plan or vow (not a claim): the modal governs every attack verb of the clause."""
    return _modal_governs(seg) and not CLAIM.search(seg)


def _modal_governs(seg: str) -> bool:
    modal = MODAL.search(seg)
    if not modal:
        return False
    if _DONE.search(seg, 0, modal.start()) or _DONE.search(seg, modal.end()):
        return False
    return not NP_EVENT.search(seg, modal.end())


class _Reader:
    """Reads one report clause by clause into a :class:`Story`."""

    def __init__(self, text: str, published: dt.date, gazetteer, outlet: str = ""):
        self.text = text
        self.published = published
        self.outlet = outlet  # whose voice a suspicion no one else voices is
        self._kind_sentence = -1  # the last sentence that suspects someone of the report's kind of attack
        self.story = Story(published)
        self.last_types: dict[str, float] = {}
        # Actors and clauses are found once per report: clauses ask for them several times.
        self._all_actors = find_actors(text, 0, len(text))
        self._actor_starts = [a.start for a in self._all_actors]
        self._clause_cache: dict[int, list[tuple[int, int]]] = {}
        self._sources: dict[int, Source | None] = {}
        self._lower: dict[int, str] = {}  # lower-cased sentences, for the cheap tests of _may_link
        self._summary_sentence = -1  # the sentence of the last "bases in Iraq and Syria came under fire"
        self._summary: Mention | None = None  # and what it said
        self._campaign_sentence = -2  # the last sentence with a habitual summary ("attacks have hit bases in recent months")
        self._clause_actor: tuple[int, ActorMention] | None = None  # (sentence, perpetrator) of the last clause
        self.sentences = split_sentences(text)
        scanner = place_scanner(gazetteer)
        self._countries = scanner.countries
        places, unresolved = scanner.scan(text)
        datelines = find_datelines(text)
        # Neither a dateline (where the reporter is) nor a place inside a group's name ("the Islamic
        # Resistance in Iraq") is a place of the story.
        # (A site whose name starts with an actor's and runs past it, "US embassy in Baghdad", is a place.)
        skip = datelines + [(a.start, a.end) for a in self._all_actors]
        self.places: list[Place] = [p for p in outside_spans(places, skip) if not _OUTLET_AFTER.match(text, p.end)]
        self._starts = [p.start for p in self.places]
        self.unresolved = unresolved
        self.report_sites = [p.site for p in self.places]

    def _actors(self, start: int, end: int) -> list[ActorMention]:
        i = bisect_left(self._actor_starts, start)
        out = []
        while i < len(self._all_actors) and self._all_actors[i].start < end:
            if self._all_actors[i].end <= end:
                out.append(self._all_actors[i])
            i += 1
        return out

    def _clauses(self, si: int) -> list[tuple[int, int]]:
        if si not in self._clause_cache:
            self._clause_cache[si] = split_clauses(self.text, *self.sentences[si])
        return self._clause_cache[si]

    def _places_in(self, start: int, end: int) -> list[Place]:
        return places_in(self.places, self._starts, start, end)

    def _clause_places(
        self, start: int, end: int, types: dict[str, float], *, in_passing: bool = False, skip: tuple[int, int] | None = None
    ):
        airstrike = "airstrike" in types or "strike" in types
        places = self._places_in(start, end)
        if skip is not None:
            places = [p for p in places if not skip[0] <= p.start < skip[1]]
        if places and any(w in low for low in (self.text[start:end].lower(),) for w in _RECORD_WORDS):
            # "the first significant attack in Syria or Iraq since ...": the places a record is kept over.
            places = [p for p in places if not _RECORD_SCOPE.search(self.text, max(start, p.start - 80), p.start)]
        return clause_places(self.text, places, self.report_sites, start, end, airstrike=airstrike, in_passing=in_passing)

    def _recent(self, date: dt.date) -> bool:
        """Within a month before publication: the report's own story, not history it recalls."""
        return dt.timedelta(0) <= self.published - date <= dt.timedelta(days=31)

    # -------------------------------------------------------------- reading

    def read(self) -> None:
        for si, (s_start, s_end) in enumerate(self.sentences):
            if not _SENTENCE_HINT.search(self.text[s_start:s_end].lower()) and si != self._summary_sentence + 1:
                continue  # no weapon, attack, casualty or claim word: nothing to read here
            self._kind_of_attack(si)
            prev_end = None
            for c_start, c_end in self._clauses(si):
                self._read_clause(si, c_start, c_end, prev_end)
                prev_end = c_end
        self.story.finish(self.report_sites, self._countries)

    def _kind_of_attack(self, si: int) -> None:
        """ "These strikes are generally attributed to X": X is suspected of every such attack of the report.

        The sentence's clauses then state nothing of their own (its "attributed to X" is no blame of the
        attack told last); a sentence dated in another year ("In 2019, such attacks were usually blamed
        on ...") is about an older campaign and carries nothing.
        """
        s, e = self.sentences[si]
        low = self._lower.get(si) or self.text[s:e].lower()
        if not any(k in low for k in KIND_VERBS):  # no such verb: no kind_suspicion (cheap check first)
            return
        found = kind_suspicion(low, self._actors(s, e), s)
        # Dates are read from the text as printed: their month and weekday patterns want the capitals
        # (lower-cased, "Last August" was no date, so a dated old campaign counted as this report's).
        dates = find_dates(self.text[s:e], self.published)
        if found is None or any(d.precision == "year" or not self._recent(d.date) for d in dates):
            return
        self._kind_sentence = si
        self.story.attribute(found._replace(by=self.outlet), scope="kind")

    def _statement(self, si: int, start: int, end: int) -> Attribution | None:
        """A claim, blame or suspicion the clause states in so many words."""
        if si == self._kind_sentence or not has_statement_words(self.text[start:end]):
            return None
        found = attribution_statement(
            self.text, start, end, self._actors(start, end), recent_actor=self._recent_group(si, start), source=self._source(si)
        )
        return found._replace(span=(start, end)) if found is not None else None

    def _reported(self, si: int, start: int, end: int, actor: ActorMention | None) -> Attribution | None:
        """The perpetrator a source names: "..., the Observatory said" blames, "likely" only suspects."""
        if actor is None or side_of(actor.name) != "other":
            return None
        src = self._source(si)
        if src is None:
            return None
        if src.actor == actor.name:
            return Attribution("claimed", actor.name, "", (start, end))  # the group says it did it
        if side_of(src.actor) == "other" and src.actor != "Unknown":
            return None  # one armed group speaking of another is no attribution
        kind = "suspected" if HEDGE.search(self.text, start, end) else "blamed"
        return Attribution(kind, actor.name, src.label, (start, end))

    def _may_link(self, si: int, generic: bool) -> bool:
        """Whether sentence ``si`` ties a background statement to the report's attack (see :func:`linked_to_report`).

        Asked of most clauses: substring tests on the lower-cased sentence (kept per sentence)
        rule out almost all of them before any pattern runs.
        """
        if si not in self._lower:
            self._lower[si] = self.text[self.sentences[si][0] : self.sentences[si][1]].lower()
        low = self._lower[si]
        if generic:
            if not any(k in low for k in _LINK_KEYS):
                return False
        elif "claim" not in low or not _NO_CLAIM_HINT.search(low):
            return False
        return linked_to_report(low)

    def _background(self, si: int, start: int, end: int) -> Attribution | None:
        """What a background clause tied to the report's attack says of who did it, if it is not dated elsewhere."""
        seg = self.text[start:end]
        if any(d.precision == "year" or not self._recent(d.date) for d in find_dates(seg, self.published)):
            return None  # "In 2020, ...", "since 2019": an older campaign
        actors = self._actors(start, end)
        found = attribution_statement(self.text, start, end, actors, source=self._source(si))
        if found is not None:
            return found._replace(span=(start, end))
        return habitual_suspicion(self.text, start, end, actors)

    def _source(self, si: int) -> Source | None:
        """Who speaks in sentence ``si``; "the statement said" is the speaker of an earlier sentence."""
        if si in self._sources:
            return self._sources[si]
        s, e = self.sentences[si]
        src = speaker(self.text[s:e])
        if src is not None and src.anaphoric:
            earlier = (self._source(j) for j in range(si - 1, max(-1, si - 4), -1))
            src = next((p for p in earlier if p is not None and not p.anaphoric), src)
        self._sources[si] = src
        return src

    def _recent_group(self, si: int, before: int) -> str | None:
        """The last armed group named before ``before`` (within a few sentences): who "the group" is."""
        for j in range(si, max(-1, si - 4), -1):
            s, e = self.sentences[j]
            named = [a for a in self._actors(s, min(e, before)) if side_of(a.name) == "other"]
            # ("The group ... is likely supported by Iran. The group claimed ...": the patron named after
            # "supported by" describes the group, it is not the group.)
            named = [a for a in named if not _PATRON_BEFORE.search(self.text, max(s, a.start - 40), a.start)]
            if named:
                return named[-1].name
        return None

    def _date_of(self, m: Mention, start: int, end: int) -> None:
        story = self.story
        told = story.lead_date or story.context_date
        anchor = story.context_date
        if story.lead_date is not None and _THE_LATEST.match(self.text, self.sentences[m.sent][0]):
            anchor = story.lead_date  # "The latest attack comes a day after ...": counted from the story's attack
        when = clause_date(
            self.text,
            start,
            end,
            published=self.published,
            anchor=anchor[0] if anchor else self.published,
            story_day=told[0] if told else None,
            sentence_start=self.sentences[m.sent][0],
            weapon_starts=[s for s, _ in m.type_spans],
        )
        m.date, m.date_is_past_only, m.year_hint, m.said_on = when.date, when.past_only, when.year_hint, when.said_on

    def _read_clause(self, si: int, start: int, end: int, prev_end: int | None = None) -> None:
        text, story = self.text, self.story
        seg = text[start:end]
        if si == self._summary_sentence + 1 and (located := _BASES_LOCATED.match(seg)):
            self._locate_summary(si, start + located.end(), end)
            return
        m = Mention(si, start, end)
        votes = type_votes(text, start, end, sentence=self.sentences[si])
        # "Two weeks before the Al-Tanf drone attack, the Conoco base came under rocket fire": the attack
        # a span of time is counted from is told elsewhere; its weapon and place are not this clause's.
        low = seg.lower()
        anchor = _ANCHOR.search(seg) if ("before" in low or "after" in low or "since" in low or "same" in low) else None
        skip = (start + anchor.start("ref"), start + anchor.end()) if anchor and anchor.end() < len(seg.rstrip(" ,.")) else None
        for (kind, weight), (ws, we) in zip(votes.votes, votes.spans):
            if skip is None or not skip[0] <= ws < skip[1]:
                m.types[kind] = m.types.get(kind, 0.0) + weight
                m.type_spans.append((ws, we))
        generic = _habitual(seg, low)
        # "Attacks have hit bases in recent months. The United States blames militias.": a statement
        # right after a campaign, with no attack or day of its own, is about the campaign.
        about_campaign = si == self._campaign_sentence + 1 and statement_scope(seg) != "singular" and not find_dates(seg, self.published)
        if generic:
            self._campaign_sentence = si
        # "... said the attacks were carried out by militias, who have targeted bases for days": the
        # habitual relative clause does not make the statement before it generic.
        head = seg[: rel.start()] if (rel := _RELATIVE.search(seg)) else seg
        statement_generic = generic and (head is seg or GENERIC_LOWER.found(head))
        if statement_generic and (series := told_series(head)):
            # "The series of attacks was likely the work of X": the series the report tells, not a campaign.
            statement_generic = bool(GENERIC.search(head[: series.start()] + head[series.end() :]))
        if not m.types and self.last_types and _ONE_MORE.search(seg):
            m.types = {k: v * 0.5 for k, v in self.last_types.items()}  # "the last one, on 30 September, ..."
        vocabulary = bool(m.types) or bool(ATTACK_NOUN.search(seg) or ATTACK_VERB.search(seg))
        # "Iran denied involvement in the Jordan strike": a denial names an attack told elsewhere, it tells none.
        # A foiled attack ("thwarted another attack and seized the rockets") did not happen either.
        happened = bool(HAPPENED_LOWER.found(seg, low) or NP_EVENT.search(seg)) and not (
            ("den" in low or "reject" in low or "disavow" in low) and _DENIED.search(seg)
        ) and not (("thwart" in low or "foil" in low or "prevent" in low or "avert" in low) and _FOILED.search(seg))
        # What a struck site was used for is the strike's reason, no attack of a day.
        happened = happened and not (("using" in low or "used" in low) and _USED_FOR_ATTACKS.search(seg))
        # A suspicion the signs voice is about the past by nature ("an area used in the past by X to fire
        # rockets"): the habit it names does not make it a campaign's.
        attribution = None if statement_generic and not INDIRECT.search(seg) else self._statement(si, start, end)
        if (attribution is None or statement_generic) and si != self._kind_sentence and self._may_link(si, generic):
            # A background sentence tied to this report's attack ("the latest in a series of attacks
            # Washington blamed on X", "no group claimed it, but X have been behind similar attacks"):
            # said of the report's attacks, never of the campaign it recalls.
            background = self._background(si, start, end)
            if background is not None and not about_campaign:
                story.attribute(background, scope="plural")
                attribution = None
        # A threat, plan or vow (a claim is none): decided only where it matters, the modal search
        # being one of the dearer ones.
        threat = _is_threat(seg) if vocabulary and happened else None
        if m.types:
            self.last_types = dict(m.types)
        if not vocabulary or not happened or threat:
            if attribution is None and not generic:
                # 'The statement said "Iran-supported actors fired ..."': a source names the attackers.
                actor = perpetrator(text, start, end, self._actors(start, end), [])
                if actor is not None and not (threat if threat is not None else _is_threat(seg)):
                    attribution = self._reported(si, start, end, actor)
                    if happened:
                        story.note_striker(actor.name, m.types, (start, end))  # "US jets struck militia sites"
            if attribution and not about_campaign:
                said = [d for d in find_dates(seg, self.published) if d.precision != "year"]
                on = (said[0].date, said[0].precision) if said else self._day_of_sentence(si)
                story.attribute(attribution, scope=_signs_scope(attribution, seg) or statement_scope(seg), on=on)
            if not generic:
                self._aftermath(si, start, end)
            if vocabulary and not generic and not (threat if threat is not None else _is_threat(seg)):
                self._date_of(m, start, end)
                if m.date is not None and story.lead_date is None and self._recent(m.date.date) and not _BEFORE_TOLD.search(m.date.text):
                    story.lead_date = story.context_date = (m.date.date, m.date.precision)
            return
        self._date_of(m, start, end)
        relative = start > self.sentences[si][0] and RELATIVE_EVENT.match(text, start) is not None
        if m.date is None and relative:
            # "On Monday, US forces struck fighters | who had earlier fired ...": the day the sentence gives.
            head = Mention(si, self.sentences[si][0], start)
            self._date_of(head, head.start, head.end)
            m.date = head.date
        if m.date is None and CAUSE_CLAUSE.match(text, start) and not DEFINITE_EVENT.search(seg) and (told := story.context_date or story.lead_date):
            # "The strikes follow a rocket attack on ...": an attack before the one told, in the days
            # before it: the week of the day before, not the day of the strikes.
            m.date = DateMention(start, start, "", told[0] - dt.timedelta(days=1), "week", "anchor")
        if m.date is None and _SEPARATELY.match(text, self.sentences[si][0]) and story.context_date != story.lead_date:
            day = story.lead_date or (self.published, "day")
            m.date = DateMention(start, start, "", day[0], day[1], "anchor")
        if generic and m.date is not None and not m.types and _NOW.search(m.date.text):
            return  # "Today, attacks are rare": the present of a habit, not an attack of that day
        # A habitual summary dated only by when it was said ("have come under attack 60 times, the
        # Pentagon said on Monday") tells no attack of that day.
        if generic and (m.date is None or m.date.precision == "year" or m.date_is_past_only or m.said_on is not None):
            if attribution:
                story.attribute(attribution, scope=_signs_scope(attribution, seg) or statement_scope(head))  # about the attacks, not the habit
            return
        munitions = count_munitions(text, start, end)
        m.munitions, m.munitions_more, m.munitions_span = munitions.count, munitions.more, munitions.span
        if (span := find_interception(text, start, end)) is not None:
            m.intercepted, m.intercepted_span = True, span
        self._set_casualties(m, start, end)
        m.damage = find_damage(text, start, end)
        m.actor = perpetrator(text, start, end, self._actors(start, end), [s for s, _ in m.type_spans])
        if m.actor is None and relative and (named := self._actors(self.sentences[si][0], start)) and _NOUN_GAP.fullmatch(text, named[-1].end, start):
            m.actor = named[-1]  # "... killed Iran-backed fighters | who had fired ...": the group named just before
        if m.actor is None:
            m.actor = self._inherited_actor(si, start, prev_end) or self._group_subject(si, start, end)
        if m.actor is not None:
            self._clause_actor = (si, m.actor)
            story.note_striker(m.actor.name, m.types, (start, end))
        if attribution is None:
            attribution = self._reported(si, start, end, m.actor)
        # ("Two weeks before the Al-Tanf drone attack, ...": "the attack" is the anchor, not this clause's event.)
        m.definite = bool(DEFINITE_EVENT.search(seg)) and skip is None
        m.another = bool(_ANOTHER.search(seg))
        m.provisional = ("initial" in low or "first" in low or "early" in low) and bool(_PROVISIONAL.search(seg))
        timed = "time" in low or "hour" in low or "minute" in low or "simultan" in low
        m.timed_apart = timed and bool(_TIMED_APART.search(seg))
        m.correcting = ("later" in low or "turned out" in low or "subsequently" in low) and bool(_CORRECTING.search(seg))
        m.the_strikes = bool(_THE_STRIKES.search(seg))
        # An earlier attack told in passing ("since a rocket attack on an Iraqi base in December", "a
        # previous attack on a base in Syria"): a base described, not named, is another base than the
        # story's, so it stays at the area the words give.
        # ("Five days after his killing, Iran fired ..." is one clause: the sentence's own attack.)
        split_after = _EARLIER.match(text, start) and (start > self.sentences[si][0] or seg.rstrip().endswith(","))
        in_passing = not m.definite and bool(split_after or OTHER_EVENT_CLAUSE.match(text, start) or _PREVIOUS.search(seg))
        m.in_passing = in_passing
        if ("nuclear" in low or "iran" in low) and set(m.types) <= {"airstrike", "strike"} and m.types:
            # "in retaliation for the US strikes on its nuclear facilities", "Israel's strikes on Iran": a strike on
            # a state outside the atlas's area, not on a militia or a coalition site.
            m.outside = bool(_OUTSIDE_TARGET.search(seg))
        where = self._clause_places(start, end, m.types, in_passing=in_passing, skip=skip)
        m.targets, m.base_nouns, m.place_constraint = list(where.targets), list(where.base_nouns), where.place_constraint
        if m.date is not None and m.targets and _twice(seg):
            # "Ain al-Asad was attacked twice on Tuesday": that day's attacks there with different
            # weapons are separate incidents, however closely the report tells them.
            story.repeated.update((t[0].id, (m.date.date, m.date.precision)) for t in m.targets)
        m.unknown_place = any(start <= u[0] < end for u in self.unresolved)
        if not m.targets and not m.unknown_place and not (m.definite and story.continues(m)):
            # ("The strike came ten days after a drone attack at Tower 22": "the strike" is the one
            # being told, not an attack at the place of the clause beside it.)
            self._sibling_targets(m, si)
        if m.date is not None and story.lead_date is None and not m.date_is_past_only and self._recent(m.date.date):
            if not _BEFORE_TOLD.search(m.date.text):
                story.lead_date = (m.date.date, m.date.precision)
        countries = {t[0].id for t in m.targets if t[0].kind == "country"}
        if len(countries) >= 2 or (
            countries and all(t[0].kind == "country" for t in m.targets) and _SUMMARY_NOUNS.search(seg)
            and (len(m.targets) > 1 or generic)  # "several US bases in Syria were targeted in a series of attacks"
        ):
            # "bases in Iraq and Syria came under fire": a summary of attacks told one by one below.
            if m.date is not None and not m.date_is_past_only:
                story.context_date = (m.date.date, m.date.precision)
                story.lead_date = story.lead_date or story.context_date
            self._summary_sentence, self._summary = si, m
            dated = m.date is not None and not m.date_is_past_only
            story.summarise(m.types, on=(m.date.date, m.date.precision) if dated else None)
            if attribution:
                story.attribute(attribution, scope="plural")
            self._all_unharmed(si, m.killed, m.injured)
            return
        if attribution and not m.targets and _THE_ATTACKS.search(seg):
            # "the attacks were carried out by ...": all of that day's; "claimed both attacks in a statement
            # published on Tuesday": all of the days just before the statement.
            story.attribute(attribution, scope="plural", said_on=m.said_on)
            return
        singular = attribution and not m.targets and not m.types and statement_scope(seg) == "singular"
        if singular and story.current_attack():
            # "The group said it had carried out the attack in retaliation for the war in Gaza": a claim
            # of the attack being told (no weapon of its own), wherever else the clause wanders.
            story.attribute(attribution, scope="singular")
            return
        if not m.targets and _THE_ATTACKS.search(seg):
            self._all_unharmed(si, m.killed, m.injured)  # "Nobody was hurt in the attacks": also those told later
        # ("Minutes after the missile attack, ...": "the attack" is the one told, not an earlier one.)
        m.earlier = not m.definite and bool(_EARLIER.match(text, start) or OTHER_EVENT_CLAUSE.match(text, start))
        if not m.targets and not m.unknown_place:
            m.anaphor = anaphor(self.places, m.base_nouns, m.place_constraint, m.start)
            # "an Iraqi air base": the one Iraqi base the report names (not for an attack told in passing).
            if m.anaphor is None and not in_passing and (national := national_base(self.report_sites, m.base_nouns, m.place_constraint)):
                m.targets = [(*national, 1, "descriptive")]
        for piece in self._per_target(m):
            for one in self._per_weapon(piece):
                story.link(one, attribution)
        if (
            attribution and attribution.kind == "blamed" and m.actor is not None
            and side_of(m.actor.name) != "other" and side_of(attribution.actor) == "other"
        ):  # fmt: skip
            # "US jets struck depots of a militia blamed for the attack": the clause tells the strike, its
            # blame is of the attack the strike answers. (Not a suspicion: "positions of suspected
            # militias" says who was struck, not who attacked.)
            if scope := statement_scope(seg):
                story.attribute(attribution, scope=scope)

    def _locate_summary(self, si: int, start: int, end: int) -> None:
        """ "Both sites lie in Deir ez-Zor province and in Baghdad", right after a summary: an attack at each.

        The summary ("rockets struck two coalition sites in Syria and Iraq on Tuesday") gives the
        day and the weapon, this sentence the places. An attack the report tells in detail
        elsewhere absorbs the one placed here (same place, or an area around it).
        """
        summary = self._summary
        if summary is None:
            return
        stop = _LIST_END.search(self.text, start, end)
        where = self._clause_places(start, stop.start() if stop else end, summary.types)
        for target in where.targets:
            if target[0].kind == "country":
                continue  # the summary's own countries
            # The summary's day and weapon; none of its counts, casualties or actors, which are the day's.
            m = Mention(si, start, end, types=dict(summary.types), date=summary.date, targets=[target])
            self.story.link(m, None)

    def _per_target(self, m: Mention) -> list[Mention]:
        """One mention per target when each target has weapons of its own.

        "The group said it had targeted al-Tanf with a drone and the Conoco field with rockets",
        "a drone was shot down near al-Tanf and two rockets landed outside the Conoco base":
        the clause is cut at the "and" before each further target, and each piece keeps its
        own weapon, count, interception and casualties (its date, actor and claim are the
        clause's). A piece without a weapon word ("rockets hit X and Y") leaves the clause whole.
        """
        if len(m.targets) < 2:
            return [m]
        bounds = [m.start]
        for before, target in zip(m.targets, m.targets[1:]):
            cut = self.text.rfind(" and ", before[2], target[1])
            if cut < 0:
                return [m]
            bounds.append(cut)
        bounds.append(m.end)
        pieces = []
        for target, start, end in zip(m.targets, bounds, bounds[1:]):
            votes = type_votes(self.text, start, end)
            if not votes.votes:
                return [m]
            piece = replace(m, types={}, type_spans=list(votes.spans), targets=[target], start=start, end=end)
            for kind, weight in votes.votes:
                piece.types[kind] = piece.types.get(kind, 0.0) + weight
            n = count_munitions(self.text, start, end)
            piece.munitions, piece.munitions_more, piece.munitions_span = n.count, n.more, n.span
            span = find_interception(self.text, start, end)
            piece.intercepted, piece.intercepted_span = span is not None, span
            self._set_casualties(piece, start, end)
            piece.damage = find_damage(self.text, start, end)
            pieces.append(piece)
        return pieces

    def _per_weapon(self, m: Mention) -> list[Mention]:
        """One mention per weapon where the report says the place was attacked more than once that day.

        "Ain al-Asad was attacked twice on Tuesday: rockets in the morning and a drone in the
        evening" is two incidents. The figures of the clause stay with the first weapon named:
        the clause does not say which attack they belong to.
        """
        if len(m.targets) != 1 or m.date is None:
            return [m]
        if (m.targets[0][0].id, (m.date.date, m.date.precision)) not in self.story.repeated:
            return [m]
        kinds = [k for k in m.types if k not in ("rounds", "strike", "other")]
        if len(kinds) < 2 or "airstrike" in kinds:  # a strike answering two kinds of attack is one strike
            return [m]
        pieces = [replace(m, types={kinds[0]: m.types[kinds[0]]})]
        for kind in kinds[1:]:
            pieces.append(
                replace(m, types={kind: m.types[kind]}, munitions=None, munitions_more=None, munitions_span=None,
                        killed=None, injured=None, killed_span=None, injured_span=None, intercepted=False,
                        intercepted_span=None, damage="", another=True)
            )  # fmt: skip
        return pieces

    def _all_unharmed(self, si: int, killed: int | None, injured: int | None) -> None:
        """A "no casualties" for all the attacks of the sentence's day (none without a known day)."""
        day = self._day_of_sentence(si) or self.story.context_date or self.story.lead_date
        if (killed == 0 or injured == 0) and day is not None:
            self.story.all_unharmed(killed == 0, injured == 0, on=day)

    def _day_of_sentence(self, si: int):
        """The first recent day the sentence names ("came under fire on Wednesday"), if any."""
        s, e = self.sentences[si]
        for d in find_dates(self.text[s:e], self.published):
            if d.precision == "day" and self._recent(d.date):
                return d.date, d.precision
        return None

    def _inherited_actor(self, si: int, start: int, prev_end: int | None) -> ActorMention | None:
        """The subject of the previous clause, for a clause that coordinates with it without one of its own."""
        last = self._clause_actor
        if last is None or last[0] != si or prev_end is None:
            return None
        if _COORDINATED.fullmatch(self.text, prev_end, start) and _VERB_FIRST.match(self.text, start):
            return last[1]
        return None

    def _group_subject(self, si: int, start: int, end: int) -> ActorMention | None:
        """ "The militias have been firing rockets at ...": the armed group the report just named."""
        if (gm := _GROUP_SUBJECT.match(self.text, start, end)) is None:
            return None
        group = self._recent_group(si, start)
        return ActorMention(group, gm.start("noun"), gm.end("noun")) if group else None

    def _set_casualties(self, m: Mention, start: int, end: int) -> None:
        cas = read_casualties(self.text, start, end)
        m.killed, m.injured, m.killed_span, m.injured_span = cas.killed, cas.injured, cas.killed_span, cas.injured_span
        m.casualties_additive = cas.additive

    def _sibling_targets(self, m: Mention, si: int) -> None:
        """A clause without a place takes the place of the other clauses of its sentence."""
        for c_start, c_end in self._clauses(si):
            if (c_start, c_end) == (m.start, m.end):
                continue
            if OTHER_EVENT_CLAUSE.match(self.text, max(c_start, m.start)) or (c_start < m.start and _EARLIER.match(self.text, c_start)):
                # "the strikes | follow a rocket attack on K-1", "rockets hit the base | along with another
                # attack in Syria": the other event's place is not this one's.
                continue
            targets = self._clause_places(c_start, c_end, m.types).targets
            found = [t for t in targets if m.place_constraint is None or t[0].country == m.place_constraint]
            if found:
                m.targets = found
                return
        if si > 0 and self.story.last_event_sentence < si - 1 and m.date is None and not m.base_nouns:
            # "... observed launch sites near the base known as Green Village. Coalition forces
            # conducted several strikes.": the sentence before sets the scene.
            p_start, p_end = self.sentences[si - 1]
            targets = self._clause_places(p_start, p_end, m.types).targets
            if len(targets) == 1 and not is_coarse(targets[0][0]):
                m.targets = list(targets)

    def _aftermath(self, si: int, start: int, end: int) -> None:
        """ "There were no casualties." right after an attack belongs to that attack."""
        story = self.story
        ev = story.last_event
        # Wire copy often puts the official's sentence on casualties two or three sentences after the
        # attack, behind where the launcher was found; no other attack was told in between (it would be
        # the last event), and a clause naming another place or day is turned away below.
        gap = si - story.last_event_sentence if ev is not None else None
        # Beyond the next sentence, not for an attack without a place nor for a statement about "the attacks".
        far = gap is not None and gap > 1 and (ev.site is None or statement_scope(self.text[start:end]) == "plural")
        if gap is None or gap > _AFTERMATH_REACH or far:
            if statement_scope(self.text[start:end]) == "plural" or si == self._summary_sentence:
                # "No casualties were reported from the attacks", before they are told one by one.
                cas = read_casualties(self.text, start, end)
                self._all_unharmed(si, cas.killed, cas.injured)
            return
        places = [p for p in self._places_in(start, end) if not is_coarse(p.site)]
        if places and (ev.site is None or all(p.site.id != ev.site.id for p in places)):
            return
        m = Mention(si, start, end)
        seg = self.text[start:end]
        dates = [d for d in find_dates(seg, self.published) if d.precision != "year"]
        if dates and ev.date is not None and not any(overlap((d.date, d.precision), ev.date) for d in dates):
            return  # "The last one, on 30 September, ...": another attack
        self._set_casualties(m, start, end)
        if (span := find_interception(self.text, start, end)) is not None and _MUNITION_PRONOUN.search(seg):
            m.intercepted, m.intercepted_span = True, span
        m.damage = find_damage(self.text, start, end)
        if m.killed is None and m.injured is None and not m.intercepted and not m.damage:
            return
        if _ALSO.search(seg):
            m.casualties_additive = True
        if _THE_ATTACKS.search(seg):
            for other in story.context_events():
                story.merge(other, m, None, None)
            self._all_unharmed(si, m.killed, m.injured)  # also those told after this sentence
            return
        story.merge(ev, m, None, None)


# =============================================================================== entry point


def extract(text: str, *, published: dt.date, outlet: str = "", url: str = "", gazetteer) -> ExtractionResult:
    """Candidates for every attack the report describes; see :mod:`geo.reports.extract`.

    ``published`` is the report's publication date: every relative date is
    resolved against it (time is never read from the clock). ``outlet`` and
    ``url`` identify the report for the caller; they do not change what is read (the outlet is
    named as who suspects where the report suspects in its own voice).
    ``gazetteer`` is a :class:`geo.places.gazetteer.Gazetteer` (its alias index,
    ``find`` and ``get`` are used; a GeoNames layer, if attached, places towns).
    """
    if not isinstance(published, dt.date):
        raise TypeError("published must be a datetime.date")
    reader = _Reader(text, published, gazetteer, outlet)
    reader.read()
    cands = reader.story.candidates(text, reader.sentences)
    target_spans = {c.location for c in cands}
    unresolved = tuple(dict.fromkeys(u[2] for u in reader.unresolved if u[2] not in target_spans))
    return ExtractionResult(candidates=tuple(cands), unresolved_places=unresolved, notes=tuple(reader.story.notes))
