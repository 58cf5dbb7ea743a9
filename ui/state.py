"""The view in the URL: read it when a link is opened, write it back after every run.

The URL is the one source of truth a colleague sees; :mod:`geo.view.viewstate`
does all parsing and validation. This module only decides *when* to read the
URL into the widgets and when to write the widgets (and the map view) back:

* :func:`begin` runs before the widgets. When the query string is not one
  this session wrote (a link was opened, the page changed, the user edited
  the address bar) it parses it and loads the widgets from it; otherwise the
  widgets already hold the view. "One this session wrote" and not "the last
  one": a rerun the browser asked for (a map move) may still carry the query
  string from before the previous run's write reached the address bar, and
  must not undo what that run did.
* :func:`commit` runs after the map and writes the whole view back with
  ``st.query_params`` (multi-valued keys as lists), so the address bar is
  always a link to exactly what is on screen.

Between pages the view also lives in session state, because navigating with
Streamlit's page menu may drop the query string.

The filter widgets' values are also kept under a key no widget owns
(:func:`keep_widgets`, :func:`restore_widgets`): Streamlit forgets a widget's value
when a run completes without drawing it, and the map page draws its filters last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import streamlit as st

from geo.view.filters import DATE_PRESETS, Filters, preset_range
from geo.view.viewstate import ViewState, parse_params
from ui import runlog

__all__ = [
    "CUSTOM",
    "INTERCEPTED_CHOICES",
    "KEYS",
    "Loaded",
    "begin",
    "clear_filters",
    "commit",
    "current_params",
    "current_view",
    "filters_from_widgets",
    "keep_widgets",
    "kept_values",
    "loaded",
    "normalise_params",
    "period_for",
    "query_string",
    "restore_widgets",
    "set_selected",
    "widget_values",
]

CUSTOM = "Custom range"
INTERCEPTED_CHOICES = {"Any": None, "Only intercepted": True, "Only impacts": False}

# Session-state keys of the filter widgets (shared by every page's sidebar).
KEYS = {
    "period": "ia_period",
    "from": "ia_from",
    "to": "ia_to",
    "families": "ia_fam",
    "actors": "ia_actor",
    "attributions": "ia_attr",
    "event_types": "ia_type",
    "countries": "ia_country",
    "intercepted": "ia_icpt",
    "text": "ia_q",
}
_URL = "_ia_urls"  # the query strings this session wrote or read lately (newest last)
_RECENT = 50
_VIEW = "_ia_view"  # the last committed ViewState
_PAGE = "_ia_page"  # the page that committed it
_LOADED = "_ia_loaded"  # what the last external load produced (Loaded)
# A copy of the filter widgets' values under a key no widget owns. Streamlit drops a widget's
# value at the end of a completed run that did not draw it; the map page draws its filters
# after the map, so a run ending before them (an error, an interrupted or overlapping run under
# load) left the next run with no period: "All time", and a URL without from/to.
_KEPT = "_ia_filters_kept"


@dataclass(frozen=True)
class Loaded:
    """The outcome of the last time a URL was read: its view and what was wrong with it."""

    view: ViewState
    notices: tuple[str, ...]
    serial: int  # increases with every load; lets a page notice "this is a fresh link"


# --- pure helpers -----------------------------------------------------------------------------


def normalise_params(params: Mapping[str, object]) -> dict[str, list[str]]:
    """``{key: [values]}`` with empty keys dropped, so two spellings of one URL compare equal."""
    out: dict[str, list[str]] = {}
    for key, value in params.items():
        values = [value] if isinstance(value, str) else [str(v) for v in value]  # type: ignore[union-attr]
        if values:
            out[key] = values
    return out


def query_string(view: ViewState) -> str:
    """``?a=1&b=2`` for ``view`` (repeated keys for lists); empty for the default view."""
    params = normalise_params(view.to_params())
    qs = urlencode([(k, v) for k, values in params.items() for v in values])
    return f"?{qs}" if qs else ""


def period_for(f: Filters, today: dt.date) -> str:
    """The preset label whose range is exactly (from, to), else :data:`CUSTOM`."""
    for label in DATE_PRESETS:
        if preset_range(label, today=today) == (f.date_from, f.date_to):
            return label
    return CUSTOM


def widget_values(f: Filters, today: dt.date) -> dict[str, object]:
    """Session-state values (by :data:`KEYS` name) that make the sidebar show ``f``."""
    intercepted = next(label for label, value in INTERCEPTED_CHOICES.items() if value == f.intercepted)
    return {
        "period": period_for(f, today),
        "from": f.date_from,
        "to": f.date_to,
        "families": list(f.families),
        "actors": list(f.actors),
        "attributions": list(f.attributions),
        "event_types": list(f.event_types),
        "countries": list(f.countries),
        "intercepted": intercepted,
        "text": f.text,
    }


def filters_from_widgets(values: Mapping[str, object], today: dt.date) -> Filters:
    """The inverse of :func:`widget_values`; a preset period is resolved against ``today``."""
    period = values.get("period") or "All time"
    if period == CUSTOM:
        date_from, date_to = values.get("from"), values.get("to")
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
    else:
        date_from, date_to = preset_range(str(period), today=today)
    return Filters(
        date_from=date_from or None,  # type: ignore[arg-type]
        date_to=date_to or None,  # type: ignore[arg-type]
        actors=tuple(values.get("actors") or ()),  # type: ignore[arg-type]
        attributions=tuple(values.get("attributions") or ()),  # type: ignore[arg-type]
        event_types=tuple(values.get("event_types") or ()),  # type: ignore[arg-type]
        countries=tuple(values.get("countries") or ()),  # type: ignore[arg-type]
        text=str(values.get("text") or "").strip(),
        intercepted=INTERCEPTED_CHOICES.get(str(values.get("intercepted") or "Any")),
        families=tuple(values.get("families") or ()),  # type: ignore[arg-type]
    )


# --- Streamlit-bound --------------------------------------------------------------------------


def current_params() -> dict[str, list[str]]:
    """The query string now, every value of repeated keys included."""
    qp = st.query_params
    return normalise_params({key: qp.get_all(key) for key in qp})


def begin(
    page: str,
    *,
    today: dt.date,
    known_actors: Iterable[str],
    known_ids: Container[str] | Iterable[str] | None = None,
) -> Loaded:
    """Load the widgets from the URL when it changed from outside; return the last load.

    ``known_ids`` (when given) drops a ``sel`` naming no incident. Must run
    before the sidebar widgets are created.
    """
    ss = st.session_state
    restore_widgets()
    params = current_params()
    previous_page = ss.get(_PAGE)
    if params in ss.get(_URL, []) and previous_page == page and _LOADED in ss:
        return ss[_LOADED]
    runlog.note(f"begin loads the view from the URL {params} (page {previous_page} -> {page})")
    if not params and ss.get(_VIEW) is not None and previous_page not in (None, page):
        # Page switch through the page menu, which drops the query string: keep the view.
        view, notices = ss[_VIEW], []
    else:
        view, notices = parse_params(params, known_actors=known_actors)
        ids = known_ids if known_ids is None or isinstance(known_ids, Container) else set(known_ids)
        if view.selected and ids is not None and view.selected not in ids:
            notices.append(f"Ignored link parameter sel={view.selected!r}: no incident has that id.")
            view = replace(view, selected=None)
    for name, value in widget_values(view.filters, today).items():
        ss[KEYS[name]] = value
    keep_widgets()
    ss[_PAGE] = page
    ss[_URL] = [params]  # a new load: what was written before no longer describes this page
    ss[_VIEW] = view
    previous = ss.get(_LOADED)
    ss[_LOADED] = Loaded(view, tuple(notices), (previous.serial + 1) if previous else 1)
    return ss[_LOADED]


def keep_widgets() -> None:
    """Copy the filter widgets' values to a key of their own (after they are drawn or loaded)."""
    ss = st.session_state
    ss[_KEPT] = {name: ss[key] for name, key in KEYS.items() if key in ss}


