"""``python -m geo extract FILE... --published YYYY-MM-DD``: proposed incidents as GeoJSON.

Prints one FeatureCollection for all files; place names the gazetteer does
not know, and the extractor's notes, go to stderr so that stdout stays valid
GeoJSON. ``geo.commands.ingest`` reuses :func:`read_reports` and
:func:`extract_reports`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import InputError, NotFound

__all__ = ["Report", "add_report_arguments", "extract_reports", "feature", "read_reports", "register", "run"]


@dataclass(frozen=True)
class Report:
    """One report to read: its file, clean text and publication facts."""

    path: Path
    text: str
    published: dt.date
    outlet: str = ""
    url: str = ""
    notes: tuple[str, ...] = ()


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def add_report_arguments(p: argparse.ArgumentParser, *, manifest: bool) -> None:
    p.add_argument("files", nargs="*", type=Path, metavar="FILE", help="report text or HTML files")
    p.add_argument("--published", type=_date, help="publication date of the report(s), YYYY-MM-DD")
    p.add_argument("--outlet", default="", help="name of the outlet that published the report(s)")
    p.add_argument("--url", default="", help="address of the report")
    if manifest:
        p.add_argument(
            "--manifest",
            type=Path,
            help="CSV with columns file, published, outlet, url (paths relative to the CSV)",
        )


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "extract",
        help="propose incidents from news report files (GeoJSON on stdout)",
        description="Reads report files and prints the incidents they describe as a GeoJSON FeatureCollection.",
    )
    add_report_arguments(p, manifest=False)
    p.set_defaults(func=run)


def _read_file(path: Path, published: dt.date, outlet: str, url: str) -> Report:
    from geo.reports.text import clean_text

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"report file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a report file") from None
    try:
        clean = clean_text(data, filename=path.name)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    return Report(path, clean.text, published, outlet, url, clean.notes)


def _manifest_rows(manifest: Path) -> list[dict[str, str]]:
    try:
        with open(manifest, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise NotFound(f"manifest not found: {manifest}") from None
    if not rows or "file" not in rows[0] or "published" not in rows[0]:
        raise InputError(f"{manifest}: expected a CSV with columns file, published, outlet, url")
    return rows


def read_reports(args: argparse.Namespace) -> list[Report]:
    """Every report named on the command line or in ``--manifest``, read and cleaned."""
    reports: list[Report] = []
    manifest = getattr(args, "manifest", None)
    if args.files and args.published is None:
        raise InputError("--published YYYY-MM-DD is required with report files (relative dates need it)")
    for path in args.files:
        reports.append(_read_file(path, args.published, args.outlet, args.url))
    if manifest is not None:
        for n, row in enumerate(_manifest_rows(manifest), start=2):
            try:
                published = dt.date.fromisoformat((row.get("published") or "").strip())
            except ValueError:
                raise InputError(f"{manifest}, row {n}: published {row.get('published')!r} is not YYYY-MM-DD") from None
            path = Path(row["file"].strip())
            if not path.is_absolute():
                path = manifest.parent / path
            outlet = (row.get("outlet") or row.get("credited") or "").strip()
            reports.append(_read_file(path, published, outlet, (row.get("url") or "").strip()))
    if not reports:
        raise InputError("no reports given: name report files" + (" or --manifest" if manifest is not None or hasattr(args, "manifest") else ""))
    return reports


def extract_reports(reports: list[Report], gazetteer) -> list[tuple[Report, Any]]:
    """``(report, ExtractionResult)`` for each report."""
    from geo.reports.extract import extract

    return [(r, extract(r.text, published=r.published, outlet=r.outlet, url=r.url, gazetteer=gazetteer)) for r in reports]


def feature(candidate, report: Report) -> dict[str, Any]:
    """One GeoJSON Feature for a candidate."""
    c = candidate
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(c.lon, 6), round(c.lat, 6)]},
        "properties": {
            "date": c.date.isoformat(),
            "date_precision": c.date_precision,
            "date_window": [d.isoformat() for d in c.date_window] if c.date_window else None,
            "event_type": c.event_type,
            "intercepted": c.intercepted,
            "actor": c.actor,
            "actor_family": c.actor_family,
            "attribution": c.attribution,
            "attributed_by": c.attributed_by,
            "attribution_evidence": c.attribution_evidence,
            "confidence": c.confidence.as_dict(),
            "confidence_reasons": list(c.confidence.reasons),
            "site_id": c.site_id,
            "site_name": c.site_name,
            "location": c.location,
            "geo_precision": c.geo_precision,
            "country": c.country,
            "admin1": c.admin1,
            "munitions": c.munitions,
            "killed": c.killed,
            "injured": c.injured,
            "damage": c.damage,
            "evidence": c.evidence,
            "evidence_spans": [list(s) for s in c.evidence_spans],
            "place_method": c.place_method,
            "report": report.path.name,
            "published": report.published.isoformat(),
            "outlet": report.outlet,
            "url": report.url,
        },
    }


def run(args: argparse.Namespace) -> int:
    import orjson

    from geo.places.gazetteer import load_default

    reports = read_reports(args)
    gazetteer = load_default()
    features, languages = [], []
    for report, result in extract_reports(reports, gazetteer):
        # How each report was read: a report not in English is glossed or not read (see its notice).
        languages.append({"report": report.path.name, "language": result.language, "reading": result.reading})
        for note in report.notes + result.notes:
            print(f"{report.path.name}: note: {note}", file=sys.stderr)
        if result.unresolved_places:
            print(f"{report.path.name}: unresolved places: {', '.join(result.unresolved_places)}", file=sys.stderr)
        features.extend(feature(c, report) for c in result.candidates)
    out = orjson.dumps({"type": "FeatureCollection", "features": features, "languages": languages}, option=orjson.OPT_INDENT_2)
    sys.stdout.write(out.decode() + "\n")
    return 0
