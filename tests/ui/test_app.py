"""The map page (app.py) under Streamlit's AppTest, on the seeded store of tests/ui/seed.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from tests.ui.conftest import ROOT
from tests.ui.seed import INCIDENTS, TEMPLATE_TEXT, XSS_ID, XSS_IMG, XSS_SCRIPT


_FIGURE = re.compile(r"\*\*([\d,]+)\*\*( of [\d,]+)? (\w+)(?: :gray\[(.+?)\])?")


def metrics(at) -> dict[str, tuple[str, str | None]]:
    """Headline figures by label, read off the one-line headline: (value, "of N" or "+N unknown")."""
    line = next(m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value)
    found = {}
    for value, of_total, label, note in _FIGURE.findall(line):
        label = "Incidents" if label.startswith("incident") else label.capitalize()
        found[label] = (value, (of_total.strip() or note) or None)
    return found


def qp(at) -> dict[str, list[str]]:
    """The page's query parameters after the run, every value as a list."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def plain(markdown: str) -> str:
    """Markdown with backslash escapes removed: the text a reader sees."""
    return re.sub(r"\\(.)", r"\1", markdown)


def all_markdown(at) -> list:
    return [*at.markdown, *at.caption, *at.warning, *at.info, *at.success, *at.subheader, *at.title]


def test_map_page_renders_all_incidents(run_page):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "Incident Atlas"
    m = metrics(at)
    assert m["Incidents"] == ("8", None)
    # Munitions: 5+2+1+3+4 known, incidents 3, 7 and 8 unknown.
    assert m["Munitions"] == ("15", "+3 unknown")
    assert m["Killed"] == ("4", "+4 unknown")
    assert m["Injured"] == ("30", "+3 unknown")
    # The map component is on the page (AppTest cannot render it, but it is declared).
    assert any(e.type == "component_instance" for e in at.main)
    assert not at.warning  # a clean link gives no notice


def test_filters_change_headline_counts_and_url(run_page):
    at = run_page()
    at.multiselect(key="ia_type").select("rocket").run()
    m = metrics(at)
    assert m["Incidents"] == ("3", "of 8")
    assert m["Munitions"] == ("9", "+1 unknown")
    assert m["Killed"] == ("1", None)
    assert qp(at)["type"] == ["rocket"]

    at.radio(key="ia_icpt").set_value("Only intercepted").run()
    assert metrics(at)["Incidents"] == ("0", "of 8")
    assert qp(at)["icpt"] == ["1"]

    at.radio(key="ia_icpt").set_value("Any").run()
    at.multiselect(key="ia_type").unselect("rocket").run()
    at.text_input(key="ia_q").input("number 4").run()
    assert metrics(at)["Incidents"] == ("1", "of 8")
    assert qp(at)["q"] == ["number 4"]


def test_date_preset_counts_back_from_reference_today(run_page):
    at = run_page()
    at.selectbox(key="ia_period").select("Last 30 days").run()
    # GEO_TODAY=2024-03-31: 2024-03-02 .. 2024-03-31 holds incidents 5 and 6.
    assert metrics(at)["Incidents"] == ("2", "of 8")
    assert qp(at)["from"] == ["2024-03-02"]
    assert qp(at)["to"] == ["2024-03-31"]


def test_link_restores_the_whole_view(run_page):
    params = {
        "from": "2024-01-01",
        "to": "2024-02-29",
        "actor": ["Islamic Resistance in Iraq"],
        "country": "SY",
        "lat": "35.1000",
        "lon": "40.2000",
        "z": "8",
        "sel": "inc-t3",
    }
    at = run_page(params=params)
    assert not at.exception and not at.warning
    assert at.selectbox(key="ia_period").value == "Custom range"
    assert at.date_input(key="ia_from").value == dt.date(2024, 1, 1)
    assert at.date_input(key="ia_to").value == dt.date(2024, 2, 29)
    assert at.multiselect(key="ia_actor").value == ["Islamic Resistance in Iraq"]
    assert at.multiselect(key="ia_country").value == ["SY"]
    assert metrics(at)["Incidents"] == ("2", "of 8")  # incidents 3 and 4
    # The details panel shows the selected incident, and the URL keeps every part of the view.
    assert any("2024-02-02" in plain(md.value) for md in at.markdown)
    assert any("Place 3" in plain(md.value) for md in at.markdown)
    assert qp(at) == {key: value if isinstance(value, list) else [value] for key, value in params.items()}


