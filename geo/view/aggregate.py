"""Server-side aggregation of incident points for the map: pure numpy, no pandas, no Streamlit.

A map of a million incidents cannot send a million markers. What the browser
gets depends on how many incidents the view holds:

* few (at most :data:`POINT_LIMIT` in the region around the view): every
  incident as its own marker;
* many: one bin per grid cell of :data:`CELL_PX` screen pixels, with its count,
  the centroid of its incidents, its dominant actor group and event type, and
  the cell's bounds (a click zooms to them).

Cells are anchored to the Web Mercator pixel grid of the zoom level (the one
Leaflet draws tiles on), so a cell covers the same ground however the map is
panned: bins do not jump when the view moves.

The *region* is the view plus a margin, snapped to a coarse grid
(:data:`BUCKET_PX`): small pans land in the same region, so the same data is
sent (and cached) again and the browser has nothing to redraw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BUCKET_PX",
    "CELL_PX",
    "DEFAULT_VIEW_PX",
    "POINT_LIMIT",
    "TILE_PX",
    "Bins",
    "Region",
    "bin_points",
    "fallback_cover_px",
    "project",
    "region_for_bounds",
    "region_for_view",
    "unproject",
]

TILE_PX = 256  # Leaflet's tile size: world width in pixels is TILE_PX * 2**zoom
CELL_PX = 64  # bin size on screen
MAX_MARKER_PX = 48  # the largest bin marker the layer draws: centres stay this far apart
BUCKET_PX = 512  # the region's margin around the view, and the grid its centre snaps to
POINT_LIMIT = 2000  # at most this many incidents in the region are sent one by one
DEFAULT_VIEW_PX = (1100, 560)  # assumed map size before the browser has reported its bounds
MIN_ZOOM, MAX_ZOOM = 0, 22
_MAX_LAT = 85.0511287798  # Web Mercator's limit


def project(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator world coordinates in [0, 1] (x east, y south), as Leaflet's EPSG:3857."""
    lat = np.clip(np.asarray(lat, dtype="float64"), -_MAX_LAT, _MAX_LAT)
    lon = np.asarray(lon, dtype="float64")
    x = (lon + 180.0) / 360.0
    s = np.sin(np.radians(lat))
    y = 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def unproject(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`project`: (lat, lon) in degrees."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    lon = x * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * y))))
    return lat, lon


@dataclass(frozen=True)
class Region:
    """A rectangle of the world at one zoom level, in world units (see :func:`project`)."""

    zoom: int
    x0: float
    y0: float
    x1: float
    y1: float
    key: tuple  # equal keys: equal regions (what caches are keyed on)

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= self.x0) & (x < self.x1) & (y >= self.y0) & (y < self.y1)

    @property
    def scale(self) -> float:
        """Pixels per world unit at this zoom."""
        return TILE_PX * 2.0**self.zoom

    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) in degrees."""
        lat, lon = unproject([self.x0, self.x1], [self.y0, self.y1])  # y0 is the north edge
        return float(lat[1]), float(lon[0]), float(lat[0]), float(lon[1])


def _zoom(zoom) -> int:
    return int(min(MAX_ZOOM, max(MIN_ZOOM, round(float(zoom)))))


def region_for_view(center: tuple[float, float], zoom, size_px: tuple[float, float] = DEFAULT_VIEW_PX) -> Region:
    """The region around a view given as its centre (lat, lon), zoom and size in pixels."""
    z = _zoom(zoom)
    scale = TILE_PX * 2.0**z
    cx, cy = project(center[0], center[1])
    return _region(z, float(cx) * scale, float(cy) * scale, float(size_px[0]), float(size_px[1]))


def fallback_cover_px(size_px: tuple[float, float] = DEFAULT_VIEW_PX) -> tuple[int, int]:
    """The largest map (width, height in pixels) that :func:`region_for_view` is sure to cover.

    The region is the assumed size rounded up to whole 256 px, plus :data:`BUCKET_PX` on
    every side, around a centre snapped to the :data:`BUCKET_PX` grid (off by up to half
    of it): a map up to this size, centred where the region was asked for, lies inside it.
    The browser uses it to decide whether the region drawn before it reported its bounds
    already covers what it shows (``ui.mapview``).
    """
    width, height = _rounded(size_px[0]), _rounded(size_px[1])
    slack = BUCKET_PX - BUCKET_PX / 2  # margin minus the worst snap of the centre
    return int(width + 2 * slack), int(height + 2 * slack)


def region_for_bounds(bounds: Mapping | None, zoom, fallback_center: tuple[float, float]) -> Region:
    """The region around the bounds Leaflet reports (``{"_southWest": {lat, lng}, "_northEast": ...}``).

    Falls back to :data:`DEFAULT_VIEW_PX` around ``fallback_center`` when the
    bounds are missing or malformed (before the map reported them).
    """
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
        south, west, north, east = (float(sw["lat"]), float(sw["lng"]), float(ne["lat"]), float(ne["lng"]))
        if not all(math.isfinite(v) for v in (south, west, north, east)) or north <= south or east <= west:
            raise ValueError
    except (TypeError, KeyError, ValueError):
        return region_for_view(fallback_center, zoom)
    z = _zoom(zoom)
    scale = TILE_PX * 2.0**z
    xs, ys = project([south, north], [west, east])
    x0, x1 = sorted(float(v) for v in xs)
    y0, y1 = sorted(float(v) for v in ys)
    width, height = (x1 - x0) * scale, (y1 - y0) * scale
    return _region(z, (x0 + x1) / 2 * scale, (y0 + y1) / 2 * scale, width, height)


def _rounded(px: float) -> float:
    """A view's side in pixels rounded up to whole 256 px, within 256..8192 (few distinct region keys)."""
    return min(max(256.0, math.ceil(px / 256.0) * 256.0), 8192.0)


