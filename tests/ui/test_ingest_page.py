"""The Ingest page under AppTest: paste or upload a report, review, save, and refuse bad input.

Each test gets its own empty store (``GEO_DATABASE_URL`` in a temporary folder, the way
``tests/ui/seed.py`` builds one), so that saving here never changes what the other page tests
count in the shared seeded store. The report text is written for this test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.config import get_settings
from geo.store import Store
from tests.ui.seed import XSS_SCRIPT, store_env

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "3_Ingest.py")
KEY = "ia_ingest"
PUBLISHED = dt.date(2023, 5, 11)  # a Thursday

REPORT = (
    f"Three rockets struck the Ain al-Asad air base on Wednesday {XSS_SCRIPT}; nobody was hurt, according to "
    "a spokesman for the base.\n\n"
    "Hours later two drones were shot down near Erbil airport, Kurdish officials said."
)


@pytest.fixture
def store_settings(tmp_path, monkeypatch):
    """An empty store of this test's own, named through the environment as the app reads it."""
    for key, value in store_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    settings = get_settings()
    Store.open(settings, seed=False).dispose()
    return settings


def stored(settings) -> list:
    store = Store.open(settings, seed=False)
    try:
        return store.all()
    finally:
        store.dispose()


EDITOR = "test-editor"


def page():
    """The page as a signed-in editor sees it (the sign-in itself is tested in test_auth_gate)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["atlas_editor"] = EDITOR
    at.run()
    assert not at.exception
    return at


def submit(at, text: str = "", *, outlet: str = "Test Wire", url: str = "", upload=None):
    at.text_area(key=f"{KEY}_text").input(text)
    at.date_input(key=f"{KEY}_published").set_value(PUBLISHED)
    at.text_input(key=f"{KEY}_outlet").input(outlet)
    at.text_input(key=f"{KEY}_url").input(url)
    if upload is not None:
        at.get("file_uploader")[0].set_value(upload)
    next(b for b in at.button if b.label == "Extract incidents").click()
    at.run()
    assert not at.exception
    return at


def save(at):
    at.button(key=f"{KEY}_save").click()
    at.run()
    assert not at.exception
    return at


def evidence_html(at) -> list[str]:
    return [md.value for md in at.markdown if "<mark" in md.value]


def test_a_pasted_report_is_proposed_with_escaped_evidence_and_saved(store_settings):
    at = submit(page(), REPORT)
    assert not at.error
    assert at.subheader[0].value == "2 proposed incident(s)"
    html = evidence_html(at)
    assert len(html) == 2, [e.label for e in at.expander]
    joined = "\n".join(html)
    # The report's markup reaches the page as text: escaped, never as a live tag.
    assert "&lt;script&gt;" in joined and "<script>" not in joined
    assert "<mark" in joined and "Ain al-Asad" in joined
    labels = [e.label for e in at.expander]
    assert any("Ain al" in lab for lab in labels) and any("Erbil" in lab for lab in labels), labels

    save(at)
    assert at.success and "2 added" in at.success[0].value
    incidents = stored(store_settings)
    assert sorted(i.site_id for i in incidents) == ["ain-al-asad", "erbil-airport"]
    asad = next(i for i in incidents if i.site_id == "ain-al-asad")
    assert (asad.date, asad.event_type, asad.munitions, asad.killed, asad.injured) == (
        dt.date(2023, 5, 10),
        "rocket",
        3,
        0,
        0,
    )
    assert [s.outlet for s in asad.sources] == ["Test Wire"]


def test_the_same_report_again_adds_a_source_not_a_duplicate(store_settings):
    save(submit(page(), REPORT, outlet="Test Wire", url="https://example.org/wire/1"))
    assert len(stored(store_settings)) == 2

    # The same attacks told by another outlet: one more source on each, no new incident.
    at = save(submit(page(), REPORT, outlet="Other Paper", url="https://example.org/paper/7"))
    assert at.success and "0 added" in at.success[0].value and "2 updated" in at.success[0].value
    incidents = stored(store_settings)
    assert len(incidents) == 2
    assert all(sorted(s.outlet for s in i.sources) == ["Other Paper", "Test Wire"] for i in incidents)

    # And the very same report once more: nothing changes.
    at = save(submit(page(), REPORT, outlet="Other Paper", url="https://example.org/paper/7"))
    assert at.success and "0 added" in at.success[0].value
    assert len(stored(store_settings)) == 2
    assert all(len(i.sources) == 2 for i in stored(store_settings))


def test_empty_text_is_refused_and_nothing_is_stored(store_settings):
    at = submit(page(), "   \n  ")
    assert at.error and "empty" in at.error[0].value
    assert not at.subheader  # no review section
    assert not [b for b in at.button if b.key == f"{KEY}_save"]
    assert stored(store_settings) == []


def test_a_binary_upload_is_refused(store_settings):
    blob = b"PK\x03\x04" + b"\x00" * 64 + b"word/document.xml"
    at = submit(page(), "", upload=("report.txt", blob, "text/plain"))
    assert at.error and "binary" in at.error[0].value
    assert not at.subheader
    assert stored(store_settings) == []


def test_a_report_without_an_attack_says_so(store_settings):
    at = submit(page(), "The defence ministers met in Baghdad on Tuesday to discuss the coalition's future.")
    assert not at.error
    assert at.subheader[0].value == "0 proposed incident(s)"
    assert any("No attack with a place and a date" in c.value for c in at.caption)


def test_saved_incidents_are_audited_under_the_editor_who_saved_them(store_settings):
    save(submit(page(), REPORT))
    store = Store.open(store_settings, seed=False)
    try:
        users = {entry["user"] for entry in store.audit(limit=10)}
    finally:
        store.dispose()
    assert users == {EDITOR}


def test_a_viewer_gets_the_sign_in_prompt_and_no_report_box(store_settings):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert not at.text_area and not at.get("file_uploader")
    assert any("editor sign-in" in info.value for info in at.info)
