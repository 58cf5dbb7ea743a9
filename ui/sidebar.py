"""The filter sidebar, shared by the map and the Incidents table.

Widgets have fixed session-state keys (:data:`ui.state.KEYS`) and no
``value=``/``default=`` of their own: :func:`ui.state.begin` puts the view
read from the URL into session state before they are created, so a link
reopens with the same widgets set.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.actors import FAMILIES
from geo.places.countries import COUNTRIES
from geo.view.filters import DATE_PRESETS, Filters
from geo.incidents import ATTRIBUTIONS, EVENT_TYPES
from ui.data import Dataset
from ui.state import CUSTOM, INTERCEPTED_CHOICES, KEYS, current_view, filters_from_widgets, keep_widgets

__all__ = ["country_name", "filter_sidebar", "sidebar_filters"]

_COUNTRY_NAMES = {c.iso2: c.name for c in COUNTRIES}


def country_name(code: str) -> str:
    return f"{_COUNTRY_NAMES.get(code, code)} ({code})"


def filter_sidebar(dataset: Dataset, today: dt.date) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    ss = st.session_state
    with st.sidebar:
        st.header("Filters")
        st.selectbox(
            "Period",
            [*DATE_PRESETS, CUSTOM],
            key=KEYS["period"],
            on_change=_period_changed,
            help=f"Presets count back from today, {today.isoformat()} (GEO_TODAY when set).",
        )
        if ss.get(KEYS["period"]) == CUSTOM:
            # One above the other: side by side, a 300 px sidebar left each box 46 px of text
            # and a date read "2021" or "-06-30". value=None: an empty box means "open-ended".
            st.date_input("From", value=None, key=KEYS["from"], format="YYYY-MM-DD")
            st.date_input("To", value=None, key=KEYS["to"], format="YYYY-MM-DD")
        # Options always include what the link selected, so a value the data lacks
        # (a country with no incidents yet) shows as selected instead of erroring.
        st.multiselect(
            "Actor family", list(FAMILIES), format_func=FAMILIES.__getitem__, key=KEYS["families"], placeholder="Any family",
            help="Which side the actor is on: Iran-aligned militias, Iran, US, coalition, ISIS, other or unknown.",
        )  # fmt: skip
        actors = list(dict.fromkeys([*dataset.actors, *ss.get(KEYS["actors"], [])]))
        st.multiselect("Actor group (claimed or blamed)", actors, key=KEYS["actors"], placeholder="Any actor")
        st.multiselect(
            "Attribution",
            list(ATTRIBUTIONS),
            format_func=lambda key: ATTRIBUTIONS.get(key, key),  # never a KeyError, whatever a client sends
            key=KEYS["attributions"],
            placeholder="Any attribution",
        )
        st.multiselect(
            "Event type", list(EVENT_TYPES), format_func=lambda key: EVENT_TYPES.get(key, key), key=KEYS["event_types"],
            placeholder="Any type",
        )  # fmt: skip
        countries = sorted({*dataset.countries, *ss.get(KEYS["countries"], [])})
        st.multiselect("Country", countries, format_func=country_name, key=KEYS["countries"], placeholder="Any country")
        st.radio("Intercepted", list(INTERCEPTED_CHOICES), key=KEYS["intercepted"], horizontal=True)
        st.text_input("Search text", key=KEYS["text"], placeholder="summary, place, source…", max_chars=_TEXT_CHARS)
    keep_widgets()
    return sidebar_filters(today)


# The widgets whose options are fixed: a value outside them is what a forged message sent
# (the widget, once drawn, would not hold it).
_FIXED_OPTIONS = {
    "period": {*DATE_PRESETS, CUSTOM},
    "intercepted": set(INTERCEPTED_CHOICES),
    "families": set(FAMILIES),
    "attributions": set(ATTRIBUTIONS),
    "event_types": set(EVENT_TYPES),
}
_TEXT_CHARS = 200


def sidebar_filters(today: dt.date) -> Filters:
    """What the sidebar's widgets select, read from session state: before they are drawn
    (the map goes first), values the widgets would refuse are left out."""
    ss = st.session_state
    values = {name: ss.get(key) for name, key in KEYS.items()}
    for name, options in _FIXED_OPTIONS.items():
        value = values[name]
        if isinstance(value, (list, tuple)):
            values[name] = [v for v in value if isinstance(v, str) and v in options]
        elif not (isinstance(value, str) and value in options):
            values[name] = None
    for name in ("actors", "countries"):
        values[name] = [v for v in values[name] or () if isinstance(v, str)]
    values["text"] = str(values["text"] or "")[:_TEXT_CHARS]
    return filters_from_widgets(values, today)


def _period_changed() -> None:
    """Switching to a custom range starts from the range shown so far, not from empty boxes."""
    ss = st.session_state
    if ss.get(KEYS["period"]) == CUSTOM:
        f = current_view().filters
        ss[KEYS["from"]], ss[KEYS["to"]] = f.date_from, f.date_to