def _region(z: int, cx_px: float, cy_px: float, width: float, height: float) -> Region:
    """View centre (pixels) snapped to the bucket grid, size rounded up, plus the margin."""
    scale = TILE_PX * 2.0**z
    width, height = _rounded(width), _rounded(height)
    sx = round(cx_px / BUCKET_PX) * BUCKET_PX
    sy = round(cy_px / BUCKET_PX) * BUCKET_PX
    half_w, half_h = width / 2 + BUCKET_PX, height / 2 + BUCKET_PX
    x0, x1 = max(0.0, (sx - half_w) / scale), min(1.0, (sx + half_w) / scale)
    y0, y1 = max(0.0, (sy - half_h) / scale), min(1.0, (sy + half_h) / scale)
    return Region(z, x0, y0, x1, y1, key=(z, int(sx), int(sy), int(width), int(height)))


@dataclass(frozen=True)
class Bins:
    """Grid cells holding incidents (one entry per non-empty cell, smallest counts first)."""

    lat: np.ndarray  # centroid of the cell's incidents
    lon: np.ndarray
    count: np.ndarray
    group: np.ndarray  # the most frequent group code in the cell
    group_count: np.ndarray  # how many of its incidents have that group
    kind: np.ndarray  # the most frequent kind code
    mix: np.ndarray  # (bins, groups): how many incidents of each group
    south: np.ndarray  # the cell's bounds
    west: np.ndarray
    north: np.ndarray
    east: np.ndarray
    member: np.ndarray  # per input point: the index of its bin, -1 when outside the region

    def __len__(self) -> int:
        return int(self.count.size)

    @property
    def total(self) -> int:
        return int(self.count.sum())

    def rows(self, decimals: int = 5, keep: np.ndarray | None = None) -> list[list]:
        """Compact rows ``[lat, lon, count, kind, south, west, north, east, [count per group...]]``.

        The per-group counts lose their trailing zeros. ``keep`` (a boolean mask
        over the bins) leaves some out.
        """
        if keep is not None:
            fields = ("lat", "lon", "count", "kind", "south", "west", "north", "east", "mix")
            return Bins(**{f: getattr(self, f)[keep] for f in fields}, group=self.group[keep],
                        group_count=self.group_count[keep], member=self.member).rows(decimals)  # fmt: skip
        mix = []
        for counts in self.mix.tolist():
            while counts and counts[-1] == 0:
                counts.pop()
            mix.append(counts)
        columns = [
            np.round(self.lat, decimals).tolist(),
            np.round(self.lon, decimals).tolist(),
            self.count.tolist(),
            self.kind.tolist(),
            *(np.round(a, decimals).tolist() for a in (self.south, self.west, self.north, self.east)),
            mix,
        ]
        return [list(row) for row in zip(*columns)]


