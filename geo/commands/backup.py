"""``python -m geo backup FILE``: the whole incident store in one file (see :mod:`geo.storage.backup`).

Every table is copied: incidents (soft-deleted ones too, with their versions),
sources, the audit log and the store's metadata. FILE is replaced only once the
new backup is complete, so an interrupted backup never spoils an older one.
Restore it with ``python -m geo restore FILE``.
"""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="write the whole incident store to one backup file",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument("file", help="the backup file to write (a zip; replaced when complete)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.storage.backup import backup
    from geo.storage.store import Store

    # seed=False: a backup copies what is there; it must never seed an empty store first.
    store = Store.open(seed=False)
    try:
        report = backup(store, args.file)
    finally:
        store.dispose()
    print(report.summary())
    return 0
