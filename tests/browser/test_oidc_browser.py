"""Editor sign-in through OIDC (``st.login``) in headless Chromium, against a stub provider on loopback.

The app runs with its own secrets file (``[auth]`` pointing at
:class:`tests.browser.oidc_stub.OidcStub`, alice@example.org on the editor
allow-list), found through Streamlit's ``secrets.files`` option: the project's
``.streamlit/`` is never touched. Every sign-in goes the whole way: the app's
button, Streamlit's /auth/login, the provider's /authorize and /token (PKCE,
nonce, RS256 id_token checked against the provider's keys by Authlib), the
signed identity cookie, and a new session reading it.
"""

from __future__ import annotations

import re
import secrets

import pytest

from tests.browser.conftest import Session, serve
from tests.browser.oidc_stub import OidcStub
from tests.ui.seed import seed_store, store_env

pytestmark = pytest.mark.browser

ALICE, MALLORY = "alice@example.org", "mallory@example.org"
SIGN_IN = "Sign in with your organisation"
UPLOADER = '[data-testid="stFileUploader"]'
IDENTITY_COOKIE = "_streamlit_user"


@pytest.fixture(scope="module")
def idp():
    with OidcStub() as stub:
        yield stub


def _secrets_toml(idp: OidcStub) -> str:
    # {port}: Streamlit puts in the port the server listens on (chosen when it starts).
    return f"""
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "{idp.client_id}"
client_secret = "{idp.client_secret}"
server_metadata_url = "{idp.metadata_url}"

[editor_emails]
allowed = ["{ALICE}"]
"""


@pytest.fixture(scope="module")
def oidc_app_url(tmp_path_factory, chromium_path, idp) -> str:
    """An app on a seeded store whose only editor sign-in is the stub provider."""
    tmp = tmp_path_factory.mktemp("browser-oidc")
    (tmp / "secrets.toml").write_text(_secrets_toml(idp))
    env = {
        **store_env(tmp),
        "GEO_CACHE_DIR": str(tmp / "cache"),
        "STREAMLIT_SECRETS_FILES": str(tmp / "secrets.toml"),  # the `secrets.files` option
        "NO_PROXY": "127.0.0.1,localhost",  # the server's own calls to the provider stay on loopback
    }
    seed_store(env)
    for url in serve(tmp, env):
        idp.redirect_uris.add(f"{url}/oauth2callback")  # registered once the port is known
        yield url


@pytest.fixture
def visitor(browser, oidc_app_url):
    """A browser context of its own (no cookies from other tests)."""
    s = Session(browser, oidc_app_url)
    yield s
    s.close()


def wait_for_home(s: Session) -> None:
    """Until the browser is back on the app's home page (the map, which may add its view to the URL)."""
    s.page.wait_for_url(re.compile(rf"^{re.escape(s.app_url)}/(\?.*)?$"), timeout=60_000)


def open_import(s: Session) -> None:
    s.page.goto(f"{s.app_url}/Import")
    s.page.get_by_role("heading", name="Import incidents").wait_for(timeout=60_000)
    s.page.get_by_text("you need an editor sign-in").or_(s.page.locator(UPLOADER)).first.wait_for(timeout=30_000)
    s.wait_idle()


def sign_in_at_provider(s: Session, idp: OidcStub, email: str) -> None:
    """Click the app's sign-in button and follow the redirects back to the app's home page."""
    idp.email = email
    before = len(idp.calls_to("/token"))
    s.page.get_by_role("button", name=SIGN_IN).click()
    # /auth/login -> provider /authorize -> /oauth2callback -> the app's root, with the cookie set.
    wait_for_home(s)
    assert len(idp.calls_to("/token")) == before + 1, "the app never exchanged a code at the provider"
    assert any(c["name"] == IDENTITY_COOKIE for c in s.context.cookies()), "no identity cookie after the callback"


def shown(locator) -> bool:
    """The element is (or within 30 s becomes) visible: the sidebar's buttons can be drawn a
    moment after the page's own text, which open_import waits for."""
    locator.wait_for(state="visible", timeout=30_000)
    return locator.is_visible()


def caption(s: Session) -> str:
    return s.page.locator('[data-testid="stSidebar"]').inner_text()


def test_a_viewer_gets_the_organisation_sign_in_and_no_uploader(visitor):
    open_import(visitor)
    assert shown(visitor.page.get_by_role("button", name=SIGN_IN))
    assert visitor.page.locator(UPLOADER).count() == 0
    assert "Signed in as editor" not in caption(visitor)
    visitor.screenshot("30_oidc_viewer_import")


def test_alice_signs_in_through_the_provider_gets_the_uploader_and_signs_out_again(visitor, idp):
    open_import(visitor)
    sign_in_at_provider(visitor, idp, ALICE)

    # The provider saw a proper authorization-code request from the app.
    request = idp.calls_to("/authorize")[-1].params
    assert request["client_id"] == idp.client_id and request["response_type"] == "code"
    assert request["redirect_uri"] == f"{visitor.app_url}/oauth2callback"
    assert request["state"] and request["nonce"] and request["code_challenge_method"] == "S256"

    open_import(visitor)
    visitor.page.locator(UPLOADER).wait_for(timeout=30_000)
    assert f"Signed in as editor {ALICE}" in caption(visitor)
    assert visitor.page.get_by_role("button", name=SIGN_IN).count() == 0
    visitor.page.get_by_text("Format", exact=True).wait_for(timeout=30_000)  # the page drawn to its end
    visitor.wait_idle()
    visitor.screenshot("31_oidc_editor_import")

    logouts = len(idp.calls_to("/logout"))
    visitor.page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    # /auth/logout clears the cookie and signs out at the provider, which sends the browser back.
    wait_for_home(visitor)
    assert len(idp.calls_to("/logout")) == logouts + 1
    assert not any(c["name"].startswith(IDENTITY_COOKIE) for c in visitor.context.cookies())

    open_import(visitor)
    assert visitor.page.locator(UPLOADER).count() == 0
    assert shown(visitor.page.get_by_role("button", name=SIGN_IN))
    assert "Signed in as editor" not in caption(visitor)
    visitor.screenshot("32_oidc_signed_out")


def test_someone_not_on_the_allow_list_signs_in_but_is_told_they_are_not_an_editor(visitor, idp):
    open_import(visitor)
    sign_in_at_provider(visitor, idp, MALLORY)
    open_import(visitor)
    page = visitor.page
    page.get_by_text(f"You are signed in as {MALLORY}, but that account is not an editor.").wait_for(timeout=30_000)
    assert page.locator(UPLOADER).count() == 0
    assert page.get_by_role("button", name=SIGN_IN).count() == 0  # not the same button again
    assert shown(page.get_by_role("button", name="Sign out"))
    assert "Signed in as editor" not in caption(visitor)
    visitor.screenshot("33_oidc_not_an_editor")

    # The other write pages are closed to her too.
    page.goto(f"{visitor.app_url}/Ingest")
    page.get_by_text("but that account is not an editor").wait_for(timeout=60_000)
    visitor.wait_idle()
    assert page.locator(UPLOADER).count() == 0 and page.locator('[data-testid="stTextArea"]').count() == 0

    # Signing out there leaves an ordinary viewer, who can try another account.
    page.get_by_role("button", name="Sign out").click()
    wait_for_home(visitor)
    open_import(visitor)
    assert shown(page.get_by_role("button", name=SIGN_IN)) and page.locator(UPLOADER).count() == 0
