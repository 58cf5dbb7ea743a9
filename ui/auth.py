"""Editor sign-in: the one gate in front of every write path.

Viewers (the map, links, exports) never see it. A page that writes calls
:func:`require_editor` before drawing any write control; for a viewer it shows
the sign-in form and stops the page, so no save/import/edit widget exists in a
viewer's session at all (a hidden button could still be clicked).

Editors come from Streamlit secrets (see :mod:`geo.auth`): a password hash per
user name, and/or e-mail addresses allowed through OIDC (``st.login``) where an
``[auth]`` provider is configured. Signing in at the provider is not enough: a
user whose address is not on the allow-list is told so, and can sign out to try
another account, but gets no write control.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

import streamlit as st

from geo.auth import Editors, OidcConfig, oidc_config
from geo.config import utc_instant
from geo.lockout import SignInGuard, StoreBook, sign_in_keys

__all__ = [
    "client_address",
    "current_editor",
    "editors",
    "require_editor",
    "sign_in_guard",
    "sign_out_control",
]

_KEY = "atlas_editor"
# What st.login needs besides Streamlit (its "auth" extra): Authlib, whose Starlette client uses httpx.
_OIDC_MODULES = ("authlib", "httpx")


def _secrets() -> dict[str, Any]:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # Streamlit's error for an absent or unparsable secrets.toml is one
        return {}


def editors() -> Editors:
    """The configured editors; none when the app has no secrets file."""
    try:
        return Editors.from_secrets(_secrets())
    except (KeyError, AttributeError, ValueError, TypeError):
        return Editors()


def _oidc() -> OidcConfig | None:
    """The ``[auth]`` section as st.login will read it; None without one."""
    config = oidc_config(_secrets())
    missing = [name for name in _OIDC_MODULES if importlib.util.find_spec(name) is None]
    if config is not None and config.providers and missing:
        # st.login would fail on click, or at the callback; say so up front.
        problem = f"{' and '.join(missing)} not installed (pip install -r requirements.txt)."
        return OidcConfig(config.providers, (*config.problems, problem))
    return config


def _oidc_user() -> dict[str, Any]:
    """The identity claims of a user signed in through st.login (``is_logged_in`` true), else {}."""
    try:
        user = st.user.to_dict()
    except FileNotFoundError:  # st.user reads the secrets too (for [auth]): unparsable ones
        return {}
    except AttributeError:  # a Streamlit without st.user: nobody signs in through OIDC
        return {}
    return user if user.get("is_logged_in") else {}


def current_editor() -> str | None:
    """The signed-in editor's name (password sign-in) or e-mail (OIDC), else None."""
    name = st.session_state.get(_KEY)
    if name:
        return name
    claims = _oidc_user()
    return editors().oidc_editor(claims) if claims else None


@st.cache_resource(show_spinner=False)
def _guard(database_url: str) -> SignInGuard:
    from ui.data import get_store

    return SignInGuard(StoreBook(get_store()))


def sign_in_guard() -> SignInGuard:
    """The lockout of this store: one per process and store, so every session shares its counts
    (and, through the store, every server using it: geo.lockout)."""
    from geo.config import get_settings

    return _guard(get_settings().database_url)


def client_address() -> str | None:
    """The address the browser's connection comes from (None on localhost). Behind a reverse
    proxy this is the proxy's: the per-address count then covers everyone behind it."""
    try:
        return st.context.ip_address
    except AttributeError:  # a Streamlit without st.context.ip_address
        return None


def _now() -> dt.datetime:
    # The page's one reading of the clock (through the project's one UTC helper), kept as a
    # function so tests can replace it with a fake clock.
    return utc_instant()


def _locked_message(seconds: float) -> str:
    wait = int(seconds) + 1
    shown = f"{wait} s" if wait < 120 else f"{(wait + 59) // 60} min"
    return f"Too many failed sign-ins for this name or from this address. Try again in {shown}."


def _password_form(ed: Editors, action: str) -> None:
    with st.form("atlas_sign_in"):
        st.markdown(f"**Sign in as an editor to {action}.**")
        user = st.text_input("Editor name", key="atlas_sign_in_user", max_chars=150)
        password = st.text_input("Password", type="password", key="atlas_sign_in_password", max_chars=1000)
        submitted = st.form_submit_button("Sign in")
    if not submitted:
        return
    guard, keys = sign_in_guard(), sign_in_keys(user, client_address())
    wait = guard.retry_after(keys, now=_now())
    if wait > 0:
        # Locked: the password is not checked at all, so guessing on gains nothing.
        st.error(_locked_message(wait))
        return
    if ed.check_password(user, password):
        guard.succeeded(keys)
        st.session_state[_KEY] = user.strip()
        st.rerun()
    wait = guard.failed(keys, now=_now())
    st.error(_locked_message(wait) if wait > 0 else "Wrong editor name or password.")


def require_editor(action: str = "change data") -> str:
    """The signed-in editor; for anyone else, a sign-in prompt and ``st.stop()``."""
    editor = current_editor()
    if editor:
        return editor
    ed = editors()
    oidc = _oidc()
    st.info(f"Viewing is open to everyone; to {action} you need an editor sign-in.")
    if not ed.configured and oidc is None:
        st.warning(
            "No editors are configured. Add a password hash from `python -m geo hash-password` "
            "under `[editors]` in `.streamlit/secrets.toml` (see the README)."
        )
    if ed.passwords:
        _password_form(ed, action)
    if oidc is not None:
        _oidc_sign_in(ed, oidc)
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the script run")


def _oidc_sign_in(ed: Editors, oidc: OidcConfig) -> None:
    """The organisation sign-in for a viewer, or, for someone signed in there who is not
    an editor, why not and a way out (otherwise they would just see the same button again)."""
    claims = _oidc_user()
    if claims:
        st.warning(
            f"{ed.oidc_refusal(claims) or ''} Ask whoever runs this atlas to add your address to the "
            "editor list, or sign out and sign in with another account."
        )
        st.button("Sign out", key="atlas_oidc_sign_out", on_click=st.logout)
        return
    if not oidc.usable:
        st.warning("Sign-in with your organisation is configured but cannot work: " + " ".join(oidc.problems))
        return
    for provider in oidc.providers:
        label = "your organisation" if len(oidc.providers) == 1 else provider.capitalize()
        st.button(f"Sign in with {label}", key=f"atlas_oidc_{provider}", on_click=st.login, args=(provider,))


def _sign_out() -> None:
    st.session_state.pop(_KEY, None)
    if _oidc_user():
        st.logout()  # also clears the identity cookie (and signs out at the provider if it can)


def sign_out_control() -> None:
    """A small 'signed in as …' line with a sign-out button, in the sidebar."""
    editor = current_editor()
    if not editor:
        return
    with st.sidebar:
        st.caption(f"Signed in as editor **{editor}**")
        st.button("Sign out", key="atlas_sign_out", on_click=_sign_out)
