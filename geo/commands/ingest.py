"""``python -m geo ingest``: extract incidents from reports and store them, merged.

Same report arguments as ``extract``, or ``--manifest FILE.csv``. Every report
is read and extracted first; only then is the store opened and the whole
merge plan written with one ``upsert_many`` (one transaction), so a failed
ingest stores nothing. ``--dry-run`` prints the plan instead of writing.
"""

from __future__ import annotations

import argparse
import sys

from geo.errors import InputError

__all__ = ["build_plan", "register", "run"]


def register(subparsers) -> None:
    from geo.commands.extract import add_report_arguments

    p = subparsers.add_parser(
        "ingest",
        help="extract incidents from news reports and merge them into the store",
        description="Extracts incidents from report files, merges them with the stored ones and saves them.",
    )
    add_report_arguments(p, manifest=True)
    p.add_argument("--km", type=float, default=10.0, help="distance within which two reports are one place (default 10)")
    p.add_argument("--user", default="ingest", help="name recorded in the audit log (default: ingest)")
    p.add_argument("--dry-run", action="store_true", help="print what would change; store nothing")
    p.set_defaults(func=run)


def build_plan(results, existing, *, km: float = 10.0):
    """The :class:`~geo.reports.merge.MergePlan` for extraction ``results`` against ``existing`` incidents."""
    from geo.incidents import Source
    from geo.reports.merge import merge

    new = []
    for report, result in results:
        source = Source(outlet=report.outlet or report.path.name, url=report.url, published=report.published, title=report.path.name)
        new.extend(c.to_incident(source) for c in result.candidates)
    return merge(existing, new, km=km)


def _describe(inc) -> str:
    where = inc.site_id or f"{inc.lat:.3f},{inc.lon:.3f}"
    return f"{inc.id}  {inc.date} ({inc.date_precision})  {inc.event_type:<13} {where}  sources={len(inc.sources)}"


def run(args: argparse.Namespace) -> int:
    from geo.commands.extract import extract_reports, read_reports
    from geo.places.gazetteer import load_default
    from geo.storage.store import Store

    if not args.files and args.manifest is None:
        raise InputError("nothing to ingest: name report files (with --published) or give --manifest FILE.csv")
    reports = read_reports(args)
    results = extract_reports(reports, load_default())
    for report, result in results:
        if result.unresolved_places:
            print(f"{report.path.name}: unresolved places: {', '.join(result.unresolved_places)}", file=sys.stderr)
    store = Store.open()
    plan = build_plan(results, store.all(), km=args.km)
    if args.dry_run:
        print(f"dry run: {plan.summary()} (nothing stored)")
        for inc in plan.added:
            print(f"  add     {_describe(inc)}")
        for inc in plan.updated:
            print(f"  update  {_describe(inc)}")
        return 0
    counts = store.upsert_many(plan.incidents(), user=args.user)
    print(f"stored: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged ({plan.summary()})")
    return 0
