"""The Incidents page's Edit tab: edit, merge, detach a source, delete and restore, history.

The whole section sits behind :func:`ui.auth.require_editor`: a viewer gets the
sign-in form and the script run stops there, so no write widget ever exists in
a viewer's session.

Nothing is overwritten silently. An incident's version is read when it is
opened into the form, and every write quotes it (``expected_version``). When
another editor saved in between, the store refuses; the section says who
changed the incident and when, and the form keeps what the editor typed until
they press Reload.

Writes run in widget callbacks: a callback runs before the script, so it may
reset the form's widgets (to the saved version) and the run that follows draws
the new data everywhere. Its outcome is a notice shown once at the top of the
section.

Report text reaches the page as table cells (drawn as text), through
:func:`st.text`, or through :func:`ui.common.md_escape`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from geo.errors import ConflictError, GeoError, NotFound
from geo.formats.importers import changed_fields
from geo.incidents import (
    ATTRIBUTIONS,
    DATE_PRECISIONS,
    EVENT_TYPES,
    FIELDS,
    GEO_PRECISIONS,
    STATUSES,
    Incident,
    Source,
    incident_problems,
)
from geo.reports.merge import combine, distance_km
from ui import auth, state
from ui.common import md_escape
from ui.data import get_store
from ui.details import figure_text
from ui.page import FilteredPage

__all__ = [
    "FORM_FIELDS",
    "Opened",
    "audit_changes",
    "editing_section",
    "form_values",
    "history_frame",
    "incident_from_form",
    "incident_label",
    "merge_candidates",
    "widget_key",
]

# The form's fields, in the order they are drawn; ``id`` and ``sources`` are not typed in.
FORM_FIELDS = (
    "date", "date_precision", "status", "location", "site_id", "admin1", "lat", "lon", "geo_precision",
    "country", "event_type", "intercepted", "actor", "attribution", "attributed_by",
    "munitions", "killed", "injured", "target", "damage", "summary",
)  # fmt: skip
FIGURES = ("munitions", "killed", "injured")
# The form's pick-one fields and their options. A stored value that is not an option (a row
# saved before today's rules) shows as an empty choice: Streamlit would otherwise show, and
# save, the first option in its place without a word.
_CHOICES: dict[str, tuple] = {
    "date_precision": DATE_PRECISIONS, "status": STATUSES, "geo_precision": tuple(GEO_PRECISIONS),
    "event_type": tuple(EVENT_TYPES), "attribution": tuple(ATTRIBUTIONS),
}  # fmt: skip
_TEXT_FIELDS = ("location", "admin1", "actor", "attributed_by", "target", "damage", "summary")
# The form shows coordinates to 6 decimals (~0.1 m); a browser may send that rounded text
# back for a field nobody touched, and that must not count as moving the incident.
_COORD_TOLERANCE = 5e-7
_DATES = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))  # date_input otherwise allows only ±10 years
_PICK_LIMIT = 500  # incidents offered in a picker; any other id can be typed in
_MERGE_DAYS = 31  # duplicates are looked for this many days either side
_MERGE_LIMIT = 50
_HISTORY_LIMIT = 50

_PICK = "ia_edit_pick"
_OPENED = "_ia_edit_opened"  # the Opened incident the form holds
_NOTICE = "_ia_edit_notice"  # (kind, text, details) of the last write, shown once
_MERGE_SEEN = "_ia_edit_merge_seen"  # (id, version) of the duplicate whose preview was shown
_CONFLICT = "another editor changed this incident since you opened it"
_MERGE_CONFLICT = "one of the two incidents changed since you looked at it; check the preview and merge again"
_ACTION_WORDS = {"update": "changed", "merge": "merged", "detach": "detached a source of", "delete": "deleted",
                 "restore": "restored", "add": "added"}  # fmt: skip


def widget_key(name: str) -> str:
    """The session-state key of a widget of this section (a form field or a control)."""
    return f"ia_edit_{name}"


@dataclass(frozen=True)
class Opened:
    """The incident in the form, as stored when it was opened, and that version number."""

    incident: Incident
    version: int


# --- pure helpers -----------------------------------------------------------------------------


def form_values(inc: Incident) -> dict[str, Any]:
    """The form's widget values showing ``inc`` (unknown figures are empty boxes)."""
    values = {name: getattr(inc, name) for name in FORM_FIELDS}
    values["site_id"] = inc.site_id or ""
    for name, options in _CHOICES.items():
        if values[name] not in options:
            values[name] = None
    return values


