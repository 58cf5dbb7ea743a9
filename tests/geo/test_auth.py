"""Editor passwords: scrypt hashes, constant-time checks, the editor list from secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.auth import MIN_PASSWORD_LENGTH, Editors, OidcConfig, hash_password, oidc_config, verify_password
from tests.conftest import ROOT

GOOD = "correct horse battery"


@pytest.fixture(scope="module")
def alice_hash() -> str:
    return hash_password(GOOD)


def test_a_hash_verifies_its_own_password_only(alice_hash):
    assert verify_password(GOOD, alice_hash)
    assert not verify_password(GOOD + "!", alice_hash)
    assert not verify_password("", alice_hash)


def test_hashes_are_salted_so_equal_passwords_differ():
    assert hash_password(GOOD) != hash_password(GOOD)


def test_the_hash_does_not_contain_the_password(alice_hash):
    assert GOOD not in alice_hash and "horse" not in alice_hash


@pytest.mark.parametrize("encoded", ["", "plain-text", "md5$abc", "scrypt$x$8$1$aa$bb", "scrypt$16384$8$1$!!$??"])
def test_malformed_hashes_never_verify_and_never_raise(encoded):
    assert verify_password(GOOD, encoded) is False


def test_short_passwords_are_refused():
    with pytest.raises(ValueError, match=str(MIN_PASSWORD_LENGTH)):
        hash_password("x" * (MIN_PASSWORD_LENGTH - 1))


def test_editors_from_secrets(alice_hash):
    ed = Editors.from_secrets({"editors": {"alice": alice_hash}, "editor_emails": {"allowed": ["Bob@Example.org "]}})
    assert ed.configured
    assert ed.check_password("alice", GOOD)
    assert ed.check_password(" alice ", GOOD)
    assert not ed.check_password("alice", "wrong password!")
    assert not ed.check_password("mallory", GOOD)
    assert ed.allows_email("bob@example.org")
    assert not ed.allows_email("eve@example.org")
    assert not ed.allows_email(None)


def test_no_secrets_means_no_editors():
    ed = Editors.from_secrets({})
    assert not ed.configured
    assert not ed.check_password("", "")


def test_cli_prints_a_line_for_secrets_toml():
    out = subprocess.run(
        [sys.executable, "-m", "geo", "hash-password", "alice smith"],
        check=False,  # the test reads the exit code itself
        input=GOOD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    key, _, value = out.stdout.strip().partition(" = ")
    assert key == '"alice smith"'
    assert verify_password(GOOD, value.strip('"'))


def test_cli_refuses_a_short_password_with_one_line():
    out = subprocess.run(
        [sys.executable, "-m", "geo", "hash-password", "bob"],
        check=False,  # the test reads the exit code itself
        input="short\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("error:") and out.stderr.count("\n") == 1


# --- OIDC users (st.user claims) and the [auth] section ------------------------------------------


@pytest.fixture
def allow_bob() -> Editors:
    return Editors.from_secrets({"editor_emails": {"allowed": ["Bob@Example.org"]}})


@pytest.mark.parametrize(
    "claims",
    [
        {"is_logged_in": True, "email": "bob@example.org"},
        {"is_logged_in": True, "email": " BOB@example.org", "email_verified": True},
        {"is_logged_in": True, "email": "bob@example.org", "email_verified": "true"},
    ],
)
def test_an_allowed_signed_in_address_is_an_editor_by_its_lower_case_address(allow_bob, claims):
    assert allow_bob.oidc_editor(claims) == "bob@example.org"
    assert allow_bob.oidc_refusal(claims) is None


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"is_logged_in": True, "email": "eve@example.org"}, "signed in as eve@example.org, but that account is not"),
        ({"is_logged_in": True, "email": "bob@example.org", "email_verified": False}, "not verified"),
        ({"is_logged_in": True, "email": "bob@example.org", "email_verified": "False"}, "not verified"),
        ({"is_logged_in": True, "name": "Bob"}, "did not give this app an e-mail address"),
        ({"is_logged_in": True, "email": ["bob@example.org"]}, "did not give this app an e-mail address"),
    ],
)
def test_other_signed_in_users_are_not_editors_and_are_told_why(allow_bob, claims, reason):
    assert allow_bob.oidc_editor(claims) is None
    assert reason in allow_bob.oidc_refusal(claims)


@pytest.mark.parametrize(
    "claims", [{}, {"email": "bob@example.org"}, {"is_logged_in": False, "email": "bob@example.org"}]
)
def test_nobody_signed_in_is_neither_an_editor_nor_refused(allow_bob, claims):
    # The e-mail alone (AppTest's default st.user has one) does not sign anyone in.
    assert allow_bob.oidc_editor(claims) is None
    assert allow_bob.oidc_refusal(claims) is None


_SHARED = {"redirect_uri": "https://atlas.example.org/oauth2callback", "cookie_secret": "x" * 32}
_PROVIDER = {"client_id": "id", "client_secret": "secret", "server_metadata_url": "https://idp/.well-known/x"}


def test_no_auth_section_means_no_oidc():
    assert oidc_config({"editors": {}}) is None


@pytest.mark.parametrize(
    ("auth", "providers"),
    [
        ({**_SHARED, **_PROVIDER}, ("default",)),
        ({**_SHARED, **_PROVIDER, "client_kwargs": {"prompt": "login"}}, ("default",)),
        ({**_SHARED, "google": _PROVIDER, "okta": _PROVIDER}, ("google", "okta")),
    ],
)
def test_a_complete_auth_section_names_its_providers(auth, providers):
    config = oidc_config({"auth": auth})
    assert config == OidcConfig(providers=providers) and config.usable


@pytest.mark.parametrize(
    ("auth", "problem"),
    [
        ({**_PROVIDER, "cookie_secret": "x" * 32}, "[auth] has no redirect_uri."),
        ({**_SHARED, **_PROVIDER, "cookie_secret": ""}, "[auth] has no cookie_secret."),
        ({**_SHARED, **_PROVIDER, "redirect_uri": "https://atlas.example.org/"}, "followed by /oauth2callback"),
        ({**_SHARED, "client_id": "id"}, "[auth] has no server_metadata_url."),
        ({**_SHARED, "google": {"client_id": "id"}}, "[auth.google] has no client_secret."),
        ({**_SHARED, "my_idp": _PROVIDER}, "does not allow '_' in a provider name"),
        (_SHARED, "names no provider"),
        ("not a table", "must be a table"),
    ],
)
def test_a_broken_auth_section_is_reported_not_offered(auth, problem):
    config = oidc_config({"auth": auth})
    assert config is not None and not config.usable
    assert any(problem in p for p in config.problems), config.problems
