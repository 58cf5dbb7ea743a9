"""Backup and restore (``geo.storage.backup``, ``python -m geo backup|restore``): the whole store
survives a round trip exactly, on SQLite, on PostgreSQL and from one to the other, and a
bad file or an occupied store is refused without changing anything.

PostgreSQL tests run against ``GEO_TEST_POSTGRES_URL``, each database a schema of its
own that is dropped afterwards; without the variable they skip, or fail when
``GEO_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import orjson
import pandas as pd
import pytest
import sqlalchemy as sa

import geo.storage.backup
from geo.places import teamsites
from geo.storage.backup import FORMAT, FORMAT_VERSION, MANIFEST_NAME, backup, read_manifest, restore
from geo.config import PROJECT_ROOT
from geo.errors import InputError, StoreError
from geo.places.gazetteer import Gazetteer
from geo.storage.store import Store, alembic_config, metadata
from geo.testing.synth import synth_incidents
from geo.places.teamsites import add_site, list_sites, remove_site
from tests.conftest import postgres_schema
from tests.geo.conftest import SMALL_CSV
from tests.geo.incident_factory import make_incident, make_source

D = dt.date
UTC = dt.timezone.utc
MADE_AT = dt.datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
PG = pytest.mark.postgres


# --- databases ----------------------------------------------------------------------------------


class Databases:
    """Empty databases on demand: ``url(kind)`` / ``store(kind)`` with kind "sqlite" or "postgresql".

    SQLite databases are files in the test's tmp_path; PostgreSQL ones are fresh schemas
    (as in test_store.py). Everything made is disposed of / dropped at teardown.
    """

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self._schemas = contextlib.ExitStack()  # each PostgreSQL schema is dropped on close()
        self._stores: list[Store] = []

    def url(self, kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{self.tmp_path / f'store-{uuid.uuid4().hex[:8]}.sqlite'}"
        return self._schemas.enter_context(postgres_schema())

    def store(self, kind: str) -> Store:
        store = Store(self.url(kind))
        store.migrate()
        self._stores.append(store)
        return store

    def close(self) -> None:
        for store in self._stores:
            store.dispose()
        self._schemas.close()


@pytest.fixture
def databases(tmp_path):
    dbs = Databases(tmp_path)
    yield dbs
    dbs.close()


def kinds(*names: str):
    """Parametrize over database kinds, marking the PostgreSQL ones."""
    return [pytest.param(n, marks=PG if "postgresql" in n else ()) for n in names]


BOTH = kinds("sqlite", "postgresql")
# (where the backup is made, where it is restored)
PAIRS = [
    pytest.param(pair, id="-to-".join(pair), marks=PG if "postgresql" in pair else ())
    for pair in [("sqlite", "sqlite"), ("postgresql", "postgresql"), ("sqlite", "postgresql"), ("postgresql", "sqlite")]
]


# --- content ------------------------------------------------------------------------------------


def fill(store: Store) -> None:
    """A store with a history: imports, edits, deletions, a restore, awkward values, an extra meta key."""
    synth = synth_incidents(30, seed=11)
    odd = make_incident(
        id="inc-odd-values",
        site_id=None,
        location="Qā'im — «border» 'crossing', \"west\"",
        summary="line one\nline two ☂ 😀 \u202eRTL\t tab",
        munitions=None,
        killed=None,
        injured=None,
        lat=0.1 + 0.2 + 33.0,
        lon=42.44110000000001,
        sources=(
            make_source(outlet="الجزيرة", published=None, munitions=None, killed=None, injured=None),
            make_source(outlet="AFP", url="", title="", evidence=""),
        ),
    )
    bare = make_incident(id="inc-no-sources", date=D(2019, 1, 1), sources=(), damage="", status="proposed")
    store.upsert_many([*synth, odd, bare], user="importer")
    store.update(odd.with_changes(summary=odd.summary + " (checked)"), expected_version=1, user="alice")
    store.soft_delete(synth[0].id, user="bob")
    store.soft_delete(synth[1].id, user="bob")
    store.restore(synth[1].id, user="carol")
    store.upsert_many([synth[2].with_changes(killed=3)], user="importer 2")
    # Team sites: one kept (awkward text, a float with a long tail), one added and removed again.
    curated = Gazetteer.load(SMALL_CSV).curated_sites
    add_site(store, TEAM_SITE, user="alice", curated=curated, now=MADE_AT)
    add_site(store, {**TEAM_SITE, "id": "gone-site", "name": "Gone Town", "aliases": ""}, user="carol", curated=curated)
    remove_site(store, "gone-site", user="carol")
    with store._engine.begin() as conn:
        # Meta keys a later version might add travel too.
        conn.execute(sa.insert(metadata.tables["meta"]), [{"key": "note", "value": "ünïcode ☂ note"}])
        # The store writes None as JSON null; an SQL NULL (another writer, an older version)
        # must come back as SQL NULL, not as JSON null.
        conn.execute(
            sa.insert(metadata.tables["audit_log"]).values(
                at=dt.datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
                user="legacy",
                action="note",
                incident_id="inc-odd-values",
                before=sa.null(),
                after=None,
            )
        )


TEAM_SITE = {
    "id": "qaraqosh", "name": "Qaraqosh", "aliases": "Bakhdida|بخديدا|Qara-Qosh «old»", "kind": "town",
    "country": "IQ", "admin1": "Nineveh", "lat": 0.1 + 0.2 + 36.0, "lon": 43.3767, "precision_m": 2000,
    "source": "survey \"2024\"", "notes": "line one\nline two",
}  # fmt: skip


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted by primary key, in comparable Python values.

    JSON columns as their stored text (so SQL NULL and JSON null differ); timestamps
    as aware UTC (SQLite hands them back naive, PostgreSQL in the session's zone).
    """

    def canon(value):
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for table in metadata.sorted_tables:
                cols = [sa.cast(c, sa.Text).label(c.name) if isinstance(c.type, sa.JSON) else c for c in table.columns]
                rows = [tuple(canon(v) for v in row) for row in conn.execute(sa.select(*cols))]
                keys = [list(table.columns).index(c) for c in table.primary_key.columns]
                out[table.name] = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
            return out
    finally:
        engine.dispose()


