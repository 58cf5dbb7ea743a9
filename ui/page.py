"""The start every filtered page shares (map, Incidents, and later Ingest).

:func:`filtered_page` sets the page up, loads the data, reads a link into the
sidebar, draws the filters and returns what the page needs; the page then
draws its body and ends with :func:`ui.state.commit`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.filters import Filters
from geo.viewstate import ViewState
from ui import common, data, sidebar, state
from ui.exports import export_buttons

__all__ = ["FilteredPage", "filtered_page", "share_and_export"]


@dataclass(frozen=True)
class FilteredPage:
    dataset: data.Dataset
    today: dt.date
    loaded: state.Loaded
    filters: Filters
    view: ViewState  # the last committed view (map centre, zoom, selection)
    shown: pd.DataFrame  # the incidents passing the filters


def filtered_page(page: str, title: str) -> FilteredPage:
    """Set up a page whose sidebar holds the shared filters; show the link notices."""
    common.page_setup(title)
    dataset = data.load_dataset()
    today = data.reference_today(dataset.frame)
    loaded = state.begin(page, today=today, known_actors=dataset.actors, known_ids=dataset.ids)
    filters = sidebar.filter_sidebar(dataset, today)
    shown = data.filtered(dataset, filters)
    return FilteredPage(dataset, today, loaded, filters, state.current_view(), shown)


def share_and_export(ctx: FilteredPage, link_label: str, link: str, *, help_text: str | None = None) -> None:
    """The sidebar's lower part: a copyable link to the view and the downloads."""
    with st.sidebar:
        st.divider()
        common.copy_link(link_label, link, help_text=help_text)
        st.subheader(f"Download {len(ctx.shown):,} incidents")
        export_buttons(ctx.shown)
