"""Incident Atlas: turn a news report into reviewed incidents.

Paste a report or upload a .txt/.html file, give its publication date (every
"on Wednesday" is resolved against it), review the proposed incidents with
the words that support them highlighted, correct them, and save: saving
merges them with the stored incidents (same attack -> one more source).
A place the gazetteer does not know can be added to it from here as a team
site (:mod:`geo.places.teamsites`); the report is then extracted again.

All report text is untrusted: it reaches the page escaped (``html.escape``
inside the highlight markup, :func:`ui.common.md_escape` in Markdown, or as
plain data in tables), never as markup.
"""

from __future__ import annotations

import datetime as dt
import html
import io

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.places import teamsites
from geo.actors import FAMILIES
from geo.errors import GeoError, ValidationError
from geo.reports.extract import extract, split_sentences
from geo.reports.extract.multilingual import reading_label
from geo.places.gazetteer import KINDS
from geo.incidents import ATTRIBUTIONS, DATE_PRECISIONS, EVENT_TYPES, Source, incident_problems
from geo.reports.merge import merge
from geo.reports.pubdate import text_publication_date
from geo.reports.text import MAX_BYTES, clean_text
from ui import common
from ui.assets import vendor_assets
from ui.auth import require_editor, sign_out_control
from ui.data import get_store, reference_today
from ui.cards import cards_html
from ui.maplayers import FitBounds, base_map, extent_of, point_layer
from ui.proposals import PHONE_INTRO, proposal_cards
from ui.sites import load_gazetteer
from ui.style import GRID_CLASS, NARROW_ONLY

common.page_setup("Ingest")
st.title("Ingest a report")
# Ingesting writes to the store: editors only. Viewers get the sign-in prompt and nothing else.
editor = require_editor("ingest reports")
sign_out_control()
st.caption(
    "Paste a news report or upload it, set its publication date (left empty, the date the report states at its "
    "top is used, and the page says so), then review the incidents it describes. Nothing is stored until you "
    "press Save."
)

_KEY = "ia_ingest"
_PAGE_DATE = f"{_KEY}_published_used"  # the publication date an extraction used, put in the field on the rerun
_LIMIT_MB = MAX_BYTES // (1024 * 1024)
_FLASH = f"{_KEY}_site_added"  # what the last "Add to gazetteer" did, shown after the rerun
_EDIT_COLUMNS = [
    "save", "date", "date_precision", "event_type", "intercepted", "site_name", "site_id", "lat", "lon",
    "geo_precision", "country", "actor", "actor_family", "attribution", "attributed_by", "munitions", "killed",
    "injured", "damage",
]  # fmt: skip
# Shown beside the editable fields, never saved: how sure the extractor is, and why not more.
_CONFIDENCE_COLUMNS = ["confidence", "why"]
PROPOSALS_MAX_ZOOM = 8  # one proposal alone: its base and the towns around it
_MARK = {
    "date": "#ffe08a", "place": "#a6d8ff", "event_type": "#ffb3a7", "munitions": "#d7c4ff", "intercepted": "#c4f0c4",
    "killed": "#ff9aa2", "injured": "#ffc8a2", "actor": "#e0e0e0", "attribution": "#f5d0ff",
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
                f'<mark title="{html.escape(name)}" style="background:{colour}">{html.escape(text[start : min(end, s_end)])}</mark>'
            )
            pos = min(end, s_end)
        parts.append(html.escape(text[pos:s_end]))
        out.append("".join(parts))
    return "<p>" + "</p><p>".join(out) + "</p>"


