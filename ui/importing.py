"""The Import page's parts: upload a file, see the dry-run plan, import it all or nothing.

Reading and checking is :mod:`geo.formats.importers`' (format detection, every bad row
listed); this module decides what the page shows. A file with any bad row
gets a table of its problems and no Import button. A good file gets the plan
(:func:`geo.formats.importers.plan_import`: what would be added, changed, left alone)
before anything is written, and the Import button writes it in one
transaction with a progress bar fed by :meth:`Store.upsert_many`.

With "Skip invalid rows" ticked, the valid rows are planned and imported and
the refused ones offered as a CSV download with their reasons (the same choice
as ``python -m geo import --skip-invalid``). A file's problems are shown as
the first :data:`PROBLEM_ROWS` of them and a count, never as a table of
millions of rows sent to the browser.

Uploads are parsed once per file (kept in session state), not on every rerun.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.formats.csvio import MAX_BYTES as _CSV_MAX_BYTES
from geo.errors import GeoError, InputError, Problem, ValidationError
from geo.view.frame import to_frame
from geo.formats.importers import (
    ImportPlan,
    convert_text,
    detect_text_format,
    parse_text,
    plan_import,
    stored_lookup,
    write_rejects,
)
from geo.incidents import EVENT_TYPES, Incident
from geo.formats.readfile import read_text
from ui.common import counted, md_escape
from ui.data import get_store
from ui.table import COLUMN_CONFIG

__all__ = [
    "FORMAT_NAMES",
    "PREVIEW_ROWS",
    "PROBLEM_ROWS",
    "UPLOAD_LIMIT_BYTES",
    "Parsed",
    "import_section",
    "parse_upload",
    "plan_frame",
    "problem_frame",
]

# The tightest limit of any parser (our CSV reader's), so that an upload the page accepts
# is never refused later for its size; Streamlit's uploader enforces it in the browser too.
UPLOAD_LIMIT_BYTES = _CSV_MAX_BYTES
_LIMIT_MB = UPLOAD_LIMIT_BYTES // (1024 * 1024)
FORMAT_NAMES = {"csv": "Incident Atlas CSV", "acled": "ACLED export (CSV)", "geojson": "GeoJSON"}
PREVIEW_ROWS = 1000  # rows of the plan table; the counts are always complete
PROBLEM_ROWS = 200  # rows of the problem table; the count is always complete

_KEY = "ia_import"
_PARSED = "_ia_import_parsed"  # (upload id, format choice, skip invalid rows, Parsed)
_PLAN = "_ia_import_plan"  # (((upload id, format choice), store version), ImportPlan)
_DONE = "_ia_import_done"  # the last import's message, shown once after the rerun


@dataclass(frozen=True)
class Parsed:
    """One uploaded file, read: its incidents, or every problem of its rows, or why it is unusable."""

    name: str
    fmt: str | None = None
    incidents: tuple[Incident, ...] = ()
    problems: tuple[Problem, ...] = ()  # the first geo.formats.batch.MAX_PROBLEMS
    error: str | None = None
    more: int = 0  # problems beyond ``problems``
    refused: int = 0  # rows left out (skip_invalid)
    rejects_csv: str = ""  # those rows with their reasons (skip_invalid)

    @property
    def total_problems(self) -> int:
        return len(self.problems) + self.more


def parse_upload(
    name: str, data: bytes, fmt: str = "auto", *, limit: int | None = None, skip_invalid: bool = False
) -> Parsed:
    """Read an uploaded file completely (``limit``: :data:`UPLOAD_LIMIT_BYTES`); never raises
    for bad input, the page shows what is wrong with it. With ``skip_invalid`` a file with bad
    rows gives its valid incidents, the count of refused rows and a rejects CSV."""
    limit = UPLOAD_LIMIT_BYTES if limit is None else limit
    if len(data) > limit:
        return Parsed(
            name, error=f"{name}: {len(data):,} bytes is over the {limit:,}-byte upload limit; split the file"
        )
    detected = None
    try:
        text, name = read_text(data, name=name, max_bytes=limit)  # empty, binary, not UTF-8
        detected = detect_text_format(text, name) if fmt == "auto" else fmt
        if skip_invalid:
            return _partial(name, text, detected)
        return Parsed(name, detected, tuple(parse_text(text, detected, source=name)))
    except ValidationError as exc:
        return Parsed(name, detected, problems=exc.problems, more=exc.more)
    except InputError as exc:
        return Parsed(name, detected, error=str(exc))


def _partial(name: str, text: str, fmt: str) -> Parsed:
    import io

    converted = convert_text(text, fmt, source=name)
    rejects = io.StringIO()
    if converted.rejected_rows:
        write_rejects(text, fmt, converted, rejects)
    return Parsed(
        name, fmt, tuple(converted.incidents), converted.problems, more=converted.more,
        refused=len(converted.rejected_rows), rejects_csv=rejects.getvalue(),
    )  # fmt: skip


def problem_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Every problem of a file as a table: row (as a spreadsheet numbers it), field, reason."""
    return pd.DataFrame(
        [{"row": p.row, "field": p.field or "", "reason": p.reason} for p in problems],
        columns=["row", "field", "reason"],
    ).astype({"row": "Int64"})


