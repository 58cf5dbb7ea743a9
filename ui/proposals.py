"""The Ingest page's proposed incidents as cards, for a phone.

The review table (``st.data_editor``, nineteen columns) scrolled sideways on a 390 px
phone: the date, a checkbox and half the confidence bar showed, the place and the actor
were off screen. Below :data:`ui.layout.NARROW_PX` the page shows these cards instead
(:mod:`ui.style` hides the table there), each field of a proposal whole, and a "Save this
incident" box per card (the table's "save" column is out of reach on a phone). Editing a
field still needs the table: a wider screen, or the phone turned sideways.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.incidents import GEO_PRECISIONS
from ui.cards import Card
from ui.table import actor_line

__all__ = ["PHONE_INTRO", "proposal_cards"]

PHONE_INTRO = (
    "Each proposed incident is a card here, every field shown. Untick 'Save this incident' under its card to "
    "leave it out. To correct a field, use a wider screen or turn the phone sideways: the table there is editable."
)


def _number(value) -> str:
    """A count as text: "unknown" for an empty cell (NaN or None), else the integer."""
    return "unknown" if pd.isna(value) else f"{int(value):,}"


def proposal_cards(rows: pd.DataFrame, methods: Sequence[str]) -> list[Card]:
    """One card per row of the review table (in its order, with the reviewer's edits): ``methods`` are
    how each proposal's place was found, as the expanders below name them."""
    cards = []
    for i, (row, method) in enumerate(zip(rows.itertuples(index=False), methods)):
        by = f"by {row.attributed_by}" if row.attributed_by else ""
        precision = GEO_PRECISIONS.get(int(row.geo_precision), f"precision {row.geo_precision}")
        cards.append(
            Card(
                title=f"{i + 1}. {row.date} · {row.event_type}{' (intercepted)' if row.intercepted else ''} "
                f"· {row.site_name}",
                lines=(
                    f"Confidence {row.confidence:.2f}" + (f": {row.why}" if row.why else ""),
                    f"Date precision: {row.date_precision}",
                    f"Place: {row.site_name} ({method}), {row.country or 'country unknown'}, "
                    f"{row.lat:.4f}, {row.lon:.4f} ({precision})"
                    + (f", gazetteer id {row.site_id}" if row.site_id else ""),
                    actor_line(row.actor_family or "unknown", row.actor or "unknown", row.attribution, by),
                    f"Munitions {_number(row.munitions)} · killed {_number(row.killed)} · "
                    f"injured {_number(row.injured)}" + (f" · damage: {row.damage}" if row.damage else ""),
                ),
            )
        )
    return cards
