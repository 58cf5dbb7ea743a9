"""``python -m geo export``: the stored incidents, filtered, as GeoJSON or CSV.

Uses the same :class:`geo.view.filters.Filters` as the dashboard, so an export of
"the same filters" matches what the map shows. Writes to stdout unless
``--output`` is given; a bad value is a one-line error and exit code 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys

from geo.errors import InputError

__all__ = ["filters_from_args", "register", "run"]

_ISO2 = re.compile(r"^[A-Z]{2}$")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export stored incidents as GeoJSON or CSV",
        description="Export the stored incidents (optionally filtered) as GeoJSON (RFC 7946) or CSV.",
    )
    p.add_argument("--format", choices=("geojson", "csv"), default="geojson", help="output format (default geojson)")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    p.add_argument("--actor", action="append", default=[], metavar="X", help="actor name (repeatable)")
    p.add_argument("--family", action="append", default=[], metavar="F",
                   help="actor family: iran_aligned / iran / us / coalition / isis / other / unknown (repeatable)")
    p.add_argument("--attribution", action="append", default=[], metavar="Y",
                   help="claimed / blamed / suspected / unknown (repeatable)")
    p.add_argument("--type", dest="event_type", action="append", default=[], metavar="Z",
                   help="event type, e.g. rocket, drone (repeatable)")
    p.add_argument("--country", action="append", default=[], metavar="CC", help="ISO 3166-1 alpha-2 code (repeatable)")
    p.add_argument("--q", dest="text", default="", metavar="TEXT", help="free text searched in summaries, places, sources")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=run)


def filters_from_args(args: argparse.Namespace):
    """The :class:`Filters` the arguments ask for; :class:`InputError` for any invalid value."""
    from geo.actors import FAMILIES, family_key
    from geo.view.filters import Filters
    from geo.incidents import ATTRIBUTIONS, EVENT_TYPES

    def date(flag: str, value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"{flag} {value!r} is not a date (expected YYYY-MM-DD)") from None

    def choices(flag: str, values: list[str], allowed) -> tuple[str, ...]:
        out = tuple(dict.fromkeys(v.strip().lower() for v in values))
        for v in out:
            if v not in allowed:
                raise InputError(f"{flag} {v!r} is not one of: {', '.join(allowed)}")
        return out

    date_from, date_to = date("--from", args.date_from), date("--to", args.date_to)
    if date_from and date_to and date_from > date_to:
        raise InputError(f"--from {date_from} is after --to {date_to}")
    countries = tuple(dict.fromkeys(c.strip().upper() for c in args.country))
    for c in countries:
        if not _ISO2.match(c):
            raise InputError(f"--country {c!r} is not a two-letter country code")
    return Filters(
        date_from=date_from,
        date_to=date_to,
        actors=tuple(dict.fromkeys(a.strip() for a in args.actor if a.strip())),
        attributions=choices("--attribution", args.attribution, ATTRIBUTIONS),
        event_types=choices("--type", args.event_type, EVENT_TYPES),
        countries=countries,
        text=args.text.strip(),
        families=choices("--family", [family_key(f) or f for f in args.family], FAMILIES),
    )


def run(args: argparse.Namespace) -> int:
    filters = filters_from_args(args)  # validate before touching the database

    from geo.formats.export import to_csv, to_geojson
    from geo.view.filters import apply_filters
    from geo.storage.store import Store

    df = apply_filters(Store.open().frame(), filters)
    data = to_geojson(df) if args.format == "geojson" else to_csv(df)
    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"wrote {len(df)} incident(s) to {args.output}", file=sys.stderr)
        return 0
    out = sys.stdout
    out.flush()
    if hasattr(out, "buffer"):
        out.buffer.write(data)
        out.buffer.flush()
    else:  # a text-only stream (some embedding environments)
        out.write(data.decode("utf-8"))
    return 0
