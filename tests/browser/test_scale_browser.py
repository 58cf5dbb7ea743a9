"""The map at scale in headless Chromium: 100k synthetic incidents (GEO_BROWSER_BIG_STORE), binned server-side.

Zoomed out, the map shows counts per area (bins) rather than markers; zoomed
in, every incident has its marker again and a click still selects it; a
filter change swaps the layer inside the same Leaflet map (no remount); the
URL keeps following the map's centre and zoom.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import BIG_STORE

pytestmark = pytest.mark.browser


def _zoom(session) -> int:
    return session.map_frame().evaluate("() => window.map.getZoom()")


def _clear_of_controls(frame, selector: str, *, biggest: bool = False):
    """An element matching ``selector`` in view, away from the map's controls (the legend folded
    first) and not covered by another marker: the one with the highest ``data-count`` when
    ``biggest``, else the first."""
    frame.evaluate("() => { document.querySelector('.ia-legend details').open = false; }")  # it covers the lower right
    index = frame.evaluate(
        """([selector, biggest]) => {
            const w = window.innerWidth, h = window.innerHeight;
            let best = -1, most = -1;
            document.querySelectorAll(selector).forEach((b, i) => {
                const r = b.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                const hit = document.elementFromPoint(x, y);
                const clear = x > 80 && x < w - 80 && y > 80 && y < h - 60 && hit && b.contains(hit);
                const count = biggest ? +b.dataset.count : 0;
                if (clear && count > most) { most = count; best = i; }
            });
            return best;
        }""",
        [selector, biggest],
    )
    assert index >= 0, f"no {selector} clear of the map controls"
    return frame.locator(selector).nth(index)


def test_zoomed_out_the_map_shows_counts_per_area(big_session):
    s = big_session.open("/")
    counts = s.bin_counts()
    frame = s.map_frame()
    # Every incident is counted once: nearly all in a few dozen bins; the odd incident alone
    # in its area keeps its own marker (or a marker-cluster count) rather than a circle saying 1.
    assert s.incident_count() == BIG_STORE and 5 <= len(counts) <= 300
    assert sum(counts) > 0.99 * BIG_STORE and min(counts) > 3
    assert s.headline_count() == BIG_STORE
    assert s.page.get_by_text("counted per area", exact=False).first.is_visible()
    # A bin's tooltip names its count and actors.
    _clear_of_controls(frame, ".leaflet-marker-pane .ia-bin-c", biggest=True).hover()
    tip = frame.locator(".leaflet-tooltip").inner_text()
    assert "incidents" in tip and "%" in tip and "Click to zoom in" in tip
    s.wait_idle()
    s.screenshot("20_aggregated_100k")


def test_clicking_a_bin_zooms_in_and_the_url_follows(big_session):
    s = big_session.open("/?lat=33.7900&lon=42.4400&z=8")
    assert _zoom(s) == 8
    _clear_of_controls(s.map_frame(), ".leaflet-marker-pane .ia-bin-c", biggest=True).click()
    url = s.wait_for_url(r"[?&]z=(9|1\d)\b")
    zoom = int(parse_qs(urlsplit(url).query)["z"][0])
    assert zoom > 8 and _zoom(s) == zoom
    assert {"lat", "lon"} <= set(parse_qs(urlsplit(url).query))
    s.wait_idle()
    s.wait_for_markers()
    s.screenshot("21_bin_clicked_zoomed_in")


def test_zoomed_in_every_incident_has_its_marker_and_a_click_selects_it(big_session):
    s = big_session.open("/?lat=36.2375&lon=43.9631&z=16")
    frame = s.map_frame()
    assert s.bin_counts() == []
    assert frame.locator(".leaflet-marker-pane .ia-mk").count() > 0
    _clear_of_controls(frame, ".leaflet-marker-pane .ia-mk").click()
    url = s.wait_for_url(r"sel=syn-")
    selected = parse_qs(urlsplit(url).query)["sel"][0]
    s.page.get_by_role("button", name="Clear selection").wait_for(timeout=30_000)
    assert any(link.endswith(f"/?sel={selected}") for link in s.copy_boxes())
    assert parse_qs(urlsplit(url).query)["z"] == ["16"]
    s.wait_idle()
    s.screenshot("22_zoomed_in_100k_selected")


def test_a_filter_change_swaps_the_bins_in_the_same_map(big_session):
    s = big_session.open("/")
    frame = s.map_frame()
    frame.evaluate("() => { window.__probe = 1; }")
    before = sum(s.bin_counts())
    s.pick("Event type", "Drone / UAV")
    s.wait_for_url(r"type=drone")
    s.wait_idle()
    frame.wait_for_function(f"() => {{ let n = 0; document.querySelectorAll('.ia-bin-c[data-count]')"
                            f".forEach(b => n += +b.dataset.count); return n > 0 && n < {before}; }}")  # fmt: skip
    drones = s.headline_count()
    assert s.wait_for_markers(drones) == drones < BIG_STORE
    assert s.map_frame().evaluate("() => window.__probe") == 1  # not remounted
    assert _zoom(s) == 6
    s.screenshot("23_aggregated_100k_drones")
