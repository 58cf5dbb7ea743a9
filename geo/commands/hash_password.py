"""``python -m geo hash-password``: make an editor password hash for ``.streamlit/secrets.toml``."""

from __future__ import annotations

import getpass
import sys

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "hash-password",
        help="print an scrypt hash of an editor password for .streamlit/secrets.toml",
        description="Reads the password twice from the terminal (or once from stdin when piped) "
        "and prints a line to paste under [editors] in .streamlit/secrets.toml.",
    )
    p.add_argument("user", help="editor name")
    p.set_defaults(func=run)


def run(args) -> int:
    from geo.auth import hash_password
    from geo.errors import InputError

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        encoded = hash_password(password)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    print(f'"{args.user}" = "{encoded}"')
    return 0
