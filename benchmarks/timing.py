"""Timing shared by the benchmark scripts (imported from their own folder)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

__all__ = ["median_ms"]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``fn()`` over ``repeat`` runs: the median, so one slow run
    (a garbage collection, another process) does not move the figure."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
