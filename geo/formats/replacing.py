"""Write a file whole or not at all: a temporary path beside the target, renamed over it when complete.

Exports, downloads, snapshots, backups and the GeoNames database all publish a file that
readers may open at any moment, so none of them may ever be seen half written, and a
failed write must leave the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["replacing"]

# Files SQLite (the GeoNames database, GDAL's GeoPackage driver) may leave beside the one it writes.
_SIDE_FILES = ("-journal", "-wal", "-shm")


@contextmanager
def replacing(path: str | Path, *, suffix: str = ".part") -> Iterator[Path]:
    """A new, empty temporary file beside ``path``; renamed over ``path`` when the block ends.

    The temporary name starts with a dot (hidden from folder listings that skip
    dotfiles) and ends in ``suffix``. If the block raises, the temporary file and
    any SQLite side files next to it are removed and ``path`` is untouched.
    OSError from creating the temporary file (a folder that cannot be written)
    reaches the caller before the block runs.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{side}") for side in _SIDE_FILES)):
            leftover.unlink(missing_ok=True)
