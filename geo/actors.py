"""Canonical actors, the names reports and data sets give them, and their family.

One table serves the extractor (which names it looks for in a report), the
importers (which family an ACLED ``actor1`` belongs to) and the dashboard
(filter by family, colour by family). An actor's **family** is the side it
fights on in this project's story, attacks on US and coalition forces and
the strikes that answer them:

=================  ===============================================================
``iran_aligned``   armed groups aligned with Iran: the Islamic Resistance in Iraq and
                   its member and front groups (Kataib Hezbollah, Harakat al-Nujaba,
                   Kataib Sayyid al-Shuhada, Saraya Awliya al-Dam, Ashab al-Kahf,
                   Qassem al-Jabaryn, the Thaereen brigade...), Asaib Ahl al-Haq, Badr,
                   the Popular Mobilization Forces as ACLED codes them, Lebanese
                   Hezbollah and the Houthis (Ansar Allah). The Houthis are put here, not
                   under "other": they call themselves part of the same Iran-led axis and
                   US officials blame them together; the group filter still tells them apart.
``iran``           the Iranian state: IRGC, its Quds Force, Iranian military forces.
``us``             US forces, and the US-led coalition when a report does not say which
                   member acted (reports mostly say "the coalition" for US forces).
``coalition``      a named coalition body or a non-US member (Operation Inherent
                   Resolve, the Global Coalition against Daesh, UK or French forces).
``isis``           the Islamic State and its Amaq news agency.
``other``          any other named actor: Israel, Turkey, the PKK, the SDF, Syrian or
                   Iraqi government forces, Russia...
``unknown``        nobody named ("Unknown", ACLED's "Unidentified Armed Group").
=================  ===============================================================

:data:`ACTORS` is ordered: specific groups before the generic "Iran-backed
militias", which they also are, and before the single-word names they contain
("Kataib Hezbollah" before "Hezbollah"). Pure data and pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ACTORS",
    "FAMILIES",
    "Actor",
    "actor_named",
    "family_key",
    "family_of",
    "family_of_acled",
]

#: family key -> label, in the order legends and filters show them.
FAMILIES: dict[str, str] = {
    "iran_aligned": "Iran-aligned militias",
    "iran": "Iran / IRGC",
    "us": "US",
    "coalition": "Coalition",
    "isis": "ISIS",
    "other": "Other",
    "unknown": "Unknown",
}


@dataclass(frozen=True)
class Actor:
    """A canonical actor: its name, family and the regular expression of its aliases.

    ``extract`` says whether the report extractor looks for it (state forces
    other than the US and Iran are only named by imported data sets: the
    extractor's rules treat every non-US actor as an attacker). Every top-level
    alternative of ``pattern`` starts with a literal word (after an optional
    ``\\b``): :mod:`geo.reports.extract.vocabulary` compiles each on its own, so that
    Python's regex engine can skip to that word's occurrences in a long report.
    """

    name: str
    family: str
    pattern: str
    extract: bool = True


ACTORS: tuple[Actor, ...] = (
    Actor(
        "Islamic Resistance in Iraq", "iran_aligned",
        r"Islamic\s+[Rr]esistance\s+(?:in|of)\s+Iraq|Iraqi\s+Islamic\s+Resistance|Iraq's\s+Islamic\s+Resistance"
        # "the Iraqi resistance (groups)", as the umbrella's own press words it
        r"|Iraqi\s+[Rr]esistance(?=\s+(?:forces|groups?|factions?|fighters|movement)\b)",
    ),  # fmt: skip
    Actor(
        "Kataib Hezbollah", "iran_aligned",
        r"Kata['’]?[ie]b\s+Hez?[bi]?[ou]?llah|Kata['’]?ib\s+Hizb?[oua]llah|Kataeb\s+Hezbollah|Hezbollah\s+Brigades",
    ),  # fmt: skip
    Actor("Kataib Sayyid al-Shuhada", "iran_aligned", r"Kata['’]?[ie]b\s+Sayy?id\s+al[- ]Shuhada"),
    Actor("Qassem al-Jabaryn", "iran_aligned", r"Qass?[ei]m\s+al[- ]Jabb?ar[iy]n"),
    Actor("Saraya Awliya al-Dam", "iran_aligned", r"Saraya\s+Awliya['’]?\s+al[- ]Dam|Awliya['’]?\s+al[- ]Dam\s+Brigades?"),
    Actor("Harakat al-Nujaba", "iran_aligned", r"Harakat\s+(?:Hezbollah\s+)?al[- ]Nujaba|al[- ]Nujaba"),
    Actor("Asaib Ahl al-Haq", "iran_aligned", r"Asa['’]?[ie]b\s+Ahl\s+al[- ]Haq"),
    Actor("Ashab al-Kahf", "iran_aligned", r"Ash?ab\s+al[- ]Kahf"),
    Actor("Thaereen brigade", "iran_aligned", r"\bTha['’]?[ie]?r(?:een|in|oun|un)\b"),
    Actor("Thar al-Muhandis Brigade", "iran_aligned", r"Tha['’]?[ae]r\s+al[- ]Muhandis|avenge\s+(?:al[- ])?Muhandis|Revenge\s+(?:of|for)\s+(?:al[- ])?Muhandis"),
    Actor("Badr Organization", "iran_aligned", r"\bBadr\s+(?:Organi[sz]ation|Corps|Brigades?)"),
    Actor("Houthis", "iran_aligned", r"\bHouthis?\b|\bHuthis?\b|\bAnsar\s?Allah\b"),
    Actor("Hezbollah", "iran_aligned", r"\bH[ei]zb[ou]ll?ah\b"),
    Actor(
        "Popular Mobilization Forces", "iran_aligned",
        r"Popular\s+Mobili[sz]ation\s+(?:Forces|Units|Committees?)|\bPMF\b|\bPMU\b|Hashd(?:\s+al[- ]Shaabi)?", extract=False,
    ),  # fmt: skip
    Actor(
        "Coalition (non-US)", "coalition",
        r"Global\s+Coalition|Operation\s+Inherent\s+Resolve|\bCJTF\b|\bOIR\b|Military\s+Forces\s+of\s+(?:the\s+United\s+Kingdom|France|"
        r"Germany|Italy|Denmark|Netherlands|Canada|Australia|Norway|Spain|Poland)",
        extract=False,
    ),
    Actor(
        "Islamic State", "isis",
        r"Islamic\s+State(?!\s+group\s+in\s+the\s+region)|\bISIS\b|\bISIL\b|\bDaesh\b|\bAmaq\b",
    ),  # fmt: skip
    Actor("SDF", "other", r"\bSDF\b|Syrian\s+Democratic\s+Forces|Kurdish-led|\bQSD\b"),
    Actor(
        "Iran-backed militias", "iran_aligned",
        r"\bIran(?:ian)?[- ](?i:backed|aligned|allied|supported|linked|affiliated|sponsored)\b|\bpro-Iran(?:ian)?\b|\bPro-Iran(?:ian)?\b"
        r"|militia\s+groups?\s+(?:that\s+are\s+)?(?:backed|supported)\s+by\s+Iran"
        r"|militia(?:s|\s+groups?)?\s+aligned\s+with\s+Iran|(?:factions?|groups?)\s+aligned\s+with\s+Iran",
    ),
    Actor(
        "Iran (IRGC)", "iran",
        r"\bIRGC\b|Revolutionary\s+Guards?(?:\s+Corps)?|Quds\s+Force|(?<![-\w])Iran(?:ian)?\b(?![- ](?i:backed|aligned|allied|supported|linked|affiliated|sponsored))",
    ),  # fmt: skip
    Actor("Israel", "other", r"\bIsrael(?:i)?\b"),
    Actor(
        "US forces / US-led coalition", "us",
        r"\bU\.?S\.?(?:-led)?\b|\bUnited\s+States\b|\bAmerican\b|\bcoalition\b|\bCoalition\b|\bCENTCOM\b|Central\s+Command"
        r"|\bPentagon\b|\bWashington\b",
    ),
)

_BY_NAME = {a.name: a for a in ACTORS}
_COMPILED = tuple((a, re.compile(a.pattern)) for a in ACTORS)
_NOBODY = re.compile(r"^\s*(?:unknown|unidentified|unattributed|none|n/?a)\b", re.IGNORECASE)


def actor_named(text: str) -> Actor | None:
    """The first canonical actor (in table order) any alias of which ``text`` contains."""
    for actor, rx in _COMPILED:
        if rx.search(text):
            return actor
    return None


_FAMILY_KEYS = {**{k: k for k in FAMILIES}, **{label.lower(): k for k, label in FAMILIES.items()}}


def family_key(value: str | None) -> str | None:
    """The family key a value names: a key ("iran_aligned", "Iran-aligned") or a label; None if none."""
    if not value:
        return None
    v = value.strip().lower()
    return _FAMILY_KEYS.get(v) or _FAMILY_KEYS.get(v.replace("-", "_").replace(" ", "_"))


@lru_cache(maxsize=4096)
def family_of(actor: str | None) -> str:
    """The family of an actor name: a canonical name, an alias, or any other label.

    "Unknown" (and names starting "Unidentified") is ``unknown``; a name no
    alias matches is ``other``: someone was named, just not one of the sides
    this project follows.
    """
    if not actor or not actor.strip() or _NOBODY.match(actor):
        return "unknown"
    known = _BY_NAME.get(actor) or actor_named(actor)
    return known.family if known is not None else "other"


def family_of_acled(actor1: str | None, assoc_actor_1: str | None = "") -> str:
    """The family of an ACLED event's attacker: ``actor1``, else the first associated actor that says more.

    ACLED puts the acting force in ``actor1`` and, per its codebook, actors on
    the same side in ``assoc_actor_1`` ("; "-joined). An unidentified or
    unaffiliated ``actor1`` ("Unidentified Armed Group (Iraq)") takes the
    family of an associated actor that one of our families covers.
    """
    own = family_of(actor1)
    if own not in ("unknown", "other"):
        return own
    for part in (assoc_actor_1 or "").split(";"):
        fam = family_of(part.strip()) if part.strip() else "unknown"
        if fam not in ("unknown", "other"):
            return fam
    return own
