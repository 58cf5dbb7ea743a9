"""The ui/ building blocks that need no running page: state, map layers, symbols, assets, escaping."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import folium
import pandas as pd
import pytest
import streamlit_folium as sf

from geo.config import OSM_TILES, TileSource
from geo.view.filters import DATE_PRESETS, Filters, preset_range
from geo.view.frame import to_frame
from geo.view.viewstate import ViewState
from tests.ui.seed import INCIDENTS, XSS_ID, XSS_IMG, XSS_SCRIPT
from ui import assets, common, headline, mapview, state, symbols, timeline
from ui.maplayers import (
    FIT_MAX_ZOOM,
    TILE_PROBE_TIMEOUT_MS,
    Extent,
    base_map,
    extent_of,
    incident_features,
    incident_group,
    legend_html,
    script_json,
)

TODAY = dt.date(2024, 3, 31)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return to_frame(INCIDENTS)


# --- state ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 2, 1), actors=("A, with comma",), text="x"),
        Filters(date_from=dt.date(2024, 1, 1)),  # open-ended custom range
        Filters(attributions=("claimed", "blamed"), event_types=("drone",), countries=("IQ",), intercepted=False),
        Filters(*preset_range("Last 7 days", today=TODAY)),
    ],
)
def test_widget_values_round_trip(filters):
    assert state.filters_from_widgets(state.widget_values(filters, TODAY), TODAY) == filters


def test_period_for_recognises_presets_only_at_their_exact_range():
    for label in DATE_PRESETS:
        assert state.period_for(Filters(*preset_range(label, today=TODAY)), TODAY) == label
    assert state.period_for(Filters(date_from=dt.date(2024, 3, 3), date_to=TODAY), TODAY) == state.CUSTOM


def test_reversed_custom_range_is_swapped():
    values = state.widget_values(Filters(), TODAY) | {"period": state.CUSTOM, "from": TODAY, "to": dt.date(2024, 1, 1)}
    f = state.filters_from_widgets(values, TODAY)
    assert (f.date_from, f.date_to) == (dt.date(2024, 1, 1), TODAY)


def test_query_string_repeats_multi_valued_keys_and_encodes():
    view = ViewState(filters=Filters(actors=("A&B", "C D"), text="a=b"), selected="inc-1")
    assert state.query_string(view) == "?actor=A%26B&actor=C+D&q=a%3Db&sel=inc-1"
    assert state.query_string(ViewState()) == ""


# --- map result handling -------------------------------------------------------------------------


def test_clicked_id_reads_the_tooltip_id_once_per_click():
    out = {"last_object_clicked_count": 1, "last_object_clicked_tooltip": "2024-01-04 · Rocket Kataib #inc-t1",
           "last_object_clicked": {"lat": 1, "lng": 2}}  # fmt: skip
    clicked, sig = mapview.clicked_id(out, None)
    assert clicked == "inc-t1"
    assert mapview.clicked_id(out, sig) == (None, sig)  # the same click on the next rerun
    again = dict(out, last_object_clicked_count=2)
    assert mapview.clicked_id(again, sig)[0] == "inc-t1"  # clicked again later
    assert mapview.clicked_id({"last_object_clicked_count": None}, sig) == (None, None)  # fresh component
    country = dict(out, last_object_clicked_count=3, last_object_clicked_tooltip="Syria")
    assert mapview.clicked_id(country, sig)[0] is None


def test_reported_view_rounds_wraps_and_ignores_defaults():
    assert mapview.reported_view({"zoom": 6}) == (None, None)  # the component's default value: no centre yet
    assert mapview.reported_view({"center": {"lat": 33.123456, "lng": 44.987654}, "zoom": 7}) == ((33.1235, 44.9877), 7)
    assert mapview.reported_view({"center": {"lat": 10, "lng": 370}, "zoom": 40}) == ((10.0, 10.0), None)


# --- layers --------------------------------------------------------------------------------------


def test_script_json_cannot_close_the_script_or_be_rewritten():
    value = {"s": "</script><script>alert(1)</script> & {{'map_div'}} {% if %} {# \u2028", "n": [{"o": {}}]}
    text = script_json(value)
    for bad in ("<", ">", "&", "{{", "{%", "{#", "\u2028"):
        assert bad not in text
    assert json.loads(text) == value


def test_incident_features_carry_only_popup_properties(frame):
    colours = symbols.actor_colours(frame["actor"])
    fc = incident_features(frame, colours)
    assert len(fc["features"]) == len(frame)
    by_id = {f["properties"]["i"]: f for f in fc["features"]}
    t1 = by_id["inc-t1"]
    assert t1["geometry"]["coordinates"] == [42.44, 33.79]
    assert set(t1["properties"]) <= {"i", "c", "t", "x", "d", "l", "a", "at", "ab", "k", "j", "m", "s", "src"}
    assert (t1["properties"]["m"], t1["properties"]["k"], t1["properties"]["j"]) == (5, 0, 2)
    # Unknown figures are absent (the popup says "unknown"), never 0.
    assert not {"m", "k", "j"} & set(by_id["inc-t7"]["properties"])
    assert by_id["inc-t2"]["properties"]["x"] == 1 and "x" not in t1["properties"]
    assert t1["properties"]["c"] == colours.colour("Kataib Hezbollah")


def test_the_whole_map_loads_nothing_from_a_cdn_and_embeds_markup_inertly(frame):
    """What st_folium would send, built the way it builds it: every link is local, no raw markup."""
    colours = symbols.actor_colours(frame["actor"])
    local = assets.vendor_assets()
    m = base_map(local, legend=legend_html(colours, frame["actor"], frame["event_type"]))
    group = incident_group(script_json(incident_features(frame, colours)), count=len(frame), selected=XSS_ID)
    m.get_root().render()
    header, html = sf._get_header(m), sf._get_html(m)
    script = sf._get_map_string(m) + sf._get_feature_group_string(group, m)
    links = [src for e in _walk(m) for _, src in [*getattr(e, "default_js", []), *getattr(e, "default_css", [])]]
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links
    for text in (header, html, script):
        assert "cdn" not in text.lower() and "jquery" not in text.lower() and "bootstrap" not in text.lower()
    assert XSS_SCRIPT not in script and XSS_IMG not in script and "</script" not in script.lower()
    assert "Hostile place \\u003cimg" in script  # the data is there, escaped for the script element
    # A plain folium render (saved HTML) keeps the layer and the template-like text intact.
    page = m.get_root().render()
    assert "{\\u0025 if x %}{\\u007b 7*7 }}" in page and "inc-xss" in page


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def test_legend_escapes_actor_names():
    colours = symbols.actor_colours(pd.Series(["<b>Bold</b>", "Unknown"]))
    html = legend_html(colours, ["<b>Bold</b>", "Unknown", "Someone else"], ["rocket"])
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "Other actors" in html and "Rocket" in html and "Drone" not in html



def test_the_legend_tells_the_map_it_moved_from_one_place(frame):
    """Lifted above the scale bar (on load, on a resize, after waiting for the style sheet), the legend
    fires "ia:controls" so the names are laid out around it again: said once, called from each."""
    colours = symbols.actor_colours(frame["actor"])
    m = base_map(assets.vendor_assets(), legend=legend_html(colours, frame["actor"], frame["event_type"]))
    legend = next(e for e in _walk(m) if type(e).__name__ == "_Legend")
    script = legend._template.module.__dict__["script"](legend, {})
    assert script.count('map.fire("ia:controls")') == 1, script


# --- online tiles and "zoom to results" --------------------------------------------------------

TEST_TILES = TileSource(
    url="https://{s}.tiles.example.org/{z}/{x}/{y}.png", attribution="<b>Team</b></script>", name="Team tiles"
)


def _base_script(**kwargs) -> str:
    """The base map's script as the component gets it (streamlit-folium's renaming included)."""
    return mapview.render_base(base_map(assets.vendor_assets(), **kwargs), key="k").script


def _layer_control(script: str) -> tuple[list[str], list[str]]:
    """(base layer names, overlay names) of the map's layer control, in order."""
    block = script[script.index("_layers = {") : script.index("L.control.layers(")]
    base, overlays = block.split("overlays")
    return re.findall(r'"([^"]+)" :', base), re.findall(r'"([^"]+)" :', overlays)