def incident_from_form(opened: Incident, values: Mapping[str, Any]) -> tuple[Incident | None, list[str]]:
    """(``opened`` with the form's values, []) or (None, reasons the values are not an incident)."""
    missing = [f"{name}: missing" for name in ("date", "lat", "lon", *_CHOICES) if values.get(name) is None]
    if missing:
        return None, missing
    changes: dict[str, Any] = {name: values.get(name) for name in FORM_FIELDS}
    for name in _TEXT_FIELDS:
        changes[name] = str(changes[name] or "").strip()
    changes["actor"] = changes["actor"] or "Unknown"  # as every importer spells "nobody named"
    changes["site_id"] = str(changes["site_id"] or "").strip() or None
    changes["country"] = str(changes["country"] or "").strip().upper()
    changes["intercepted"] = bool(changes["intercepted"])
    for name in ("lat", "lon"):
        value = float(changes[name])
        changes[name] = getattr(opened, name) if abs(value - getattr(opened, name)) < _COORD_TOLERANCE else value
    for name in FIGURES:
        changes[name] = None if changes[name] is None else int(changes[name])
    changes["geo_precision"] = int(changes["geo_precision"])
    edited = opened.with_changes(**changes)
    # The one validation every importer and both stores apply (limits and borders).
    reasons = [f"{p.field}: {p.reason}" for p in incident_problems(edited, source="edit")]
    return (None, reasons) if reasons else (edited, [])


def incident_label(date: Any, event_type: str, place: str, incident_id: str) -> str:
    """One line naming an incident in a picker: date · type · place · id."""
    day = pd.Timestamp(date).strftime("%Y-%m-%d")
    return f"{day} · {EVENT_TYPES.get(event_type, event_type)} · {place or '(no place name)'} · {incident_id}"


def _frame_labels(df: pd.DataFrame) -> dict[str, str]:
    return {
        row.id: incident_label(row.date, row.event_type, row.location or row.site_id, row.id)
        for row in df[["id", "date", "event_type", "location", "site_id"]].itertuples(index=False)
    }


def _label_of(inc: Incident) -> str:
    return incident_label(inc.date, inc.event_type, inc.location or inc.site_id or "", inc.id)


def merge_candidates(
    frame: pd.DataFrame, inc: Incident, *, days: int = _MERGE_DAYS, limit: int = _MERGE_LIMIT
) -> dict[str, str]:
    """Likely duplicates of ``inc``: incidents within ``days`` of it, nearest first, as {id: label}."""
    near = frame.loc[
        (frame["id"] != inc.id) & ((frame["date"] - pd.Timestamp(inc.date)).abs() <= pd.Timedelta(days=days))
    ]
    km = [distance_km(inc.lat, inc.lon, lat, lon) for lat, lon in zip(near["lat"], near["lon"])]
    near = near.assign(km=km).sort_values(["km", "date"], kind="stable").head(limit)
    labels = _frame_labels(near)
    return {i: f"{labels[i]} · {k:,.0f} km away" for i, k in zip(near["id"], near["km"])}


def _text(name: str, value: Any) -> str:
    """An audit snapshot's value as a table cell."""
    if value is None:
        return "unknown" if name in FIGURES else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # sources
        outlets = ", ".join(str(s.get("outlet") or "?") for s in value)
        return f"{len(value)} source{'s' if len(value) != 1 else ''}: {outlets}" if value else "no sources"
    return str(value)


def audit_changes(entry: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) for what one audit entry changed.

    Whole snapshots on both sides give one row per differing field; an entry
    with one side only (added, deleted, restored) gives one row saying so. The
    notes a merge leaves (``merged_into`` / ``merged_from``) are rows too.
    """
    before, after = entry.get("before"), entry.get("after")
    if before is None and after is None:
        return []
    if before is None:
        return [("(incident)", "", "restored" if entry.get("action") == "restore" else "added")]
    if after is None:
        return [("(incident)", "", "deleted")]
    names = [n for n in FIELDS if n in before and n in after]
    names += [n for n in (*before, *after) if n not in FIELDS and n not in names]  # notes
    return [(n, _text(n, before.get(n)), _text(n, after.get(n))) for n in names if before.get(n) != after.get(n)]


def _when(at: dt.datetime | None) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if at else "an unknown time"


def history_frame(entries: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per changed field of each audit entry (newest first): when, who, action, field, before, after."""
    rows = [
        {"when": _when(e["at"]), "who": e["user"], "action": e["action"], "field": f, "before": b, "after": a}
        for e in entries
        for f, b, a in audit_changes(e) or [("", "", "")]
    ]
    return pd.DataFrame(rows, columns=["when", "who", "action", "field", "before", "after"])


