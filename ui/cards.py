"""A data grid that is a list of cards on a phone.

``st.dataframe`` draws one line per row on a canvas: on a 390 px phone it showed
two and a half columns of the incidents (date, date precision, half the type) and
scrolled sideways for the place, the actor and the rest. :func:`show_grid` draws
the grid and, beside it, the same rows as cards (a title, a few lines of fields,
links) in one keyed container; the app's style sheet (:mod:`ui.style`) shows the
grid on wider screens and the cards below :data:`ui.layout.NARROW_PX`.

Every text is escaped here, and ``st.html`` sanitises the markup again; links are
the grid's own (built from validated ids, or ``safe_url``-checked).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.common import safe_url
from ui.style import CARDS_CLASS, GRID_CLASS

__all__ = ["CARD_ROWS", "ENTRIES_SHOWN", "Card", "cards_html", "show_grid"]

CARD_ROWS = 200  # cards drawn at most (the first rows, in the grid's order): a phone scrolls, it does not search
# A card's list (an incident's sources) shows this many entries, then "and N more" that unfolds the rest:
# an incident reported by twenty outlets made a card several screens long.
ENTRIES_SHOWN = 3


@dataclass(frozen=True)
class Card:
    """One row as a card: ``title`` in bold, each of ``lines`` (plain text) under it, then ``entries``
    (the incident's sources: (text, href) pairs, a text linked when it has an address) as a list
    that shows the first :data:`ENTRIES_SHOWN`, then ``links`` as (label, href) pairs. Empty lines
    and links without an address are left out."""

    title: str
    lines: tuple[str, ...] = ()
    links: tuple[tuple[str, str | None], ...] = ()
    entries: tuple[tuple[str, str | None], ...] = ()
    entries_name: str = "sources"  # what the entries are, in "and 4 more sources"


def cards_html(cards: Sequence[Card], *, total: int | None = None, intro: str = "") -> str:
    """The cards as one escaped ``<ul>`` after ``intro``, with a note when ``total`` says more rows exist than
    are drawn."""
    items = []
    for card in cards:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in card.lines if line)
        links = " ".join(_link(label, href) for label, href in card.links if _linkable(href))
        items.append(
            f'<li><p class="ia-ct">{html.escape(card.title)}</p>{lines}{_entries_html(card)}'
            + (f'<p class="ia-cl">{links}</p>' if links else "")
            + "</li>"
        )
    note = intro
    if total is not None and total > len(cards):
        note += (
            f" The first {len(cards):,} of {total:,}. A wider screen shows them all in a table; "
            "the downloads hold every one."
        )
    note = f'<p class="ia-cn">{html.escape(note.strip())}</p>' if note.strip() else ""
    return f'<div class="{CARDS_CLASS}">{note}<ul>{"".join(items)}</ul></div>'


def _link(text: str, href: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def _entries_html(card: Card) -> str:
    """The card's entries as a list: the first :data:`ENTRIES_SHOWN`, the rest folded under "and N more"
    (a ``<details>``: no script, and the rest is one tap away rather than on another page)."""
    entries = [(text, href) for text, href in card.entries if text]
    if not entries:
        return ""

    def item(text: str, href: str | None) -> str:
        return f"<li>{_link(text, href) if _linkable(href) else html.escape(text)}</li>"

    # Folding one entry would save no room: "and 1 more" takes the line the entry takes.
    shown = entries if len(entries) <= ENTRIES_SHOWN + 1 else entries[:ENTRIES_SHOWN]
    out = '<ul class="ia-ce">' + "".join(item(*e) for e in shown) + "</ul>"
    rest = entries[len(shown):]
    if rest:
        name = html.escape(card.entries_name)
        out += (
            f'<details class="ia-cm"><summary>and {len(rest)} more {name}</summary>'
            f'<ul class="ia-ce">{"".join(item(*e) for e in rest)}</ul></details>'
        )
    return out


def _linkable(href: str | None) -> bool:
    """An app-relative path (the map links) or an absolute http(s) address: never ``javascript:``
    or another scheme, whoever builds the card (DOMPurify in ``st.html`` is the second guard)."""
    return bool(href) and (href.startswith("/") and not href.startswith("//") or safe_url(href) is not None)


def show_grid(
    key: str, frame, cards: Iterable[Card], *, limit: int = CARD_ROWS, caption: str = "", intro: str = "",
    **dataframe_kwargs,
) -> None:
    """``st.dataframe(frame, key=key, **dataframe_kwargs)`` under ``caption`` on wide screens, the first
    ``limit`` of ``cards`` (one per row of ``frame``, in its order) under ``intro`` on a phone."""
    drawn = []
    for card in cards:
        if len(drawn) == limit:
            break
        drawn.append(card)
    with st.container(key=f"{GRID_CLASS}_{key}"):
        if caption:  # says how to use the grid ("click a column header to sort"): not for the cards
            with st.container(key=f"{GRID_CLASS}_{key}_caption"):
                st.caption(caption)
        st.dataframe(frame, key=key, **dataframe_kwargs)
        st.html(cards_html(drawn, total=len(frame), intro=intro))
