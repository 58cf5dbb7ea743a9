"""``python -m geo import`` and ``python -m geo synth``, as a user runs them, on a temporary store."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest

from geo.cli import main
from geo.commands._progress import ProgressLine
from geo.config import PROJECT_ROOT, get_settings

from tests.geo.formats.test_importers import ACLED_BAD, ACLED_OK, BAD_POINTS, POINTS


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A fresh SQLite store per test, never seeded from the project's CSV."""
    values = {
        "GEO_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}",
        "GEO_INCIDENTS_CSV": str(tmp_path / "no-seed.csv"),
        "GEO_GAZETTEER": str(tmp_path / "no-gazetteer.csv"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored_count() -> int:
    from geo.storage.store import Store

    store = Store.open(get_settings())
    try:
        return store.count()
    finally:
        store.dispose()


def test_import_then_reimport_changes_nothing(env, capsys):
    code, out, _ = run(capsys, "import", str(ACLED_OK))
    assert code == 0 and "8 added, 0 updated, 0 unchanged" in out
    code, out, _ = run(capsys, "import", str(ACLED_OK), "--user", "alice")
    assert code == 0 and "0 added, 0 updated, 8 unchanged" in out
    assert stored_count() == 8


def test_bad_file_lists_every_problem_then_a_summary_and_imports_nothing(env, capsys):
    run(capsys, "import", str(POINTS))
    code, out, err = run(capsys, "import", str(ACLED_BAD))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 16  # 15 problems, one per line, then the summary
    assert lines[0] == "import_acled_bad.csv, row 3, field 'event_date': '31-Feb-20' is not a real calendar date"
    assert lines[-1] == "error: 15 problem(s) in 15 row(s) of " + str(ACLED_BAD) + "; nothing imported"
    assert stored_count() == 3  # only the GeoJSON imported first


def test_bad_geojson_is_reported_per_feature(env, capsys):
    code, _, err = run(capsys, "import", str(BAD_POINTS))
    assert code == 1
    assert "import_bad.geojson, row 1, field 'geometry': is a 'Polygon'" in err
    assert stored_count() == 0


def test_dry_run_shows_changes_without_writing(env, capsys, tmp_path):
    run(capsys, "import", str(ACLED_OK))
    # A revised export: one event's fatalities changed, one new event.
    with ACLED_OK.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[1]["fatalities"] = "4"
    rows.append({**rows[0], "event_id_cnty": "IRQ90099"})
    revised = tmp_path / "revised.csv"
    with revised.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    code, out, _ = run(capsys, "import", str(revised), "--dry-run")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "dry run, nothing written: would add 1, update 1, leave 7 unchanged"
    assert "+ acled:IRQ90099" in lines and "~ acled:IRQ90002 (killed)" in lines
    assert stored_count() == 8
    code, out, _ = run(capsys, "import", str(revised))
    assert "1 added, 1 updated, 7 unchanged" in out  # what the dry run announced


def test_explicit_format_and_unusable_files(env, capsys, tmp_path):
    code, _, err = run(capsys, "import", str(ACLED_OK), "--format", "geojson")
    assert code == 1 and err.startswith("error: import_acled_ok.csv: not valid JSON")
    binary = tmp_path / "sheet.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    code, _, err = run(capsys, "import", str(binary))
    assert code == 1 and "binary" in err and len(err.splitlines()) == 1
    code, _, err = run(capsys, "import", str(tmp_path / "absent.csv"))
    assert code == 1 and "no such file" in err
    assert stored_count() == 0


def test_progress_line_when_asked(env, capsys):
    code, _, err = run(capsys, "import", str(ACLED_OK), "--progress")
    assert code == 0 and "\rimporting: 8/8 (100%)\n" in err
    code, _, err = run(capsys, "import", str(ACLED_OK))
    assert "\r" not in err  # stderr is not a terminal here


def test_progress_line_is_throttled():
    ticks = iter([0.0, 0.01, 0.02, 0.5, 0.51])
    stream = io.StringIO()
    line = ProgressLine("x", stream, interval=0.1, clock=lambda: next(ticks))
    for done in (1, 2, 3, 4, 5):
        line(done, 5)
    # First draw, then only the one 0.1 s later, and always the final one.
    assert stream.getvalue() == "\rx: 1/5 (20%)\rx: 4/5 (80%)\rx: 5/5 (100%)\n"


def test_synth_output_then_import_and_into_store(env, capsys, tmp_path):
    target = tmp_path / "synth.csv"
    code, _, err = run(capsys, "synth", "25", "--seed", "4", "--output", str(target))
    assert code == 0 and "wrote 25" in err
    code, out, _ = run(capsys, "import", str(target))
    assert "25 added" in out
    code, _, err = run(capsys, "synth", "25", "--seed", "4", "--into-store")
    assert code == 0 and "0 added, 0 updated, 25 unchanged" in err  # same seed, same ids
    geojson = tmp_path / "synth.geojson"
    run(capsys, "synth", "25", "--seed", "4", "--output", str(geojson))
    code, out, _ = run(capsys, "import", str(geojson), "--dry-run")
    assert out.splitlines()[0] == "dry run, nothing written: would add 0, update 0, leave 25 unchanged"


def test_synth_to_stdout_and_refusals(env, capsys):
    code, out, _ = run(capsys, "synth", "3", "--seed", "1")
    assert code == 0 and len(out.splitlines()) == 4 and out.startswith("id,date,")
    code, _, err = run(capsys, "synth", "3", "--output", "x.parquet")
    assert code == 1 and ".csv or .geojson" in err
    with pytest.raises(SystemExit):
        main(["synth", "-5"])


def test_python_m_geo_import_runs_as_a_program(env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "geo", "import", str(ACLED_OK), "--dry-run"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("dry run, nothing written: would add 8, update 0, leave 0 unchanged")