def _read_input(
    pasted: str, upload, published: dt.date | None, today: dt.date
) -> tuple[str, tuple[str, ...], dt.date | None]:
    """The report's text, the notes to show, and its publication date: the reviewer's, else the one
    a saved page's metadata gives, else the one the report's opening states (dateline, "Published"
    line: :func:`geo.reports.pubdate.text_publication_date`), each said so; else None (the caller asks)."""
    if upload is not None:
        clean = clean_text(upload.getvalue(), filename=upload.name)
    else:
        clean = clean_text(pasted)
    # A saved page's headline and metadata date are shown, not extracted from.
    shown = (f"Headline: {clean.title}",) if clean.title else ()
    own, source = _iso_date(clean.date), "the publication date in the page's metadata"
    if own is None:
        found = text_publication_date(clean.text, today=today)
        if found.date is not None:
            own, source = found.date.date, f"from {found.date.where} “{found.date.words}”"
            if found.date.year_assumed:
                source += f" (it gives no year: {own.year} is the latest year in which that day is not after today)"
        elif found.found and published is None:
            shown += ("The report's opening gives more than one date ("
                      + "; ".join(f"{f.date} in {f.where}" for f in found.found) + "): set 'Published' to the "
                      "day it was published.",)  # fmt: skip
    if published is None and own is not None:
        published = own
        shown += (f"'Published' is set to {own}, {source}; "
                  "correct it and extract again if the report is from another day.",)  # fmt: skip
    elif own is not None and own != published:
        shown += (f"The report gives {own} as its publication date ({source}); set 'Published' to it if it differs.",)
    return clean.text, (*clean.notes, *shown), published


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _forget_cards() -> None:
    """Drop the phone cards' "Save this incident" boxes: they belong to the previous extraction."""
    for key in [k for k in st.session_state if str(k).startswith(f"{_KEY}_keep_")]:
        del st.session_state[key]


# --- input ---------------------------------------------------------------------------------

if _PAGE_DATE in st.session_state:  # the date the last extraction used, shown in the field it was taken for
    st.session_state[f"{_KEY}_published"] = st.session_state.pop(_PAGE_DATE)

with st.form(f"{_KEY}_form"):
    pasted = st.text_area("Report text", height=220, key=f"{_KEY}_text", max_chars=2_000_000)
    # The reader's own limit, stated on the uploader (not Streamlit's default 200 MB); clean_text
    # still refuses a larger file with a clear message.
    upload = st.file_uploader(
        f"…or upload a .txt or .html file (up to {_LIMIT_MB} MB)", type=["txt", "html", "htm"], key=f"{_KEY}_file",
        max_upload_size=_LIMIT_MB,
    )
    c1, c2, c3 = st.columns([1, 1, 2])
    # No default: today's date silently resolved every "on Wednesday" of an old report against the wrong day.
    published = c1.date_input(
        "Published", value=None, key=f"{_KEY}_published", format="YYYY-MM-DD",
        help="The report's publication date: relative dates in it ('on Wednesday') are resolved against it. "
        "Left empty, the report's own date is used when it states one (a saved page's metadata, a dateline "
        "or a 'Published' line at the top); the page says where it came from.",
    )  # fmt: skip
    outlet = c2.text_input("Outlet", key=f"{_KEY}_outlet", max_chars=200)
    url = c3.text_input("URL", key=f"{_KEY}_url", max_chars=2000)
    go = st.form_submit_button("Extract incidents", type="primary")

if go and upload is None and not pasted.strip():
    # Not the reader's "input is empty": say what to do.
    st.session_state.pop(_KEY, None)
    st.error("There is no report to read: paste its text in the box above, or upload a .txt or .html file.")
elif go:
    try:
        field_empty = published is None
        text, notes, published = _read_input(pasted, upload, published, reference_today())
        if published is None:
            st.session_state.pop(_KEY, None)
            for note in notes:  # what was read, and any dates the report's opening gives that disagree
                st.info(common.md_escape(note))
            st.error(
                "Set the report's publication date ('Published') first: every relative date in it "
                "('on Wednesday', 'yesterday') is resolved against that day."
            )
        else:
            gazetteer = load_gazetteer()
            result = extract(text, published=published, outlet=outlet, url=url, gazetteer=gazetteer)
            st.session_state[_KEY] = {"text": text, "notes": notes, "result": result, "published": published,
                                      "outlet": outlet, "url": url}  # fmt: skip
            _forget_cards()
            if field_empty:  # the page's own date was used: the rerun shows it in the "Published" field
                st.session_state[_PAGE_DATE] = published
                st.rerun()
    except GeoError as exc:
        st.session_state.pop(_KEY, None)
        st.error(common.md_escape(exc))

