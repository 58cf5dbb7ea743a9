"""The Gazetteer page's parts: the site table, the map of sites, "try a name".

Matching itself is :mod:`geo.places.gazetteer`'s; this module only shows it. The
gazetteer is the one :func:`geo.places.gazetteer.load_default` builds: the curated
CSV plus the team sites editors added (kept in the store, :mod:`geo.places.teamsites`).
"""

from __future__ import annotations

import html

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ui.assets import vendor_assets
from ui.cards import Card, show_grid
from ui.common import md_escape
from ui.maplayers import FitBounds, base_map, extent_of, point_layer

__all__ = [
    "CURATED_COLOUR",
    "HEAD_KEY",
    "MAP_KEY",
    "TEAM_COLOUR",
    "MATCH_COLOUR",
    "gazetteer_page_style",
    "load_gazetteer",
    "match_facts",
    "match_rows",
    "precision_text",
    "same_point",
    "search_sites",
    "show_sites_map",
    "show_sites_table",
    "site_cards",
    "show_team_site_removal",
    "show_try_a_name",
    "sites_frame",
    "team_sites",
]

HEAD_KEY = "ia_gaz_head"  # the Gazetteer page's title and caption
MAP_KEY = "ia_gaz_map"  # its map and the captions about it
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


def site_cards(df: pd.DataFrame):
    """A phone's card per row of :func:`sites_frame`: name, then what and where it is, its
    coordinates and precision, its other spellings, its source and notes (a search matches them),
    who added it (team sites), its id."""
    for r in df.itertuples(index=False):
        where = ", ".join(str(v) for v in (r.kind, r.admin1, r.country) if v)
        team = f"Team-added by {r.added_by}, {r.added_at}" if r.layer == "team" else ""
        yield Card(
            title=r.name,
            lines=(where, f"{r.lat:.4f}, {r.lon:.4f}, precision {precision_text(r.precision_m)}",
                   f"Also: {r.aliases}" if r.aliases else "", f"Source: {r.source}" if r.source else "",
                   r.notes or "", team, f"Id: {r.id}"),
        )  # fmt: skip


def show_sites_table(df: pd.DataFrame) -> None:
    """The sites as a grid (wide screens) or as cards (a phone)."""
    show_grid("ia_sites_table", df, site_cards(df), hide_index=True)


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


MATCH_COLOUR = "#d55e00"  # Okabe-Ito vermillion: the site "try a name" resolved to
MATCH_ZOOM = 10


def gazetteer_page_style() -> None:
    """On a phone the Gazetteer's map comes right under the title (it was below the fold, under the forms).

    CSS ``order`` in the page's column (the forms stay first on wide screens, above the map
    they move); the map container's code runs after the forms, whose values it needs.
    """
    from ui.layout import NARROW_PX

    def box(key: str) -> str:  # the keyed container, or the wrapper Streamlit may put around it
        return f'.st-key-{key}, [data-testid="stLayoutWrapper"]:has(> .st-key-{key})'

    st.html(f"<style>@media (max-width:{NARROW_PX}px){{{box(HEAD_KEY)}{{order:-2;}}{box(MAP_KEY)}{{order:-1;}}}}</style>")


