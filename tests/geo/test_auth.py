"""Editor passwords: scrypt hashes, constant-time checks, the editor list from secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.auth import MIN_PASSWORD_LENGTH, Editors, hash_password, verify_password
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
        input=GOOD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    key, _, value = out.stdout.strip().partition(" = ")
    assert key == '"alice smith"'
    assert verify_password(GOOD, value.strip('"'))


def test_cli_refuses_a_short_password_with_one_line():
    out = subprocess.run(
        [sys.executable, "-m", "geo", "hash-password", "bob"],
        input="short\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("error:") and out.stderr.count("\n") == 1
