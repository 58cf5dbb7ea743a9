"""Incident Atlas: turn a news report into reviewed incidents.

Paste a report or upload a .txt/.html file, give its publication date (every
"on Wednesday" is resolved against it), review the proposed incidents with
the words that support them highlighted, correct them, and save: saving
merges them with the stored incidents (same attack -> one more source).

All report text is untrusted: it reaches the page escaped (``html.escape``
inside the highlight markup, :func:`ui.common.md_escape` in Markdown, or as
plain data in tables), never as markup.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import GeoError, ValidationError
from geo.extract import extract, split_sentences
from geo.gazetteer import KINDS, parse_sites
from geo.incidents import ATTRIBUTIONS, DATE_PRECISIONS, EVENT_TYPES, Source, validate_incident
from geo.merge import merge
from geo.textin import clean_text
from ui import common
from ui.auth import require_editor, sign_out_control
from ui.assets import vendor_assets
from ui.data import get_store
from ui.maplayers import base_map, point_layer
from ui.sites import load_gazetteer

common.page_setup("Ingest")
st.title("Ingest a report")
# Ingesting writes to the store: editors only. Viewers get the sign-in prompt and nothing else.
editor = require_editor("ingest reports")
sign_out_control()
st.caption(
    "Paste a news report or upload it, set its publication date, then review the incidents it describes. "
    "Nothing is stored until you press Save."
)

_KEY = "ia_ingest"
_EDIT_COLUMNS = [
    "save", "date", "date_precision", "event_type", "intercepted", "site_name", "site_id", "lat", "lon",
    "geo_precision", "country", "actor", "attribution", "attributed_by", "munitions", "killed", "injured", "damage",
]  # fmt: skip
_MARK = {
    "date": "#ffe08a", "place": "#a6d8ff", "event_type": "#ffb3a7", "munitions": "#d7c4ff", "intercepted": "#c4f0c4",
    "killed": "#ff9aa2", "injured": "#ffc8a2", "actor": "#e0e0e0",
}  # fmt: skip


def highlighted_html(text: str, spans) -> str:
    """The sentences of ``text`` that hold ``spans``, HTML-escaped, the spans wrapped in <mark>."""
    marks = sorted({(s, e, f) for f, s, e in spans}, key=lambda t: (t[0], -t[1]))
    out = []
    for s_start, s_end in split_sentences(text):
        inside = [m for m in marks if s_start <= m[0] < s_end]
        if not inside:
            continue
        pos, parts = s_start, []
        for start, end, name in inside:
            if start < pos:
                continue  # overlapping span: the first one wins
            parts.append(html.escape(text[pos:start]))
            colour = _MARK.get(name, "#eeeeee")
            parts.append(
                f'<mark title="{html.escape(name)}" style="background:{colour}">{html.escape(text[start:min(end, s_end)])}</mark>'
            )
            pos = min(end, s_end)
        parts.append(html.escape(text[pos:s_end]))
        out.append("".join(parts))
    return "<p>" + "</p><p>".join(out) + "</p>"


def _read_input(pasted: str, upload) -> tuple[str, tuple[str, ...]]:
    if upload is not None:
        clean = clean_text(upload.getvalue(), filename=upload.name)
    else:
        clean = clean_text(pasted)
    return clean.text, clean.notes


# --- input ---------------------------------------------------------------------------------

with st.form(f"{_KEY}_form"):
    pasted = st.text_area("Report text", height=220, key=f"{_KEY}_text", max_chars=2_000_000)
    upload = st.file_uploader("…or upload a .txt or .html file", type=["txt", "html", "htm"], key=f"{_KEY}_file")
    c1, c2, c3 = st.columns([1, 1, 2])
    published = c1.date_input("Published", value=dt.date.today(), key=f"{_KEY}_published", format="YYYY-MM-DD")
    outlet = c2.text_input("Outlet", key=f"{_KEY}_outlet", max_chars=200)
    url = c3.text_input("URL", key=f"{_KEY}_url", max_chars=2000)
    go = st.form_submit_button("Extract incidents", type="primary")

if go:
    try:
        text, notes = _read_input(pasted, upload)
        gazetteer = load_gazetteer()
        result = extract(text, published=published, outlet=outlet, url=url, gazetteer=gazetteer)
        st.session_state[_KEY] = {"text": text, "notes": notes, "result": result, "published": published,
                                  "outlet": outlet, "url": url}  # fmt: skip
    except GeoError as exc:
        st.session_state.pop(_KEY, None)
        st.error(common.md_escape(exc))

state = st.session_state.get(_KEY)
if not state:
    st.stop()

text, result = state["text"], state["result"]
for note in (*state["notes"], *result.notes):
    st.info(common.md_escape(note))

# --- review --------------------------------------------------------------------------------

cands = list(result.candidates)
st.subheader(f"{len(cands)} proposed incident(s)")
if cands:
    rows = pd.DataFrame(
        [{"save": True, **{c: getattr(cand, c) for c in _EDIT_COLUMNS[1:]}} for cand in cands], columns=_EDIT_COLUMNS
    )
    edited = st.data_editor(
        rows,
        key=f"{_KEY}_editor",
        hide_index=True,
        num_rows="fixed",
        column_config={
            "save": st.column_config.CheckboxColumn("save"),
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", required=True),
            "date_precision": st.column_config.SelectboxColumn("date precision", options=list(DATE_PRECISIONS), required=True),
            "event_type": st.column_config.SelectboxColumn("type", options=list(EVENT_TYPES), required=True),
            "geo_precision": st.column_config.SelectboxColumn("geo precision", options=[1, 2, 3, 4], required=True),
            "attribution": st.column_config.SelectboxColumn("attribution", options=list(ATTRIBUTIONS), required=True),
            "lat": st.column_config.NumberColumn("lat", min_value=-90.0, max_value=90.0, format="%.4f"),
            "lon": st.column_config.NumberColumn("lon", min_value=-180.0, max_value=180.0, format="%.4f"),
            "munitions": st.column_config.NumberColumn("munitions", min_value=0, step=1),
            "killed": st.column_config.NumberColumn("killed", min_value=0, step=1),
            "injured": st.column_config.NumberColumn("injured", min_value=0, step=1),
        },
        disabled=["site_name"],
    )

    fmap = base_map(vendor_assets(st.get_option("server.baseUrlPath") or ""), center=(34.0, 42.0), zoom=5)
    points = [{"lat": r.lat, "lon": r.lon, "label": f"{r.date} {r.event_type} - {r.site_name}"} for r in edited.itertuples()]
    fmap.add_child(point_layer(points, name="Proposed incidents"))
    st_folium(fmap, key=f"{_KEY}_map", height=380, use_container_width=True, returned_objects=[])

    for i, cand in enumerate(cands):
        label = f"{i + 1}. {cand.date} · {cand.event_type} · {cand.site_name} ({cand.place_method})"
        with st.expander(common.md_escape(label)):
            st.markdown(highlighted_html(text, cand.evidence_spans), unsafe_allow_html=True)

    def _incidents_to_save():
        source = Source(outlet=state["outlet"] or "pasted report", url=state["url"], published=state["published"])
        out, problems = [], []
        for i, (cand, row) in enumerate(zip(cands, edited.itertuples())):
            if not row.save:
                continue
            changes = {c: getattr(row, c) for c in _EDIT_COLUMNS[1:] if c != "site_name"}
            for name in ("munitions", "killed", "injured"):
                value = changes[name]
                changes[name] = None if value is None or pd.isna(value) else int(value)
            changes["date"] = pd.Timestamp(changes["date"]).date()
            changes["lat"], changes["lon"] = float(changes["lat"]), float(changes["lon"])
            changes["geo_precision"] = int(changes["geo_precision"])
            changes["site_id"] = changes["site_id"] or None
            inc = cand.to_incident(source).with_changes(**changes)
            reasons = validate_incident(inc)
            if reasons:
                problems.append(f"row {i + 1}: " + "; ".join(reasons))
            out.append(inc)
        return out, problems

    if st.button("Save checked incidents", type="primary", key=f"{_KEY}_save"):
        incidents, problems = _incidents_to_save()
        if problems:
            st.error(common.md_escape(" | ".join(problems)))
        elif not incidents:
            st.warning("Nothing checked to save.")
        else:
            try:
                store = get_store()
                plan = merge(store.all(), incidents)
                counts = store.upsert_many(plan.incidents(), user=editor)
                st.success(
                    f"Saved: {counts['added']} added, {counts['updated']} updated with this report as a new source, "
                    f"{len(plan.unchanged)} already known."
                )
            except GeoError as exc:
                st.error(common.md_escape(exc))
else:
    st.caption("No attack with a place and a date was found in this text.")

# --- places the gazetteer does not know -----------------------------------------------------

if result.unresolved_places:
    st.subheader("Places not in the gazetteer")
    st.caption("Add a site so that the next report naming it is placed. The row is validated like the curated CSV.")
    name = st.selectbox("Place", result.unresolved_places, key=f"{_KEY}_unresolved")
    with st.form(f"{_KEY}_site_form"):
        c1, c2, c3 = st.columns(3)
        site_id = c1.text_input("id (slug)", value=common.md_escape(name).lower().replace("\\", "").replace(" ", "-"), max_chars=80)
        kind = c2.selectbox("kind", sorted(KINDS), index=sorted(KINDS).index("town"))
        country = c3.text_input("country (ISO2)", max_chars=2)
        c4, c5, c6 = st.columns(3)
        lat = c4.number_input("lat", min_value=-90.0, max_value=90.0, value=0.0, format="%.5f")
        lon = c5.number_input("lon", min_value=-180.0, max_value=180.0, value=0.0, format="%.5f")
        precision = c6.number_input("precision (m)", min_value=1, value=2000, step=500)
        admin1 = st.text_input("admin1 (province)", max_chars=100)
        source_note = st.text_input("source of the coordinates", max_chars=300)
        add = st.form_submit_button("Check the new site")
    if add:
        row = [site_id, name, "", kind, country.upper(), admin1, str(lat), str(lon), str(int(precision)), source_note, ""]
        header = ["id", "name", "aliases", "kind", "country", "admin1", "lat", "lon", "precision_m", "source", "notes"]
        sites, problems = parse_sites([(1, header), (2, row)], "new site")
        if problems:
            st.error(common.md_escape(str(ValidationError(problems))))
        else:
            buf = io.StringIO()
            csv.writer(buf).writerows([header, row])
            st.success("The row is valid. Download it and add it to gazetteer.csv (the curated file is reviewed by hand).")
            st.download_button("Download the gazetteer row", buf.getvalue(), file_name=f"{sites[0].id}.csv", mime="text/csv")