def test_tiles_off_puts_no_tile_layer_and_no_tile_url_on_the_map():
    script = _base_script(tiles=None)
    assert "L.tileLayer" not in script and "new Image()" not in script
    assert "openstreetmap.org" not in script and "https://" not in script
    assert _layer_control(script) == ([], ["Country borders (offline)"])


def test_tiles_are_probed_with_one_image_before_the_layer_goes_on():
    script = _base_script(tiles=TEST_TILES)
    assert 'L.tileLayer("https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in script
    assert f"}}, {TILE_PROBE_TIMEOUT_MS});" in script  # the probe gives up after the timeout
    # Only the probe's success adds the tile layer; until then the "no tiles" base layer is on.
    assert script.count("map.addLayer(tiles)") == 1
    assert script.index("if (ok && map.hasLayer(noTiles)") < script.index("map.addLayer(tiles)")
    assert _layer_control(script) == (["No tiles (offline)", "Team tiles (online)"], ["Country borders (offline)"])
    # The credit is HTML for Leaflet, yet cannot end the map's script element.
    assert "</script" not in script and "\\u003cb\\u003eTeam" in script


@pytest.mark.parametrize(("env", "expected"), [({"GEO_TILES": "off"}, None), ({}, OSM_TILES)])
def test_base_map_takes_its_tiles_from_the_settings_by_default(monkeypatch, env, expected):
    monkeypatch.delenv("GEO_TILES", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    script = _base_script()
    assert ("L.tileLayer" in script) is (expected is not None)
    assert (OSM_TILES.url in script) is (expected is not None)


def test_the_zoom_to_results_button_is_there_only_when_asked_for():
    with_button, without = _base_script(tiles=None, fit_button=True), _base_script(tiles=None)
    assert "ia-fit" in with_button and "ia-fit" not in without
    assert f"maxZoom: {FIT_MAX_ZOOM}" in with_button and "map.fitBounds(r.bounds" in with_button


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ([33.5, 36.25, 31.0], [44.0, 38.5, 46.125], Extent(31.0, 38.5, 36.25, 46.125, 3)),
        ([33.123456], [44.987654], Extent(33.12346, 44.98765, 33.12346, 44.98765, 1)),
        ([33.0, float("nan"), 35.0], [44.0, 40.0, float("inf")], Extent(33.0, 44.0, 33.0, 44.0, 1)),
        ([], [], None),
        ([float("nan")], [40.0], None),
    ],
)
def test_extent_of_bounds_the_points_with_coordinates(lat, lon, expected):
    assert extent_of(lat, lon) == expected