def test_preset_link_shows_the_preset(run_page):
    at = run_page(params={"from": "2024-03-02", "to": "2024-03-31"})
    assert at.selectbox(key="ia_period").value == "Last 30 days"


def _opening_view_params() -> dict[str, list[str]]:
    from geo.view.viewstate import DEFAULT_CENTER, DEFAULT_ZOOM

    return {"lat": [f"{DEFAULT_CENTER[0]:.4f}"], "lon": [f"{DEFAULT_CENTER[1]:.4f}"], "z": [str(DEFAULT_ZOOM)]}


def test_bad_parameters_are_dropped_with_a_visible_notice(run_page):
    at = run_page(
        params={
            "from": "yesterday",
            "z": "0",
            "lat": "999",
            "lon": "1",
            "actor": "Nobody At All",
            "type": "rocket",
            "icpt": "maybe",
            "sel": "inc-does-not-exist",
        }
    )
    assert not at.exception
    assert len(at.warning) == 1
    notice = at.warning[0].value
    for key in ("from", "z", "lat", "actor", "icpt", "sel"):
        assert f"Ignored link parameter {key}" in notice.replace("\\", "")
    # The good part of the link still applies, and the URL is rewritten without the bad parts.
    assert metrics(at)["Incidents"] == ("3", "of 8")
    # The map's opening view (the region, as no valid lat/lon/z was given) is part of the view.
    assert qp(at) == {"type": ["rocket"], **_opening_view_params()}


def test_a_bad_latitude_alone_is_shown_as_typed_without_a_stray_comma(run_page):
    at = run_page(params={"lat": "999"})
    assert not at.exception
    notice = at.warning[0].value.replace("\\", "")
    assert "Ignored link parameter lat='999': not a latitude" in notice
    assert "999," not in notice and "lat/lon" not in notice


def test_markup_in_a_selected_link_id_is_refused(run_page):
    at = run_page(params={"sel": XSS_SCRIPT})
    assert not at.exception
    assert "sel" in at.warning[0].value
    assert "sel" not in at.query_params


def test_report_text_is_shown_escaped_never_as_html(run_page):
    at = run_page(params={"sel": XSS_ID})
    assert not at.exception
    # The summary is plain text (st.text): it appears literally.
    assert any(t.value == f"Summary with {XSS_SCRIPT} and {XSS_IMG} inside. {TEMPLATE_TEXT}" for t in at.text)
    # Markdown never carries the markup unescaped, and none of it allows HTML.
    texts = all_markdown(at)
    assert texts
    for element in texts:
        assert not getattr(element.proto, "allow_html", False), element.value
        # Every "<" is backslash-escaped, so Markdown shows it instead of opening a tag.
        assert not re.search(r"(?<!\\)<", element.value), element.value
    joined = " ".join(plain(e.value) for e in texts)
    assert f"**Target:** {XSS_SCRIPT}" in joined  # shown literally
    assert f"Hostile place {XSS_IMG}" in joined
    assert "](javascript:" not in " ".join(e.value for e in texts)  # no javascript: link


def test_permalink_and_view_link(run_page):
    at = run_page(params={"type": "drone", "sel": "inc-t2"})
    assert not at.code  # a code block would pull in a 1.5 MB syntax highlighter
    boxes = " ".join(h.proto.body for h in at.get("html"))
    assert 'value="/?sel=inc-t2"' in boxes  # the incident's permalink: no filters, so it always shows
    # The whole view, with the map's opening view: zoomed in on the incident.
    assert re.search(r'value="/\?type=drone&amp;lat=[\d.]+&amp;lon=[\d.]+&amp;z=9&amp;sel=inc-t2"', boxes)


