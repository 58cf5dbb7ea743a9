"""The incident store on SQLite and PostgreSQL: schema, round trips, idempotent imports,
optimistic concurrency, soft delete, audit trail, and one-line errors for broken databases.

PostgreSQL tests run against ``GEO_TEST_POSTGRES_URL`` (CI starts a server), each in
a schema of its own that is dropped afterwards; without the variable they skip, or
fail when ``GEO_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import geo.storage.store
from geo.config import get_settings
from geo.formats.csvio import write_incidents_csv
from geo.errors import ConflictError, NotFound, StoreError, ValidationError
from geo.view.frame import to_frame
from geo.reports.merge import combine
from geo.storage.store import Store
from tests.geo.incident_factory import make_incident, make_source

ROOT = Path(__file__).resolve().parents[3]

D = dt.date


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def rockets():
    """Three incidents on different days, one with two disagreeing sources."""
    return [
        make_incident(date=D(2022, 1, 5), sources=(make_source(munitions=5), make_source(outlet="AP", munitions=8))),
        make_incident(date=D(2022, 1, 3), event_type="drone", intercepted=True, munitions=2, killed=None),
        make_incident(date=D(2021, 7, 7), munitions=14, injured=2, sources=()),
    ]


def audit_actions(store, incident_id=None):
    return [(e["action"], e["user"]) for e in reversed(store.audit(incident_id))]


# --- schema -------------------------------------------------------------------------------------


def test_migration_creates_exactly_the_model_schema(store, store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": False}), geo.storage.store.schema_metadata()
            )
            revision = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    assert diffs == []
    assert revision == ScriptDirectory.from_config(geo.storage.store.alembic_config()).get_current_head()


def test_migrate_twice_is_harmless(store, rockets):
    store.upsert_many(rockets)
    store.migrate()
    assert store.count() == 3


def test_the_schema_head_constant_is_alembics_head():
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(geo.storage.store.alembic_config()).get_current_head()
    assert geo.storage.store.SCHEMA_HEAD == head


def test_opening_an_up_to_date_store_does_not_load_alembic(store_url, store):
    """Every command and the app's cold start open the store: Alembic (and what it imports) costs ~0.1 s."""
    code = (
        "import sys; from geo.storage.store import Store; s = Store(sys.argv[1]); s.migrate(); "
        "print(s.count(), sorted(m for m in ('alembic', 'numpy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, store_url], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["0", "[]"]


def test_constructing_does_not_touch_the_database(tmp_path):
    path = tmp_path / "never.sqlite"
    Store(f"sqlite:///{path}")
    assert not path.exists()


def test_new_store_is_empty_with_a_contract_frame(store):
    assert store.count() == 0
    assert store.all() == []
    frame = store.frame()
    assert frame.empty
    assert frame.dtypes.equals(to_frame([]).dtypes)


# --- round trips --------------------------------------------------------------------------------


def test_every_field_round_trips(store):
    inc = make_incident(
        site_id=None,
        location="Qā'im — «border» 'crossing', \"west\"",
        intercepted=True,
        munitions=None,
        killed=0,
        injured=3,
        damage="minor",
        date_precision="month",
        geo_precision=3,
        summary="line one\nline two ☂",
        sources=(
            make_source(),
            make_source(outlet="AFP", url="", published=None, title="", evidence="", munitions=None, killed=None),
        ),
    )
    store.upsert_many([inc])
    assert store.get(inc.id) == inc
    assert store.all() == [inc]


def test_frame_equals_the_frame_of_the_stored_incidents(store, rockets):
    store.upsert_many(rockets)
    expected = to_frame(sorted(rockets, key=lambda i: i.date))
    pd.testing.assert_frame_equal(store.frame(), expected)


@pytest.mark.parametrize("lat, lon", [(0.1 + 0.2, 42.44110000000001), (-89.99999999999999, 179.99999999999997)])
def test_frame_keeps_coordinates_bit_for_bit(store, lat, lon):
    store.upsert_many([make_incident(lat=lat, lon=lon)])
    row = store.frame().iloc[0]
    assert (row["lat"], row["lon"]) == (lat, lon)


def test_sources_rows_are_stored_in_order(store, store_url, rockets):
    store.upsert_many(rockets)
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT position, outlet, munitions FROM sources WHERE incident_id = :i ORDER BY position"),
                {"i": rockets[0].id},
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(0, "Reuters", 5), (1, "AP", 8)]