state = st.session_state.get(_KEY)
if not state:
    st.stop()

text, result = state["text"], state["result"]
for note in (*state["notes"], *result.notes):
    st.info(common.md_escape(note))
flash = st.session_state.pop(_FLASH, None)
if flash:
    st.success(flash["message"])
    st.download_button(
        "Download the gazetteer row", flash["csv"], file_name=flash["file"], mime="text/csv", key=f"{_KEY}_added_row"
    )

# --- review --------------------------------------------------------------------------------

# Weakest first: reviewers start where the extractor guessed (geo.reports.extract.confidence).
cands = sorted(result.candidates, key=lambda c: c.confidence.overall)
st.subheader(common.counted(len(cands), "proposed incident"))
# The report's language and how it was read (a gloss is rough; an unsupported language is not read).
(st.warning if result.reading == "none" else st.caption)(reading_label(result.language, result.reading))
if result.gloss:
    st.expander("The English gloss the rules read").text(result.gloss)  # st.text: shown as plain text
if cands:
    st.caption(
        "Sorted by confidence, weakest first. Confidence (0–1) weighs how the place, the date and the attribution "
        "were found: a province or a country, a missing date or blame carried from another sentence lower it."
    )
    rows = pd.DataFrame(
        [
            {
                "save": True,
                "confidence": cand.confidence.overall,
                "why": "; ".join(cand.confidence.reasons),
                **{c: getattr(cand, c) for c in _EDIT_COLUMNS[1:]},
            }
            for cand in cands
        ],
        columns=[_EDIT_COLUMNS[0], *_CONFIDENCE_COLUMNS, *_EDIT_COLUMNS[1:]],
    )
    # On a phone the table gives way to cards (ui.proposals), each with its own "save" box.
    grid = st.container(key=f"{GRID_CLASS}_{_KEY}")
    edited = grid.data_editor(
        rows,
        key=f"{_KEY}_editor",
        hide_index=True,
        num_rows="fixed",
        column_config={
            "save": st.column_config.CheckboxColumn("save"),
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", required=True),
            "date_precision": st.column_config.SelectboxColumn(
                "date precision", options=list(DATE_PRECISIONS), required=True
            ),
            "event_type": st.column_config.SelectboxColumn("type", options=list(EVENT_TYPES), required=True),
            "geo_precision": st.column_config.SelectboxColumn("geo precision", options=[1, 2, 3, 4], required=True),
            "attribution": st.column_config.SelectboxColumn("attribution", options=list(ATTRIBUTIONS), required=True),
            "actor_family": st.column_config.SelectboxColumn("actor family", options=list(FAMILIES), required=True),
            "confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.2f"),
            "why": st.column_config.TextColumn("why not higher"),
            "lat": st.column_config.NumberColumn("lat", min_value=-90.0, max_value=90.0, format="%.4f"),
            "lon": st.column_config.NumberColumn("lon", min_value=-180.0, max_value=180.0, format="%.4f"),
            "munitions": st.column_config.NumberColumn("munitions", min_value=0, step=1),
            "killed": st.column_config.NumberColumn("killed", min_value=0, step=1),
            "injured": st.column_config.NumberColumn("injured", min_value=0, step=1),
        },
        disabled=["site_name", *_CONFIDENCE_COLUMNS],
    )
    with st.container(key=f"{NARROW_ONLY}_{_KEY}_cards"):
        st.caption(PHONE_INTRO)
        for i, card in enumerate(proposal_cards(edited, [c.place_method for c in cands])):
            st.html(cards_html([card]))
            st.checkbox("Save this incident", value=True, key=f"{_KEY}_keep_{i}")

    fmap = base_map(vendor_assets(st.get_option("server.baseUrlPath") or ""), center=(34.0, 42.0), zoom=5)
    points = [
        {"lat": r.lat, "lon": r.lon, "label": f"{r.date} {r.event_type} - {r.site_name}"} for r in edited.itertuples()
    ]
    fmap.add_child(point_layer(points, name="Proposed incidents"))
    # Open on the proposals (a report about Jordan or Qatar too), fitted once the frame has a size.
    extent = extent_of(edited["lat"], edited["lon"])
    if extent is not None:
        fmap.add_child(FitBounds(extent, max_zoom=PROPOSALS_MAX_ZOOM))
    st_folium(fmap, key=f"{_KEY}_map", height=380, use_container_width=True, returned_objects=[])

    for i, cand in enumerate(cands):
        label = (
            f"{i + 1}. {cand.date} · {cand.event_type} · {cand.site_name} ({cand.place_method})"
            f" · confidence {cand.confidence.overall:.2f}"
        )
        with st.expander(common.md_escape(label)):
            conf = cand.confidence
            st.caption(
                f"confidence: place {conf.place:.2f} · date {conf.date:.2f} · attribution {conf.attribution:.2f}"
                + (f" — {common.md_escape('; '.join(conf.reasons))}" if conf.reasons else "")
            )
            who = f"**{common.md_escape(cand.actor)}** ({cand.attribution}" + (
                f", by {common.md_escape(cand.attributed_by)})" if cand.attributed_by else ")"
            )
            if cand.attribution_evidence:
                st.markdown(f"Actor {who} from: “{common.md_escape(cand.attribution_evidence)}”")
            else:
                st.markdown(f"Actor {who}: no sentence of the report names who did it.")
            st.markdown(highlighted_html(text, cand.evidence_spans), unsafe_allow_html=True)

    def _incidents_to_save():
        source = Source(outlet=state["outlet"] or "pasted report", url=state["url"], published=state["published"])
        out, problems = [], []
        for i, (cand, row) in enumerate(zip(cands, edited.itertuples())):
            if not (row.save and st.session_state.get(f"{_KEY}_keep_{i}", True)):  # the table's box, or a card's
                continue
            changes = {c: getattr(row, c) for c in _EDIT_COLUMNS[1:] if c != "site_name"}
            for name in ("munitions", "killed", "injured"):
                value = changes[name]
                changes[name] = None if value is None or pd.isna(value) else int(value)
            changes["date"] = pd.Timestamp(changes["date"]).date()
            changes["lat"], changes["lon"] = float(changes["lat"]), float(changes["lon"])
            changes["geo_precision"] = int(changes["geo_precision"])
            changes["site_id"] = changes["site_id"] or None
            if changes["actor"] != cand.actor and changes["actor_family"] == cand.actor_family:
                changes["actor_family"] = ""  # a corrected actor brings its own family, unless that was corrected too
            inc = cand.to_incident(source).with_changes(**changes)
            # The one validation every importer, the Edit form and both stores apply.
            problems += [str(p) for p in incident_problems(inc, source="proposed incidents", row=i + 1)]
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


