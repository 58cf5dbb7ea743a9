"""Read-only use: a store nobody may write to still serves the dashboard and exports.

Opening a store migrates it only when its schema is behind; a SQLite file this
process cannot write is opened read-only; a store that is behind and cannot be
written is refused with a message naming ``python -m geo migrate``.

Tests run as root in CI, and root ignores file permissions, so a ``chmod`` alone
proves nothing. The end-to-end tests therefore run their programs without the
capabilities that let root write anywhere (``CAP_DAC_OVERRIDE``, dropped from the
child's bounding set with ``prctl``), and first check that the child really cannot
write into the folder: otherwise they could not fail. The library tests use
SQLite's own read-only mode (``file:…?mode=ro``), which refuses writes to anyone.
"""

from __future__ import annotations

import ctypes
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.config import PROJECT_ROOT, get_settings
from geo.errors import StoreError
from geo.storage.store import Store
from tests.conftest import postgres_schema
from tests.geo.incident_factory import make_incident
from tests.ui.seed import INCIDENTS, TODAY, seed_store

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _without_root_overrides() -> None:
    """In the child, before exec: root then obeys file permissions like anyone else."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_read_only(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, env={**os.environ, **env, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=cwd, capture_output=True,
        text=True, timeout=180, preexec_fn=_without_root_overrides, check=False,
    )  # fmt: skip


def make_read_only(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def skip_unless_read_only(folder: Path, env: dict[str, str], cwd: Path) -> None:
    """The test could not fail if its programs could still write into ``folder``: skip, saying why."""
    probe = run_read_only([sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"], env, cwd)
    if probe.returncode == 0:
        pytest.skip("cannot take the right to write into a read-only folder away from this process")


def writable_again(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def read_only_store(tmp_path):
    """The seeded store in a folder made read-only (file, folder, no WAL files), and its environment."""
    folder = tmp_path / "ro"
    folder.mkdir()
    env = {
        "GEO_DATABASE_URL": f"sqlite:///{folder / 'incidents.sqlite'}",
        "GEO_INCIDENTS_CSV": str(tmp_path / "no-seed.csv"),
        "GEO_CACHE_DIR": str(folder / "cache"),  # the snapshot cache cannot be written either
        "GEO_TODAY": TODAY,
    }
    seed_store(env)
    assert sorted(p.name for p in folder.iterdir()) == ["incidents.sqlite"]  # checkpointed: no -wal left
    make_read_only(folder)
    skip_unless_read_only(folder, env, tmp_path)
    yield folder, env
    writable_again(folder)


def test_export_works_from_a_read_only_store(read_only_store, tmp_path):
    folder, env = read_only_store
    done = run_read_only([sys.executable, "-m", "geo", "export", "--format", "csv"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1 + len(INCIDENTS)
    assert sorted(p.name for p in folder.iterdir()) == ["incidents.sqlite"]  # nothing was written


def test_a_write_to_a_read_only_store_says_so(read_only_store, tmp_path):
    _, env = read_only_store
    done = run_read_only([sys.executable, "-m", "geo", "synth", "3", "--into-store"], env, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "read-only" in done.stderr


_APP = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
print(json.dumps({
    "exceptions": [str(e.value) for e in at.exception],
    "errors": [e.value for e in at.error],
    "markdown": [m.value for m in at.markdown],
}))
"""


