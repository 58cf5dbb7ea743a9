"""How long the map takes to rebuild after a filter change, and how much it sends.

Server side only: filtering the frame plus building everything ``st_folium``
sends to the browser (map script, header, HTML, the incident feature group,
script/style links, the component key hash), done the way streamlit-folium
does it. Measured for

* ``ours``     the app's map: one GeoJSON layer drawn by JS (ui.maplayers),
               per-filter GeoJSON built from scratch (a filter not seen before);
* ``ours-hit`` the same with the per-filter GeoJSON already cached (a filter
               the session has seen: back to a previous selection);
* ``naive``    one ``folium.Marker`` with a ``Popup`` and ``Tooltip`` per incident.

Data: :func:`geo.testing.synth.synth_frame` (realistic text lengths and source lists).

Usage: ``python benchmarks/bench_map.py [--sizes 1000 10000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import html
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium
import streamlit_folium as sf

from geo.view.filters import Filters, apply_filters
from geo.testing.synth import synth_frame
from ui.assets import vendor_assets
from ui.maplayers import base_map, incident_features, incident_group, legend_html, script_json
from ui.symbols import actor_colours

# A filter change that keeps every incident: the worst case for what is sent.
FILTERS = Filters(attributions=("claimed", "blamed", "suspected", "unknown"))


def component_payload(fmap: folium.Map, group: folium.FeatureGroup | None = None) -> int:
    """Build what st_folium sends for ``fmap`` (+ ``group``); return its size in bytes."""
    fmap.get_root().render()
    fmap.render()
    page_html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    group_script = sf._get_feature_group_string(group, fmap) if group is not None else ""
    links = [src for e in _walk(fmap) for _, src in (*getattr(e, "default_js", ()), *getattr(e, "default_css", ()))]
    sf.generate_js_hash(script, "bench", False)
    return sum(len(s.encode()) for s in (page_html, header, script, group_script, *links))


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def ours(df, colours, legend, cached: dict | None = None) -> int:
    shown = apply_filters(df, FILTERS)
    key = repr(FILTERS)
    if cached is not None and key in cached:
        data_js = cached[key]
    else:
        data_js = script_json(incident_features(shown, colours))
        if cached is not None:
            cached[key] = data_js
    fmap = base_map(vendor_assets(), legend=legend)
    return component_payload(fmap, incident_group(data_js, count=len(shown)))


def naive(df) -> int:
    shown = apply_filters(df, FILTERS)
    fmap = folium.Map(location=[34.5, 41.5], zoom_start=6)
    for row in shown.itertuples():
        popup = (
            f"<b>{html.escape(row.date.strftime('%Y-%m-%d'))}</b> {html.escape(row.event_type)}<br>"
            f"{html.escape(row.actor)} ({html.escape(row.attribution)})<br>{html.escape(row.summary or '')}"
        )
        folium.Marker(
            [row.lat, row.lon], popup=folium.Popup(popup, max_width=300), tooltip=html.escape(row.location or "")
        ).add_to(fmap)
    return component_payload(fmap)


def timed(fn, repeat: int) -> tuple[float, int]:
    """(median milliseconds, bytes) over ``repeat`` runs."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    print(f"{'incidents':>9}  {'map':<8} {'median ms':>10} {'bytes sent':>12} {'bytes/incident':>14}")
    for n in args.sizes:
        df = synth_frame(n, seed=1)
        colours = actor_colours(df["actor"])
        legend = legend_html(colours, df["actor"].unique(), df["event_type"].unique())
        ours(df, colours, legend)  # warm-up: imports, borders cache, templates
        cache: dict = {}
        ours(df, colours, legend, cache)
        rows = [
            ("ours", timed(lambda df=df, c=colours, lg=legend: ours(df, c, lg), args.repeat)),
            ("ours-hit", timed(lambda df=df, c=colours, lg=legend, k=cache: ours(df, c, lg, k), args.repeat)),
            ("naive", timed(lambda df=df: naive(df), max(1, args.repeat // 2))),
        ]
        for name, (ms, size) in rows:
            print(f"{n:>9}  {name:<8} {ms:>10.0f} {size:>12,} {size / n:>14,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
