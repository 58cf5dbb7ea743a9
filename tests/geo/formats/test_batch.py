"""All-or-nothing conversion (``geo.formats.batch``): every problem up to a cap, then a count; or the valid rows."""

from __future__ import annotations

import io

import pytest

from geo.formats.batch import MAX_PROBLEMS, convert_all, convert_rows
from geo.formats.csvio import read_incidents_csv
from geo.errors import Problem, ValidationError
from tests.geo.incident_factory import make_incident


def convert(value: int, rownum: int):
    if value < 0:
        raise ValidationError([Problem("f.csv", rownum, "x", f"{value} is negative")])
    return make_incident(id=f"inc-{value}")


def test_problems_are_kept_up_to_the_cap_and_the_rest_counted():
    rows = [(n, -n) for n in range(2, 2 + MAX_PROBLEMS + 250)]
    with pytest.raises(ValidationError) as info:
        convert_all(rows, convert, source="f.csv")
    err = info.value
    assert len(err.problems) == MAX_PROBLEMS and err.more == 250 and err.total == MAX_PROBLEMS + 250
    assert err.problems[0].row == 2  # the first ones, in file order
    assert f"{MAX_PROBLEMS + 250:,} problem(s)" in str(err) and f"and {err.total - 5:,} more" in str(err)


def test_a_junk_csv_keeps_a_thousand_problems_not_a_million():
    junk = "id,date,lat,lon,country,event_type\n" + "x\n" * 200_000
    with pytest.raises(ValidationError) as info:
        read_incidents_csv(io.StringIO(junk), source_name="junk.csv")
    assert len(info.value.problems) == MAX_PROBLEMS and info.value.total == 200_000


def test_convert_rows_keeps_the_good_rows_and_says_which_were_refused():
    result = convert_rows([(2, 1), (3, -1), (4, 2), (5, 1)], convert, source="f.csv")
    assert [i.id for i in result.incidents] == ["inc-1", "inc-2"]
    assert result.rejected_rows == (3, 5)  # 5 repeats row 2's id
    assert [(p.row, p.field) for p in result.problems] == [(3, "x"), (5, "id")]
    assert result.reasons[5].startswith("id: duplicate of row 2")


@pytest.fixture
def problems_built(monkeypatch):
    """How many Problem objects are made (in geo.formats.batch and csvio) while the test runs."""
    import geo.formats.batch
    import geo.formats.csvio

    made = []

    def counting(*args, **kwargs):
        made.append(1)
        return Problem(*args, **kwargs)

    for module in (geo.formats.batch, geo.formats.csvio):
        monkeypatch.setattr(module, "Problem", counting)
    return made


def test_past_the_cap_a_junk_csv_is_only_counted_so_refusing_it_costs_what_reading_it_does(problems_built):
    # 4 MB of junk took ~40 s to refuse: a Problem and an exception for each of its 2 M rows.
    junk = "id,date,lat,lon,country,event_type\n" + "x\n" * 20_000
    with pytest.raises(ValidationError) as info:
        read_incidents_csv(io.StringIO(junk), source_name="junk.csv")
    assert info.value.total == 20_000 and len(problems_built) == MAX_PROBLEMS


def test_misfits_and_bad_values_are_kept_in_file_order_and_all_counted():
    header = "id,date,lat,lon,country,event_type\n"
    good = "{n},2022-01-05,33.79,42.44,IQ,rocket\n"
    lines = [good.format(n=f"a{n}") for n in range(5)]
    lines[1] = "only,three,cells\n"  # row 3
    lines[3] = "a3,2022-01-05,95,42.44,IQ,rocket\n"  # row 5: a latitude out of range
    tail = "x\n" * (MAX_PROBLEMS + 10) + "a9,2022-01-05,33.79,42.44,XX,rocket\n"  # then one bad value past the cap
    with pytest.raises(ValidationError) as info:
        read_incidents_csv(io.StringIO(header + "".join(lines) + "\n" + tail), source_name="f.csv")
    err = info.value
    assert [(p.row, p.field) for p in err.problems[:3]] == [(3, None), (5, "lat"), (8, None)]  # row 7 is blank
    assert err.problems[0].reason == "has 3 fields but the header has 6"
    assert len(err.problems) == MAX_PROBLEMS and err.total == 2 + MAX_PROBLEMS + 10 + 1
