"""A debugging trace of every script run, when ``GEO_RUN_LOG`` is set (off by default).

One line at the start and one at the end of each page run, and one at each step
that may change the view (a link read into the widgets, the URL written, the
timeline's one-shot fragment asking for the page run), on the ``atlas.runs``
logger (at WARNING, so Python prints it on the server's terminal): the session,
what triggered the run (the browser's query string, a fragment, a clicked
button), the Period/From/To values as the run found them (in session state, in
the kept copy, and as the browser sent them) and as it left them, the URL
written, and how the run ended (finished, interrupted by a newer run, stopped,
failed). Made to find out why a viewer's date filter disappeared under load;
kept because the next such defect needs the same evidence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state import get_session_state

from geo.config import run_log_enabled

__all__ = ["note", "timed", "traced_run"]

log = logging.getLogger("atlas.runs")
_DATE_KEYS = ("period", "from", "to")
_COUNT = "_ia_runlog_count"


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id[:8] if ctx is not None else "-"


def _dates() -> str:
    """Period/from/to as the session holds them now, with where each value lives."""
    from ui.state import KEYS, kept_values

    ss = st.session_state
    kept = kept_values()
    parts = []
    for name in _DATE_KEYS:
        key = KEYS[name]
        value = ss[key] if key in ss else "<absent>"
        parts.append(f"{name}={value!s}")
    parts.append("kept=" + ",".join(str(kept.get(n, "<absent>")) for n in _DATE_KEYS) if kept else "kept=<none>")
    browser = _browser_values()
    if browser:
        parts.append(f"browser={browser}")
    return " ".join(parts)


def _browser_values() -> str:
    """The Period/From/To values the browser sent with this run's request (Streamlit internals:
    debugging only, so every failure is swallowed)."""
    from ui.state import KEYS

    try:
        inner = get_session_state()._state  # SafeSessionState -> SessionState  # noqa: SLF001
        out = [f"sent {len(inner._new_widget_state.states)} widget states"]  # noqa: SLF001
        for name in _DATE_KEYS:
            wid = inner._key_id_mapper.get_id_from_key(KEYS[name], None)  # noqa: SLF001
            if wid is None:
                out.append(f"{name}:no-id")
            elif wid not in inner._new_widget_state.states:  # noqa: SLF001
                old = inner._old_state.get(wid, "<none>")  # noqa: SLF001
                out.append(f"{name}:not-sent(old {old!s})")
            else:
                out.append(f"{name}:{inner._new_widget_state[wid]!s}")  # noqa: SLF001
        return ",".join(out)
    except Exception:  # noqa: BLE001
        return ""


def _trigger() -> str:
    ctx = get_script_run_ctx()
    if ctx is None:
        return "-"
    parts = [f"qs={ctx.query_string!r}"]
    if ctx.fragment_ids_this_run:
        parts.append(f"fragments={len(ctx.fragment_ids_this_run)}")
    clicked = _clicked()
    if clicked:
        parts.append("clicked=" + ",".join(clicked))
    return " ".join(parts)


def _clicked() -> list[str]:
    """The ``ia_*`` buttons clicked for this run: keys whose widget is a button (a one-run trigger),
    not any true ``ia_*`` value (a checked box or a flag the app keeps is no click). Streamlit
    internals: debugging only, so a failure lists none."""
    try:
        inner = get_session_state()._state  # noqa: SLF001
        metadata = inner._new_widget_state.widget_metadata  # noqa: SLF001
        out = []
        for key, value in st.session_state.items():
            if not (isinstance(key, str) and key.startswith("ia_") and value is True):
                continue
            wid = inner._key_id_mapper.get_id_from_key(key, None)  # noqa: SLF001
            if wid is not None and getattr(metadata.get(wid), "value_type", None) == "trigger_value":
                out.append(key)
        return sorted(out)
    except Exception:  # noqa: BLE001
        return []


def note(event: str) -> None:
    """One line about this session now (``event`` says where in the run)."""
    if run_log_enabled():
        log.warning("run %s %s: %s | %s", _session(), event, _safe(_trigger), _safe(_dates))


def _safe(describe) -> str:
    """``describe()``, or why it failed: the trace must never break the run it describes."""
    try:
        return describe()
    except Exception as exc:  # noqa: BLE001
        return f"<{type(exc).__name__}>"


@contextmanager
def traced_run(page: str) -> Iterator[None]:
    """Trace a page run: its start, its end and how it ended."""
    if not run_log_enabled():
        yield
        return
    ss = st.session_state
    ss[_COUNT] = n = ss.get(_COUNT, 0) + 1
    start = time.perf_counter()
    note(f"#{n} start {page}")
    outcome = "finished"
    try:
        yield
    except BaseException as exc:
        outcome = f"ended by {type(exc).__name__}"
        raise
    finally:
        took = time.perf_counter() - start
        try:
            url = st.query_params.to_dict()
        except Exception:  # noqa: BLE001
            url = "?"
        log.warning(
            "run %s #%d end %s after %.2f s, %s | url=%s | %s", _session(), n, page, took, outcome, url, _safe(_dates)
        )


@contextmanager
def timed(what: str) -> Iterator[None]:
    """One line for the block: wall time, and CPU time of this thread (what the block itself cost)."""
    if not run_log_enabled():
        yield
        return
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        log.warning("run %s %s: %.2f s wall, %.2f s CPU (this thread)", _session(), what,
                    time.perf_counter() - wall, time.thread_time() - cpu)  # fmt: skip
