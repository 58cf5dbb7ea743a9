"""The map page's run slots: how many sessions draw the map page at once, and giving a slot back early.

Map page runs allowed at once (the rest wait their turn). The scripts are Python
under one GIL: running 50 at once is not faster than two at a time, and much slower
in practice, because every call that lets go of the GIL (SQLite reading a row,
Arrow, NumPy) then waits for it behind dozens of runnable threads: under load a
run took seconds instead of tens of milliseconds. Measured with load_test.py at
50 sessions, one at a time gave the lowest p95 (two overlapped too little C work
to pay for the extra GIL hand-offs).

A run that turns to slow work that is not drawing the page (writing a download's
files: seconds to half a minute) gives its slot back first (:func:`set_aside`), so
other viewers' maps do not wait for the file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MAP_RUNS", "WAIT_S", "held", "holding", "set_aside"]

MAP_RUNS = 1
WAIT_S = 30.0  # seconds; after that a run goes ahead anyway (never stuck behind a hung one)
_SLOTS = threading.BoundedSemaphore(MAP_RUNS)
_THIS = threading.local()  # Streamlit runs each session's script in its own thread


def holding() -> bool:
    """True while this thread's run holds a slot."""
    return bool(getattr(_THIS, "slot", False))


@contextmanager
def held(active: bool) -> Iterator[None]:
    """Hold one of :data:`MAP_RUNS` slots for the block (no-op when ``active`` is false)."""
    _THIS.slot = active and _SLOTS.acquire(timeout=WAIT_S)
    try:
        yield
    finally:
        if holding():
            _SLOTS.release()
        _THIS.slot = False


def set_aside() -> None:
    """Give this run's slot back for the rest of the run: before work that is not drawing the page
    and takes long. A no-op when the run holds none (so also the second time)."""
    if holding():
        _THIS.slot = False
        _SLOTS.release()
