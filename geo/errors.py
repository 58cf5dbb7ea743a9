"""The exception tree every part of the library raises.

Callers catch :class:`GeoError` for "anything this library refused", and the
subclasses when they want to react to one case (the CLI turns them into a
one-line message and exit code; the app into a visible notice).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GeoError",
    "NotFound",
    "Ambiguous",
    "Problem",
    "ValidationError",
    "InputError",
    "StoreError",
    "ConflictError",
]


class GeoError(Exception):
    """Base class of every error this library raises on purpose."""


class NotFound(GeoError):
    """A name, id or record that does not exist."""


class Ambiguous(GeoError):
    """A name that matches several sites equally well.

    ``candidates`` holds the competing matches (best first) so that a caller can
    offer a choice instead of guessing.
    """

    def __init__(self, message: str, candidates=()):
        super().__init__(message)
        self.candidates = tuple(candidates)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row of an input file."""

    source: str  # file name or "upload"
    row: int | None  # 1-based data row number as a user counts it (header = row 1)
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.reason}"


class ValidationError(GeoError):
    """Input that failed validation; ``problems`` lists every problem found.

    Validation collects all problems before raising so that a user fixes a file
    in one pass rather than one error per attempt.
    """

    def __init__(self, problems, message: str | None = None, *, more: int = 0):
        self.problems = tuple(problems)
        self.more = more  # problems found beyond those listed (collecting stops at a cap)
        self._message = message
        super().__init__(message)  # the default message is built only when shown (below)

    def __str__(self) -> str:
        if self._message is not None:
            return self._message
        shown = "; ".join(str(p) for p in self.problems[:5])
        rest = self.total - min(5, len(self.problems))
        return f"{self.total:,} problem(s): {shown}" + (f" (and {rest:,} more)" if rest > 0 else "")

    @property
    def total(self) -> int:
        """Every problem found, listed or not."""
        return len(self.problems) + self.more


class InputError(GeoError):
    """Input that cannot be used at all: empty, binary, too large, wrong encoding."""


class StoreError(GeoError):
    """The incident store cannot be opened or written (corrupt, locked, unreachable, read-only, full).

    ``public`` says what went wrong in words fit for any viewer of the dashboard:
    no file path, host name or SQL (the message itself may name them, for the
    operator and the log).
    """

    def __init__(self, message: str, *, public: str | None = None):
        super().__init__(message)
        self.public = public or "The incident store cannot be used right now."


class ConflictError(StoreError):
    """A write based on a stale version of a record (someone else saved first)."""
