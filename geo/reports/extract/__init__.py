"""Propose incidents from the text of one news report.

``extract(text, published=..., gazetteer=...)`` reads a report the way an
analyst does, clause by clause, and returns *candidates*: proposed incidents
with the sentence(s) and character spans that support every field, for a
human to review. Nothing here touches the network, a database or Streamlit.

The package, one concern per module:

* :mod:`.vocabulary` - the words: actors, weapons, attack verbs, numbers;
* :mod:`.sentences` - sentences, clauses, datelines;
* :mod:`.places` - gazetteer names in the text and their role in a clause;
* :mod:`.clause_dates` - which date of a clause dates its attack;
* :mod:`.events` - event type, munitions, interception, casualties, damage;
* :mod:`.attribution` - perpetrator, claims, blame, suspicion;
* :mod:`.mention` - what one clause says; :mod:`.story` - linking clauses into events;
* :mod:`.candidates` - the immutable results; :mod:`.pipeline` - :func:`extract`.
* :mod:`.lowered` - case-insensitive patterns asked of lower-cased text, and patterns behind
  a test for their words: the same answers, faster (no rule lives there).

How a report is read
--------------------
1. **Sentences and clauses.** Sentences are split on end punctuation and line
   breaks (headlines, captions); clauses on ``;`` and on the conjunctions that
   join two events ("X comes a day *after* Y", "..., *while* ...").
2. **Places** are found once for the whole text by scanning capitalised word
   runs against the gazetteer's alias index (longest match wins; the generic
   words around a name, "air base", "province", pick between a city and its
   airport). A capitalised name after a locative word ("near X", "hit X")
   that is no alias is looked up once more through ``gazetteer.find``: a
   misspelling matches fuzzily, a town the GeoNames layer knows is placed, and
   anything else is reported as unresolved. Each place is given a *role* in its clause: target, qualifier of
   another place ("Ain al-Asad air base *in Anbar province*"), origin ("fired
   *from* ..."), or the home of an actor ("militias *in Iraq*"), and only
   targets locate an incident. Descriptive references ("an Iraqi base housing
   US troops in Anbar province") resolve to the one named site of that kind
   in that area the report mentions elsewhere, else to the area with an honest
   ``geo_precision``; "the base"/"the oil field" refer back to the last named
   site of that kind.
3. **Dates** come from :mod:`geo.reports.dates`, clause by clause. A clause without a
   date continues the event it refers to; a *new* attack without a date
   belongs to the report's main story (the first recent date of its lead).
   "The previous night" is anchored on the event being told. Dates that
   belong to a statement ("told the Council last week that ...") or a
   commemoration ("the Monday anniversary of ...") do not date the attack;
   "the second anniversary of the strike" on D dates the strike D - 2 years.
4. **Attacks** are clauses with a weapon or attack word *and* a sign that it
   happened (a past-tense verb, "attack on X"); threats, vows, plans and
   habitual summaries ("have been targeted almost 50 times") are not
   incidents, and a lead that sums up several countries ("bases in Iraq and
   Syria came under fire") only dates the attacks told after it. Type,
   count, interception, casualties and the perpetrator are read from the
   clause; claims, blame and suspicion from any sentence about the attack.
   A perpetrator the report itself names without a claim or an official
   source ("militias launched rockets") is recorded as ``suspected``; named
   by a source ("..., the Observatory said", 'the statement said "militias
   fired ..."') it is ``blamed`` by that source, and a hedge ("likely",
   "working assumption", "believed to") makes it ``suspected``. A statement
   about "the attacks" ("the coalition said the attacks were carried out by
   ...", "no casualties were reported from the attacks") covers every attack
   of its day, also those the report tells after it; one about "the attack"
   stays with the attack being told. Strikes by the US or the coalition are
   ``claimed``: the attacker announces them.
5. **Linking.** A clause describing an event already seen (same or
   containing place, overlapping date, compatible type, same side) adds to it;
   otherwise it starts a new incident. So one attack told over several
   sentences is one candidate, the coalition's counter-fire is another, and
   the 2020 strike mentioned in passing is its own candidate with its own
   date. An attack with no place (or a place the gazetteer cannot map) is
   reported in ``notes`` rather than guessed.

Every rule is about how English news reports are written, never about a
particular report.
"""

from geo.reports.extract.candidates import Candidate, ExtractionResult
from geo.reports.extract.events import types_compatible
from geo.reports.extract.multilingual import extract  # English rules, other languages through a gloss
from geo.reports.extract.sentences import split_sentences
from geo.reports.extract.vocabulary import ACTORS, canonical_actor

__all__ = [
    "ACTORS",
    "Candidate",
    "ExtractionResult",
    "canonical_actor",
    "extract",
    "split_sentences",
    "types_compatible",
]
