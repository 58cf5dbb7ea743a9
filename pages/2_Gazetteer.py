"""Incident Atlas: the gazetteer of sites that incidents are placed at.

Curated sites come from gazetteer.csv; team sites are the ones editors added
from the Ingest page (kept in the store), marked as such in the table and on
the map until a curator folds them into the CSV.
"""

from __future__ import annotations

import streamlit as st

from ui import common, sites

common.page_setup("Gazetteer")


def _sites(n: int) -> str:
    """'no team-added sites', '1 team-added site', '3 team-added sites' (not '0 team-added site(s)')."""
    return common.counted(n, "team-added site") if n else "no team-added sites"


gazetteer = sites.load_gazetteer()
team = sites.team_sites()
# Team sites first: they are the few a curator still has to review.
frame = sites.sites_frame([*gazetteer.team_sites, *gazetteer.curated_sites], team)

sites.gazetteer_page_style()
with st.container(key=sites.HEAD_KEY):
    st.title("Gazetteer")
    st.caption(
        f"{len(gazetteer.curated_sites):,} curated sites: bases, airports, towns and provinces that reports name; "
        f"{_sites(len(gazetteer.team_sites))} (editors add them from the Ingest page). For curators, "
        "`python -m geo gazetteer export-team` writes team sites as gazetteer.csv rows."
    )
if gazetteer.shadowed_team_sites:
    names = ", ".join(f"{s.name} ({s.id})" for s in gazetteer.shadowed_team_sites)
    st.info(
        common.md_escape(
            f"Team sites left out because a curated site now has their id or name: {names}. "
            "Remove them below (editors) or with python -m geo gazetteer remove-team ID."
        )
    )
matched = sites.show_try_a_name(gazetteer, sorted(frame["country"].unique()))
sites.show_team_site_removal([*gazetteer.team_sites, *gazetteer.shadowed_team_sites])

st.subheader("Sites")
query = st.text_input(
    "Search sites", key="ia_site_search", placeholder="name, alias, province, notes, team…", max_chars=200
)
found = sites.search_sites(frame, query)
with st.container(key=sites.MAP_KEY):  # right under the title on a phone (sites.gazetteer_page_style)
    sites.show_sites_map(found, focus=matched)
    if len(gazetteer.team_sites):
        st.caption("On the map: curated sites in blue, team-added sites in orange.")
    if matched is not None:
        st.caption(f"The map is centred on {common.md_escape(matched.name)}, the match for the name you tried.")
sites.show_sites_table(found)
