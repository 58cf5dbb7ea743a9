"""The filter sidebar, shared by the map and the Incidents table.

Widgets have fixed session-state keys (:data:`ui.state.KEYS`) and no
``value=``/``default=`` of their own: :func:`ui.state.begin` puts the view
read from the URL into session state before they are created, so a link
reopens with the same widgets set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import streamlit as st

from geo.actors import FAMILIES
from geo.places.countries import COUNTRIES
from geo.view.filters import DATE_PRESETS, Filters
from geo.incidents import ATTRIBUTIONS, EVENT_TYPES
from ui.data import Dataset
from ui.state import CUSTOM, INTERCEPTED_CHOICES, KEYS, clear_filters, current_view, filters_from_widgets, keep_widgets

__all__ = ["country_name", "filter_sidebar", "sidebar_filters"]

_COUNTRY_NAMES = {c.iso2: c.name for c in COUNTRIES}


def country_name(code: str) -> str:
    return f"{_COUNTRY_NAMES.get(code, code)} ({code})"


def filter_sidebar(dataset: Dataset, today: dt.date) -> Filters:
    """Draw the filters in the sidebar and return what they select.

    Each widget is created with the value it holds now as its default (:func:`_now`), though
    session state decides its value: Streamlit tells the browser a value set through session
    state only in the run that set it, and a browser that first draws a widget from a later
    run's message starts it at that message's default. Under load (five viewers preparing
    downloads) browsers sent "Last 7 days" and empty dates with their next click, the defaults
    of every run after the link's (most likely: the sidebar drawn from the timeline's run, a
    second later, not the link's): the page then showed a week, or all time, instead of the
    link's period. With the value in every run's message, any run the browser draws first
    shows the filter the page uses.
    """
    ss = st.session_state
    periods = [*DATE_PRESETS, CUSTOM]
    with st.sidebar:
        st.header("Filters")
        if not sidebar_filters(today).is_empty():
            st.button(
                "Clear all filters", key="ia_clear_filters_sidebar", on_click=clear_filters, args=(today,),
                icon=":material/filter_alt_off:", type="tertiary",
            )
        st.selectbox(
            "Period",
            periods,
            index=_index(periods, _now("period"), default="All time"),
            key=KEYS["period"],
            on_change=_period_changed,
            help=f"Presets count back from today, {today.isoformat()} (GEO_TODAY when set).",
        )
        if ss.get(KEYS["period"]) == CUSTOM:
            # One above the other: side by side, a 300 px sidebar left each box 46 px of text
            # and a date read "2021" or "-06-30". An empty box (None) means "open-ended".
            # Explicit bounds: Streamlit's own count ten years from the value, which here changes
            # with the filter; these are the ones it gives an empty box.
            for label, name in (("From", "from"), ("To", "to")):
                day = _now(name) if isinstance(_now(name), dt.date) else None
                low, high = _date_bounds(day)
                st.date_input(label, value=day, min_value=low, max_value=high, key=KEYS[name], format="YYYY-MM-DD")
        # Options always include what the link selected, so a value the data lacks
        # (a country with no incidents yet) shows as selected instead of erroring.
        st.multiselect(
            "Actor family", list(FAMILIES), format_func=FAMILIES.__getitem__, key=KEYS["families"],
            default=_chosen("families", FAMILIES), placeholder="Any family",
            help="Which side the actor is on: Iran-aligned militias, Iran, US, coalition, ISIS, other or unknown.",
        )  # fmt: skip
        actors = list(dict.fromkeys([*dataset.actors, *ss.get(KEYS["actors"], [])]))
        st.multiselect(
            "Actor group (claimed or blamed)", actors, default=_chosen("actors", actors), key=KEYS["actors"],
            placeholder="Any actor",
        )
        st.multiselect(
            "Attribution",
            list(ATTRIBUTIONS),
            format_func=lambda key: ATTRIBUTIONS.get(key, key),  # never a KeyError, whatever a client sends
            default=_chosen("attributions", ATTRIBUTIONS),
            key=KEYS["attributions"],
            placeholder="Any attribution",
        )
        st.multiselect(
            "Event type", list(EVENT_TYPES), format_func=lambda key: EVENT_TYPES.get(key, key),
            key=KEYS["event_types"], default=_chosen("event_types", EVENT_TYPES), placeholder="Any type",
        )  # fmt: skip
        countries = sorted({*dataset.countries, *ss.get(KEYS["countries"], [])})
        st.multiselect(
            "Country", countries, default=_chosen("countries", countries), format_func=country_name,
            key=KEYS["countries"], placeholder="Any country",
        )
        choices = list(INTERCEPTED_CHOICES)
        st.radio(
            "Intercepted", choices, index=_index(choices, _now("intercepted"), default="Any"),
            key=KEYS["intercepted"], horizontal=True,
        )  # fmt: skip
        st.text_input(
            "Search text", value=str(_now("text") or "")[:_TEXT_CHARS], key=KEYS["text"],
            placeholder="summary, place, source…", max_chars=_TEXT_CHARS,
        )
    keep_widgets()
    return sidebar_filters(today)


def _now(name: str) -> object:
    """The value the ``name`` widget holds in session state (None when it has none)."""
    return st.session_state.get(KEYS[name])


def _index(options: list[str], value: object, *, default: str) -> int:
    return options.index(value if isinstance(value, str) and value in options else default)


def _chosen(name: str, options: Collection[str]) -> list[str]:
    """The ``name`` multiselect's values that are among ``options`` (a default outside them is an error)."""
    return _among(_now(name), options)


def _among(value: object, options: Collection[str]) -> list[str]:
    """The entries of ``value`` (a list or tuple; anything else selects nothing) that are among ``options``."""
    return [v for v in value if isinstance(v, str) and v in options] if isinstance(value, (list, tuple)) else []


def _date_bounds(day: dt.date | None) -> tuple[dt.date, dt.date]:
    """A date box's range: ten years either side of the real date (not GEO_TODAY), as Streamlit
    chose for an empty box, widened to take ``day``."""
    real = dt.date.today()
    low, high = _years(real, -10), _years(real, 10)
    return (min(low, day), max(high, day)) if day else (low, high)


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
            values[name] = _among(value, options)
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