def bin_points(
    x: np.ndarray,
    y: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    group: np.ndarray,
    kind: np.ndarray,
    *,
    region: Region,
    n_groups: int,
    n_kinds: int,
    cell_px: int = CELL_PX,
    inside: bool = False,
) -> Bins:
    """Bin the points (world ``x``/``y``, degrees ``lat``/``lon``, small int codes) inside ``region``.

    Every step is a vectorised numpy pass (``bincount`` over a dense local cell
    index), so a million points bin in tens of milliseconds. Points outside the
    region are ignored (``inside=True``: the caller already kept only points in the
    region, and the check is skipped). A bin sits at the centroid of its incidents, kept within
    ``(cell_px - MAX_MARKER_PX) / 2`` pixels of its cell's centre so that two
    bins never overlap.
    """
    n_points = len(x)
    keep = None
    if not inside:
        keep = region.contains(x, y)
        x, y, lat, lon, group, kind = x[keep], y[keep], lat[keep], lon[keep], np.asarray(group)[keep], np.asarray(kind)[keep]
    group, kind = np.asarray(group, dtype=np.int64), np.asarray(kind, dtype=np.int64)
    cells = region.scale / cell_px  # cells per world unit
    cx0, cy0 = math.floor(region.x0 * cells), math.floor(region.y0 * cells)
    nx = max(1, math.floor(region.x1 * cells) - cx0 + 1)
    ny = max(1, math.floor(region.y1 * cells) - cy0 + 1)
    ix = np.clip(np.floor(x * cells).astype(np.int64) - cx0, 0, nx - 1)
    iy = np.clip(np.floor(y * cells).astype(np.int64) - cy0, 0, ny - 1)
    cell = iy * nx + ix
    ncell = nx * ny
    count = np.bincount(cell, minlength=ncell)
    used = np.flatnonzero(count)
    n = count[used]
    mean_lat = np.bincount(cell, weights=lat, minlength=ncell)[used] / n
    mean_lon = np.bincount(cell, weights=lon, minlength=ncell)[used] / n
    groups = max(1, int(n_groups))
    by_group = np.bincount(cell * groups + np.clip(group, 0, groups - 1), minlength=ncell * groups)
    by_group = by_group.reshape(ncell, groups)[used]
    kinds = max(1, int(n_kinds))
    by_kind = np.bincount(cell * kinds + np.clip(kind, 0, kinds - 1), minlength=ncell * kinds)
    by_kind = by_kind.reshape(ncell, kinds)[used]
    dominant = by_group.argmax(axis=1)  # ties: the lowest code (the most frequent group overall)
    # Cell bounds: pixel grid lines back to degrees.
    gx, gy = (used % nx) + cx0, (used // nx) + cy0
    north, west = unproject(gx / cells, gy / cells)
    south, east = unproject((gx + 1) / cells, (gy + 1) / cells)
    # The centroid, pulled towards the cell centre where it strays too far.
    slack = max(0.0, (cell_px - MAX_MARKER_PX) / 2 / cell_px)  # in cells
    px, py = project(mean_lat, mean_lon)
    px = np.clip(px * cells, gx + 0.5 - slack, gx + 0.5 + slack) / cells
    py = np.clip(py * cells, gy + 0.5 - slack, gy + 0.5 + slack) / cells
    mean_lat, mean_lon = unproject(px, py)
    order = np.lexsort((used, n))  # small counts first, so big bins are drawn on top
    rank = np.full(ncell, -1, dtype=np.int64)
    rank[used[order]] = np.arange(len(used))
    member = rank[cell]
    if keep is not None:
        member_all = np.full(n_points, -1, dtype=np.int64)
        member_all[keep] = member
        member = member_all
    return Bins(
        lat=mean_lat[order],
        lon=mean_lon[order],
        count=n[order],
        group=dominant[order],
        group_count=by_group[np.arange(len(used)), dominant][order],
        kind=by_kind.argmax(axis=1)[order],
        mix=by_group[order],
        member=member,
        south=south[order],
        west=west[order],
        north=north[order],
        east=east[order],
    )