@pytest.mark.parametrize("extent", [Extent(31.0, 38.5, 36.25, 46.125, 3), None])
def test_the_incident_layer_hands_its_extent_to_the_button(extent):
    fmap = base_map(assets.vendor_assets(), tiles=None, fit_button=True)
    base = mapview.render_base(fmap, key="k")
    group = incident_group(script_json({"type": "FeatureCollection", "features": []}), count=0, extent=extent)
    script = base.component_args(group, key="k", height=500, returned_objects=[])["feature_group"]
    sent = json.loads(re.search(r"map_div\._iaResults = (.*);", script).group(1))
    if extent is None:
        assert sent == {"bounds": None, "count": 0}
    else:
        assert sent == {"bounds": [[extent.south, extent.west], [extent.north, extent.east]], "count": extent.count}
    assert 'map_div.fire("ia:results")' in script


def _frame_dataset(df: pd.DataFrame):
    """A Dataset over a plain frame, filtered without a store (as ui.data does in tests)."""
    from ui.data import build_dataset

    class _Snap:  # what build_dataset reads from a snapshot
        version, frame = "t", df

    ds = build_dataset(_Snap())
    return type(ds)(**{**ds.__dict__, "snapshot": None})


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(event_types=("rocket",)), Filters(event_types=("missile",)), Filters(countries=("SY",))],
)
def test_results_extent_covers_every_incident_passing_the_filters(frame, filters):
    from geo.view.filters import filter_mask

    shown = frame[filter_mask(frame, filters)]
    got = mapview.results_extent(_frame_dataset(frame), filters)
    assert got == Extent(shown["lat"].min(), shown["lon"].min(), shown["lat"].max(), shown["lon"].max(), len(shown))


def test_results_extent_is_none_when_nothing_passes(frame):
    assert mapview.results_extent(_frame_dataset(frame), Filters(text="no incident says this")) is None


def test_the_base_map_is_rendered_once_per_tile_setting():
    off = mapview.rendered_base("", "<b>l</b>", (34.0, 43.0), 6, tiles=None)
    on = mapview.rendered_base("", "<b>l</b>", (34.0, 43.0), 6, tiles=TEST_TILES)
    assert "L.tileLayer" not in off.script and TEST_TILES.url in on.script
    assert mapview.rendered_base("", "<b>l</b>", (34.0, 43.0), 6, tiles=TEST_TILES) is on


