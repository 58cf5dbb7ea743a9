"""The app-wide style sheet: what every page needs at phone and desktop widths.

Put in every page by :func:`ui.common.page_setup` (a ``<style>``-only ``st.html``
takes no space). Page-specific layout stays with its page (:mod:`ui.layout` for
the map page); these rules are the ones any page can trip over:

* a date is one word: "2021-04-18" never breaks at its hyphens (:func:`caption_html`
  marks the dates in a caption; a browser otherwise breaks a line after any hyphen);
* a data grid's toolbar (show columns, download, search, full screen) floats above
  the grid's top edge: the grid gets that room, so it no longer covers the line above;
* a static table's (``st.table``) cell text wraps at the table's width, not at Streamlit's 400 px;
* below :data:`ui.layout.NARROW_PX` a data grid (one line per row, canvas-drawn: it scrolls
  sideways) gives way to a list of cards (:mod:`ui.cards`), each field whole; a container keyed
  ``ia_narrow_...`` (:data:`NARROW_ONLY`) shows on a phone only.
"""

from __future__ import annotations

import html
import re

import streamlit as st

from ui.layout import NARROW_PX  # Streamlit stacks columns below this width: a phone

__all__ = ["CAPTION_CLASS", "CARDS_CLASS", "GRID_CLASS", "NARROW_ONLY", "NOBREAK_CLASS", "app_css", "apply", "caption_html"]

NOBREAK_CLASS = "ia-nb"
CAPTION_CLASS = "ia-caption"  # st.caption's look (its grey is the text colour at 60 %)
GRID_CLASS = "ia_grid"  # the key prefix of a grid's container that holds its cards too (``st-key-ia_grid_...``)
CARDS_CLASS = "ia-cards"
NARROW_ONLY = "ia_narrow"  # the key prefix of a container shown on a phone only (``st-key-ia_narrow_...``)
_TOOLBAR_PX = 34  # Streamlit's element toolbar: 28 px of buttons plus its offset above the element
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def app_css() -> str:
    """The style sheet (a ``<style>`` element)."""
    grid = f'[class*="st-key-{GRID_CLASS}_"]'
    return f"""<style>
.{NOBREAK_CLASS}{{white-space:nowrap;}}
.{CAPTION_CLASS}{{font-size:.875rem;opacity:.6;margin:0;}}
[data-testid="stElementContainer"]:has([data-testid="stDataFrame"]){{margin-top:{_TOOLBAR_PX}px;}}
[data-testid="stTable"] td [data-testid="stMarkdownContainer"]{{max-width:none;}}  /* a cell wrapped at 400 px */
.{CARDS_CLASS} ul{{list-style:none;margin:0;padding:0;}}
.{CARDS_CLASS} > ul > li{{border:1px solid rgba(128,128,128,.35);border-radius:8px;padding:.45rem .7rem;margin:0 0 .5rem;
  overflow-wrap:anywhere;}}
.{CARDS_CLASS} p{{margin:0;font-size:.9rem;line-height:1.4;}}
.{CARDS_CLASS} .ia-ct{{font-weight:600;font-size:1rem;}}
.{CARDS_CLASS} .ia-cl a{{display:inline-block;margin:.25rem 1.25rem 0 0;padding:.2rem 0;}}  /* a finger's target */
.{CARDS_CLASS} .ia-ce li{{font-size:.9rem;line-height:1.4;padding-left:.8rem;text-indent:-.8rem;}}
.{CARDS_CLASS} .ia-ce li:before{{content:"– ";}}
.{CARDS_CLASS} .ia-cm summary{{cursor:pointer;font-size:.9rem;padding:.3rem 0;opacity:.8;}}  /* a finger's target */
.{CARDS_CLASS} .ia-cn{{margin-bottom:.5rem;opacity:.75;}}
@media (min-width:{NARROW_PX + 1}px){{ .{CARDS_CLASS},[class*="st-key-{NARROW_ONLY}_"]{{display:none;}} }}
@media (max-width:{NARROW_PX}px){{
  {grid} [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]),[class*="st-key-{GRID_CLASS}_"][class*="_caption"]
    {{display:none;}}
}}
</style>"""


def apply() -> None:
    """Put :func:`app_css` in the page."""
    st.html(app_css())


def caption_html(text: str) -> str:
    """``text`` as a caption (``st.html``: escaped, no Markdown, so no Markdown element allows HTML)
    with every ISO date in it kept on one line."""
    escaped = html.escape(text)
    return f'<p class="{CAPTION_CLASS}">' + _ISO_DATE.sub(rf'<span class="{NOBREAK_CLASS}">\1</span>', escaped) + "</p>"
