"""Extraction from a report in any language: English natively, others through a gloss.

:func:`extract` detects the report's language (:mod:`.language`). An English
report goes straight to the English rules (:func:`geo.reports.extract.pipeline.extract`).
A report in a language with a lexicon (:mod:`.lexicon`: French, Spanish,
Portuguese, Italian, German, Dutch, Indonesian/Malay, Arabic, Greek, Russian,
Turkish, Czech, Polish, Persian, Kurdish: Sorani and Kurmanji) is glossed word for word into English
(:mod:`.gloss`), the English rules read the gloss, and every proposal is
mapped back: its evidence is the report's own sentence, its highlighted spans
are spans of the report's text, and its confidence is lower (a gloss is a
rough reading: reviewers should see these proposals first). A report in any
other language is still read by the English rules (an English quote, a name
in Latin script may be found) and the result says plainly that the language
is not supported, so nobody takes "no incidents" for a reading.

The result carries ``language``, ``reading`` ("native", "gloss", "none") and, when glossed, the
``gloss`` itself (a reviewer who does not read the language sees what the rules read).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from geo.reports.extract.candidates import Candidate, ExtractionResult
from geo.reports.extract.gloss import Gloss, gloss
from geo.reports.extract.language import detect, language_name
from geo.reports.extract.lexicon import lexicon
from geo.reports.extract.pipeline import extract as extract_english
from geo.reports.extract.sentences import split_sentences
from geo.reports.extract.story import NOTE_QUOTE_CHARS

__all__ = ["GLOSS_FACTOR", "extract", "reading_label", "reading_notice"]

# Every part of a glossed proposal's confidence is scaled by this: the rules read a rough
# translation, so a reviewer checks these first.
GLOSS_FACTOR = 0.75


def extract(text: str, *, published: dt.date, outlet: str = "", url: str = "", gazetteer) -> ExtractionResult:
    """Candidates for every attack the report describes, in whatever language it is written."""
    code = detect(text)
    if code == "en":
        return extract_english(text, published=published, outlet=outlet, url=url, gazetteer=gazetteer)
    table = lexicon(code)
    if table is None:
        result = extract_english(text, published=published, outlet=outlet, url=url, gazetteer=gazetteer)
        return replace(result, language=code, reading="none", notes=(reading_notice(code, "none"), *result.notes))
    glossed = gloss(text, table, published=published)
    result = extract_english(glossed.text, published=published, outlet=outlet, url=url, gazetteer=gazetteer)
    name, sentences = language_name(code), _sentence_pairs(glossed)
    candidates = tuple(_in_original(c, glossed, sentences, name) for c in result.candidates)
    notes = (reading_notice(code, "gloss"), *(_note_in_original(n, sentences) for n in result.notes))
    return replace(result, candidates=candidates, language=code, reading="gloss", notes=notes, gloss=glossed.text)


def reading_notice(code: str, reading: str) -> str:
    """What a user is told about how a report in language ``code`` was read."""
    name = language_name(code)
    if reading == "gloss":
        return (
            f"The report is in {name}: read through a word-for-word English gloss. "
            "Check every proposal against the text."
        )
    if reading == "none":
        return (
            f"The report is in {name}, which the extractor does not read: only English passages and names in Latin "
            "script were read. Incidents may be missing; enter them by hand."
        )
    return ""


def reading_label(code: str, reading: str) -> str:
    """One line for a reviewer: "Language: Spanish, read through a word-for-word English gloss"."""
    how = {"native": "read by the English rules", "gloss": "read through a word-for-word English gloss"}
    return f"Language: {language_name(code)}, {how.get(reading, 'not supported: not read')}"


def _in_original(c: Candidate, glossed: Gloss, sentences: list[tuple[str, str]], name: str) -> Candidate:
    conf = c.confidence
    return replace(
        c,
        evidence=_original_sentences(c.evidence, sentences),
        evidence_spans=tuple((f, *glossed.to_original(s, e)) for f, s, e in c.evidence_spans),
        attribution_evidence=_original_sentences(c.attribution_evidence, sentences),
        confidence=replace(
            conf,
            place=round(conf.place * GLOSS_FACTOR, 2),
            date=round(conf.date * GLOSS_FACTOR, 2),
            attribution=round(conf.attribution * GLOSS_FACTOR, 2),
            reasons=(*conf.reasons, f"read through an English gloss of the {name} text"),
        ),
    )


def _sentence_pairs(glossed: Gloss) -> list[tuple[str, str]]:
    """``(gloss sentence, the report's sentence)`` for each sentence of the gloss, in order."""
    pairs = []
    for s, e in split_sentences(glossed.text):
        o0, o1 = glossed.to_original(s, e)
        pairs.append((glossed.text[s:e], glossed.original[o0:o1]))
    return pairs


def _note_in_original(note: str, sentences: list[tuple[str, str]]) -> str:
    """A note that quotes the start of a gloss sentence ("attack without a place left out: ...") quotes the report."""
    for english, original in sentences:
        for n in NOTE_QUOTE_CHARS:  # the lengths the English rules' notes quote
            if note.endswith(": " + english[:n]):
                return note[: len(note) - len(english[:n])] + original[:n]
    return note


def _original_sentences(evidence: str, sentences: list[tuple[str, str]]) -> str:
    """``evidence`` (gloss sentences joined by spaces, in order) in the report's own words."""
    if not evidence:
        return evidence
    out, rest = [], evidence
    for english, original in sentences:
        if rest.startswith(english):
            out.append(original)
            rest = rest[len(english) :].lstrip()
            if not rest:
                break
    return " ".join(out) if out and not rest else evidence
