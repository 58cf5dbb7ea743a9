"""``python -m geo check``: list the stored incidents that break today's rules.

Stores read leniently, so an incident written before a limit existed (a country code
that is not a country, an over-long field, a figure out of range) still loads and can
be fixed in the Edit tab, where saving validates it again. This command finds them:
one line per problem, ``id: field: reason``; exit status 1 when there are any.
"""

from __future__ import annotations

import sys

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="list stored incidents that break today's rules (exit 1 when any)",
        description="Checks every incident in the store GEO_DATABASE_URL names (deleted ones too) against "
        "the rules every write applies, and prints one line per problem.",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from geo.storage.store import Store

    store = Store.open(seed=False)
    rows = 0
    for incident_id, deleted, problems in store.problems():
        rows += 1
        mark = " (deleted)" if deleted else ""
        for p in problems:
            print(f"{incident_id}{mark}: {p.field}: {p.reason}")
    if rows:
        print(f"error: {rows:,} stored incident{'s' if rows != 1 else ''} break today's rules; "
              "fix them in the Edit tab or re-import them", file=sys.stderr)  # fmt: skip
        return 1
    print(f"{store!r}: every stored incident meets today's rules", file=sys.stderr)
    return 0
