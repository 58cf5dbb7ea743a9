"""ACLED exports (the codebook's CSV columns) as incidents.

Mapping, column by column (see the ACLED codebook for their meaning):

* ``event_id_cnty`` -> ``id`` ``"acled:<event_id_cnty>"``: ACLED keeps this id
  when it revises an event, so re-importing a newer export updates in place.
  A row without one (real exports have them) falls back to ACLED's row id
  ``data_id``, as ``"acled:data_id:<data_id>"``, just as stable across re-imports.
* ``event_date`` (``2020-05-09``, ``9-May-20``, ``09 May 2020``, ``9 May 2020``)
  with ``time_precision`` 1/2/3 -> ``date`` + ``date_precision`` day/week/month.
  ACLED dates a week- or month-precise event at the middle of the period while
  our model stores the period's first day (see :mod:`geo.view.filters`), so the
  date moves to the month's first day, or 3 days back for a week. A ``year``
  column that disagrees with the parsed date is an error: it is how a
  misread two-digit year shows.
* ``event_type`` + ``sub_event_type`` + keywords in ``notes`` -> ``event_type``
  (:func:`map_event_type`); everything that is not an attack maps to
  ``other`` and is kept, so an import never silently drops rows.
* ``actor1`` -> ``actor``; ``actor2`` (+ ``assoc_actor_2``) -> ``target``.
  ``assoc_actor_1`` is, per the codebook, on actor1's side, so it is not a target.
* ``actor1`` (+ ``assoc_actor_1``) -> ``actor_family``
  (:func:`geo.actors.family_of_acled`): "Military Forces of the United States"
  is ``us``, "Islamic State (Iraq)" ``isis``, "Unidentified Armed Group" with an
  associated "Kataib Hezbollah" ``iran_aligned``.
* ``country`` name (fallback ``iso`` numeric, then ``iso3``) -> ISO alpha-2.
* ``admin1``, ``location``, ``latitude``/``longitude``, ``geo_precision`` 1/2/3
  as they are; ``source`` ("A; B") -> one :class:`Source` per outlet;
  ``notes`` -> ``summary``; ``fatalities`` -> ``killed``.
* ``attribution`` is ``claimed``/``blamed`` when the notes say so, else ``unknown``;
  ``status`` is ``reviewed`` (ACLED codes events by hand).

A file with any bad row imports nothing: :func:`parse_acled` raises one
:class:`ValidationError` listing every problem, rows numbered as a spreadsheet
numbers them (header = row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from functools import lru_cache

from geo.actors import family_of_acled
from geo.formats.batch import Converted, convert_rows
from geo.places.countries import find_country
from geo.errors import Problem, ValidationError
from geo.incidents import Incident, Source, incident_problems
from geo.formats.readfile import TextSource, read_text
from geo.reports.dates import MONTH_NAMES

__all__ = [
    "ACLED_COLUMNS",
    "REQUIRED_COLUMNS",
    "acled_row_to_incident",
    "attribution_from_notes",
    "convert_acled",
    "is_acled_header",
    "map_event_type",
    "parse_acled",
    "parse_acled_date",
    "read_acled",
    "to_acled_frame",
]

# The columns of an ACLED export (before ACLED's 2023 column changes), in order.
ACLED_COLUMNS = (
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
)
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "latitude", "longitude")
# Names no other format we read uses (ours says lat/lon, summary, killed).
_ACLED_ONLY = frozenset(
    {"event_id_cnty", "event_date", "sub_event_type", "actor1", "time_precision", "latitude", "fatalities", "notes"}
)
# At least one of these must be present to tell the country.
COUNTRY_COLUMNS = ("country", "iso", "iso3")

_PRECISION = {"1": "day", "2": "week", "3": "month"}

# The inverse of map_event_type: how ACLED would code each of our event types,
# with the words in the notes that map_event_type reads back. A test holds the
# two directions to each other.
_EXPLOSIONS = "Explosions/Remote violence"
_CODING = {
    "rocket": (_EXPLOSIONS, "Shelling/artillery/missile attack", "rockets"),
    "missile": (_EXPLOSIONS, "Shelling/artillery/missile attack", "a ballistic missile"),
    "indirect_fire": (_EXPLOSIONS, "Shelling/artillery/missile attack", "mortar rounds"),
    "artillery": (_EXPLOSIONS, "Shelling/artillery/missile attack", "artillery shells"),
    "rpg": (_EXPLOSIONS, "Grenade", "an RPG"),
    "drone": (_EXPLOSIONS, "Air/drone strike", "drones"),
    "airstrike": (_EXPLOSIONS, "Air/drone strike", "warplanes"),
    "ied": (_EXPLOSIONS, "Remote explosive/landmine/IED", "an IED"),
    "small_arms": ("Battles", "Armed clash", "gunfire"),
    "other": ("Strategic developments", "Other", "unspecified means"),
}
_MONTH_ABBR = tuple(name[:3] for name in MONTH_NAMES)  # ACLED writes "07 January 2022" or "07-Jan-22"

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})[-\s]+([A-Za-z]{3,9})\.?[-\s]+(\d{4}|\d{2})")

# Keyword rules, first match wins. RPG comes before rocket because
# "rocket-propelled grenade" contains "rocket".
_RPG = re.compile(r"\brpgs?\b|rocket[- ]propelled")
_ROCKET = re.compile(r"\brockets?\b|katyusha|\bgrad\b")
_MISSILE = re.compile(r"\bmissiles?\b")
_MORTAR = re.compile(r"\bmortars?\b")
_DRONE = re.compile(r"\bdrones?\b|\buavs?\b|unmanned")

_NO_CLAIM = re.compile(r"\b(no|not|nobody|none|yet to|without)\b[^.;]{0,40}\bclaim|\bunclaimed\b")
_CLAIM = re.compile(r"\bclaim(ed|s|ing)?\b[^.;]{0,40}\bresponsibility\b|\bresponsibility\b[^.;]{0,20}\bclaimed\b")
_BLAME = re.compile(r"\b(blamed|accused|attributed)\b")


def read_acled(path_or_file: TextSource, source_name: str | None = None) -> list[Incident]:
    """Incidents of an ACLED CSV export (path, bytes or open file); see :func:`parse_acled`."""
    text, name = read_text(path_or_file, name=source_name)
    return parse_acled(text, source=name)


def parse_acled(text: str, *, source: str = "upload") -> list[Incident]:
    """Incidents of ACLED CSV ``text``; raises ValidationError listing every bad row."""
    return convert_acled(text, source=source, keep_reasons=False).all_or_nothing()


def convert_acled(text: str, *, source: str = "upload", keep_reasons: bool = True) -> Converted:
    """The valid incidents of ACLED CSV ``text`` and the refused rows (see :func:`geo.formats.batch.convert_rows`)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in COUNTRY_COLUMNS):
        missing.append("country")
    if missing:
        raise ValidationError(
            [Problem(source, 1, c, "required ACLED column is missing from the header") for c in missing]
        )
    width = len(header)

    def convert(values: list[str], rownum: int) -> Incident:
        if len(values) != width:
            raise ValidationError(
                [Problem(source, rownum, None, f"has {len(values)} fields but the header has {width}")]
            )
        return acled_row_to_incident(dict(zip(header, (v.strip() for v in values))), source=source, rownum=rownum)

    return convert_rows(
        _data_rows(reader, source), convert, source=source, id_field="event_id_cnty", keep_reasons=keep_reasons
    )


