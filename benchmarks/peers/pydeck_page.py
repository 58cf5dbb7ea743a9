"""Peer for bench_browser.py: the smallest Streamlit page with ``st.pydeck_chart``.

Run as ``streamlit run benchmarks/peers/pydeck_page.py`` with ``ATLAS_PEER_DATA`` (see
folium_fastcluster.py). deck.gl ships inside Streamlit's own frontend bundle, so the
chart needs no CDN; the base map does (Carto/Mapbox styles), so there is none
(``map_style=None``): only the points are drawn.
"""

import os

import pandas as pd
import pydeck as pdk
import streamlit as st

st.set_page_config(page_title="pydeck peer", layout="wide")


@st.cache_data
def load() -> pd.DataFrame:
    return pd.read_parquet(os.environ["ATLAS_PEER_DATA"])


df = load()
types = st.sidebar.multiselect("Event type", sorted(df["event_type"].unique()))
shown = df[df["event_type"].isin(types)] if types else df
st.title(f"{len(shown):,} incidents")
layer = pdk.Layer(
    "ScatterplotLayer", shown[["lat", "lon"]], get_position="[lon, lat]", get_radius=800,
    radius_min_pixels=2, get_fill_color=[213, 94, 0, 160],
)  # fmt: skip
view = pdk.ViewState(latitude=33.5, longitude=42.0, zoom=5)
st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_style=None), height=560)
