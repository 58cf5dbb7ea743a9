"""Folium building blocks for every map in the app (no Streamlit here).

* :func:`base_map` — the stable part of a map: offline country borders, online
  tiles when the browser can reach them (``GEO_TILES``, :class:`_ProbedTiles`),
  local Leaflet assets, marker CSS, the legend and the "zoom to results" button.
  It does not depend on the filters, so streamlit-folium keeps the same
  component (no remount) while the analyst filters.
* :func:`incident_features` — the filtered incidents as compact GeoJSON text,
  only the properties the tooltip and popup need, colour computed here.
* :class:`IncidentLayer` — ONE layer drawn by ``incident_layer.js`` (never one
  folium ``Marker`` per incident). In ``points`` mode it draws those features
  with a JS ``pointToLayer``, clustered above :data:`CLUSTER_THRESHOLD` points
  (below it only overlapping markers merge); in ``bins`` mode it draws the
  server-side bins of :mod:`geo.view.aggregate` (a count per grid cell, coloured by
  its most frequent actor; a click zooms in). It goes into a ``FeatureGroup``
  passed to ``st_folium(feature_group_to_add=...)``, which swaps it in place,
  together with the :class:`Extent` of the incidents passing the filters (for
  the "zoom to results" button).
* :func:`point_layer` — a small generic layer of named points (the gazetteer).

Every string that reaches the page is escaped: JSON embedded in a ``<script>``
has ``<``, ``>`` and ``&`` written as ``\\u003c``-style escapes, the legend is
built with :func:`html.escape`, and the JS popups escape every value.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import numpy as np
import orjson
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.config import TileSource, get_settings
from geo.incidents import ATTRIBUTIONS, EVENT_TYPES, source_label
from geo.view.viewstate import DEFAULT_CENTER, DEFAULT_ZOOM
from ui.assets import VendorAssets, localize
from ui.borders import LABELS, borders_geojson
from ui.symbols import SHAPES, ActorColours, marker_css

__all__ = [
    "CLUSTER_THRESHOLD",
    "FIT_MAX_ZOOM",
    "GESTURE_HINT",
    "LEGEND_OPEN_FROM_PX",
    "MAX_POPUP_SOURCES",
    "REVEAL_POPUP_FROM_PX",
    "SUMMARY_CHARS",
    "TILE_PROBE_TIMEOUT_MS",
    "WHEEL_HINT",
    "WHEEL_HINT_MAC",
    "Extent",
    "FitBounds",
    "IncidentLayer",
    "base_map",
    "extent_of",
    "incident_features",
    "incident_group",
    "legend_html",
    "point_layer",
    "script_json",
]

CLUSTER_THRESHOLD = 2000  # above this many points the layer clusters widely (see incident_layer.js)
SUMMARY_CHARS = 300  # popups show the start of the summary; the details panel shows it all
MAX_POPUP_SOURCES = 5
TILE_PROBE_TIMEOUT_MS = 4000  # a tile that has not loaded by then counts as unreachable
# A linked incident opens with its popup on maps at least this wide; on a phone the
# page's details sheet covers the lower map already (ui.layout).
REVEAL_POPUP_FROM_PX = 500
FIT_MAX_ZOOM = 9  # "zoom to results" never zooms closer (one incident: its town and surroundings)

_LAYER_JS = (Path(__file__).with_name("incident_layer.js")).read_text(encoding="utf-8")
# Drop the leading comment block: the factory is inlined into the map script.
_LAYER_JS = _LAYER_JS[_LAYER_JS.index("function (data, opt)") :]

_MAP_CSS = """
html,body{margin:0;overflow:hidden;}
#map_div{height:100vh!important;}
.leaflet-container{background:#cddceb;}
.leaflet-popup-content{max-width:calc(100vw - 80px);overflow-wrap:anywhere;}
/* A popup opened below its marker (incident_layer.js, placeInside): its tip above it, pointing up. */
.leaflet-popup.ia-below .leaflet-popup-tip-container{top:-19px;transform:rotate(180deg);}
.leaflet-tooltip{white-space:normal;width:max-content;max-width:min(300px,calc(100vw - 40px));}
.ia-label{color:#5b5b5b;font:600 11px/1.1 system-ui,sans-serif;letter-spacing:.12em;text-transform:uppercase;
  text-shadow:0 0 3px #fff,0 0 3px #fff;white-space:nowrap;pointer-events:none;}
.ia-label.ia-faded{opacity:.3;}  /* a country name with no place free of markers: they show through it */
.ia-id{color:#777;font-size:10px;margin-top:2px;}
.ia-pop table{border-collapse:collapse;font-size:12px;}
.ia-pop th{text-align:left;padding:1px 8px 1px 0;color:#555;font-weight:600;vertical-align:top;white-space:nowrap;}
.ia-pop td{padding:1px 0;}
.ia-pop .ia-sum{margin:6px 0 4px;font-size:12px;max-height:9em;overflow:auto;}
.ia-pop .ia-src{margin:0;padding-left:16px;font-size:12px;}
.ia-legend{background:rgba(255,255,255,.93);padding:3px 7px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.35);
  font:11px/1.2 system-ui,sans-serif;}
.ia-legend summary{cursor:pointer;font-weight:600;}
.ia-legend .ia-cols{display:flex;gap:10px;margin-top:2px;max-height:170px;overflow:auto;}
.ia-legend .ia-col:first-child{max-width:150px;}
.ia-legend h4{margin:0 0 1px;font-size:11px;color:#444;}
.ia-legend .ia-row{display:flex;align-items:center;gap:4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;}
.ia-legend .ia-sw{width:10px;height:10px;border-radius:2px;flex:none;}
.ia-legend .ia-mk{width:10px;height:10px;flex:none;}
.ia-legend .ia-note{margin-top:3px;white-space:nowrap;color:#444;}
.ia-legend .ia-bsw{display:inline-block;width:12px;height:12px;border-radius:50%;vertical-align:middle;
  margin-right:4px;background:conic-gradient(#d55e00 0 60%,#0072b2 60% 85%,#4d4d4d 85% 100%);
  box-shadow:0 0 0 1px rgba(0,0,0,.4);}
/* Leaflet's own 12px: the component's stylesheet sets the map's font to 1rem, and at 16px the
   attribution ran into the scale bar on a phone. */
.leaflet-container .leaflet-control-attribution,.leaflet-container .leaflet-control-scale{font-size:12px;}
.leaflet-container:after{text-align:center;}  /* the two-finger hint (Leaflet.GestureHandling) */
.ia-fit a{display:flex;align-items:center;justify-content:center;color:#333;}
.ia-fit a.leaflet-disabled{color:#bbb;}
.ia-bin{background:none;border:none;}
.ia-bin-c{border-radius:50%;cursor:pointer;display:flex;align-items:center;justify-content:center;
  box-shadow:0 0 0 1px rgba(0,0,0,.5),0 1px 5px rgba(0,0,0,.45);}
.ia-bin-c span{display:block;width:calc(100% - 10px);height:calc(100% - 10px);border-radius:50%;
  background:rgba(255,255,255,.94);color:#222;font:700 11px/1 system-ui,sans-serif;display:flex;
  align-items:center;justify-content:center;letter-spacing:-.02em;}
"""


def script_json(obj: object) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the JS line separators are escaped inside strings
    (they can only occur there), so ``</script>`` in a summary cannot end the
    script. ``{{``, ``{%`` and ``{#`` are broken up too (they too can only occur
    inside strings): streamlit-folium rewrites ``{{'name'}}`` patterns in the
    map script, and folium compiles rendered scripts as Jinja templates.
    """
    text = orjson.dumps(obj).decode()
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("{{", "{\\u007b")
        .replace("{%", "{\\u0025")
        .replace("{#", "{\\u0023")
    )


def _date_labels(df: pd.DataFrame) -> list[str]:
    """ "2024-01-20", "week of 2024-01-15" or "2024-01 (month)", per row (vectorised)."""
    day = df["date"].dt.strftime("%Y-%m-%d")
    precision = df["date_precision"]
    labels = day.where(precision.ne("week"), "week of " + day)
    labels = labels.where(precision.ne("month"), df["date"].dt.strftime("%Y-%m") + " (month)")
    return labels.tolist()


def _sources(text: str | None) -> list[list[str]] | None:
    """[label, url] of the first sources of an incident, from its JSON column."""
    if not text or text == "[]":
        return None
    try:
        items = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    out = []
    for s in items[:MAX_POPUP_SOURCES]:
        if isinstance(s, dict):
            label = source_label(s.get("outlet"), s.get("published"), s.get("title"), s.get("url"))
            out.append([label[:160], str(s.get("url") or "")])
    return out or None


def _figures(series: pd.Series) -> list[int | None]:
    """A nullable Int64 column as ints and None (unknown stays None, never 0)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _summaries(series: pd.Series) -> list[str | None]:
    text = series.fillna("").astype(str)
    long = text.str.len() > SUMMARY_CHARS
    text = text.where(~long, text.str.slice(0, SUMMARY_CHARS - 1) + "…")
    return text.where(text.ne(""), None).tolist()


def incident_features(df: pd.DataFrame, colours: ActorColours) -> dict:
    """The incidents of ``df`` as a GeoJSON FeatureCollection with short property keys.

    Keys: ``i`` id, ``c`` colour, ``t`` event type, ``x`` intercepted (only when
    true), ``d`` date label, ``l`` place, ``a`` actor, ``at`` attribution,
    ``ab`` attributed by, ``k``/``j``/``m`` killed/injured/munitions (absent when
    unknown), ``s`` summary (truncated), ``src`` [[label, url], ...].
    Type and attribution labels travel once in the layer options, not per point.
    Columns are converted to lists first (vectorised); the one loop only assembles dicts.
    """
    if df.empty:
        return {"type": "FeatureCollection", "features": []}
    columns = zip(
        df["id"].tolist(), df["lon"].round(5).tolist(), df["lat"].round(5).tolist(),
        colours.series(df["actor"]).tolist(), df["event_type"].tolist(), df["intercepted"].tolist(),
        _date_labels(df), df["location"].tolist(), df["actor"].fillna("Unknown").tolist(),
        df["attribution"].tolist(), df["attributed_by"].tolist(), _figures(df["killed"]),
        _figures(df["injured"]), _figures(df["munitions"]), _summaries(df["summary"]),
        [_sources(s) for s in df["sources"].tolist()],
    )  # fmt: skip
    features = []
    for iid, lon, lat, colour, etype, icpt, date, loc, actor, attr, by, killed, injured, mun, summ, src in columns:
        p: dict = {"i": iid, "c": colour, "t": etype, "d": date, "a": actor or "Unknown", "at": attr}
        if icpt:
            p["x"] = 1
        if loc:
            p["l"] = loc
        if by:
            p["ab"] = by
        if killed is not None:
            p["k"] = killed
        if injured is not None:
            p["j"] = injured
        if mun is not None:
            p["m"] = mun
        if summ:
            p["s"] = summ
        if src:
            p["src"] = src
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": p})
    return {"type": "FeatureCollection", "features": features}


class _Verbatim(Element):
    """Text placed into a figure as is.

    folium's ``MacroElement.render`` wraps each rendered script in
    ``Element(text)``, which *compiles the text as a Jinja template*: seconds
    for megabytes of GeoJSON, and report text containing ``{%`` would be
    template syntax. This element is never compiled.
    """

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class IncidentLayer(MacroElement):
    """All filtered incidents as one Leaflet layer built in the browser.

    ``data_js`` is GeoJSON text from :func:`script_json` (cache it per filter);
    ``selected`` is the id drawn highlighted. ``keep_view``: the map shows a link's own
    centre and zoom, which showing the selected incident must not move (no pan, no zoom).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = ({{ this.factory }})({{ this.data_js }}, {{ this.options_js }});
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data_js: str,
        *,
        count: int,
        selected: str | None = None,
        cluster: bool | None = None,
        mode: str = "points",
        selected_feature: Mapping | None = None,
        keep_view: bool = False,
    ):
        super().__init__()
        self._name = "IncidentLayer"
        self.factory = _LAYER_JS
        self.data_js = data_js
        self.count = count
        self.mode = mode
        self.cluster = count > CLUSTER_THRESHOLD if cluster is None else cluster
        options = {
            "selected": selected, "cluster": self.cluster, "types": EVENT_TYPES, "attributions": ATTRIBUTIONS,
            "popupFromPx": REVEAL_POPUP_FROM_PX, "keepView": keep_view,
        }  # fmt: skip
        if selected_feature is not None:  # bins mode: the selected incident drawn above the bins
            options["feature"] = selected_feature
        self.options_js = script_json(options)

    def render(self, **kwargs) -> None:
        # streamlit-folium takes the script from the template macro itself; this only
        # keeps a plain folium render (a saved HTML map) complete, without Jinja (see _Verbatim).
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(_Verbatim(script), name=self.get_name())


@dataclass(frozen=True)
class Extent:
    """Where the incidents passing the filters are: their bounding box and how many there are."""

    south: float
    west: float
    north: float
    east: float
    count: int


def extent_of(lat: Sequence[float], lon: Sequence[float]) -> Extent | None:
    """The bounding box of the points with finite coordinates; None when there is none.

    Plain min/max: the incidents are in one region, never across the antimeridian.
    """
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.all():
        lat, lon = lat[ok], lon[ok]
    if len(lat) == 0:
        return None
    return Extent(
        south=round(float(lat.min()), 5),
        west=round(float(lon.min()), 5),
        north=round(float(lat.max()), 5),
        east=round(float(lon.max()), 5),
        count=len(lat),
    )


class FitBounds(MacroElement):
    """Show every point of an :class:`Extent`: fit the map to it, and again when the map is resized
    until the reader moves it. The map's frame starts without a size: a view set then is kept
    relative to that empty frame, and the Ingest page's map opened at the lowest zoom with its
    points in a corner; a fit then zoomed in as far as it may on the middle of the region."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var bounds = L.latLngBounds({{ this.bounds }}), fitted = null;
            function fit() {
                var size = map.getSize();
                if (!size.x || !size.y) { return; }
                map.fitBounds(bounds, {padding: [24, 24], maxZoom: {{ this.max_zoom }}, animate: false});
                fitted = {centre: map.getCenter(), zoom: map.getZoom()};
            }
            fit();
            map.on("resize", function () {
                if (!fitted || (fitted.zoom === map.getZoom() && fitted.centre.equals(map.getCenter(), 1e-6))) { fit(); }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, extent, *, max_zoom: int):
        super().__init__()
        self._name = "FitBounds"
        self.bounds = script_json([[extent.south, extent.west], [extent.north, extent.east]])
        self.max_zoom = int(max_zoom)


class _Results(MacroElement):
    """Hands the incidents' :class:`Extent` to the map's "zoom to results" button (:class:`_FitControl`).

    It travels in the incident layer's script because that script is already sent
    again whenever the filters change (and only then, or when the view region does).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.map_name() }}._iaResults = {{ this.results_js }};
        {{ this.map_name() }}.fire("ia:results");
        {% endmacro %}
        """
    )

    def __init__(self, extent: Extent | None):
        super().__init__()
        self._name = "Results"
        e = extent
        bounds = None if e is None else [[e.south, e.west], [e.north, e.east]]
        self.results_js = script_json({"bounds": bounds, "count": 0 if e is None else e.count})

    def map_name(self) -> str:
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = getattr(parent, "_parent", None)
        return parent.get_name()


def incident_group(
    data_js: str,
    *,
    count: int,
    selected: str | None = None,
    mode: str = "points",
    selected_feature: Mapping | None = None,
    extent: Extent | None = None,
    keep_view: bool = False,
) -> folium.FeatureGroup:
    """The FeatureGroup holding the incident layer, as ``st_folium`` wants it.

    ``extent`` is where *all* incidents passing the filters are (the layer itself may
    hold only those around the view); None disables "zoom to results". ``keep_view``:
    see :class:`IncidentLayer`.
    """
    group = folium.FeatureGroup(name="Incidents", control=False)
    layer = IncidentLayer(
        data_js, count=count, selected=selected, mode=mode, selected_feature=selected_feature, keep_view=keep_view
    )
    group.add_child(layer)
    group.add_child(_Results(extent))
    return group


class _Borders(folium.map.Layer):
    """Country polygons plus country name labels: a readable map without any tiles.

    An overlay, always on at first. Without tiles the land is filled (the sea is the
    map's background colour); over tiles only faint outlines and the labels stay:
    the tiles draw their own, more detailed borders, which the 1:110m outlines would
    blur at closer zooms, while the English names stay useful over tiles labelled in
    Arabic, Kurdish, Persian or Turkish.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (map) {
            var filled = {color: "#6f6a60", weight: 1, opacity: 1, fillColor: "#f4f1e8", fillOpacity: 1};
            var outline = {color: "#4f4a42", weight: 1, opacity: 0.45, fillOpacity: 0};
            var shapes = L.geoJson({{ this.data_js }}, {interactive: false, style: filled});
            // Restyle only when a tile layer comes or goes (other layers come and go by the hundred).
            map.on("layeradd layerremove", function (e) {
                if (!(e.layer instanceof L.TileLayer)) { return; }
                var tiled = false;
                map.eachLayer(function (l) { if (l instanceof L.TileLayer) { tiled = true; } });
                shapes.setStyle(tiled ? outline : filled);
            });
            var labels = {{ this.labels_js }}.map(function (l) {
                return L.marker([l[0], l[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: "ia-label ia-country", html: l[2], iconSize: null})});
            });
            // Zoomed out, neighbours' names ran into each other ("ISRAELJORDAN"): a name that
            // would overlap one drawn before it (the list is in order of importance) is hidden.
            // So is one under a control (on a phone "TURKEY" sat under the zoom buttons, "KUWAIT"
            // under the legend) or cut by the map's edge ("RAEL", "AN"): half a name reads as noise.
            // A name under an incident's marker or a site's dot moves a line down or up, or sideways,
            // where that is free ("IRAQ" lay under the Baghdad cluster of the opening view); markers come
            // first: where no place is free of them (the Gazetteer's dots fill Iraq, Syria and Lebanon),
            // the name stays at its nearest place, faded, and the dots show through it.
            var NUDGES = [[0, 0], [0, 15], [0, -15], [-24, 0], [24, 0], [0, 30], [0, -30], [-48, 0], [48, 0]];
            var waits = 0;
            function declutter() {
                // Until Leaflet's style sheet is in, the controls are blocks under the map and every
                // name is out of place (all of them were hidden, as cut): measure once it is.
                var corner = map.getContainer().querySelector(".leaflet-top");
                if (corner && getComputedStyle(corner).position !== "absolute") {
                    if (waits++ < 100) { setTimeout(declutter, 100); }
                    return;
                }
                var edge = map.getContainer().getBoundingClientRect();
                function boxes(selector) {
                    return Array.prototype.map.call(map.getContainer().querySelectorAll(selector),
                        function (c) { return c.getBoundingClientRect(); }
                    ).filter(function (d) { return d.width && d.height; });
                }
                function meets(r, list) {
                    return list.some(function (d) {
                        return r.left < d.right && r.right > d.left && r.top < d.bottom && r.bottom > d.top;
                    });
                }
                var drawn = boxes(".leaflet-control");
                // The Gazetteer's and Ingest's points are circles drawn in the overlay pane (the borders
                // there are not interactive): "IRAQ" and "KUWAIT" lay under the sites' dots.
                var marks = boxes(".leaflet-marker-pane .ia-mk, .leaflet-marker-pane .ia-bin-c, " +
                                  ".leaflet-overlay-pane path.leaflet-interactive").map(function (d) {
                    // 3 px more: a name touching a marker read as under it
                    return {left: d.left - 3, right: d.right + 3, top: d.top - 3, bottom: d.bottom + 3};
                });
                labels.forEach(function (m) {
                    var el = m.getElement();
                    if (!el) { return; }
                    el.style.visibility = "";
                    el.style.margin = "";
                    L.DomUtil.removeClass(el, "ia-faded");
                    var home = el.getBoundingClientRect(), fallback = null, chosen = null;
                    for (var i = 0; i < NUDGES.length && !chosen; i++) {
                        var dx = NUDGES[i][0], dy = NUDGES[i][1];
                        var r = {left: home.left + dx, right: home.right + dx,
                                 top: home.top + dy, bottom: home.bottom + dy};
                        var cut = r.left < edge.left || r.right > edge.right ||
                            r.top < edge.top || r.bottom > edge.bottom;
                        if (cut || meets(r, drawn)) { continue; }
                        if (!meets(r, marks)) { chosen = [dx, dy, r]; } else if (!fallback) { fallback = [dx, dy, r]; }
                    }
                    chosen = chosen || fallback;  // the nearest place a marker shares
                    if (!chosen) { el.style.visibility = "hidden"; return; }
                    if (chosen === fallback) { L.DomUtil.addClass(el, "ia-faded"); }
                    if (chosen[0] || chosen[1]) { el.style.margin = chosen[1] + "px 0 0 " + chosen[0] + "px"; }
                    drawn.push(chosen[2]);
                });
            }
            // Again after every move (ten labels: nothing to measure), once the label font is in,
            // when the legend opens or folds (a <details> "toggle" does not bubble: captured) and
            // when the incident layer redraws its markers (no map event says so).
            map.on("zoomend moveend resize ia:controls", declutter);
            map.getContainer().addEventListener("toggle", declutter, true);
            if (window.ResizeObserver) { new ResizeObserver(declutter).observe(map.getContainer()); }
            if (window.MutationObserver) {
                var timer = null;
                new MutationObserver(function () {
                    if (!timer) { timer = setTimeout(function () { timer = null; declutter(); }, 150); }
                }).observe(map.getPane("markerPane"), {childList: true});
            }
            var group = L.layerGroup([shapes].concat(labels));
            group.on("add", function () {
                setTimeout(declutter, 0);
                if (document.fonts) { document.fonts.ready.then(declutter); }
            });
            return group;
        })({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Borders"
        self.data_js = script_json(orjson.loads(borders_geojson()))
        names = {f["properties"]["iso"]: f["properties"]["name"] for f in orjson.loads(borders_geojson())["features"]}
        self.labels_js = script_json(
            [[lat, lon, html.escape(names[iso])] for iso, (lat, lon) in LABELS.items() if iso in names]
        )


def legend_html(colours: ActorColours, actors: Iterable[str], event_types: Iterable[str]) -> str:
    """The legend's inner HTML: actor colours and event-type shapes side by side (all escaped).

    A ``<details>`` element, so the analyst can fold it away when it covers
    markers; it starts folded on maps narrower than :data:`LEGEND_OPEN_FROM_PX`.
    """
    actor_rows = "".join(
        f'<div class="ia-row"><span class="ia-sw" style="background:{html.escape(colour)}"></span>'
        f'<span title="{html.escape(label)}">{html.escape(label)}</span></div>'
        for label, colour in colours.legend(actors)
    )
    present = set(event_types)
    type_rows = "".join(
        f'<div class="ia-row"><span class="ia-mk ia-t-{key}"><i style="background:#555"></i></span>'
        f"{html.escape(label)}</div>"
        for key, label in EVENT_TYPES.items()
        if key in present and key in SHAPES
    )
    type_rows += (
        '<div class="ia-row"><span class="ia-mk ia-t-indirect_fire ia-x"><i style="background:#555"></i></span>'
        "faded: intercepted</div>"
    )
    note = (
        '<div class="ia-note" title="Where many incidents are in view they are counted per area; the ring shows '
        "the actors' shares. Click a circle to zoom in.\"><span class=\"ia-bsw\"></span>Count per area, ring: actors' "
        "shares</div>"
    )
    return (
        '<details open><summary>Legend</summary><div class="ia-cols">'
        f'<div class="ia-col"><h4>Actor family</h4>{actor_rows}</div>'
        f'<div class="ia-col"><h4>Event type</h4>{type_rows}</div></div>{note}</details>'
    )


# Maps at least this wide start with the legend open. Open, it covered about a fifth of the
# map at 1280×800 (356×204 px in the lower right, over southern Iraq, where most incidents
# are); laid out tighter it is about 305×157 px. On a narrower map (a phone) even that is
# too much: it starts folded there, one click from open. (Measuring its share of the map in
# the browser was racy: the map's frame gets its final height from the page's CSS only after
# the map's script ran, so the same legend folded at 1440×900 and stayed open at 1280×800.)
# At 1280×800 the map is 578 px wide and the open legend still covered the south-east of it
# (southern Iraq, Kuwait, the Gulf) where most incidents are: it opens from a 1440 px screen's
# map (about 690 px wide) on; the width is final when the script runs, unlike the height.
LEGEND_OPEN_FROM_PX = 640


class _Legend(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "ia-legend");
            div.innerHTML = {{ this.html_js }};
            var details = div.querySelector("details");
            if (details && map.getSize().x < {{ this.open_from_px }}) { details.open = false; }
            L.DomEvent.disableScrollPropagation(div);
            if (details) { foldOverData(map, div, details); clearOfScale(map, div); }
            return div;
        };
        // On a phone the open legend is nearly as wide as the map and covered the scale bar in the
        // lower left: where the two would meet, the legend sits above the scale bar. Laid out before
        // the other listeners of a "toggle" (captured on the document, above the map's container) read
        // the controls' boxes: the place and country names keep off the legend where it now is.
        function clearOfScale(map, div) {
            var waits = 0;
            function place() {
                var scale = map.getContainer().querySelector(".leaflet-control-scale");
                if (!scale || !div.parentNode) { return false; }
                // Until Leaflet's style sheet is in, the controls are blocks under the map (the legend
                // "met" the scale bar and was lifted hundreds of pixels): measure once it is.
                if (getComputedStyle(div.parentNode).position !== "absolute") {
                    if (waits++ < 100) { setTimeout(placeAndTell, 100); }
                    return false;
                }
                var before = div.style.marginBottom;
                div.style.marginBottom = "";
                var l = div.getBoundingClientRect(), s = scale.getBoundingClientRect();
                var lift = l.left < s.right + 4 && s.left < l.right ? Math.ceil(l.bottom - (s.top - 6)) : 0;
                if (lift > 0) {
                    div.style.marginBottom = (parseFloat(getComputedStyle(div).marginBottom) + lift) + "px";
                }
                return div.style.marginBottom !== before;
            }
            // Placed anew: the names laid out around the controls are laid out again.
            function placeAndTell() { if (place()) { map.fire("ia:controls"); } }
            document.addEventListener("toggle", function (e) { if (div.contains(e.target)) { place(); } }, true);
            map.on("resize", placeAndTell);
            setTimeout(placeAndTell, 0);  // once it is in the map
        }
        // Open, the legend hid the map's south-east corner (Kuwait, the Gulf, southern Iraq): an
        // incident drawn under it was not there for the reader. Whenever an incident's marker (or
        // a count) lies under the open legend after the map moved or redrew, it folds to its
        // "Legend" button. Once the reader opens (or folds) it by hand it is theirs: left as they set it.
        function foldOverData(map, div, details) {
            var mine = false, timer = null;
            details.querySelector("summary").addEventListener("click", function () { mine = true; });
            function check() {
                timer = null;
                if (mine || !details.open) { return; }
                var l = div.getBoundingClientRect();
                var marks = map.getContainer().querySelectorAll(".leaflet-marker-pane .ia-mk, " +
                    ".leaflet-marker-pane .ia-clu, .leaflet-marker-pane .ia-bin-c");
                for (var i = 0; i < marks.length; i++) {
                    var m = marks[i].getBoundingClientRect();
                    if (m.width && m.left < l.right && l.left < m.right && m.top < l.bottom && l.top < m.bottom) {
                        details.open = false;
                        return;
                    }
                }
            }
            function later() { if (!timer) { timer = setTimeout(check, 150); } }
            map.on("moveend zoomend resize layeradd", later);
            if (window.MutationObserver) {  // the incident layer redraws its markers without a map event
                new MutationObserver(later).observe(map.getPane("markerPane"), {childList: true});
            }
            later();
        }
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, inner_html: str):
        super().__init__()
        self._name = "Legend"
        self.html_js = script_json(inner_html)
        self.open_from_px = LEGEND_OPEN_FROM_PX


class _NoTiles(folium.map.Layer):
    """The base layer "no tiles": nothing but the map's background (the borders overlay does the rest)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str):
        super().__init__(name=name, overlay=False, control=True, show=True)
        self._name = "NoTiles"


class _ProbedTiles(folium.map.Layer):
    """Online tiles, switched on only once the browser has loaded one of them.

    The probe is an ``Image`` that is never put in the page: a tile host that is
    unreachable (offline, blocked, down) leaves no broken-image icons and no
    half-drawn layer, just the offline borders. If the tile has not loaded after
    :data:`TILE_PROBE_TIMEOUT_MS` the tiles stay off. All of it happens in the
    browser (the server never contacts the tile host, so it needs no network), and
    in the map that is already mounted: nothing is sent back to Streamlit.
    The outcome is left on the map's container as ``data-ia-tiles``
    (``on`` / ``unavailable``) for tests and for anyone debugging a deployment.
    ``no_tiles`` is the base layer to switch away from; the analyst's own choice
    in the layer control (made before the probe settled) is left alone.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.tileLayer({{ this.url_js }}, {{ this.options_js }});
        (function (map, tiles, noTiles) {
            var img = new Image(), settled = false, zoom = Math.min(map.getZoom(), tiles.options.maxZoom);
            var at = map.project(map.getCenter(), zoom).divideBy(tiles.getTileSize().x).floor();
            var subdomains = tiles.options.subdomains;  // as L.TileLayer.getTileUrl fills the template
            var data = L.extend({r: L.Browser.retina ? "@2x" : "", x: at.x, y: at.y, z: zoom,
                                 s: subdomains[Math.abs(at.x + at.y) % subdomains.length],
                                 "-y": Math.pow(2, zoom) - 1 - at.y}, tiles.options);
            var container = map.getContainer();
            function settle(ok) {
                if (settled) { return; }
                settled = true;
                clearTimeout(timer);
                img.onload = img.onerror = null;
                container.setAttribute("data-ia-tiles", ok ? "on" : "unavailable");
                if (ok && map.hasLayer(noTiles) && !map.hasLayer(tiles)) {
                    map.removeLayer(noTiles);
                    map.addLayer(tiles);  // the layer control follows (it listens to layeradd)
                }
            }
            var timer = setTimeout(function () { settle(false); }, {{ this.timeout_ms }});
            img.onload = function () { settle(img.naturalWidth > 0); };
            img.onerror = function () { settle(false); };
            container.setAttribute("data-ia-tiles", "probing");
            if (navigator.onLine === false) { settle(false); return; }  // no network at all: do not even ask
            img.src = L.Util.template({{ this.url_js }}, data);
        })({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.no_tiles.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, source: TileSource, *, no_tiles: _NoTiles, timeout_ms: int = TILE_PROBE_TIMEOUT_MS):
        super().__init__(name=f"{source.name} (online)", overlay=False, control=True, show=False)
        self._name = "ProbedTiles"
        self.no_tiles = no_tiles
        self.timeout_ms = int(timeout_ms)
        self.url_js = script_json(source.url)
        # script_json: the attribution is HTML (Leaflet shows it as such) but must not end the script.
        self.options_js = script_json({"attribution": source.attribution, "maxZoom": source.max_zoom})


_FIT_ICON = (
    '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" '
    'stroke-width="2"><path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4"/><circle cx="8" cy="8" r="2" '
    'fill="currentColor" stroke="none"/></svg>'
)


class _FitControl(MacroElement):
    """A map button under the zoom buttons: fit the view to the incidents passing the filters.

    On the map rather than a Streamlit button next to it: it sits with the other
    view controls, and a click moves the map at once in the browser (no script
    run first); the move is then reported like any pan or zoom, so the URL's
    ``lat``/``lon``/``z`` follow. The bounds come from the server with every new
    incident layer (:class:`_Results`), computed from *all* filtered rows, not
    from the markers drawn (which, for many incidents, are only those near the view).
    With no incident passing the filters the button is disabled.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topleft"});
        {{ this.get_name() }}.onAdd = function (map) {
            var bar = L.DomUtil.create("div", "leaflet-bar ia-fit");
            var a = L.DomUtil.create("a", "", bar);
            a.href = "#";
            a.setAttribute("role", "button");
            a.innerHTML = {{ this.icon_js }};
            function update() {
                var r = map._iaResults, none = !r || !r.bounds;
                a.classList.toggle("leaflet-disabled", none);
                a.setAttribute("aria-disabled", none ? "true" : "false");
                a.title = none ? "No incidents match the filters"
                    : "Zoom to the " + r.count.toLocaleString("en") + (r.count === 1 ? " incident" : " incidents")
                      + " matching the filters";
                a.setAttribute("aria-label", a.title);
            }
            L.DomEvent.disableClickPropagation(bar);
            L.DomEvent.on(a, "click", function (e) {
                L.DomEvent.preventDefault(e);
                var r = map._iaResults;
                if (r && r.bounds) {
                    map.fitBounds(r.bounds, {padding: [30, 30], maxZoom: {{ this.max_zoom }}});
                }
            });
            map.on("ia:results", update);
            update();
            return bar;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, max_zoom: int = FIT_MAX_ZOOM):
        super().__init__()
        self._name = "FitControl"
        self.icon_js = script_json(_FIT_ICON)
        self.max_zoom = int(max_zoom)


GESTURE_HINT = "Use two fingers to move the map"
WHEEL_HINT = "Use Ctrl + scroll to zoom the map"
WHEEL_HINT_MAC = "Use \u2318 + scroll to zoom the map"


class _CooperativeGestures(MacroElement):
    """Every map lets the page scroll past it (Google's "cooperative" mode), on every map of the app.

    Touch: one finger scrolls the page and two move the map. The map is as wide as a phone: when a
    one-finger swipe panned it, nobody could scroll past it to the timeline and downloads.
    Leaflet.GestureHandling (``XStatic-Leaflet-GestureHandling``, in the vendored bundle) keeps
    dragging off until a second finger comes, shows the hint while one finger moves, and leaves the
    swipe to the browser (Leaflet's ``touch-action`` is then ``pan-x pan-y``; the map's frame has
    nothing to scroll, so the page scrolls). Two fingers pan and pinch the map (Leaflet's touch
    zoom); the buttons and taps work as before. Two of its gaps are closed: dragging stays on after
    a two-finger gesture, and a tap's emulated ``mouseover`` turned it on, either making the next
    one-finger swipe pan the map again; here it goes off when the last finger lifts, and only a real
    mouse pointer turns it on.

    Mouse wheel: the wheel scrolls the page and Ctrl + wheel (⌘ on a Mac, and a touchpad's pinch,
    which the browser sends as Ctrl + wheel) zooms the map; a plain wheel over the map shows
    :data:`WHEEL_HINT` for a second. A reader scrolling down the page with the pointer over a map
    got a zoomed map instead of the page below. The library's own wheel handler switched Leaflet's
    wheel zoom off and on, and lost the first Ctrl + wheel after a plain one (a listener added while
    an event is dispatched does not get it): here a capturing listener keeps a plain wheel from
    Leaflet and leaves it to the browser. Over the legend or a popup the wheel scrolls them, as before.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var lib = window.leafletGestureHandling;
            if (!lib || !lib.GestureHandling) { return; }
            var Cooperative = lib.GestureHandling.extend({
                _disableInteractions: function () { this._map.dragging.disable(); },
                _enableInteractions: function () { this._map.dragging.enable(); },
                _handleScroll: function () {},
                _handleMouseOver: function () {},
                _handleMouseOut: function () {},
                _handleTouch: function (e) {
                    lib.GestureHandling.prototype._handleTouch.call(this, e);
                    if ((e.type === "touchend" || e.type === "touchcancel") && e.touches.length === 0) {
                        this._map.dragging.disable();
                    }
                }
            });
            var hint = {{ this.hint_js }};
            map.options.gestureHandlingOptions = {
                text: {touch: hint, scroll: {{ this.wheel_js }}, scrollMac: {{ this.wheel_mac_js }}}, duration: 1000
            };
            map.addHandler("iaGestures", Cooperative);
            map.iaGestures.enable();
            var container = map.getContainer();
            container.addEventListener("pointerover", function (e) {
                if (e.pointerType === "mouse") { map.dragging.enable(); }
            }, true);
            var WARN = "leaflet-gesture-handling-scroll-warning", hide = null;
            container.addEventListener("wheel", function (e) {
                if (e.ctrlKey || e.metaKey) { L.DomUtil.removeClass(container, WARN); return; }  // Leaflet zooms
                var t = e.target;
                if (t.closest && t.closest(".leaflet-control, .leaflet-popup")) { return; }  // they scroll
                // Not to Leaflet's wheel zoom (on the container itself when nothing is drawn under the
                // pointer: capturing listeners run first there); the browser scrolls the page.
                e.stopImmediatePropagation();
                L.DomUtil.addClass(container, WARN);
                clearTimeout(hide);
                hide = setTimeout(function () { L.DomUtil.removeClass(container, WARN); }, 1000);
            }, {capture: true, passive: true});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "CooperativeGestures"
        self.hint_js = script_json(GESTURE_HINT)
        self.wheel_js = script_json(WHEEL_HINT)
        self.wheel_mac_js = script_json(WHEEL_HINT_MAC)


_FROM_SETTINGS = object()


def base_map(
    assets: VendorAssets,
    *,
    legend: str | None = None,
    center: Sequence[float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    overlays: Iterable[MacroElement] = (),
    tiles: TileSource | None | object = _FROM_SETTINGS,
    fit_button: bool = False,
    team_sites: Iterable = (),
) -> folium.Map:
    """The part of a map that does not change with the filters.

    ``center``/``zoom`` are the *initial* view only: in Streamlit pass the
    current view to ``st_folium(center=, zoom=)`` instead, so the map script
    (and thus the component) stays the same while the view moves.
    ``tiles`` is the online tile source (default: ``GEO_TILES`` from the settings;
    None: no tile layer at all, so the browser asks no tile host for anything).
    ``fit_button`` adds "zoom to results" (fed by :func:`incident_group`'s extent).
    ``team_sites`` (gazetteer sites editors added) are labelled with the curated ones offline.
    """
    if tiles is _FROM_SETTINGS:
        tiles = get_settings().tiles
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True)
    # folium hands min/max zoom to its tile layer only; with no tiles on at first the
    # map itself needs them (the cluster plugin refuses a map without maxZoom).
    m.options.update(min_zoom=3, max_zoom=18)
    localize(m, assets)
    m.get_root().header.add_child(_Verbatim(f"<style>{_MAP_CSS}\n{marker_css()}</style>"))  # not a template
    if tiles is not None:
        no_tiles = _NoTiles("No tiles (offline)").add_to(m)
        _ProbedTiles(tiles, no_tiles=no_tiles).add_to(m)
    _Borders("Country borders (offline)").add_to(m)
    from ui.placelabels import place_labels  # imports script_json from here

    m.add_child(place_labels(team_sites=team_sites))  # place names without tiles, and the Natural Earth credit
    for layer in overlays:  # before the layer control, whose script refers to them
        m.add_child(layer)
    if legend is not None:
        m.add_child(_Legend(legend))
    if fit_button:
        m.add_child(_FitControl())
    m.add_child(_CooperativeGestures())
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m


def point_layer(points: Iterable[Mapping], *, name: str, colour: str = "#0072b2") -> MacroElement:
    """A layer of small circles with an escaped tooltip (``lat``, ``lon``, ``label`` keys)."""
    rows = [
        [float(p["lat"]), float(p["lon"]), html.escape(str(p["label"]))]
        for p in points
        if p.get("lat") is not None and math.isfinite(float(p["lat"])) and math.isfinite(float(p["lon"]))
    ]
    return _Points(script_json(rows), name=name, colour=colour)


class _Points(folium.map.Layer):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.rows_js }}.map(function (r) {
            return L.circleMarker([r[0], r[1]], {radius: 5, weight: 1, color: "#222", fillColor: {{ this.colour_js }},
                                                fillOpacity: 0.9}).bindTooltip(r[2]);
        }));
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows_js: str, *, name: str, colour: str):
        # control=False: the layer control's script refers to every layer it lists, so a
        # listed layer added after the control (as pages do with base_map(...)) would break it.
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "Points"
        self.rows_js = rows_js
        self.colour_js = script_json(colour)
