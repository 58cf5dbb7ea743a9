"""Reading a user's input file into text, refusing what cannot be a text file.

The one place importers touch the file system: everything after this works on
a string. Refusals are :class:`~geo.errors.InputError` with a message a user
can act on (too large, empty, binary, not UTF-8), raised before any parsing,
so that a wrong file never turns into hundreds of confusing row errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from geo.errors import InputError

__all__ = ["MAX_BYTES", "SNIFF_BYTES", "TextSource", "looks_binary", "read_text", "source_name"]

# Far above any real export (ACLED's whole Middle East is ~100 MB) but small
# enough that a mistaken file cannot exhaust memory.
MAX_BYTES = 200 * 1024 * 1024

TextSource = str | os.PathLike | bytes | bytearray | IO[bytes] | IO[str]

# A NUL byte never occurs in CSV, JSON, plain-text or HTML input, and always in
# the first few kilobytes of an xlsx/zip/sqlite/image/PDF-stream file.
SNIFF_BYTES = 8192


def looks_binary(data: bytes | bytearray | str) -> bool:
    """Whether ``data`` is a binary file rather than text: a NUL in its first :data:`SNIFF_BYTES`.

    The one test of binary input for every reader of user files (imports here,
    report texts in :mod:`geo.reports.text`); each caller words its own refusal.
    """
    head = data[:SNIFF_BYTES]
    return ("\x00" if isinstance(head, str) else b"\x00") in head


def source_name(source: TextSource, default: str = "upload") -> str:
    """The name problems are reported under: the file name, else ``default``."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return Path(name).name
    return default


def read_text(source: TextSource, *, max_bytes: int = MAX_BYTES, name: str | None = None) -> tuple[str, str]:
    """(text, name) of a path, bytes or open file; a leading BOM is dropped.

    Raises :class:`InputError` for a missing, empty, oversized, binary or
    non-UTF-8 input.
    """
    name = name or source_name(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(f"{name}: {size:,} bytes is over the {max_bytes:,}-byte import limit; split the file")
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{name}: is a directory, not a file") from None
        except PermissionError:
            raise InputError(f"{name}: permission denied") from None
    elif isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            if len(data) > max_bytes:
                raise InputError(f"{name}: over the {max_bytes:,}-byte import limit; split the file")
            return _check_text(data.removeprefix("\ufeff"), name), name
    if len(data) > max_bytes:
        raise InputError(f"{name}: over the {max_bytes:,}-byte import limit; split the file")
    return _decode(data, name), name


def _decode(data: bytes, name: str) -> str:
    if looks_binary(data):
        raise InputError(
            f"{name}: this is a binary file, not CSV or GeoJSON text (a spreadsheet? export it as CSV UTF-8)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}: not UTF-8 text (byte {exc.start}, line {line}); save the file as UTF-8 and import again"
        ) from None
    return _check_text(text, name)


def _check_text(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    if looks_binary(text):
        raise InputError(f"{name}: this is a binary file, not CSV or GeoJSON text")
    return text
