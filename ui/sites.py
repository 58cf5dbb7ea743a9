"""The Gazetteer page's parts: the site table, the map of sites, "try a name".

Matching itself is :mod:`geo.gazetteer`'s; this module only shows it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ui.assets import vendor_assets
from ui.common import md_escape
from ui.maplayers import base_map, point_layer

__all__ = ["load_gazetteer", "match_rows", "search_sites", "show_sites_map", "show_try_a_name", "sites_frame"]


@st.cache_resource(show_spinner="Loading the gazetteer…")
def _gazetteer(path: str, mtime: float):
    from geo.gazetteer import load_default

    return load_default()


def load_gazetteer():
    """The default gazetteer (reloaded when its CSV changes)."""
    from geo.config import get_settings

    path = get_settings().gazetteer_path
    return _gazetteer(str(path), path.stat().st_mtime if path.exists() else 0.0)


def sites_frame(sites) -> pd.DataFrame:
    """One row per site with its aliases joined, for display and search."""
    return pd.DataFrame(
        [
            {
                "id": s.id, "name": s.name, "kind": s.kind, "country": s.country, "admin1": s.admin1,
                "lat": s.lat, "lon": s.lon, "precision_m": s.precision_m, "aliases": " | ".join(s.aliases),
                "source": s.source, "notes": s.notes,
            }
            for s in sites
        ],
        columns=["id", "name", "kind", "country", "admin1", "lat", "lon", "precision_m", "aliases", "source", "notes"],
    )  # fmt: skip


def search_sites(df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose id, name, aliases, admin1 or notes contain ``text`` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return df
    hay = df[["id", "name", "aliases", "admin1", "notes"]].astype(str).agg(" ".join, axis=1).str.lower()
    return df[hay.str.contains(needle, regex=False)]


def show_sites_map(df: pd.DataFrame, *, height: int = 460) -> None:
    """All sites of ``df`` as points on the offline base map (a static map: no reruns)."""
    points = [{"lat": r.lat, "lon": r.lon, "label": f"{r.name} ({r.kind}, {r.country})"} for r in df.itertuples()]
    fmap = base_map(
        vendor_assets(st.get_option("server.baseUrlPath") or ""), overlays=[point_layer(points, name="Gazetteer sites")]
    )
    st_folium(fmap, key="ia_sites_map", height=height, use_container_width=True, returned_objects=[])


def match_rows(matches) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"site": m.site.name, "id": m.site.id, "kind": m.site.kind, "country": m.site.country,
             "score": round(float(m.score), 1), "method": m.method, "layer": m.site.layer}
            for m in matches
        ],
        columns=["site", "id", "kind", "country", "score", "method", "layer"],
    )  # fmt: skip


def show_try_a_name(gazetteer, countries) -> None:
    """A name box: the match the gazetteer picks, its score and method, and the candidates."""
    left, right = st.columns([3, 1])
    name = left.text_input(
        "Try a name", key="ia_try_name", placeholder="e.g. Ayn al-Asad, Harir, Conoco", max_chars=200
    )
    country = right.selectbox("Country", ["Any", *countries], key="ia_try_country")
    if not name.strip():
        st.caption("Type a place name as a report spells it to see which site it resolves to.")
        return
    country_arg = None if country == "Any" else country
    match = gazetteer.find(name, country=country_arg)
    if match is None:
        st.warning(f"No site matches {md_escape(name)}.")
    else:
        note = " — **ambiguous**: another site scores as well" if match.ambiguous else ""
        st.success(
            f"**{md_escape(match.site.name)}** ({md_escape(match.site.id)}) · score {match.score:.1f} · "
            f"method {md_escape(match.method)}{note}"
        )
    candidates = gazetteer.candidates(name, country=country_arg, limit=8)
    if candidates:
        st.markdown("**Candidates**")
        st.dataframe(match_rows(candidates), hide_index=True, key="ia_try_candidates")
