"""``python -m geo synth N``: write N realistic synthetic incidents (see :mod:`geo.testing.synth`).

Output goes to ``--output`` (``.csv`` in our format, ``.geojson``/``.json``
as a FeatureCollection), to the incident store with ``--into-store``, or as
CSV to stdout when neither is given. The same ``--seed`` always gives the same
incidents, so writing them into the store twice changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.commands._progress import add_progress_option

__all__ = ["register", "run"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="generate synthetic incidents (benchmarks, demos)",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument("n", type=_non_negative, help="how many incidents")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE.csv or FILE.geojson")
    parser.add_argument("--into-store", action="store_true", help="add the incidents to the incident store")
    parser.add_argument("--user", default="synth", help="who store changes are recorded as (default: synth)")
    add_progress_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.errors import InputError
    from geo.testing.synth import synth_frame, write_frame_csv

    suffix = Path(args.output).suffix.lower() if args.output else ".csv"
    if suffix not in (".csv", ".geojson", ".json"):
        raise InputError(f"--output {args.output}: use a .csv or .geojson file name")

    frame = synth_frame(args.n, args.seed)
    if args.output:
        if suffix == ".csv":
            write_frame_csv(frame, args.output)
        else:
            from geo.formats.export import to_geojson

            with open(args.output, "wb") as fh:
                fh.write(to_geojson(frame))
        print(f"wrote {len(frame)} synthetic incident(s) to {args.output}", file=sys.stderr)
    if args.into_store:
        _into_store(frame, args)
    if not args.output and not args.into_store:
        write_frame_csv(frame, sys.stdout)
    return 0


def _into_store(frame, args: argparse.Namespace) -> None:
    from geo.commands._progress import progress_for
    from geo.storage.store import Store
    from geo.testing.synth import frame_incidents

    incidents = frame_incidents(frame)
    store = Store.open()
    progress = progress_for("storing", forced=args.progress)
    try:
        counts = store.upsert_many(incidents, user=args.user, progress=progress)
    finally:
        if progress is not None:
            progress.close()
        store.dispose()
    print(
        f"store: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged", file=sys.stderr
    )


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("N must be 0 or more")
    return value