def _site_fields(name: str, values: dict) -> dict:
    """The gazetteer.csv row the form describes (validated by geo.places.teamsites.check_site)."""
    return {
        "id": values["id"].strip(), "name": name, "aliases": values["aliases"], "kind": values["kind"],
        "country": values["country"].strip().upper(), "admin1": values["admin1"], "lat": values["lat"],
        "lon": values["lon"], "precision_m": int(values["precision"]), "source": values["source"],
        "notes": values["notes"],
    }  # fmt: skip


def _csv_row(site) -> str:
    buf = io.StringIO()
    teamsites.write_csv([site], buf)
    return buf.getvalue()


def _problems_markdown(exc: ValidationError, *, adding: bool) -> str:
    """Every problem on a line of its own (report text is untrusted: escaped)."""
    lines = [f"- {common.md_escape(p.field or 'row')}: {common.md_escape(p.reason)}" for p in exc.problems]
    head = "The site was not added:" if adding else "The row has problems:"
    return head + "\n" + "\n".join(lines)


if result.unresolved_places:
    st.subheader("Places not in the gazetteer")
    st.caption(
        "Add a site and the name resolves from now on, for every editor and the command line: this report is "
        "extracted again at once. The site is validated like a row of the curated gazetteer.csv and kept in the "
        "store as a team site; curators can download the row (or export every team site) to fold it into the CSV."
    )
    name = st.selectbox("Place", result.unresolved_places, key=f"{_KEY}_unresolved")
    with st.form(f"{_KEY}_site_form"):
        c1, c2, c3 = st.columns(3)
        values = {
            "id": c1.text_input("id (slug)", value=teamsites.suggest_id(name), max_chars=teamsites.MAX_ID_LENGTH),
            "kind": c2.selectbox("kind", sorted(KINDS), index=sorted(KINDS).index("town")),
            "country": c3.text_input("country (ISO2)", max_chars=2),
        }
        c4, c5, c6 = st.columns(3)
        values["lat"] = c4.number_input("lat", min_value=-90.0, max_value=90.0, value=0.0, format="%.5f")
        values["lon"] = c5.number_input("lon", min_value=-180.0, max_value=180.0, value=0.0, format="%.5f")
        values["precision"] = c6.number_input("precision (m)", min_value=1, value=2000, step=500)
        values["aliases"] = st.text_input("aliases (other spellings, separated by |)", max_chars=1000)
        values["admin1"] = st.text_input("admin1 (province)", max_chars=100)
        values["source"] = st.text_input("source of the coordinates", max_chars=300)
        values["notes"] = st.text_input("notes", max_chars=500)
        b1, b2 = st.columns(2)
        check = b1.form_submit_button("Check the new site")
        add = b2.form_submit_button("Add to gazetteer", type="primary")
    if check or add:
        fields = _site_fields(name, values)
        try:
            gazetteer = load_gazetteer()
            if add:
                added = teamsites.add_site(get_store(), fields, user=editor, curated=gazetteer.curated_sites)
            else:
                # Against the team sites too: a row that clashes with one would be refused on adding.
                site = teamsites.check_site(fields, existing=gazetteer.sites)
        except ValidationError as exc:
            st.error(_problems_markdown(exc, adding=add))
        except GeoError as exc:
            st.error(common.md_escape(exc))
        else:
            if add:
                # The gazetteer's cache is keyed on the team sites' version: this loads the new site.
                gazetteer = load_gazetteer()
                try:
                    again = extract(text, published=state["published"], outlet=state["outlet"], url=state["url"],
                                    gazetteer=gazetteer)  # fmt: skip
                except GeoError as exc:  # the text was extracted once already; this would be a bug
                    st.error(common.md_escape(exc))
                    st.stop()
                resolved = sum(1 for c in again.candidates if c.site_id == added.site.id)
                st.session_state[_KEY] = {**state, "result": again}
                st.session_state[_FLASH] = {
                    # Markdown: only what the editor typed is escaped, so the sentence reads as written.
                    "message": (
                        f"Added {common.md_escape(added.site.name)} ({common.md_escape(added.site.id)}, "
                        f"{added.site.country}) to the gazetteer as a team site. The report was extracted again: "
                        f"{common.counted(len(again.candidates), 'proposed incident')}, {resolved} placed at the new site."
                    ),
                    "csv": _csv_row(added.site),
                    "file": f"{added.site.id}.csv",
                }
                # The review table and the place list belong to the previous extraction.
                for key in (f"{_KEY}_editor", f"{_KEY}_unresolved"):
                    st.session_state.pop(key, None)
                _forget_cards()
                st.rerun()
            st.success(
                "The row is valid. Add it to the gazetteer here, or download it for gazetteer.csv "
                "(the curated file is reviewed by hand)."
            )
            st.download_button(
                "Download the gazetteer row", _csv_row(site), file_name=f"{site.id}.csv", mime="text/csv"
            )
