"""Incident Atlas: what the data means (fields, precision codes, attribution, sourcing)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.actors import FAMILIES
from geo.incidents import ATTRIBUTIONS, DATE_PRECISIONS, EVENT_TYPES, FIELDS, GEO_PRECISIONS, STATUSES
from ui import common

# One line per field of geo.incidents.FIELDS; a test checks none is missing.
FIELD_MEANINGS = {
    "id": "Stable identifier derived from date, place and event type, so re-importing never duplicates.",
    "date": "Day of the attack (first day of the week or month when only that is known).",
    "date_precision": "How exact the date is: " + ", ".join(DATE_PRECISIONS) + " (ACLED's time_precision 1/2/3).",
    "site_id": "Gazetteer site the incident is placed at, when it is one of the curated sites.",
    "location": "Place as the reports name it.",
    "lat": "Latitude (WGS84) of the point drawn on the map.",
    "lon": "Longitude (WGS84) of the point drawn on the map.",
    "geo_precision": "How exact the point is (see the precision codes below).",
    "country": "ISO 3166-1 alpha-2 country code.",
    "admin1": "Province / governorate.",
    "event_type": "Kind of attack: " + ", ".join(EVENT_TYPES.values()) + ".",
    "intercepted": "True when the projectiles or drones were shot down before impact.",
    "actor": "Who carried out the attack: the claimant, or whom officials blame ('Unknown' when nobody).",
    "actor_family": "The side the actor is on (see actor families below).",
    "attribution": "How the actor is known (see attribution below).",
    "attributed_by": "Who makes the attribution: the group itself, a ministry, US officials…",
    "target": "What was attacked, as reported.",
    "munitions": "Number of rockets, drones or shells. Empty means no source states it; 0 only when one says none.",
    "killed": "People killed. Empty means unknown, never zero.",
    "injured": "People injured. Empty means unknown, never zero.",
    "damage": "Damage as reported.",
    "summary": "One or two sentences summarising the reports.",
    "sources": "The reports: outlet, link, publication date, title, and the figures each report gives.",
    "status": "Review state: " + ", ".join(STATUSES) + ".",
}

common.page_setup("About")
st.title("About the data")

st.markdown(
    "Each incident is one attack (rocket, drone, missile, indirect fire…) on a site in Iraq, Syria or a "
    "neighbouring country, compiled from news reports. An incident keeps **every report** that describes it "
    "as news (a later story that recalls it in passing is not a source), with the figures *that* report gives, "
    "so conflicting numbers (five rockets or eight) stay visible instead of one silently replacing the other. "
    "Places are resolved against a curated gazetteer of bases, airports and towns (see the Gazetteer page); "
    "the field meanings follow ACLED's codebook where one exists."
)

# Static tables, not data grids: a grid keeps each row one line high and cut the meanings off at a
# phone's width (its toolbar also covered the next heading); a table wraps them.
st.subheader("Fields")
st.table(pd.DataFrame({"field": list(FIELDS), "meaning": [FIELD_MEANINGS[f] for f in FIELDS]}).set_index("field"))

st.subheader("Location precision codes")
st.table(
    pd.DataFrame({"code": list(GEO_PRECISIONS), "the point is": list(GEO_PRECISIONS.values())}).set_index("code")
)

st.subheader("Attribution")
st.markdown(
    "\n".join(f"- **{common.md_escape(label)}** (`{key}`)" for key, label in ATTRIBUTIONS.items())
    + "\n\n*Claimed*: the group says it did it. *Blamed*: officials (a government, a military) name the actor "
    "without a claim. *Suspected*: reports point at an actor without an official statement. *Unknown*: nobody is "
    "named; the actor is then 'Unknown'."
)

st.subheader("Actor families")
st.markdown(
    "\n".join(f"- **{common.md_escape(label)}** (`{key}`)" for key, label in FAMILIES.items())
    + "\n\nEvery actor belongs to one family: the Islamic Resistance in Iraq and its member groups (Kataib "
    "Hezbollah, Harakat al-Nujaba, Kataib Sayyid al-Shuhada, Saraya Awliya al-Dam…), Lebanese Hezbollah and the "
    "Houthis are Iran-aligned militias; the IRGC is Iran; US forces (and \"the coalition\" when no member is "
    "named) are US; a named coalition body or a non-US member is Coalition; the Islamic State is ISIS; anyone "
    "else named is Other. The map colours incidents by family; the sidebar filters by family and by group."
)

st.subheader("Unknown is not zero")
st.markdown(
    "Casualty and munition counts are empty when no source gives them. Headline numbers add up only the known "
    'figures and say how many incidents are unknown ("+3 unknown").'
)
