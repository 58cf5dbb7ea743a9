"""The sidebar's downloads: files written once to disk and served from there, never held in memory.

A download used to be an ``st.download_button`` whose data the server built on
click and kept in memory (the whole file, per click) until the session moved
on; a rerun in between (clicking the other button within a moment) dropped it
("Deferred file ... not found"), and a click on a million incidents made the
shared server hold a gigabyte.

Now each file is written once per data version, filters and format, streamed
in chunks (:func:`geo.formats.export.write_export`; the rows the page shows, their
sources read per chunk) into ``static/exports/`` (gitignored), and the page
links to it. Streamlit's static file serving streams it from disk, so a
download costs the server no memory, any number of clicks deliver the same
file, and a rerun cannot lose one. Viewers asking for the same view share one
file; files of older data versions are removed a while after the data moved on.

Streamlit serves static files of up to 200 MiB (:data:`MAX_FILE_BYTES`; a larger one is a 404):
past :data:`MAX_ROWS` incidents the page gives the command line that writes the same export
instead, and so it does for a written file that came out larger than that (long summaries and
many sources make a GeoJSON incident several times its usual ~0.8 kB).
Sets of up to :data:`INLINE_ROWS` incidents are written as the page runs (a
few milliseconds); larger ones when the viewer asks (one click, then the links).
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from geo.formats.export import chunk_of, paused_gc, write_export
from geo.formats.replacing import replacing
from geo.view.filters import Filters
from ui.assets import STATIC_DIR
from ui import runlog, runslot
from ui.data import Dataset, get_store

__all__ = [
    "EXPORT_DIR",
    "FORMATS",
    "INLINE_ROWS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Download",
    "cli_command",
    "downloads_for",
    "file_name",
    "offer",
    "prepare",
    "prepared",
]

EXPORT_DIR = STATIC_DIR / "exports"
URL_PREFIX = "app/static/exports"  # where Streamlit serves EXPORT_DIR (relative to the page)
# (format, button label, MIME type)
FORMATS = (("geojson", "GeoJSON", "application/geo+json"), ("csv", "CSV", "text/csv"))
MAX_ROWS = 150_000  # ~120 MB of typical GeoJSON; past it the files are not even written
MAX_FILE_BYTES = 200 * 1024 * 1024  # Streamlit's limit for a static file (MAX_APP_STATIC_FILE_SIZE)
INLINE_ROWS = 5_000
CHUNK_ROWS = 10_000  # rows completed with their sources and written at a time
KEEP_OLD_S = 15 * 60  # files of an older data version stay this long (downloads in flight)
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Download:
    fmt: str
    label: str
    path: Path  # where the file is (or will be) on disk
    url: str  # relative to the page

    @property
    def name(self) -> str:
        return self.path.name


def file_name(filters: Filters, fmt: str) -> str:
    """A file name saying what the file holds: ``incidents_2020-01-01_to_2020-03-31_drone_IQ.geojson``."""
    f = filters
    if f.date_from and f.date_to:
        period = [f.date_from, "to", f.date_to]
    elif f.date_from or f.date_to:
        period = ["from", f.date_from] if f.date_from else ["to", f.date_to]
    else:
        period = ["all-dates"]
    parts = ["incidents", *period, *f.event_types, *f.countries, *f.attributions, *f.actors]
    if f.intercepted is not None:
        parts.append("intercepted" if f.intercepted else "impacts")
    if f.text.strip():
        parts.append("matching-" + f.text.strip())
    slug = "_".join(p for p in (re.sub(r"[^A-Za-z0-9.-]+", "-", str(part)).strip("-") for part in parts) if p)
    return f"{slug[:120].rstrip('_-')}.{fmt}"


def downloads_for(dataset: Dataset, filters: Filters) -> list[Download]:
    """Where the files of this data version and these filters live, one per format."""
    store_key = hashlib.sha1(f"{get_store().url}\n{dataset.version}".encode()).hexdigest()[:16]
    out = []
    for fmt, label, _ in FORMATS:
        view_key = hashlib.sha1(repr((filters, fmt)).encode()).hexdigest()[:16]
        path = EXPORT_DIR / store_key / view_key / file_name(filters, fmt)
        out.append(Download(fmt, label, path, "/".join((URL_PREFIX, store_key, view_key, path.name))))
    return out


def prepared(downloads: list[Download]) -> bool:
    return all(d.path.is_file() for d in downloads)


def prepare(dataset: Dataset, shown: pd.DataFrame, downloads: list[Download]) -> None:
    """Write each file not on disk yet (streamed; a viewer asking for the same one waits for it).

    The map page's run slot is given back first: writing takes seconds (half a minute for
    100k incidents under load), and other viewers' maps need not wait for it.
    """
    runslot.set_aside()
    with runlog.timed(f"prepare {len(shown):,} incidents"):
        for d in downloads:
            with _lock_for(d.path):
                if d.path.is_file():
                    continue
                _write(dataset, shown.index.to_numpy(), d)
    _remove_stale(downloads[0].path.parents[1])


def cli_command(filters: Filters, fmt: str = "geojson") -> str:
    """The ``python -m geo export`` command that writes the same incidents."""
    f = filters
    args = ["python", "-m", "geo", "export", "--format", fmt]
    if f.date_from:
        args += ["--from", str(f.date_from)]
    if f.date_to:
        args += ["--to", str(f.date_to)]
    for flag, values in (("--type", f.event_types), ("--country", f.countries),
                         ("--attribution", f.attributions), ("--actor", f.actors)):  # fmt: skip
        for v in values:
            args += [flag, v]
    if f.intercepted is not None:
        args.append("--intercepted" if f.intercepted else "--impacts")
    if f.text.strip():
        args += ["--q", f.text.strip()]
    return shlex.join([*args, "--output", file_name(filters, fmt)])


def offer(dataset: Dataset, filters: Filters, shown: pd.DataFrame, *, key: str = "ia_export") -> None:
    """The download links of ``shown`` (the rows passing ``filters``), or how to get them."""
    n = len(shown)
    if n > MAX_ROWS:
        st.caption(
            f"{n:,} incidents are more than the page serves ({MAX_ROWS:,}). Narrow the filters, or write "
            "the file with the command line (GeoJSON Lines, GeoPackage and CSV work too):"
        )
        st.text(cli_command(filters))
        return
    downloads = downloads_for(dataset, filters)
    if not prepared(downloads):
        if n <= INLINE_ROWS or st.button(
            "Prepare the files", key=f"{key}_prepare", icon=":material/download:", width="stretch",
            help="Writes the GeoJSON and CSV of these incidents once; then they download like any file.",
        ):  # fmt: skip
            try:
                with st.spinner(f"Writing {n:,} incidents…"):
                    prepare(dataset, shown, downloads)
            except OSError as exc:  # a read-only or full disk: say so, and how to get the file anyway
                st.warning(f"The files could not be written on the server ({exc.strerror or exc}). "
                           "The command line writes the same export:")  # fmt: skip
                st.text(cli_command(filters))
                return
        else:
            return
    sizes = {d.fmt: _bytes(d.path) for d in downloads}
    servable = [d for d in downloads if sizes[d.fmt] <= MAX_FILE_BYTES]
    # Plain links with a ``download`` name (st.html: sanitised, no Markdown). Every value in them is
    # made here (hex keys, file names of [A-Za-z0-9._-]), none comes from the data.
    if servable:
        st.html(
            '<div class="ia-downloads" style="display:flex;gap:1rem">'
            + "".join(
                # One flex item per file, kept on one line: four items (link, size, link, size) squeezed
                # "⬇ GeoJSON" onto two lines beside a "(32 kB)" broken in two in the sidebar.
                f'<span style="white-space:nowrap"><a href="{d.url}" download="{d.name}" '
                f'data-testid="ia-download-{d.fmt}" title="{d.name}">⬇ {d.label}</a> '
                f"<small>({_size(sizes[d.fmt])})</small></span>"
                for d in servable
            )
            + "</div>"
        )
    for d in downloads:
        if d not in servable:  # Streamlit would answer 404 (its static files stop at 200 MiB)
            st.caption(f"The {d.label} file ({_size(sizes[d.fmt])}) is larger than the page serves "
                       f"({MAX_FILE_BYTES / 1e6:,.0f} MB); the command line writes it:")  # fmt: skip
            st.text(cli_command(filters, d.fmt))


# --- internals ------------------------------------------------------------------------------


def _lock_for(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


def _write(dataset: Dataset, positions: np.ndarray, download: Download) -> None:
    """The file of the rows at ``positions``, written to a temporary name and renamed when complete."""
    store = get_store()
    snapshot = dataset.snapshot

    def chunks():
        for start in range(0, len(positions), CHUNK_ROWS):
            part = positions[start : start + CHUNK_ROWS]
            frame = snapshot.full_frame(store, part) if snapshot is not None else dataset.frame.iloc[part]
            with paused_gc():
                chunk = chunk_of(frame)
            del frame
            yield chunk

    download.path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(download.path) as tmp, open(tmp, "wb", buffering=1 << 20) as out:
        write_export(chunks(), download.fmt, out)


def _remove_stale(current: Path) -> None:
    """Remove the files of other data versions once nobody can still be downloading them."""
    now = time.time()
    try:
        others = [p for p in EXPORT_DIR.iterdir() if p.is_dir() and p != current]
    except OSError:
        return
    for other in others:
        try:
            if now - other.stat().st_mtime > KEEP_OLD_S:
                shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass


def _bytes(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"
