"""A stub OpenID Connect provider on loopback, for signing in through ``st.login`` in tests.

It implements the authorization-code flow the way Streamlit (through Authlib)
uses it, and checks what a real provider checks, so a test that signs in
through it exercises the app's real OIDC path:

- ``/.well-known/openid-configuration``: the discovery document;
- ``/authorize``: no login form: it signs in :attr:`OidcStub.email` at once and
  redirects back to the (registered) ``redirect_uri`` with a one-time code and
  the caller's ``state``; it remembers the ``nonce`` and the PKCE challenge;
- ``/token``: exchanges the code (client secret by HTTP Basic or in the form,
  PKCE verifier, same ``redirect_uri``) for an access token and an ``id_token``
  signed RS256 with a key generated at start, carrying the ``nonce``;
- ``/jwks``: that key's public half; ``/userinfo``: the claims, for the access token;
- ``/logout``: the end-session endpoint, back to ``post_logout_redirect_uri``.

Every request is recorded in :attr:`OidcStub.calls` (endpoint and parameters) so
tests can see the flow really went through the provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

__all__ = ["Call", "OidcStub"]

_KID = "stub-key-1"
_TOKEN_TTL = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _int_b64url(n: int) -> str:
    return _b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class Call:
    """One request the provider received: endpoint path and its (flattened) parameters."""

    path: str
    params: dict[str, str]


@dataclass
class _Grant:
    email: str
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None


@dataclass
class OidcStub:
    """The provider; ``with OidcStub(...) as idp:`` serves it on a free 127.0.0.1 port.

    ``email`` is who the next visit to ``/authorize`` signs in (tests change it
    between sign-ins); ``redirect_uris`` are the registered ones (an empty set
    accepts none, as a real provider would).
    """

    client_id: str = "atlas-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    email: str = "alice@example.org"
    email_verified: bool = True
    redirect_uris: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._grants: dict[str, _Grant] = {}
        self._access: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        stub = self

        class Handler(_Handler):
            provider = stub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="oidc-stub", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        assert self._server is not None, "start() the stub first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # --- the protocol ----------------------------------------------------------------------

    def metadata(self) -> dict:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }

    def jwks(self) -> dict:
        numbers = self._key.public_key().public_numbers()
        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": _KID}
        return {"keys": [{**key, "n": _int_b64url(numbers.n), "e": _int_b64url(numbers.e)}]}

    def claims_for(self, email: str) -> dict:
        return {
            "sub": hashlib.sha256(email.encode()).hexdigest()[:24],  # stable per user, as real ones are
            "email": email,
            "email_verified": self.email_verified,
            "name": email.split("@")[0].title(),
        }

    def sign(self, payload: dict) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": _KID}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}"
        signature = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"

    def authorize(self, q: dict[str, str]) -> tuple[int, dict[str, str], dict | str]:
        redirect_uri = q.get("redirect_uri", "")
        if q.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            # Never redirect to an unregistered address (an open redirector otherwise).
            return 400, {}, f"unknown client or unregistered redirect_uri {redirect_uri!r}"

        def back(**params: str) -> tuple[int, dict[str, str], str]:
            if "state" in q:
                params["state"] = q["state"]
            return 302, {"Location": f"{redirect_uri}?{urlencode(params)}"}, ""

        if q.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in q.get("scope", "").split():
            return back(error="invalid_scope", error_description="openid scope required")
        method = q.get("code_challenge_method")
        if q.get("code_challenge") and method != "S256":
            return back(error="invalid_request", error_description="only S256 PKCE")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                self.email, self.client_id, redirect_uri, q.get("nonce"), q.get("code_challenge"), method
            )
        return back(code=code)

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, str], dict | str]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            # RFC 6749 2.3.1: both halves are form-encoded before they are joined.
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            client_id, client_secret = unquote_plus(user), unquote_plus(password)
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return 401, {}, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {}, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {}, {"error": "invalid_grant"}
        if grant.code_challenge:
            verifier = form.get("code_verifier", "")
            if _b64url(hashlib.sha256(verifier.encode()).digest()) != grant.code_challenge:
                return 400, {}, {"error": "invalid_grant", "error_description": "PKCE verifier mismatch"}
        now = int(time.time())
        claims = self.claims_for(grant.email)
        id_token = {"iss": self.issuer, "aud": client_id, "iat": now, "exp": now + _TOKEN_TTL, **claims}
        if grant.nonce is not None:
            id_token["nonce"] = grant.nonce
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access[access_token] = claims
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": _TOKEN_TTL}
        return 200, {}, {**body, "id_token": self.sign(id_token), "scope": "openid email profile"}

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, str], dict | str]:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        claims = self._access.get(token)
        if claims is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, {"error": "invalid_token"}
        return 200, {}, claims

    def logout(self, q: dict[str, str]) -> tuple[int, dict[str, str], dict | str]:
        target = q.get("post_logout_redirect_uri", "")
        if target not in self.redirect_uris:
            return 200, {}, "signed out"
        return 302, {"Location": target}, ""


class _Handler(BaseHTTPRequestHandler):
    provider: OidcStub  # set on the subclass made by OidcStub.start

    def log_message(self, format, *args) -> None:
        pass  # keep pytest's output clean; the calls are in OidcStub.calls

    def _reply(self, status: int, headers: dict[str, str], body: dict | str) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _record(self, path: str, params: dict[str, str]) -> None:
        shown = {k: ("***" if k in ("client_secret", "code_verifier") else v) for k, v in params.items()}
        self.provider.calls.append(Call(path, shown))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        self._record(url.path, q)
        idp, auth = self.provider, self.headers.get("Authorization")
        routes = {
            "/.well-known/openid-configuration": lambda: (200, {}, idp.metadata()),
            "/jwks": lambda: (200, {}, idp.jwks()),
            "/authorize": lambda: idp.authorize(q),
            "/userinfo": lambda: idp.userinfo(auth),
            "/logout": lambda: idp.logout(q),
        }
        self._reply(*routes.get(url.path, lambda: (404, {}, "not found"))())

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self._record(url.path, form)
        if url.path == "/token":
            self._reply(*self.provider.token(form, self.headers.get("Authorization")))
        elif url.path == "/userinfo":
            self._reply(*self.provider.userinfo(self.headers.get("Authorization")))
        else:
            self._reply(404, {}, "not found")
