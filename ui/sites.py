"""The Gazetteer page's parts: the site table, the map of sites, "try a name".

Matching itself is :mod:`geo.places.gazetteer`'s; this module only shows it. The
gazetteer is the one :func:`geo.places.gazetteer.load_default` builds: the curated
CSV plus the team sites editors added (kept in the store, :mod:`geo.places.teamsites`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ui.assets import vendor_assets
from ui.common import md_escape
from ui.maplayers import base_map, point_layer

__all__ = [
    "CURATED_COLOUR",
    "TEAM_COLOUR",
    "load_gazetteer",
    "match_rows",
    "search_sites",
    "show_sites_map",
    "show_team_site_removal",
    "show_try_a_name",
    "sites_frame",
    "team_sites",
]

CURATED_COLOUR = "#0072b2"  # Okabe-Ito blue, as point_layer's default
TEAM_COLOUR = "#e69f00"  # Okabe-Ito orange: team-added sites stand out from curated ones
_COLUMNS = [
    "id", "name", "layer", "kind", "country", "admin1", "lat", "lon", "precision_m", "aliases", "source", "notes",
    "added_by", "added_at",
]  # fmt: skip


def load_gazetteer():
    """The default gazetteer: :func:`geo.places.gazetteer.load_default` on the app's store.

    That function keeps it per process and rebuilds it when the CSV changes or a
    team site is added or removed (one small query per run), so a site one
    editor adds resolves on the next run of every session on every app server.
    """
    from geo.places.gazetteer import load_default
    from ui.data import get_store

    return load_default(store=get_store())


def team_sites() -> dict:
    """Site id -> :class:`~geo.places.teamsites.TeamSite` (who added it when) for the stored team sites."""
    from geo.places import teamsites
    from ui.data import get_store

    return {team.site.id: team for team in teamsites.list_sites(get_store())}


def sites_frame(sites, team: dict | None = None) -> pd.DataFrame:
    """One row per site with its aliases joined, for display and search.

    ``layer`` says "curated" or "team"; ``team`` (:func:`team_sites`) fills in
    who added a team site and when.
    """
    team = team or {}
    rows = []
    for s in sites:
        added = team.get(s.id) if s.layer == "team" else None
        rows.append(
            {
                "id": s.id, "name": s.name, "layer": s.layer, "kind": s.kind, "country": s.country,
                "admin1": s.admin1, "lat": s.lat, "lon": s.lon, "precision_m": s.precision_m,
                "aliases": " | ".join(s.aliases), "source": s.source, "notes": s.notes,
                "added_by": added.added_by if added else "",
                "added_at": added.added_at.strftime("%Y-%m-%d %H:%M UTC") if added else "",
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=_COLUMNS)


def search_sites(df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose id, name, aliases, admin1, notes, layer or adder contain ``text`` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return df
    columns = ["id", "name", "aliases", "admin1", "notes", "layer", "added_by"]
    hay = df[columns].astype(str).agg(" ".join, axis=1).str.lower()
    return df[hay.str.contains(needle, regex=False)]


def _label(row) -> str:
    text = f"{row.name} ({row.kind}, {row.country})"
    if row.layer == "team":
        text += f" · team-added by {row.added_by}" if row.added_by else " · team-added"
    return text


def show_sites_map(df: pd.DataFrame, *, height: int = 460) -> None:
    """All sites of ``df`` as points on the offline base map (a static map: no reruns);
    team-added sites in their own colour."""
    team = df["layer"] == "team"
    layers = [
        point_layer(
            [{"lat": r.lat, "lon": r.lon, "label": _label(r)} for r in part.itertuples()], name=name, colour=colour
        )
        for part, name, colour in (
            (df[~team], "Curated sites", CURATED_COLOUR),
            (df[team], "Team-added sites", TEAM_COLOUR),
        )
        if len(part)
    ]
    fmap = base_map(vendor_assets(st.get_option("server.baseUrlPath") or ""), overlays=layers)
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


_REMOVED = "ia_site_removed"  # the confirmation shown on the run after a removal


def show_team_site_removal(team_sites) -> None:
    """Let a signed-in editor remove a team site that proved wrong (audited, like an addition).

    Curated sites are not offered: they change only through gazetteer.csv and review.
    Incidents already placed at the site keep their coordinates; only name lookups
    stop finding it.
    """
    from geo.places import teamsites
    from geo.errors import GeoError
    from ui import auth
    from ui.data import get_store

    done = st.session_state.pop(_REMOVED, None)
    if done:
        st.success(md_escape(done))
    if not team_sites:
        return
    with st.expander("Remove a team site"):
        editor = auth.current_editor()
        if editor is None:
            st.caption("Editors can remove a team site here once signed in (on the Ingest or Import page).")
            return
        names = {site.id: site.name for site in team_sites}
        site_id = st.selectbox(
            "Team site", list(names), key="ia_site_remove_id", format_func=lambda i: f"{names[i]} ({i})"
        )
        sure = st.checkbox(
            "Remove it. Incidents already placed there keep their coordinates; reports naming it will "
            "no longer resolve to it.",
            key="ia_site_remove_sure",
        )
        if st.button("Remove team site", key="ia_site_remove", disabled=not sure, type="primary"):
            try:
                gone = teamsites.remove_site(get_store(), site_id, user=editor)
            except GeoError as exc:  # removed meanwhile by another editor, or the store failed
                st.error(md_escape(str(exc)))
                return
            st.session_state[_REMOVED] = f"Removed team site {gone.site.name} ({gone.site.id})."
            st.session_state.pop("ia_site_remove_sure", None)
            st.rerun()
