"""The map page's time controls: coverage, the draggable timeline, step and play, the empty state.

* :func:`coverage_caption` says which period the data covers and what "today" the
  presets count back from.
* :func:`show_time_controls` draws the timeline of every incident passing the
  *other* filters, with the date filter as a brush: dragging across the bars sets
  ``from``/``to`` (an interval selection, ``on_select``), clicking once clears it.
  Under it, buttons step the window back and forth and play it through time.
* :func:`empty_period_notice` replaces a blank map ("nothing in the last 7 days")
  with where the nearest incidents are and a button that goes there.

Every control changes the same sidebar widgets (:data:`ui.state.KEYS`) in a
callback, before the widgets are drawn, so the URL, the map and the sidebar
always agree. Playing uses a fragment that reruns on a timer only while playing (it steps on
its own timed reruns, never while the whole page draws it); it cannot set widgets
drawn outside itself, so it leaves the next window in session state and
:func:`apply_pending` (first thing on the map page) applies it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from geo.view import timespan
from geo.view.filters import DATE_PRESETS, Filters
from ui import data, runlog, timeline
from ui.common import md_escape
from ui.state import CUSTOM, KEYS, clear_filters, current_view

__all__ = [
    "DEFER_SECONDS",
    "PLAY_SECONDS",
    "apply_pending",
    "coverage_caption",
    "empty_period_notice",
    "show_time_controls",
    "undated",
]

PLAY_SECONDS = 1.5  # one step of the play control
# A session's first page draws the timeline this long after its script run ended (see show_time_controls).
DEFER_SECONDS = 1.0
_DRAWN = "_ia_time_drawn"  # the session has drawn the timeline once
_DEFER_FULL_RUN = "_ia_time_defer_full_run"  # set while the whole page draws the waker
_PENDING = "_ia_time_pending"  # the window the play fragment wants next
_PLAYING = "_ia_time_playing"
_FULL_RUN = "_ia_time_full_run"  # set while the whole page draws the ticker: it steps only on its own reruns
_CONTEXT = "_ia_time_context"  # (coverage, bucket) of the last drawn timeline, for the callbacks


_PLACEHOLDER_PX = 330  # about the chart's height, so the page below does not jump when it comes


def undated(filters: Filters) -> Filters:
    """``filters`` without its date range: what the timeline draws and the empty state searches."""
    return replace(filters, date_from=None, date_to=None)


def _set_window(window: timespan.Window | None) -> None:
    """Point the sidebar's period widgets at ``window`` (None: all time). Callbacks only."""
    ss = st.session_state
    if window is None:
        ss[KEYS["period"]], ss[KEYS["from"]], ss[KEYS["to"]] = "All time", None, None
    else:
        ss[KEYS["period"]], ss[KEYS["from"]], ss[KEYS["to"]] = CUSTOM, window.start, window.end


def apply_pending() -> None:
    """Apply the window the play control chose on its last tick; call before the sidebar is drawn."""
    window = st.session_state.pop(_PENDING, None)
    if window is not None:
        _set_window(window)


def _coverage(dataset: data.Dataset, filters: Filters) -> timespan.Coverage | None:
    """First and last date of the incidents passing ``filters`` (kept per filter: a million dates
    take a few milliseconds to scan, every run)."""
    return data.derived(
        dataset, filters, "coverage", lambda: timespan.coverage(data.filtered(dataset, filters)["date"])
    )


def coverage_caption(dataset: data.Dataset, today: dt.date) -> str:
    cover = _coverage(dataset, Filters())
    if cover is None:
        return "The store holds no incidents yet."
    return (
        f"The data holds {cover.text()}. Presets such as “Last 30 days” count back from today, "
        f"{today.isoformat()}."
    )


def _no_match_notice(filters: Filters) -> bool:
    """An empty map (or table) with no word said read as a broken page: name the filters that are set."""
    if filters.is_empty():
        return False
    f = filters
    text = f"Search text “{md_escape(f.text)}”" if f.text else ""
    names = [name for name, on in (
        ("Period", f.date_from or f.date_to), ("Actor family", f.families), ("Actor group", f.actors),
        ("Attribution", f.attributions), ("Event type", f.event_types), ("Country", f.countries),
        ("Intercepted", f.intercepted is not None), (text, text),
    ) if on]  # fmt: skip
    st.warning(f"No incident matches these filters: {', '.join(names)}. Change them in the sidebar, or clear them all.")
    st.button(
        "Clear all filters", key="ia_clear_filters", on_click=clear_filters, args=(data.reference_today(),),
        icon=":material/filter_alt_off:",
    )
    return True


def _period_words(filters: Filters) -> str:
    label = st.session_state.get(KEYS["period"])
    span = f"{filters.date_from or '…'} to {filters.date_to or '…'}"
    if label in DATE_PRESETS:
        return f"the {label.lower()} ({span})"
    return span


def empty_period_notice(dataset: data.Dataset, filters: Filters) -> bool:
    """When the date range alone empties the map, say where the nearest incidents are and offer
    to go there; when other filters empty it, say which. Returns True when it showed something."""
    found = None
    if filters.date_from is not None and filters.date_to is not None:
        others = data.filtered(dataset, undated(filters))
        window = timespan.Window(filters.date_from, filters.date_to)
        found = timespan.nearest_window(others["date"], window)
    if found is None:
        return _no_match_notice(filters)
    target, anchor = found
    side = "newest" if anchor < window.start else "next"
    st.warning(
        f"No incidents in {_period_words(filters)}. The {side} incident matching the other filters "
        f"is on {anchor.isoformat()}."
    )
    st.button(
        f"Show {target.start.isoformat()} to {target.end.isoformat()}",
        key="ia_time_nearest",
        on_click=_set_window,
        args=(target,),
        icon=":material/history:",
    )
    return True