def show_sites_map(df: pd.DataFrame, *, height: int = 460, focus=None) -> None:
    """All sites of ``df`` as points on the offline base map (a static map: no reruns);
    team-added sites in their own colour. ``focus`` (a gazetteer site, the match of
    "try a name") is ringed and the map moves to it: the ring comes as a dynamic
    feature group and the view through ``center``/``zoom``, so the map is not rebuilt."""
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
    fmap = base_map(
        vendor_assets(st.get_option("server.baseUrlPath") or ""), overlays=layers,
        team_sites=load_gazetteer().team_sites,
    )  # fmt: skip
    if focus is None and len(df):
        # Open on the listed sites (a search narrows them), not on the incident map's view of
        # Iraq and Syria: that left the sites in Jordan and the Gulf off screen.
        extent = extent_of(df["lat"], df["lon"])
        if extent is not None:
            fmap.add_child(FitBounds(extent, max_zoom=MATCH_ZOOM))
    extra = {}
    if focus is not None:
        ring = folium.FeatureGroup(name="Match")
        folium.CircleMarker(
            [focus.lat, focus.lon], radius=12, weight=3, color=MATCH_COLOUR, fill=False,
            tooltip=html.escape(f"Match: {focus.name} ({focus.id})"),
        ).add_to(ring)  # fmt: skip
        extra = {"feature_group_to_add": ring, "center": (focus.lat, focus.lon), "zoom": MATCH_ZOOM}
    st_folium(fmap, key="ia_sites_map", height=height, use_container_width=True, returned_objects=[], **extra)


def match_rows(matches) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"site": m.site.name, "id": m.site.id, "kind": m.site.kind, "country": m.site.country,
             "score": round(float(m.score), 1), "method": m.method, "layer": m.site.layer}
            for m in matches
        ],
        columns=["site", "id", "kind", "country", "score", "method", "layer"],
    )  # fmt: skip


def precision_text(metres: float | None) -> str:
    """ "±500 m", "±10 km" or "unknown" for a site's ``precision_m``."""
    if metres is None or not metres == metres or metres <= 0:
        return "unknown"
    # A no-break space: "±10" and "km" never end up on two lines.
    return f"±{metres / 1000:g}\u00a0km" if metres >= 1000 else f"±{metres:g}\u00a0m"


def same_point(site, sites) -> list:
    """The other sites placed on exactly ``site``'s coordinates (a proxy shares its point)."""
    return [s for s in sites if s.id != site.id and (s.lat, s.lon) == (site.lat, site.lon)]


def match_facts(site, sites) -> list[str]:
    """Markdown lines (escaped) on where a matched site is and how sure that position is."""
    lines = [
        f"**Coordinates:** {site.lat:.4f}, {site.lon:.4f} · **precision:** {precision_text(site.precision_m)} "
        f"· {md_escape(site.kind)}, {md_escape(', '.join(x for x in (site.admin1, site.country) if x))}"
    ]
    twins = same_point(site, sites)
    if twins:
        names = ", ".join(f"{t.name} ({t.id})" for t in twins)
        lines.append(f"**Same point as:** {md_escape(names)}. One of them stands in for the other (a proxy position).")
    if site.notes:
        lines.append(f"**Note:** {md_escape(site.notes)}")
    return lines


def show_try_a_name(gazetteer, countries):
    """A name box: the match the gazetteer picks, its score and method, where it is and how
    precisely, and the candidates. Returns the matched site (None without a match)."""
    left, right = st.columns([3, 1])
    name = left.text_input(
        "Try a name", key="ia_try_name", placeholder="e.g. Ayn al-Asad, Harir, Conoco", max_chars=200
    )
    country = right.selectbox("Country", ["Any", *countries], key="ia_try_country")
    if not name.strip():
        st.caption("Type a place name as a report spells it to see which site it resolves to.")
        return None
    country_arg = None if country == "Any" else country
    match = gazetteer.find(name, country=country_arg)
    if match is None:
        st.warning(f"No site matches {md_escape(name)}.")
    else:
        note = " — **ambiguous**: another site scores as well" if match.ambiguous else ""
        st.success(
            f"**{md_escape(match.site.name)}** ({md_escape(match.site.id)}) · score {match.score:.1f} · "
            f"method {md_escape(match.method)}{note}  \n" + "  \n".join(match_facts(match.site, gazetteer.sites))
            + "  \nRinged on the map below."
        )
    candidates = gazetteer.candidates(name, country=country_arg, limit=8)
    if candidates:
        st.markdown("**Candidates**")
        st.dataframe(match_rows(candidates), hide_index=True, key="ia_try_candidates")
    return match.site if match is not None else None


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
