"""The Import page under AppTest: dry-run plan, all-or-nothing import with progress, bad files refused.

Signed in as editor alice, on a store of the test's own holding the 8 seed
incidents. The files are small fixtures in ``tests/ui/data``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.storage.store import Store
from tests.ui.seed import INCIDENTS
from ui import importing

PAGE = "pages/4_Import.py"
DATA = Path(__file__).parent / "data"
SEEDED = len(INCIDENTS)


@pytest.fixture
def import_page(open_page):
    return lambda: open_page(PAGE, editor="alice")


def upload(at, name: str, data: bytes | None = None, mime: str = "text/csv"):
    """Give the uploader a fixture file (or ``data`` under that name) and run the page."""
    content = (DATA / name).read_bytes() if data is None else data
    at = at.get("file_uploader")[0].set_value((name, content, mime)).run()
    assert not at.exception, at.exception
    return at


def import_button(at):
    return next((b for b in at.button if b.key == "ia_import_go"), None)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]  # without Markdown escapes


def test_a_csv_file_is_planned_then_imported_with_progress_and_a_reimport_changes_nothing(
    import_page, store, monkeypatch
):
    calls = []
    upsert = Store.upsert_many

    def recording(self, incidents, **kwargs):  # the real import, with its progress reports noted
        progress = kwargs["progress"]
        kwargs["progress"] = lambda done, total: (calls.append((done, total)), progress(done, total))
        return upsert(self, incidents, **kwargs)

    monkeypatch.setattr(Store, "upsert_many", recording)
    at = upload(import_page(), "import_ok.csv")
    assert any("Incident Atlas CSV · 3 incidents" in t for t in texts(at.markdown))
    assert metrics(at) == {"Would add": "3", "Would change": "0", "Unchanged": "0"}
    plan = at.dataframe[0].value
    assert list(plan["change"]) == ["add"] * 3 and list(plan["id"]) == ["imp-1", "imp-2", "imp-3"]
    assert "<b>reported</b>" in plan["summary"].iloc[2]  # a cell of text, not markup
    assert store.count() == SEEDED  # the plan wrote nothing

    at = import_button(at).click().run()
    assert not at.exception
    assert texts(at.success) == ["Imported import_ok.csv: 3 added, 0 updated, 0 unchanged."]
    assert calls == [(3, 3)]
    assert store.count() == SEEDED + 3
    assert store.get("imp-2").actor == "Islamic Resistance in Iraq"
    assert {e["user"] for e in store.audit("imp-1")} == {"alice"}
    # The same file again (a new upload): every incident is already stored as it is.
    version = store.version()
    at = upload(at, "import_ok.csv")
    assert metrics(at) == {"Would add": "0", "Would change": "0", "Unchanged": "3"}
    assert import_button(at) is None
    assert texts(at.info)[-1].startswith("Nothing to import")
    assert store.version() == version


def test_a_changed_file_lists_the_changed_fields(import_page, store):
    at = upload(import_page(), "import_ok.csv")
    import_button(at).click().run()
    changed = (DATA / "import_ok.csv").read_text().replace("imp-1,2024-01-10,day,", "imp-1,2024-01-10,week,")
    at = upload(at, "import_ok_v2.csv", changed.encode())
    assert metrics(at) == {"Would add": "0", "Would change": "1", "Unchanged": "2"}
    plan = at.dataframe[0].value
    assert plan.loc[plan["id"] == "imp-1", ["change", "fields"]].values.tolist() == [["change", "date_precision"]]
    at = import_button(at).click().run()
    assert texts(at.success) == ["Imported import_ok_v2.csv: 0 added, 1 updated, 2 unchanged."]
    assert store.get("imp-1").date_precision == "week" and store.get_version("imp-1") == 2


@pytest.mark.parametrize(
    "name, mime, fmt, ids",
    [
        ("import_acled.csv", "text/csv", "ACLED export (CSV)", ["acled:IRQ77001", "acled:SYR77002"]),
        ("import.geojson", "application/geo+json", "GeoJSON", ["gj-fix-1", "gj-fix-2"]),
    ],
)
def test_acled_and_geojson_files_are_detected_and_imported(import_page, store, name, mime, fmt, ids):
    at = upload(import_page(), name, mime=mime)
    assert any(f"{fmt} · 2 incidents" in t for t in texts(at.markdown))
    at = import_button(at).click().run()
    assert texts(at.success) == [f"Imported {name}: 2 added, 0 updated, 0 unchanged."]
    assert [store.get(i).id for i in ids] == ids


def test_a_file_with_bad_rows_lists_every_one_and_imports_nothing(import_page, store):
    version = store.version()
    at = upload(import_page(), "import_bad.csv")
    assert texts(at.error) == [
        (
            "4 problems in 3 rows of import_bad.csv: nothing was imported. Fix every row listed below and "
            "upload the file again, or tick Skip invalid rows."
        )
    ]
    problems = at.dataframe[0].value
    assert list(zip(problems["row"], problems["field"])) == [(3, "lat"), (4, "date"), (5, "country"), (5, "event_type")]
    assert "'north' is not a number" in problems["reason"].iloc[0]
    assert import_button(at) is None and not at.metric
    assert store.version() == version and store.count() == SEEDED


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"PK\x03\x04" + b"\x00" * 64 + b"xl/workbook.xml", "this is a binary file"),
        (b"date;lieu\n2024-01-01;Erbil\n", "unrecognised format"),
        ("id,date,lat,lon,country,event_type\nx,2024-01-01,1,2,IQ,rocket\n".encode("utf-16"), "binary"),
    ],
)
def test_unusable_files_get_a_clear_error(import_page, store, data, message):
    at = upload(import_page(), "upload.csv", data)
    (error,) = texts(at.error)
    assert message in error
    assert import_button(at) is None and store.count() == SEEDED


def test_an_unrecognised_file_points_to_the_pages_format_box_not_only_to_a_command_line_flag(import_page, store):
    at = upload(import_page(), "upload.csv", b"date;lieu\n2024-01-01;Erbil\n")
    (error,) = texts(at.error)
    assert "Format on the Import page" in error and at.selectbox[0].label == "Format"


def test_a_file_over_the_size_limit_is_refused_before_reading(import_page, store, monkeypatch):
    monkeypatch.setattr(importing, "UPLOAD_LIMIT_BYTES", 100)
    at = upload(import_page(), "import_ok.csv")
    (error,) = texts(at.error)
    assert "is over the 100-byte upload limit" in error
    assert import_button(at) is None and store.count() == SEEDED


def test_the_uploader_states_its_limit_and_types(import_page):
    (uploader,) = import_page().get("file_uploader")
    assert uploader.label == "File to import (up to 50 MB)"
    # The browser's "Limit ... per file" line reads this, not Streamlit's default 200 MB.
    assert uploader.proto.max_upload_size_mb == 50
    assert sorted(uploader.allowed_type) == [".csv", ".geojson", ".json"]


def test_the_servers_upload_limit_is_the_largest_real_one_not_streamlits_200_mb():
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == importing.UPLOAD_LIMIT_BYTES // (1024 * 1024) == 50


def test_skip_invalid_rows_imports_the_valid_ones_and_offers_the_refused_ones(import_page, store):
    at = import_page()
    at = at.checkbox(key="ia_import_skip").check().run()
    at = upload(at, "import_bad.csv")
    (warning,) = texts(at.warning)
    assert warning.startswith("3 rows of import_bad.csv are refused")
    problems = at.dataframe[0].value
    assert list(zip(problems["row"], problems["field"])) == [(3, "lat"), (4, "date"), (5, "country"), (5, "event_type")]
    (download,) = at.get("download_button")
    assert metrics(at) == {"Would add": "1", "Would change": "0", "Unchanged": "0"}
    at = import_button(at).click().run()
    assert not at.exception
    assert store.count() == SEEDED + 1 and store.get("bad-1").location == "Fine Place"


ONE_BAD = (
    b"id,date,lat,lon,country,event_type,location,summary\n"
    b"one-1,2024-01-10,33.1,43.1,IQ,rocket,Fine Place,Fine.\n"
    b"one-2,2024-01-11,north,43.2,IQ,rocket,Bad Latitude,The latitude is a word.\n"
)


def test_one_bad_row_reads_as_english(import_page, store):
    """Counts of one read "1 problem in 1 row", "1 row ... is refused": never "problem(s)" or "row(s)"."""
    (error,) = texts(upload(import_page(), "one.csv", ONE_BAD).error)
    assert error.startswith("1 problem in 1 row of one.csv: nothing was imported.")
    at = import_page()
    at = upload(at.checkbox(key="ia_import_skip").check().run(), "one.csv", ONE_BAD)
    (warning,) = texts(at.warning)
    assert warning.startswith("1 row of one.csv is refused and will not be imported;")
    assert "(s)" not in error + warning


def test_a_junk_file_shows_the_first_problems_and_a_count_not_a_giant_table(import_page, store):
    junk = b"id,date,lat,lon,country,event_type\n" + b"x\n" * 50_000
    at = upload(import_page(), "junk.csv", junk)
    (error,) = texts(at.error)
    assert error.startswith("50,000 problems in 1,000 or more rows of junk.csv")
    assert len(at.dataframe[0].value) == importing.PROBLEM_ROWS
    assert any("first 200 of 50,000 problems" in c for c in texts(at.caption))
    assert store.count() == SEEDED
