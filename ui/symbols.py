"""How an incident looks on the map: colour by actor family, shape by event type.

The dashboard colours by family (:func:`family_colours`: Iran-aligned militias,
Iran, US, coalition, ISIS, other, unknown), each with a fixed colour, so the
legend stays put while the analyst narrows the filters. :func:`actor_colours`
colours single actors instead (most frequent first, from the whole data set).
Pure functions, no Streamlit.

Shapes are CSS ``clip-path`` polygons on a small ``divIcon``: cheap to draw,
distinguishable at 12 px, and the same CSS draws the legend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.actors import FAMILIES
from geo.incidents import EVENT_TYPES

__all__ = [
    "OTHER_ACTOR",
    "OTHER_COLOUR",
    "PALETTE",
    "SHAPES",
    "UNKNOWN_ACTOR",
    "UNKNOWN_COLOUR",
    "FAMILY_COLOURS",
    "ActorColours",
    "actor_colours",
    "family_colours",
    "marker_css",
]

# Colour-blind-friendly categorical palette (Okabe-Ito plus two darker tones);
# grey is kept for "Unknown" and "other actors".
PALETTE = (
    "#d55e00",  # vermillion
    "#0072b2",  # blue
    "#009e73",  # green
    "#cc79a7",  # purple-pink
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#8c564b",  # brown
    "#6a3d9a",  # violet
    "#b8a800",  # olive yellow
)
UNKNOWN_ACTOR = "Unknown"
UNKNOWN_COLOUR = "#4d4d4d"
OTHER_ACTOR = "Other actors"
OTHER_COLOUR = "#9e9e9e"

# event type -> CSS clip-path (None: a circle, drawn with border-radius).
SHAPES: dict[str, str | None] = {
    "rocket": "polygon(50% 0,100% 100%,0 100%)",
    "missile": "polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)",
    "drone": "polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "indirect_fire": None,
    "artillery": "polygon(8% 8%,92% 8%,92% 92%,8% 92%)",
    "rpg": "polygon(0 0,100% 0,50% 100%)",
    "ied": "polygon(25% 0,75% 0,100% 50%,75% 100%,25% 100%,0 50%)",
    "small_arms": "polygon(35% 0,65% 0,65% 35%,100% 35%,100% 65%,65% 65%,65% 100%,35% 100%,35% 65%,0 65%,0 35%,35% 35%)",
    "airstrike": "polygon(50% 0,100% 38%,82% 100%,18% 100%,0 38%)",
    "other": "polygon(30% 0,70% 0,100% 30%,100% 70%,70% 100%,30% 100%,0 70%,0 30%)",
}
assert set(SHAPES) == set(EVENT_TYPES), "every event type needs a shape"


@dataclass(frozen=True)
class ActorColours:
    """Actor -> colour, with a grey for the long tail and one for Unknown.

    ``label_of`` (actor -> legend label) colours actors by a group of theirs, their
    family (:func:`family_colours`): then ``named`` is keyed by that label.
    """

    named: Mapping[str, str]
    label_of: Mapping[str, str] = field(default_factory=dict)

    def _label(self, actor: str | None) -> str | None:
        return self.label_of.get(actor, actor) if self.label_of and actor else actor

    def colour(self, actor: str | None) -> str:
        label = self._label(actor)
        if not label or label == UNKNOWN_ACTOR:
            return UNKNOWN_COLOUR
        return self.named.get(label, OTHER_COLOUR)

    def group(self, actor: str | None) -> str:
        """The legend entry an actor falls under."""
        label = self._label(actor)
        if not label or label == UNKNOWN_ACTOR:
            return UNKNOWN_ACTOR
        return label if label in self.named else OTHER_ACTOR

    def legend(self, present: Iterable[str]) -> list[tuple[str, str]]:
        """(label, colour) rows for the actors in ``present``, in palette order."""
        present = {self._label(a) for a in present}
        rows = [(a, c) for a, c in self.named.items() if a in present]
        if any(a not in self.named and a != UNKNOWN_ACTOR for a in present):
            rows.append((OTHER_ACTOR, OTHER_COLOUR))
        if UNKNOWN_ACTOR in present:
            rows.append((UNKNOWN_ACTOR, UNKNOWN_COLOUR))
        return rows

    def series(self, actors: pd.Series) -> pd.Series:
        """Vectorised :meth:`colour` for a column of actors."""
        labels = actors.map(self.label_of).fillna(actors) if self.label_of else actors
        return labels.map(self.named).fillna(OTHER_COLOUR).where(labels.ne(UNKNOWN_ACTOR), UNKNOWN_COLOUR)


def actor_colours(actors: pd.Series) -> ActorColours:
    """Give the most frequent named actors their own colour (ties broken by name)."""
    counts = actors[actors.ne(UNKNOWN_ACTOR) & actors.notna()].value_counts()
    counts = counts[counts > 0]  # a categorical column counts its unused categories too
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: len(PALETTE)]
    return ActorColours({actor: PALETTE[i] for i, (actor, _) in enumerate(ranked)})


# Family -> colour: fixed, so a family keeps its colour across data sets and links.
FAMILY_COLOURS = {
    "iran_aligned": PALETTE[0],  # vermillion
    "iran": PALETTE[7],  # violet
    "us": PALETTE[1],  # blue
    "coalition": PALETTE[5],  # sky blue
    "isis": PALETTE[6],  # brown
    "other": PALETTE[2],  # green
}


def family_colours(actors: pd.Series, families: pd.Series) -> ActorColours:
    """Colour every actor by its family (the stored ``actor_family`` of its incidents).

    An actor stored under several families (an ACLED "Unidentified Armed Group" whose
    associated actor said more) takes the family most of its incidents have (on a tie,
    the family whose key sorts first).
    """
    # Counted on category codes (the snapshot's columns are categorical already): a table of
    # actors x families, with no Python object per row (~0.2 s of a cold start at a million).
    actor, family = actors.astype("category"), families.astype("category")
    a, f = actor.cat.codes.to_numpy().astype(np.int64), family.cat.codes.to_numpy().astype(np.int64)
    n_families = len(family.cat.categories)
    known = (a >= 0) & (f >= 0)
    counts = np.bincount(a[known] * n_families + f[known], minlength=len(actor.cat.categories) * n_families)
    family_keys = family.cat.categories.astype(object)
    label_of = {}
    for name, row in zip(actor.cat.categories.astype(object), counts.reshape(-1, max(n_families, 1))):
        if row.any():
            key = min((family_keys[i] for i in np.flatnonzero(row == row.max())), key=str)
            label_of[name] = UNKNOWN_ACTOR if key == "unknown" else FAMILIES.get(key, OTHER_ACTOR)
    return ActorColours({FAMILIES[k]: c for k, c in FAMILY_COLOURS.items()}, label_of)


def marker_css() -> str:
    """CSS for the marker shapes (map and legend share it)."""
    rules = [
        ".ia-mk{width:14px;height:14px;filter:drop-shadow(0 0 1px #000) drop-shadow(0 0 1px #fff);}",
        ".ia-mk i{display:block;width:100%;height:100%;}",
        ".ia-mk.ia-x{opacity:.55;}",
        # Leaflet positions the icon with an inline transform, so the selection grows the inner shape.
        ".ia-mk.ia-sel{filter:drop-shadow(0 0 2px #000) drop-shadow(0 0 4px #ffeb3b) drop-shadow(0 0 4px #ffeb3b);}",
        ".ia-mk.ia-sel i{transform:scale(1.7);}",
    ]
    for key, clip in SHAPES.items():
        shape = f"clip-path:{clip};" if clip else "border-radius:50%;"
        rules.append(f".ia-t-{key} i{{{shape}}}")
    return "\n".join(rules)