def without_store_id(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {**tables, "meta": [row for row in tables["meta"] if row[0] != "store_id"]}


def store_id(tables: dict[str, list[tuple]]) -> str:
    return dict(tables["meta"])["store_id"]


def raw_sqlite(url: str) -> dict[str, list[tuple]]:
    """Every stored value with its SQLite storage class, straight from sqlite3 (no SQLAlchemy types)."""
    conn = sqlite3.connect(sa.engine.make_url(url).database)
    try:
        out = {}
        for table in metadata.sorted_tables:
            names = [f'"{c.name}"' for c in table.columns]
            select = ", ".join(names + [f"typeof({n})" for n in names])
            order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            out[table.name] = conn.execute(f"SELECT {select} FROM {table.name} ORDER BY {order}").fetchall()
        return out
    finally:
        conn.close()


def raw_postgresql(url: str) -> dict[str, list[str]]:
    """Every row as PostgreSQL's own text form of the record (json columns as stored text)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for table in metadata.sorted_tables:
                order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
                out[table.name] = (
                    conn.exec_driver_sql(f"SELECT t::text FROM {table.name} t ORDER BY {order}").scalars().all()
                )
            return out
    finally:
        engine.dispose()


@pytest.fixture
def source(databases, request):
    """A filled store of the parametrized kind."""
    store = databases.store(request.param)
    fill(store)
    return store


@pytest.fixture
def backup_file(tmp_path, databases) -> Path:
    """A backup of a filled SQLite store."""
    store = databases.store("sqlite")
    fill(store)
    path = tmp_path / "filled.zip"
    backup(store, path, created_at=MADE_AT)
    return path


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS)
def test_round_trip_copies_every_row_of_every_table_exactly(databases, tmp_path, pair):
    made_on, restored_on = pair
    src = databases.store(made_on)
    fill(src)
    dst = databases.store(restored_on)
    path = tmp_path / "store.zip"

    made = backup(src, path, created_at=MADE_AT)
    done = restore(dst, path)

    before, after = dump(src.url), dump(dst.url)
    assert without_store_id(after) == without_store_id(before)
    assert after["audit_log"][-1][-2:] == (None, "null")  # SQL NULL and JSON null kept apart
    assert made.rows == done.rows == {name: len(rows) for name, rows in before.items()}
    assert done.created_at == made.created_at == MADE_AT
    # Through the store's own API too: deleted incidents, versions, audit snapshots.
    assert dst.all(include_deleted=True) == src.all(include_deleted=True)
    assert [dst.get_version(i.id) for i in src.all(include_deleted=True)] == [
        src.get_version(i.id) for i in src.all(include_deleted=True)
    ]
    assert dst.audit(limit=1000) == src.audit(limit=1000)
    # Same-day incidents come in storage order, which a restore need not keep: compare by id.
    by_id = ["date", "id"]
    pd.testing.assert_frame_equal(
        dst.frame().sort_values(by_id, ignore_index=True), src.frame().sort_values(by_id, ignore_index=True)
    )


@pytest.mark.parametrize("kind", BOTH)
def test_a_restored_store_is_a_new_store_for_caches_unless_asked(databases, tmp_path, kind):
    src = databases.store(kind)
    fill(src)
    path = tmp_path / "store.zip"
    backup(src, path)

    fresh, clone = databases.store(kind), databases.store(kind)
    restore(fresh, path)
    restore(clone, path, keep_store_id=True)

    data_version = src.version().split(":")[1]
    assert fresh.version().split(":")[1] == clone.version().split(":")[1] == data_version
    assert store_id(dump(fresh.url)) != store_id(dump(src.url))  # no stale cache entry can match it
    assert dump(clone.url) == dump(src.url)  # a forensic copy: meta byte for byte too


@pytest.mark.parametrize("pair", PAIRS)
def test_team_sites_come_back_with_who_added_them_and_their_version(databases, tmp_path, pair):
    made_on, restored_on = pair
    src = databases.store(made_on)
    fill(src)
    dst, clone = databases.store(restored_on), databases.store(restored_on)
    backup(src, tmp_path / "store.zip")
    report = restore(dst, tmp_path / "store.zip")
    restore(clone, tmp_path / "store.zip", keep_store_id=True)

    assert report.rows["sites"] == 1 and "1 team site(s)" in report.summary()
    assert list_sites(dst) == list_sites(src)
    (kept,) = list_sites(dst)
    assert (kept.site.lat, kept.site.notes, kept.added_by, kept.added_at) == (
        0.1 + 0.2 + 36.0,
        "line one\nline two",
        "alice",
        MADE_AT,
    )
    # The sites' version comes back too; a new store_id keeps cached gazetteers of the original from matching.
    assert teamsites.version(clone) == teamsites.version(src)
    assert teamsites.version(dst).split(":")[1] == teamsites.version(src).split(":")[1] == "3"
    assert teamsites.version(dst) != teamsites.version(src)
    assert [e["action"] for e in reversed(dst.audit(limit=1000)) if e["incident_id"].startswith("site:")] == [
        "site-add",
        "site-add",
        "site-remove",
    ]


@pytest.mark.parametrize("kind", BOTH)
def test_a_store_holding_only_team_sites_is_occupied(databases, backup_file, kind):
    target = databases.store(kind)
    add_site(target, TEAM_SITE, user="dave", curated=())
    with pytest.raises(InputError, match="not empty"):
        restore(target, backup_file)
    assert [t.added_by for t in list_sites(target)] == ["dave"]


@pytest.mark.postgres
def test_sqlite_through_postgresql_and_back_is_the_same_sqlite_data_bit_for_bit(databases, tmp_path):
    original = databases.store("sqlite")
    fill(original)
    via_pg, back = databases.store("postgresql"), databases.store("sqlite")
    backup(original, tmp_path / "1.zip")
    restore(via_pg, tmp_path / "1.zip", keep_store_id=True)
    backup(via_pg, tmp_path / "2.zip")
    restore(back, tmp_path / "2.zip", keep_store_id=True)

    assert raw_sqlite(back.url) == raw_sqlite(original.url)  # same text, numbers and storage classes


@pytest.mark.postgres
def test_postgresql_through_sqlite_and_back_is_the_same_postgresql_data(databases, tmp_path):
    original = databases.store("postgresql")
    fill(original)
    via_sqlite, back = databases.store("sqlite"), databases.store("postgresql")
    backup(original, tmp_path / "1.zip")
    restore(via_sqlite, tmp_path / "1.zip", keep_store_id=True)
    backup(via_sqlite, tmp_path / "2.zip")
    restore(back, tmp_path / "2.zip", keep_store_id=True)

    assert raw_postgresql(back.url) == raw_postgresql(original.url)


@pytest.mark.parametrize("kind", BOTH)
def test_a_restored_store_keeps_working_where_the_original_left_off(databases, tmp_path, kind):
    src = databases.store(kind)
    fill(src)
    backup(src, tmp_path / "store.zip")
    dst = databases.store(kind)
    restore(dst, tmp_path / "store.zip")
    last_audit_id = src.audit(limit=1)[0]["id"]

    edited = dst.get("inc-odd-values")
    version = dst.get_version(edited.id)
    dst.update(edited.with_changes(killed=2), expected_version=version, user="dave")
    dst.upsert_many([make_incident(date=D(2025, 2, 2))], user="dave")

    assert dst.get_version(edited.id) == version + 1
    # New audit ids continue after the restored ones (PostgreSQL: the id sequence was moved on).
    assert [e["id"] for e in dst.audit(limit=2)] == [last_audit_id + 2, last_audit_id + 1]


def test_the_same_state_and_time_give_the_same_bytes(databases, tmp_path):
    store = databases.store("sqlite")
    fill(store)
    backup(store, tmp_path / "a.zip", created_at=MADE_AT)
    backup(store, tmp_path / "b.zip", created_at=MADE_AT)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_the_manifest_describes_and_checks_every_member(backup_file):
    from alembic.script import ScriptDirectory

    with zipfile.ZipFile(backup_file) as zf:
        manifest = orjson.loads(zf.read(MANIFEST_NAME))
        members = {name: zf.read(name) for name in zf.namelist() if name != MANIFEST_NAME}

    assert (manifest["format"], manifest["format_version"]) == (FORMAT, FORMAT_VERSION)
    assert manifest["schema_revision"] == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert dt.datetime.fromisoformat(manifest["created_at"]) == MADE_AT
    assert {t["name"] for t in manifest["tables"]} == set(metadata.tables)
    for entry in manifest["tables"]:
        data = members.pop(entry["member"])
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["rows"] == data.count(b"\n")
        assert entry["columns"] == [c.name for c in metadata.tables[entry["name"]].columns]
    assert members == {}  # nothing in the file the manifest does not vouch for


@pytest.mark.parametrize("source", BOTH, indirect=True)
def test_a_backup_is_one_moment_even_while_others_write(source, tmp_path, monkeypatch):
    """An import committed half-way through a backup is wholly absent from it."""
    other = Store(source.url)
    real_write_table = geo.storage.backup._write_table
    tables_written = []

    def write_table_then_someone_imports(zf, conn, table, *args):
        entry = real_write_table(zf, conn, table, *args)
        if not tables_written:  # after the first table, before the others
            other.upsert_many(synth_incidents(20, seed=99), user="meanwhile")
        tables_written.append(table.name)
        return entry

    monkeypatch.setattr(geo.storage.backup, "_write_table", write_table_then_someone_imports)
    before = dump(source.url)
    try:
        backup(source, tmp_path / "store.zip")
    finally:
        other.dispose()
    assert len(tables_written) == len(metadata.tables)
    assert source.count() == 32 + 20 - 1  # the import did commit (one incident is deleted)

    restored = Store(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    try:
        restore(restored, tmp_path / "store.zip")
        assert without_store_id(dump(restored.url)) == without_store_id(before)
    finally:
        restored.dispose()


def test_restoring_into_a_brand_new_database_creates_its_schema(backup_file, tmp_path):
    path = tmp_path / "new" / "store.sqlite"
    path.parent.mkdir()
    store = Store(f"sqlite:///{path}")  # never migrated
    try:
        restore(store, backup_file)
        assert store.count() == 31
    finally:
        store.dispose()


def test_every_column_of_the_schema_has_a_backup_codec():
    # A migration that adds a column type geo.storage.backup cannot write must fail here, not in production.
    for table in metadata.sorted_tables:
        for column in table.columns:
            geo.storage.backup._codec(column)


# --- refusals: bad files ------------------------------------------------------------------------


def rewrite(path: Path, out: Path, *, manifest=None, members=None, drop=(), fix_checksums=False) -> Path:
    """A copy of backup ``path`` with members replaced or dropped and the manifest edited.

    ``fix_checksums`` updates the manifest's sha256 and row counts for replaced
    members: a file altered by someone who knew the format, not damaged by accident.
    """
    members = members or {}
    with zipfile.ZipFile(path) as zf:
        content = {name: zf.read(name) for name in zf.namelist()}
    data = orjson.loads(content.pop(MANIFEST_NAME))
    for name, new in members.items():
        content[name] = new(content[name]) if callable(new) else new
        if fix_checksums:
            entry = next(e for e in data["tables"] if e["member"] == name)
            entry["sha256"] = hashlib.sha256(content[name]).hexdigest()
            entry["rows"] = content[name].count(b"\n")
    for name in drop:
        del content[name]
    if manifest is not None:
        manifest(data)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST_NAME, orjson.dumps(data))
        for name, body in content.items():
            zf.writestr(name, body)
    return out


def set_in(path: list, value):
    def edit(manifest):
        target = manifest
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def replace_line(member_text: bytes, number: int, edit) -> bytes:
    lines = member_text.splitlines(keepends=True)
    lines[number] = orjson.dumps(edit(orjson.loads(lines[number]))) + b"\n"
    return b"".join(lines)


def written(out: Path, data: bytes) -> Path:
    out.write_bytes(data)
    return out


def flip_byte(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]


def other_zip(out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "holiday photos")
    return out


def bump_rows(manifest) -> None:
    manifest["tables"][1]["rows"] += 1  # tables are listed in restore order: [1] is incidents


def rename_a_column(manifest) -> None:
    manifest["tables"][1]["columns"][1] = "day"


# name: (make the bad file at `out` from the good backup at `good`, what the refusal says)
BAD_FILES = {
    "truncated in the middle": (
        lambda good, out: written(out, good.read_bytes()[: good.stat().st_size // 2]),
        "damaged",
    ),
    "truncated at the end": (lambda good, out: written(out, good.read_bytes()[:-20]), "damaged"),
    "a byte flipped": (lambda good, out: written(out, flip_byte(good.read_bytes(), 2000)), "damaged|checksum"),
    "a member altered, zip intact": (
        lambda good, out: rewrite(
            good, out, members={"tables/incidents.jsonl": lambda b: b.replace(b"Rockets", b"Rackets")}
        ),
        "does not match its checksum",
    ),
    "a row count that disagrees": (lambda good, out: rewrite(good, out, manifest=bump_rows), "the manifest says"),
    "a member missing": (
        lambda good, out: rewrite(good, out, drop=["tables/sources.jsonl"]),
        "sources.jsonl is missing",
    ),
    "a newer format": (
        lambda good, out: rewrite(good, out, manifest=set_in(["format_version"], 2)),
        "newer Incident Atlas",
    ),
    "another format": (
        lambda good, out: rewrite(good, out, manifest=set_in(["format"], "someone-else")),
        "not an Incident Atlas backup",
    ),
    "another schema": (lambda good, out: rewrite(good, out, manifest=rename_a_column), "has columns"),
    "another zip file": (lambda good, out: other_zip(out), "no manifest.json"),
    "a text file": (lambda good, out: written(out, b"id,date\ninc-1,2024-01-01\n"), "of another kind"),
    "an empty file": (lambda good, out: written(out, b""), "of another kind"),
    "random bytes": (lambda good, out: written(out, random.Random(7).randbytes(5000)), "of another kind"),
    "no such file": (lambda good, out: out.parent / "absent.zip", "no such file"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_and_the_store_is_untouched(databases, backup_file, tmp_path, case):
    make_bad, says = BAD_FILES[case]
    bad = make_bad(backup_file, tmp_path / "bad.zip")
    target = databases.store("sqlite")
    fill(target)
    before, version = dump(target.url), target.version()

    with pytest.raises(InputError, match=says) as err:
        restore(target, bad, replace=True)  # even allowed to replace everything

    assert "\n" not in str(err.value) and str(bad.name) in str(err.value)
    assert dump(target.url) == before and target.version() == version


@pytest.mark.parametrize("kind", BOTH)
def test_a_backup_of_another_schema_revision_is_refused(databases, backup_file, tmp_path, kind):
    bad = rewrite(backup_file, tmp_path / "old.zip", manifest=set_in(["schema_revision"], "0000"))
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()  # moves on with every migration
    target = databases.store(kind)
    with pytest.raises(InputError, match=f"schema revision 0000, the store is at {head}"):
        restore(target, bad)
    assert target.count() == 0 and len(target.audit()) == 0


# Files that pass every check up to their last table and then fail inside the transaction:
# everything already deleted and inserted must be rolled back.
FAILS_MID_RESTORE = {
    "a value of the wrong type": (
        lambda b: replace_line(b, 0, lambda row: row[:7] + ["five"] + row[8:]),  # sources.munitions
        InputError,
        "expected int",
    ),
    "a source of an incident not in the backup": (
        lambda b: replace_line(b, 0, lambda row: ["inc-nobody"] + row[1:]),
        StoreError,
        "restoring failed",
    ),
}


@pytest.mark.parametrize("case", FAILS_MID_RESTORE, ids=list(FAILS_MID_RESTORE))
@pytest.mark.parametrize("kind", BOTH)
def test_a_restore_failing_half_way_leaves_the_store_as_it_was(databases, backup_file, tmp_path, kind, case):
    edit, error, says = FAILS_MID_RESTORE[case]
    bad = rewrite(backup_file, tmp_path / "bad.zip", members={"tables/sources.jsonl": edit}, fix_checksums=True)
    assert read_manifest(bad)["tables"][-1]["name"] == "sources"  # loaded last, after the others were replaced
    target = databases.store(kind)
    fill(target)
    target.upsert_many(synth_incidents(5, seed=3), user="only-here")
    before, version = dump(target.url), target.version()

    with pytest.raises(error, match=says):
        restore(target, bad, replace=True)

    assert dump(target.url) == before and target.version() == version


# --- refusals: occupied stores ------------------------------------------------------------------


@pytest.mark.parametrize("kind", BOTH)
def test_an_occupied_store_is_refused_unless_replacing(databases, backup_file, kind):
    target = databases.store(kind)
    target.upsert_many(synth_incidents(3, seed=5), user="someone")
    for incident in target.all():
        target.soft_delete(incident.id, user="someone")  # deleted incidents still count as data
    before = dump(target.url)

    with pytest.raises(InputError, match=r"not empty \(3 incident.*replace=True"):
        restore(target, backup_file)
    assert dump(target.url) == before

    report = restore(target, backup_file, replace=True)
    assert report.replaced["incidents"] == 3
    assert target.get_version("inc-odd-values") == 2 and target.count() == 31
    assert {e["user"] for e in target.audit(limit=1000)} == {
        "importer",
        "alice",
        "bob",
        "carol",
        "importer 2",
        "legacy",
    }


# --- writing backups ----------------------------------------------------------------------------


def test_an_unwritable_destination_is_an_input_error(databases, tmp_path):
    store = databases.store("sqlite")
    with pytest.raises(InputError, match="cannot write"):
        backup(store, tmp_path / "no" / "such" / "folder" / "b.zip")


def test_a_failed_backup_keeps_the_previous_file(databases, tmp_path, monkeypatch):
    store = databases.store("sqlite")
    fill(store)
    path = tmp_path / "nightly.zip"
    backup(store, path, created_at=MADE_AT)
    good = path.read_bytes()

    def broken(*args):
        raise StoreError("the disk went away")

    monkeypatch.setattr(geo.storage.backup, "_write_table", broken)
    with pytest.raises(StoreError):
        backup(store, path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no .partial left


def test_a_store_without_a_schema_cannot_be_backed_up(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with pytest.raises(StoreError, match="no schema"):
            backup(store, tmp_path / "b.zip")
    finally:
        store.dispose()
    assert not (tmp_path / "b.zip").exists()


def test_created_at_must_say_its_time_zone(databases, tmp_path):
    with pytest.raises(ValueError, match="timezone-aware"):
        backup(databases.store("sqlite"), tmp_path / "b.zip", created_at=dt.datetime(2024, 1, 1))


# --- command line -------------------------------------------------------------------------------


def geo_cli(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GEO_DATABASE_URL": url,
        "GEO_INCIDENTS_CSV": str(cwd / "no-seed.csv"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize("kind", BOTH)
def test_command_line_round_trip(databases, tmp_path, kind):
    src = databases.store("sqlite")
    fill(src)
    target_url = databases.url(kind)
    path = tmp_path / "cli.zip"

    made = geo_cli("backup", str(path), url=src.url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("backed up 32 incident(s), ") and str(path) in made.stdout

    done = geo_cli("restore", str(path), url=target_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("restored 32 incident(s), ")
    assert without_store_id(dump(target_url)) == without_store_id(dump(src.url))

    again = geo_cli("restore", str(path), url=target_url, cwd=tmp_path)
    assert again.returncode == 1 and "--replace" in one_error_line(again.stderr)

    replaced = geo_cli("restore", str(path), "--replace", url=target_url, cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert "replacing 32 incident(s)" in replaced.stdout
    assert without_store_id(dump(target_url)) == without_store_id(dump(src.url))


def test_command_line_refuses_a_damaged_file_in_one_line_without_creating_a_store(backup_file, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(backup_file.read_bytes()[:1000])
    target = tmp_path / "never.sqlite"

    result = geo_cli("restore", str(bad), url=f"sqlite:///{target}", cwd=tmp_path)

    assert result.returncode == 1 and "bad.zip" in one_error_line(result.stderr)
    assert result.stdout == "" and not target.exists()


# --- the incident limits hold on restore ---------------------------------------------------------


@pytest.mark.parametrize("made_on", kinds("sqlite"))
@pytest.mark.parametrize("restored_on", kinds("postgresql"))
def test_a_sqlite_backup_of_the_largest_values_restores_into_postgresql(databases, tmp_path, made_on, restored_on):
    src = databases.store(made_on)
    edge = make_incident(
        id="acled:" + "9" * 58, date=D(2100, 12, 31), munitions=2**31 - 1, killed=0,
        summary="☂ 😀 \u202e «x»", sources=(make_source(published=D(1900, 1, 1), injured=2**31 - 1),),
    )  # fmt: skip
    src.upsert_many([edge, *synth_incidents(5, seed=2)], user="importer")
    backup(src, tmp_path / "edge.zip", created_at=MADE_AT)
    target = databases.store(restored_on)
    restore(target, tmp_path / "edge.zip")
    assert target.get(edge.id) == edge and target.count() == 6


def _with_bad_incident_row(edit):
    """A member edit: the first incident row changed by ``edit(values_by_column)``."""
    columns = [c.name for c in metadata.tables["incidents"].columns]

    def change(text: bytes) -> bytes:
        def row_edit(row):
            values = dict(zip(columns, row))
            edit(values)
            return [values[c] for c in columns]

        return replace_line(text, 0, row_edit)

    return change


BAD_ROWS = {
    "a 65-character id": (lambda v: v.update(id="x" * 65), "id"),
    "a NUL in a summary": (lambda v: v.update(summary="a\x00b"), "summary"),
    "year 1": (lambda v: v.update(date="0001-01-01"), "date"),
    "a count over 32 bits": (lambda v: v.update(killed=2**40), "killed"),
    "country XX": (lambda v: v.update(country="XX"), "country"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
@pytest.mark.parametrize("kind", BOTH)
def test_a_backup_holding_an_invalid_incident_is_refused_by_both_stores(databases, backup_file, tmp_path, kind, case):
    edit, field = BAD_ROWS[case]
    bad = rewrite(
        backup_file, tmp_path / "bad.zip",
        members={"tables/incidents.jsonl": _with_bad_incident_row(edit)}, fix_checksums=True,
    )  # fmt: skip
    target = databases.store(kind)
    fill(target)
    before = dump(target.url)
    with pytest.raises(InputError, match=f"incidents.jsonl line 1.*{field}") as err:
        restore(target, bad, replace=True)
    assert "\n" not in str(err.value)
    if case == "country XX":  # a row a store may well hold from before today's rules: say how to find them
        assert "`python -m geo check` on the store this backup came from lists every such row" in str(err.value)
    assert dump(target.url) == before


# --- bounded memory for a hostile file -----------------------------------------------------------

BOMB_BYTES = 1536 * 1024 * 1024  # 1.5 GiB in one line


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory) -> Path:
    """A valid-looking backup whose incidents member is one 1.5 GiB line (~1.5 MB compressed)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    columns = {t.name: [c.name for c in t.columns] for t in metadata.sorted_tables}
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": "x",
        "created_at": MADE_AT.isoformat(),
        "tables": [
            {"name": n, "member": f"tables/{n}.jsonl", "columns": c, "rows": 0, "sha256": hashlib.sha256().hexdigest()}
            for n, c in columns.items()
        ],
    }  # fmt: skip
    chunk = b"a" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(MANIFEST_NAME, orjson.dumps(manifest))
        for name in columns:
            with zf.open(f"tables/{name}.jsonl", "w", force_zip64=True) as out:
                if name == "incidents":
                    for _ in range(BOMB_BYTES // len(chunk)):
                        out.write(chunk)
    return path


def test_a_zip_bomb_member_is_refused_in_bounded_memory(zip_bomb, tmp_path):
    assert zip_bomb.stat().st_size < 20 * 1024 * 1024
    script = (
        "import sys\n"
        "from geo.storage.backup import read_manifest\n"
        "from geo.errors import InputError\n"
        "try:\n"
        f"    read_manifest({str(zip_bomb)!r})\n"
        "    print('accepted')\n"
        "except InputError as exc:\n"
        "    print('refused:', exc)\n"
        # VmHWM: this process's own peak; ru_maxrss would include the pytest process it was forked from.
        "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    said, peak_mb = out.stdout.strip().splitlines()
    assert said.startswith("refused:") and "incidents.jsonl" in said and "line 1" in said
    assert int(peak_mb) < 300, f"peak memory {peak_mb} MB"  # was 3.2 GB; a generous bound