def test_get_unknown_id_is_not_found(store):
    with pytest.raises(NotFound):
        store.get("inc-nope")
    with pytest.raises(NotFound):
        store.get_version("inc-nope")


# --- imports ------------------------------------------------------------------------------------


def test_upsert_adds_then_identical_reimport_changes_nothing(store, rockets):
    assert store.upsert_many(rockets, user="alice") == {"added": 3, "updated": 0, "unchanged": 0}
    version, audit_size = store.version(), len(store.audit())
    assert store.upsert_many(rockets, user="bob") == {"added": 0, "updated": 0, "unchanged": 3}
    assert store.version() == version
    assert len(store.audit()) == audit_size == 3
    assert {store.get_version(i.id) for i in rockets} == {1}


def test_upsert_updates_only_what_changed(store, rockets):
    store.upsert_many(rockets)
    changed = rockets[1].with_changes(killed=1)
    assert store.upsert_many([rockets[0], changed], user="bob") == {"added": 0, "updated": 1, "unchanged": 1}
    assert store.get(changed.id) == changed
    assert store.get_version(changed.id) == 2
    assert store.get_version(rockets[0].id) == 1
    (entry,) = store.audit(changed.id, limit=1)
    assert (entry["action"], entry["user"], entry["before"]["killed"], entry["after"]["killed"]) == (
        "update",
        "bob",
        None,
        1,
    )


def test_a_source_change_alone_is_an_update(store, rockets):
    store.upsert_many(rockets)
    edited = rockets[0].with_changes(sources=rockets[0].sources[:1])
    assert store.upsert_many([edited])["updated"] == 1
    assert store.get(edited.id).sources == edited.sources


def test_upsert_refuses_duplicate_ids_and_writes_nothing(store, rockets):
    with pytest.raises(ValidationError, match="duplicate id"):
        store.upsert_many([rockets[0], rockets[1], rockets[0]])
    assert store.count() == 0


def test_upsert_of_many_reports_progress_and_spans_chunks(store):
    incidents = [
        make_incident(id=f"inc-bulk-{n:05d}", date=D(2020, 1, 1) + dt.timedelta(days=n % 700)) for n in range(1203)
    ]
    calls = []
    result = store.upsert_many(incidents, progress=lambda done, total: calls.append((done, total)))
    assert result == {"added": 1203, "updated": 0, "unchanged": 0}
    assert calls[-1] == (1203, 1203) and len(calls) == 3
    assert len(store.frame()) == store.count() == 1203


def test_upsert_leaves_deleted_incidents_deleted(store, rockets):
    store.upsert_many(rockets)
    store.soft_delete(rockets[0].id, user="alice")
    assert store.upsert_many(rockets) == {"added": 0, "updated": 0, "unchanged": 3}
    assert store.count() == 2


# --- edits and optimistic concurrency -----------------------------------------------------------


def test_update_bumps_the_version_and_audits(store, rockets):
    store.upsert_many(rockets)
    inc = rockets[0]
    saved = store.update(inc.with_changes(summary="Checked again"), expected_version=1, user="alice")
    assert saved.summary == "Checked again"
    assert store.get_version(inc.id) == 2
    assert audit_actions(store, inc.id) == [("add", "system"), ("update", "alice")]


def test_stale_update_is_a_conflict_and_changes_nothing(store_url, rockets):
    alice, bob = Store(store_url), Store(store_url)  # two users, two connections
    try:
        alice.migrate()
        alice.upsert_many(rockets)
        inc = rockets[0]
        seen_by_both = alice.get_version(inc.id)
        alice.update(inc.with_changes(killed=1), expected_version=seen_by_both, user="alice")
        with pytest.raises(ConflictError, match="changed by someone else"):
            bob.update(inc.with_changes(killed=7), expected_version=seen_by_both, user="bob")
        assert bob.get(inc.id).killed == 1
        assert isinstance(ConflictError("x"), StoreError)  # callers catching StoreError see it too
    finally:
        alice.dispose()
        bob.dispose()


def test_update_without_changes_keeps_the_version(store, rockets):
    store.upsert_many(rockets)
    before = store.version()
    store.update(rockets[0], expected_version=1, user="alice")
    assert store.get_version(rockets[0].id) == 1 and store.version() == before


