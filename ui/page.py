"""The app's page menu, and the start every filtered page shares (map, Incidents).

:func:`navigate` is what ``app.py`` runs: it declares the pages with
``st.navigation`` (so the menu reads "Map", not the entry file's name "app")
and runs the chosen one inside the page boundary (:mod:`ui.boundary`: an error
becomes a logged message, never a traceback in the browser). The map page *is* ``app.py``: the entry file runs a
second time as that page (:func:`inside_navigation` tells the two runs
apart), which keeps ``st.page_link("app.py")`` and the map's URL ``/`` working.

:func:`filtered_page` sets a page up, loads the data, reads a link into the
sidebar, draws the filters and returns what the page needs; the page then
draws its body and ends with :func:`ui.state.commit`.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.view.filters import Filters
from geo.view.viewstate import ViewState
from ui import common, data, downloads, runlog, runslot, sidebar, state
from ui.boundary import page_boundary

__all__ = ["PAGES", "FilteredPage", "filtered_page", "inside_navigation", "navigate", "share_and_export"]

# (file relative to the entry file, menu title, URL path). The URL paths are the ones the
# pages/ folder gave them before, so old links keep working; a page whose file is not
# there (yet) is left out of the menu. No page icons: a Material icon becomes the tab's
# favicon, which the browser fetches from Google's font servers (the app loads nothing
# from outside).
PAGES = (
    ("pages/1_Incidents.py", "Incidents", "Incidents"),
    ("pages/2_Gazetteer.py", "Gazetteer", "Gazetteer"),
    ("pages/3_Ingest.py", "Ingest", "Ingest"),
    ("pages/4_Import.py", "Import", "Import"),
    ("pages/9_About.py", "About", "About"),
)
_RUN = threading.local()  # Streamlit runs each session's script in its own thread
_FROZEN = threading.Event()  # set once the long-lived objects were moved out of the collector's way
_IMPORTS_FROZEN = threading.Event()  # set once what the imports made was


def inside_navigation() -> bool:
    """True while :func:`navigate` runs a page (the entry file then draws the map page)."""
    return bool(getattr(_RUN, "active", False))


def navigate(entry_file: str) -> None:
    """Declare the page menu and run the page the URL asks for (the entry file itself for the map)."""
    _freeze_imports()
    root = Path(entry_file).resolve().parent
    pages = [st.Page(entry_file, title="Map", default=True)]
    pages += [st.Page(path, title=title, url_path=url) for path, title, url in PAGES if (root / path).is_file()]
    chosen = st.navigation(pages)
    _RUN.active = True
    try:
        with runlog.traced_run(chosen.title), runslot.held(chosen is pages[0]), page_boundary(chosen.title):
            chosen.run()
    finally:
        _RUN.active = False
    _freeze_long_lived()


def _freeze_long_lived() -> None:
    """Once per process, after the data set is loaded: ``gc.freeze()`` what lives now.

    Streamlit runs a full ``gc.collect(2)`` after every script run (``runner.postScriptGC``),
    holding the GIL while it walks every tracked object: the imported libraries (pandas,
    Altair, folium, SQLAlchemy...) and the cached data set, ~100-150 ms a run, during
    which no other session's script runs. Those objects live as long as the process, so
    they are frozen (moved to the permanent generation; reference counting still frees
    them) once, after one collection; later collections only walk what a run creates.
    """
    if _FROZEN.is_set() or not data.dataset_loaded():
        return
    _FROZEN.set()
    gc.collect()
    gc.freeze()


def _freeze_imports() -> None:
    """Once per process, when the first run starts: ``gc.freeze()`` what the imports made.

    The libraries' functions, classes and dicts (~140,000 objects: pandas, Streamlit,
    folium, SQLAlchemy...) are most of what a full collection walks: ~90 ms of the first
    page went to the collection of :func:`_freeze_long_lived` alone. Frozen first (app.py
    has imported them all by now; they hold ~20 unreachable objects, which stay), the
    collections of the first page walk only what the page itself made.
    """
    if not _IMPORTS_FROZEN.is_set():
        _IMPORTS_FROZEN.set()
        gc.freeze()


@dataclass(frozen=True)
class FilteredPage:
    dataset: data.Dataset
    today: dt.date
    loaded: state.Loaded
    filters: Filters
    view: ViewState  # the last committed view (map centre, zoom, selection)
    shown: pd.DataFrame  # the incidents passing the filters (rows of the light frame)


def filtered_page(page: str, title: str, *, draw_sidebar: bool = True) -> FilteredPage:
    """Set up a page whose sidebar holds the shared filters; show the link notices.

    ``draw_sidebar=False`` leaves the filter widgets to :func:`draw_filters` later in the run
    (the filters are read from session state, where :func:`ui.state.begin` put them).
    """
    common.page_setup(title)
    dataset = data.load_dataset()
    today = data.reference_today()
    loaded = state.begin(page, today=today, known_actors=dataset.actors, known_ids=dataset.ids)
    filters = sidebar.filter_sidebar(dataset, today) if draw_sidebar else sidebar.sidebar_filters(today)
    shown = data.filtered(dataset, filters)
    return FilteredPage(dataset, today, loaded, filters, state.current_view(), shown)


_REDRAWN = "_ia_filters_redrawn"


def draw_filters(ctx: FilteredPage) -> None:
    """Draw the sidebar's filter widgets for a page set up with ``draw_sidebar=False``.

    When the drawn widgets hold other values than the session state read before them
    (a forged widget value the widget refused), the page runs again with theirs, once.
    """
    drawn = sidebar.filter_sidebar(ctx.dataset, ctx.today)
    if drawn != ctx.filters and not st.session_state.pop(_REDRAWN, False):
        st.session_state[_REDRAWN] = True
        st.rerun()
    st.session_state.pop(_REDRAWN, None)


def share_and_export(ctx: FilteredPage, link_label: str, link: str, *, help_text: str | None = None) -> None:
    """The sidebar's lower part: a copyable link to the view and the downloads."""
    with st.sidebar:
        st.divider()
        common.copy_link(link_label, link, help_text=help_text)
        st.subheader(f"Download {len(ctx.shown):,} incidents")
        downloads.offer(ctx.dataset, ctx.filters, ctx.shown)