def kept_values() -> dict[str, object]:
    """The kept copy of the filter widgets' values (by :data:`KEYS` name)."""
    return dict(st.session_state.get(_KEPT) or {})


def restore_widgets() -> None:
    """Put back the kept value of every filter widget whose value Streamlit dropped.

    Call before the widgets are created (a widget's key may not be set once it is drawn).
    """
    ss = st.session_state
    for name, value in (ss.get(_KEPT) or {}).items():
        if KEYS[name] not in ss:
            ss[KEYS[name]] = value


def clear_filters(today: dt.date) -> None:
    """Every filter widget back to "no filter" (all time, nothing chosen, no text). A button's callback:
    a link with five filters took five widgets to clear, one of them in a sidebar a phone hides."""
    ss = st.session_state
    for name, value in widget_values(Filters(), today).items():
        ss[KEYS[name]] = value


def loaded() -> Loaded | None:
    """The last load (None before :func:`begin` ran in this session)."""
    return st.session_state.get(_LOADED)


def current_view() -> ViewState:
    """The last committed view (the loaded one on a page's first run)."""
    return st.session_state.get(_VIEW) or ViewState()


def set_selected(incident_id: str | None) -> None:
    """Change the selection outside a map click (a button callback, a table row)."""
    st.session_state[_VIEW] = replace(current_view(), selected=incident_id)


def commit(new_view: ViewState) -> None:
    """Write ``new_view`` to the URL (only when it differs) and remember it."""
    ss = st.session_state
    params = normalise_params(new_view.to_params())
    if params != current_params():
        runlog.note(f"commit writes {params} over {current_params()}")
        st.query_params.from_dict(params)
    recent = [p for p in ss.get(_URL, []) if p != params]
    ss[_URL] = [*recent[-(_RECENT - 1) :], params]
    ss[_VIEW] = new_view
    last = ss.get(_LOADED)
    if last is not None and last.notices and new_view.filters != last.view.filters:
        # The analyst has moved on from the broken link: stop repeating its notices.
        ss[_LOADED] = replace(last, notices=())