def test_update_of_missing_or_deleted_incident_is_not_found(store, rockets):
    with pytest.raises(NotFound):
        store.update(rockets[0], expected_version=1, user="alice")
    store.upsert_many(rockets)
    store.soft_delete(rockets[0].id, user="alice")
    with pytest.raises(NotFound):
        store.update(rockets[0], expected_version=store.get_version(rockets[0].id), user="alice")


# --- soft delete --------------------------------------------------------------------------------


def test_soft_delete_hides_everywhere_and_restore_brings_back(store, rockets):
    store.upsert_many(rockets)
    gone = rockets[0].id
    store.soft_delete(gone, user="alice")
    assert store.count() == 2
    assert gone not in set(store.frame()["id"])
    assert gone not in {i.id for i in store.all()}
    with pytest.raises(NotFound):
        store.get(gone)
    assert store.get(gone, include_deleted=True) == rockets[0]
    assert len(store.all(include_deleted=True)) == 3

    store.restore(gone, user="bob")
    assert store.get(gone) == rockets[0]
    assert store.get_version(gone) == 3
    assert audit_actions(store, gone) == [("add", "system"), ("delete", "alice"), ("restore", "bob")]


def test_soft_delete_and_restore_are_idempotent(store, rockets):
    store.upsert_many(rockets)
    store.soft_delete(rockets[0].id, user="alice")
    version = store.version()
    store.soft_delete(rockets[0].id, user="alice")
    assert store.version() == version
    store.restore(rockets[0].id, user="alice")
    store.restore(rockets[0].id, user="alice")
    assert len(store.audit(rockets[0].id)) == 3


@pytest.mark.parametrize("method", ["soft_delete", "restore"])
def test_delete_or_restore_of_unknown_id_is_not_found(store, method):
    with pytest.raises(NotFound):
        getattr(store, method)("inc-nope", user="alice")


# --- merging two records of one attack, detaching a source ----------------------------------


@pytest.fixture
def twins(store):
    """Two stored records (version 1 each) of one attack: Reuters' and a claim that cites Reuters too."""
    keep = make_incident(killed=0, injured=None, sources=(make_source(killed=None, injured=None),))
    other = make_incident(
        id="inc-twin",
        actor="Islamic Resistance in Iraq",
        attribution="claimed",
        attributed_by="Islamic Resistance in Iraq",
        munitions=8,
        killed=1,
        injured=2,
        sources=(
            make_source(killed=None, injured=None),  # the same Reuters report: must not appear twice
            make_source(outlet="AP", url="https://example.org/ap", munitions=8, killed=1, injured=2),
        ),
    )
    store.upsert_many([keep, other])
    return keep, other


def test_merge_moves_sources_combines_figures_and_deletes_the_other(store, twins):
    keep, other = twins
    merged = store.merge_incidents(keep.id, other.id, expected_versions={keep.id: 1, other.id: 1}, user="alice")
    assert [s.outlet for s in merged.sources] == ["Reuters", "AP"]
    assert (merged.munitions, merged.killed, merged.injured) == (8, 1, 2)  # the largest known, per source kept
    assert (merged.attribution, merged.actor) == ("claimed", "Islamic Resistance in Iraq")  # a claim beats blame
    assert merged == combine(keep, other) == store.get(keep.id)  # ingest's rules, not a second set
    assert store.get_version(keep.id) == 2 and store.get_version(other.id) == 2
    with pytest.raises(NotFound):
        store.get(other.id)
    assert store.get(other.id, include_deleted=True) == other  # deleted as it was, restorable
    assert store.count() == 1


def test_merge_audits_both_with_who_when_and_where_the_other_went(store, twins):
    keep, other = twins
    started = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    store.merge_incidents(keep.id, other.id, expected_versions={keep.id: 1, other.id: 1}, user="alice")
    (kept,) = store.audit(keep.id, limit=1)
    (gone,) = store.audit(other.id, limit=1)
    for entry in (kept, gone):
        assert (entry["action"], entry["user"]) == ("merge", "alice") and entry["at"] >= started
    assert kept["before"]["sources"][0]["outlet"] == "Reuters" and len(kept["before"]["sources"]) == 1
    assert [s["outlet"] for s in kept["after"]["sources"]] == ["Reuters", "AP"]
    assert kept["after"]["merged_from"] == other.id
    assert gone["before"]["munitions"] == 8 and gone["after"] == {"merged_into": keep.id}


