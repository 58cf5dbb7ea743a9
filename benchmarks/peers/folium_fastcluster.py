"""Peer for bench_browser.py: the smallest Streamlit page with a folium FastMarkerCluster.

Run by the benchmark as ``streamlit run benchmarks/peers/folium_fastcluster.py`` from the
project root, with ``ATLAS_PEER_DATA`` naming a Parquet file of ``lat``, ``lon`` and
``event_type``. Leaflet and the cluster plugin come from the app's local copies (the
benchmark runs offline; folium's defaults are CDN links), nothing else from the app.
"""

import os

import folium
import pandas as pd
import streamlit as st
from folium.plugins import FastMarkerCluster
from streamlit_folium import st_folium

from ui.assets import localize, vendor_assets

st.set_page_config(page_title="folium peer", layout="wide")


@st.cache_data
def load() -> pd.DataFrame:
    return pd.read_parquet(os.environ["ATLAS_PEER_DATA"])


df = load()
types = st.sidebar.multiselect("Event type", sorted(df["event_type"].unique()))
shown = df[df["event_type"].isin(types)] if types else df
st.title(f"{len(shown):,} incidents")
m = folium.Map(location=[33.5, 42.0], zoom_start=5, tiles=None)
m.options.update(max_zoom=18)  # without tiles the map needs it itself (the cluster plugin asks)
# Leaflet's own marker: the plugin's default callback needs Font Awesome markers from a CDN.
plain = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"
cluster = FastMarkerCluster(shown[["lat", "lon"]].to_numpy().tolist(), callback=plain).add_to(m)
localize(m, vendor_assets(""))  # the map loads Leaflet and the cluster plugin ...
cluster.default_js, cluster.default_css = [], []  # ... so the plugin's CDN copies are not asked for
st_folium(m, height=560, use_container_width=True, returned_objects=[])
