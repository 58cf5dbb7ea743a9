"""Who carried out an attack, and on whose word.

Two questions, kept apart because reports keep them apart:

* the **perpetrator** a clause names as the subject or agent of the attack
  ("Iran-backed militias launched ...", "carried out by ...", "US airstrikes");
* an **attribution statement**: a claim by the attackers, blame by officials,
  or a suspicion, with who made it. Its strength is ordered by :data:`RANK`.

Both are pure functions of the clause text and the actor mentions found in it
(:func:`geo.reports.extract.vocabulary.find_actors`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from geo.reports.extract.lowered import Hinted, any_of
from geo.reports.extract.vocabulary import ActorMention, canonical_actor, side_of

__all__ = [
    "CLAIM",
    "HEDGE",
    "INDIRECT",
    "KIND_VERBS",
    "RANK",
    "Attribution",
    "Source",
    "attribution_statement",
    "habitual_suspicion",
    "has_statement_words",
    "kind_suspicion",
    "linked_to_report",
    "perpetrator",
    "source_label",
    "speaker",
    "statement_scope",
    "told_series",
]

#: How strongly a report ties an actor to an attack; a stronger statement replaces a weaker one.
RANK = {"unknown": 0, "suspected": 1, "blamed": 2, "claimed": 3}


class Attribution(NamedTuple):
    """Who a report says did an attack (the perpetrator), how, and on whose word (the accuser).

    The speaker of a sentence is neither by default: "the coalition said rockets hit
    its base" names a speaker and no perpetrator. ``span`` is the clause that states
    the attribution: the evidence a reviewer is shown for the actor.
    """

    kind: str  # "claimed" | "blamed" | "suspected"
    actor: str  # canonical actor: the perpetrator
    by: str = ""  # the accuser: who blamed or suspected (empty for a claim: the claimant is the actor)
    span: tuple[int, int] | None = None  # the clause stating it, as offsets into the report


# =============================================================================== perpetrator

_VICTIM_BEFORE = re.compile(
    r"\b(?:including|wounding|killing|injuring|hosting|housing|against|on|at|targeting|targeted|of|with|near|for|to|by|"
    r"among|members|aligned|backed|supported|between)\s+(?:the\s+|a\s+|an\s+|other\s+)?(?:[\w.-]+\s+){0,2}$",
    re.IGNORECASE,
)
_AGENT_BEFORE = re.compile(
    r"\b(?:carried\s+out|launched|fired|conducted|targeted|struck|hit)\s+by\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}$"
    # "came under drone attack from X", "rocket fire from X": the attack's origin is its author.
    r"|\b(?:attacks?|fire|strikes?|barrages?|shelling)\s+from\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}$"
    # "the drone strike by an Iran-backed group", "a possible attack by X": the attack's author.
    # ("an attack last night by X", "the strikes on Sunday by X", "an attack last night [20 May] by X": the
    # attack's time, with an editor's bracketed date, may stand between.)
    r"|\b(?:attacks?|strikes?|barrages?|shelling|bombings?|operations?)\s+"
    r"(?:(?:last\s+night|yesterday|overnight|today|(?:on|late|early)\s+\w+day|(?:on\s+)?\w+day\s+(?:night|morning|evening)|on\s+(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}))\s+(?:\[[^\]\n]{1,25}\]\s+)?)?"
    r"by\s+(?:the\s+|an?\s+)?(?:[\w.-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "was not carried out by X", "had never been launched by X": a denial of X's part, no agent.
_NEGATED_AGENT = re.compile(
    r"\b(?:not|never)\s+(?:been\s+)?(?:\w+\s+)?(?:carried\s+out|launched|fired|conducted|targeted|struck|hit)\s+by\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "rockets were fired at two bases in eastern Syria on Monday by Iran-backed militias": the agent of a
# passive attack verb, however far after the verb.
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}$", re.IGNORECASE)
_PASSIVE_ATTACK = re.compile(
    r"\b(?:was|were|been|being)\s+(?:\w+\s+)?(?:carried\s+out|launched|fired|conducted|targeted|struck|hit|attacked|shelled)\b",
    re.IGNORECASE,
)
# Between the attack verb and "by" no other verb: "fired at the Green Zone ..., one of them brought
# down by the embassy's defences" is the embassy's interception, not its attack.
_OTHER_VERB = re.compile(r"\b(?:\w+ed|said|says|brought|shot|down|that|which|who|adding|saying)\b", re.IGNORECASE)


def _passive_agent(text: str, start: int, by: int) -> bool:
    """Whether the "by" at ``by`` names the agent of the clause's passive attack verb."""
    last = None
    for last in _PASSIVE_ATTACK.finditer(text, start, by):
        pass
    return last is not None and not _OTHER_VERB.search(text, last.end(), by)


