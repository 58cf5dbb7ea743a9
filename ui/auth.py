"""Editor sign-in: the one gate in front of every write path.

Viewers (the map, links, exports) never see it. A page that writes calls
:func:`require_editor` before drawing any write control; for a viewer it shows
the sign-in form and stops the page, so no save/import/edit widget exists in a
viewer's session at all (a hidden button could still be clicked).

Editors come from Streamlit secrets (see :mod:`geo.auth`): a password hash per
user name, and/or e-mail addresses allowed through OIDC (``st.login``) where an
``[auth]`` provider is configured.
"""

from __future__ import annotations

import time

import streamlit as st

from geo.auth import Editors

__all__ = ["editors", "current_editor", "require_editor", "sign_out_control", "MAX_FAILURES", "LOCKOUT_SECONDS"]

_KEY = "atlas_editor"
_FAILS = "atlas_sign_in_failures"
_LOCKED_UNTIL = "atlas_sign_in_locked_until"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


def editors() -> Editors:
    """The configured editors; none when the app has no secrets file."""
    try:
        return Editors.from_secrets(st.secrets.to_dict())
    except (FileNotFoundError, KeyError, AttributeError, ValueError):
        return Editors()
    except Exception:  # streamlit raises its own error type when secrets.toml is absent
        return Editors()


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _oidc_email() -> str | None:
    try:
        user = st.user
        return user.get("email") if user.get("is_logged_in") else None
    except Exception:  # older Streamlit without st.user, or no auth configured
        return None


def current_editor() -> str | None:
    """The signed-in editor's name (password sign-in) or e-mail (OIDC), else None."""
    name = st.session_state.get(_KEY)
    if name:
        return name
    email = _oidc_email()
    if email and editors().allows_email(email):
        return email
    return None


def _password_form(ed: Editors, action: str) -> None:
    now = time.monotonic()
    locked_until = st.session_state.get(_LOCKED_UNTIL, 0.0)
    if now < locked_until:
        st.error(f"Too many failed sign-ins. Try again in {int(locked_until - now) + 1} s.")
        return
    with st.form("atlas_sign_in"):
        st.markdown(f"**Sign in as an editor to {action}.**")
        user = st.text_input("Editor name", key="atlas_sign_in_user")
        password = st.text_input("Password", type="password", key="atlas_sign_in_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        if ed.check_password(user, password):
            st.session_state[_KEY] = user.strip()
            st.session_state[_FAILS] = 0
            st.rerun()
        fails = st.session_state.get(_FAILS, 0) + 1
        st.session_state[_FAILS] = fails
        if fails >= MAX_FAILURES:
            st.session_state[_LOCKED_UNTIL] = now + LOCKOUT_SECONDS
            st.session_state[_FAILS] = 0
        st.error("Wrong editor name or password.")


def require_editor(action: str = "change data") -> str:
    """The signed-in editor; for anyone else, a sign-in prompt and ``st.stop()``."""
    editor = current_editor()
    if editor:
        return editor
    ed = editors()
    st.info(f"Viewing is open to everyone; to {action} you need an editor sign-in.")
    if not ed.configured and not _oidc_configured():
        st.warning(
            "No editors are configured. Add a password hash from `python -m geo hash-password` "
            "under `[editors]` in `.streamlit/secrets.toml` (see the README)."
        )
    if ed.passwords:
        _password_form(ed, action)
    if _oidc_configured():
        st.button("Sign in with your organisation", on_click=st.login)
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the script run")


def sign_out_control() -> None:
    """A small 'signed in as …' line with a sign-out button, in the sidebar."""
    editor = current_editor()
    if not editor:
        return
    with st.sidebar:
        st.caption(f"Signed in as editor **{editor}**")
        if st.button("Sign out", key="atlas_sign_out"):
            st.session_state.pop(_KEY, None)
            if _oidc_email():
                st.logout()
            st.rerun()
