"""Refilling the real-report corpus: manifest parsing and downloads, against a loopback server only."""

from __future__ import annotations

import http.server
import threading
from functools import partial
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import NotFound, ValidationError
from geo.reports.fetch import fetch_reports, http_get, missing_texts, read_manifest, report_text
from tests.geo.conftest import DATA

PAGE = (DATA / "pages" / "saved_report.html").read_bytes()
HEADER = "id,url,outlet,published,headline,split\n"


@pytest.fixture(scope="module")
def server():
    """A loopback HTTP server: /report.html is the saved page, /gone.html answers 404."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path == "/report.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(PAGE)
            else:
                self.send_error(404)

        def log_message(self, *args):  # keep test output quiet
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def manifest(tmp_path, server) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(
        HEADER
        + f"a1,{server}/report.html,Example Ledger,2024-03-06,Drones downed over Harir base,dev\n"
        + f"a2,{server}/gone.html,Gone Daily,2024-03-07,A page that is no longer there,heldout\n",
        encoding="utf-8",
    )
    return path


def test_report_text_is_headline_blank_line_then_article():
    text = report_text(PAGE)
    assert text.startswith("Drones downed over Harir base\n\nERBIL, March 6")
    assert "2 min read" not in text and "Related stories" not in text


def test_read_manifest_parses_rows(manifest):
    rows = read_manifest(manifest)
    assert [(r.id, r.file, r.split, r.published.isoformat()) for r in rows] == [
        ("a1", "a1.txt", "dev", "2024-03-06"),
        ("a2", "a2.txt", "heldout", "2024-03-07"),
    ]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("../x,https://e.org/a,O,2024-01-01,H,dev", "id"),
        ("b1,ftp://e.org/a,O,2024-01-01,H,dev", "url"),
        ("b1,https://e.org/a,O,01/02/2024,H,dev", "published"),
        ("b1,https://e.org/a,O,2024-01-01,H,test", "split"),
    ],
)
def test_read_manifest_names_the_bad_row_and_field(tmp_path, row, field):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "ok1,https://e.org/ok,O,2024-01-01,H,dev\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_manifest(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.field) == (3, field)


def test_read_manifest_refuses_duplicates_missing_columns_and_missing_file(tmp_path):
    dup = tmp_path / "dup.csv"
    row = "x,https://e.org/{},O,2024-01-01,H,dev\n"
    dup.write_text(HEADER + row.format(1) + row.format(2), encoding="utf-8")
    with pytest.raises(ValidationError, match="appears twice"):
        read_manifest(dup)
    cols = tmp_path / "cols.csv"
    cols.write_text("id,url\nx,https://e.org/1\n", encoding="utf-8")
    with pytest.raises(Exception, match="missing column"):
        read_manifest(cols)
    with pytest.raises(NotFound):
        read_manifest(tmp_path / "absent.csv")


def test_fetch_saves_what_downloads_and_records_what_fails(manifest, tmp_path):
    into = tmp_path / "reports"
    get = partial(http_get, user_agent="atlas-test", timeout=5)
    result = fetch_reports(read_manifest(manifest), into, get)
    assert result.saved == ["a1"] and result.kept == []
    assert [(rid, why) for rid, why in result.failed] == [("a2", "HTTP 404")]
    assert (into / "a1.txt").read_text(encoding="utf-8").startswith("Drones downed over Harir base\n\n")
    assert not (into / "a2.txt").exists() and not list(into.glob("*.part"))
    assert [r.id for r in missing_texts(read_manifest(manifest), into)] == ["a2"]
    # A second run keeps what is there; --force downloads again.
    again = fetch_reports(read_manifest(manifest)[:1], into, get)
    assert again.kept == ["a1"] and again.saved == []
    assert fetch_reports(read_manifest(manifest)[:1], into, get, force=True).saved == ["a1"]


def test_fetch_command_reports_each_row_and_exits_1_on_failure(manifest, tmp_path, capsys):
    into = tmp_path / "texts"
    assert main(["reports", "fetch", "--manifest", str(manifest), "--into", str(into)]) == 1
    out, err = capsys.readouterr()
    assert "1 saved, 0 already present, 1 failed" in out
    assert "a1: saved" in err and "a2: failed: HTTP 404" in err
    assert main(["reports", "fetch", "--manifest", str(manifest), "--into", str(into), "--only", "a1"]) == 0
    assert main(["reports", "status", "--manifest", str(manifest), "--into", str(into)]) == 1
    out, err = capsys.readouterr()
    assert "1 of 2 report texts present" in out and "missing: a2 (heldout)" in err


def test_fetch_command_refuses_an_unknown_id(manifest, tmp_path, capsys):
    assert main(["reports", "fetch", "--manifest", str(manifest), "--into", str(tmp_path), "--only", "zz"]) == 1
    assert "not in manifest.csv: zz" in capsys.readouterr().err


def test_unreachable_host_is_a_failure_not_a_crash(tmp_path):
    # Port 9 on loopback: nothing listens there in the test sandbox, so the connection is refused at once.
    rows = read_manifest(_one_row(tmp_path, "http://127.0.0.1:9/x.html"))
    result = fetch_reports(rows, tmp_path / "out", partial(http_get, user_agent="t", timeout=2))
    assert result.failed and result.failed[0][1].startswith("download failed: ConnectError")


def _one_row(tmp_path, url) -> Path:
    path = tmp_path / "one.csv"
    path.write_text(HEADER + f"c1,{url},O,2024-01-01,H,dev\n", encoding="utf-8")
    return path