def test_clear_selection_removes_it_from_the_url(run_page):
    at = run_page(params={"sel": "inc-t1"})
    assert qp(at)["sel"] == ["inc-t1"]
    at.button(key="ia_clear_sel").click().run()
    assert "sel" not in at.query_params
    assert any("Click a marker" in i.value for i in at.info)


def test_downloads_are_links_to_files_named_after_the_view(run_page):
    at = run_page(params={"type": "rocket", "from": "2022-01-01"})
    links = download_links(at)
    assert [name for name, _ in links] == [
        "incidents_from_2022-01-01_rocket.geojson", "incidents_from_2022-01-01_rocket.csv",
    ]  # fmt: skip
    geojson = json.loads(links[0][1].read_text(encoding="utf-8"))
    shown = sorted(i.id for i in INCIDENTS if i.event_type == "rocket" and i.date >= dt.date(2022, 1, 1))
    assert sorted(f["properties"]["id"] for f in geojson["features"]) == shown
    assert links[1][1].read_text(encoding="utf-8").count("\n") == len(shown) + 1


def test_larger_sets_are_written_when_asked_and_the_largest_get_the_command(run_page, monkeypatch, tmp_path):
    from ui import downloads

    monkeypatch.setattr(downloads, "EXPORT_DIR", tmp_path)  # no file of another test's view
    monkeypatch.setattr(downloads, "INLINE_ROWS", 2)
    at = run_page(params={"type": "drone"})
    assert download_links(at) == []
    at.button(key="ia_export_prepare").click().run()
    assert [name for name, path in download_links(at) if path.is_file()] == [
        "incidents_all-dates_drone.geojson", "incidents_all-dates_drone.csv",
    ]  # fmt: skip
    monkeypatch.setattr(downloads, "MAX_ROWS", 2)
    at = run_page(params={"type": "drone", "to": "2030-12-31"})
    assert download_links(at) == []
    command = [t.value for t in at.sidebar.text if t.value.startswith("python -m geo export")]
    assert command == ["python -m geo export --format geojson --to 2030-12-31 --type drone"
                       " --output incidents_to_2030-12-31_drone.geojson"]  # fmt: skip


