"""``python -m geo gazetteer ...``: maintain the gazetteer.

``import-geonames FILE [FILE...]``  rebuild the GeoNames layer database from
                                    GeoNames dumps (a progress line on stderr
                                    when it is a terminal or with
                                    ``--progress``, counts on stdout;
                                    ``--strict`` fails on a bad line).
``validate [PATH]``                 check the curated CSV (default: the
                                    configured one); print every problem, exit 1
                                    if there is any.
``list-team``                       the team sites editors added from the app
                                    (kept in the incident store): one line each.
``export-team [--out FILE]``        the team sites as gazetteer.csv rows (header
                                    first), for curators to fold into the CSV.
``add-team --id ... --name ...``    add a team site, validated as the app does.
``remove-team ID``                  remove a team site.

Adding and removing are audited under ``--user`` (default: the login name).
"""

from __future__ import annotations

import sys

from geo.commands._progress import add_progress_option

__all__ = [
    "register",
    "run_add_team",
    "run_export_team",
    "run_import",
    "run_list_team",
    "run_remove_team",
    "run_validate",
]

# Bad GeoNames lines listed on stderr before "... and N more".
_SHOWN_PROBLEMS = 20
# add-team options: gazetteer.csv columns, whether required, help.
_ADD_FIELDS = (
    ("id", True, "slug, e.g. tall-abyad"),
    ("name", True, "the name reports use"),
    ("aliases", False, 'other spellings, "|"-separated'),
    ("kind", True, "air_base, town, ... (see gazetteer validate)"),
    ("country", True, "ISO 3166-1 alpha-2 code, e.g. IQ"),
    ("admin1", False, "province"),
    ("lat", True, "latitude, decimal degrees"),
    ("lon", True, "longitude, decimal degrees"),
    ("precision_m", True, "how far the point may be off, metres"),
    ("source", False, "where the coordinates come from"),
    ("notes", False, "anything a curator should know"),
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("gazetteer", help="import GeoNames dumps, validate the curated gazetteer")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    importer = actions.add_parser("import-geonames", help="rebuild the GeoNames layer from GeoNames dump files")
    importer.add_argument("files", nargs="+", metavar="FILE", help="GeoNames tab-separated dump (IQ.txt, ...)")
    importer.add_argument("--db", help="database to write (default: GEO_GEONAMES_DB)")
    importer.add_argument("--strict", action="store_true", help="fail, changing nothing, if any line is bad")
    add_progress_option(importer)
    importer.set_defaults(func=run_import)

    validate = actions.add_parser("validate", help="check the curated gazetteer CSV")
    validate.add_argument("path", nargs="?", help="CSV to check (default: GEO_GAZETTEER)")
    validate.set_defaults(func=run_validate)

    listing = actions.add_parser("list-team", help="list the team sites editors added from the app")
    listing.set_defaults(func=run_list_team)

    export = actions.add_parser("export-team", help="write the team sites as gazetteer.csv rows")
    export.add_argument("--out", metavar="FILE", help="CSV file to write (default: standard output)")
    export.set_defaults(func=run_export_team)

    add = actions.add_parser("add-team", help="add a team site (validated like a curated row)")
    for column, required, helptext in _ADD_FIELDS:
        add.add_argument(f"--{column.replace('_', '-')}", dest=column, required=required, help=helptext)
    add.add_argument("--user", help="editor name for the audit log (default: your login name)")
    add.set_defaults(func=run_add_team)

    remove = actions.add_parser("remove-team", help="remove a team site")
    remove.add_argument("id", help="id of the team site")
    remove.add_argument("--user", help="editor name for the audit log (default: your login name)")
    remove.set_defaults(func=run_remove_team)


def run_import(args) -> int:
    from pathlib import Path

    from geo.commands._progress import progress_for
    from geo.config import get_settings
    from geo.places.geonames import import_geonames

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
    from geo.places.gazetteer import Gazetteer

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


def _user(args) -> str:
    import getpass

    return (args.user or "").strip() or getpass.getuser()


def run_list_team(args) -> int:
    from geo.places import teamsites
    from geo.config import get_settings

    found = teamsites.read(get_settings())
    for team in found.sites:
        site = team.site
        print(
            f"{site.id}  {site.name} ({site.kind}, {site.country})  {site.lat:.5f},{site.lon:.5f}  "
            f"added by {team.added_by} on {team.added_at:%Y-%m-%d %H:%M} UTC"
        )
    print(f"{len(found.sites)} team site(s)", file=sys.stderr)
    return 0


def run_export_team(args) -> int:
    from geo.places import teamsites
    from geo.config import get_settings

    sites = [team.site for team in teamsites.read(get_settings()).sites]
    if args.out:
        from geo.errors import InputError

        try:
            with open(args.out, "w", newline="", encoding="utf-8") as handle:
                count = teamsites.write_csv(sites, handle)
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        print(f"wrote {count} team site(s) to {args.out}", file=sys.stderr)
    else:
        teamsites.write_csv(sites, sys.stdout)
    return 0


def run_add_team(args) -> int:
    from geo.places import teamsites
    from geo.config import get_settings
    from geo.places.gazetteer import Gazetteer
    from geo.storage.store import Store

    settings = get_settings()
    curated = Gazetteer.load(settings.gazetteer_path).curated_sites
    fields = {column: getattr(args, column) for column, _, _ in _ADD_FIELDS}
    # seed=False: adding a site must not import the seed incidents into a new store as a side effect.
    store = Store.open(settings, seed=False)
    try:
        added = teamsites.add_site(store, fields, user=_user(args), curated=curated)
    finally:
        store.dispose()
    print(f"added team site {added.site.id} ({added.site.name}, {added.site.country}) as {added.added_by}")
    return 0


def run_remove_team(args) -> int:
    from geo.places import teamsites
    from geo.storage.store import Store

    store = Store.open(seed=False)
    try:
        gone = teamsites.remove_site(store, args.id, user=_user(args))
    finally:
        store.dispose()
    print(f"removed team site {gone.site.id} ({gone.site.name}, {gone.site.country})")
    return 0
