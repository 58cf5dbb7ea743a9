"""``python -m geo migrate``: create or upgrade the store's schema, and nothing else.

Every command that writes migrates a store that is behind by itself; this one is for a
store that readers use read-only (a read-only file, a read-only database role): they
refuse to open it while its schema is behind, and say to run this once with write access.
"""

from __future__ import annotations

import sys

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "migrate",
        help="create or upgrade the store's schema (GEO_DATABASE_URL) to this version",
        description="Brings the schema of the store GEO_DATABASE_URL names up to date; loads no data.",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from geo.config import get_settings
    from geo.storage.store import Store

    store = Store.open(get_settings(), seed=False)
    print(f"{store!r}: schema is up to date", file=sys.stderr)
    return 0
