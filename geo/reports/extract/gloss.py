"""A word-for-word English gloss of a report, and the way back to its own words.

:func:`gloss` rewrites the words of a report that its language's
:class:`~geo.reports.extract.lexicon.Lexicon` knows into English ("roquettes"
-> "rockets", "hier" -> "yesterday", "base aérienne" -> "air base", "el
domingo 3 de diciembre" -> "3 December") and leaves every other word as it
is: place and person names, numbers, punctuation and line breaks, so the
gloss has the same sentences as the report. The English rules read the
gloss; :meth:`Gloss.to_original` maps any span of the gloss back onto the
report, so evidence is shown in the report's own words.

Three word orders are put in English order (the English rules look for the actor before its
verb and a base's name before the word "base"): an actor after a sentence-opening verb ("V lednu
vypálily milice ...", "تبنت المقاومة ..."), a clause-final verb (German after its auxiliary,
Turkish and Persian after the clause's actor or weapon), and a name after the word for a base or a
field ("la base de Harir": "the Harir base"). A moved word's own piece of the gloss is empty, so
the words around it keep their exact spans. Persian dates in the Iranian calendar become Gregorian.

Short function words written with a capital inside a sentence are left alone:
"Al" in "Ain Al Asad" is part of a name, not Spanish "al".
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from geo.reports.extract.lexicon import Lexicon, fold

__all__ = ["Gloss", "gloss"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_PUNCTUATION = {"،": ",", "؛": ";", "؟": "?"}  # Arabic comma, semicolon, question mark
# Adjectives Romance languages, Arabic and Indonesian put after their noun, and the English words that
# are no noun to put them before.
_ADJECTIVES = frozenset({"American", "Iraqi", "Syrian", "Iranian", "Kurdish", "Jordanian", "US", "pro-Iranian", "Iran-backed"})
_FUNCTION = frozenset("the a of in on at to from by with and or which that is are was were the".split())
_SPEECH = ("said", "announced", "reported")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A form this short, capitalised inside a sentence, is a piece of a name ("Al", "As", "Da").
_SHORT = 3
# Attack verbs whose subject is who attacked, and those whose subject is the weapon.
_AGENT_VERBS = frozenset(
    ("fired", "launched", "attacked", "targeted", "hit", "struck", "shelled", "bombed", "carried out", "shot down",
     "intercepted", "claimed", "claimed responsibility", "killed")
)  # fmt: skip
_WEAPON_VERBS = frozenset(("fell", "landed", "exploded", "were shot down", "were intercepted", "came under attack"))
_AUXILIARIES = frozenset(("have", "has", "had", "is", "are", "was", "were"))
_ACTOR_NOUNS = frozenset(
    "forces militias militia militants fighters group groups army military troops coalition insurgents factions "
    "resistance guards".split()
)
_ACTOR_NAMES = frozenset(
    ("Hezbollah", "Kataib Hezbollah", "Islamic State", "Islamic Resistance in Iraq", "Iran", "United States",
     "Pentagon")
)
_WEAPONS = frozenset("rockets rocket missiles missile drones drone mortars shells".split())
_TIME_WORDS = frozenset(
    (*(m.lower() for m in _MONTHS), *(d.lower() for d in _WEEKDAYS), "yesterday", "today", "overnight", "last", "week",
     "month", "on", "in", "at", "the", "this", "morning", "evening", "night", "early", "late")
)  # fmt: skip
_BASE_KINDS = ("air base", "military base", "base", "oil field", "gas field", "airport")
# A base's name after the word "base": capitalised words, with the joiners of Arabic names.
_CAPITALISED = r"[A-ZÀ-Þ][\w'’]*(?:-[\w'’]+)*"
_BASE_NAME = re.compile(rf"\s*({_CAPITALISED}(?:[ -](?:al|el|ad|as|ar|ash|{_CAPITALISED}))*)(?![\w-])")
_CLAUSE_BREAK = re.compile(r"[.,;:!?\n]")
# (a clause also ends before "and": German "und", Turkish "ve", Persian "و")
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?\n»”\")]|$)|\s+(?:und|ve|و)\s")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n«\"“]\s*|^\s+)$")  # searched in the 3 characters before a word


@dataclass(frozen=True)
class Gloss:
    """The English ``text`` of ``original``; ``pieces`` are the rewritten spans.

    Each piece is ``(gloss_start, gloss_end, original_start, original_end)``, in order;
    text between pieces is the same in both.
    """

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original report that the gloss span ``[start, end)`` renders."""
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, at: int, *, is_end: bool) -> int:
        if not is_end:
            # A piece the gloss renders as nothing (a word English does without, a verb moved after its
            # subject) starts where the next one does: a span starting there starts with that word.
            first = bisect_left(self._starts, at)
            if first < len(self.pieces) and self._starts[first] == at:
                return self.pieces[first][2]
        i = bisect_right(self._starts, at - 1 if is_end else at) - 1
        if i < 0:
            return at
        g0, g1, o0, o1 = self.pieces[i]
        if (g0 < at <= g1) if is_end else (g0 <= at < g1):
            return o1 if is_end else o0
        return at - g1 + o1

    @cached_property
    def _starts(self) -> list[int]:
        return [p[0] for p in self.pieces]


