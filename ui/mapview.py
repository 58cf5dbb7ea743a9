"""The interactive incident map: one streamlit-folium component and what comes back from it.

Why the map is built the way it is:

* The base map (borders, tiles, legend, CSS) depends only on the data set and
  on the view the page was *opened* with, so its script, and with it the
  component's identity, stays the same while the analyst filters and pans:
  no remount, no flicker, the view stays where it is. It is therefore rendered
  once per process (:func:`rendered_base`), not on every run, and the
  component is called with exactly the arguments ``st_folium`` would give it.
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
* Online tiles (``GEO_TILES``) are part of the base map: the browser tries one
  tile and switches them on by itself (:class:`ui.maplayers._ProbedTiles`);
  Python never contacts the tile host.
* No second script run on the first load. streamlit-folium reports the map's
  view as soon as the map exists (``initComponent``), and every report is a
  whole script run: on a first load it was a second run, whose only news was
  the bounds of the view the first run had just drawn (:class:`QuietFirstReport`).
  The map keeps that first view as its last report, so the next pan or click
  reports as before; it stays quiet only when the map is no larger than the
  region the first run drew around the view (:func:`~geo.view.aggregate.fallback_cover_px`).
* A link's own centre and zoom are kept exactly: its selected incident is shown
  without any pan or zoom (a popup's auto-pan moved each reopened link a few pixels).
* "Zoom to results" is a button on the map; the incident layer carries the
  bounds of every incident passing the filters (:func:`results_extent`), so the
  click needs no script run, and the map then reports its new view as after any
  zoom. Filter changes alone never move the view.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium
from branca.element import MacroElement
from jinja2 import Template

from geo.config import TileSource, get_settings
from geo.view.aggregate import fallback_cover_px
from geo.view.filters import Filters
from geo.view.viewstate import DEFAULT_CENTER, DEFAULT_ZOOM, ViewState
from ui.assets import vendor_assets
from ui.data import Dataset, MapLayer, map_layer, popup_rows, positions, shown_position
from ui.maplayers import Extent, base_map, extent_of, incident_features, incident_group, legend_html
from ui.state import Loaded

__all__ = [
    "MAP_KEY",
    "RETURNED",
    "MapResult",
    "QuietFirstReport",
    "clicked_id",
    "current_view",
    "initial_view",
    "mark_highlight_stale",
    "reported_view",
    "results_extent",
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
    tiles = get_settings().tiles
    base = rendered_base(
        st.get_option("server.baseUrlPath") or "", legend, center, zoom, tiles=tiles, team_sites=_team_sites()
    )
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

    # A link with its own centre and zoom opens exactly there: showing its incident moves nothing.
    keep_view = opened.view.center is not None

    def build_group() -> folium.FeatureGroup:
        feature = selected_feature(dataset, filters, drawn[3]) if layer.mode == "bins" else None
        return incident_group(
            layer.data_js, count=layer.count, selected=drawn[3], mode=layer.mode, selected_feature=feature,
            extent=results_extent(dataset, filters), keep_view=keep_view,
        )  # fmt: skip

    # The layer's script depends only on the data version, filters, layer, highlight and whether
    # the view is a link's (the extent, only on the first two):
    # rendered once per such key, shared by every session showing it.
    key = (dataset.version, repr(filters), layer.key, drawn[3], keep_view)
    group = _group_script(key, base.map_id, build_group)
    out = base.show(group, key=MAP_KEY, height=height, returned_objects=RETURNED)
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
    rows = popup_rows(dataset, [position])
    return incident_features(rows, dataset.colours)["features"][0]


def results_extent(dataset: Dataset, filters: Filters) -> Extent | None:
    """Where all incidents passing ``filters`` are (None when none does), from the filtered rows."""
    pos = positions(dataset, filters)
    if dataset.points is not None:
        lat, lon = dataset.points.lat, dataset.points.lon
    else:  # a dataset built from a plain frame (tests)
        lat, lon = dataset.frame["lat"].to_numpy(dtype="float64"), dataset.frame["lon"].to_numpy(dtype="float64")
    if len(pos) < len(lat):
        lat, lon = lat[pos], lon[pos]
    return extent_of(lat, lon)


def mark_highlight_stale() -> None:
    """Redraw the highlight on the next run (the selection changed without a map click)."""
    st.session_state[_STALE] = True


# --- the base map, rendered once per process --------------------------------------------------


@dataclass(frozen=True)
class RenderedBase:
    """What ``st_folium`` sends for a base map, computed once: script, header, html, ids, defaults.

    The base map (borders, legend, CSS, initial view) is identical on every run, yet
    ``st_folium`` renders it again each time (folium templates, the borders GeoJSON,
    regexes and a SHA-256 over the whole script): tens of milliseconds a run. This
    keeps its output and sends the component exactly the same arguments as
    ``st_folium(fmap, key=..., use_container_width=True, returned_objects=...,
    feature_group_to_add=group)`` would (a test compares them), so the component
    keeps its identity (same script, same key: no remount).
    """

    script: str
    header: str
    html: str
    map_id: str
    defaults: dict
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    hash_key: str

    def component_args(
        self, group: folium.FeatureGroup | str, *, key: str, height: int, returned_objects: list[str]
    ) -> dict:
        """The keyword arguments for streamlit-folium's component (``on_change`` aside).

        ``group`` is the incident layer's FeatureGroup, or its script already rendered
        by :func:`_feature_group_string` for this map.
        """
        wanted = set(returned_objects)
        script = group if isinstance(group, str) else _feature_group_string(group, self.map_id)
        return {
            "script": self.script, "header": self.header, "html": self.html, "id": self.map_id, "key": self.hash_key,
            "height": height, "width": None, "returned_objects": returned_objects,
            "default": {k: v for k, v in self.defaults.items() if k in wanted},
            "zoom": None, "center": None, "feature_group": script,
            "return_on_hover": False, "layer_control": None, "pixelated": False,
            "css_links": list(self.css_links), "js_links": list(self.js_links), "wrap_longitude": False,
        }  # fmt: skip

    def show(self, group: folium.FeatureGroup | str, *, key: str, height: int, returned_objects: list[str]):
        """Draw the map with ``group`` as its incident layer; return what the component reports."""
        hash_key = self.hash_key

        def on_change() -> None:  # what st_folium's own callback does
            st.session_state[key] = st.session_state.get(hash_key, {})

        args = self.component_args(group, key=key, height=height, returned_objects=returned_objects)
        return streamlit_folium._component_func(**args, on_change=on_change)


_GROUPS: OrderedDict = OrderedDict()  # (version, filters, layer key, highlight, keep view) -> layer script
_GROUPS_KEPT = 32
_BASES: OrderedDict = OrderedDict()
_BASES_LOCK = threading.Lock()


def _team_sites() -> tuple:
    """The sites editors added (labelled on the offline map), from the per-process gazetteer.

    With none stored (one small query), no gazetteer is built for them: building one
    (the CSV validated, its name index) was ~0.05 s of a cold start's first page.
    """
    from geo.places import teamsites
    from ui.data import get_store
    from ui.sites import load_gazetteer

    if not teamsites.list_sites(get_store()):
        return ()
    return tuple(load_gazetteer().team_sites)


def rendered_base(
    base_url_path: str,
    legend: str,
    center: tuple[float, float],
    zoom: int,
    *,
    tiles: TileSource | None,
    team_sites: tuple = (),
) -> RenderedBase:
    """The base map for these assets, legend, initial view, tiles and team sites, rendered once per process
    (a few kept; a team site added or removed makes a new one, so its label shows)."""
    cache_key = (base_url_path, legend, tuple(center), zoom, tiles, team_sites)
    with _BASES_LOCK:
        hit = _BASES.get(cache_key)
        if hit is not None:
            _BASES.move_to_end(cache_key)
            return hit
    fmap = base_map(
        vendor_assets(base_url_path), legend=legend, center=center, zoom=zoom, tiles=tiles, fit_button=True,
        team_sites=team_sites,
    )  # fmt: skip
    fmap.add_child(QuietFirstReport(fallback_cover_px()))
    rendered = render_base(fmap, key=MAP_KEY)
    with _BASES_LOCK:
        _BASES[cache_key] = rendered
        while len(_BASES) > 8:
            _BASES.popitem(last=False)
    return rendered


class QuietFirstReport(MacroElement):
    """Skip streamlit-folium's report of the view the map opens with (one script run, not two).

    streamlit-folium's ``initComponent`` ends with ``updateComponentValue``, which
    remembers the value as its last report and sends it (a script run) when it
    differs from the component's ``default``; the bounds always differ (only the
    browser knows the map's size). The first run drew the map for that view
    already (the link's centre and zoom, around :func:`~geo.view.aggregate.region_for_view`),
    so this wraps ``initComponent`` once to let it remember the value without
    sending it. A map larger than ``cover_px`` reports as before: the region
    drawn may not reach its edges.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var init = window.initComponent, lib = window.Streamlit;
            if (typeof init !== "function" || !lib) { return; }
            window.initComponent = function (map, hover) {
                window.initComponent = init;  // once: a remount reports again
                var size = map.getSize(), send = lib.setComponentValue;
                var quiet = size.x <= {{ this.cover_px[0] }} && size.y <= {{ this.cover_px[1] }};
                if (quiet) { lib.setComponentValue = function () { window.__iaQuietFirst = true; }; }
                try { return init(map, hover); } finally { lib.setComponentValue = send; }
            };
        })();
        {% endmacro %}
        """
    )

    def __init__(self, cover_px: tuple[int, int]):
        super().__init__()
        self._name = "QuietFirstReport"
        self.cover_px = (int(cover_px[0]), int(cover_px[1]))


def render_base(fmap: folium.Map, *, key: str) -> RenderedBase:
    """What ``st_folium(fmap, key=key, use_container_width=True)`` computes before its component call.

    The same steps as streamlit-folium 0.27's ``st_folium`` (with its helpers), so the
    script, ids and hash are the ones it would send.
    """
    sf = streamlit_folium
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    map_id = sf.get_full_id(fmap)
    try:
        (south, west), (north, east) = fmap.get_bounds()
    except AttributeError:
        south = west = north = east = None
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        "zoom": fmap.options.get("zoom"), "last_circle_radius": None, "last_circle_polygon": None,
        "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }  # fmt: skip
    css_links: list[str] = []
    js_links: list[str] = []
    for elem in _walk(fmap):
        css_links.extend(href for _, href in getattr(elem, "default_css", []))
        js_links.extend(src for _, src in getattr(elem, "default_js", []))
    return RenderedBase(
        script=script,
        header=header,
        html=html,
        map_id=map_id,
        defaults=defaults,
        css_links=tuple(dict.fromkeys(css_links)),
        js_links=tuple(dict.fromkeys(js_links)),
        hash_key=sf.generate_js_hash(script, key, False),
    )


def _walk(element):
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _feature_group_string(group: folium.FeatureGroup, map_id: str) -> str:
    """streamlit-folium's script for ``group`` on the map ``map_id`` (a stand-in map: the base stays untouched)."""
    stand_in = folium.Map(tiles=None)
    stand_in._id = map_id.split("_", 1)[1] if "_" in map_id else map_id
    return streamlit_folium._get_feature_group_string(group, map=stand_in, idx=0)


def _group_script(key: tuple, map_id: str, build) -> str:
    """The incident layer's script for ``key`` on the map ``map_id`` (``build()`` gives its FeatureGroup)."""
    key = (*key, map_id)
    with _BASES_LOCK:
        hit = _GROUPS.get(key)
        if hit is not None:
            _GROUPS.move_to_end(key)
            return hit
    script = _feature_group_string(build(), map_id)
    with _BASES_LOCK:
        _GROUPS[key] = script
        while len(_GROUPS) > _GROUPS_KEPT:
            _GROUPS.popitem(last=False)
    return script
