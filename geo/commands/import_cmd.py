"""``python -m geo import FILE``: add incidents from our CSV, an ACLED export or GeoJSON.

All or nothing: a file with any bad row imports nothing, and every problem is
listed on stderr (one per line, then a summary line; exit 1) so the file can
be fixed in one pass. Ids are stable, so importing the same file twice changes
nothing. ``--dry-run`` reports what would be added, updated (with the fields
that differ) and left unchanged, without writing. ``--skip-invalid`` imports the
valid rows instead and writes the refused ones, each with its reasons, to a
rejects CSV beside the input (or in the current folder when the input's folder
is read-only; ``--rejects PATH`` to choose).
"""

from __future__ import annotations

import argparse
import sys

from geo.commands._progress import add_progress_option

__all__ = ["register", "run"]

# Dry runs list at most this many ids per kind; the counts are always complete.
_LISTED = 50
# Above this many incoming incidents one full read beats one lookup per id.


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import incidents from CSV, an ACLED export or GeoJSON",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument("file", help="the file to import")
    parser.add_argument(
        "--format",
        choices=("auto", "csv", "acled", "geojson"),
        default="auto",
        help="input format (default: detect from the content)",
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows; write the refused ones with their reasons to a rejects CSV",
    )
    parser.add_argument("--rejects", metavar="PATH", help="where --skip-invalid writes refused rows")
    parser.add_argument("--user", default="system", help="who the change is recorded as (default: system)")
    add_progress_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.commands._progress import progress_for
    from geo.errors import ValidationError
    from geo.formats.importers import plan_import, read_any, stored_lookup
    from geo.storage.store import Store

    refused = ""
    if args.skip_invalid:
        incidents, refused = _read_skipping(args)
    else:
        try:
            incidents = read_any(args.file, args.format)
        except ValidationError as exc:
            report_problems(exc, args.file, sys.stderr)
            return 1

    store = Store.open()
    progress = None if args.dry_run else progress_for("importing", forced=args.progress)
    try:
        if args.dry_run:
            print_plan(plan_import(incidents, stored_lookup(store, incidents)), sys.stdout)
            if refused:
                print(refused)
            return 0
        counts = store.upsert_many(incidents, user=args.user, progress=progress)
    finally:
        if progress is not None:
            progress.close()  # an error message must not land on the progress line
        store.dispose()
    print(
        f"imported {len(incidents)} incident(s) from {args.file}: "
        f"{counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged"
    )
    if args.skip_invalid:
        print(f"{len(incidents):,} incident(s) imported; {refused}")
    return 0


def _read_skipping(args: argparse.Namespace):
    """(valid incidents, a line saying how many rows were refused and where they were written)."""
    from pathlib import Path

    from geo.formats.importers import read_any_partial, rejects_path, write_rejects

    converted, text, fmt = read_any_partial(args.file, args.format)
    count = len(converted.rejected_rows)
    if not count:
        return converted.incidents, "0 row(s) refused"
    if args.dry_run:
        return converted.incidents, f"{count:,} row(s) refused (a real run writes them to a rejects file)"
    out = Path(args.rejects) if args.rejects else rejects_path(args.file)
    write_rejects(text, fmt, converted, out)
    return converted.incidents, f"{count:,} row(s) refused, written with their reasons to {out}"


def report_problems(exc, file_name: str, stream) -> None:
    """Every problem on its own line, then one summary line."""
    for problem in exc.problems:
        print(problem, file=stream)
    more = getattr(exc, "more", 0)
    if more:
        print(f"... and {more:,} more problem(s), not listed", file=stream)
    rows = {p.row for p in exc.problems if p.row is not None}
    counted = f"{len(rows)} row(s)" if not more else f"{len(rows)}+ row(s)"
    print(f"error: {exc.total:,} problem(s) in {counted} of {file_name}; nothing imported", file=stream)


def print_plan(plan, stream) -> None:
    """The dry-run report: counts first, then the ids, capped at :data:`_LISTED` per kind."""
    c = plan.counts()
    print(
        f"dry run, nothing written: would add {c['added']}, update {c['updated']}, leave {c['unchanged']} unchanged",
        file=stream,
    )
    lines = [f"+ {i}" for i in plan.added[:_LISTED]]
    if len(plan.added) > _LISTED:
        lines.append(f"+ ... and {len(plan.added) - _LISTED} more")
    lines += [f"~ {i} ({', '.join(changed)})" for i, changed in plan.updated[:_LISTED]]
    if len(plan.updated) > _LISTED:
        lines.append(f"~ ... and {len(plan.updated) - _LISTED} more")
    for line in lines:
        print(line, file=stream)
