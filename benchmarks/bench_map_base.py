"""What online tiles and "zoom to results" cost on the server.

* ``extent``  :func:`ui.mapview.results_extent`: the bounds of the incidents
              passing the filters, computed when the incident layer is built
              (once per data version, filters, view region and highlight).
              Row positions are computed first and are not part of the time
              (the layer needs them anyway).
* ``base``    rendering the base map once (:func:`ui.mapview.render_base`) with
              the tiles off and with a probed tile source: what a process does
              once per legend and initial view; the bytes are the map script.

Data: :func:`geo.testing.synth.synth_frame`. No network: the tiles are only named in the script.

Usage: ``python benchmarks/bench_map_base.py [--sizes 10000 100000] [--repeat 20]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_ms

from geo.config import OSM_TILES
from geo.view.filters import Filters
from geo.testing.synth import synth_frame
from ui.assets import vendor_assets
from ui.data import build_dataset, positions
from ui.maplayers import base_map, legend_html
from ui.mapview import render_base, results_extent
from ui.symbols import actor_colours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    print(f"{'incidents':>10} {'filter':>10} {'passing':>9} {'extent ms':>10}")
    for n in args.sizes:
        df = synth_frame(n, seed=1)

        class _Snap:  # what build_dataset reads from a snapshot
            version, frame = f"bench-{n}", df

        ds = build_dataset(_Snap())
        ds = type(ds)(**{**ds.__dict__, "snapshot": None})  # filter with geo.view.filters, no store
        for label, filters in (("none", Filters()), ("one type", Filters(event_types=("drone",)))):
            passing = len(positions(ds, filters))  # cached from here on, as in the app
            ms = median_ms(lambda ds=ds, filters=filters: results_extent(ds, filters), args.repeat)
            print(f"{n:>10,} {label:>10} {passing:>9,} {ms:>10.2f}")

    df = synth_frame(1_000, seed=1)
    legend = legend_html(actor_colours(df["actor"]), df["actor"], df["event_type"])
    print(f"\n{'base map':>20} {'render ms':>10} {'script bytes':>13}")
    for label, tiles in (("tiles off", None), ("tiles probed", OSM_TILES)):

        def render(tiles=tiles):
            return render_base(base_map(vendor_assets(), legend=legend, tiles=tiles, fit_button=True), key="b")

        ms = median_ms(render, max(3, args.repeat // 4))
        print(f"{label:>20} {ms:>10.1f} {len(render().script.encode()):>13,}")


if __name__ == "__main__":
    main()