def _sources_frame(sources: Iterable[Source]) -> pd.DataFrame:
    """The incident's sources as a table: who reported it, and the figures each report gives."""
    rows = []
    for n, s in enumerate(sources, start=1):
        published = s.published.isoformat() if s.published else ""
        figures = {name: figure_text(getattr(s, name)) for name in FIGURES}
        rows.append({"#": n, "outlet": s.outlet, "title": s.title, "published": published, "url": s.url, **figures})
    return pd.DataFrame(rows, columns=["#", "outlet", "title", "published", "url", *FIGURES])


# --- state and writes (callbacks) -------------------------------------------------------------


def _open(incident_id: str) -> Opened:
    """Load an incident into the form's widgets and remember the version it had; NotFound if gone."""
    store = get_store()
    # Version first: should someone save between the two reads, the form holds their newer
    # data under the older number, and saving is refused rather than overwriting theirs.
    version = store.get_version(incident_id)
    opened = Opened(store.get(incident_id), version)
    st.session_state[_OPENED] = opened
    for name, value in form_values(opened.incident).items():
        st.session_state[widget_key(name)] = value
    return opened


def _forget(incident_id: str) -> None:
    """Empty the editor after ``incident_id`` left the live data (deleted, merged away)."""
    ss = st.session_state
    ss[_OPENED] = None
    ss[_PICK] = None
    if state.current_view().selected == incident_id:
        state.set_selected(None)


def _notify(kind: str, text: str, details: Iterable[str] = ()) -> None:
    st.session_state[_NOTICE] = (kind, text, tuple(details))


def _show_notice() -> None:
    kind, text, details = st.session_state.pop(_NOTICE, None) or (None, "", ())
    if kind:
        body = md_escape(text) + "".join(f"\n- {md_escape(d)}" for d in details)
        getattr(st, kind)(body)


def _run(failure: str, write: Callable[[], str | None], conflict: str = _CONFLICT) -> None:
    """A write from a callback; what it did (or why it failed) becomes the section's notice.

    ``write`` returns the success message, or None when it wrote its own notice.
    """
    if auth.current_editor() is None:  # signed out in another tab since the button was drawn
        _notify("error", f"{failure}: you are no longer signed in as an editor.")
        return
    try:
        done = write()
    except ConflictError:
        _notify("error", f"{failure}: {conflict}.")
    except GeoError as exc:
        _notify("error", f"{failure}.", [str(exc)])
    else:
        if done is not None:
            _notify("success", done)


def _opened() -> Opened:
    opened = st.session_state.get(_OPENED)
    if opened is None:  # a stale button of a page drawn before another tab changed things
        raise NotFound("no incident is open; pick one again")
    return opened


def _save(editor: str) -> str | None:
    ss, opened = st.session_state, _opened()
    edited, reasons = incident_from_form(opened.incident, {n: ss.get(widget_key(n)) for n in FORM_FIELDS})
    if edited is None:
        _notify("error", "Not saved: these fields need fixing.", reasons)
        return None
    if edited == opened.incident:
        return "Nothing to save: no field differs from the stored incident."
    get_store().update(edited, expected_version=opened.version, user=editor)
    new = _open(edited.id)
    return f"Saved {edited.id} (now version {new.version})."


def _detach(editor: str) -> str:
    opened = _opened()
    index = int(st.session_state[widget_key("detach_index")])
    source = opened.incident.sources[index]
    get_store().detach_source(opened.incident.id, index, expected_version=opened.version, user=editor)
    _open(opened.incident.id)
    return f"Detached source {index + 1} ({source.outlet or source.url or 'no outlet'}) from {opened.incident.id}."