# --- symbols, headline, timeline -----------------------------------------------------------------


def test_actor_colours_depend_on_frequency_not_on_the_filtered_view():
    actors = pd.Series(["B"] * 5 + ["A"] * 3 + ["C"] * 3 + ["Unknown"] * 9)
    colours = symbols.actor_colours(actors)
    assert list(colours.named) == ["B", "A", "C"]  # most frequent first, ties by name, Unknown apart
    assert colours.colour("Unknown") == symbols.UNKNOWN_COLOUR
    assert colours.colour("never seen") == symbols.OTHER_COLOUR
    assert colours.series(pd.Series(["A", "Unknown", "Z"])).tolist() == [
        colours.colour("A"), symbols.UNKNOWN_COLOUR, symbols.OTHER_COLOUR,
    ]  # fmt: skip
    assert re.fullmatch(r"(?s).*\.ia-t-rocket i\{clip-path:polygon.*", symbols.marker_css())


def test_family_colours_colour_each_actor_by_its_stored_family():
    uag = "Unidentified Armed Group (Iraq)"
    actors = pd.Series(["Kataib Hezbollah", uag, uag, uag, "IRGC", "Unknown", "X"])
    families = pd.Series(["iran_aligned", "unknown", "iran_aligned", "iran_aligned", "iran", "unknown", "other"])
    colours = symbols.family_colours(actors, families)
    assert colours.group("Kataib Hezbollah") == "Iran-aligned militias"
    assert colours.colour(uag) == colours.colour("Kataib Hezbollah")  # the family most of its incidents have
    assert colours.colour("IRGC") == symbols.FAMILY_COLOURS["iran"] != colours.colour("Kataib Hezbollah")
    assert colours.colour("Unknown") == symbols.UNKNOWN_COLOUR
    assert colours.series(actors).tolist() == [colours.colour(a) for a in actors]
    assert [label for label, _ in colours.legend(actors)] == ["Iran-aligned militias", "Iran / IRGC", "Other", "Unknown"]


def test_family_colours_break_a_tie_by_the_family_key_and_count_categorical_columns_alike():
    actors = pd.Series(["Both", "Both", "Both", "Both", "US-led", None])
    families = pd.Series(["us", "iran", "us", "iran", "us", "iran"])
    for a, f in ((actors, families), (actors.astype("category"), families.astype("category"))):
        colours = symbols.family_colours(a, f)
        assert colours.group("Both") == "Iran / IRGC"  # two each: "iran" sorts before "us"
        assert colours.group("US-led") == "US"
        assert colours.group(None) == symbols.UNKNOWN_ACTOR


def test_headline_numbers_keep_unknown_apart(frame):
    count, figures = headline.headline_numbers(frame)
    assert count == 8
    assert [(f.label, f.known_sum, f.unknown) for f in figures] == [
        ("Munitions", 15, 3), ("Killed", 4, 4), ("Injured", 30, 3),
    ]  # fmt: skip
    assert figures[0].note == "+3 unknown"
    _, none_unknown = headline.headline_numbers(frame[frame["id"] == "inc-t1"])
    assert [f.note for f in none_unknown] == [None, None, None]


def test_timeline_bucket_follows_the_span(frame):
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-02-15"]))
    assert timeline.bucket_for(dates) == "day"
    assert timeline.bucket_for(pd.Series(pd.to_datetime(["2023-01-01", "2023-08-01"]))) == "week"
    # Two years in weeks were ~100 hair-thin bars: months from nine months on.
    assert timeline.bucket_for(pd.Series(pd.to_datetime(["2023-01-01", "2024-06-01"]))) == "month"
    counts, bucket = timeline.timeline_counts(frame, symbols.actor_colours(frame["actor"]))
    assert bucket == "week" and counts["incidents"].sum() == len(frame)
    assert set(counts["period"].dt.day_of_week) == {0}  # weeks start on Monday
    assert set(counts["end"] - counts["period"]) == {pd.Timedelta(days=7)}  # a bar spans its week


# --- escaping and links --------------------------------------------------------------------------


def test_md_escape_leaves_no_markup():
    escaped = common.md_escape("[x](javascript:alert(1)) <b>*bold*</b> :red[hi] $x$ `c`")
    assert not re.search(r"(?<!\\)[\[\]()<>*:$`]", escaped)
    assert re.sub(r"\\(.)", r"\1", escaped) == "[x](javascript:alert(1)) <b>*bold*</b> :red[hi] $x$ `c`"