def _data_rows(reader, source: str):
    """(row number, values) of each non-blank record; a record the csv module cannot
    read (e.g. a field over its size limit) ends the file with a problem on that row."""
    rownum = 1
    while True:
        rownum += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError([Problem(source, rownum, None, f"unreadable CSV record ({exc})")]) from None
        if any(v.strip() for v in values):  # blank lines are not rows, but count in the numbering
            yield rownum, values


def acled_row_to_incident(row: Mapping[str, str], *, source: str = "upload", rownum: int | None = None) -> Incident:
    """One ACLED row (column name -> text) as an :class:`Incident`; raises ValidationError."""
    problems: list[Problem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(Problem(source, rownum, column, reason))

    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    event_id = text("event_id_cnty")
    if not event_id and text("data_id"):
        event_id = f"data_id:{text('data_id')}"
    if not event_id:
        bad(
            "event_id_cnty",
            "is empty and so is data_id (ACLED's ids are what make re-imports update instead of duplicate)",
        )

    precision = _PRECISION.get(text("time_precision") or "1")
    if precision is None:
        bad("time_precision", f"{text('time_precision')!r} is not 1, 2 or 3")
    date = None
    try:
        date = parse_acled_date(text("event_date"))
    except ValueError as exc:
        bad("event_date", str(exc))
    if date is not None and text("year") and text("year") != str(date.year):
        bad("year", f"{text('year')!r} does not match event_date {text('event_date')!r} (read as {date.isoformat()})")
    if date is not None and precision is not None:
        date = _period_start(date, precision)

    geo_precision = text("geo_precision") or "2"
    if geo_precision not in ("1", "2", "3"):
        bad("geo_precision", f"{geo_precision!r} is not 1, 2 or 3")

    country = find_country(text("country"), text("iso"), text("iso3"))
    if country is None:
        shown = " / ".join(repr(text(c)) for c in COUNTRY_COLUMNS if text(c)) or "empty"
        bad("country", f"{shown} is not a country (ISO 3166-1 name or code)")

    coords = {}
    for column in ("latitude", "longitude"):
        try:
            coords[column] = float(text(column))
            if not math.isfinite(coords[column]):
                raise ValueError
        except ValueError:
            bad(column, f"{text(column)!r} is not a number")

    killed = None
    if text("fatalities"):
        if text("fatalities").isascii() and text("fatalities").isdigit():  # "²".isdigit() is True
            killed = int(text("fatalities"))
        else:
            bad("fatalities", f"{text('fatalities')!r} is not a whole number >= 0")

    if problems:
        raise ValidationError(problems)

    notes = text("notes")
    inc = Incident(
        id=f"acled:{event_id}",
        date=date,
        date_precision=precision,
        lat=coords["latitude"],
        lon=coords["longitude"],
        geo_precision=int(geo_precision),
        country=country.iso2,
        event_type=map_event_type(text("event_type"), text("sub_event_type"), notes),
        location=text("location"),
        admin1=text("admin1"),
        actor=text("actor1") or "Unknown",
        actor_family=family_of_acled(text("actor1"), text("assoc_actor_1")),
        attribution=attribution_from_notes(notes),
        target="; ".join(t for t in (text("actor2"), text("assoc_actor_2")) if t),
        killed=killed,
        summary=notes,
        sources=_sources(text("source")),
        status="reviewed",
    )
    # The one validation every way in shares (limits, borders), named by the file's own columns.
    problems = [
        Problem(p.source, p.row, _COLUMN_OF.get(p.field, p.field), p.reason)
        for p in incident_problems(inc, source=source, row=rownum)
    ]
    if problems:
        raise ValidationError(problems)
    return inc


# Our field -> the ACLED column it comes from, so a problem names the column a user sees.
_COLUMN_OF = {
    "id": "event_id_cnty",
    "date": "event_date",
    "lat": "latitude",
    "lon": "longitude",
    "killed": "fatalities",
    "summary": "notes",
    "actor": "actor1",
    "target": "actor2",
    "sources": "source",
}


def parse_acled_date(value: str) -> dt.date:
    """A date in any format ACLED exports have used; raises ValueError saying what was expected."""
    value = value.strip()
    try:
        m = _ISO_DATE.fullmatch(value)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMY_DATE.fullmatch(value)
        if m:
            month = _month_number(m[2])
            if month:
                year = int(m[3])
                if len(m[3]) == 2:
                    # ACLED starts in 1997: 97-99 are the 1900s, the rest this century.
                    year += 1900 if year >= 90 else 2000
                return dt.date(year, month, int(m[1]))
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None
    raise ValueError(f"{value!r} is not a date (expected e.g. 2020-05-09, 9-May-20 or 9 May 2020)")


def map_event_type(acled_type: str, sub_event_type: str, notes: str = "") -> str:
    """Our event type for an ACLED event/sub-event type, refined by keywords in the notes."""
    sub = sub_event_type.strip().lower()
    words = notes.lower()
    if sub == "shelling/artillery/missile attack":
        if _RPG.search(words):
            return "rpg"
        if _ROCKET.search(words):
            return "rocket"
        if _MISSILE.search(words):
            return "missile"
        if _MORTAR.search(words):
            return "indirect_fire"
        return "artillery"
    if sub == "air/drone strike":
        return "drone" if _DRONE.search(words) else "airstrike"
    if sub in ("remote explosive/landmine/ied", "suicide bomb"):
        # A suicide bomb is a person- or vehicle-borne IED.
        return "ied"
    if sub == "grenade":
        return "rpg" if _RPG.search(words) else "other"
    if sub == "armed clash":
        return "small_arms"
    return "other"


def attribution_from_notes(notes: str) -> str:
    """``claimed`` / ``blamed`` when the notes say so, else ``unknown`` (deliberately simple)."""
    words = notes.lower()
    if _CLAIM.search(words) and not _NO_CLAIM.search(words):
        return "claimed"
    if _BLAME.search(words):
        return "blamed"
    return "unknown"


def is_acled_header(columns) -> bool:
    """Whether a CSV header (column names) is an ACLED export's, even one missing a column.

    Two ACLED-only column names are enough, so that a damaged export is still
    recognised and then told precisely which required column it lacks.
    """
    names = {str(c).strip().lower() for c in columns}
    return len(names & _ACLED_ONLY) >= 2


def _month_number(name: str) -> int | None:
    name = name.lower()
    for number, full in enumerate(MONTH_NAMES, start=1):
        if full.lower().startswith(name) and len(name) >= 3:
            return number
    return None


def _period_start(date: dt.date, precision: str) -> dt.date:
    if precision == "month":
        return date.replace(day=1)
    if precision == "week":
        return date - dt.timedelta(days=3)
    return date


@lru_cache(maxsize=4096)  # a file has few distinct source lists ("SOHR", "Liveuamap; SOHR"), and Source is immutable
def _sources(value: str) -> tuple[Source, ...]:
    outlets = dict.fromkeys(s.strip() for s in value.split(";"))
    return tuple(Source(outlet=o) for o in outlets if o)


def to_acled_frame(frame, *, date_style: str = "d-Mon-yy"):
    """An incident frame (:mod:`geo.view.frame` contract) as an ACLED export table.

    For tests and benchmarks: real-sized ACLED files without real ACLED text.
    Reading the result back with :func:`parse_acled` returns the same event
    types, dates, places and figures, except what ACLED cannot express
    (``suspected`` attribution reads back as ``unknown``, unknown fatalities
    as 0, geo precision 4 as 3). ``date_style`` is ``"d-Mon-yy"`` (9-May-20),
    ``"iso"`` (2020-05-09) or ``"dd Month yyyy"`` (09 May 2020).
    """
    import numpy as np
    import pandas as pd

    n = len(frame)
    countries = {code: find_country(code) for code in frame["country"].unique()}
    country = frame["country"].map(lambda c: countries[c])
    coding = frame["event_type"].map(_CODING)
    precision = frame["date_precision"].map({"day": 1, "week": 2, "month": 3})
    # Back to ACLED's convention of dating a period at its middle (see _period_start).
    dates = frame["date"] + pd.to_timedelta(precision.map({1: 0, 2: 3, 3: 14}), unit="D")
    actor = frame["actor"].astype(object)
    claim = np.select(
        [frame["attribution"].eq("claimed"), frame["attribution"].eq("blamed")],
        [" " + actor + " claimed responsibility.", " Officials blamed " + actor + "."],
        "",
    )
    notes = (
        "On "
        + dates.dt.strftime("%Y-%m-%d")
        + ", "
        + actor
        + " attacked "
        + frame["location"].astype(object)
        + " using "
        + coding.str[2]
        + "."
        + claim
    )
    iso3 = country.map(lambda c: c.iso3)
    return pd.DataFrame(
        {
            "data_id": np.arange(1, n + 1),
            "iso": country.map(lambda c: c.numeric),
            "event_id_cnty": iso3 + pd.Series(np.arange(1, n + 1), index=frame.index).astype(str),
            "event_id_no_cnty": np.arange(1, n + 1),
            "event_date": _format_dates(dates, date_style),
            "year": dates.dt.year,
            "time_precision": precision,
            "event_type": coding.str[0],
            "sub_event_type": coding.str[1],
            "actor1": actor,
            "assoc_actor_1": "",
            "inter1": 0,
            "actor2": frame["target"],
            "assoc_actor_2": "",
            "inter2": 0,
            "interaction": 0,
            "region": "Middle East",
            "country": country.map(lambda c: c.name),
            "admin1": frame["admin1"],
            "admin2": "",
            "admin3": "",
            "location": frame["location"],
            "latitude": frame["lat"],
            "longitude": frame["lon"],
            "geo_precision": frame["geo_precision"].clip(upper=3),
            "source": frame["outlets"].str.replace(", ", "; ", regex=False),
            "source_scale": "",
            "notes": notes,
            "fatalities": frame["killed"].fillna(0).astype("int64"),
            "timestamp": 0,
            "iso3": iso3,
        },
        columns=list(ACLED_COLUMNS),
    )


def _format_dates(dates, style: str):
    """ACLED date text without strftime's locale-dependent month names."""
    import numpy as np

    if style == "iso":
        return dates.dt.strftime("%Y-%m-%d")
    month = np.array(_MONTH_ABBR, dtype=object)[dates.dt.month.to_numpy() - 1]
    if style == "d-Mon-yy":
        return dates.dt.day.astype(str) + "-" + month + "-" + (dates.dt.year % 100).astype(str).str.zfill(2)
    if style == "dd Month yyyy":
        return dates.dt.day.astype(str).str.zfill(2) + " " + month + " " + dates.dt.year.astype(str)
    raise ValueError(f"unknown date style {style!r}")
