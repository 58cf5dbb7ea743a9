"""An error as one line of a message, for the store and for the SQLite reading child alike.

A module of its own with no imports: the child (``python -m geo.storage.columnar``)
imports pyarrow and the ADBC driver and nothing else of the app, SQLAlchemy least of
all, while the store (:mod:`geo.storage.store`) and the exports (:mod:`geo.storage.query`)
explain database errors the same way.
"""

from __future__ import annotations

__all__ = ["first_line"]


def first_line(exc: BaseException | object) -> str:
    """The first line of ``exc``'s text, stripped (its type's name when it has no text)."""
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__