@pytest.mark.parametrize("moved", ["keep", "other"])
def test_merge_with_either_version_moved_is_a_conflict_and_changes_nothing(store, store_url, twins, moved):
    keep, other = twins
    bob = Store(store_url)  # another editor, another connection
    try:
        target = keep if moved == "keep" else other
        bob.update(target.with_changes(summary="Bob was here"), expected_version=1, user="bob")
        before = (store.version(), len(store.audit()))
        with pytest.raises(ConflictError, match="changed by someone else"):
            store.merge_incidents(keep.id, other.id, expected_versions={keep.id: 1, other.id: 1}, user="alice")
    finally:
        bob.dispose()
    assert (store.version(), len(store.audit())) == before
    assert store.count() == 2 and len(store.get(keep.id).sources) == 1


def test_merge_is_one_transaction(store, twins, monkeypatch):
    keep, other = twins

    def fail(*args, **kwargs):
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(geo.storage.store, "_set_deleted_at", fail)  # after keep was rewritten
    with pytest.raises(RuntimeError):
        store.merge_incidents(keep.id, other.id, expected_versions={keep.id: 1, other.id: 1}, user="alice")
    assert store.get(keep.id) == keep and store.get_version(keep.id) == 1
    assert store.get(other.id) == other


def test_merge_refuses_missing_deleted_or_self(store, twins):
    keep, other = twins
    with pytest.raises(ValueError, match="itself"):
        store.merge_incidents(keep.id, keep.id, expected_versions={keep.id: 1}, user="alice")
    with pytest.raises(ValueError, match="no version"):
        store.merge_incidents(keep.id, other.id, expected_versions={keep.id: 1}, user="alice")
    with pytest.raises(NotFound):
        store.merge_incidents(keep.id, "inc-nope", expected_versions={keep.id: 1, "inc-nope": 1}, user="alice")
    store.soft_delete(other.id, user="alice")
    with pytest.raises(NotFound):
        store.merge_incidents(keep.id, other.id, expected_versions={keep.id: 1, other.id: 2}, user="alice")


def test_detach_removes_the_source_and_the_figures_only_it_gave(store, twins):
    _, other = twins
    detached = store.detach_source(other.id, 1, expected_version=1, user="alice")
    assert [s.outlet for s in detached.sources] == ["Reuters"]
    # 8 rockets, 1 killed, 2 injured were AP's alone; Reuters says 5 rockets and nothing on casualties.
    assert (detached.munitions, detached.killed, detached.injured) == (5, None, None)
    assert store.get(other.id) == detached and store.get_version(other.id) == 2
    (entry,) = store.audit(other.id, limit=1)
    assert (entry["action"], entry["user"]) == ("detach", "alice")
    assert len(entry["before"]["sources"]) == 2 and len(entry["after"]["sources"]) == 1


def test_detach_keeps_a_figure_another_source_still_gives(store):
    inc = make_incident(munitions=5, sources=(make_source(munitions=5), make_source(outlet="AP", munitions=5)))
    store.upsert_many([inc])
    assert store.detach_source(inc.id, 0, expected_version=1, user="alice").munitions == 5


def test_detach_refuses_the_last_source_a_missing_one_and_a_stale_version(store, twins):
    keep, other = twins
    before = store.version()
    with pytest.raises(ValidationError, match="only this source"):
        store.detach_source(keep.id, 0, expected_version=1, user="alice")
    with pytest.raises(NotFound, match="no source #3"):
        store.detach_source(other.id, 2, expected_version=1, user="alice")
    with pytest.raises(ConflictError):
        store.detach_source(other.id, 0, expected_version=7, user="alice")
    assert store.version() == before and store.get(other.id) == other


def test_deleted_lists_deleted_incidents_latest_first(store, rockets):
    store.upsert_many(rockets)
    assert store.deleted() == []
    store.soft_delete(rockets[1].id, user="alice")
    store.soft_delete(rockets[0].id, user="alice")
    listed = store.deleted()
    assert [inc.id for inc, _ in listed] == [rockets[0].id, rockets[1].id]
    assert listed[0][0] == rockets[0] and listed[0][1].tzinfo is not None
    store.restore(rockets[0].id, user="bob")
    assert [inc.id for inc, _ in store.deleted()] == [rockets[1].id]


# --- rows stored before today's rules: reads are lenient, writes strict -------------------------


