"""``python -m geo geocode NAME [--country IQ] [--all]``: resolve a place name.

Prints one JSON object for the site the name means, or with ``--all`` a JSON
list of the candidates (best first). Exits 1 with a one-line message when
nothing matches, and also when the name is ambiguous without ``--all``: the
message lists the competing site ids so the user can re-run with ``--country``
or pick one with ``--all``.

The gazetteer is the one everybody uses (:func:`geo.places.gazetteer.load_default`):
the curated CSV, the team sites editors added in the app, GeoNames if imported.
A site that is not curated carries ``"layer"`` ("team", "geonames", "online");
curated answers keep the original keys only, so existing consumers see no change.
"""

from __future__ import annotations

import json

__all__ = ["match_json", "register", "run"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("geocode", help="resolve a place name to a gazetteer site (JSON)")
    parser.add_argument("name", help='place name as written, e.g. "Ain al-Asad air base"')
    parser.add_argument("--country", metavar="CC", help="restrict to one ISO 3166-1 alpha-2 country, e.g. IQ")
    parser.add_argument("--all", action="store_true", help="print every candidate instead of the best one")
    parser.set_defaults(func=run)


def match_json(match) -> dict:
    """The JSON object printed for one :class:`~geo.places.sites.SiteMatch`."""
    site = match.site
    return {
        "site_id": site.id,
        "name": site.name,
        "lat": site.lat,
        "lon": site.lon,
        "kind": site.kind,
        "country": site.country,
        "score": round(match.score, 1),
        "method": match.method,
    } | ({} if site.layer == "curated" else {"layer": site.layer})


def run(args) -> int:
    from geo.errors import NotFound
    from geo.places.gazetteer import load_default

    gazetteer = load_default()
    if args.all:
        matches = gazetteer.candidates(args.name, country=args.country)
        if not matches:
            raise NotFound(f"no site matches {args.name!r}")
        print(json.dumps([match_json(m) for m in matches], ensure_ascii=False, indent=2))
    else:
        print(json.dumps(match_json(gazetteer.lookup(args.name, country=args.country)), ensure_ascii=False))
    return 0
