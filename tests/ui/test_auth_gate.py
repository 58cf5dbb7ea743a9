"""No viewer reaches a write path: the Incidents, Import and Ingest pages under AppTest, signed out and in.

A viewer must get no write widget at all, not a hidden or disabled one: the
tests list every widget key and label the page created. The fixtures here
(a seeded store per test, a page opened with an editor configured, signing in
through the form) live in ``conftest.py``, shared with the editing and import tests.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import ROOT
from tests.ui.test_app import download_links
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
    assert at.query_params["sel"] == "inc-t3" and len(download_links(at)) == 2


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


# --- editors through OIDC (st.login): st.user as AppTest fakes it ---------------------------------

ALICE, MALLORY = "alice@example.org", "mallory@example.org"
_OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-test-cookie-secret",
    "client_id": "atlas",
    "client_secret": "s3cret",
    "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
}
OIDC_SECRETS = {"auth": _OIDC, "editor_emails": {"allowed": [ALICE]}}
_OIDC_SIGN_OUT = "atlas_oidc_sign_out"


@pytest.fixture
def open_as(settings):
    """``open_as(path, user=None, secrets=OIDC_SECRETS)``: an AppTest of a page whose ``st.user`` is ``user``
    (claims as the identity cookie holds them; None: nobody signed in at the provider), run once."""
    from streamlit.testing.v1 import AppTest

    def open_(path: str, user: dict | None = None, secrets: dict = OIDC_SECRETS):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if "user" not in vars(at):
            pytest.skip("this Streamlit's AppTest cannot fake st.user")
        at.switch_page(path)
        at.secrets.update(secrets)
        at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, **user}
        at.run()
        assert not at.exception, at.exception
        return at

    return open_


def warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_a_viewer_gets_the_organisation_sign_in_button_and_nothing_else(open_as):
    at = open_as(IMPORT_PAGE)
    assert widget_keys(at) == {"atlas_oidc_default"}
    assert at.button(key="atlas_oidc_default").label == "Sign in with your organisation"
    assert not at.get("file_uploader") and not at.warning


@pytest.mark.parametrize("email", [ALICE, "Alice@Example.ORG"])
def test_an_allowed_address_signed_in_at_the_provider_is_an_editor(open_as, email):
    at = open_as(IMPORT_PAGE, {"email": email, "email_verified": True, "name": "Alice"})
    assert len(at.get("file_uploader")) == 1
    assert f"Signed in as editor **{ALICE}**" in [c.value for c in at.sidebar.caption]
    assert "atlas_oidc_default" not in widget_keys(at)


def test_an_oidc_editor_gets_the_incident_editor(open_as):
    at = open_as(INCIDENTS_PAGE, {"email": ALICE})
    assert "Sign in to edit" not in [e.label for e in at.expander]
    assert "ia_edit_pick" in widget_keys(at)  # the editor's incident picker


@pytest.mark.parametrize("path", [INCIDENTS_PAGE, IMPORT_PAGE, INGEST_PAGE])
def test_someone_signed_in_but_not_on_the_allow_list_is_told_so_and_gets_no_write_widget(open_as, path):
    at = open_as(path, {"email": MALLORY, "email_verified": True})
    assert write_widgets(at) == {_OIDC_SIGN_OUT}  # only the way out
    assert f"You are signed in as {MALLORY}, but that account is not an editor." in warnings(at)
    assert "atlas_oidc_default" not in widget_keys(at)  # not the same sign-in button again
    assert not [c for c in at.sidebar.caption if "Signed in as editor" in c.value]


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": ALICE, "email_verified": False}, f"has not verified the address {ALICE}"),
        ({"email": ALICE, "email_verified": "false"}, f"has not verified the address {ALICE}"),
        ({"name": "Alice"}, "did not give this app an e-mail address"),
    ],
)
def test_an_allowed_address_the_provider_does_not_vouch_for_opens_nothing(open_as, claims, reason):
    at = open_as(IMPORT_PAGE, claims)
    assert not at.get("file_uploader")
    assert reason in warnings(at)


def test_signing_out_a_non_editor_leaves_a_viewer_with_the_sign_in_button(open_as):
    at = open_as(IMPORT_PAGE, {"email": MALLORY})
    at.button(key=_OIDC_SIGN_OUT).click().run()
    assert not at.exception
    assert at.user == {"is_logged_in": False}  # st.logout ran
    assert widget_keys(at) == {"atlas_oidc_default"}


def test_an_oidc_editor_signing_out_loses_the_write_widgets(open_as):
    at = open_as(IMPORT_PAGE, {"email": ALICE})
    at.button(key="atlas_sign_out").click().run()
    assert not at.exception
    assert at.user == {"is_logged_in": False}
    assert not at.get("file_uploader") and widget_keys(at) == {"atlas_oidc_default"}


def test_with_both_kinds_of_sign_in_a_password_editor_signing_out_is_offered_both_again(open_as, alice_hash):
    at = open_as(IMPORT_PAGE, None, {**OIDC_SECRETS, "editors": {"alice": alice_hash}})
    at = sign_in(at)
    assert at.get("file_uploader")
    at.button(key="atlas_sign_out").click().run()
    assert not at.get("file_uploader")
    assert widget_keys(at) == _SIGN_IN | {"atlas_oidc_default"}


def test_a_half_configured_provider_is_reported_instead_of_offered(open_as):
    at = open_as(IMPORT_PAGE, None, {**OIDC_SECRETS, "auth": {**_OIDC, "client_secret": ""}})
    assert widget_keys(at) == set()
    assert "configured but cannot work: [auth] has no client_secret." in warnings(at)
    assert not at.get("file_uploader")


def test_named_providers_get_a_button_each(open_as):
    named = {k: v for k, v in _OIDC.items() if k in ("redirect_uri", "cookie_secret")}
    provider = {k: v for k, v in _OIDC.items() if k not in named}
    at = open_as(IMPORT_PAGE, None, {**OIDC_SECRETS, "auth": {**named, "google": provider, "microsoft": provider}})
    assert {b.key: b.label for b in at.button} == {
        "atlas_oidc_google": "Sign in with Google",
        "atlas_oidc_microsoft": "Sign in with Microsoft",
    }


def test_without_authlib_installed_the_page_says_so_instead_of_failing_on_click(open_as, monkeypatch):
    import ui.auth

    monkeypatch.setattr(ui.auth, "_OIDC_MODULES", ("authlib", "no_such_module_for_this_test"))
    at = open_as(IMPORT_PAGE)
    assert widget_keys(at) == set()
    assert "no_such_module_for_this_test not installed (pip install -r requirements.txt)" in warnings(at)
