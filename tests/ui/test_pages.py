"""The Incidents, Gazetteer and About pages under AppTest."""

from __future__ import annotations

import json
import re

import pytest

from geo.incidents import FIELDS, GEO_PRECISIONS
from tests.ui.test_app import download_links
from tests.ui.seed import XSS_ID, XSS_SCRIPT


def test_incidents_table_follows_the_link_filters_and_links_rows_to_the_map(run_page):
    at = run_page("pages/1_Incidents.py", {"type": "rocket"})
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["id"]) == ["inc-t1", "inc-t3", "inc-t6"]
    # Newest first, each row linking to the map with the incident selected and the same filters.
    assert list(table["id"]) == ["inc-t6", "inc-t3", "inc-t1"]
    assert list(table["map"]) == [f"/?sel={i}&type=rocket" for i in table["id"]]
    assert {"sources", "source_link", "source_count", "summary"} <= set(table.columns)
    # Sources read as outlet and headline, with a link to the first report.
    row = table.set_index("id").loc["inc-t3"]
    assert row["sources"] == "Reuters: Report 3" and row["source_link"] == "https://example.org/r/3"
    link = at.get("page_link")[0].proto  # "open these filters on the map"
    assert link.query_string == "type=rocket" and link.label == "Open these filters on the map"
    assert [name for name, _ in download_links(at)] == ["incidents_all-dates_rocket.geojson", "incidents_all-dates_rocket.csv"]


def test_incidents_table_filters_in_the_sidebar(run_page):
    at = run_page("pages/1_Incidents.py")
    assert len(at.dataframe[0].value) == 8
    at.multiselect(key="ia_country").select("IQ").run()
    assert sorted(at.dataframe[0].value["country"].unique()) == ["IQ"]
    assert at.query_params["country"] in ("IQ", ["IQ"])


def test_incidents_table_keeps_report_text_as_data(run_page):
    at = run_page("pages/1_Incidents.py", {"q": "hostile"})
    table = at.dataframe[0].value
    assert list(table["id"]) == [XSS_ID]
    # The grid draws text, never HTML: the value is kept verbatim and shown as such.
    assert XSS_SCRIPT in table["summary"].iloc[0]
    # A javascript: address is never offered as a link; the next source's is.
    assert XSS_SCRIPT in table["sources"].iloc[0] and table["source_link"].iloc[0] == "https://example.org/ap/8"


def test_pages_share_the_view_when_the_menu_drops_the_query_string(run_page):
    at = run_page("app.py", {"attr": "claimed"})
    at.switch_page("pages/1_Incidents.py")
    at.query_params.clear()
    at.run()
    assert not at.exception
    assert at.multiselect(key="ia_attr").value == ["claimed"]
    assert sorted(at.dataframe[0].value["id"]) == ["inc-t2", "inc-t3", "inc-t4"]


def test_gazetteer_try_a_name_shows_match_score_method_and_candidates(run_page):
    at = run_page("pages/2_Gazetteer.py")
    assert not at.exception
    assert "; no team-added sites (editors add" in at.caption[0].value  # not "0 team-added site(s)"
    sites_table = at.dataframe[0].value
    assert len(sites_table) > 10 and "ain-al-asad" in set(sites_table["id"])
    at.text_input(key="ia_try_name").input("Ayn al Asad").run()
    result = at.success[0].value
    assert "Ain al" in result and "score" in result and "method" in result
    candidates = at.dataframe[0].value
    assert list(candidates.columns[:6]) == ["site", "id", "kind", "country", "score", "method"]
    assert candidates["id"].iloc[0] == "ain-al-asad"


def test_gazetteer_unknown_name_and_search(run_page):
    at = run_page("pages/2_Gazetteer.py")
    at.text_input(key="ia_try_name").input("Qqqzzxx").run()
    assert "No site matches" in at.warning[0].value
    at.text_input(key="ia_site_search").input("erbil").run()
    found = at.dataframe[-1].value
    assert len(found) >= 1 and all("erbil" in " ".join(map(str, row)).lower() for row in found.itertuples())


REGIONAL = {
    "muwaffaq-salti-air-base": "Muwaffaq Salti Air Base", "ali-al-salem-air-base": "Ali Al Salem Air Base",
    "camp-arifjan": "Camp Arifjan", "prince-sultan-air-base": "Prince Sultan Air Base",
    "nsa-bahrain": "Naval Support Activity Bahrain", "sulaymaniyah-airport": "Sulaymaniyah International Airport",
}  # fmt: skip


