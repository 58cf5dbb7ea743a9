"""``python -m geo restore FILE [--replace]``: load a backup made by ``python -m geo backup``.

The file is checked completely (format, schema revision, row counts and
checksums) before the store is touched; a damaged or foreign file is refused
with exit code 1 and the store is left alone. A store that already holds
incidents is refused unless --replace is given, which replaces everything
in it. The restore is one transaction: it happens completely or not at all.
"""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="restore the incident store from a backup file",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument("file", help="a backup written by `python -m geo backup`")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace everything in a store that is not empty (default: refuse)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.storage.backup import read_manifest, restore
    from geo.storage.store import Store

    # Refuse a foreign file before Store.open, which would create an empty store where there was none;
    # restore() then checks every member's checksum itself.
    read_manifest(args.file, verify=False)
    # seed=False: seeding an empty store from the CSV would make it "not empty" and refuse the restore.
    store = Store.open(seed=False)
    try:
        report = restore(store, args.file, replace=args.replace)
    finally:
        store.dispose()
    print(report.summary())
    return 0
