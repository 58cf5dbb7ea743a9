// The incident layer, in one of two modes (chosen server-side, see geo/aggregate.py):
//
// * points: ONE L.geoJson of the incidents in view, drawn as small divIcon
//   shapes (shape = event type, colour = actor, computed server-side), inside
//   a marker-cluster group;
// * bins: data.bins holds one row per grid cell with many incidents
//   [lat, lon, count, kind, south, west, north, east, [count per actor group]],
//   drawn as the count inside a ring of the actors' shares (data.groups: legend
//   label and colour per group); a click zooms to the cell. data.points (optional)
//   holds the incidents of cells with very few, drawn as their own markers;
//   opt.feature (optional) is the selected incident, drawn on top.
//
// Clusters (both modes) show the actors' shares as a ring too. opt.selected is
// drawn highlighted and, the first time, shown with its popup open (reveal()).
//
// Popups are built here, on open, from the feature's properties; every value
// goes through esc(), so a summary or source title holding markup shows as text.
// Called as factory(data, options) and returns the layer to add.
function (data, opt) {
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (ch) { return ESC[ch]; });
  }
  function safeUrl(u) {  // only http(s) links become anchors (no javascript: URLs)
    return /^https?:\/\//i.test(u || "") ? u : null;
  }
  function fig(v) { return v === null || v === undefined ? "unknown" : String(v); }

  function tooltip(p) {
    // The "#id" line is how a click becomes a selection: streamlit-folium hands
    // the tooltip's text back to Python, which reads the id after the "#".
    return "<b>" + esc(p.d) + "</b> &middot; " + esc(opt.types[p.t] || p.t) +
      (p.l ? " &mdash; " + esc(p.l) : "") + "<br>" + esc(p.a) +
      '<div class="ia-id">#' + esc(p.i) + "</div>";
  }

  function popup(p) {
    var rows = [
      ["Date", p.d],
      ["Type", (opt.types[p.t] || p.t) + (p.x ? " (intercepted)" : "")],
      ["Place", p.l],
      ["Actor", p.a],
      ["Attribution", (opt.attributions[p.at] || p.at) + (p.ab ? " \u2014 by " + p.ab : "")],
      ["Killed / injured", fig(p.k) + " / " + fig(p.j)],
      ["Munitions", fig(p.m)]
    ];
    var html = '<div class="ia-pop"><table>';
    rows.forEach(function (r) {
      if (r[1] !== undefined && r[1] !== null && r[1] !== "") {
        html += "<tr><th>" + esc(r[0]) + "</th><td>" + esc(r[1]) + "</td></tr>";
      }
    });
    html += "</table>";
    if (p.s) { html += '<p class="ia-sum">' + esc(p.s) + "</p>"; }
    if (p.src && p.src.length) {
      html += '<ul class="ia-src">';
      p.src.forEach(function (s) {
        var url = safeUrl(s[1]);
        html += "<li>" + (url ? '<a href="' + esc(url) + '" target="_blank" rel="noopener noreferrer">' + esc(s[0]) + "</a>" : esc(s[0])) + "</li>";
      });
      html += "</ul>";
    }
    return html + '<div class="ia-id">#' + esc(p.i) + "</div></div>";
  }

  // A popup lies wholly inside the map: no taller than the map (it scrolls inside), panned into
  // view when it opens, and again whenever the map moves or is resized while it is open
  // (keepInView): the map's frame is sized by the page's CSS and may shrink after the popup
  // opened, which used to leave the popup's top rows above the map's top edge.
  var PAD = 10, OFFSET = [0, 7], POPUP = {maxWidth: 340, keepInView: true, autoPanPadding: [PAD, PAD], offset: OFFSET};
  var POPUP_CHROME = 50;  // the tip under the popup and the close button above the content
  function fitPopup(p) {
    var map = p._map, el = p.getElement();
    if (!map) { return; }
    // A linked incident's popup opens as the map loads: until Leaflet's style sheet is in, the popup
    // is a block as wide as the map, and what was measured then (its width, where its tip goes) was
    // wrong once the sheet came. Laid out once it is.
    if (el && getComputedStyle(el).position !== "absolute") {
      p.__iaWaits = (p.__iaWaits || 0) + 1;
      if (p.__iaWaits < 100) { setTimeout(function () { fitPopup(p); }, 100); }
      return;
    }
    var room = Math.max(120, map.getSize().y - 2 * PAD - POPUP_CHROME);
    if (!p.options.autoPan) {
      placeInside(p, room);
    } else if (p.options.maxHeight !== room || p.options.offset !== OFFSET) {
      p.options.maxHeight = room;
      unplace(p);
      p.update();  // lays it out again and pans it into view
    }
    if (!p.__iaRefit) {  // a resized map (a new viewport height) gets a new room
      p.__iaRefit = function () { fitPopup(p); };
      map.on("resize", p.__iaRefit);
      p.once("remove", function () { map.off("resize", p.__iaRefit); p.__iaRefit = null; });
    }
  }

  // A popup that may not move the map (a link's own view: see reveal()) opens where it fits whole:
  // above its marker as usual, or below it when there is no room above (an incident near the map's
  // top), slid sideways to stay inside the map and clear of the map's buttons and legend, its tip
  // still on the marker. Where neither above nor below holds it, it goes on the roomier side and
  // scrolls inside. Measured on the popup Leaflet laid out, and again when the map is resized
  // (the page sizes the map's frame as it loads, after the popup opened).
  function unplace(p) {
    var el = p.getElement();
    p.options.offset = OFFSET;
    if (el) {
      L.DomUtil.removeClass(el, "ia-below");
      var tip = el.querySelector(".leaflet-popup-tip-container");
      if (tip) { tip.style.marginLeft = ""; }
    }
  }
  function placeInside(p, room) {
    var map = p._map, el = p.getElement();
    unplace(p);
    p.options.maxHeight = room;
    p.update();
    if (!el || !map) { return; }
    var wrap = el.querySelector(".leaflet-popup-content-wrapper"), tip = el.querySelector(".leaflet-popup-tip-container");
    // In the map's own coordinates, not the boxes on screen: those lag behind while the map pane moves
    // (a cluster spreading out, the frame being sized), and a popup placed from them went anywhere.
    var container = map.getContainer(), size = {x: container.clientWidth, y: container.clientHeight};
    var at = map.latLngToContainerPoint(p.getLatLng());
    var gap = parseFloat(getComputedStyle(el).marginBottom) - OFFSET[1];  // marker to body, across the tip
    var width = wrap.offsetWidth, height = wrap.offsetHeight;
    var above = at.y - gap - PAD, below = size.y - at.y - gap - PAD, dy = 0;
    if (height > above) {
      var down = below >= height || below > above, space = down ? below : above;
      if (height > space) {  // it scrolls inside what room there is
        var content = el.querySelector(".leaflet-popup-content");
        p.options.maxHeight = Math.max(60, Math.floor(content.offsetHeight - (height - space)));
        p.update();
        width = wrap.offsetWidth;
        height = wrap.offsetHeight;
      }
      if (down) {
        dy = 2 * gap + height;
        L.DomUtil.addClass(el, "ia-below");
      }
    }
    var top = at.y - gap - height + dy, bottom = top + height, left = at.x + OFFSET[0] - width / 2;
    var lo = PAD, hi = size.x - PAD, edge = container.getBoundingClientRect();
    // The map's own controls (zoom, layers, legend) stay over a popup: keep clear of those beside it.
    Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control"), function (c) {
      var r = c.getBoundingClientRect(), t = r.top - edge.top, l = r.left - edge.left, w = r.width;
      if (!w || t > bottom || t + r.height < top) { return; }
      if (l + w / 2 < size.x / 2) { lo = Math.max(lo, l + w + 4); } else { hi = Math.min(hi, l - 4); }
    });
    if (hi - lo < width) { lo = PAD; hi = size.x - PAD; }  // no room beside them: inside the map at least
    var dx = left < lo ? lo - left : left + width > hi ? hi - left - width : 0;
    if (dx || dy) {
      p.options.offset = [OFFSET[0] + Math.round(dx), OFFSET[1] + Math.round(dy)];
      p.update();
      // The tip stays on the marker (within the popup's straight edge).
      var most = Math.max(0, width / 2 - 24), shift = Math.max(-most, Math.min(most, Math.round(dx)));
      if (tip) { tip.style.marginLeft = (-20 - shift) + "px"; }
    }
  }

  // A tooltip is centred above its marker: near the map's side it ran off the map (on a phone,
  // where a tap shows it, off both sides). Wrapped in CSS (ui/maplayers.py), and moved sideways here.
  function keepTooltipIn(e) {
    var el = e.tooltip.getElement(), map = e.tooltip._map;
    if (!el || !map) { return; }
    el.style.marginLeft = "";
    var box = el.getBoundingClientRect(), width = map.getSize().x, shift = 0;
    if (box.left < PAD / 2) { shift = PAD / 2 - box.left; }
    else if (box.right > width - PAD / 2) { shift = width - PAD / 2 - box.right; }
    if (shift) { el.style.marginLeft = Math.round(shift) + "px"; }
  }

  // On a phone-sized map the selected incident's details are a sheet over the lower part of
  // the screen (up to 40 % of it, ui/layout.py). A linked incident, drawn at the map's centre,
  // sat at the sheet's top edge, half under it; a tapped one low on the map went under it.
  // It is moved into the map's upper third, which the sheet never covers.
  function clearOfSheet(map, marker, animate) {
    if (!map || !marker.getLatLng || map.getSize().x >= opt.popupFromPx) { return; }
    var y = map.latLngToContainerPoint(marker.getLatLng()).y, h = map.getSize().y;
    if (y > 0.4 * h) { map.panBy([0, Math.round(y - 0.3 * h)], {animate: animate}); }
  }

  // A link's own view is kept (reveal() moves nothing for it), so a link centred near the map's
  // top-left corner put its incident under the zoom buttons (on a phone, hidden by them). The controls
  // give way instead of the view: the top corner over the incident hands its controls to the other
  // top corner (a 14 px marker cannot be under both), and the place names are laid out again.
  // Measured in the map's own coordinates once Leaflet's style sheet is in (before it the controls
  // are blocks), and again when the page resizes the map's frame (the incident then moves on screen).
  var MARK_CLEAR = 7 + 4;  // half the marker's icon, and a little air
  function clearOfControls(map, marker) {
    var corners = map && map._controlCorners;
    if (!corners || !marker._icon || !marker.getLatLng || !marker._map) { return; }
    if (getComputedStyle(corners.topleft).position !== "absolute") {
      marker.__iaWaits = (marker.__iaWaits || 0) + 1;
      if (marker.__iaWaits < 100) { setTimeout(function () { clearOfControls(map, marker); }, 100); }
      return;
    }
    var at = map.latLngToContainerPoint(marker.getLatLng()), edge = map.getContainer().getBoundingClientRect();
    function covers(corner) {
      return Array.prototype.some.call(corner.querySelectorAll(".leaflet-control"), function (c) {
        var r = c.getBoundingClientRect(), l = r.left - edge.left, t = r.top - edge.top;
        return r.width > 0 && at.x + MARK_CLEAR > l && at.x - MARK_CLEAR < l + r.width
          && at.y + MARK_CLEAR > t && at.y - MARK_CLEAR < t + r.height;
      });
    }
    [["topleft", "topright"], ["topright", "topleft"]].some(function (pair) {
      var from = corners[pair[0]], to = corners[pair[1]];
      if (!covers(from)) { return false; }
      var moved = Array.prototype.slice.call(from.children);
      moved.forEach(function (c) { to.appendChild(c); });
      if (covers(to)) { moved.forEach(function (c) { from.appendChild(c); }); return false; }  // no better there
      map.fire("ia:controls");
      return true;
    });
  }

  function select(layer) {
    // Highlight at once in the browser; Python learns of the click through
    // streamlit-folium and shows the details panel on its rerun.
    var prev = window.__iaSelected;
    if (prev && prev._icon) { L.DomUtil.removeClass(prev._icon, "ia-sel"); }
    if (layer._icon) { L.DomUtil.addClass(layer._icon, "ia-sel"); }
    window.__iaSelected = layer;
    window.__iaRevealed = layer.feature && layer.feature.properties.i;  // its popup is open already
    clearOfSheet(layer._map, layer, true);
  }

  // A linked incident (opt.selected) is shown, not just drawn: its popup opens, and
  // when it shares a site with others (most bundled incidents do) their cluster is
  // spread out where it is (no zooming to 18). Once per selection: a layer sent again
  // for new filters or a new view region leaves the analyst's map alone.
  // A link with its own centre and zoom (opt.keepView) is a view someone saw and copied:
  // showing the incident neither zooms into its cluster nor pans for its popup. The popup's
  // auto-pan depended on the map's size at the moment it opened (the page sizes the map's frame
  // as it loads), so each reopened link came out a few pixels off the last: the link drifted.
  // On a phone the incident is still moved above the details sheet when it is under it (a link
  // from a wider screen); a link copied on the phone has it there already, so nothing moves.
  function reveal(group) {
    var marker = window.__iaSelected, id = opt.selected;
    if (!id || !marker || !marker.feature || marker.feature.properties.i !== id || window.__iaRevealed === id) {
      return;
    }
    var map = group._map;
    var parent = group.getVisibleParent ? group.getVisibleParent(marker) : marker;
    if (!map || !parent) { return; }  // off screen (a link with its own view): leave the view alone
    window.__iaRevealed = id;
    // On a phone-sized map the page shows the details in a sheet over the map: a popup
    // too would cover the rest of it with the same text.
    var uncover = function () {
      if (!opt.keepView) { return; }  // the map is centred on the incident: no control is over it
      clearOfControls(map, marker);
      map.on("resize", function () { if (window.__iaSelected === marker) { clearOfControls(map, marker); } });
    };
    var open = map.getSize().x < opt.popupFromPx
      ? function () { clearOfSheet(map, marker, false); uncover(); }  // at most once: it leaves the incident where it never pans
      : function () {
        var popup = marker.getPopup();
        uncover();  // before the popup is placed clear of the controls
        // keepInView pans only with autoPan: off while this popup is open (a click sets it again).
        if (popup && opt.keepView) { popup.options.autoPan = false; }
        marker.openPopup();
      };
    if (parent === marker || !parent.spiderfy) { open(); return; }
    var box = parent.getBounds();
    if (box.getNorthEast().equals(box.getSouthWest()) || opt.keepView) {
      group.once("spiderfied", open);
      parent.spiderfy();
    } else {
      group.zoomToShowLayer(marker, open);
    }
  }

  function revealWhenAdded(group) {
    if (!opt.selected) { return group; }
    // After the map has drawn the layer (clusters exist only then).
    group.on("add", function () { setTimeout(function () { reveal(group); }, 0); });
    return group;
  }

  function incidents(collection) {
    return L.geoJson(collection, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        var cls = "ia-mk ia-t-" + esc(p.t) + (p.x ? " ia-x" : "") + (p.i === opt.selected ? " ia-sel" : "");
        return L.marker(latlng, {
          icon: L.divIcon({className: cls, html: '<i style="background:' + esc(p.c) + '"></i>', iconSize: [14, 14]}),
          riseOnHover: true,
          keyboard: false,
          iaColour: p.c  // for the cluster rings
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(tooltip(feature.properties), {direction: "top", offset: [0, -7]});
        layer.on("tooltipopen", keepTooltipIn);
        // Before bindPopup's own click handler (handlers run in the order they were added):
        // on a phone-sized map a tap selects, and the page's details sheet shows the incident.
        layer.on("click", function () {
          select(layer);
          var p = layer.getPopup(), map = layer._map;
          p.__iaSkip = !!map && map.getSize().x < opt.popupFromPx;
          p.options.autoPan = !p.__iaSkip;  // no pan for a popup that will not show
          // Nor a tooltip: the page's sheet shows the incident, and the tooltip a tap opened stayed
          // on the map, under its buttons (its own click handler, added before this one, opened it).
          if (p.__iaSkip) { layer.closeTooltip(); }
        });
        layer.bindPopup(function () { return popup(feature.properties); }, POPUP);
        layer.on("popupopen", function (e) {
          if (e.popup.__iaSkip) { e.popup.__iaSkip = false; layer.closePopup(); return; }  // before any paint
          fitPopup(e.popup);
        });
        if (feature.properties.i === opt.selected) { window.__iaSelected = layer; }
      }
    });
  }

  function shortCount(n) {
    if (n >= 1e6) { return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M"; }
    if (n >= 1e4) { return Math.round(n / 1e3) + "k"; }
    if (n >= 1e3) { return (n / 1e3).toFixed(1) + "k"; }
    return String(n);
  }

  // A ring of colour shares around a count (the server's bins and the browser's clusters).
  function ring(shares, total) {
    var stops = [], at = 0;
    shares.forEach(function (sh) {
      var to = at + 100 * sh[1] / total;
      stops.push(esc(sh[0]) + " " + at.toFixed(2) + "% " + to.toFixed(2) + "%");
      at = to;
    });
    return "conic-gradient(" + stops.join(",") + ")";
  }

  function bins(d) {
    var group = L.featureGroup();
    var most = 2;
    d.bins.forEach(function (b) { most = Math.max(most, b[2]); });
    d.bins.forEach(function (b) {
      var n = b[2], kind = d.kinds[b[3]], mix = b[8];
      // A ring of the actors' shares (legend colours) around the count.
      var shares = [], top = [];
      mix.forEach(function (k, g) {
        if (!k) { return; }
        shares.push([(d.groups[g] || ["", "#4d4d4d"])[1], k]);
        top.push([k, g]);
      });
      top.sort(function (p, q) { return q[0] - p[0] || p[1] - q[1]; });
      // 26 px for one incident up to 48 px for the fullest cell in view, on a log scale.
      var size = Math.round(26 + 22 * Math.sqrt(Math.log(Math.max(n, 1)) / Math.log(most)));
      var html = '<div class="ia-bin-c" data-count="' + n + '" style="width:' + size + "px;height:" + size +
        "px;background:" + ring(shares, n) + '"><span>' + shortCount(n) + "</span></div>";
      var marker = L.marker([b[0], b[1]], {
        icon: L.divIcon({className: "ia-bin", html: html, iconSize: [size, size]}),
        keyboard: false,
        riseOnHover: true
      });
      var tip = "<b>" + esc(n.toLocaleString("en")) + (n === 1 ? " incident" : " incidents") + "</b>";
      top.slice(0, 3).forEach(function (t) {
        tip += "<br>" + esc((d.groups[t[1]] || ["Unknown"])[0]) + ": " + Math.round(100 * t[0] / n) + "%";
      });
      tip += "<br>Mostly " + esc(opt.types[kind] || kind) + "<br><i>Click to zoom in</i>";
      marker.bindTooltip(tip, {direction: "top", offset: [0, -size / 2]});
      marker.on("tooltipopen", keepTooltipIn);
      marker.on("click", function () {
        var map = marker._map;
        if (map) { map.fitBounds([[b[4], b[5]], [b[6], b[7]]], {maxZoom: map.getMaxZoom()}); }
      });
      group.addLayer(marker);
    });
    var single = {};
    if (d.points && d.points.features.length) {  // cells with very few incidents: their own markers
      d.points.features.forEach(function (f) { single[f.properties.i] = true; });
      group.addLayer(cluster(false).addLayer(incidents(d.points)));
    }
    if (opt.feature && !single[opt.feature.properties.i]) {
      group.addLayer(incidents({type: "FeatureCollection", features: [opt.feature]}));
    }
    return revealWhenAdded(group);
  }

  // The browser's clusters look like the server's bins: the count inside a ring of
  // the actors' shares (each marker carries its legend colour), largest share first.
  function clusterIcon(c) {
    var n = c.getChildCount(), by = {}, shares = [];
    c.getAllChildMarkers().forEach(function (m) {
      var colour = m.options.iaColour || "#4d4d4d";
      if (!(colour in by)) { by[colour] = [colour, 0]; shares.push(by[colour]); }
      by[colour][1] += 1;
    });
    shares.sort(function (p, q) { return q[1] - p[1]; });
    var size = n < 10 ? 28 : n < 100 ? 34 : n < 1000 ? 40 : 46;
    // The count stays a plain integer (tests and screen readers read it).
    return L.divIcon({
      className: "ia-bin ia-clu", iconSize: [size, size],
      html: '<div class="ia-bin-c" style="width:' + size + "px;height:" + size + "px;background:" + ring(shares, n) +
        '"><span>' + n + "</span></div>"
    });
  }

  // Always clustered: incidents often share a site's exact coordinates, and a
  // cluster with a count (spiderfied at full zoom) is the only way to reach each
  // one. Few points: a small radius merges only near-overlapping markers; many
  // points: a wider one keeps the DOM small.
  function cluster(wide) {
    return L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: wide ? 50 : 18,
                                 showCoverageOnHover: false, spiderfyOnMaxZoom: true,
                                 iconCreateFunction: clusterIcon});
  }

  if (data.bins) { return bins(data); }
  return revealWhenAdded(cluster(opt.cluster).addLayer(incidents(data)));
}