def fitted_bounds(sites_map) -> list:
    """The bounds the Gazetteer's map fits (ui.maplayers.FitBounds), read from its script."""
    script = json.loads(sites_map.proto.json_args)["script"]
    start = script.index("L.latLngBounds(") + len("L.latLngBounds(")
    return json.loads(script[start : script.index("]]", start) + 2])


def test_gazetteer_page_lists_maps_and_finds_the_regional_sites(run_page):
    at = run_page("pages/2_Gazetteer.py")
    assert not at.exception
    assert set(REGIONAL) <= set(at.dataframe[0].value["id"])
    (sites_map,) = at.get("component_instance")
    script = sites_map.proto.json_args
    assert all(name in script for name in REGIONAL.values())  # every site is drawn, Gulf and Jordan included
    # It opens on the listed sites: the bounds of all of them, Gulf and Jordan included.
    sites = at.dataframe[0].value
    assert fitted_bounds(sites_map) == [[sites["lat"].min(), sites["lon"].min()], [sites["lat"].max(), sites["lon"].max()]]
    at.text_input(key="ia_site_search").input("erbil").run()  # a search: the map fits what it found
    found = at.dataframe[-1].value
    assert fitted_bounds(at.get("component_instance")[0]) == [
        [found["lat"].min(), found["lon"].min()], [found["lat"].max(), found["lon"].max()]
    ]  # fmt: skip
    at.text_input(key="ia_try_name").input("Muwaffaq al-Salti airbase").run()
    assert "Muwaffaq Salti Air Base" in at.success[0].value
    assert at.dataframe[0].value["id"].iloc[0] == "muwaffaq-salti-air-base"


def test_about_page_explains_every_field_and_precision_code(run_page):
    at = run_page("pages/9_About.py")
    assert not at.exception
    fields, precision = at.table[0].value, at.table[1].value
    assert list(fields.index) == list(FIELDS)
    assert fields["meaning"].str.len().min() > 10
    assert list(precision.index) == list(GEO_PRECISIONS)


QARAQOSH = {"id": "qaraqosh", "name": "Qaraqosh", "aliases": "Bakhdida", "kind": "town", "country": "IQ",
            "admin1": "Nineveh", "lat": 36.2696, "lon": 43.3767, "precision_m": 2000}  # fmt: skip


def add_qaraqosh(store) -> None:
    from geo.places.gazetteer import load_default
    from geo.places.teamsites import add_site

    add_site(store, QARAQOSH, user="alice", curated=load_default(team=False).curated_sites)


def test_gazetteer_page_marks_team_sites_in_the_table_and_on_the_map(open_page, store):
    from geo.places.gazetteer import load_default

    curated = load_default(team=False).curated_sites
    add_qaraqosh(store)

    at = open_page("pages/2_Gazetteer.py")  # viewers see team sites too: no sign-in
    table = at.dataframe[-1].value
    team = table[table["layer"] == "team"]
    assert list(team["id"]) == ["qaraqosh"] and list(team["added_by"]) == ["alice"]
    assert table["id"].iloc[0] == "qaraqosh"  # listed first: what curators still have to review
    assert set(table[table["id"] != "qaraqosh"]["layer"]) == {"curated"}
    assert len(table) == len(curated) + 1
    assert "; 1 team-added site (editors add" in at.caption[0].value  # not "1 team-added site(s)"
    assert any("team-added sites in orange" in c.value for c in at.caption)

    # The map draws them as a layer of their own, in their own colour, labelled as team-added.
    (sites_map,) = at.get("component_instance")
    script = sites_map.proto.json_args
    assert "team-added by alice" in script and "#e69f00" in script

    at.text_input(key="ia_try_name").input("Bakhdida").run()
    assert "Qaraqosh" in at.success[0].value
    candidates = at.dataframe[0].value
    assert list(candidates[["id", "layer"]].iloc[0]) == ["qaraqosh", "team"]

    at.text_input(key="ia_site_search").input("team").run()
    assert list(at.dataframe[-1].value["id"]) == ["qaraqosh"]


