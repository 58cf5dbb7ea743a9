"""Who may write: editor passwords and the editor list.

Viewers need nothing: the map, links and exports are open. Writing (ingest,
import, editing) needs an editor. A team configures editors in Streamlit
secrets (``.streamlit/secrets.toml``, never committed)::

    [editors]
    alice = "scrypt$16384$8$1$<salt>$<hash>"   # from: python -m geo hash-password
    [editor_emails]                             # optional, with OIDC through st.login
    allowed = ["bob@example.org"]

Passwords are stored only as scrypt hashes (memory-hard, in the standard
library) and compared in constant time. A user signed in through OIDC is an
editor only when the provider vouches for an e-mail address on the allow-list
(:meth:`Editors.oidc_editor`); :func:`oidc_config` checks the ``[auth]``
section ``st.login`` reads, so a half-configured provider is reported instead of
failing when someone clicks "Sign in". This module is pure: it never reads
secrets itself; the UI passes the mapping in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MIN_PASSWORD_LENGTH", "Editors", "OidcConfig", "hash_password", "oidc_config", "verify_password"]

MIN_PASSWORD_LENGTH = 10
_SCHEME = "scrypt"
# Interactive-login cost: ~50 ms and 16 MiB per check on this class of machine.
_N, _R, _P = 2**14, 8, 1
_MAXMEM = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None, n: int = _N, r: int = _R, p: int = _P) -> str:
    """An encoded scrypt hash of ``password`` (``scrypt$n$r$p$salt$hash``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"{_SCHEME}${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; False for a wrong password or a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != _SCHEME:
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), maxmem=_MAXMEM, dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class Editors:
    """The configured editors: password hashes by user name, and e-mail addresses allowed through OIDC."""

    passwords: Mapping[str, str] = field(default_factory=dict)
    emails: frozenset[str] = frozenset()

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any]) -> Editors:
        """Read the ``[editors]`` and ``[editor_emails]`` tables of a secrets mapping (missing: none)."""
        passwords = {str(k): str(v) for k, v in dict(secrets.get("editors") or {}).items()}
        emails = dict(secrets.get("editor_emails") or {}).get("allowed") or ()
        return cls(passwords=passwords, emails=frozenset(str(e).strip().lower() for e in emails))

    @property
    def configured(self) -> bool:
        return bool(self.passwords or self.emails)

    def check_password(self, user: str, password: str) -> bool:
        encoded = self.passwords.get(user.strip())
        if encoded is None:
            # Spend the same time as a real check so a wrong user name is not
            # distinguishable from a wrong password by timing.
            verify_password(password, _DUMMY)
            return False
        return verify_password(password, encoded)

    def allows_email(self, email: str | None) -> bool:
        return bool(email) and email.strip().lower() in self.emails

    def oidc_editor(self, claims: Mapping[str, Any]) -> str | None:
        """The editor's e-mail for a user signed in through OIDC (``st.user``), else None.

        The e-mail must be on the allow-list and not marked unverified: a provider
        that lets people type any address (``email_verified`` false) must not let
        them claim an editor's. A missing ``email_verified`` is accepted, since
        several providers (Microsoft Entra among them) never send it.
        """
        if not claims.get("is_logged_in"):
            return None
        email = claims.get("email")
        if not isinstance(email, str) or not self.allows_email(email) or _is_false(claims.get("email_verified")):
            return None
        return email.strip().lower()

    def oidc_refusal(self, claims: Mapping[str, Any]) -> str | None:
        """Why a signed-in OIDC user is not an editor, in words for that user; None when they are
        one (or are not signed in at all)."""
        if not claims.get("is_logged_in") or self.oidc_editor(claims):
            return None
        email = claims.get("email")
        if not isinstance(email, str) or not email.strip():
            return "Your sign-in did not give this app an e-mail address, so it cannot be matched to an editor."
        if _is_false(claims.get("email_verified")) and self.allows_email(email):
            return f"Your organisation has not verified the address {email.strip()}, so it cannot be used to edit."
        return f"You are signed in as {email.strip()}, but that account is not an editor."


def _is_false(value: Any) -> bool:
    # Some providers (AWS Cognito) send booleans as the strings "true"/"false".
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


# What st.login needs (Streamlit checks the same keys, but only when the button is clicked).
_SHARED_KEYS = ("redirect_uri", "cookie_secret")
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class OidcConfig:
    """The OIDC providers an ``[auth]`` secrets section offers ``st.login``, and what is wrong with it.

    ``providers`` are the names to pass to ``st.login``: ``"default"`` for the flat
    form (``client_id`` … directly under ``[auth]``), else the sub-table names
    (``[auth.google]`` gives ``"google"``).
    """

    providers: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return bool(self.providers) and not self.problems


def _missing(section: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if not section.get(k)]


def oidc_config(secrets: Mapping[str, Any]) -> OidcConfig | None:
    """Read the ``[auth]`` table of a secrets mapping; None when there is none (no OIDC)."""
    auth = secrets.get("auth")
    if auth is None:
        return None
    if not isinstance(auth, Mapping):
        return OidcConfig(problems=("[auth] must be a table.",))
    problems = [f"[auth] has no {key}." for key in _missing(auth, _SHARED_KEYS)]
    redirect_uri = auth.get("redirect_uri")
    if isinstance(redirect_uri, str) and redirect_uri and not redirect_uri.rstrip("/").endswith("/oauth2callback"):
        problems.append("[auth] redirect_uri must be the app's address followed by /oauth2callback.")
    providers = []
    if any(key in auth for key in _PROVIDER_KEYS):
        providers.append("default")
        problems += [f"[auth] has no {key}." for key in _missing(auth, _PROVIDER_KEYS)]
    for name, section in auth.items():
        if not isinstance(section, Mapping) or not any(key in section for key in _PROVIDER_KEYS):
            continue  # e.g. [auth.client_kwargs]
        providers.append(str(name))
        if "_" in str(name):
            problems.append(f"[auth.{name}]: Streamlit does not allow '_' in a provider name.")
        problems += [f"[auth.{name}] has no {key}." for key in _missing(section, _PROVIDER_KEYS)]
    if not providers:
        problems.append("[auth] names no provider (client_id, client_secret and server_metadata_url).")
    return OidcConfig(providers=tuple(providers), problems=tuple(problems))


_DUMMY = hash_password("not-a-real-password", salt=b"\0" * 16)
