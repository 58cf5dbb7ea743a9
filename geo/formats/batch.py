"""All-or-nothing conversion of a file's rows into incidents.

Every importer has the same rule: convert every row, collect every problem
(including a second row reusing an id), and return incidents only when there
were none, so a user fixes a file in one pass and a bad file imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from geo.errors import Problem, ValidationError
from geo.incidents import Incident

__all__ = ["convert_all"]

T = TypeVar("T")


def convert_all(
    rows: Iterable[tuple[int, T]],
    convert: Callable[[T, int], Incident],
    *,
    source: str,
    id_field: str = "id",
    unit: str = "row",
) -> list[Incident]:
    """Incidents of ``(rownum, row)`` pairs, or one ValidationError listing every problem.

    ``convert(row, rownum)`` raises ValidationError for a bad row. A repeated id
    is reported on the later row, against ``id_field`` (the column the id comes
    from), naming the first ``unit`` ("row", "feature") that used it.
    """
    problems: list[Problem] = []
    incidents: list[Incident] = []
    first: dict[str, int] = {}
    for rownum, row in rows:
        try:
            inc = convert(row, rownum)
        except ValidationError as exc:
            problems.extend(exc.problems)
            continue
        if inc.id in first:
            problems.append(Problem(source, rownum, id_field, f"duplicate of {unit} {first[inc.id]} ({inc.id})"))
            continue
        first[inc.id] = rownum
        incidents.append(inc)
    if problems:
        raise ValidationError(problems)
    return incidents
