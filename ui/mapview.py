"""The interactive incident map: one ``st_folium`` call and what comes back from it.

Why the map is built the way it is:

* The base map (borders, tiles, legend, CSS) depends only on the data set and
  on the view the page was *opened* with, so its script, and with it the
  component's identity, stays the same while the analyst filters and pans:
  no remount, no flicker, the view stays where it is.
* The incidents go in through ``feature_group_to_add``, which streamlit-folium
  swaps in the live map whenever its script text changes (and leaves alone
  when it is the same). What the layer holds follows the filters *and* the
  view (:func:`ui.data.map_layer`): every incident when few pass the filters;
  otherwise the ones around the view, one marker each when few, else counted
  per grid cell. The view comes from the bounds and zoom the map reported
  last; the region around it is snapped to a coarse grid, so small pans send
  nothing new.
* ``center``/``zoom`` are not passed to ``st_folium`` on every run: the
  browser would ``setView`` to whatever the *previous* run reported and jump
  back while the user is still panning. The map starts at the loaded view
  (a link's ``lat``/``lon``/``z``) and reports every move, which goes to the URL.
* A click comes back as the clicked marker's tooltip text, which ends in
  ``#<incident id>``; a click is new when streamlit-folium's click counter moved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st
from streamlit_folium import st_folium

from geo.filters import Filters
from geo.viewstate import DEFAULT_CENTER, DEFAULT_ZOOM, ViewState
from ui.assets import vendor_assets
from ui.data import Dataset, MapLayer, get_store, map_layer, shown_position
from ui.maplayers import base_map, incident_features, incident_group, legend_html
from ui.state import Loaded

__all__ = [
    "MAP_KEY",
    "RETURNED",
    "MapResult",
    "clicked_id",
    "current_view",
    "initial_view",
    "mark_highlight_stale",
    "reported_view",
    "selected_feature",
    "show_map",
]

MAP_KEY = "ia_map"
RETURNED = [
    "last_object_clicked", "last_object_clicked_tooltip", "last_object_clicked_count", "center", "zoom", "bounds",
]  # fmt: skip
SELECTED_ZOOM = 9  # a link that only names an incident opens zoomed in on it
_TOOLTIP_ID = re.compile(r"#([A-Za-z0-9:_.\-]{1,100})\s*$")
_CLICK = "_ia_click"  # the last click signature handled
_HIGHLIGHT = "_ia_highlight"  # (filters, load serial, layer key, id) the map's layer was last drawn with
_STALE = "_ia_highlight_stale"
_REPORTED = "_ia_map_serial"  # the load serial the map's last report (st.session_state[MAP_KEY]) belongs to


@dataclass(frozen=True)
class MapResult:
    center: tuple[float, float] | None  # as the map reports it (None before it did)
    zoom: int | None
    clicked: str | None  # id of a marker clicked since the last run
    layer: MapLayer | None = None  # what the incident layer drew


def initial_view(view: ViewState, dataset: Dataset) -> tuple[tuple[float, float], int]:
    """Where the map opens: the link's centre/zoom, else the selected incident, else the region."""
    center, zoom = view.center, view.zoom
    if center is None and view.selected in dataset.ids:
        row = dataset.frame.loc[dataset.frame["id"] == view.selected].iloc[0]
        center = (round(float(row["lat"]), 4), round(float(row["lon"]), 4))
        zoom = zoom or SELECTED_ZOOM
    return center or DEFAULT_CENTER, zoom or DEFAULT_ZOOM


def clicked_id(out: Mapping | None, last_signature) -> tuple[str | None, object]:
    """(id of a newly clicked incident or None, the signature to remember)."""
    out = out or {}
    count = out.get("last_object_clicked_count")
    if not count:  # a fresh component: forget old clicks so the next one counts
        return None, None
    signature = (count, out.get("last_object_clicked_tooltip"), str(out.get("last_object_clicked")))
    if signature == last_signature:
        return None, signature
    match = _TOOLTIP_ID.search(out.get("last_object_clicked_tooltip") or "")
    return (match.group(1) if match else None), signature