def gloss(text: str, lexicon: Lexicon, *, published: dt.date | None = None) -> Gloss:
    """``text`` with the words ``lexicon`` knows rewritten in English (see the module).

    ``published`` gives the year of an Iranian-calendar date written without one ("۱۸ دی").
    """
    pattern = _compiled(lexicon)
    # (original start, original end, English) of each rewritten span, in order.
    items: list[tuple[int, int, str]] = []
    for m in pattern.finditer(text):
        english = _render(m, text, lexicon, published)
        if english is None or (english == m.group(0) and not english.lower().endswith(_BASE_KINDS)):
            continue  # (a "base" written as in English stays an item: its name may go before it)
        start, end = m.start(), m.end()
        if not english:  # a word English does without ("des" tirs): its space goes with it
            while end < len(text) and text[end] in " \t":
                end += 1
            if end == m.end():  # (at a clause's end, the space before it)
                while start > (items[-1][1] if items else 0) and text[start - 1] in " \t":
                    start -= 1
        if lexicon.adjective_after and english in _ADJECTIVES and items and _noun_before(items[-1], text, m.start()):
            # "soldats américains", "fuerzas iraquíes": the adjective goes before its noun, as in English.
            o0, _, noun = items.pop()
            items.append((o0, end, f"{english} {noun}"))
        else:
            items.append((start, end, english))
    items = _name_before_base(_subject_first(items, text), text)
    if lexicon.verb_final:
        items = _verb_after_subject(items, text)
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    done = length = 0  # end of the original text copied so far, length of the gloss so far
    for o0, o1, english in items:
        out += (text[done:o0], english)
        length += o0 - done
        pieces.append((length, length + len(english), o0, o1))
        length += len(english)
        done = o1
    out.append(text[done:])
    return Gloss(original=text, text="".join(out), pieces=tuple(pieces))


def _noun_before(item: tuple[int, int, str], text: str, at: int) -> bool:
    """Whether the last glossed word, right before ``at`` with only a space between, is a noun."""
    return item[1] < at and not text[item[1] : at].strip() and item[2].rsplit(" ", 1)[-1] not in _FUNCTION


# ------------------------------------------------------------------------------------ word order
# The English rules look for an actor *before* its attack verb ("militias fired rockets at the base"),
# for the verb before its object ("attacked the base") and for a base's name before the word "base".
# Three orders other languages use are put in English order. Only glossed words move: a moved word
# joins the English of the word it goes after, its own piece of the gloss is left empty, and every
# other word keeps its exact span in the report.