def test_safe_url_accepts_only_absolute_http():
    assert common.safe_url("https://example.org/a b(c)") == "https://example.org/a%20b%28c%29"
    for bad in ("javascript:alert(1)", "/relative", "data:text/html,x", "", None, "http://"):
        assert common.safe_url(bad) is None
    assert common.md_link("t", "javascript:alert(1)") == "t"


# --- assets --------------------------------------------------------------------------------------


def test_vendor_assets_are_copied_once_and_kept_in_sync(tmp_path):
    written = assets.ensure_vendor_assets(tmp_path)
    assert {p.relative_to(tmp_path / "vendor").as_posix() for p in written} == {
        *(t for _, _, t in assets.VENDOR_FILES), assets.BUNDLE,
    }  # fmt: skip
    assert assets.ensure_vendor_assets(tmp_path) == []  # idempotent
    js = tmp_path / "vendor" / "leaflet" / "leaflet.js"
    js.write_text("tampered")
    assert assets.ensure_vendor_assets(tmp_path) == [js]
    assert "Leaflet" in js.read_text()[:2000]
    bundle = tmp_path / "vendor" / assets.BUNDLE
    bundle.write_text("tampered")
    assert assets.ensure_vendor_assets(tmp_path) == [bundle]


def test_maps_load_leaflet_and_the_cluster_plugin_as_one_script(tmp_path):
    assets.ensure_vendor_assets(tmp_path)
    vendor = tmp_path / "vendor"
    bundle = (vendor / assets.BUNDLE).read_text(encoding="utf-8")
    leaflet = (vendor / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    cluster = (vendor / "leaflet.markercluster" / "leaflet.markercluster.js").read_text(encoding="utf-8")
    assert bundle.index(leaflet) < bundle.index(cluster)  # the plugin needs L first
    fmap = folium.Map(tiles=None)
    assets.localize(fmap, assets.vendor_assets(""))
    assert [src for _, src in fmap.default_js] == ["/app/static/vendor/" + assets.BUNDLE]


def test_vendor_urls_follow_the_base_path():
    assert assets.vendor_assets("").leaflet_js == "/app/static/vendor/leaflet/leaflet.js"
    assert (
        assets.vendor_assets("/atlas/").cluster_js
        == "/atlas/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js"
    )


def test_incident_layer_clusters_widely_only_above_the_threshold():
    from ui.maplayers import CLUSTER_THRESHOLD, IncidentLayer

    assert not IncidentLayer("{}", count=CLUSTER_THRESHOLD).cluster
    assert IncidentLayer("{}", count=CLUSTER_THRESHOLD + 1).cluster
    assert '"cluster":true' in IncidentLayer("{}", count=CLUSTER_THRESHOLD + 1).options_js


def test_initial_view_prefers_the_link_then_the_selection(frame):
    from types import SimpleNamespace

    from geo.view.viewstate import DEFAULT_CENTER, DEFAULT_ZOOM

    dataset = SimpleNamespace(frame=frame, ids=frozenset(frame["id"]))
    assert mapview.initial_view(ViewState(), dataset) == (DEFAULT_CENTER, DEFAULT_ZOOM)
    assert mapview.initial_view(ViewState(selected="inc-t1"), dataset) == ((33.79, 42.44), mapview.SELECTED_ZOOM)
    linked = ViewState(center=(30.0, 40.0), zoom=5, selected="inc-t1")
    assert mapview.initial_view(linked, dataset) == ((30.0, 40.0), 5)


# --- the base map rendered once (ui.mapview.RenderedBase) -------------------------------------


def test_rendered_base_sends_what_st_folium_sends(monkeypatch):
    """The cached base map gives the component exactly st_folium's arguments (same script and key: no remount)."""
    import streamlit_folium

    from ui.assets import vendor_assets
    from ui.maplayers import base_map, incident_group, script_json

    def build():
        fmap = base_map(vendor_assets(""), legend="<b>legend</b>", center=(34.0, 43.0), zoom=6)
        features = {"type": "FeatureCollection", "features": []}
        group = incident_group(script_json(features), count=0, selected="abc")
        return fmap, group

    calls: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: calls.append(kwargs))
    fmap, group = build()
    streamlit_folium.st_folium(
        fmap, key=mapview.MAP_KEY, height=560, use_container_width=True, returned_objects=mapview.RETURNED,
        feature_group_to_add=group,
    )  # fmt: skip
    expected = calls.pop()
    fmap, group = build()
    base = mapview.render_base(fmap, key=mapview.MAP_KEY)
    got = base.component_args(group, key=mapview.MAP_KEY, height=560, returned_objects=mapview.RETURNED)
    expected.pop("on_change")
    assert got == expected
    # A second run with the same base (rendered once) sends the same again.
    _, group = build()
    assert base.component_args(group, key=mapview.MAP_KEY, height=560, returned_objects=mapview.RETURNED) == expected


