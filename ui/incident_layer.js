// The incident layer: ONE L.geoJson of every filtered incident, drawn as small
// divIcon shapes (shape = event type, colour = actor, computed server-side),
// inside a marker-cluster group.
// Popups are built here, on open, from the feature's properties; every value
// goes through esc(), so a summary or source title holding markup shows as text.
// Called as factory(featureCollection, options) and returns the layer to add.
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

  function select(layer) {
    // Highlight at once in the browser; Python learns of the click through
    // streamlit-folium and shows the details panel on its rerun.
    var prev = window.__iaSelected;
    if (prev && prev._icon) { L.DomUtil.removeClass(prev._icon, "ia-sel"); }
    if (layer._icon) { L.DomUtil.addClass(layer._icon, "ia-sel"); }
    window.__iaSelected = layer;
  }

  var geo = L.geoJson(data, {
    pointToLayer: function (feature, latlng) {
      var p = feature.properties;
      var cls = "ia-mk ia-t-" + esc(p.t) + (p.x ? " ia-x" : "") + (p.i === opt.selected ? " ia-sel" : "");
      return L.marker(latlng, {
        icon: L.divIcon({className: cls, html: '<i style="background:' + esc(p.c) + '"></i>', iconSize: [14, 14]}),
        riseOnHover: true,
        keyboard: false
      });
    },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(tooltip(feature.properties), {direction: "top", offset: [0, -7]});
      layer.bindPopup(function () { return popup(feature.properties); }, {maxWidth: 340});
      layer.on("click", function () { select(layer); });
      if (feature.properties.i === opt.selected) { window.__iaSelected = layer; }
    }
  });
  // Always clustered: incidents often share a site's exact coordinates, and a
  // cluster with a count (spiderfied at full zoom) is the only way to reach each
  // one. Few points: a small radius merges only near-overlapping markers; many
  // points: a wider one keeps the DOM small.
  return L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: opt.cluster ? 50 : 18,
                               showCoverageOnHover: false, spiderfyOnMaxZoom: true}).addLayer(geo);
}
