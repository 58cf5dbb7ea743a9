"""Place names on the offline map: the gazetteer's sites (and GeoNames towns when imported).

Without tiles, a map zoomed to a province was blank beige: the Natural Earth
borders carry only country names. This layer writes the names of the places the
gazetteer knows (bases, airports, towns...) from zoom :data:`MIN_ZOOM`, plus the
largest populated places of an imported GeoNames layer, and hides itself while
online tiles are shown (they have their own labels). It also credits Natural
Earth, whose borders the offline map draws, in the map's attribution.

No rivers: the only geodata shipped with our dependencies is pyogrio's Natural
Earth 1:110m *countries* test fixture (no rivers or lakes), and no PyPI package
we use carries Natural Earth's river lines.

Payload: one compact JSON array in the base map (which is rendered once per
process): ~5 KB for the curated gazetteer, up to ~60 KB more with a GeoNames
layer (:data:`GEONAMES_LABELS` places). In the browser only the labels in view
are drawn, at most :data:`MAX_DRAWN`, biggest places first, none overlapping.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

from branca.element import MacroElement
from jinja2 import Template

__all__ = [
    "GEONAMES_LABELS",
    "MAX_DRAWN",
    "MIN_ZOOM",
    "NATURAL_EARTH_CREDIT",
    "PlaceLabels",
    "label_rows",
    "place_labels",
]

MIN_ZOOM = 7
MAX_DRAWN = 250
GEONAMES_LABELS = 2000  # the most populous GeoNames places labelled
# Plain text, no link (with GEO_TILES=off the map holds no https:// address at all), and short:
# on a phone a longer credit wrapped over the scale bar.
NATURAL_EARTH_CREDIT = "Borders: Natural Earth"

# Rank (lower is drawn first when labels would overlap): what an analyst reads a map for first.
_KIND_RANK = {
    "country": 0, "province": 1, "city": 2, "air_base": 3, "base": 3, "airport": 3, "town": 4,
    "oil_field": 5, "gas_field": 5, "village": 6,
}  # fmt: skip
_SAME_PLACE = 0.08  # degrees (~8 km): a GeoNames town this near a gazetteer site of its name is that site
_AREAS = {"country", "province", "region", "district"}  # a point at an area's centre is not a place
_SITE_KINDS = {"air_base", "base", "airport", "oil_field", "gas_field", "border_crossing", "embassy", "dam"}


def label_rows(sites: Iterable, geonames: Sequence[tuple[str, float, float, int]] = ()) -> list[list]:
    """``[lat, lon, escaped name, rank, is_site]`` per place, biggest first.

    ``sites`` are gazetteer :class:`~geo.places.gazetteer.Site` objects (countries, provinces,
    regions and districts are left out: the borders layer names countries, and an
    area's point is its centre, not a place). ``geonames`` rows are (name, lat, lon, population); a GeoNames
    place within ~8 km of a gazetteer site of the same name is the same place, kept once.
    """
    rows: list[list] = []
    taken: dict[str, list[tuple[float, float]]] = {}  # gazetteer name -> its points
    for s in sites:
        if s.kind in _AREAS or not (math.isfinite(s.lat) and math.isfinite(s.lon)):
            continue
        rows.append([round(s.lat, 4), round(s.lon, 4), html.escape(s.name), _KIND_RANK.get(s.kind, 5),
                     1 if s.kind in _SITE_KINDS else 0])  # fmt: skip
        taken.setdefault(s.name.strip().lower(), []).append((s.lat, s.lon))
    for name, lat, lon, population in geonames:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        same_name = taken.get(name.strip().lower(), ())
        if any(abs(lat - a) < _SAME_PLACE and abs(lon - b) < _SAME_PLACE for a, b in same_name):
            continue
        rank = 2 if population >= 100_000 else 4 if population >= 10_000 else 6
        rows.append([round(lat, 4), round(lon, 4), html.escape(name), rank, 0])
    rows.sort(key=lambda r: r[3])  # stable: gazetteer order (then population order) within a rank
    return rows


def place_labels(settings=None, *, team_sites: Iterable = ()) -> PlaceLabels:
    """The layer for the configured gazetteer CSV, the team's sites and the GeoNames database (if imported).

    ``team_sites`` are the sites editors added (:attr:`~geo.places.gazetteer.Gazetteer.team_sites`
    of the store's gazetteer): labelled like the curated ones, as they are where incidents are placed.
    """
    from geo.config import get_settings
    from geo.places.gazetteer import Gazetteer

    settings = settings or get_settings()
    sites = [*Gazetteer.load(settings.gazetteer_path).sites, *team_sites]
    geonames: list = []
    if settings.geonames_db.is_file():
        from geo.errors import GeoError
        from geo.places.geonames import GeoNamesLayer

        try:
            layer = GeoNamesLayer(settings.geonames_db)
            geonames = layer.populated_places(GEONAMES_LABELS)
            layer.close()
        except GeoError:
            geonames = []  # a broken GeoNames file must not take the map down; lookups report it
    return PlaceLabels(label_rows(sites, geonames))


class PlaceLabels(MacroElement):
    """Place names in view from :data:`MIN_ZOOM`, only while no tile layer is on the map."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ia-place{display:block;color:#333;font:500 11px/1.15 system-ui,sans-serif;white-space:nowrap;
          pointer-events:none;
          text-shadow:0 0 2px #f4f1e8,0 0 2px #f4f1e8,0 0 3px #f4f1e8;}
        .ia-place:before{content:"";display:inline-block;width:4px;height:4px;border-radius:50%;background:#555;
          margin:0 4px 1px 0;vertical-align:middle;}
        .ia-place.ia-left:before{display:none;}
        .ia-place.ia-left:after{content:"";display:inline-block;width:4px;height:4px;border-radius:50%;background:#555;
          margin:0 0 1px 4px;vertical-align:middle;}
        .ia-place.ia-off:before{display:none;}  /* off its point (a marker covers it): no dot */
        .ia-place.ia-site{font-style:italic;color:#4a4a4a;}
        .ia-place.ia-big{font-weight:700;font-size:12px;}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            var rows = {{ this.rows_js }};
            // A pane of their own under the markers: a label never covers an incident.
            var pane = map.getPane("ia-places") || map.createPane("ia-places");
            pane.style.zIndex = 450;
            pane.style.pointerEvents = "none";
            var group = L.layerGroup().addTo(map);
            map.attributionControl && map.attributionControl.addAttribution({{ this.credit_js }});
            function tiled() {
                var on = false;
                map.eachLayer(function (l) { if (l instanceof L.TileLayer) { on = true; } });
                return on;
            }
            // Widths as drawn (the label's font), not guessed per character: a guess too short let a
            // label run past the map's edge.
            var ctx = document.createElement("canvas").getContext("2d");
            function width(r) {
                ctx.font = (r[4] ? "italic " : "") + (r[3] <= 2 ? "700 12px" : "500 11px") + " system-ui,sans-serif";
                return Math.ceil(ctx.measureText(r[2].replace(/&lt;/g, "<").replace(/&gt;/g, ">")
                    .replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&")).width) + 10;
            }
            function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }
            var waits = 0;
            function draw() {
                group.clearLayers();
                if (map.getZoom() < {{ this.min_zoom }} || tiled()) { return; }
                // Until Leaflet's style sheet is in, the controls are blocks under the map: measure once it is.
                var corner = map.getContainer().querySelector(".leaflet-top");
                if (corner && getComputedStyle(corner).position !== "absolute") {
                    if (waits++ < 100) { setTimeout(draw, 100); }
                    return;
                }
                var size = map.getSize(), edge = map.getContainer().getBoundingClientRect();
                function rects(selector) {
                    return Array.prototype.map.call(map.getContainer().querySelectorAll(selector), function (c) {
                        var d = c.getBoundingClientRect();
                        return [d.left - edge.left, d.top - edge.top, d.right - edge.left, d.bottom - edge.top];
                    }).filter(function (b) { return b[2] > b[0] && b[3] > b[1]; });
                }
                // The controls (zoom, layers, legend, scale, credits) are taken: a label is never under one.
                // An incident's marker is avoided where another side is free ("Baghdad" went under the
                // airport's cluster).
                var boxes = rects(".leaflet-control"), marks = rects(".leaflet-marker-pane .ia-mk, " +
                    ".leaflet-marker-pane .ia-clu, .leaflet-marker-pane .ia-bin-c").map(function (m) {
                    // not touching (a measured width may be a pixel short)
                    return [m[0] - 3, m[1] - 3, m[2] + 3, m[3] + 3];
                });
                var bounds = map.getBounds(), drawn = 0;
                for (var i = 0; i < rows.length && drawn < {{ this.max_drawn }}; i++) {
                    var r = rows[i];
                    if (!bounds.contains([r[0], r[1]])) { continue; }
                    var p = map.latLngToContainerPoint([r[0], r[1]]), w = width(r);
                    // Its name right of the place, or left of it where the right runs off the map
                    // (on a phone "Baghdad" near the edge read "Bagh"), or where it hits a bigger
                    // place's name or a control; left out where neither side is free.
                    var right = [p.x - 4, p.y - 8, p.x - 4 + w, p.y + 8], left = [p.x + 4 - w, p.y - 8, p.x + 4, p.y + 8];
                    // Where a marker covers the place itself (a site with incidents, a town under a
                    // cluster) either side starts under it: the name then goes below or above it, as
                    // far as clears the marker (a cluster is up to 46 px wide).
                    var half = (w - 10) / 2, sides = [right, left];
                    [10, 17, 25].forEach(function (d) {
                        sides.push([p.x - half, p.y + d, p.x + half, p.y + d + 14],
                                   [p.x - half, p.y - d - 14, p.x + half, p.y - d]);
                    });
                    var free = sides.filter(function (b) {
                        return b[0] >= 0 && b[2] <= size.x && b[1] >= 0 && b[3] <= size.y &&
                            !boxes.some(function (o) { return overlaps(b, o); });
                    });
                    // Under a marker on every side: a city's name is still drawn (markers come first),
                    // a lesser place's is left out (half a name under a cluster read as noise: "nion III").
                    var box = free.filter(function (b) {
                        return !marks.some(function (o) { return overlaps(b, o); });
                    })[0] || (r[3] <= 2 ? free[0] : null);
                    if (!box) { continue; }
                    boxes.push(box);
                    drawn++;
                    var flip = box === left, off = box !== left && box !== right;
                    var cls = "ia-place" + (r[4] ? " ia-site" : "") + (r[3] <= 2 ? " ia-big" : "") +
                        (flip ? " ia-left" : "") + (off ? " ia-off" : "");
                    group.addLayer(L.marker([r[0], r[1]], {interactive: false, keyboard: false, pane: "ia-places",
                        icon: L.divIcon({className: "", html: '<span class="' + cls + '">' + r[2] + "</span>",
                                         iconSize: null, iconAnchor: [p.x - box[0], p.y - box[1] - 1]})}));
                }
            }
            map.on("zoomend moveend resize ia:controls", draw);  // ia:controls: the legend moved
            if (window.MutationObserver) {  // the incident layer drew or redrew its markers (no map event)
                var later = null;
                new MutationObserver(function () {
                    if (!later) { later = setTimeout(function () { later = null; draw(); }, 150); }
                }).observe(map.getPane("markerPane"), {childList: true});
            }
            map.getContainer().addEventListener("toggle", draw, true);  // the legend opened or folded
            map.on("layeradd layerremove", function (e) { if (e.layer instanceof L.TileLayer) { draw(); } });
            map.whenReady(draw);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list]):
        from ui.maplayers import script_json  # here: ui.maplayers imports this module

        super().__init__()
        self._name = "PlaceLabels"
        self.rows_js = script_json(rows)
        self.credit_js = script_json(NATURAL_EARTH_CREDIT)
        self.min_zoom = MIN_ZOOM
        self.max_drawn = MAX_DRAWN
        self.count = len(rows)
