"""``python -m geo export``: the stored incidents, filtered, as GeoJSON, GeoJSON Lines, CSV or GeoPackage.

Uses the same :class:`geo.view.filters.Filters` as the dashboard, so an export of
"the same filters" matches what the map shows. The filters run in the database
and the incidents are written in chunks as they are read (:mod:`geo.storage.query`), so
memory stays flat whatever the size. Writes to stdout unless ``--output`` is
given (a GeoPackage needs ``--output``); a bad value is a one-line error and
exit code 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys

from geo.errors import InputError

__all__ = ["filters_from_args", "register", "run"]

_ISO2 = re.compile(r"^[A-Z]{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # no stored text holds them (tabs and line ends may)
FORMATS = ("geojson", "geojsonl", "csv", "gpkg")  # as geo.formats.export.FORMATS (not imported: a fast --help)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export stored incidents as GeoJSON, GeoJSON Lines, CSV or GeoPackage",
        description="Export the stored incidents (optionally filtered) as GeoJSON (RFC 7946), GeoJSON Lines "
        "(one feature per line), CSV or GeoPackage.",
    )
    p.add_argument("--format", choices=FORMATS, default="geojson", help="output format (default geojson)")
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
    kept = p.add_mutually_exclusive_group()
    kept.add_argument("--intercepted", dest="intercepted", action="store_const", const=True, default=None,
                      help="only incidents whose munitions were intercepted")
    kept.add_argument("--impacts", dest="intercepted", action="store_const", const=False,
                      help="only incidents that were not intercepted")
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
    for flag, values in (("--q", [args.text]), ("--actor", args.actor)):
        for v in values:
            if _CONTROL.search(v):
                raise InputError(f"{flag} {_CONTROL.sub('?', v)!r} holds a control character (such as NUL)")
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
        intercepted=getattr(args, "intercepted", None),
    )


def run(args: argparse.Namespace) -> int:
    filters = filters_from_args(args)  # validate before touching the database
    if args.format == "gpkg" and not args.output:
        raise InputError("--format gpkg writes a file: give it with --output FILE.gpkg")

    from geo.formats.export import write_export, write_gpkg
    from geo.storage.query import iter_chunks, iter_encoded
    from geo.storage.store import Store

    store = Store.open()

    def chunks():
        # The database writes the GeoJSON features and CSV lines (query.iter_encoded).
        return iter_encoded(store, filters, fmt=args.format)

    try:
        if args.format == "gpkg":
            count = write_gpkg(iter_chunks(store, filters), args.output)
        elif args.output:
            count = _to_file(args.output, lambda out: write_export(chunks(), args.format, out))
        else:
            sys.stdout.flush()
            out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else _TextWriter(sys.stdout)
            write_export(chunks(), args.format, out)
            out.flush()
            return 0
    except OSError as exc:
        raise InputError(f"cannot write {args.output or 'to stdout'}: {exc.strerror or exc}") from None
    finally:
        store.dispose()
    print(f"wrote {count} incident(s) to {args.output}", file=sys.stderr)
    return 0


def _to_file(path: str, write) -> int:
    """``write(fh)`` into a temporary file beside ``path``, renamed over it when complete."""
    from geo.formats.replacing import replacing

    with replacing(path) as tmp, open(tmp, "wb", buffering=1 << 20) as fh:
        return write(fh)


class _TextWriter:
    """A text-only stdout (some embedding environments) seen as a binary stream."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, data) -> int:
        return self._stream.write(bytes(data).decode("utf-8"))

    def flush(self) -> None:
        self._stream.flush()