def test_the_dashboard_works_from_a_read_only_store_and_cache(read_only_store, tmp_path):
    folder, env = read_only_store
    done = run_read_only([sys.executable, "-c", _APP, str(PROJECT_ROOT / "app.py")], env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    page = json.loads(done.stdout.strip().splitlines()[-1])
    assert page["exceptions"] == [] and page["errors"] == []
    headline = next(m for m in page["markdown"] if m.startswith("**") and " · " in m)  # "**8** incidents · ..."
    assert headline.startswith(f"**{len(INCIDENTS)}** incidents"), headline
    assert "could not write the incident snapshot" in done.stderr  # kept in memory instead
    assert sorted(p.name for p in folder.iterdir()) == ["incidents.sqlite"]


def test_a_read_only_store_whose_schema_is_behind_names_the_command_to_run(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    url = f"sqlite:///{folder / 'incidents.sqlite'}"
    Store(url).migrate()
    with sa.create_engine(url).begin() as conn:  # as a store made by an older version would be
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0004'")
        conn.exec_driver_sql("DROP TABLE sign_in_failures")  # what 0005 adds
        conn.exec_driver_sql("ALTER TABLE incidents DROP COLUMN source_text")  # what 0006 adds
    make_read_only(folder)
    env = {"GEO_DATABASE_URL": url, "GEO_INCIDENTS_CSV": str(tmp_path / "none.csv")}
    skip_unless_read_only(folder, env, tmp_path)
    done = run_read_only([sys.executable, "-m", "geo", "export"], env, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is at schema revision 0004" in done.stderr and "run `python -m geo migrate`" in done.stderr
    writable_again(folder)
    done = run_read_only([sys.executable, "-m", "geo", "migrate"], env, tmp_path)  # writable again
    assert done.returncode == 0, done.stderr
    assert Store(url).sign_in_failures(["user:x"]) == {}  # the table is back


# --- SQLite's own read-only mode (refuses writes to root too) ---------------------------------------


@pytest.fixture
def ro_url(tmp_path):
    path = tmp_path / "incidents.sqlite"
    env = {"GEO_DATABASE_URL": f"sqlite:///{path}", "GEO_INCIDENTS_CSV": str(tmp_path / "none.csv")}
    seed_store(env)
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_a_read_only_url_opens_reads_and_refuses_writes_with_a_message(ro_url, tmp_path):
    store = Store.open(get_settings({"GEO_DATABASE_URL": ro_url, "GEO_INCIDENTS_CSV": "data/incidents.csv"}))
    assert store.read_only
    assert len(store.frame()) == len(INCIDENTS)  # and no seeding was attempted
    with pytest.raises(StoreError, match="read-only") as caught:
        store.upsert_many([make_incident(id="inc-new")], user="tests")
    assert "read-only" in caught.value.public and str(tmp_path) not in caught.value.public
    assert not (Path.cwd() / "file:").exists()  # the file: form of the URL is not taken for a folder


def read_only_session(url: str) -> str:
    """``url`` with every transaction read-only (PostgreSQL refuses any write in it)."""
    parsed = sa.engine.make_url(url)
    options = f"{parsed.query.get('options', '')} -cdefault_transaction_read_only=on".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_a_read_only_postgresql_session_reads_and_a_schema_behind_is_named():
    with postgres_schema() as url:
        Store(url).migrate()
        store = Store(read_only_session(url))
        store.migrate()  # at head: nothing to write
        assert store.count() == 0
        store.dispose()
    with postgres_schema() as url:  # an empty schema: behind
        store = Store(read_only_session(url))
        with pytest.raises(StoreError, match=r"has no schema yet.*run `python -m geo migrate`") as caught:
            store.migrate()
        assert "read-only" in str(caught.value)
        store.dispose()


def test_a_full_disk_is_named_and_loses_nothing(tmp_path):
    """SQLITE_FULL, as a full disk gives it: the database may not grow past its current pages."""
    url = f"sqlite:///{tmp_path / 'incidents.sqlite'}"
    store = Store(url)
    store.migrate()
    store.upsert_many(INCIDENTS, user="tests")
    before = store.count()

    @sa.event.listens_for(store._engine, "connect")
    def _no_room(dbapi_conn, _record):
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    store._engine.dispose()  # new connections get the limit
    many = [make_incident(id=f"inc-full-{n}", summary="x" * 2000) for n in range(200)]
    with pytest.raises(StoreError) as caught:
        store.upsert_many(many, user="tests")
    assert caught.value.public == "The incident store could not be used (writing): the disk holding the store is full."
    assert store.count() == before  # all or nothing
