"""Incident Atlas: the gazetteer of sites that incidents are placed at."""

from __future__ import annotations

import streamlit as st

from ui import common, sites

common.page_setup("Gazetteer")
gazetteer = sites.load_gazetteer()
frame = sites.sites_frame(gazetteer.sites)

st.title("Gazetteer")
st.caption(f"{len(frame):,} curated sites: bases, airports, towns and provinces that reports name.")
sites.show_try_a_name(gazetteer, sorted(frame["country"].unique()))

st.subheader("Sites")
query = st.text_input("Search sites", key="ia_site_search", placeholder="name, alias, province, notes…", max_chars=200)
found = sites.search_sites(frame, query)
sites.show_sites_map(found)
st.dataframe(found, hide_index=True, key="ia_sites_table")