def _merge(editor: str) -> str:
    opened = _opened()
    keep = opened.incident.id
    other, seen_version = st.session_state[_MERGE_SEEN]
    get_store().merge_incidents(keep, other, expected_versions={keep: opened.version, other: seen_version}, user=editor)
    st.session_state[widget_key("merge_other")] = None
    _open(keep)
    return f"Merged {other} into {keep}. {other} is deleted; it can be restored from Deleted incidents."


def _delete(editor: str) -> str:
    opened = _opened()
    store = get_store()
    # soft_delete takes no version: check it here, so nobody deletes what they have not seen.
    if store.get_version(opened.incident.id) != opened.version:
        raise ConflictError(opened.incident.id)
    store.soft_delete(opened.incident.id, user=editor)
    st.session_state[widget_key("delete_confirm")] = False
    _forget(opened.incident.id)
    return f"Deleted {opened.incident.id}. It can be restored from Deleted incidents."


def _restore(editor: str) -> str:
    incident_id = st.session_state[widget_key("restore_pick")]
    get_store().restore(incident_id, user=editor)
    st.session_state[widget_key("restore_pick")] = None
    state.set_selected(incident_id)  # open it in the editor
    return f"Restored {incident_id}."


def _reload() -> None:
    """Load the stored version into the form, dropping the editor's input."""
    opened = st.session_state.get(_OPENED)
    if opened is None:
        return
    try:
        _open(opened.incident.id)
    except NotFound:
        _forget(opened.incident.id)
        _notify("warning", f"{opened.incident.id} is no longer in the data (deleted, or merged into another).")


# --- drawing ----------------------------------------------------------------------------------


def editing_section(ctx: FilteredPage) -> None:
    """The Edit tab. For a viewer: a sign-in form, then the script run stops (call it last)."""
    viewer = auth.current_editor() is None
    with st.expander("Sign in to edit", expanded=True) if viewer else st.container():
        editor = auth.require_editor("edit incidents")  # a viewer's run ends here
    _show_notice()
    incident_id = _picker(ctx)
    opened = _opened_for(incident_id) if incident_id else None
    if opened is not None:
        _stale_banner(opened)
        _stored_problems(opened.incident)
        _edit_form(opened, editor)
        st.caption("Merging, detaching and deleting act on the stored incident; unsaved form changes are discarded.")
        _sources(opened, editor)
        _merge_section(ctx, opened, editor)
        _delete_section(opened, editor)
        _history(opened.incident.id)
    _deleted_section(editor)


def _picker(ctx: FilteredPage) -> str | None:
    """The incident to edit: the URL's selection, or one chosen from the filtered table (or typed)."""
    ss = st.session_state
    selected = ctx.view.selected
    if selected:
        ss[_PICK] = selected  # a link (or the map) selected it: edit that one
    ss.setdefault(_PICK, None)
    # The frame comes oldest first (Store.frame), so the newest are its tail: no sort of a million rows.
    labels = _frame_labels(ctx.shown.tail(_PICK_LIMIT).iloc[::-1])
    current = ss[_PICK]
    if current and current not in labels:
        extra = ctx.dataset.frame.loc[ctx.dataset.frame["id"] == current]
        labels = {**(_frame_labels(extra) or {current: current}), **labels}
    st.selectbox(
        "Incident to edit",
        list(labels),
        key=_PICK,
        format_func=lambda i: labels.get(i, i),
        accept_new_options=True,
        placeholder="Choose an incident of the table, or type its id",
        help=f"The newest {_PICK_LIMIT} incidents passing the filters; type any other id.",
        on_change=lambda: state.set_selected(ss.get(_PICK)),
    )
    return ss[_PICK]


def _opened_for(incident_id: str) -> Opened | None:
    opened = st.session_state.get(_OPENED)
    if opened is not None and opened.incident.id == incident_id:
        return opened
    try:
        return _open(incident_id)
    except NotFound:
        st.session_state[_OPENED] = None
        st.warning(f"No incident {md_escape(incident_id)}: it was deleted or never existed.")
        return None