@pytest.mark.parametrize("span_days", [40, 200, 2000])  # day, week and month buckets
def test_fast_timeline_counts_equal_the_pandas_ones(span_days):
    """ui.data.timeline counts with NumPy on codes: the same bars as timeline_counts."""
    import numpy as np

    from ui.data import build_dataset, positions
    from ui.data import timeline as cached_timeline

    rng = np.random.default_rng(span_days)
    n = 600
    base = to_frame(INCIDENTS)
    df = base.sample(n, replace=True, random_state=1).reset_index(drop=True)
    df["id"] = [f"x{i}" for i in range(n)]
    df["date"] = pd.Timestamp("2021-03-03") + pd.to_timedelta(rng.integers(0, span_days, n), unit="D")

    class _Snap:  # what build_dataset reads from a snapshot
        version, frame = "t", df

    ds = build_dataset(_Snap())
    ds = type(ds)(**{**ds.__dict__, "snapshot": None})  # filter with geo.view.filters, no store
    f = Filters()
    shown = df.take(positions(ds, f))
    expected, bucket = timeline.timeline_counts(shown, ds.colours)
    got = cached_timeline(ds, f, shown)
    assert got.spec["encoding"]["y"]["title"] == f"Incidents per {bucket}"

    def norm(c):
        c = c.assign(actor=c["actor"].astype(str))[["period", "actor", "incidents", "end"]]
        return c.sort_values(["period", "actor"], ignore_index=True)

    pd.testing.assert_frame_equal(norm(got.counts), norm(expected), check_dtype=False)
    assert cached_timeline(ds, f, shown) is got  # cached per filter


def test_table_shows_the_most_recent_rows_only():
    from ui.table import most_recent

    df = pd.DataFrame(
        {"date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-03", "2024-01-02"]), "id": ["a", "c", "b", "d"]}
    )
    assert most_recent(df, 2)["id"].tolist() == ["b", "c"]  # newest first, ties by id
    assert most_recent(df, 10) is df


COLD_START_IMPORTS = """
import sys
from geo.places.countries import point_problem
import ui.data, ui.mapview
from ui.borders import borders_geojson
borders_geojson()
print(point_problem(44.4, 33.3, "IQ") is not None, *sorted(m for m in ("geopandas", "pyogrio", "pyproj") if m in sys.modules))
"""


def test_with_natural_earth_cached_the_map_and_point_checks_import_no_geopandas(tmp_path):
    """A cold start of the app draws the borders and checks points without pyogrio (and the geopandas,
    pyproj it imports: ~0.1 s); the copy in the cache folder is enough."""
    env = {**os.environ, "GEO_CACHE_DIR": str(tmp_path)}
    root = Path(__file__).resolve().parents[2]

    def run() -> list[str]:
        command = [sys.executable, "-c", COLD_START_IMPORTS]
        return subprocess.run(command, capture_output=True, text=True, check=True, cwd=root, env=env).stdout.split()

    assert run()[0] == "True"  # the first start reads the shapefile (and caches it)
    assert run() == ["True"]  # a cold start: nothing from the geometry stack but shapely


def test_the_favicon_is_the_map_emoji_as_streamlit_draws_it_without_its_emoji_table():
    """Streamlit's browser code draws an emoji favicon as this SVG; given as ASCII, the server passes it on
    as it is without loading its emoji table (string_util.is_emoji skips ASCII)."""
    from urllib.parse import unquote

    from streamlit.commands.page_config import _get_favicon_string

    assert common.FAVICON.isascii()
    assert _get_favicon_string(common.FAVICON) == common.FAVICON
    svg = unquote(common.FAVICON.removeprefix("data:image/svg+xml,"))
    assert svg == (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'><text y='.9em' font-size='90'>🗺️</text></svg>"
    )
