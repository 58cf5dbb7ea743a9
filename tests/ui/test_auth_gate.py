"""No viewer reaches a write path: the Incidents, Import and Ingest pages under AppTest, signed out and in.

A viewer must get no write widget at all, not a hidden or disabled one: the
tests list every widget key and label the page created. The fixtures here
(a seeded store per test, a page opened with an editor configured, signing in
through the form) live in ``conftest.py``, shared with the editing and import tests.
"""

from __future__ import annotations

from tests.ui.seed import INCIDENTS, PASSWORD
from ui.state import KEYS

INCIDENTS_PAGE, IMPORT_PAGE, INGEST_PAGE = "pages/1_Incidents.py", "pages/4_Import.py", "pages/3_Ingest.py"
# Every kind of widget a page could write through.
_WIDGETS = ("button", "checkbox", "date_input", "file_uploader", "multiselect", "number_input", "radio",
            "select_slider", "selectbox", "slider", "text_area", "text_input", "time_input")  # fmt: skip
_SIGN_IN = {"atlas_sign_in_user", "atlas_sign_in_password", "FormSubmitter:atlas_sign_in-Sign in"}
_READ_ONLY = _SIGN_IN | set(KEYS.values())  # the filter sidebar


def sign_in(at, user: str = "alice", password: str = PASSWORD):
    """Sign in through the page's form, as a person would."""
    at.text_input(key="atlas_sign_in_user").input(user)
    at.text_input(key="atlas_sign_in_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception, at.exception
    return at


def widget_keys(at) -> set[str]:
    """Key (or, for unkeyed widgets, label) of every widget the page created."""
    return {w.key or f"label:{w.label}" for kind in _WIDGETS for w in at.get(kind)}


def write_widgets(at) -> set[str]:
    """The widgets that are neither the sign-in form nor the read-only filters (links and
    downloads are not widgets that change anything and are not listed)."""
    return widget_keys(at) - _READ_ONLY


# --- viewers ------------------------------------------------------------------------------------


def test_a_viewer_sees_the_table_and_a_sign_in_prompt_but_no_edit_widget(open_page):
    at = open_page(INCIDENTS_PAGE, params={"sel": "inc-t3"})
    assert len(at.dataframe[0].value) == len(INCIDENTS)
    assert [t.label for t in at.tabs] == ["Table", "Edit"]
    assert "Sign in to edit" in [e.label for e in at.expander]
    assert write_widgets(at) == set()
    # The page still did everything a viewer needs before the gate stopped it.
    assert at.query_params["sel"] == "inc-t3" and [b.label for b in at.get("download_button")] == ["GeoJSON", "CSV"]


def test_a_viewer_gets_only_the_sign_in_form_on_the_import_page(open_page):
    at = open_page(IMPORT_PAGE)
    assert not at.get("file_uploader")
    assert widget_keys(at) == _SIGN_IN
    assert "to import incidents you need an editor sign-in" in at.info[0].value


def test_a_viewer_gets_only_the_sign_in_form_on_the_ingest_page(open_page):
    at = open_page(INGEST_PAGE)
    assert not at.get("file_uploader") and not at.text_area
    assert widget_keys(at) == _SIGN_IN


def test_a_wrong_password_opens_nothing(open_page):
    at = sign_in(open_page(IMPORT_PAGE), password="not the password at all")
    assert "Wrong editor name or password." in [e.value for e in at.error]
    assert not at.get("file_uploader")
    at = sign_in(open_page(INCIDENTS_PAGE), user="mallory")
    assert write_widgets(at) == set()


def test_without_configured_editors_nobody_can_sign_in(open_page):
    at = open_page(INCIDENTS_PAGE, secrets={"unrelated": {"x": "y"}})
    assert any("No editors are configured" in w.value for w in at.warning)
    assert write_widgets(at) == set() and not widget_keys(at) & _SIGN_IN  # not even a sign-in form


# --- editors ------------------------------------------------------------------------------------


def test_signing_in_on_the_incidents_page_opens_the_editor_on_the_linked_incident(open_page):
    at = sign_in(open_page(INCIDENTS_PAGE, params={"sel": "inc-t3"}))
    assert "Sign in to edit" not in [e.label for e in at.expander]
    assert at.selectbox(key="ia_edit_pick").value == "inc-t3"
    assert at.text_input(key="ia_edit_location").value == "Place 3"
    assert "Save changes" in [b.label for b in at.button]
    assert "Signed in as editor **alice**" in [c.value for c in at.sidebar.caption]


def test_signing_in_on_the_import_page_shows_the_uploader(open_page):
    at = sign_in(open_page(IMPORT_PAGE))
    (uploader,) = at.get("file_uploader")
    assert "50 MB" in uploader.label


def test_signing_in_on_the_ingest_page_shows_the_report_form(open_page):
    at = sign_in(open_page(INGEST_PAGE))
    assert at.text_area(key="ia_ingest_text") and at.get("file_uploader")


def test_signing_out_removes_the_write_widgets_again(open_page):
    at = open_page(INCIDENTS_PAGE, editor="alice", params={"sel": "inc-t1"})
    assert at.text_input(key="ia_edit_location").value == "Place 1"
    at.button(key="atlas_sign_out").click().run()
    assert not at.exception
    assert write_widgets(at) == set()
    assert "Sign in to edit" in [e.label for e in at.expander]
