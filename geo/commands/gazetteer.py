"""``python -m geo gazetteer ...``: maintain the gazetteer.

``import-geonames FILE [FILE...]``  rebuild the GeoNames layer database from
                                    GeoNames dumps (a progress line on stderr
                                    when it is a terminal or with
                                    ``--progress``, counts on stdout;
                                    ``--strict`` fails on a bad line).
``validate [PATH]``                 check the curated CSV (default: the
                                    configured one); print every problem, exit 1
                                    if there is any.
"""

from __future__ import annotations

import sys

__all__ = ["register", "run_import", "run_validate"]

# Bad GeoNames lines listed on stderr before "... and N more".
_SHOWN_PROBLEMS = 20


def register(subparsers) -> None:
    parser = subparsers.add_parser("gazetteer", help="import GeoNames dumps, validate the curated gazetteer")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    importer = actions.add_parser("import-geonames", help="rebuild the GeoNames layer from GeoNames dump files")
    importer.add_argument("files", nargs="+", metavar="FILE", help="GeoNames tab-separated dump (IQ.txt, ...)")
    importer.add_argument("--db", help="database to write (default: GEO_GEONAMES_DB)")
    importer.add_argument("--strict", action="store_true", help="fail, changing nothing, if any line is bad")
    importer.add_argument(
        "--progress", action="store_true", help="show a progress line even when stderr is not a terminal"
    )
    importer.set_defaults(func=run_import)

    validate = actions.add_parser("validate", help="check the curated gazetteer CSV")
    validate.add_argument("path", nargs="?", help="CSV to check (default: GEO_GAZETTEER)")
    validate.set_defaults(func=run_validate)


def run_import(args) -> int:
    from pathlib import Path

    from geo.commands._progress import progress_for
    from geo.config import get_settings
    from geo.geonames import import_geonames

    lines = {}  # one progress line per file, in bytes read

    def progress(path: str, done: int, total: int) -> None:
        if path not in lines:
            lines[path] = progress_for(f"reading {Path(path).name} (bytes)", forced=args.progress)
        if lines[path] is not None:
            lines[path](done, total)

    db = args.db or get_settings().geonames_db
    try:
        report = import_geonames(args.files, db, strict=args.strict, progress=progress)
    finally:
        for line in lines.values():
            if line is not None:
                line.close()
    for problem in report.problems[:_SHOWN_PROBLEMS]:
        print(f"skipped: {problem}", file=sys.stderr)
    if len(report.problems) > _SHOWN_PROBLEMS:
        print(f"skipped: ... and {len(report.problems) - _SHOWN_PROBLEMS} more", file=sys.stderr)
    print(
        f"imported {report.places:,} places, {report.names:,} name keys from {len(report.files)} file(s) "
        f"into {report.path}; {len(report.problems)} bad line(s) skipped"
    )
    return 0


def run_validate(args) -> int:
    from geo.config import get_settings
    from geo.errors import ValidationError
    from geo.gazetteer import Gazetteer

    path = args.path or get_settings().gazetteer_path
    try:
        gazetteer = Gazetteer.load(path)
    except ValidationError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    print(f"{path}: {len(gazetteer)} sites, no problems")
    return 0
