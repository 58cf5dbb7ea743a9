"""Incident Atlas: the entry point (``streamlit run app.py``) and the map page.

Run by Streamlit, this file first declares the page menu (``ui.page.navigate``:
Map, Incidents, Gazetteer, Ingest, Import, About) and runs the page the URL
names; for the map that is this same file, run a second time as the page.

The map page is thin on purpose: every piece lives in ``ui/`` (one concern per
module) and the other pages reuse them. The run order matters:

1. ``page.filtered_page`` reads a link into the widgets' session state and turns
   it into :class:`~geo.view.filters.Filters` (the widgets themselves are drawn
   after the map, by ``page.draw_filters``: the browser then draws the map first),
2. the map reports its view and clicks,
3. ``state.commit`` writes the whole view back into the URL.
"""

from __future__ import annotations

import streamlit as st

from geo.view.viewstate import ViewState
from ui import common, data, details, headline, layout, mapview, page, state, style, timecontrols


def map_page() -> None:
    timecontrols.apply_pending()  # the play control's next window, before the sidebar draws
    ctx = page.filtered_page("map", "Map", draw_sidebar=False)
    dataset, view = ctx.dataset, ctx.view

    # The map's element goes first: the browser renders elements as they arrive and loads each
    # kind's script on first use, so the sidebar's widgets, drawn after it, no longer delay
    # the map's frame. Containers keep the page's order.
    layout.map_page_style()  # before the map: it is born at its final size (a resize would report)
    head = st.container(key=layout.HEAD_KEY, horizontal=True, vertical_alignment="bottom", gap="medium")
    cover = st.container(key=layout.COVER_KEY)
    notices = st.container()
    map_column, details_column = st.columns([5, 2], gap="small")
    with map_column, st.container(key=layout.MAP_KEY):
        result = mapview.show_map(dataset, ctx.filters, view, ctx.loaded)
        if result.layer is not None and result.layer.mode == "bins":
            st.caption(
                f"{result.layer.total:,} incidents match the filters: where many are in view they are counted "
                "per area. Zoom in, or narrow the filters, to see each incident."
            )
    with head:
        st.title(
            "Incident Atlas", width="content",
            help="Rocket, drone and indirect-fire attacks in Iraq and Syria, as reported. Click a marker for details.",
        )  # fmt: skip
        headline.show_headline(
            ctx.shown, total=len(dataset.frame), numbers=data.headline(dataset, ctx.filters, ctx.shown)
        )
    with cover:
        st.html(style.caption_html(timecontrols.coverage_caption(dataset, ctx.today)))
    with notices:
        common.show_notices(ctx.loaded.notices)
        if ctx.shown.empty:
            timecontrols.empty_period_notice(dataset, ctx.filters)
    page.draw_filters(ctx)

    selected = result.clicked or view.selected
    # Until the map reports a move, it shows the view it opened with: the URL says so.
    opened_center, opened_zoom = mapview.initial_view(ctx.loaded.view, dataset)
    new_view = ViewState(
        filters=ctx.filters,
        center=result.center or view.center or opened_center,
        zoom=result.zoom or view.zoom or opened_zoom,
        selected=selected if selected in dataset.ids else None,
    )
    root = common.app_root_url()

    def clear_selection() -> None:
        state.set_selected(None)
        mapview.mark_highlight_stale()

    with details_column, st.container(key=layout.DETAILS_KEY):
        row = data.incident_row(dataset, new_view.selected) if new_view.selected else None
        if row is not None:
            # Beside the map on wide screens; a bottom sheet over it on a phone (ui.layout).
            with st.container(key=layout.SHEET_KEY):
                details.show_details(
                    row,
                    permalink=root + "/" + state.query_string(ViewState(selected=new_view.selected)),
                    on_clear=clear_selection,
                    in_filters=data.shown_position(dataset, ctx.filters, new_view.selected) is not None,
                )
        else:
            with st.container(key=layout.HINT_KEY):
                st.info("Click a marker on the map to see the incident's details, sources and permalink here.")

    st.subheader("Incidents over time")
    timecontrols.show_time_controls(dataset, ctx.filters)

    page.share_and_export(
        ctx, "Link to this view", root + "/" + state.query_string(new_view), help_text="filters, map and selection"
    )
    state.commit(new_view)


if page.inside_navigation():
    map_page()  # this file, run by st.navigation as the Map page
else:
    page.navigate(__file__)