def test_sessions_asking_for_the_same_files_at_once_all_get_the_links(run_page, monkeypatch, tmp_path):
    """Three viewers click "Prepare the files" on the same view at once: one writes each file
    (the others wait for it), and every page then shows both links."""
    import threading
    import time

    from ui import downloads

    monkeypatch.setattr(downloads, "EXPORT_DIR", tmp_path)
    monkeypatch.setattr(downloads, "INLINE_ROWS", 2)
    written, real_write = [], downloads._write

    def slow_write(dataset, positions, download):
        written.append(download.fmt)
        time.sleep(0.5)  # long enough for the other sessions to ask while it writes
        real_write(dataset, positions, download)

    monkeypatch.setattr(downloads, "_write", slow_write)
    pages = [run_page(params={"type": "drone"}) for _ in range(3)]
    assert all(download_links(at) == [] for at in pages)
    for at in pages:
        at.button(key="ia_export_prepare").click()
    threads = [threading.Thread(target=at.run) for at in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert written == ["geojson", "csv"]
    for at in pages:
        assert not at.exception
        assert [name for name, path in download_links(at) if path.is_file()] == [
            "incidents_all-dates_drone.geojson", "incidents_all-dates_drone.csv",
        ]  # fmt: skip


def test_a_file_larger_than_streamlit_serves_gets_the_command_not_a_link(run_page, monkeypatch, tmp_path):
    """The cap is the written file's size (Streamlit answers 404 past 200 MiB), not only the count."""
    from ui import downloads

    monkeypatch.setattr(downloads, "EXPORT_DIR", tmp_path)
    at = run_page(params={"type": "drone"})
    sizes = {name: path.stat().st_size for name, path in download_links(at)}
    geojson, csv_size = sizes["incidents_all-dates_drone.geojson"], sizes["incidents_all-dates_drone.csv"]
    assert csv_size < geojson
    monkeypatch.setattr(downloads, "MAX_FILE_BYTES", (csv_size + geojson) // 2)
    at = run_page(params={"type": "drone"})
    assert [name for name, _ in download_links(at)] == ["incidents_all-dates_drone.csv"]
    assert any("GeoJSON file" in c.value and "larger than the page serves" in c.value for c in at.sidebar.caption)
    assert [t.value for t in at.sidebar.text if t.value.startswith("python -m geo export")] == [
        "python -m geo export --format geojson --type drone --output incidents_all-dates_drone.geojson"
    ]


def test_csv_download_neutralises_formula_cells(store):
    """The dashboard's CSV goes through the same writer as the command line (OWASP CSV injection)."""
    from streamlit.testing.v1 import AppTest

    formula = INCIDENTS[0].with_changes(id="inc-formula", summary="=HYPERLINK(\"http://x\")", target="@SUM(A1)")
    store.upsert_many([formula], user="test")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["q"] = "hyperlink"
    at.run()
    name, path = download_links(at)[1]
    (row,) = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    assert name.endswith("_matching-hyperlink.csv")
    assert row["summary"] == "'" + formula.summary and row["target"] == "'@SUM(A1)"
    geojson = json.loads(download_links(at)[0][1].read_text(encoding="utf-8"))
    assert geojson["features"][0]["properties"]["summary"] == formula.summary  # GeoJSON: the exact text


@pytest.mark.parametrize("incident", INCIDENTS[:3], ids=lambda i: i.id)
def test_each_seeded_incident_can_be_selected(run_page, incident):
    at = run_page(params={"sel": incident.id})
    assert not at.exception and not at.warning
    assert at.button(key="ia_clear_sel")


def test_few_incidents_reach_the_map_as_markers_in_one_layer(run_page):
    """With few incidents the layer holds each of them (no server-side bins) and does not follow the view."""

    at = run_page()
    component = at.get("component_instance")[0]
    layer = json.loads(component.proto.json_args)["feature_group"]
    assert '"bins":' not in layer
    for incident in INCIDENTS:
        assert f'"i":"{incident.id}"' in layer
    # A map move (the component's report) sends the very same layer: nothing for the browser to redraw.
    at.session_state["ia_map"] = {"center": {"lat": 36.0, "lng": 43.0}, "zoom": 9,
                                  "bounds": {"_southWest": {"lat": 35.5, "lng": 42.0},
                                             "_northEast": {"lat": 36.5, "lng": 44.0}}}  # fmt: skip
    at.session_state["_ia_map_serial"] = at.session_state["_ia_loaded"].serial
    at.run()
    assert json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"] == layer


def download_links(at) -> list[tuple[str, Path]]:
    """(file name, file on disk) of each download link the sidebar shows."""
    from ui.downloads import EXPORT_DIR, URL_PREFIX

    html = "".join(e.proto.body for e in at.sidebar.get("html") if "ia-downloads" in e.proto.body)
    found = re.findall(r'href="([^"]+)" download="([^"]+)"', html)
    return [(name, EXPORT_DIR / href.removeprefix(URL_PREFIX + "/")) for href, name in found]


def test_a_server_that_cannot_write_the_files_gives_the_command(run_page, monkeypatch, tmp_path):
    from ui import downloads

    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setattr(downloads, "EXPORT_DIR", blocked / "exports")  # cannot be created
    at = run_page(params={"type": "drone"})
    assert not at.exception
    assert any("could not be written" in w.value for w in at.sidebar.warning)
    assert [t.value for t in at.sidebar.text if t.value.startswith("python -m geo export --format geojson --type drone")]
