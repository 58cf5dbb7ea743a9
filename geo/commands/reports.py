"""``python -m geo reports fetch|status``: the texts of the real-report evaluation corpus.

``fetch`` downloads each manifest URL and saves its article text (trafilatura)
as ``<id>.txt`` in the reports folder (``GEO_REPORTS_DIR``, default
``var/reports``), keeping texts already there unless ``--force``. ``status``
says which texts are present and which are missing. Both exit 1 when texts are
missing or downloads failed, with one line per report on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.config import PROJECT_ROOT

__all__ = ["DEFAULT_MANIFEST", "register", "run_fetch", "run_status"]

DEFAULT_MANIFEST = PROJECT_ROOT / "tests" / "data" / "eval" / "real" / "manifest.csv"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reports",
        help="refill or check the texts of the real-report evaluation corpus",
        description="The real-report corpus ships a manifest and annotations but no text: 'fetch' downloads each "
        "URL and keeps the article text (needs internet); 'status' lists present and missing texts.",
    )
    sub = p.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--manifest", type=Path, default=DEFAULT_MANIFEST, help="corpus manifest CSV (default: %(default)s)"
    )
    common.add_argument(
        "--into", type=Path, default=None, help="texts folder (default: GEO_REPORTS_DIR, else var/reports)"
    )
    common.add_argument("--only", nargs="+", metavar="ID", help="only these report ids")
    f = sub.add_parser("fetch", parents=[common], help="download each manifest URL and save its article text")
    f.add_argument("--force", action="store_true", help="download again texts that are already present")
    f.add_argument("--timeout", type=float, default=20.0, help="seconds per download (default 20)")
    f.set_defaults(func=run_fetch)
    s = sub.add_parser("status", parents=[common], help="list which report texts are present and which are missing")
    s.set_defaults(func=run_status)


def _rows_and_dir(args):
    from geo.config import get_settings
    from geo.errors import InputError
    from geo.reports.fetch import read_manifest

    rows = read_manifest(args.manifest)
    if args.only:
        unknown = sorted(set(args.only) - {r.id for r in rows})
        if unknown:
            raise InputError(f"not in {args.manifest.name}: {', '.join(unknown)}")
        rows = [r for r in rows if r.id in set(args.only)]
    settings = get_settings()
    return rows, (args.into or settings.reports_dir), settings


def run_fetch(args) -> int:
    from functools import partial

    from geo.reports.fetch import fetch_reports, http_get

    rows, into, settings = _rows_and_dir(args)
    get = partial(http_get, user_agent=settings.user_agent, timeout=args.timeout)
    def say(row, status: str) -> None:
        print(f"{row.id}: {status}", file=sys.stderr)

    result = fetch_reports(rows, into, get, force=args.force, on_row=say)
    print(f"{len(result.saved)} saved, {len(result.kept)} already present, {len(result.failed)} failed, in {into}")
    return 1 if result.failed else 0


def run_status(args) -> int:
    from geo.reports.fetch import missing_texts

    rows, into, _ = _rows_and_dir(args)
    missing = missing_texts(rows, into)
    for row in missing:
        print(f"missing: {row.id} ({row.split}) {row.url}", file=sys.stderr)
    print(f"{len(rows) - len(missing)} of {len(rows)} report texts present in {into}")
    return 1 if missing else 0