def insert_past_validation(store, inc) -> None:
    """Insert ``inc`` by plain SQL, past every check, as an older version (or another program) did."""
    values = geo.storage.store._values(inc)
    now = dt.datetime.now(dt.timezone.utc)
    with store._engine.begin() as conn:
        conn.execute(
            sa.insert(geo.storage.store.incidents_table),
            {**values, "version": 1, "created_at": now, "updated_at": now, "deleted_at": None, "changed_in": 0},
        )


@pytest.fixture
def legacy(store, rockets):
    """The rockets, and one incident breaking three of today's rules, inserted past the validation."""
    store.upsert_many(rockets)
    old = make_incident(date=D(2019, 12, 31), country="XX", killed=-3, target="t" * 1_500)
    insert_past_validation(store, old)
    return old


LEGACY_PROBLEMS = [
    ("country", "'XX' is not an ISO 3166-1 alpha-2 code of a country"),
    ("killed", "-3 is negative"),
    ("target", "1,500 characters; at most 1,000"),
]


def test_a_row_stored_before_todays_rules_still_loads_everywhere(store, legacy):
    assert store.get(legacy.id) == legacy
    assert legacy in store.all() and store.count() == 4
    assert legacy.id in set(store.frame()["id"])
    store.soft_delete(legacy.id, user="alice")
    assert [inc for inc, _ in store.deleted()] == [legacy]
    assert store.get(legacy.id, include_deleted=True) == legacy


def test_check_lists_each_stored_row_breaking_todays_rules_with_its_problems(store, legacy):
    ((incident_id, deleted, problems),) = list(store.problems())
    assert (incident_id, deleted) == (legacy.id, False)
    assert [(p.field, p.reason) for p in problems] == LEGACY_PROBLEMS
    store.soft_delete(legacy.id, user="alice")  # deleted rows too: they can be restored
    assert [(i, d) for i, d, _ in store.problems(batch=1)] == [(legacy.id, True)]


def test_saving_a_row_stored_before_todays_rules_still_validates(store, legacy):
    with pytest.raises(ValidationError, match="country"):
        store.update(legacy.with_changes(summary="Re-read."), expected_version=1, user="alice")
    assert store.get(legacy.id) == legacy and store.get_version(legacy.id) == 1
    fixed = legacy.with_changes(country="IQ", killed=0, target="Air base")
    store.update(fixed, expected_version=1, user="alice")
    assert store.get(legacy.id) == fixed and list(store.problems()) == []


# --- audit log ----------------------------------------------------------------------------------


def test_audit_entries_hold_who_when_and_snapshots(store, rockets):
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    store.upsert_many(rockets[:1], user="importer")
    store.soft_delete(rockets[0].id, user="alice")
    add, delete = reversed(store.audit())
    assert add["at"] >= before and add["at"].tzinfo is not None
    assert add["before"] is None
    assert add["after"]["sources"][1]["outlet"] == "AP"  # a real list, not JSON text
    assert add["after"]["date"] == "2022-01-05"
    assert (delete["before"]["id"], delete["after"]) == (rockets[0].id, None)
    assert add["id"] < delete["id"] and add["incident_id"] == rockets[0].id


def test_audit_is_newest_first_limited_and_filtered(store, rockets):
    store.upsert_many(rockets)
    assert [e["incident_id"] for e in store.audit(limit=2)] == [rockets[2].id, rockets[1].id]
    assert [e["incident_id"] for e in store.audit(rockets[1].id)] == [rockets[1].id]


# --- data version -------------------------------------------------------------------------------


def test_version_changes_on_every_kind_of_write_and_not_on_reads(store, rockets):
    seen = [store.version()]
    store.upsert_many(rockets)
    seen.append(store.version())
    store.frame(), store.all(), store.count(), store.audit()
    assert store.version() == seen[-1]
    store.update(rockets[0].with_changes(killed=4), expected_version=1, user="a")
    seen.append(store.version())
    store.soft_delete(rockets[0].id, user="a")
    seen.append(store.version())
    store.restore(rockets[0].id, user="a")
    seen.append(store.version())
    store.detach_source(rockets[0].id, 1, expected_version=store.get_version(rockets[0].id), user="a")
    seen.append(store.version())
    versions = {i.id: store.get_version(i.id) for i in rockets[:2]}
    store.merge_incidents(rockets[0].id, rockets[1].id, expected_versions=versions, user="a")
    seen.append(store.version())
    assert len(set(seen)) == len(seen) == 7