_ACTIVE_VERB = re.compile(
    # ("the Revolutionary Guard Corps (IRGC) launched": an acronym in brackets after the name.)
    r"\.?(?P<gap>(?:[\s,]+(?:[\w.'’-]+|\([^()]{1,30}\))){0,4}?)[\s,]+"
    # ("X attempted to launch an attack", "X tried to target"): an attempt is still the attacker's.
    r"(?:(?:attempted|tried|sought)\s+to\s+(?:launch|fire|target|attack|strike|hit|shell|carry\s+out)\b|"
    # A headline's present tense: "X target US base with drones".
    r"(?:launched|fired|shelled|struck|hit|targeted|attacked|conducted|carried\s+out|"
    r"responded|retaliated|bombed|sent|opened\s+fire|target|launch)\b|"
    # ("Biden ordered air strikes", "commanded the military to launch strikes"): who orders a strike made it.
    r"(?:ordered|commanded|authori[sz]ed|directed)\s+(?:[\w-]+\s+){0,5}?(?:launch\b|air\s?strikes?|strikes?\b|raids?\b))",
    re.IGNORECASE,
)
_PRESIDENT_ORDERED = re.compile(
    r"\b(?P<who>(?:(?:US|U\.S\.|American)\s+)?(?i:President\s+)?(?:Joe\s+|Donald\s+)?(?:Biden|Trump))\s+(?:has\s+|had\s+|then\s+|yesterday\s+|(?:on\s+)?\w+day\s+)?"
    r"(?:ordered|commanded|authori[sz]ed|directed)\s+(?:[\w-]+\s+){0,5}?(?:launch\b|air\s?strikes?|strikes?\b|raids?\b)",
)
# Fire that answers fire in the air: "opened fire to intercept", "fired to shoot down".
# ("launched the air defence system to intercept the rockets": the weapon it fired may stand between.)
_DEFENDING = re.compile(
    r"(?:\s+(?:the|its|their|an?|air|defen[cs]es?|systems?|interceptors?|C-RAM|counter-\w+|batter(?:y|ies)|guns?|missiles?)){0,5}"
    r"\s+(?:(?:in\s+an\s+attempt\s+)?to\s+|and\s+)(?:intercept|shoot\s+down|down|bring\s+down|repel)\b",
    re.IGNORECASE,
)
# "X stationed on the western bank of the river attacked ...": a participle describing the subject
# (where it is) stands between it and its verb, with no verb of its own.
_SUBJECT_PARTICIPLE = re.compile(
    r"(?:\s+(?:militias?|groups?|factions?|fighters|militants|forces))?"
    r"\s+(?:stationed|based|deployed|positioned|operating|active|entrenched)\s+(?:in|on|at|near|along|around|across|west|east|north|south)\b"
    r"(?P<gap>(?:[\s,]+[\w.'’-]+){0,9}?)[\s,]+(?:launched|fired|shelled|struck|targeted|attacked|bombed|opened\s+fire)\b",
    re.IGNORECASE,
)
# "... on Wednesday when Iran-backed militias launched": a conjunction opens a clause whose
# subject the actor is, whatever preposition came before it.
_CLAUSE_OPENER = re.compile(
    r"(?:^|[;:]\s*|\b(?:when|as|after|while|then|because|since|before|where|once|until|which|whom)\s+(?:the\s+)?)$", re.IGNORECASE
)
_STATE_STRIKE_AFTER = re.compile(
    r"(?:[\s-]+(?:led|coalition|military|forces|army|air\s+force|precision|retaliatory|aerial|drone)){0,3}[\s-]+"
    r"(?:air\s?strikes?|airstrikes?|strikes?|air\s+raids?|raids?|bombing)\b",
    re.IGNORECASE,
)
# ("US personnel injured after rockets fired at ...": a headline's victims, harmed before the verb.)
_GAP_STOP = re.compile(
    # ("the U.S. military said Iran launched": a verb of saying in the gap makes the actor the speaker.)
    r"\b(?:that|which|who|were|was|been|being|are|is|came|come|attack|attacks|base|bases|troops|injured|wounded|killed|hurt|after|before|"
    r"said|says|told|tells|reported|announced|stated|confirmed|according|"
    # ("nor were any US facilities hit": the actor's sites or people are what was hit.)
    r"facilit(?:y|ies)|installations?|embassy|consulate|personnel|officials|diplomats|citizens|contractors|soldiers)\b",
    re.IGNORECASE,
)
# ("Iran's missile strike": a possessive owner is the author too.)
_MODIFIER_GAP = re.compile(r"(?:['’]s)?[\s\w.-]*")
# The actor is the subject of a verb of saying: "the coalition said ...", "US Central Command
# reported that ...", "Pentagon officials confirmed ...". (Up to three words may stand between
# the name and the verb: "the US military's Central Command said", "coalition officials told"; an
# abbreviation's point may end the name: "the U.S. military said".)
_SPOKE = re.compile(
    r"\.?(?:['’]s)?(?:[\s,]+(?:[\w.'’-]+|\([^)]{0,30}\))){0,3}?[\s,]+(?:also\s+|later\s+|earlier\s+)?"
    r"(?:said|says|saying|told|tells|reported|reports|announced|announces|confirmed|confirms|stated|states|added|"
    r"noted|disclosed|acknowledged|wrote|posted|tweeted|indicated|explained|insisted|claimed|"
    # A belief is said too: "US officials believe the drone was launched by X" is their view of X's
    # attack, not a US launch (it made a US strike of its own).
    r"believes?|believed|assess(?:es)?|assessed|suspects?|suspected|thinks?|concluded)\b"
    r"(?:\s+(?:on|in|late|early|that|,|\w+day|reporters|journalists|a\s+statement|an?\s+\w+)\b)*",
    re.IGNORECASE,
)
# Where the speaker's own forces are ("its forces in Erbil", "its troops stationed at the airport").
_WHERE = r"(?:\s+(?:(?:based|stationed|deployed)\s+)?(?:in|at|near|on)\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,3}?[\w.'’-]+)?"
# After a verb of saying: the speaker speaks of itself ("it had struck", "its aircraft hit",
# "they launched", "US forces conducted" needs no speaker).
_SELF_SUBJECT = re.compile(
    r"[\s,]*(?:that\s+)?(?:it|they|we|its\s+(?:[\w-]+\s+){0,2}?(?:forces|fighters|aircraft|jets|warplanes|troops|units|drones|"
    r"members|artillery|mujahideen)|our\s+(?:[\w-]+\s+){0,2}?(?:forces|fighters|aircraft|jets|troops))\b"
    # ("said its forces had been targeted", "confirmed its forces in Erbil were attacked": the speaker
    # was the target.)
    r"(?!" + _WHERE + r"\s+(?:had|have|has)\s+been\b|" + _WHERE + r"\s+(?:were|was|are|is|came|come|being|got)\b)",
    re.IGNORECASE,
)
# ("An SDF spokesman said the rockets ...": a speaker, not the rockets' owner.)
# ("The U.S. has attributed the drone attack to X": a verb between the name and the weapon makes the
# name a subject, the weapon its object.)
# ("The coalition shot down two drones", "US air defences intercepted a missile": who downs a weapon
# defends against it; the weapon is the attacker's.)
_NOT_MODIFIER = re.compile(
    r"\b(?:bases?|troops|forces|personnel|positions?|and|or|said|says|told|added|stated|reported|has|have|had|is|are|was|were|will|would|"
    r"shot|shoots?|shooting|downs?|downed|downing|intercept(?:s|ed|ing)?|repel(?:s|led|ling)?|thwart(?:s|ed|ing)?|foil(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)


def perpetrator(text: str, start: int, end: int, actors: list[ActorMention], weapon_starts: list[int]) -> ActorMention | None:
    """The actor the clause ``text[start:end]`` says attacked, if it names one.

    ``actors`` are the actor mentions of the clause, ``weapon_starts`` the
    offsets of its weapon words.
    """
    if "ordered" in (seg := text[start:end]) or "commanded" in seg or "authori" in seg or "directed" in seg:
        if om := _PRESIDENT_ORDERED.search(text, start, end):
            # "Biden ordered air strikes on ...": the president's order is his forces' strike. (The name is
            # no alias of the US forces: "Biden said", "Trump's threats" name a speaker or a motive.)
            return ActorMention("US forces / US-led coalition", om.start(), om.end("who"))
    for a in actors:
        before = text[max(start, a.start - 45) : a.start]
        if ("not" in before or "never" in before) and _NEGATED_AGENT.search(before):
            continue  # "the attack was not carried out by X": X is ruled out, not named
        if _AGENT_BEFORE.search(before):
            return a  # "carried out by Iran-backed militias"
        if (by := _BY_BEFORE.search(before)) and _passive_agent(text, start, a.start - len(before) + by.start()):
            return a
        if side_of(a.name) in ("us", "israel") and (own := _STATE_STRIKE_AFTER.match(text, a.end, end)):
            # "mourners of the victims of the US airstrike": a state's strike is the state's, whatever
            # preposition comes before, when it is the clause's only weapon.
            if all(a.end <= w < own.end() for w in weapon_starts):
                return a
        if _VICTIM_BEFORE.search(before[-30:]) and not _CLAUSE_OPENER.search(before):
            continue  # "hosting US forces", "wounding a U.S. service member"
        if (said := _SPOKE.match(text, a.end, end)) is not None:
            # "The coalition said rockets hit its base": who speaks is not who fired, unless the
            # words are about the speaker itself ("said it had struck", "announced its jets hit").
            if _SELF_SUBJECT.match(text, said.end(), end):
                return a
            continue
        verb = _ACTIVE_VERB.match(text, a.end, end) or _SUBJECT_PARTICIPLE.match(text, a.end, end)
        if verb and not _GAP_STOP.search(verb.group("gap")):
            if _DEFENDING.match(text, verb.end(), end):
                continue  # "the embassy's air defences opened fire to intercept the rockets": the defender
            return a  # "Iran-backed militias launched", "US forces shelled"
        nxt = min((t for t in weapon_starts if t >= a.end), default=None)
        if nxt is not None and nxt - a.end <= 25:
            gap = text[a.end : nxt]
            if _MODIFIER_GAP.fullmatch(gap) and not _NOT_MODIFIER.search(gap):
                return a  # "US airstrikes", "Iranian missiles", "coalition artillery"
    return None


# =============================================================================== statements

# A claim: the attackers say they did it ("claimed responsibility", "took credit", "said on its
# Telegram channel that its fighters had struck ...", "announced it had targeted ...").
CLAIM = re.compile(
    # ("the attack that claimed the lives of three soldiers" is a death toll, not a claim.)
    r"\b(?:claimed(?!\s+(?:the\s+)?(?:[\w-]+\s+)?(?:lives?|victims?)\b)(?:\s+responsibility)?|took\s+credit|claiming\s+(?:responsibility|credit)|claims?\s+of\s+responsibility|has\s+claimed|"
    # ("said in a statement carried by state media that they had targeted ...")
    # ("say they targeted"; "said earlier in the day that it had launched": a time between the verb and "that".)
    # ("the IRGC has confirmed it launched the attack": the subject must be the named group, as below.)
    r"(?:said|says?|saying|announced|announcing|stated|declared|confirmed|confirming|claiming)\s+(?:on\s+\w+\s+|in\s+an?\s+(?:[\w-]+\s+){1,6}?|(?:[\w-]+\s+){1,5}?(?=that\b))?(?:that\s+)?"
    # ("announcing that resistance fighters attacked": the umbrella's word for its own members.)
    r"(?:it|they|(?:its|resistance|our)\s+(?:fighters|members|forces|units|drones|mujahideen)|the\s+group)\s+(?:had\s+|have\s+|has\s+)?"
    r"(?:was\s+behind|were\s+behind|carried\s+out|launched|targeted|struck|attacked|hit|fired|shelled|bombed)"
    # "endorsed the attack", "adopted the drone operation" (the Arabic word for claiming an operation).
    r"|(?:endorsed|adopted|endorsing|adopting)\s+(?:responsibility\s+for\s+)?(?:the\s+|an?\s+|this\s+|that\s+|both\s+|these\s+|\w+day['’]s\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:attacks?|strikes?|operations?|bombings?)"
    # The attacker's own framing of its attack: "launched missiles, in what it described as retaliation",
    # "launched what its armed forces called a powerful strike", "in what state media hailed as ...".
    r"|what\s+(?:it|they|its(?:\s+[\w-]+){1,3}?|(?:its\s+|the\s+)?state\s+(?:media|television|TV))\s+(?:described|called|termed|dubbed|hailed|labell?ed|said\s+(?:was|were))"
    # The attacker confirming its operation ("the IRGC confirmed the missile operation"): the subject
    # must be the named group (see :func:`attribution_statement`).
    r"|confirmed\s+the\s+(?:[\w-]+\s+){0,2}?(?:operations?|attacks?|strikes?)"
    # Its own framing of the attack as its answer ("Iranian officials said the attack was a response to ...",
    # "X justified the strikes as ..."): the subject must be the named group or state, before the verb.
    r"|(?:said|says|stated|insisted|added)\s+(?:that\s+)?(?:the|its|this|their)\s+(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|operations?)\s+"
    r"(?:was|were|is|are)\s+(?:an?\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,2}?(?:response|retaliation|revenge|reply)"
    r"|justif(?:ied|ies|ying)\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|operations?)"
    # Its state media confirming it ("the attack was first confirmed by Iranian state media"): see _CLAIMED_BY.
    r"|confirmed\s+(?:first\s+)?by\s+(?:the\s+)?(?:[\w'’-]+\s+){1,2}?state(?:-run|-owned)?\s+(?:media|television|TV|news\s+agency))\b",
    re.IGNORECASE,
)
_CLAIMED_BY = re.compile(
    r"\b(?:claimed|credit(?:ed)?|responsibility\s+was\s+claimed)\s+by\b"
    r"|\bconfirmed\s+(?:first\s+)?by\s+(?=(?:the\s+)?(?:[\w'’-]+\s+){1,2}?state(?:-run|-owned)?\s+(?:media|television|TV|news\s+agency))",
    re.IGNORECASE,
)
_NO_CLAIM = re.compile(
    r"\b(?:no|not|never|nobody|none|no\s+one|neither)\b[^.;]{0,40}\b(?:claim\w*|took\s+credit)|\bhave\s+never\s+been\s+claimed|\bunclaimed\b",
    re.IGNORECASE,
)
_BLAME = re.compile(
    r"\b(?:blamed|blames|blaming|accused|accuses|accusing|held\s+responsible|holds\s+responsible|assess(?:es|ed)?\s+that|"
    r"(?:were|was|(?:had|have|has)\s+been)\s+carried\s+out\s+by|attributed\s+to|"
    r"(?:said|saying|says|stating|added)\s+[^.;]{0,80}?\b(?:were|was|are|is)\s+(?:responsible|behind)|"
    # "attributed the attack to", "put the attacks down to", "pinned the strike on", "laid the blame on".
    r"attribut(?:ed|es|ing)\s+(?:[\w'’-]+\s+){1,10}?to|put\s+(?:[\w'’-]+\s+){1,5}?down\s+to|"
    r"pinn?(?:ed|ing|s)\s+(?:[\w'’-]+\s+){1,5}?on|la(?:id|ys|ying)\s+(?:the\s+)?blame)\b",
    re.IGNORECASE,
)
_HABIT_BEFORE = re.compile(r"\b(?:often|usually|mostly|generally|typically|frequently|routinely|commonly|largely|normally)\s+$", re.IGNORECASE)
_OF_A_KIND = re.compile(r"\b(?:such|similar|in\s+the\s+past|previous(?:ly)?|often|usually|regularly|typically|frequently)\b", re.IGNORECASE)
# "a militia blamed for the attack", "groups which are blamed for these attacks": a passive participle
# after the group it describes.
_BLAMED_FOR = re.compile(
    r"\b(?:(?:which|who|that)\s+(?:was|were|is|are|(?:has|have|had)\s+been)\s+)?(?:widely\s+)?blamed\s+for\s+(?:the|this|that|these|both)\b",
    re.IGNORECASE,
)
_ACTIVE_BLAME = re.compile(r"blam|accus|held|holds|assess|attribut(?!ed\s+to)|put|pinn?|la(?:id|ys|ying)", re.IGNORECASE)
# Words between a subject and its verb that are no part of the subject ("the Pentagon has since blamed").
_AUXILIARY = re.compile(r"(?:\s+(?:has|have|had|also|since|again|publicly|quickly|formally|already|swiftly|later|earlier))+$", re.IGNORECASE)
#: Hedges: the source believes, but does not say, that the actor did it.
HEDGE = re.compile(
    r"\b(?:likely|suspected|suspects?|working[- ](?:level\s+)?assumption|believed\s+to|believe[sd]?\s+(?:that\s+)?|probably|presumably|"
    r"thought\s+to|appears?\s+to|appeared\s+to|seems?\s+to|seemed\s+to|possibly|may\s+have|might\s+have)\b",
    re.IGNORECASE,
)
# An official body tying the weapon to a state or group, hedged or not: "the intelligence community believes
# the drone to have been of Iranian origin", "officials assess the rockets came from X" (the corpus rules:
# an official tying the weapons to a group blames it; "officials believe X launched" stays a suspicion).
_OFFICIAL_BELIEF = re.compile(
    r"\b(?:officials|intelligence(?:\s+(?:community|agencies|officials))?|Pentagon|military|Central\s+Command|CENTCOM|"
    r"government|administration|ministry)\s+(?:\w+\s+)?(?:believes?|assess(?:es)?)\s+(?:that\s+)?(?:the\s+|both\s+)?"
    r"(?:[\w-]+\s+)?(?:drones?|missiles?|rockets?|projectiles?|weapons?|UAVs?|munitions?)\s+(?:to\s+have\s+been|was|were|came|had\s+been)\b"
    r"(?!\s+(?:not|never)\b)",  # "officials believe the drone was not Iranian" ties it to no one
    re.IGNORECASE,
)
#: Suspicion the signs, not a person, voice: "bore the hallmarks of X", "indications point to X",
#: "launched from an area militias have used before", "a district used in the past by X to fire".
INDIRECT = re.compile(
    r"\b(?:bore|bears?|bearing|had|has|have|carried|carries|showed|shows)\s+(?:all\s+)?the\s+(?:hallmarks?|signature|fingerprints?|trademarks?)\s+of"
    r"|\b(?:indications?|evidence|signs?|clues?|initial\s+(?:findings|assessments?|indications?)|suspicion)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:points?|pointed|pointing|suggests?|suggested|indicates?|indicated)\s+(?:to|at|towards?|that)\b"
    r"|\bconsistent\s+with\s+(?:the\s+)?(?:previous\s+|past\s+|earlier\s+|other\s+)?(?:attacks|strikes|operations|tactics|methods)\s+(?:by|of)"
    # "strikes from several directions, characteristic of X's tactics", "typical of X"
    r"|\b(?:characteristic|typical)\s+of\b"
    r"|\b(?:used|employed)\s+(?:[\w-]+\s+){0,2}?(?:before|previously|in\s+the\s+past|repeatedly|often)\s+by"
    # "an area used by X in the past to launch rockets"
    r"|\b(?:used|employed)\s+by\s+(?:[\w'’.-]+\s+){1,6}?(?:before|previously|in\s+the\s+past|repeatedly|often)\b"
    r"|\b(?:have|has|had)\s+(?:[\w-]+\s+)?(?:used|employed)\s+(?:it\s+|them\s+)?(?:[\w-]+\s+){0,2}?(?:before|previously|in\s+the\s+past|for\s+(?:previous|earlier|past)\s+attacks)",
    re.IGNORECASE,
)
_ALLEGED = re.compile(r"\b(?:allegedly|purportedly)\b", re.IGNORECASE)
# "sites allegedly belonging to X", "a facility allegedly used by X": the owner of what was struck, not an accused.
_OWNER_BEFORE = re.compile(r"\b(?:belong(?:ed|ing|s)?\s+to|used\s+by|owned\s+by|run\s+by|operated\s+by)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# An armed group the clause names only by a common noun ("militias have used before").
_BARE_GROUP = re.compile(r"\b(?:militias?|militia\s+groups?|militia\s+factions?|armed\s+(?:groups?|factions?)|militants|factions?)\b", re.IGNORECASE)
# "the militias", "these groups" after a hedge: the armed group named just before.
_GROUP_REF = re.compile(r"\b(?:the|these|those)\s+(?:militias?|groups?|factions?|militants|militiamen)\b", re.IGNORECASE)
# "the group", "the militia": the claimant named in an earlier sentence.
_GROUP_ANAPHOR = re.compile(r"\b(?:the|this)\s+(?:same\s+)?(?:group|militia|faction|organi[sz]ation|umbrella(?:\s+group)?|alliance|coalition\s+of\s+\w+)\b|^\W*(?:it|they)\b", re.IGNORECASE)
# Substrings without which no statement pattern can match (most clauses have none).
_HINTS = (
    "claim", "credit", "responsib", "behind", "blame", "accus", "assess", "carried out by", "attributed", "likely",
    "suspect", "assumption", "believ", "probabl", "presum", "seem", "said it", "saying it", "said that it", "said its", "said on", "said in a",
    "saying its", "announced", "announcing", "say they", "says they", "says it", "that it had", "that they had", "that its",
    "thought to", "what it", "what they", "what its", "what state", "confirmed the", "confirmed it", "confirming it", "confirmed that", "appear", "possibl", "may have", "might have", "attribut", "endors", "adopt",
    "down to", "pinned", "laid", "lays", "allegedly", "purportedly", "hallmark", "signature", "fingerprint", "trademark",
    "indicat", "point", "suggest", "consistent with", "characteristic of", "typical of", "evidence", "employed", "have used", "has used", "had used",
    "used before", "used previously", "used in the past", "used repeatedly", "used often", "used by",
    "confirmed by", "confirmed first by", "justif", "was a response", "were a response", "was retaliation", "were retaliation",
    "was revenge", "were revenge", "was its response", "was a direct response", "was a reply",
)  # fmt: skip


_HINT = any_of(_HINTS)  # searched in lower-cased text: no IGNORECASE, faster


def _subject_of(gap: str) -> bool:
    """Whether the words between a name and its verb leave the name the subject ("X (IRGC) has", "X's spokesman")."""
    # ("X has confirmed", "X had earlier confirmed": an auxiliary keeps the name the subject.)
    gap = _AUXILIARY.sub("", gap.rstrip())
    return len(gap.split()) <= 3 and not _NOT_A_SPEAKER.search(gap) and not re.search(r"[,;:]\s*$", gap)


def has_statement_words(segment: str) -> bool:
    return _HINT.search(segment.lower()) is not None


def attribution_statement(
    text: str, start: int, end: int, actors: list[ActorMention], *, recent_actor: str | None = None, source: Source | None = None
) -> Attribution | None:
    """The claim, blame or suspicion the clause ``text[start:end]`` states, or None.

    ``actors`` are the clause's actor mentions; ``recent_actor`` the last armed
    group the report named before the clause (what "the group said it ..."
    refers to); ``source`` who is speaking in the clause's sentence (who
    suspects, when the clause itself does not say).
    """
    seg = text[start:end]
    if not has_statement_words(seg):
        return None
    if _NO_CLAIM.search(seg):
        # "..., although no group has claimed it": no claim, but a blame or suspicion of this attack beside
        # it stands; one of attacks of its kind ("have in the past blamed such rocket fire on X") does not.
        if _OF_A_KIND.search(seg):
            return None
    elif cm := CLAIM.search(seg):
        named = [a for a in actors if side_of(a.name) == "other" and a.start < start + cm.start()]
        if named and cm.group(0)[:7].lower() == "confirm":
            # "the IRGC confirmed the operation": only the group that is the verb's subject confirms its own
            # attack ("Iraqi officials confirmed the attack", an armed group named earlier, claim nothing).
            named = [a for a in named if _subject_of(text[a.end : start + cm.start()])]
        if named:
            return Attribution("claimed", named[0].name, "")  # the subject, not an apposition describing it
        if _CLAIMED_BY.search(seg) and (after := [a for a in actors if side_of(a.name) == "other" and a.start > start + cm.start()]):
            return Attribution("claimed", after[0].name, "")  # "responsibility was claimed by ..."
        if recent_actor and not [a for a in actors if a.start < start + cm.start()] and _GROUP_ANAPHOR.search(seg, 0, cm.start()):
            return Attribution("claimed", recent_actor, "")  # "the group said it had targeted ..."
        if recent_actor and (cb := _CLAIMED_BY.search(seg)) and _GROUP_ANAPHOR.match(seg, cb.end() + 1):
            return Attribution("claimed", recent_actor, "")  # "an attack also claimed by the same group"
    if (bm := _BLAME.search(seg)) and _HABIT_BEFORE.search(seg, max(0, bm.start() - 16), bm.start()):
        # "the base has often come under fire, mostly blamed on X": a habit of blame, said of a place's or a
        # campaign's history, not of this attack (a kind of attack put down to X is read whole, per sentence).
        bm = None
    if bm:
        blamed = [a for a in actors if a.start >= start + bm.start() and side_of(a.name) == "other"]
        if blamed:
            kind = "suspected" if HEDGE.search(seg) else "blamed"
            # "Washington blamed X": the subject blames; "..., who said the attacks were carried out
            # by X": the speaker of the sentence. Armed groups before the verb are what officials fight.
            by = [a for a in actors if a.end <= start + bm.start() and side_of(a.name) != "other"]
            verb = start + bm.start()
            subject = _AUXILIARY.sub("", re.split(r"[,;:]", seg[: bm.start()])[-1].strip())
            if _ACTIVE_BLAME.match(bm.group(0)) and by:
                who = source_label(text[by[-1].start : min(verb, by[-1].end + 20)])
            elif _ACTIVE_BLAME.match(bm.group(0)) and 0 < len(subject.split()) <= 8 and not _NOT_A_SPEAKER.search(subject):
                who = source_label(subject)  # "Kurdish officials blamed ..."
            elif source is not None and not source.anaphoric:
                who = source.label
            else:
                who = source_label(text[by[-1].start : min(verb, by[-1].end + 20)]) if by else ""
            return Attribution(kind, blamed[0].name, who)
        if (pm := _BLAMED_FOR.search(seg)) and (before := [a for a in actors if a.end <= start + pm.start() and side_of(a.name) == "other"]):
            # "depots of a militia group blamed for the attack": the group the participle describes
            kind = "suspected" if HEDGE.search(seg) else "blamed"
            return Attribution(kind, before[-1].name, source.label if source is not None and not source.anaphoric else "")
    if (am := _ALLEGED.search(seg)) and (near := [a for a in actors if _accused(text, start, start + am.start(), a)]):
        # "drones allegedly launched by X": someone alleges it, and the word reports that allegation (the
        # outlet's hedge on a blame, not a suspicion of its own): blamed, by whoever accuses in the clause.
        by = [a for a in actors if side_of(a.name) == "us" and a.end <= near[0].start]
        who = source_label(text[by[0].start : min(near[0].start, by[0].end + 20)]) if by else (source.label if source else "")
        return Attribution("blamed", near[0].name, who)
    if sm := HEDGE.search(seg):
        near = [a for a in actors if abs(a.start - (start + sm.start())) < 80 and side_of(a.name) == "other"]
        if not near and recent_actor and side_of(recent_actor) == "other" and (gm := _GROUP_REF.search(seg, sm.end())):
            # "... where pro-Iranian militias are deployed, and that his forces suspected the militias were
            # behind the attack": "the militias" are the group just named.
            near = [ActorMention(recent_actor, start + gm.start(), start + gm.end())]
        if near:
            by = [a for a in actors if side_of(a.name) == "us" and a.end <= near[0].start]
            who = source_label(text[by[0].start : min(near[0].start, by[0].end + 20)]) if by else (source.label if source else "")
            # "the intelligence community believes the drone was Iranian": an official ties the weapon to the
            # state (blamed); "likely", "suspected", "officials believe X launched" only suspect.
            official = _OFFICIAL_BELIEF.search(seg, max(0, sm.start() - 40)) is not None
            return Attribution("blamed" if official else "suspected", near[0].name, who)
    if im := INDIRECT.search(seg):
        return _indirect(seg, start, im, actors, recent_actor, source)
    return None


def _accused(text: str, start: int, alleged: int, a: ActorMention) -> bool:
    """Whether "allegedly" at ``alleged`` accuses the armed group ``a`` (near it, and not the owner of a site)."""
    return abs(a.start - alleged) < 60 and side_of(a.name) == "other" and not _OWNER_BEFORE.search(text, max(start, a.start - 30), a.start)


def _indirect(seg: str, start: int, im: re.Match, actors: list[ActorMention], recent_actor: str | None, source: Source | None):
    """Suspicion the signs voice ("bore the hallmarks of X"): the armed group named nearest, suspected."""
    groups = [a for a in actors if side_of(a.name) == "other"]
    if groups:
        actor = min(groups, key=lambda a: abs(a.start - (start + im.start()))).name
    elif recent_actor and side_of(recent_actor) == "other" and _BARE_GROUP.search(seg):
        actor = recent_actor  # "an area militias have used before": the armed group the report named
    else:
        return None
    who = source.label if source is not None and not source.anaphoric and side_of(source.actor) != "other" else ""
    return Attribution("suspected", actor, who)


# =============================================================================== report-level background

# A background sentence that ties itself to the report's attack: "No group has claimed it, but ...",
# "these attacks", "the latest in a series", "it was the third attack this week". Without such a tie a
# paragraph about an older campaign ("In 2020, militias were blamed for dozens of attacks") says
# nothing about this report's attacks, and neither does one about a kind of attack ("such attacks
# are usually blamed on ..."): that is what officials think of attacks like it, not of this one.
_LINKED = re.compile(
    r"\bno\s+(?:[\w-]+\s+){0,2}?(?:group|one|faction|organi[sz]ation|claims?)\b|\b(?:not|never)\s+(?:[\w-]+\s+){0,2}?claimed\b|\bunclaimed\b"
    r"|\bthese\s+(?:[\w-]+\s+)?(?:attacks|incidents|strikes|assaults|operations)\b|\bthe\s+latest\b"
    r"|\b(?:it|this|that)\s+(?:was|is)\s+the\s+(?:[\w-]+\s+)?(?:latest|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
# The report's own voice on who usually does this: "militias have been behind numerous assaults",
# "Iran-backed groups are often suspected in such incidents", "have claimed most similar attacks".
_HABITUAL = re.compile(
    r"\b(?:have|has|had)\s+(?:[\w-]+\s+)?been\s+(?:[\w-]+\s+)?behind"
    r"|\b(?:are|is|were|was|have\s+been|has\s+been)\s+(?:often|usually|frequently|widely|routinely|generally|typically|commonly|repeatedly|previously)\s+"
    r"(?:suspected|blamed|accused|held\s+responsible)"
    r"|\b(?:often|usually|frequently|widely|routinely|typically|commonly|repeatedly)\s+(?:blamed|suspected)\s+(?:on|for|of|in)"
    r"|\b(?:have|has)\s+(?:[\w-]+\s+)?(?:claimed|carried\s+out|launched|conducted)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:similar|such|previous|past|earlier|numerous|many|dozens|most|scores|hundreds)\b",
    re.IGNORECASE,
)


# A statement about a kind of attack the report tells, in its own voice (the lead's decision, round 8):
# "these strikes are generally attributed to X", "such assaults are typically claimed by X", "attacks like
# these are usually blamed on X" make X the suspect of every such attack of the report. A history of
# one place ("the site has come under attack, often blamed on X") names no kind and carries nothing.
#: The verbs that put a kind of attack on a group. A sentence without one of them (as plain
#: lower-case text) cannot be such a statement: the reader checks that before any regex.
KIND_VERBS = ("attributed to", "blamed on", "claimed by", "linked to", "pinned on", "carried out by")
_USUALLY_PUT_ON = re.compile(
    r"\b(?:usually|generally|typically|often|commonly|widely|mostly|frequently|routinely|largely|normally|mainly)\s+(?:been\s+)?"
    r"(?:" + "|".join(v.replace(" ", r"\s+") for v in KIND_VERBS) + r")\b"
)  # searched in lower-cased text
_KIND_OF_ATTACK = re.compile(
    r"\b(?:such|these|those|similar)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?(?:[\w-]+\s+){0,2}?(?:attacks|strikes|assaults|incidents|operations|bombings)\b"
    r"|\b(?:attacks|strikes|assaults|incidents)\s+(?:like|such\s+as)\s+(?:these|this|it|them)\b|\bthis\s+(?:kind|type|sort)\s+of\b"
)  # searched in lower-cased text


def kind_suspicion(low: str, actors: list[ActorMention], offset: int) -> Attribution | None:
    """ "Such strikes are generally attributed to X": the report suspects X of its attacks of that kind.

    ``low`` is the lower-cased sentence that starts at ``offset`` in the report; ``actors`` its actor mentions.
    The suspect is the armed group named after the verb; nobody in particular voices it (``by`` is left
    to the caller: the outlet, whose words they are).
    """
    um = _USUALLY_PUT_ON.search(low)
    if um is None or not _KIND_OF_ATTACK.search(low, 0, um.start()):
        return None
    after = [a for a in actors if a.start >= offset + um.end() and side_of(a.name) == "other"]
    if not after:
        return None
    return Attribution("suspected", after[0].name, "", (offset, offset + len(low)))


def linked_to_report(segment: str) -> bool:
    """Whether a background clause speaks of the report's attack ("such attacks", "the latest in ...")."""
    return _LINKED.search(segment) is not None


def habitual_suspicion(text: str, start: int, end: int, actors: list[ActorMention]) -> Attribution | None:
    """ "Militias have been behind similar attacks": the report suspects the group it names, on no one's word."""
    hm = _HABITUAL.search(text, start, end)
    if hm is None:
        return None
    groups = [a for a in actors if side_of(a.name) == "other"]
    if not groups:
        return None
    before = [a for a in groups if a.end <= hm.start()]
    return Attribution("suspected", (before[-1] if before else groups[0]).name, "", (start, end))


# =============================================================================== sources

class Source(NamedTuple):
    """Who speaks in a sentence ("..., the coalition said"; "according to Iraqi officials")."""

    label: str  # "US-led coalition", "US officials", "Iraqi officials", ... or the speaker's own words
    actor: str  # the canonical actor the speaker is, "Unknown" for a ministry, a monitor, a source
    anaphoric: bool = False  # "the statement said", "he added": the speaker of an earlier sentence


_SPEECH = (
    r"(?:said|says|added|stated|reported|announced|confirmed|noted|wrote|posted|indicated|"
    r"told\s+(?:reporters|journalists|the\s+[A-Z]\w*|[A-Z][\w.]*|an?\s+\w+))"
)
_TRAILING_SOURCE = re.compile(
    rf"(?:,|[”\"])\s*(?P<who>[^,;“”\"]{{2,90}}?)\s+{_SPEECH}\b(?P<tail>[^,;“”\"]{{0,60}}?)"
    # ("..., state television reported, marking a dramatic escalation": the outlet's comment after the source.)
    r"(?:,\s+(?:marking|signall?ing|raising|amid|as|in\s+what|the\s+latest)\b[^;“”\"]{0,200}?)?"
    r"[.!?]?[”\"]?\s*$"
)
# A name's characters: no clause punctuation, but the full stops of "U.S." ("according to U.S. officials").
# (Unrolled: a run of plain characters, then at most a few initials' stops, each with its own run.)
_NAME = r"[^,.;“”\"]{{1,{n}}}(?:(?<=\b[A-Z])\.[^,.;“”\"]{{0,{n}}}){{0,3}}"
_SAID_WHO = re.compile(r"[”\"],?\s+(?:said|added)\s+(?P<who>" + _NAME.format(n=60) + ")")
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<who>" + _NAME.format(n=90) + ")", re.IGNORECASE)
_LEADING_SOURCE = re.compile(rf"^\W*(?P<who>[^;“”\"]{{2,160}}?)\s+(?:(?:also|later|earlier|separately|then|further)\s+)?{_SPEECH}\b")
# A phrase with one of these is a clause, not the name of a speaker.
_NOT_A_SPEAKER = re.compile(
    r"\b(?:was|were|is|are|had|has|have|been|landed|hit|struck|fired|launched|targeted|attacked|killed|wounded|injured|"
    r"shot|downed|exploded|came|caused|causing|leaving|when|after|while|that|which)\b",
    re.IGNORECASE,
)
_ANAPHORIC = re.compile(
    r"^(?:it|he|she|they|the\s+(?:statement|official|officials|spokesman|spokeswoman|spokesperson|officer|source|sources|"
    r"release|report|military|ministry))$",
    re.IGNORECASE,
)


def speaker(sentence: str) -> Source | None:
    """Who the sentence reports the words of, if anyone."""
    for rx in (_ACCORDING, _TRAILING_SOURCE, _SAID_WHO):
        if (m := rx.search(sentence)) and not _NOT_A_SPEAKER.search(m.group("who")):
            return _source(m.group("who"))
    if (m := _LEADING_SOURCE.match(sentence)) and not _NOT_A_SPEAKER.search(who := m.group("who").split(",")[0]):
        return _source(who)
    return None


def _source(who: str) -> Source:
    who = re.sub(r"\s+", " ", who).strip()
    bare = re.sub(r"^(?:the|a|an)\s+", "", who, flags=re.IGNORECASE)
    if _ANAPHORIC.match(who):
        return Source(bare, "Unknown", anaphoric=True)
    return Source(source_label(who), canonical_actor(who))


# "President X issued a statement announcing ...": the speaker is the person, not the statement.
_STATEMENT_TAIL = re.compile(
    r"\s+(?:issued|released|posted|published|put\s+out|sent)\s+(?:a|an|its|his|her|their)\s+(?:[\w-]+\s+)?(?:statement|post|message|video|note)\b.*$",
    re.IGNORECASE,
)


def source_label(who: str) -> str:
    """A short name for who made a statement: "US-led coalition", "US officials", "Iraqi officials", ..."""
    who = _STATEMENT_TAIL.sub("", who)
    actor = canonical_actor(who)
    if re.search(r"\bcoalition\b|Inherent\s+Resolve|\bCJTF\b", who, re.IGNORECASE):
        return "US-led coalition"
    if actor == "US forces / US-led coalition":
        return "US officials"
    if side_of(actor) == "other" and actor != "Unknown":
        return actor
    if re.search(r"\bIraq(?:i|'s|’s)?\b|Joint\s+Operations\s+Command|Security\s+Media\s+Cell", who):
        return "Iraqi officials"
    if re.search(r"\bKurd|Peshmerga|Asayish|Erbil", who):
        return "Kurdish officials"
    if actor == "SDF":
        return "SDF"
    if re.search(r"Observatory|\bSOHR\b", who):
        return "Syrian Observatory for Human Rights"
    return re.sub(r"^(?:the|a|an)\s+", "", re.sub(r"\s+", " ", who).strip(), flags=re.IGNORECASE)


# =============================================================================== what a statement is about

_PLURAL_REF = re.compile(
    r"\b(?:the|these|those|both|all|all\s+the|recent|latest|(?:mon|tues|wednes|thurs|fri|satur|sun)day'?s)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attacks|strikes|operations|incidents|assaults|barrages)\b|\bboth\s+(?:attacks|operations|incidents)\b|\bthese\s+(?:are|were)\b",
    re.IGNORECASE,
)
# Asked of most clauses, held by few: searched only where their words are (see .lowered.Hinted).
INDIRECT, _PLURAL_REF = (Hinted(rx) for rx in (INDIRECT, _PLURAL_REF))
_SINGULAR_REF = re.compile(
    r"\b(?:the|this|that|(?:mon|tues|wednes|thurs|fri|satur|sun)day'?s)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attack|strike|operation|bombing|barrage|incident|assault|shelling)\b",
    re.IGNORECASE,
)


# "The series of attacks was likely the work of X", "this wave of strikes": the series the report tells,
# whatever the day of each of its attacks (an indefinite "a series of attacks" is a campaign).
_SERIES_REF = re.compile(
    r"\b(?:the|this|that)\s+(?:latest\s+|recent\s+)?(?:series|string|spate|wave|spree)\s+of\s+(?:[\w-]+\s+){0,4}?(?:attacks|strikes|incidents|assaults)\b",
    re.IGNORECASE,
)


def told_series(segment: str) -> re.Match[str] | None:
    """ "the series of attacks", "this wave of strikes": the series of attacks the report tells."""
    if not any(w in segment for w in ("series", "wave", "spate", "string", "spree")):  # cheap test first
        return None
    return _SERIES_REF.search(segment)


def statement_scope(segment: str) -> str:
    """ "kind" ("the series of attacks"), "plural" ("the attacks", "both operations"), "singular" ("the attack") or "" (unsaid)."""
    if told_series(segment):
        return "kind"
    if _PLURAL_REF.search(segment):
        return "plural"
    if _SINGULAR_REF.search(segment):
        return "singular"
    return ""