def plan_frame(incidents: Sequence[Incident], plan: ImportPlan, limit: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``limit`` incoming incidents, each with what importing does to it (and which fields change)."""
    change = {i: "add" for i in plan.added} | {i: "unchanged" for i in plan.unchanged}
    fields = {i: ", ".join(names) for i, names in plan.updated}
    change |= {i: "change" for i in fields}
    df = to_frame(incidents[:limit])
    return pd.DataFrame(
        {
            "change": [change[i] for i in df["id"]],
            "fields": [fields.get(i, "") for i in df["id"]],
            "id": df["id"],
            "date": df["date"].dt.date,
            "type": df["event_type"].map(EVENT_TYPES).fillna(df["event_type"]),
            "location": df["location"],
            "country": df["country"],
            "actor": df["actor"],
            "munitions": df["munitions"],
            "killed": df["killed"],
            "injured": df["injured"],
            "outlets": df["outlets"],
            "summary": df["summary"],
        }
    )


_PLAN_COLUMNS = {
    **COLUMN_CONFIG,
    "change": st.column_config.TextColumn("Import will", help="add a new incident, change a stored one, or leave it"),
    "fields": st.column_config.TextColumn("Changed fields"),
}


# --- drawing ----------------------------------------------------------------------------------


def import_section(editor: str) -> None:
    """Upload, plan and import, as ``editor`` (call after :func:`ui.auth.require_editor`)."""
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(md_escape(done))
    st.caption(
        f"Our CSV, an ACLED export (CSV) or GeoJSON, as UTF-8 text, up to {_LIMIT_MB} MB. "
        "Nothing is written until you press Import, and a file with any bad row imports nothing."
    )
    upload = st.file_uploader(
        f"File to import (up to {_LIMIT_MB} MB)", type=["csv", "geojson", "json"], key=f"{_KEY}_file",
        max_upload_size=_LIMIT_MB,
    )  # fmt: skip
    fmt = st.selectbox(
        "Format", ["auto", *FORMAT_NAMES], key=f"{_KEY}_format",
        format_func=lambda f: "Detect from the content" if f == "auto" else FORMAT_NAMES[f],
    )  # fmt: skip
    skip = st.checkbox(
        "Skip invalid rows", key=f"{_KEY}_skip",
        help="Import the valid rows and download the refused ones with their reasons. "
        "Off: a file with any bad row imports nothing.",
    )  # fmt: skip
    if upload is None:
        return
    parsed = _parsed(upload, fmt, skip)
    if parsed.error:
        st.error(md_escape(parsed.error))
        return
    if parsed.problems and not skip:
        rows = {p.row for p in parsed.problems if p.row is not None}
        in_rows = counted(len(rows), "row") if not parsed.more else f"{len(rows):,} or more rows"
        st.error(
            f"{counted(parsed.total_problems, 'problem')} in {in_rows} of {md_escape(parsed.name)}: nothing was "
            "imported. Fix every row listed below and upload the file again, or tick Skip invalid rows."
        )
        _problem_table(parsed)
        return
    if parsed.refused:
        st.warning(
            f"{counted(parsed.refused, 'row')} of {md_escape(parsed.name)} {'is' if parsed.refused == 1 else 'are'} "
            "refused and will not be imported; "
            "the table lists their problems, and the download holds them with their reasons."
        )
        _problem_table(parsed)
        st.download_button(
            "Download the refused rows (CSV)", parsed.rejects_csv.encode("utf-8"),
            file_name=f"{parsed.name.rsplit('.', 1)[0]}.rejects.csv", mime="text/csv", key=f"{_KEY}_rejects",
        )  # fmt: skip
    if not parsed.incidents:
        st.info("No valid rows to import.")
        return
    _plan_and_import(parsed, editor)


def _problem_table(parsed: Parsed) -> None:
    shown = parsed.problems[:PROBLEM_ROWS]
    st.dataframe(problem_frame(shown), hide_index=True, key=f"{_KEY}_problems")
    if parsed.total_problems > len(shown):
        st.caption(f"The table shows the first {len(shown):,} of {parsed.total_problems:,} problems.")


def _parsed(upload, fmt: str, skip: bool) -> Parsed:
    """The upload read once per file and choices (reruns reuse it)."""
    key = (upload.file_id, fmt, skip)
    cached = st.session_state.get(_PARSED)
    if cached is None or cached[:3] != key:
        with st.spinner(f"Reading {upload.name}…"):
            cached = (*key, parse_upload(upload.name, upload.getvalue(), fmt, skip_invalid=skip))
        st.session_state[_PARSED] = cached
    return cached[3]


def _plan(store, incidents: list[Incident]) -> ImportPlan:
    """The dry run against the store as it is now (kept until the store or the file changes)."""
    key = (st.session_state[_PARSED][:3], store.version())
    cached = st.session_state.get(_PLAN)
    if cached is None or cached[0] != key:
        with st.spinner("Comparing with the stored incidents…"):
            cached = (key, plan_import(incidents, stored_lookup(store, incidents)))
        st.session_state[_PLAN] = cached
    return cached[1]


def _plan_and_import(parsed: Parsed, editor: str) -> None:
    store = get_store()
    incidents = list(parsed.incidents)
    plan = _plan(store, incidents)
    counts = plan.counts()
    st.markdown(
        f"**{md_escape(parsed.name)}** · {FORMAT_NAMES.get(parsed.fmt, parsed.fmt)} · {len(incidents):,} incidents"
    )
    left, middle, right = st.columns(3)
    left.metric("Would add", f"{counts['added']:,}")
    middle.metric("Would change", f"{counts['updated']:,}")
    right.metric("Unchanged", f"{counts['unchanged']:,}")
    if len(incidents) > PREVIEW_ROWS:
        st.caption(f"The table shows the first {PREVIEW_ROWS:,} of {len(incidents):,} incidents.")
    st.dataframe(plan_frame(incidents, plan), hide_index=True, column_config=_PLAN_COLUMNS, key=f"{_KEY}_plan")
    if not (counts["added"] or counts["updated"]):
        st.info("Nothing to import: every incident in this file is already stored exactly like this.")
        return
    if st.button(f"Import {counts['added'] + counts['updated']:,} incidents", type="primary", key=f"{_KEY}_go"):
        bar = st.progress(0.0, text="Importing…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"Imported {done:,} of {total:,}")

        try:
            result = store.upsert_many(incidents, user=editor, progress=progress)
        except GeoError as exc:  # a locked or unreachable store: the transaction wrote nothing
            st.error(f"Nothing was imported. {md_escape(exc)}")
            return
        st.session_state[_DONE] = (
            f"Imported {parsed.name}: {result['added']:,} added, {result['updated']:,} updated, "
            f"{result['unchanged']:,} unchanged."
        )
        st.rerun()  # draw the plan again against the new data (all unchanged now)
