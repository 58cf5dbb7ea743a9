"""geo.view.aggregate: Web Mercator, view regions snapped to a coarse grid, and grid bins of incidents."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.view.aggregate import (
    BUCKET_PX,
    CELL_PX,
    MAX_MARKER_PX,
    TILE_PX,
    bin_points,
    fallback_cover_px,
    project,
    region_for_bounds,
    region_for_view,
    unproject,
)


def points(n: int = 5000, seed: int = 3, centre=(33.8, 42.4), spread: float = 1.5):
    rng = np.random.default_rng(seed)
    lat = centre[0] + rng.normal(0, spread, n)
    lon = centre[1] + rng.normal(0, spread, n)
    group = rng.integers(0, 4, n)
    kind = rng.integers(0, 3, n)
    x, y = project(lat, lon)
    return x, y, lat, lon, group, kind


def pixels(lat, lon, zoom):
    x, y = project(lat, lon)
    return np.asarray(x) * TILE_PX * 2**zoom, np.asarray(y) * TILE_PX * 2**zoom


def test_projection_matches_web_mercator_and_inverts():
    x, y = project([0.0, 85.0511287798, -85.0511287798], [0.0, -180.0, 180.0])
    assert np.allclose(x, [0.5, 0.0, 1.0]) and np.allclose(y, [0.5, 0.0, 1.0])
    lat, lon = np.array([33.79, -12.5, 60.0]), np.array([42.44, 100.0, -70.0])
    back_lat, back_lon = unproject(*project(lat, lon))
    assert np.allclose(back_lat, lat, atol=1e-12) and np.allclose(back_lon, lon, atol=1e-12)


def test_region_covers_the_view_and_small_pans_keep_its_key():
    zoom, size = 8, (1100, 560)
    region = region_for_view((34.0, 42.0), zoom, size)
    cx, cy = pixels(34.0, 42.0, zoom)
    scale = TILE_PX * 2**zoom
    # The view (centre +- half its size) lies inside the region.
    assert region.x0 * scale <= cx - size[0] / 2 and cx + size[0] / 2 <= region.x1 * scale
    assert region.y0 * scale <= cy - size[1] / 2 and cy + size[1] / 2 <= region.y1 * scale
    # Panning a little keeps the key (same data, nothing re-sent); far, changes it.
    keys = set()
    for dx in range(-BUCKET_PX, BUCKET_PX + 1, 64):
        lat, lon = unproject((cx + dx) / scale, cy / scale)
        keys.add(region_for_view((float(lat), float(lon)), zoom, size).key)
    assert 2 <= len(keys) <= 4
    assert region_for_view((34.0, 42.0), zoom + 1, size).key != region.key


def test_region_from_reported_bounds_and_fallback():
    bounds = {"_southWest": {"lat": 32.0, "lng": 40.0}, "_northEast": {"lat": 36.0, "lng": 46.0}}
    region = region_for_bounds(bounds, 7, (0.0, 0.0))
    south, west, north, east = region.bounds()
    assert south < 32.0 and west < 40.0 and north > 36.0 and east > 46.0
    for broken in (None, {}, {"_southWest": {"lat": None}}, {"_southWest": {"lat": 1, "lng": 1},
                                                              "_northEast": {"lat": 0, "lng": 0}}):
        assert region_for_bounds(broken, 7, (34.5, 41.5)) == region_for_view((34.5, 41.5), 7)


def test_bins_count_every_point_in_the_region_once():
    x, y, lat, lon, group, kind = points()
    region = region_for_view((33.8, 42.4), 9)
    bins = bin_points(x, y, lat, lon, group, kind, region=region, n_groups=4, n_kinds=3)
    inside = region.contains(x, y)
    assert 0 < inside.sum() < len(x)  # the test covers points outside the region too
    assert bins.total == int(inside.sum())
    assert (bins.mix.sum(axis=1) == bins.count).all()
    # Every point in the region knows its bin; the others have none.
    assert ((bins.member >= 0) == inside).all()
    assert (np.bincount(bins.member[inside], minlength=len(bins)) == bins.count).all()
    assert list(bins.count) == sorted(bins.count)  # small first: big bins are drawn on top
    # Each bin's dominant group and kind are the most frequent ones of its cell.
    cells = region.scale / CELL_PX
    ix = np.floor(x[inside] * cells)
    iy = np.floor(y[inside] * cells)
    bx = np.floor(project(bins.lat, bins.lon)[0] * cells)
    by = np.floor(project(bins.lat, bins.lon)[1] * cells)
    for b in range(len(bins)):
        members = (ix == bx[b]) & (iy == by[b])
        assert members.sum() == bins.count[b]
        assert np.bincount(group[inside][members], minlength=4).argmax() == bins.group[b]
        assert np.bincount(kind[inside][members], minlength=3).argmax() == bins.kind[b]
        assert bins.group_count[b] == np.bincount(group[inside][members], minlength=4).max()
        assert bins.south[b] < bins.lat[b] < bins.north[b] and bins.west[b] < bins.lon[b] < bins.east[b]


def test_bins_never_overlap_on_screen():
    x, y, lat, lon, group, kind = points(20000, spread=0.6)
    zoom = 8
    bins = bin_points(x, y, lat, lon, group, kind, region=region_for_view((33.8, 42.4), zoom), n_groups=4, n_kinds=3)
    px, py = pixels(bins.lat, bins.lon, zoom)
    gap = np.hypot(px[:, None] - px[None, :], py[:, None] - py[None, :])
    np.fill_diagonal(gap, math.inf)
    # Centres of neighbouring cells stay at least a marker's size apart.
    assert gap.min() >= MAX_MARKER_PX - 1e-6


def test_bins_are_stable_under_panning():
    """Cells follow the zoom level's pixel grid: a bin covers the same ground whatever the view."""
    x, y, lat, lon, group, kind = points(3000, spread=0.3)
    zoom = 9
    a = bin_points(x, y, lat, lon, group, kind, region=region_for_view((33.8, 42.4), zoom), n_groups=4, n_kinds=3)
    b = bin_points(x, y, lat, lon, group, kind, region=region_for_view((33.9, 42.6), zoom), n_groups=4, n_kinds=3)
    common = {(round(s, 9), round(w, 9)): c for s, w, c in zip(a.south, a.west, a.count)}
    shared = [(common[(round(s, 9), round(w, 9))], c) for s, w, c in zip(b.south, b.west, b.count)
              if (round(s, 9), round(w, 9)) in common]  # fmt: skip
    assert shared and all(p == q for p, q in shared)