def _on_brush(key: str, bucket: str) -> None:
    """The timeline brush moved: its span (snapped to whole bars) becomes the date filter."""
    state = st.session_state.get(key)
    selection = (state or {}).get("selection", {}) if hasattr(state, "get") else {}
    values = (selection.get(timeline.BRUSH) or {}).get("period")
    _set_window(timespan.brush_window(values, bucket))
    _stop()


def _current_window() -> timespan.Window | None:
    """The window the sidebar holds now, completed to a playable one; None without data."""
    context = st.session_state.get(_CONTEXT)
    if context is None:
        return None
    cover, bucket = context
    f = current_view().filters  # what the last run showed (callbacks run before the widgets)
    return timespan.play_start(f.date_from, f.date_to, cover, bucket)


def _step(direction: int) -> None:
    window = _current_window()
    if window is not None:
        _set_window(timespan.step_window(window, direction))
    _stop()


def _play() -> None:
    window = _current_window()
    if window is None:
        return
    cover, _ = st.session_state[_CONTEXT]
    if window.start > cover.last:  # played to the end before: start again from the beginning
        window = timespan.play_start(None, None, cover, st.session_state[_CONTEXT][1])
    _set_window(window)
    st.session_state[_PLAYING] = True


def _stop() -> None:
    st.session_state[_PLAYING] = False


@st.fragment(run_every=PLAY_SECONDS)
def _ticker() -> None:
    """While playing: every :data:`PLAY_SECONDS`, move the window on and rerun the page."""
    ss = st.session_state
    if ss.pop(_FULL_RUN, False) or not ss.get(_PLAYING):
        return  # drawn by a page run (which just showed the current window), or paused meanwhile
    window, context = _current_window(), ss.get(_CONTEXT)
    if window is None or context is None:
        return
    following = timespan.next_play_window(window, context[0].last)
    if following is None:
        _stop()
    else:
        ss[_PENDING] = following
    st.rerun(scope="app")


@st.fragment(run_every=DEFER_SECONDS)
def _waker() -> None:
    """Once, :data:`DEFER_SECONDS` after a session's first page: the run that draws the timeline."""
    if st.session_state.pop(_DEFER_FULL_RUN, False):
        return  # drawn by the page run itself: wait for the timer
    runlog.note("waker fragment asks for the page run")
    st.rerun(scope="app")  # a whole-page run ends this fragment's timer (the browser drops it)


def show_time_controls(dataset: data.Dataset, filters: Filters) -> None:
    """The timeline of the incidents passing the other filters, with the date filter as a brush,
    and the step and play buttons under it.

    A session's first page leaves a placeholder and draws them :data:`DEFER_SECONDS` later: the
    chart's scripts (about thirty files) and its drawing shared the browser's connections and
    main thread with the map's, which is above it, the only thing on the first screen. Measured
    with ``benchmarks/bench_browser.py``, the README has the figures.
    """
    ss = st.session_state
    if not ss.get(_DRAWN):
        ss[_DRAWN] = True
        with st.container(height=_PLACEHOLDER_PX, border=False):
            st.caption("The timeline is being drawn…")
        ss[_DEFER_FULL_RUN] = True
        _waker()
        return
    context_filters = undated(filters)
    context = data.filtered(dataset, context_filters)
    chart = data.timeline(dataset, context_filters, context)
    if chart is None:
        st.info("No incidents match the filters, so there is no timeline to draw.")
        return
    cover = _coverage(dataset, context_filters)
    st.session_state[_CONTEXT] = (cover, chart.bucket)
    window = None
    if filters.date_from is not None or filters.date_to is not None:
        window = (filters.date_from or cover.first, filters.date_to or cover.last)
    # A new key whenever the dates change: the chart then starts without the brush of the
    # drag that set them (the faded bars show the window instead).
    key = f"ia_timeline_{window[0]}_{window[1]}" if window else "ia_timeline_all"
    counts, spec = timeline.brushable(chart, window)
    st.vega_lite_chart(
        counts,
        spec,
        width="stretch",
        key=key,
        on_select=lambda: _on_brush(key, chart.bucket),
        selection_mode=timeline.BRUSH,
    )
    playing = bool(st.session_state.get(_PLAYING))
    # One row that wraps, not columns: columns stack on a phone into three full-width buttons.
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.button("Earlier", key="ia_time_back", on_click=_step, args=(-1,), icon=":material/skip_previous:",
               help="Move the date window back by its length")  # fmt: skip
    if playing:
        row.button("Pause", key="ia_time_pause", on_click=_stop, icon=":material/pause:")
    else:
        row.button("Play", key="ia_time_play", on_click=_play, icon=":material/play_arrow:",
                   help=f"Step the map through time, one window every {PLAY_SECONDS:g} s")  # fmt: skip
    row.button("Later", key="ia_time_forward", on_click=_step, args=(1,), icon=":material/skip_next:",
               help="Move the date window forward by its length")  # fmt: skip
    st.caption(
        f"Bars per {chart.bucket}. Drag across the bars to choose dates; click the chart once to clear them."
    )
    if playing:
        st.session_state[_FULL_RUN] = True
        _ticker()