def reported_view(out: Mapping | None) -> tuple[tuple[float, float] | None, int | None]:
    """The centre (rounded as links store it) and zoom the map reported, if it did."""
    out = out or {}
    center, zoom = out.get("center"), out.get("zoom")
    if not isinstance(center, Mapping) or center.get("lat") is None or center.get("lng") is None:
        return None, None
    lat = max(-90.0, min(90.0, float(center["lat"])))
    lon = ((float(center["lng"]) + 180.0) % 360.0) - 180.0  # a map panned round the globe
    z = int(zoom) if isinstance(zoom, (int, float)) and 1 <= zoom <= 18 else None
    return (round(lat, 4), round(lon, 4)), z


def current_view(opened: Loaded, view: ViewState, dataset: Dataset) -> tuple[dict | None, int, tuple[float, float]]:
    """(bounds, zoom, centre) of what the map shows now: its last report, else the link's view.

    The report is the component value streamlit-folium keeps in session state;
    it is used only when it belongs to the current load (a newly opened link
    starts a new map at the link's view).
    """
    center, zoom = initial_view(opened.view, dataset)
    out = st.session_state.get(MAP_KEY) if st.session_state.get(_REPORTED) == opened.serial else None
    reported_center, reported_zoom = reported_view(out)
    bounds = (out or {}).get("bounds")
    return (
        bounds if isinstance(bounds, Mapping) else None,
        reported_zoom or view.zoom or zoom,
        reported_center or view.center or center,
    )


def show_map(dataset: Dataset, filters: Filters, view: ViewState, opened: Loaded, *, height: int = 560) -> MapResult:
    """Draw the map for ``filters``; ``view`` is the current view, ``opened`` the last URL load."""
    ss = st.session_state
    center, zoom = initial_view(opened.view, dataset)
    legend = legend_html(dataset.colours, dataset.actors, dataset.event_types)
    fmap = base_map(vendor_assets(st.get_option("server.baseUrlPath") or ""), legend=legend, center=center, zoom=zoom)
    bounds, now_zoom, now_center = current_view(opened, view, dataset)
    layer = map_layer(dataset, filters, bounds=bounds, zoom=now_zoom, center=now_center)

    # The highlighted marker is baked into the layer script. A click highlights in
    # the browser already; re-sending the layer for it would close the popup, so the
    # highlight follows the selection only when the layer changes anyway (filters,
    # view region) or the selection changed without a click (link, "clear selection").
    drawn = ss.get(_HIGHLIGHT)
    if drawn is None or drawn[:3] != (filters, opened.serial, layer.key) or ss.pop(_STALE, False):
        drawn = (filters, opened.serial, layer.key, view.selected)
        ss[_HIGHLIGHT] = drawn
    feature = selected_feature(dataset, filters, drawn[3]) if layer.mode == "bins" else None
    group = incident_group(layer.data_js, count=layer.count, selected=drawn[3], mode=layer.mode, selected_feature=feature)

    out = st_folium(
        fmap,
        key=MAP_KEY,
        height=height,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=group,
    )
    ss[_REPORTED] = opened.serial
    clicked, ss[_CLICK] = clicked_id(out, ss.get(_CLICK))
    if clicked is not None and clicked not in dataset.ids:
        clicked = None
    map_center, map_zoom = reported_view(out)
    return MapResult(map_center, map_zoom, clicked, layer)


def selected_feature(dataset: Dataset, filters: Filters, incident_id: str | None) -> dict | None:
    """The GeoJSON feature of the selected incident when it passes the filters (drawn above bins)."""
    position = shown_position(dataset, filters, incident_id)
    if position is None or dataset.snapshot is None:
        return None
    rows = dataset.snapshot.full_frame(get_store(), [position])
    return incident_features(rows, dataset.colours)["features"][0]


def mark_highlight_stale() -> None:
    """Redraw the highlight on the next run (the selection changed without a map click)."""
    st.session_state[_STALE] = True
