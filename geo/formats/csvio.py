"""Our incident CSV format: read (validating every row) and write.

The header is :data:`geo.incidents.FIELDS`; the ``sources`` column holds a JSON
list of source objects (``outlet, url, published, title, evidence, munitions,
killed, injured``). Reading validates the *whole* file and raises one
:class:`~geo.errors.ValidationError` listing every bad row, so that a user
fixes a spreadsheet in one pass; a failed read returns nothing.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first
incident row 2 (a record with a quoted line break still counts as one row).

Pure apart from the file handle: no database, no network.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from geo.formats.batch import Converted, convert_rows
from geo.errors import InputError, Problem, ValidationError
from geo.places.countries import point_problem
from geo.incidents import FIELDS, Incident, incident_from_row, incident_id, incident_to_row, place_key

__all__ = [
    "MAX_BYTES",
    "REQUIRED_COLUMNS",
    "convert_incidents_csv",
    "format_value",
    "read_incidents_csv",
    "write_incidents_csv",
    "write_rows",
]

MAX_BYTES = 50 * 1024 * 1024

# Without these a row cannot become an incident; every other column has a default.
REQUIRED_COLUMNS = ("date", "lat", "lon", "country", "event_type")

# --- reading -----------------------------------------------------------------------


def read_incidents_csv(
    path_or_file: str | os.PathLike | IO[Any],
    *,
    source_name: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[Incident]:
    """Every incident in a CSV file in our format, or an error naming every bad row.

    Raises :class:`InputError` for input that is not a CSV text at all (empty,
    binary, not UTF-8, larger than ``max_bytes``) and :class:`ValidationError`
    (listing each problem with row number and field) for anything wrong inside.
    """
    name = source_name or _default_name(path_or_file)
    text = _decode(_read_bytes(path_or_file, name, max_bytes), name)
    return convert_incidents_csv(text, source=name, keep_reasons=False).all_or_nothing()


def convert_incidents_csv(text: str, *, source: str = "upload", keep_reasons: bool = True) -> Converted:
    """The valid incidents of our CSV ``text`` and the refused rows (see :func:`geo.formats.batch.convert_rows`)."""
    name = source
    records = _records(text, name)
    header = [h.strip() for h in next(records)]
    _check_header(header, name)
    width = len(header)

    def misfit(record: list[str]) -> str | None:
        return None if len(record) == width else f"has {len(record)} fields but the header has {width}"

    def convert(record: list[str], rownum: int) -> Incident:
        row = dict(zip(header, record))
        problems = _point_problems(row, name, rownum)
        try:
            inc = incident_from_row(_with_id(row), source=name, rownum=rownum)
        except ValidationError as exc:
            raise ValidationError(_merge(problems, exc.problems)) from None
        if problems:
            raise ValidationError(problems)
        return inc

    # Blank spreadsheet rows are skipped but keep their number, so later rows are numbered as shown.
    # Records are read as they are converted: a file of junk never exists as a list of rows.
    # (A joined strip is the C-speed form of any(cell.strip() for cell in rec), which cost ~0.5 µs a row.)
    rows = ((n, rec) for n, rec in enumerate(records, start=2) if "".join(rec).strip())
    return convert_rows(rows, convert, source=name, keep_reasons=keep_reasons, misfit=misfit)


def _default_name(path_or_file: Any) -> str:
    if isinstance(path_or_file, (str, os.PathLike)):
        return Path(path_or_file).name
    return Path(str(getattr(path_or_file, "name", "upload"))).name or "upload"


def _read_bytes(path_or_file: Any, name: str, max_bytes: int) -> bytes:
    too_big = InputError(f"{name}: larger than the {max_bytes // (1024 * 1024) or max_bytes} MB limit")
    if isinstance(path_or_file, (str, os.PathLike)):
        path = Path(path_or_file)
        try:
            if path.stat().st_size > max_bytes:  # refuse before reading a huge file into memory
                raise too_big
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    else:
        data = path_or_file.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise too_big
    return data


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not a CSV text file")
    try:
        # utf-8-sig: spreadsheet programs put a byte-order mark in front of UTF-8 exports.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}: not UTF-8 text (invalid byte on line {line}); save the file as CSV UTF-8"
        ) from None


def _records(text: str, name: str) -> Iterator[list[str]]:
    """The header record, then each further record as it is read (a generator)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ValidationError([Problem(name, 1, None, f"malformed CSV ({exc})")]) from None
    if header is None or not any(cell.strip() for cell in header):
        raise InputError(f"{name}: no header row")
    yield header
    count = 1
    try:
        for record in reader:
            count += 1
            yield record
    except csv.Error as exc:
        # The csv module cannot resynchronise after a broken quote, so this is fatal.
        raise ValidationError([Problem(name, count + 1, None, f"malformed CSV ({exc})")]) from None


