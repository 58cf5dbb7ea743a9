"""Any supported input file as incidents, and what importing them would change.

Formats: ``csv`` (our own, :mod:`geo.formats.csvio`), ``acled`` (an ACLED export,
:mod:`geo.formats.acled`) and ``geojson`` (:mod:`geo.formats.geojson_in`). :func:`read_any`
reads the file once (size, binary and encoding checks in
:mod:`geo.formats.readfile`), tells the format from its content and hands the text to
the format's parser.

:func:`plan_import` compares incoming incidents with stored ones without
writing anything: it is both the dry run and the summary of a real import.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from geo.formats.acled import convert_acled, is_acled_header
from geo.errors import InputError, NotFound
from geo.formats.geojson_in import convert_geojson
from geo.incidents import Incident
from geo.formats.readfile import TextSource, read_text

__all__ = [
    "FORMATS",
    "ImportPlan",
    "changed_fields",
    "detect_format",
    "detect_text_format",
    "parse_text",
    "plan_import",
    "read_any",
    "read_any_partial",
    "rejects_path",
    "write_rejects",
    "stored_lookup",
]

FORMATS = ("csv", "acled", "geojson")

# Enough of the file to see a JSON opening brace or a CSV header line.
_HEAD_BYTES = 64 * 1024
# Columns that identify our own CSV format (geo.incidents.FIELDS).
_OUR_COLUMNS = {"date", "lat", "lon", "event_type"}



def detect_format(path_or_bytes: TextSource) -> str:
    """``"csv"``, ``"acled"`` or ``"geojson"`` from the start of a file or of bytes.

    Raises :class:`InputError` for binary content or an unrecognised layout.
    """
    if isinstance(path_or_bytes, (str, os.PathLike)):
        name = Path(path_or_bytes).name
        try:
            with open(path_or_bytes, "rb") as fh:
                head = fh.read(_HEAD_BYTES)
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror})") from None
    elif isinstance(path_or_bytes, (bytes, bytearray)):
        name, head = "upload", bytes(path_or_bytes[:_HEAD_BYTES])
    else:
        raise TypeError("detect_format takes a path or bytes")
    if b"\x00" in head:
        raise InputError(f"{name}: this is a binary file, not CSV or GeoJSON text")
    # The head may end inside a multi-byte character: decode leniently, it is only looked at.
    return detect_text_format(head.decode("utf-8-sig", errors="replace"), name)


def detect_text_format(text: str, name: str = "upload") -> str:
    """The format of input ``text`` (its start is enough); raises InputError when unclear."""
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("{"):
        return "geojson"
    header = next(csv.reader(io.StringIO(start[:_HEAD_BYTES], newline="")), [])
    if is_acled_header(header):
        return "acled"
    if _OUR_COLUMNS <= {h.strip().lower() for h in header}:
        return "csv"
    raise InputError(
        f"{name}: unrecognised format: expected our CSV (columns {', '.join(sorted(_OUR_COLUMNS))}, ...), "
        "an ACLED export (event_id_cnty, event_date, sub_event_type, ...) or GeoJSON; or name the format "
        "(--format on the command line, Format on the Import page)"
    )


def read_any(path: TextSource, fmt: str = "auto", *, source_name: str | None = None) -> list[Incident]:
    """Incidents of a file in any supported format (``fmt="auto"`` detects it).

    Raises :class:`InputError` for unusable input and
    :class:`~geo.errors.ValidationError` listing every bad row.
    """
    text, fmt, name = _read(path, fmt, source_name)
    return parse_text(text, fmt, source=name)


def read_any_partial(path: TextSource, fmt: str = "auto", *, source_name: str | None = None):
    """``(converted, text, fmt)``: the valid incidents of a file and its refused rows with their
    reasons (:class:`geo.formats.batch.Converted`), for ``--skip-invalid``; InputError as :func:`read_any`."""
    text, fmt, name = _read(path, fmt, source_name)
    return convert_text(text, fmt, source=name), text, fmt


def _read(path: TextSource, fmt: str, source_name: str | None) -> tuple[str, str, str]:
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of auto, {', '.join(FORMATS)}")
    limit = None
    if isinstance(path, (str, os.PathLike)):
        # The format's own size limit before reading: a 70 MB file for a 50 MB format is refused
        # from its size alone instead of being read, decoded and copied first (~600 MB).
        from geo.formats.csvio import MAX_BYTES as csv_limit  # stricter than geo.formats.readfile's

        try:
            limit = csv_limit if (detect_format(path) if fmt == "auto" else fmt) == "csv" else None
        except InputError:
            limit = None  # read_text says what is wrong with the file
    text, name = read_text(path, name=source_name, **({"max_bytes": limit} if limit else {}))
    return text, detect_text_format(text, name) if fmt == "auto" else fmt, name


def convert_text(text: str, fmt: str, *, source: str = "upload", keep_reasons: bool = True):
    """The valid incidents of ``text`` and its refused rows (:class:`geo.formats.batch.Converted`)."""
    from geo.formats.csvio import MAX_BYTES, convert_incidents_csv  # our CSV format has one owner

    converters = {"acled": convert_acled, "geojson": convert_geojson, "csv": convert_incidents_csv}
    if fmt not in converters:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "csv" and len(text) > MAX_BYTES:  # characters <= bytes: a text under the limit may pass
        raise InputError(f"{source}: larger than the {MAX_BYTES // (1024 * 1024)} MB limit of our CSV format")
    return converters[fmt](text, source=source, keep_reasons=keep_reasons)


def rejects_path(input_path: str | os.PathLike, *, fallback_dir: str | os.PathLike = ".") -> Path:
    """Where ``--skip-invalid`` writes refused rows: ``<name>.rejects.csv`` beside the input,
    or in ``fallback_dir`` (the current folder) when the input's folder is not writable."""
    path = Path(input_path)
    name = f"{path.stem}.rejects.csv"
    if _writable(path.parent):
        return path.parent / name
    return Path(fallback_dir).resolve() / name


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


