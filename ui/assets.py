"""Leaflet and its plugins, served by the app itself: the map needs no CDN.

The files come from the installed ``XStatic-Leaflet``,
``XStatic-Leaflet-MarkerCluster`` and ``XStatic-Leaflet-GestureHandling``
packages and are copied into
``static/vendor/`` (gitignored) when the app starts. Streamlit's static serving
(``server.enableStaticServing`` in ``.streamlit/config.toml``) then serves them
at ``/app/static/vendor/...``. Copying is idempotent: a file is rewritten only
when its size or content differ, so every page can call
:func:`ensure_vendor_assets` on every run for the cost of a few ``stat`` calls.

:func:`localize` swaps folium's CDN links on a map for those local URLs and
drops what folium loads that this app never uses (jQuery, Bootstrap,
Font Awesome, awesome-markers).
"""

from __future__ import annotations

import filecmp
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_gesturehandling as xs_gestures
import xstatic.pkg.leaflet_markercluster as xs_cluster

from geo.config import PROJECT_ROOT

__all__ = [
    "BUNDLE",
    "STATIC_DIR",
    "VENDOR_FILES",
    "VendorAssets",
    "ensure_vendor_assets",
    "localize",
    "vendor_assets",
]

STATIC_DIR = PROJECT_ROOT / "static"

# (package data dir, file inside it, target path under static/vendor/)
VENDOR_FILES: tuple[tuple[Path, str, str], ...] = (
    (Path(xs_leaflet.BASE_DIR), "leaflet.js", "leaflet/leaflet.js"),
    (Path(xs_leaflet.BASE_DIR), "leaflet.css", "leaflet/leaflet.css"),
    # leaflet.css refers to images/ relative to itself (layer control icons, default marker).
    (Path(xs_leaflet.BASE_DIR), "images/layers.png", "leaflet/images/layers.png"),
    (Path(xs_leaflet.BASE_DIR), "images/layers-2x.png", "leaflet/images/layers-2x.png"),
    (Path(xs_leaflet.BASE_DIR), "images/marker-icon.png", "leaflet/images/marker-icon.png"),
    (Path(xs_leaflet.BASE_DIR), "images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
    (Path(xs_leaflet.BASE_DIR), "images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
    (Path(xs_cluster.BASE_DIR), "leaflet.markercluster.js", "leaflet.markercluster/leaflet.markercluster.js"),
    (Path(xs_cluster.BASE_DIR), "MarkerCluster.css", "leaflet.markercluster/MarkerCluster.css"),
    (Path(xs_cluster.BASE_DIR), "MarkerCluster.Default.css", "leaflet.markercluster/MarkerCluster.Default.css"),
    # One finger scrolls the page, two move the map (ui.maplayers._CooperativeGestures).
    (Path(xs_gestures.BASE_DIR), "leaflet-gesture-handling.min.js", "leaflet-gesture-handling/leaflet-gesture-handling.min.js"),
    (Path(xs_gestures.BASE_DIR), "leaflet-gesture-handling.min.css", "leaflet-gesture-handling/leaflet-gesture-handling.min.css"),
)


@dataclass(frozen=True)
class VendorAssets:
    """URLs of the local copies, as the browser must request them."""

    leaflet_js: str
    leaflet_css: str
    cluster_js: str
    cluster_css: tuple[str, ...]
    gestures_css: str
    bundle_js: str  # Leaflet and its plugins in one file (what maps load)


# Leaflet then its plugins, in one file: streamlit-folium loads a map's scripts one
# after the other, each only once the previous one has run, and in the busy first seconds
# of a page every such hop waited for the main thread (measured: 0.3 s between the two).
BUNDLE = "leaflet-bundle.js"
_BUNDLED = (
    "leaflet/leaflet.js",
    "leaflet.markercluster/leaflet.markercluster.js",
    "leaflet-gesture-handling/leaflet-gesture-handling.min.js",
)


def ensure_vendor_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy the vendored files into ``static_dir/vendor`` and write the bundle; return the files (re)written."""
    written = []
    for base, name, target in VENDOR_FILES:
        src, dst = base / name, static_dir / "vendor" / target
        if dst.exists() and dst.stat().st_size == src.stat().st_size and filecmp.cmp(src, dst, shallow=False):
            continue
        _write(dst, src.read_bytes())
        written.append(dst)
    sources = {target: base / name for base, name, target in VENDOR_FILES}
    bundle = b"\n;\n".join(sources[t].read_bytes() for t in _BUNDLED) + b"\n"
    dst = static_dir / "vendor" / BUNDLE
    if not (dst.exists() and dst.stat().st_size == len(bundle) and dst.read_bytes() == bundle):
        _write(dst, bundle)
        written.append(dst)
    return written


def _write(dst: Path, content: bytes) -> None:
    """Write to a temporary name and rename: a browser fetching the file while another
    session starts up never sees half a file."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(dst)


def vendor_assets(base_url_path: str = "") -> VendorAssets:
    """The URLs for a Streamlit server mounted at ``base_url_path`` (``server.baseUrlPath``).

    Absolute paths: the map runs inside the streamlit-folium component iframe,
    which is served from the same origin but a deeper path.
    """
    prefix = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    root = f"{prefix}/app/static/vendor"
    return VendorAssets(
        leaflet_js=f"{root}/leaflet/leaflet.js",
        leaflet_css=f"{root}/leaflet/leaflet.css",
        cluster_js=f"{root}/leaflet.markercluster/leaflet.markercluster.js",
        cluster_css=(
            f"{root}/leaflet.markercluster/MarkerCluster.css",
            f"{root}/leaflet.markercluster/MarkerCluster.Default.css",
        ),
        gestures_css=f"{root}/leaflet-gesture-handling/leaflet-gesture-handling.min.css",
        bundle_js=f"{root}/{BUNDLE}",
    )


def localize(folium_map, assets: VendorAssets) -> None:
    """Point ``folium_map`` at the local Leaflet (+ its plugins) and nothing else.

    folium declares its CDN files as class attributes; instance attributes
    override them for this map only. streamlit-folium collects ``default_js`` /
    ``default_css`` of every element into the iframe's script and style links,
    so after this call the map loads only local files. The cluster plugin is
    always loaded because the component loads scripts once, at mount, while the
    incident layer decides per filter whether to cluster.
    """
    folium_map.default_js = [("leaflet", assets.bundle_js)]  # Leaflet and its plugins (BUNDLE)
    folium_map.default_css = (
        [("leaflet_css", assets.leaflet_css)]
        + [(f"markercluster_css_{i}", href) for i, href in enumerate(assets.cluster_css)]
        + [("gesture_handling_css", assets.gestures_css)]
    )