def _subject_first(items: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """"In January fired Iran-backed forces eight rockets" -> "In January Iran-backed forces fired ...".

    A sentence that opens with its attack verb, or with a time and then the verb (Czech and German put
    the verb second, Arabic first, Romance languages may), has its subject after the verb. Only a
    subject that is plainly an actor (militias, forces, a group's name) is moved: after any other verb
    ("US forces attacked militias") such a noun is the object, and there the verb does not open the sentence.
    """
    out = list(items)
    for i, (o0, o1, english) in enumerate(out):
        # (Arabic glues "and" to the verb: "وأطلقت" is "and fired"; the "and" stays first.)
        conjunction, _, verb = english.rpartition(" ") if english.lower().startswith("and ") else ("", "", english)
        if verb.lower() not in _AGENT_VERBS | {"announced"}:
            continue
        k = i + 1 + (i + 1 < len(out) and out[i + 1][2].lower() == "the" and _adjacent(out[i], out[i + 1], text))
        if (
            k < len(out)
            and _adjacent(out[k - 1], out[k], text)
            and _is_actor(out[k][2])
            and _opens_sentence(out[:i], o0, text)
        ):
            out[i] = (o0, o1, conjunction) if conjunction else _dropped(out[i], text, after=True)
            if english[0].isupper() and not conjunction:  # the subject now opens the sentence
                out[i + 1] = (out[i + 1][0], out[i + 1][1], out[i + 1][2][0].upper() + out[i + 1][2][1:])
            out[k] = (out[k][0], out[k][1], f"{out[k][2]} {verb.lower() if verb not in _ACTOR_NAMES else verb}")
    return out


def _name_before_base(items: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """"the US base Euphrates", "the base of Harir" -> "the US Euphrates base", "the Harir base".

    Other languages name a base, an oil or gas field or an airport after the word for it ("la base de
    Harir", "základnu Green Village", "giacimento petrolifero di Omar"); the gazetteer knows many by
    their name before it ("Harir base", "Euphrates base", "Omar oil field"). The word for the base
    stays where it was in the report (its piece of the gloss is empty); the name keeps its own span.
    """
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(items):
        o0, o1, english = items[i]
        kind = next((k for k in _BASE_KINDS if english.lower().endswith(k)), "")
        of = i + 1 < len(items) and items[i + 1][2].strip() == "of" and _adjacent(items[i], items[i + 1], text)
        n = i + 1 + of  # the item after "base" (and "of")
        name = _BASE_NAME.match(text, items[n - 1][1]) if kind else None
        if name and n < len(items) and items[n][0] < name.end():
            name = None  # a glossed word, not a name
        # A name the lexicon writes in English (Arabic "قاعدة حرير": "base Harir") is one too.
        glossed = kind and not name and n < len(items) and _adjacent(items[n - 1], items[n], text)
        if glossed and _BASE_NAME.fullmatch(" " + items[n][2]) and items[n][2] not in _ACTOR_NAMES:
            name_end = items[n][1]
        else:
            name_end = name.end() if name else None
        if name_end is not None:
            head = english[: len(english) - len(kind)].strip()
            out.append((o0, o1, head) if head else _dropped(items[i], text, after=True))
            if of:
                out.append(_dropped(items[i + 1], text, after=True))
            if glossed and name is None:
                out.append(items[n])
                n += 1
            out.append((name_end, name_end, " " + english[len(english) - len(kind) :].lower()))
            i = n
            continue
        out.append(items[i])
        i += 1
    return out


def _verb_after_subject(items: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """A clause-final attack verb is put where English has it (German, Dutch, Turkish, Persian, Kurdish end clauses so).

    "Milizen haben die Basis angegriffen" -> "militias have attacked the base": after the clause's
    auxiliary; with none ("milisler üsse roket fırlattı"), after the clause's first actor or weapon:
    "militias fired base rocket". The verb's own piece of the gloss is left empty.
    """
    out = list(items)
    for v in range(len(out) - 1, -1, -1):
        o0, o1, verb = out[v]
        if verb not in _AGENT_VERBS | _WEAPON_VERBS or not _CLAUSE_END.match(text, o1):
            continue
        start = _clause_start(out, v, text)
        if any(x[2] in _AGENT_VERBS | _WEAPON_VERBS for x in out[start:v]):
            continue  # the clause has its verb where English has it
        after = next((i for i in range(v - 1, start - 1, -1) if out[i][2] in _AUXILIARIES), None)
        if after is None:
            heads = (i for i in range(start, v) if _is_actor(out[i][2]) or _last_word(out[i][2]) in _WEAPONS)
            after = next(heads, None)
        if after is None or (after == v - 1 and _adjacent(out[after], out[v], text)):
            continue
        out[after] = (out[after][0], out[after][1], f"{out[after][2]} {verb}")
        out[v] = _dropped(out[v], text, after=False, floor=out[v - 1][1])
    return out


def _dropped(item: tuple[int, int, str], text: str, *, after: bool, floor: int = 0) -> tuple[int, int, str]:
    """``item`` rendered as nothing, with the spaces after it (or before it, not before ``floor``)."""
    o0, o1, _ = item
    if after:
        while o1 < len(text) and text[o1] in " \t":
            o1 += 1
    else:
        while o0 > floor and text[o0 - 1] in " \t":
            o0 -= 1
    return (o0, o1, "")


def _clause_start(items: list[tuple[int, int, str]], v: int, text: str) -> int:
    """Index of the first item of the clause that item ``v`` ends."""
    i = v
    while i > 0:
        if _CLAUSE_BREAK.search(text, items[i - 1][1], items[i][0]) or _CLAUSE_BREAK.search(items[i - 1][2]):
            break
        i -= 1
    return i


def _adjacent(a: tuple[int, int, str], b: tuple[int, int, str], text: str) -> bool:
    return not text[a[1] : b[0]].strip()


def _is_actor(english: str) -> bool:
    return _last_word(english) in _ACTOR_NOUNS or english in _ACTOR_NAMES


def _last_word(english: str) -> str:
    return english.rsplit(" ", 1)[-1].lower()


def _opens_sentence(done: list[tuple[int, int, str]], at: int, text: str) -> bool:
    """Whether the verb at ``at`` opens its sentence, or follows only a time that does ("In January ...")."""
    i = len(done)
    while i and not text[done[i - 1][1] : at].strip(" ,") and all(
        w in _TIME_WORDS or w.isdigit() for w in done[i - 1][2].lower().split()
    ):
        at = done[i - 1][0]
        i -= 1
    return _SENTENCE_START.search(text, max(0, at - 3), at) is not None


def _render(m: re.Match, text: str, lexicon: Lexicon, published: dt.date | None = None) -> str | None:
    if m.group("gap") is not None:
        # A sentence that opens with a capital the English splitter does not know ("É", "Δ") or in a
        # script without capitals (Arabic): a line break keeps it a sentence of its own.
        nxt = text[m.end()] if m.end() < len(text) else ""
        return "\n" if nxt.isupper() or not nxt.islower() else None
    if m.group("punct"):
        return _PUNCTUATION[m.group("punct")]
    if m.group("sday"):
        return _solar_date(int(m.group("sday")), m.group("smonth"), m.group("syear"), published)
    if m.group("digits"):  # Persian and Arabic-Indic digits: the English rules read ASCII ones
        return str(int(m.group("digits")))
    if m.group("day"):
        year = f" {m.group('year')}" if m.group("year") else ""
        on = "On " if m.group("on") and m.group("on")[0].isupper() else "on " if m.group("on") else ""
        return f"{on}{int(m.group('day'))} {lexicon.english(_key(m.group('month')))}{year}"
    if m.group("verb"):
        # "..., anunció el Pentágono": the speaker before the verb, as English has it.
        subject = lexicon.english(_key(m.group("subject"))) or m.group("subject")
        return f"the {subject} {lexicon.english(_key(m.group('verb')))}"
    word = m.group("word")
    key = _key(word)
    if key in lexicon.particles and _CLAUSE_END.match(text, m.end()):
        return ""  # "schlugen Raketen ... ein": the rest of a verb glossed where it starts
    english = lexicon.english(key)
    if english is None:
        return None
    if m.group("clitic"):  # Arabic "و", "ب", "ل" glued to the word: "and", "with", "to"
        return " ".join(filter(None, (lexicon.clitics[m.group("clitic")], english)))
    first = _SENTENCE_START.search(text, max(0, m.start() - 3), m.start()) is not None
    if len(key) <= _SHORT and word[0].isupper() and not word.isupper() and not first:
        return None
    # A sentence's first word gets a capital (the English splitter looks for one); inside a sentence
    # the entry's own case (German capitalises every noun: "Drohnen" is "drones", not a name).
    if first and english and english[0].islower() and word[0].isupper():
        english = english[0].upper() + english[1:]
    if key.endswith("'"):
        english += " "
    return english


def _key(words: str) -> str:
    return fold(" ".join(words.lower().replace("’", "'").split()))


@lru_cache(maxsize=None)
def _compiled(lexicon: Lexicon) -> re.Pattern:
    months = {f: e for f, e in lexicon.entries.items() if e in _MONTHS}
    weekdays = {f: e for f, e in lexicon.entries.items() if e in _WEEKDAYS}
    alt = lambda forms: "|".join(_form(f) for f in sorted(forms, key=len, reverse=True))  # noqa: E731
    links = rf"(?:(?:{alt(lexicon.day_month_links)})\s+)?" if lexicon.day_month_links else ""
    # "el domingo 3 de diciembre de 2023", "am 29. Dezember", "le 1er février": the weekday goes (the date
    # says the day), the links go, the month is English.
    on = f"(?:(?P<on>{alt(lexicon.on_day)})\\s+)?" if lexicon.on_day else "(?P<on>(?!))?"
    speech = [f for f, e in lexicon.entries.items() if e in _SPEECH]
    # ", dijo el portavoz", ", a déclaré le ministre": a speaker after its verb (one word, no capital-less name).
    inverted = (
        rf"(?<=,\s)(?P<verb>{alt(speech)})\s+(?:{alt(lexicon.articles)})\s+"
        rf"(?P<subject>[^\W\d_][\w-]*)(?![\w-])"
        rf"(?=\s*[,.;:!?»”\")]|\s+(?:{alt(lexicon.on_day + lexicon.articles)}))"
        if speech and lexicon.articles
        else "(?P<verb>(?!))(?P<subject>(?!))"
    )
    date = (
        rf"(?<!\w){on}(?:(?:{alt(weekdays)}),?\s+)?(?P<day>[0-3]?\d)(?:\.|º|°|er)?\s+{links}"
        rf"(?P<month>{alt(months)})(?!\w)(?:\s+{links}(?P<year>(?:19|20)\d\d)(?!\d))?"
    )
    # A clitic is tried last ("??"): "بحسب" is a word of its own before it is "ب" + "حسب".
    glued = "|".join(sorted(lexicon.clitics, key=len, reverse=True))
    clitics = f"(?P<clitic>{glued})??" if glued else "(?P<clitic>(?!))?"
    words = rf"(?<![\w-]){clitics}(?P<word>{alt(lexicon.entries.keys() | lexicon.particles)})"
    gap = r"(?<=[.!?؟])(?P<gap>[ \t]+)(?=[^\W\d_A-Za-z])"
    punct = "(?P<punct>[،؛؟])"
    solar = (
        rf"(?<!\w)(?P<sday>\d{{1,2}})\s+(?P<smonth>{'|'.join(_SOLAR_MONTHS)})(?:\s+ماه)?"
        rf"(?:\s+(?:سال\s+)?(?P<syear>[1۱][3۳4۴]\d\d)(?!\d))?(?!\w)"
        if lexicon.code == "fa"
        else "(?P<sday>(?!))(?P<smonth>)(?P<syear>)"  # (never matches)
    )
    digits = "(?P<digits>[٠-٩۰-۹]+)"
    return re.compile(f"{gap}|{punct}|{solar}|{date}|{inverted}|{words}|{digits}", re.IGNORECASE)


# The months of the Iranian (Solar Hijri) calendar, in order: Persian news dates by it.
_SOLAR_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"
)  # fmt: skip


def _solar_date(day: int, month: str, year: str | None, published: dt.date | None) -> str | None:
    """"18 Dey 1398" in the Gregorian calendar ("8 January 2020"); a date without its year is the latest
    one not after the publication day (none without it)."""
    import jdatetime  # imported here: only a Persian report with a date needs it

    m = _SOLAR_MONTHS.index(month) + 1
    try:
        if year:
            return _english_date(jdatetime.date(int(year), m, day).togregorian())
        if published is None:
            return None
        this = jdatetime.date.fromgregorian(date=published).year
        for y in (this, this - 1):
            when = jdatetime.date(y, m, day).togregorian()
            if when <= published:
                return _english_date(when)
    except ValueError:  # no such day
        return None
    return None


def _english_date(d: dt.date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


# Letters Arabic writes several ways (hamza on the alef or not, final ta marbuta as ha, final ya
# without dots) and Greek vowels with or without accent: each folded letter matches all of its ways.
_VARIANTS = {"ا": "[اأإآ]", "ة": "[ةه]", "ه": "[ةه]", "ي": "[يىی]", "ك": "[كک]", "'": "['’]"} | {
    # Greek: a vowel with or without its accent (the folded forms of lexicon.fold).
    "α": "[αά]", "ε": "[εέ]", "η": "[ηή]", "ι": "[ιίϊΐ]", "ο": "[οό]", "υ": "[υύϋΰ]", "ω": "[ωώ]",
}  # fmt: skip


def _form(form: str) -> str:
    # A word ending in "*" is a stem: any ending ("ракет*" is "ракеты", "ракетами" ...).
    letters = {**_VARIANTS, "*": r"\w*"}
    body = r"[\s\u200c]+".join("".join(letters.get(ch, re.escape(ch)) for ch in w) for w in form.split())
    # A form ending in an apostrophe ("l'", "d'") is glued to the next word; any other ends a word.
    return body if form.endswith("'") else body + r"(?![\w-])"