def test_two_databases_never_share_a_version(tmp_path):
    a, b = Store(f"sqlite:///{tmp_path / 'a.sqlite'}"), Store(f"sqlite:///{tmp_path / 'b.sqlite'}")
    a.migrate(), b.migrate()
    assert a.version() != b.version()
    a.dispose(), b.dispose()


# --- opening and seeding ------------------------------------------------------------------------


@pytest.fixture
def seeded_settings(store_url, tmp_path, rockets):
    csv_path = tmp_path / "seed.csv"
    write_incidents_csv(rockets, csv_path)
    return get_settings({"GEO_DATABASE_URL": store_url, "GEO_INCIDENTS_CSV": str(csv_path)})


def test_open_migrates_and_seeds_an_empty_store_once(seeded_settings, rockets):
    store = Store.open(seeded_settings)
    try:
        assert store.count() == 3
        assert audit_actions(store)[0] == ("add", "seed")
        store.soft_delete(rockets[0].id, user="alice")
        store.soft_delete(rockets[1].id, user="alice")
        store.soft_delete(rockets[2].id, user="alice")
    finally:
        store.dispose()
    reopened = Store.open(seeded_settings)  # all deleted, but not new: no reseeding
    try:
        assert reopened.count() == 0
    finally:
        reopened.dispose()


def test_open_without_seed_leaves_the_store_empty(seeded_settings):
    store = Store.open(seeded_settings, seed=False)
    assert store.count() == 0
    store.dispose()


def test_open_creates_the_folder_of_a_sqlite_file(tmp_path):
    settings = get_settings(
        {"GEO_DATABASE_URL": f"sqlite:///{tmp_path / 'a' / 'b' / 'x.sqlite'}", "GEO_INCIDENTS_CSV": "/nonexistent.csv"}
    )
    store = Store.open(settings)
    assert store.count() == 0 and (tmp_path / "a" / "b" / "x.sqlite").exists()
    store.dispose()


# --- broken databases: one-line StoreError -----------------------------------------------------


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_corrupt_sqlite_file_is_a_store_error(tmp_path):
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"this is not a database, just some bytes\n" * 200)
    settings = get_settings({"GEO_DATABASE_URL": f"sqlite:///{path}", "GEO_INCIDENTS_CSV": "/nonexistent.csv"})
    with pytest.raises(StoreError) as err:
        Store.open(settings)
    assert "corrupt" in one_line(err.value)


def test_locked_sqlite_is_a_store_error_after_a_short_wait(tmp_path, monkeypatch, rockets):
    path = tmp_path / "locked.sqlite"
    store = Store(f"sqlite:///{path}", busy_timeout=0.2)
    store.migrate()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        with pytest.raises(StoreError) as err:
            store.upsert_many(rockets)
        assert "locked" in one_line(err.value)
        assert store.count() == 0  # WAL: reading still works while another program writes
    finally:
        other.rollback()
        other.close()
        store.dispose()


