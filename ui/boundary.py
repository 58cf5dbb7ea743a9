"""The page boundary: whatever goes wrong while a page runs reaches the viewer as a message.

:func:`ui.page.navigate` runs every page (the map and each file under ``pages/``)
inside :func:`page_boundary`. An exception that escapes a page is logged on the
server with its traceback and a short reference, and the viewer sees one
sentence with that reference: a store failure says what failed in words fit for
anyone (:attr:`geo.errors.StoreError.public`: no path, host or SQL), another
refusal of the library (a bad setting, say) shows its one-line message, and
anything else says only that the page failed. Streamlit's ``st.stop``/``st.rerun`` are
not errors and pass through. ``client.showErrorDetails = "none"`` in
``.streamlit/config.toml`` is the second line: should anything escape this
(an error in Streamlit itself), the browser still gets no stack.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from geo.errors import GeoError, StoreError
from ui.common import md_escape

__all__ = ["PAGE_FAILED", "page_boundary"]

log = logging.getLogger("atlas.pages")

# The start of the message for an unexpected error (tests look for it: a fuzzed link must never cause one).
PAGE_FAILED = "This page could not be drawn"


def _reference() -> str:
    return secrets.token_hex(4)


@contextmanager
def page_boundary(page: str) -> Iterator[None]:
    """Run a page; turn an exception into a logged traceback and a one-line message on the page."""
    try:
        yield
    except StoreError as exc:
        ref = _reference()
        log.error("page %s, reference %s: %s", page, ref, exc, exc_info=exc)
        st.error(f"{exc.public} (reference {ref} in the server log)", icon=":material/database:")
    except GeoError as exc:
        ref = _reference()
        log.error("page %s, reference %s: %s", page, ref, exc, exc_info=exc)
        # A deliberate refusal (a bad setting, unusable data): its message is written for people.
        st.error(f"{PAGE_FAILED}: {md_escape(str(exc))} (reference {ref} in the server log).")
    except Exception as exc:  # noqa: BLE001 - the boundary: nothing may reach the browser as a traceback
        ref = _reference()
        log.error("page %s, reference %s: unexpected %s", page, ref, type(exc).__name__, exc_info=exc)
        st.error(
            f"{PAGE_FAILED} because of an error on the server (reference {ref} in the server log). "
            "Reload the page, or open the map without link parameters."
        )
