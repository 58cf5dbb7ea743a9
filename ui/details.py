"""The details panel of the selected incident, with its permalink.

Every free-text field comes from news reports and goes through ``st.text`` or
:func:`ui.common.md_escape`; source links only when :func:`ui.common.safe_url`
accepts them.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from geo.incidents import ATTRIBUTIONS, EVENT_TYPES, GEO_PRECISIONS, Source
from ui.common import copy_link, md_escape, md_link
from ui.sidebar import country_name

__all__ = ["figure_text", "incident_sources", "show_details"]


def figure_text(value) -> str:
    return "unknown" if value is None or value is pd.NA else f"{int(value):,}"


def incident_sources(row: pd.Series) -> list[Source]:
    try:
        return [Source.from_dict(d) for d in json.loads(row["sources"] or "[]")]
    except (ValueError, TypeError, AttributeError):
        return []


def show_details(row: pd.Series, *, permalink: str, on_clear=None, in_filters: bool = True) -> None:
    """Draw the panel for one frame row; ``on_clear`` is the "clear selection" callback."""
    with st.container(border=True):
        date = row["date"].strftime("%Y-%m-%d")
        precision = row["date_precision"]
        when = date if precision == "day" else f"{date} ({precision} precision)"
        # The type as the heading and the date under it: together they wrapped mid-date in a narrow panel.
        st.markdown(f"#### {md_escape(EVENT_TYPES.get(row['event_type'], row['event_type']))}\n**{md_escape(when)}**")
        if not in_filters:
            st.caption("This incident is outside the current filters, so it is not drawn on the map.")
        place = row["location"] or row["site_id"] or "(no place name)"
        st.markdown(
            f"**Place:** {md_escape(place)}, {md_escape(country_name(row['country']))}  \n"
            f"**Location precision:** {md_escape(GEO_PRECISIONS.get(int(row['geo_precision']), row['geo_precision']))}"
        )
        attribution = ATTRIBUTIONS.get(row["attribution"], row["attribution"])
        by = f" — by {md_escape(row['attributed_by'])}" if row["attributed_by"] else ""
        st.markdown(
            f"**Actor:** {md_escape(row['actor'])}  \n**Attribution:** {md_escape(attribution)}{by}  \n"
            f"**Intercepted:** {'yes' if row['intercepted'] else 'no'}"
        )
        st.markdown(
            " · ".join(
                f"**{label}:** {figure_text(row[name])}"
                for name, label in (("munitions", "Munitions"), ("killed", "Killed"), ("injured", "Injured"))
            )
        )
        for name, label in (("target", "Target"), ("damage", "Damage")):
            if row[name]:
                st.markdown(f"**{label}:** {md_escape(row[name])}")
        if row["summary"]:
            st.text(row["summary"])
        sources = incident_sources(row)
        if sources:
            lines = []
            for s in sources:
                figures = [
                    f"{n} {getattr(s, n)}" for n in ("munitions", "killed", "injured") if getattr(s, n) is not None
                ]
                tail = f" — {md_escape(', '.join(figures))}" if figures else ""
                lines.append(f"- {md_link(s.label, s.url)}{tail}")
            st.markdown("**Sources**\n" + "\n".join(lines))
        st.caption(f"Id {md_escape(row['id'])} · status {md_escape(row['status'])}")
        copy_link("Permalink to this incident", permalink)
        if on_clear is not None:
            st.button("Clear selection", on_click=on_clear, key="ia_clear_sel")
