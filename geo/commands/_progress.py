"""A one-line progress display for long commands (stderr, redrawn with ``\\r``).

Shown only where someone watches: when stderr is a terminal, or when the user
asked with ``--progress``. Redraws are throttled so that a million callbacks
do not cost more than the work they report on.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressLine", "add_progress_option", "progress_for"]


def add_progress_option(parser) -> None:
    """The ``--progress`` flag of every long command."""
    parser.add_argument(
        "--progress", action="store_true", help="show a progress line even when stderr is not a terminal"
    )


class ProgressLine:
    """A ``progress(done, total)`` callable drawing ``label: done/total (pct%)``."""

    def __init__(self, label: str, stream: TextIO, *, interval: float = 0.1, clock=time.monotonic):
        self.label = label
        self.stream = stream
        self.interval = interval
        self._clock = clock
        self._last = None
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        finished = total and done >= total
        if not finished and self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        pct = f" ({100 * done // total}%)" if total else ""
        self.stream.write(f"\r{self.label}: {done:,}/{total:,}{pct}")
        self._drawn = True
        if finished:
            self.close()
        self.stream.flush()

    def close(self) -> None:
        """End the line (once) so that later output starts on a fresh one."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def progress_for(label: str, *, forced: bool, stream: TextIO | None = None) -> ProgressLine | None:
    """A progress line on ``stream`` (default stderr) if forced or a terminal, else None."""
    stream = stream or sys.stderr
    if forced or stream.isatty():
        return ProgressLine(label, stream)
    return None
