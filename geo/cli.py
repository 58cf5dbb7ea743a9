"""Command-line entry point: ``python -m geo <command> ...``.

Each command lives in its own module under :mod:`geo.commands` and exposes
``register(subparsers)``; commands are discovered, so adding one never means
editing this file. Command modules import heavy libraries inside their ``run``
function so that ``python -m geo geocode`` stays quick.

Exit codes: 0 success, 1 nothing found / refused input (a one-line message on
stderr), 2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from geo.errors import GeoError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    import geo.commands as commands

    parser = argparse.ArgumentParser(prog="python -m geo", description="Incident Atlas command line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"geo.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GeoError as exc:
        # One line, no traceback: these are refusals the user can act on.
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `python -m geo export | head`
        return 0
