"""All-or-nothing conversion of a file's rows into incidents, or the valid ones when asked.

Every importer has the same rule: convert every row, collect every problem
(including a second row reusing an id), and return incidents only when there
were none, so a user fixes a file in one pass and a bad file imports nothing.
With ``--skip-invalid`` (:func:`convert_rows`) the valid rows are kept and the
refused ones listed with their reasons.

Problems are kept up to :data:`MAX_PROBLEMS` and the rest only counted: a file
of junk must not cost memory in proportion to its problems (2 M problems from a
4 MB file took ~900 MB before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from geo.errors import Problem, ValidationError
from geo.incidents import Incident

__all__ = ["MAX_PROBLEMS", "Converted", "convert_all", "convert_rows"]

MAX_PROBLEMS = 1000

T = TypeVar("T")


@dataclass(frozen=True)
class Converted:
    """The valid incidents of a file, and what was refused (row numbers, first problems, counts)."""

    incidents: list[Incident]
    problems: tuple[Problem, ...] = ()  # the first MAX_PROBLEMS, in file order
    more: int = 0  # problems beyond those
    rejected_rows: tuple[int, ...] = ()  # (only with keep_reasons)
    reasons: dict[int, str] = field(default_factory=dict)  # row -> its problems in one line (keep_reasons)

    def all_or_nothing(self) -> list[Incident]:
        """The incidents when no row was refused, else one ValidationError with the problems."""
        if self.problems:
            raise ValidationError(self.problems, more=self.more)
        return self.incidents


def convert_rows(
    rows: Iterable[tuple[int, T]],
    convert: Callable[[T, int], Incident],
    *,
    source: str,
    id_field: str = "id",
    unit: str = "row",
    keep_reasons: bool = True,
    misfit: Callable[[T], str | None] | None = None,
) -> Converted:
    """Every row converted: the incidents of the good ones, the numbers and problems of the others.

    ``convert(row, rownum)`` raises ValidationError for a bad row. A repeated id
    is reported on the later row, against ``id_field`` (the column the id comes
    from), naming the first ``unit`` ("row", "feature") that used it.

    ``misfit(row)``, when given, is a cheap first look: the one reason a row cannot be
    converted at all (a CSV record of the wrong width), else None. Such a row is refused
    without ``convert``; once :data:`MAX_PROBLEMS` are kept and no reasons are wanted, it
    is only counted. A file of millions of junk rows is then refused at the speed it is
    read (2 M rows: ~40 s through convert and an exception each, under 2 s this way).
    """
    problems: list[Problem] = []
    more = 0
    incidents: list[Incident] = []
    rejected: list[int] = []
    reasons: dict[int, str] = {}
    first: dict[str, int] = {}

    def refuse(rownum: int, found) -> None:
        nonlocal more
        room = MAX_PROBLEMS - len(problems)
        problems.extend(found[:room])
        more += max(0, len(found) - room)
        if keep_reasons:  # only when the refused rows are wanted: a list of millions of row numbers is not free
            rejected.append(rownum)
            reasons[rownum] = "; ".join(f"{p.field}: {p.reason}" if p.field else p.reason for p in found)

    for rownum, row in rows:
        if misfit is not None:
            reason = misfit(row)
            if reason is not None:
                if keep_reasons or len(problems) < MAX_PROBLEMS:
                    refuse(rownum, [Problem(source, rownum, None, reason)])
                else:  # the file is refused already: count, and build nothing
                    more += 1
                continue
        try:
            inc = convert(row, rownum)
        except ValidationError as exc:
            refuse(rownum, exc.problems)
            continue
        if inc.id in first:
            refuse(rownum, [Problem(source, rownum, id_field, f"duplicate of {unit} {first[inc.id]} ({inc.id})")])
            continue
        first[inc.id] = rownum
        incidents.append(inc)
    return Converted(incidents, tuple(problems), more, tuple(rejected), reasons)


def convert_all(
    rows: Iterable[tuple[int, T]],
    convert: Callable[[T, int], Incident],
    *,
    source: str,
    id_field: str = "id",
    unit: str = "row",
) -> list[Incident]:
    """Incidents of ``(rownum, row)`` pairs, or one ValidationError listing the problems
    (the first :data:`MAX_PROBLEMS`, and how many more)."""
    done = convert_rows(rows, convert, source=source, id_field=id_field, unit=unit, keep_reasons=False)
    return done.all_or_nothing()
