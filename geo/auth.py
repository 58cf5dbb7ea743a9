"""Who may write: editor passwords and the editor list.

Viewers need nothing: the map, links and exports are open. Writing (ingest,
import, editing) needs an editor. A team configures editors in Streamlit
secrets (``.streamlit/secrets.toml``, never committed)::

    [editors]
    alice = "scrypt$16384$8$1$<salt>$<hash>"   # from: python -m geo hash-password
    [editor_emails]                             # optional, with OIDC through st.login
    allowed = ["bob@example.org"]

Passwords are stored only as scrypt hashes (memory-hard, in the standard
library) and compared in constant time. This module is pure: it never reads
secrets itself; the UI passes the mapping in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["hash_password", "verify_password", "Editors", "MIN_PASSWORD_LENGTH"]

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
    def from_secrets(cls, secrets: Mapping[str, Any]) -> "Editors":
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


_DUMMY = hash_password("not-a-real-password", salt=b"\0" * 16)