def write_rejects(text: str, fmt: str, converted, out) -> int:
    """Write each refused row of ``text`` as CSV to ``out`` (a path or a text handle): ``row``,
    ``problems``, then the row as it was (the input's own columns; a GeoJSON feature as one
    JSON cell). Returns the number of rows written."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return write_rejects(text, fmt, converted, fh)
    import orjson

    wanted = set(converted.rejected_rows)
    writer = csv.writer(out, lineterminator="\n")
    if fmt == "geojson":
        writer.writerow(["row", "problems", "feature"])
        data = orjson.loads(text)
        features = [data] if data.get("type") == "Feature" else data["features"]
        for number, feature in enumerate(features, start=1):
            if number in wanted:
                writer.writerow([number, converted.reasons.get(number, ""), orjson.dumps(feature).decode()])
        return len(wanted)
    reader = csv.reader(io.StringIO(text, newline=""))
    writer.writerow(["row", "problems", *next(reader)])
    for number, record in enumerate(reader, start=2):
        if number in wanted:
            writer.writerow([number, converted.reasons.get(number, ""), *record])
    return len(wanted)


def parse_text(text: str, fmt: str, *, source: str = "upload") -> list[Incident]:
    """Incidents of already-read ``text`` in format ``fmt``; ValidationError listing the problems."""
    return convert_text(text, fmt, source=source, keep_reasons=False).all_or_nothing()


@dataclass(frozen=True)
class ImportPlan:
    """What importing would do: ids to add, ids to update (with changed fields), ids unchanged."""

    added: tuple[str, ...]
    updated: tuple[tuple[str, tuple[str, ...]], ...]
    unchanged: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """The same keys as ``Store.upsert_many`` returns."""
        return {"added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged)}


# Past this many incoming rows one bulk read beats a query per id.
_BULK_LOOKUP_FROM = 1000


def stored_lookup(store, incidents: Sequence[Incident]) -> Callable[[str], Incident | None] | Mapping[str, Incident]:
    """What :func:`plan_import` needs from ``store``: id -> stored incident (or None),
    as per-id queries for small imports or one bulk read for large ones.

    Deleted incidents count too: ``upsert_many`` compares against them (and keeps them deleted).
    """
    if len(incidents) > _BULK_LOOKUP_FROM:
        return {inc.id: inc for inc in store.all(include_deleted=True)}

    def get(incident_id: str) -> Incident | None:
        try:
            return store.get(incident_id, include_deleted=True)
        except NotFound:
            return None

    return get


def plan_import(
    incoming: Iterable[Incident], existing: Callable[[str], Incident | None] | Mapping[str, Incident]
) -> ImportPlan:
    """Compare ``incoming`` with stored incidents, looked up by id in ``existing``."""
    lookup = existing.get if isinstance(existing, Mapping) else existing
    added, updated, unchanged = [], [], []
    for inc in incoming:
        old = lookup(inc.id)
        if old is None:
            added.append(inc.id)
        elif old == inc:
            unchanged.append(inc.id)
        else:
            updated.append((inc.id, changed_fields(old, inc)))
    return ImportPlan(tuple(added), tuple(updated), tuple(unchanged))


def changed_fields(old: Incident, new: Incident) -> tuple[str, ...]:
    """Names of the fields that differ between two versions of an incident."""
    return tuple(f.name for f in fields(Incident) if getattr(old, f.name) != getattr(new, f.name))