def _stale_banner(opened: Opened) -> None:
    """Who changed the open incident since it was opened, and a way to load their version."""
    store = get_store()
    incident_id = opened.incident.id
    if store.get_version(incident_id) == opened.version:
        return
    last = (store.audit(incident_id, limit=1) or [{}])[0]
    who, what = last.get("user", "Someone"), _ACTION_WORDS.get(last.get("action"), "changed")
    st.error(
        f"{md_escape(who)} {what} this incident at {md_escape(_when(last.get('at')))}; "
        "reload to see their version. Your input stays in the form until you reload."
    )
    try:
        theirs = changed_fields(opened.incident, store.get(incident_id))
        st.caption("Their version differs in: " + md_escape(", ".join(theirs) or "nothing visible (a re-save)"))
    except NotFound:
        st.caption("It is no longer in the data (deleted or merged into another incident).")
    st.button("Reload (discards your input)", key=widget_key("reload"), on_click=_reload)


def _stored_problems(inc: Incident) -> None:
    """What the stored incident breaks of today's rules (a row written before they existed):
    reads are lenient so that it opens here, and the form's save validates it again."""
    problems = incident_problems(inc, source="store")
    if problems:
        st.warning(
            f"This stored incident breaks {len(problems)} of today's rules. It was saved before them; fix these "
            "fields and save (saving checks every rule):"
            + "".join(f"\n- {md_escape(f'{p.field}: {p.reason}')}" for p in problems)
        )


def _edit_form(opened: Opened, editor: str) -> None:
    k = widget_key
    with st.form("ia_edit_form"):
        st.markdown(f"**{md_escape(opened.incident.id)}** · version {opened.version}")
        # One st.columns per row, so that the rows line up whatever each widget's height. Text boxes
        # have no max_chars: a browser cuts longer text silently, and a text stored before today's
        # limits must show whole; saving refuses what is too long, with the limit.
        # value=None throughout: a box the editor clears must come back empty (a figure unknown,
        # a date or coordinate missing), never as Streamlit's default for it (the minimum, today).
        c1, c2, c3 = st.columns(3)
        c1.date_input("Date", value=None, key=k("date"), min_value=_DATES[0], max_value=_DATES[1], format="YYYY-MM-DD")
        c2.selectbox("Date precision", _CHOICES["date_precision"], key=k("date_precision"))
        c3.selectbox("Status", _CHOICES["status"], key=k("status"))
        c1, c2, c3 = st.columns(3)
        c1.text_input("Place", key=k("location"))
        c2.text_input("Gazetteer site id", key=k("site_id"), help="Empty when not a gazetteer site")
        c3.text_input("Province (admin1)", key=k("admin1"))
        c1, c2, c3 = st.columns(3)
        c1.number_input(
            "Latitude", value=None, min_value=-90.0, max_value=90.0, step=0.0001, format="%.6f", key=k("lat")
        )
        c2.number_input("Longitude", value=None, min_value=-180.0, max_value=180.0, step=0.0001, format="%.6f",
                        key=k("lon"))  # fmt: skip
        c3.selectbox("Location precision", _CHOICES["geo_precision"], key=k("geo_precision"),
                     format_func=lambda p: f"{p}: {GEO_PRECISIONS[p]}")  # fmt: skip
        c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
        c1.text_input("Country (ISO code)", key=k("country"))
        c2.selectbox("Event type", _CHOICES["event_type"], key=k("event_type"), format_func=EVENT_TYPES.get)
        c3.checkbox("Intercepted", key=k("intercepted"))
        c1, c2, c3 = st.columns(3)
        c1.text_input("Actor", key=k("actor"))
        c2.selectbox("Attribution", _CHOICES["attribution"], key=k("attribution"), format_func=ATTRIBUTIONS.get)
        c3.text_input("Attributed by", key=k("attributed_by"))
        for column, name in zip(st.columns(3), FIGURES):
            # No min_value: a negative figure stored before today's rules must show as it is (a widget
            # would empty it without a word), and saving refuses it with the reason.
            column.number_input(name.capitalize(), value=None, step=1, key=k(name), placeholder="unknown",
                                help="Leave empty when no source states it (unknown is not 0)")  # fmt: skip
        st.text_input("Target", key=k("target"))
        st.text_input("Damage", key=k("damage"))
        st.text_area("Summary", key=k("summary"))
        st.form_submit_button(
            "Save changes", type="primary", key=k("save"), on_click=_run, args=("Not saved", partial(_save, editor))
        )