def test_an_up_to_date_store_opens_and_reads_while_another_program_writes(tmp_path, monkeypatch, rockets):
    monkeypatch.setattr(geo.storage.store, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "busy.sqlite"
    settings = get_settings({"GEO_DATABASE_URL": f"sqlite:///{path}", "GEO_INCIDENTS_CSV": "/nonexistent.csv"})
    first = Store.open(settings)
    first.upsert_many(rockets)
    first.dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a long import in another process
    other.execute("UPDATE incidents SET summary = 'uncommitted'")
    try:
        store = Store.open(settings)
        assert len(store.frame()) == 3
        assert "uncommitted" not in set(store.frame()["summary"])
        store.dispose()
    finally:
        other.rollback()
        other.close()


def test_opening_a_locked_new_database_is_a_store_error(tmp_path, monkeypatch):
    monkeypatch.setattr(geo.storage.store, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "locked-new.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        settings = get_settings({"GEO_DATABASE_URL": f"sqlite:///{path}", "GEO_INCIDENTS_CSV": "/nonexistent.csv"})
        with pytest.raises(StoreError, match="locked"):
            Store.open(settings)
    finally:
        other.rollback()
        other.close()


def test_unreachable_server_is_a_store_error():
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/atlas")
    with pytest.raises(StoreError) as err:
        store.count()
    assert "cannot reach the database server" in one_line(err.value)
    assert "127.0.0.1:1" in str(err.value)


def test_password_never_appears_in_errors():
    with pytest.raises(StoreError) as err:
        Store("postgresql+psycopg://nobody:s3cret@127.0.0.1:1/atlas").count()
    assert "s3cret" not in str(err.value)


@pytest.mark.parametrize("url", ["nosuchdb://x/y", "not a url at all"])
def test_unusable_url_is_a_store_error(url):
    with pytest.raises(StoreError, match="not usable"):
        Store(url)


def test_sqlite_pragmas_are_set(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    try:
        with store._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == geo.storage.store.BUSY_TIMEOUT_S * 1000
    finally:
        store.dispose()


# --- changed_in: the version that last wrote each incident (what geo.storage.snapshot's refresh reads) -----


def stamps(store) -> dict[str, int]:
    table = geo.storage.store.incidents_table
    with store._engine.connect() as conn:
        return dict(conn.execute(sa.select(table.c.id, table.c.changed_in)).all())


def data_version(store) -> int:
    return int(store.version().rpartition(":")[2])


def test_every_write_stamps_the_incidents_it_touched_with_its_version(store, rockets):
    a, b, c = (inc.id for inc in rockets)
    store.upsert_many(rockets, user="alice")
    assert stamps(store) == dict.fromkeys((a, b, c), data_version(store))

    def edit(inc_id, **changes):
        inc = store.get(inc_id)
        store.update(inc.with_changes(**changes), expected_version=store.get_version(inc_id), user="bob")

    writes = [
        ("edit", lambda: edit(a, killed=3), {a}),
        ("re-import, one changed", lambda: store.upsert_many([store.get(b).with_changes(injured=4), store.get(c)]), {b}),
        ("detach a source", lambda: store.detach_source(a, 1, expected_version=store.get_version(a), user="bob"), {a}),
        ("soft delete", lambda: store.soft_delete(c, user="bob"), {c}),
        ("restore", lambda: store.restore(c, user="bob"), {c}),
        ("merge", lambda: store.merge_incidents(a, b, expected_versions={a: store.get_version(a), b: store.get_version(b)}, user="bob"), {a, b}),
        ("import a new one", lambda: store.upsert_many([make_incident(date=D(2020, 2, 2))]), {make_incident(date=D(2020, 2, 2)).id}),
    ]  # fmt: skip
    for name, write, touched in writes:
        before, version = stamps(store), data_version(store)
        write()
        after = stamps(store)
        assert data_version(store) == version + 1, name
        assert {i for i in after if after[i] != before.get(i)} == touched, name
        assert {after[i] for i in touched} == {version + 1}, name
    assert geo.storage.store.PENDING not in stamps(store).values()


def test_a_write_that_changes_nothing_stamps_nothing(store, rockets):
    store.upsert_many(rockets, user="alice")
    store.soft_delete(rockets[2].id, user="alice")
    before, version = stamps(store), store.version()
    store.upsert_many(rockets, user="alice")  # all equal to the stored ones
    store.soft_delete(rockets[2].id, user="alice")  # already deleted
    store.update(store.get(rockets[0].id), expected_version=store.get_version(rockets[0].id), user="alice")
    assert stamps(store) == before and store.version() == version


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # SQLite has one writer at a time
def test_a_writer_stamps_only_its_own_rows_while_another_is_still_open(store, store_url, rockets):
    """Rows are stamped when the version is known, at the end: an open transaction's rows stay its own."""
    store.upsert_many(rockets, user="alice")
    a, b = rockets[0].id, rockets[1].id
    first = data_version(store)
    slow = sa.create_engine(store_url)
    try:
        with slow.connect() as conn, conn.begin():
            table = geo.storage.store.incidents_table
            conn.execute(sa.update(table).where(table.c.id == a).values(summary="a slow import"))
            inc = store.get(b)  # meanwhile an editor saves another incident, and commits first
            store.update(inc.with_changes(killed=9), expected_version=store.get_version(b), user="bob")
            assert stamps(store) == {a: first, b: first + 1, rockets[2].id: first}
            assert geo.storage.store._bump_data_version(conn) == first + 2
        assert stamps(store) == {a: first + 2, b: first + 1, rockets[2].id: first}
        assert store.get(a).summary == "a slow import"
    finally:
        slow.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # SQLite plans these reads well without
@pytest.mark.parametrize("written, analysed", [(3, False), (4, True)])
def test_a_large_write_refreshes_postgresqls_statistics(store, monkeypatch, written, analysed):
    """Without fresh statistics the dashboard's read of what changed is planned as table scans."""
    monkeypatch.setattr(geo.storage.store, "ANALYZE_AFTER_ROWS", 4)
    store.upsert_many([make_incident(date=D(2022, 1, day)) for day in range(1, written + 1)], user="alice")
    with store._engine.connect() as conn:
        tuples = dict(conn.exec_driver_sql(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('incidents', 'sources') "
            "AND relnamespace = to_regnamespace(current_schema())::oid"
        ).all())  # fmt: skip
    # reltuples is -1 until a table is first analysed, then the row count ANALYZE saw.
    assert tuples == ({"incidents": written, "sources": written} if analysed else {"incidents": -1, "sources": -1})


def downgrade_to_before(store, revision: str, column: str) -> None:
    """Take the store's schema back to ``revision``, a store from before ``column`` existed."""
    from alembic import command

    store.dispose()
    command.downgrade(geo.storage.store.alembic_config(store.url), revision)
    engine = sa.create_engine(store.url)
    try:
        with engine.connect() as conn:
            assert column not in {c["name"] for c in sa.inspect(conn).get_columns("incidents")}
    finally:
        engine.dispose()


def test_the_changed_in_migration_stamps_existing_incidents_zero_and_goes_back_down(store, rockets):
    store.upsert_many(rockets, user="alice")
    downgrade_to_before(store, "0001", "changed_in")
    store.migrate()
    assert stamps(store) == dict.fromkeys((inc.id for inc in rockets), 0)  # older than any snapshot
    store.soft_delete(rockets[0].id, user="alice")
    assert stamps(store)[rockets[0].id] == data_version(store)


def test_the_actor_family_migration_fills_the_family_of_existing_incidents_and_goes_back_down(store, rockets):
    claimed = make_incident(date=D(2023, 11, 20), actor="Islamic Resistance in Iraq", attribution="claimed", attributed_by="")
    unknown = make_incident(date=D(2023, 11, 21), actor="Unknown", attribution="unknown", attributed_by="")
    store.upsert_many([*rockets, claimed, unknown], user="alice")
    downgrade_to_before(store, "0003", "actor_family")
    store.migrate()
    families = {inc.id: inc.actor_family for inc in store.all()}
    assert families == {**{inc.id: "iran_aligned" for inc in rockets}, claimed.id: "iran_aligned", unknown.id: "unknown"}


# --- the same limits on SQLite and PostgreSQL ------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"id": "x" * 65}, "id"),
        ({"summary": "nul \x00 inside"}, "summary"),
        ({"munitions": 2**31}, "munitions"),
        ({"killed": 2**70}, "killed"),
        ({"date": dt.date(1, 1, 1)}, "date"),
        ({"country": "XX"}, "country"),
        ({"sources": (make_source(killed=-2),)}, "sources"),
    ],
    ids=["65-char id", "NUL", "over 32 bits", "over 64 bits", "year 1", "country XX", "negative source figure"],
)
def test_both_stores_refuse_the_same_values_with_a_validation_error(store, changes, field):
    # SQLite used to accept the first two (PostgreSQL refused them) and crash on the rest.
    bad = make_incident(**changes)
    with pytest.raises(ValidationError) as info:
        store.upsert_many([make_incident(id="inc-ok"), bad])
    assert [(p.row, p.field) for p in info.value.problems] == [(2, field)]
    assert store.count() == 0  # nothing of the batch was written


def test_both_stores_accept_the_largest_values_and_give_them_back(store):
    inc = make_incident(
        id="x" * 64, date=dt.date(2100, 12, 31), munitions=2**31 - 1, summary="☂ 😀 \u202e",
        sources=(make_source(published=dt.date(1900, 1, 1), killed=2**31 - 1),),
    )  # fmt: skip
    store.upsert_many([inc])
    assert store.get(inc.id) == inc


def test_an_edit_is_held_to_the_same_limits(store):
    inc = make_incident()
    store.upsert_many([inc])
    with pytest.raises(ValidationError) as info:
        store.update(inc.with_changes(summary="a\x00b"), expected_version=1, user="ed")
    assert [p.field for p in info.value.problems] == ["summary"]
    assert store.get(inc.id) == inc
