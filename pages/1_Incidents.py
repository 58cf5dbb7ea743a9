"""Incident Atlas: the incidents as a sortable table, same filters and URL as the map; editors edit here."""

from __future__ import annotations

import streamlit as st

from geo.view.viewstate import ViewState
from ui import auth, common, data, editing, headline, page, state, table, timecontrols

ctx = page.filtered_page("incidents", "Incidents")
# Map centre, zoom and selection are kept as they were: only the filters change here
# (and the selection, when an editor picks another incident to edit).
new_view = ViewState(filters=ctx.filters, center=ctx.view.center, zoom=ctx.view.zoom, selected=ctx.view.selected)

st.title("Incidents")
common.show_notices(ctx.loaded.notices)
if ctx.shown.empty:
    timecontrols.empty_period_notice(ctx.dataset, ctx.filters)
headline.show_headline(
    ctx.shown, total=len(ctx.dataset.frame), numbers=data.headline(ctx.dataset, ctx.filters, ctx.shown)
)
auth.sign_out_control()
table_tab, edit_tab = st.tabs(["Table", "Edit"])
with table_tab:
    table.show_incident_table(
        ctx.shown, ctx.filters, prefix=common.base_path(),
        sources=lambda rows: data.sources_text(ctx.dataset, rows.index.to_numpy()),
        caption="Click a column header to sort. Each row links to the incident on the map with the same filters.",
    )  # fmt: skip

with st.sidebar:
    st.page_link(
        "app.py", label="Open these filters on the map", icon=":material/map:", query_params=new_view.to_params()
    )
page.share_and_export(
    ctx, "Link to this table", f"{common.app_root_url('Incidents')}/Incidents{state.query_string(new_view)}"
)
state.commit(new_view)

with edit_tab:
    # Last on purpose: for a viewer the editor gate shows a sign-in form and stops the
    # script run, and everything above (the URL above all) must have been written by then.
    editing.editing_section(ctx)