def _sources(opened: Opened, editor: str) -> None:
    sources = opened.incident.sources
    with st.expander(f"Sources ({len(sources)})", expanded=True):
        st.dataframe(_sources_frame(sources), hide_index=True)
        if len(sources) < 2:
            st.caption("An incident keeps at least one source, so its only source cannot be detached.")
            return
        st.selectbox(
            "Source to detach",
            range(len(sources)),
            key=widget_key("detach_index"),
            format_func=lambda i: (
                f"{i + 1}. {sources[i].outlet or '(no outlet)'}: {sources[i].title or sources[i].url}"
            ),
        )
        st.button(
            "Detach source", key=widget_key("detach"), on_click=_run, args=("Not detached", partial(_detach, editor))
        )


def _merge_section(ctx: FilteredPage, opened: Opened, editor: str) -> None:
    keep = opened.incident
    with st.expander("Merge a duplicate into this incident"):
        labels = merge_candidates(ctx.dataset.frame, keep)
        other_id = st.selectbox(
            "Duplicate to merge in",
            list(labels),
            index=None,
            key=widget_key("merge_other"),
            format_func=lambda i: labels.get(i, i),
            accept_new_options=True,
            placeholder="Incidents within a month of this one, nearest first; or type an id",
        )
        if not other_id:
            return
        store = get_store()
        try:
            version = store.get_version(other_id)  # before reading it, as in _open
            other = store.get(other_id)
        except NotFound:
            st.warning(f"No incident {md_escape(other_id)}.")
            return
        if other.id == keep.id:
            st.warning("That is this incident.")
            return
        st.session_state[_MERGE_SEEN] = (other.id, version)
        merged = combine(keep, other)
        st.text(_label_of(other) + (f"\n{other.summary}" if other.summary else ""))
        figures = ", ".join(f"{name} {figure_text(getattr(merged, name))}" for name in FIGURES)
        outlets = ", ".join(s.outlet or "?" for s in merged.sources)
        st.markdown(
            f"After merging: **{len(merged.sources)} sources** ({md_escape(outlets)}); {md_escape(figures)}. "
            f"{md_escape(other.id)} is deleted (it can be restored)."
        )
        st.button(
            "Merge into this incident", type="primary", key=widget_key("merge"), on_click=_run,
            args=("Not merged", partial(_merge, editor), _MERGE_CONFLICT),
        )  # fmt: skip


def _delete_section(opened: Opened, editor: str) -> None:
    with st.expander("Delete this incident"):
        st.caption("A deleted incident disappears from the map, table and exports, and can be restored below.")
        sure = st.checkbox(f"Yes, delete {md_escape(opened.incident.id)}", key=widget_key("delete_confirm"))
        st.button(
            "Delete incident", key=widget_key("delete"), disabled=not sure, on_click=_run,
            args=("Not deleted", partial(_delete, editor)),
        )  # fmt: skip


def _history(incident_id: str) -> None:
    with st.expander("History (audit log)"):
        entries = get_store().audit(incident_id, limit=_HISTORY_LIMIT)
        st.dataframe(history_frame(entries), hide_index=True)


def _deleted_section(editor: str) -> None:
    with st.expander("Deleted incidents"):
        deleted = get_store().deleted(limit=_PICK_LIMIT)
        if not deleted:
            st.caption("No deleted incidents.")
            return
        labels = {inc.id: _label_of(inc) for inc, _ in deleted}
        table = [{"deleted": _when(at), "incident": labels[inc.id], "summary": inc.summary} for inc, at in deleted]
        st.dataframe(pd.DataFrame(table), hide_index=True)
        pick = st.selectbox(
            "Incident to restore", list(labels), index=None, key=widget_key("restore_pick"),
            format_func=labels.get, placeholder="Choose a deleted incident",
        )  # fmt: skip
        if pick:
            last = (get_store().audit(pick, limit=1) or [{}])[0]
            note = (last.get("after") or {}).get("merged_into")
            st.caption(
                f"{md_escape(last.get('user', '?'))} {_ACTION_WORDS.get(last.get('action'), 'changed')} it at "
                f"{md_escape(_when(last.get('at')))}" + (f", into {md_escape(note)}" if note else "") + "."
            )
        st.button(
            "Restore", key=widget_key("restore"), disabled=pick is None, on_click=_run,
            args=("Not restored", partial(_restore, editor)),
        )  # fmt: skip