def _check_header(header: list[str], name: str) -> None:
    problems = []
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, "column appears twice in the header"))
        seen.add(column)
        if column not in FIELDS:
            problems.append(Problem(name, 1, column or None, f"unknown column {column!r}"))
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            problems.append(Problem(name, 1, column, "required column is missing"))
    if problems:
        raise ValidationError(problems)


def _with_id(row: dict[str, str]) -> dict[str, str]:
    """The row with a computed stable id when its ``id`` cell is empty (hand-made files)."""
    if (row.get("id") or "").strip():
        return row
    try:
        date = dt.date.fromisoformat((row.get("date") or "").strip())
        place = place_key((row.get("site_id") or "").strip(), float(row["lat"]), float(row["lon"]))
    except (ValueError, KeyError):
        return row  # the date/lat/lon problem is reported by incident_from_row
    return {**row, "id": incident_id(date, place, (row.get("event_type") or "").strip().lower())}


def _point_problems(row: Mapping[str, str], name: str, rownum: int) -> list[Problem]:
    """A point outside its row's country, or with latitude and longitude swapped (see geo.places.countries).

    Unparseable numbers are left to :func:`incident_from_row`, which names them.
    """
    try:
        lat, lon = float(row.get("lat") or ""), float(row.get("lon") or "")
    except ValueError:
        return []
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return []
    reason = point_problem(lat, lon, (row.get("country") or "").strip().upper() or None)
    if not reason:
        return []
    return [Problem(name, rownum, "lon" if reason.startswith("longitude") else "lat", reason)]


def _merge(first: list[Problem], more: Iterable[Problem]) -> list[Problem]:
    """``first`` then ``more``; a point problem replaces the bare lat/lon range error it explains."""
    if not first:
        return list(more)
    return first + [p for p in more if p.field not in ("lat", "lon")]


# --- writing -----------------------------------------------------------------------


def format_value(value: Any) -> str:
    """One cell: empty for unknown, ``true``/``false`` for flags, ``repr`` for floats (exact round trip)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def write_rows(rows: Iterable[Mapping[str, Any]], fh: IO[str]) -> None:
    """Write the header and ``rows`` (dicts keyed by :data:`FIELDS`) to a text handle."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([format_value(row.get(name)) for name in FIELDS])


def write_incidents_csv(incidents: Iterable[Incident], path_or_file: str | os.PathLike | IO[Any]) -> None:
    """Write ``incidents`` in our CSV format (UTF-8, ``\\n`` line ends) to a path or an open handle."""
    rows = (incident_to_row(inc) for inc in incidents)
    if isinstance(path_or_file, (str, os.PathLike)):
        with open(path_or_file, "w", encoding="utf-8", newline="") as fh:
            write_rows(rows, fh)
        return
    if isinstance(path_or_file, io.TextIOBase):
        write_rows(rows, path_or_file)
        return
    # A binary handle (upload buffer, sys.stdout.buffer): encode through a wrapper we do not close.
    wrapper = io.TextIOWrapper(path_or_file, encoding="utf-8", newline="", write_through=True)
    try:
        write_rows(rows, wrapper)
        wrapper.flush()
    finally:
        wrapper.detach()
