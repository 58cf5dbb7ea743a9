"""The map page's layout: the map fills the screen below a compact header.

Streamlit sizes a component's iframe in pixels (``st_folium(height=...)``), and
a fixed height is wrong on every screen but one: 560 px left the legend below
the fold at 1280×800 and started the map at y≈695 on a phone. So the page sets
the map's height in CSS instead, as the viewport height minus what sits above
it (:data:`MAP_OFFSET_PX`, :data:`MAP_OFFSET_NARROW_PX`); the map document
itself follows its iframe (``#map_div`` in :mod:`ui.maplayers`), and Leaflet
redraws on the iframe's resize event. The rules are scoped to the keyed
containers of the map page (``st.container(key=...)`` gives them a
``st-key-<key>`` class), so the other pages' maps keep their own heights.

On wide screens the details panel sits beside the map and scrolls within the
map's height; below Streamlit's column breakpoint (640 px) the columns stack,
and the panel becomes a bottom sheet over the map (only while an incident is
selected; its "Clear selection" button closes it).
"""

from __future__ import annotations

import streamlit as st

__all__ = [
    "COLLAPSED_PX",
    "COVER_KEY",
    "DETAILS_KEY",
    "DETAILS_MIN_PX",
    "HEAD_KEY",
    "HINT_KEY",
    "MAP_KEY",
    "MAP_OFFSET_NARROW_PX",
    "MAP_OFFSET_PX",
    "NARROW_PX",
    "SHEET_KEY",
    "TOP_BAR_PAD_REM",
    "map_page_css",
    "map_page_style",
]

HEAD_KEY = "ia_head"  # title and headline figures
COVER_KEY = "ia_cover"  # the period the data covers (one line under them)
MAP_KEY = "ia_mapbox"  # the map's container
DETAILS_KEY = "ia_details"  # the details panel's container
SHEET_KEY = "ia_sheet"  # the selected incident's details (the bottom sheet on a phone)
HINT_KEY = "ia_hint"  # "click a marker" when nothing is selected (left out on a phone)
NARROW_PX = 640  # Streamlit stacks columns below this width
# The details panel (with an incident in it) is at least this wide beside the map: at 1280 px its 2/7 share left the
# heading ("Missile (ballistic or cruise)") three lines, the date split at a hyphen.
DETAILS_MIN_PX = 300
# What is above the map, plus a margin: Streamlit's top bar and padding, the header (at 1280 px
# the figures wrap under the title) and the data's coverage under it.
MAP_OFFSET_PX = 158
# At or below this width Streamlit starts with the sidebar folded, and its 60 px top bar (the
# button that opens the sidebar) is opaque: at 768×1024 it covered the top of the title.
COLLAPSED_PX = 768
TOP_BAR_PAD_REM = 4  # the page starts below that bar (64 px; 3.25rem = 52 px beside an open sidebar)
_TOP_BAR_EXTRA_PX = 12
# On a phone the header wraps: the title, then the figures on two lines, then the coverage on
# up to three (cut to one line, it lost everything after the data's dates, ending in "…").
MAP_OFFSET_NARROW_PX = 250


def map_page_css() -> str:
    """The map page's style sheet (a ``<style>`` element)."""
    iframe = f".st-key-{MAP_KEY} iframe"
    details = f".st-key-{DETAILS_KEY}"
    sheet = f".st-key-{SHEET_KEY}"  # only while an incident is shown: the hint alone leaves the map its width
    return f"""<style>
[data-testid="stMainBlockContainer"]{{padding-top:3.25rem;padding-bottom:2rem;}}
.st-key-{HEAD_KEY}{{row-gap:0;align-items:baseline;}}  /* the figures sit on the title's line, not above it */
.st-key-{HEAD_KEY} h1{{font-size:1.45rem;padding:0;}}
.st-key-{HEAD_KEY} p{{margin:0;}}
/* Streamlit pulls Markdown's bottom up by the paragraph's margin (gone here): without this the figures' box is
   10 px tall and, wrapped under the title (1280 px), the coverage line rode up against them */
.st-key-{HEAD_KEY} [data-testid="stMarkdownContainer"]{{margin-bottom:0;}}
.st-key-{COVER_KEY} p{{margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;}}
.st-key-{COVER_KEY}{{margin-top:-.6rem;}}
{iframe}{{height:calc(100vh - {MAP_OFFSET_PX}px) !important;min-height:320px;display:block;}}
{details}{{max-height:calc(100vh - {MAP_OFFSET_PX}px);overflow-y:auto;}}
{details} h4{{font-size:1.1rem;padding:0 0 .2rem;}}
@media (min-width:{NARROW_PX + 1}px){{  /* the map's column gives way (no wrapping under the map) */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] {sheet}){{flex-wrap:nowrap;}}
  [data-testid="stColumn"]:has({sheet}){{min-width:{DETAILS_MIN_PX}px;}}
}}
@media (max-width:{COLLAPSED_PX}px){{  /* below the top bar, opaque while the sidebar is folded */
  [data-testid="stMainBlockContainer"]{{padding-top:{TOP_BAR_PAD_REM}rem;}}
  {iframe}{{height:calc(100vh - {MAP_OFFSET_PX + _TOP_BAR_EXTRA_PX}px) !important;}}
  {details}{{max-height:calc(100vh - {MAP_OFFSET_PX + _TOP_BAR_EXTRA_PX}px);}}
}}
@media (max-width:{NARROW_PX}px){{
  {iframe}{{height:calc(100vh - {MAP_OFFSET_NARROW_PX}px) !important;}}
  {details}{{max-height:none;overflow:visible;}}
  .st-key-{HINT_KEY}{{display:none;}}
  .st-key-{COVER_KEY} p{{white-space:normal;line-height:1.35;}}
  /* Room under the page for the sheet: scrolled to the end, the timeline's Earlier / Play / Later lay under it */
  [data-testid="stMainBlockContainer"]:has({sheet}){{padding-bottom:calc(40vh + 1rem);}}
  .st-key-{SHEET_KEY}{{position:fixed;left:0;right:0;bottom:0;z-index:999990;max-height:40vh;overflow-y:auto;
    background:var(--background-color,#fff);padding:.5rem .75rem 1rem;border-radius:12px 12px 0 0;
    box-shadow:0 -2px 14px rgba(0,0,0,.3);}}
}}
</style>"""


def map_page_style() -> None:
    """Put :func:`map_page_css` in the page (a ``<style>``-only ``st.html`` takes no space)."""
    st.html(map_page_css())