def test_no_points_no_bins_and_compact_rows():
    empty = np.array([], dtype=float)
    region = region_for_view((33.8, 42.4), 6)
    bins = bin_points(empty, empty, empty, empty, empty.astype(int), empty.astype(int), region=region,
                      n_groups=3, n_kinds=2)  # fmt: skip
    assert len(bins) == 0 and bins.rows() == [] and bins.total == 0
    x, y, lat, lon, group, kind = points(50, spread=0.01)
    rows = bin_points(x, y, lat, lon, group, kind, region=region, n_groups=4, n_kinds=3).rows()
    assert len(rows) == 1
    lat0, lon0, count, kind0, south, west, north, east, mix = rows[0]
    assert count == 50 and sum(mix) == 50 and mix[-1] != 0 and south < lat0 < north and west < lon0 < east
    assert kind0 in (0, 1, 2)


@pytest.mark.parametrize("zoom", [3, 6, 12, 18])
def test_binning_is_deterministic(zoom):
    x, y, lat, lon, group, kind = points(2000)
    region = region_for_view((33.8, 42.4), zoom)
    first = bin_points(x, y, lat, lon, group, kind, region=region, n_groups=4, n_kinds=3).rows()
    again = bin_points(x, y, lat, lon, group, kind, region=region, n_groups=4, n_kinds=3).rows()
    assert first == again


@pytest.mark.parametrize("zoom", [5, 6, 9, 12])
def test_a_map_up_to_the_fallback_cover_size_lies_inside_the_region_drawn_before_it_reported(zoom):
    """What lets the browser skip its first report (ui.mapview.QuietFirstReport): for any centre."""
    width, height = fallback_cover_px()
    assert (width, height) == (1792, 1280)  # the default assumed size, 1100 x 560, rounded up plus the margins
    scale = TILE_PX * 2**zoom
    rng = np.random.default_rng(zoom)
    for lat, lon in zip(rng.uniform(28, 38, 200), rng.uniform(36, 50, 200)):
        region = region_for_view((float(lat), float(lon)), zoom)
        cx, cy = pixels(float(lat), float(lon), zoom)
        assert region.x0 * scale <= cx - width / 2 and cx + width / 2 <= region.x1 * scale
        assert region.y0 * scale <= cy - height / 2 and cy + height / 2 <= region.y1 * scale
    # A map one bucket larger is not always covered: the size is the largest safe one, not any.
    misses = 0
    for lat, lon in zip(rng.uniform(28, 38, 200), rng.uniform(36, 50, 200)):
        region = region_for_view((float(lat), float(lon)), zoom)
        cx, cy = pixels(float(lat), float(lon), zoom)
        misses += not (region.x0 * scale <= cx - (width + 2 * BUCKET_PX) / 2)
    assert misses > 0