def test_a_viewer_cannot_remove_a_team_site(open_page, store):
    add_qaraqosh(store)
    at = open_page("pages/2_Gazetteer.py")
    assert [e.label for e in at.expander] == ["Remove a team site"]
    assert not [b for b in at.button if b.key == "ia_site_remove"]
    assert any("once signed in" in c.value for c in at.caption)


def test_an_editor_removes_a_team_site_after_confirming_and_it_is_audited(open_page, store):
    from geo.places.teamsites import list_sites

    add_qaraqosh(store)
    at = open_page("pages/2_Gazetteer.py", editor="alice")
    assert at.button(key="ia_site_remove").disabled  # nothing goes without the confirmation
    assert at.selectbox(key="ia_site_remove_id").value == "qaraqosh"
    at.checkbox(key="ia_site_remove_sure").check().run()
    at.button(key="ia_site_remove").click().run()
    assert not at.exception, at.exception

    assert list_sites(store) == ()
    assert any(s.value.startswith("Removed team site Qaraqosh") for s in at.success)  # (Markdown-escaped)
    assert "qaraqosh" not in set(at.dataframe[-1].value["id"])
    assert not at.expander  # no team site left to remove
    (entry,) = [e for e in store.audit(limit=10) if e["action"] == "site-remove"]
    assert entry["user"] == "alice" and entry["after"] is None


def test_no_removal_control_without_team_sites(open_page):
    at = open_page("pages/2_Gazetteer.py", editor="alice")
    assert not at.expander


def test_gazetteer_try_a_name_shows_where_how_precisely_and_rings_the_match_on_the_map(run_page):
    """Green Village has no published position: the page says so, names the site it shares
    its point with, and the map centres on it with a ring."""
    at = run_page("pages/2_Gazetteer.py")
    (sites_map,) = at.get("component_instance")
    assert json.loads(sites_map.proto.json_args).get("center") is None
    at.text_input(key="ia_try_name").input("Green Village").run()
    assert not at.exception
    text = at.success[0].value
    assert "35.1517, 40.5758" in text and "±10\u00a0km" in text
    assert "Same point as:** Al\\-Omar oil field \\(al\\-omar\\-oil\\-field\\)" in text
    assert "Note:** UNVERIFIED" in text
    (sites_map,) = at.get("component_instance")
    args = json.loads(sites_map.proto.json_args)
    assert args["center"] == [35.1517, 40.5758] and args["zoom"] == 10
    assert "Green Village (green-village)" in args["feature_group"]


def test_precision_text_reads_like_a_distance():
    from ui.sites import precision_text

    got = [precision_text(m) for m in (500, 1500, 10000, None, 0)]
    assert got == ["±500\u00a0m", "±1.5\u00a0km", "±10\u00a0km", "unknown", "unknown"]


@pytest.mark.parametrize("page", ["app.py", "pages/2_Gazetteer.py"])
def test_team_sites_are_labelled_on_the_offline_map_like_curated_ones(open_page, store, page):
    from tests.ui.test_mapview import component_args

    def labels(at) -> str:
        if page == "app.py":
            return component_args(at)["script"]
        (component,) = [e for e in at.main if e.type == "component_instance"]
        return json.loads(component.proto.json_args)["script"]

    label = re.compile(r'\[36\.2696,43\.3767,"Qaraqosh",\d+,\d\]')  # a row of the place-label layer
    before = labels(open_page(page))
    assert '"Ain al-Asad Air Base"' in before and not label.search(before)
    add_qaraqosh(store)
    assert label.search(labels(open_page(page)))  # the next run on the same server draws its label


def test_incidents_table_sizes_type_and_place_from_their_longest_value(run_page):
    """The grid sized a column from its first rows: at 1440 px "Rocket-propelled gren…" and
    "Iraq–Syria border (eastern Syria and w…" further down were cut."""
    at = run_page("pages/1_Incidents.py")
    assert not at.exception
    table = at.dataframe[0].value
    widths = {name: cfg.get("width") for name, cfg in json.loads(at.dataframe[0].proto.columns).items()}
    for name in ("type", "location", "attributed_by"):  # "Attributed by" was cut at 1280 px too
        longest = table[name].astype(str).str.len().max()
        assert isinstance(widths[name], int) and widths[name] >= 6 * longest + 16, (name, widths[name], longest)
