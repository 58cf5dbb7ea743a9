"""Team sites: gazetteer sites editors add from the app, kept in the store (SQLite and PostgreSQL).

Validation is the curated CSV's (parse_sites) plus clashes with curated and other team
sites; every add/remove is audited and moves the team sites' version; the migration adds
the table on top of 0002 and removes it again; the command line adds, lists, exports and
removes them, and resolves them through the one gazetteer everybody uses.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import threading

import pytest
import sqlalchemy as sa

from geo.places import teamsites
from geo.cli import main
from geo.config import get_settings
from geo.errors import NotFound, StoreError, ValidationError
from geo.places.gazetteer import COLUMNS, Gazetteer, load_default
from geo.storage.store import Store, alembic_config, metadata
from geo.places.teamsites import TeamSites, add_site, check_site, list_sites, remove_site, suggest_id
from tests.geo.incident_factory import make_incident

from tests.geo.conftest import SMALL_CSV

UTC = dt.timezone.utc
MONDAY = dt.datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
TUESDAY = dt.datetime(2024, 3, 5, 16, 0, tzinfo=UTC)

# A town the fixture gazetteer does not know, inside Iraq.
QARAQOSH = {
    "id": "qaraqosh", "name": "Qaraqosh", "aliases": "Bakhdida|Hamdaniya town", "kind": "town", "country": "IQ",
    "admin1": "Nineveh", "lat": 36.2696, "lon": 43.3767, "precision_m": 2000, "source": "OSM node", "notes": "",
}  # fmt: skip


@pytest.fixture(scope="module")
def curated():
    return Gazetteer.load(SMALL_CSV).curated_sites


def site(**changes):
    return {**QARAQOSH, **changes}


# --- stores ---------------------------------------------------------------------------------------


@pytest.fixture
def settings(store_url, tmp_path):
    """Settings naming the test's store and the fixture gazetteer, nothing else."""
    return get_settings(
        {
            "GEO_DATABASE_URL": store_url,
            "GEO_GAZETTEER": str(SMALL_CSV),
            "GEO_GEONAMES_DB": str(tmp_path / "absent-geonames.sqlite"),
            "GEO_CACHE_DIR": str(tmp_path / "cache"),
            "GEO_INCIDENTS_CSV": str(tmp_path / "no-seed.csv"),
        }
    )


def site_audit(store):
    return [e for e in reversed(store.audit(limit=100)) if e["incident_id"].startswith(teamsites.AUDIT_PREFIX)]


# --- validation (pure) ----------------------------------------------------------------------------


def test_a_valid_row_becomes_a_team_site(curated):
    found = check_site(QARAQOSH, existing=curated)
    assert (found.id, found.name, found.aliases, found.layer) == (
        "qaraqosh",
        "Qaraqosh",
        ("Bakhdida", "Hamdaniya town"),
        "team",
    )
    assert (found.lat, found.lon, found.precision_m, found.country, found.admin1) == (
        36.2696,
        43.3767,
        2000,
        "IQ",
        "Nineveh",
    )


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"id": "Qara Qosh"}, "id", "not a slug"),
        ({"id": "q" * (teamsites.MAX_ID_LENGTH + 1)}, "id", "longer than"),
        ({"kind": "castle"}, "kind", "unknown kind"),
        ({"country": "Iraq"}, "country", "ISO 3166-1"),
        ({"lat": 95.0}, "lat", "outside -90..90"),
        ({"lat": "north"}, "lat", "not a number"),
        ({"lat": 33.51, "lon": 36.29}, "lat/lon", "outside Iraq"),  # Damascus
        ({"precision_m": 0}, "precision_m", "not a positive integer"),
        ({"name": ""}, "name", "required"),
        ({"name": "Air Base"}, "name", "nothing but generic words"),
    ],
)
def test_a_row_is_checked_as_a_curated_row_is(curated, changes, field, words):
    with pytest.raises(ValidationError) as caught:
        check_site(site(**changes), existing=curated)
    assert [(p.field, words in p.reason) for p in caught.value.problems] == [(field, True)]
    assert all(p.row is None and p.source == teamsites.SOURCE for p in caught.value.problems)


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"id": "erbil"}, "id", "already used by curated site 'Erbil'"),
        ({"name": "Irbil"}, "name", "already a name of curated site 'erbil' (Erbil) in IQ"),
        ({"aliases": "Bakhdida|BIAP"}, "aliases", "'BIAP' is already a name of curated site 'baghdad-airport'"),
        # The same key as the CSV compares it: case, accents and hyphens do not make a new name.
        ({"aliases": "ERBIL AIR-BASE"}, "aliases", "curated site 'erbil-airport'"),
    ],
)
def test_a_clash_with_a_curated_site_is_refused_with_a_clear_message(curated, changes, field, words):
    with pytest.raises(ValidationError) as caught:
        check_site(site(**changes), existing=curated)
    assert [p.field for p in caught.value.problems] == [field]
    assert words in caught.value.problems[0].reason


def test_the_same_name_in_another_country_is_no_clash(curated):
    # "Mayadin" is a curated town in Syria; a homonym in Iraq is another place.
    found = check_site(site(id="mayadin-iq", name="Mayadin", aliases=""), existing=curated)
    assert found.country == "IQ"


def test_every_problem_is_reported_at_once(curated):
    with pytest.raises(ValidationError) as caught:
        check_site(site(id="erbil", kind="castle", lat=0.0, lon=0.0, aliases="Hawler"), existing=curated)
    assert sorted(p.field for p in caught.value.problems) == ["aliases", "id", "kind", "lat/lon"]


@pytest.mark.parametrize(
    "name, slug",
    [("Tall Abyad", "tall-abyad"), ("Qā'im", "qa-im"), ("  Camp  Taji  ", "camp-taji"), ("عين الأسد", "")],
)
def test_suggest_id_makes_a_slug(name, slug):
    assert suggest_id(name) == slug


# --- the store ------------------------------------------------------------------------------------


def test_an_added_site_is_stored_with_who_and_when_and_audited(store, curated):
    added = add_site(store, QARAQOSH, user="alice", curated=curated, now=MONDAY)
    assert list_sites(store) == (added,)
    assert (added.site, added.added_by, added.added_at) == (check_site(QARAQOSH, existing=curated), "alice", MONDAY)
    (entry,) = site_audit(store)
    assert (entry["action"], entry["user"], entry["incident_id"], entry["at"]) == (
        "site-add",
        "alice",
        "site:qaraqosh",
        MONDAY,
    )
    assert entry["before"] is None
    assert entry["after"]["name"] == "Qaraqosh" and entry["after"]["added_by"] == "alice"


def test_a_removed_site_is_gone_and_audited_with_what_it_was(store, curated):
    add_site(store, QARAQOSH, user="alice", curated=curated, now=MONDAY)
    gone = remove_site(store, "qaraqosh", user="bob", now=TUESDAY)
    assert gone.site.id == "qaraqosh" and gone.added_by == "alice"
    assert list_sites(store) == ()
    assert [(e["action"], e["user"]) for e in site_audit(store)] == [("site-add", "alice"), ("site-remove", "bob")]
    assert site_audit(store)[-1]["before"]["aliases"] == "Bakhdida|Hamdaniya town"
    with pytest.raises(NotFound, match="no team site 'qaraqosh'"):
        remove_site(store, "qaraqosh", user="bob")


@pytest.mark.parametrize(
    "second, field",
    [
        ({"name": "Qara Qosh town", "aliases": ""}, "id"),  # same id
        ({"id": "bakhdida", "name": "Bakhdida", "aliases": ""}, "name"),  # an alias of the first
    ],
)
def test_a_clash_with_another_team_site_stores_nothing(store, curated, second, field):
    add_site(store, QARAQOSH, user="alice", curated=curated)
    version, audit_size = teamsites.version(store), len(store.audit())
    with pytest.raises(ValidationError) as caught:
        add_site(store, site(**second), user="bob", curated=curated)
    assert field in [p.field for p in caught.value.problems]
    assert "team site" in str(caught.value)
    assert [t.site.id for t in list_sites(store)] == ["qaraqosh"]
    assert (teamsites.version(store), len(store.audit())) == (version, audit_size)


def test_two_editors_adding_the_same_name_at_once_store_it_once(store, store_url, curated, monkeypatch):
    """Each add checks for clashes and inserts in one serialised transaction: the second sees the first."""
    real_read_rows = teamsites._read_rows
    both_checking = threading.Barrier(2)

    def read_rows_then_wait(conn):
        rows = real_read_rows(conn)
        try:
            both_checking.wait(timeout=1.0)  # without serialisation both editors would meet here
        except threading.BrokenBarrierError:
            pass
        return rows

    monkeypatch.setattr(teamsites, "_read_rows", read_rows_then_wait)
    other = Store(store_url)
    outcomes = {}

    def add(who, target, site_id):
        try:
            outcomes[who] = add_site(target, site(id=site_id, aliases=""), user=who, curated=curated).site.id
        except ValidationError as exc:
            outcomes[who] = exc

    threads = [
        threading.Thread(target=add, args=("alice", store, "qaraqosh")),
        threading.Thread(target=add, args=("bob", other, "qaraqosh-town")),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        other.dispose()
    assert len(list_sites(store)) == 1
    refused = [o for o in outcomes.values() if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "already a name of team site" in str(refused[0])


def test_an_invalid_site_stores_nothing(store, curated):
    with pytest.raises(ValidationError, match="outside Iraq"):
        add_site(store, site(lat=33.51, lon=36.29), user="alice", curated=curated)
    assert list_sites(store) == () and store.audit() == []


def test_a_change_needs_the_editors_name(store, curated):
    with pytest.raises(ValueError, match="editor"):
        add_site(store, QARAQOSH, user="  ", curated=curated)


def test_the_version_moves_with_team_sites_only(store, curated):
    first, data = teamsites.version(store), store.version()
    add_site(store, QARAQOSH, user="alice", curated=curated)
    second = teamsites.version(store)
    list_sites(store), teamsites.snapshot(store)
    assert teamsites.version(store) == second != first
    # A site is no incident: the incident snapshot's key stays, and incidents leave the sites' key alone.
    assert store.version() == data
    store.upsert_many([make_incident()], user="importer")
    assert teamsites.version(store) == second
    remove_site(store, "qaraqosh", user="alice")
    assert teamsites.version(store) not in (first, second)


def test_read_without_a_store_sees_what_the_store_sees(store, settings, curated):
    assert teamsites.read(settings) == TeamSites(teamsites.version(store), ())
    add_site(store, QARAQOSH, user="alice", curated=curated, now=MONDAY)
    assert teamsites.read(settings) == teamsites.snapshot(store)
    assert teamsites.read(settings).sites[0].added_at == MONDAY
    assert teamsites.read(settings, sites=False) == TeamSites(teamsites.version(store))


def test_read_creates_nothing_where_there_is_no_store(tmp_path):
    path = tmp_path / "none.sqlite"
    assert teamsites.read(get_settings({"GEO_DATABASE_URL": f"sqlite:///{path}"})) == TeamSites(None)
    assert not path.exists()


def test_a_store_from_before_team_sites_has_none(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    command.upgrade(alembic_config(url), "0002")
    assert teamsites.read(get_settings({"GEO_DATABASE_URL": url})) == TeamSites(None)
    assert len(load_default(get_settings({"GEO_DATABASE_URL": url, "GEO_GAZETTEER": str(SMALL_CSV)}))) == 13


def test_an_unreadable_store_is_a_store_error(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="reading team sites failed"):
        teamsites.read(get_settings({"GEO_DATABASE_URL": f"sqlite:///{path}"}))


# --- the one gazetteer ----------------------------------------------------------------------------


def test_load_default_resolves_a_site_as_soon_as_it_is_added(store, settings, curated):
    before = load_default(settings)
    assert before.find("Qaraqosh") is None and load_default(settings) is before
    add_site(store, QARAQOSH, user="alice", curated=curated)
    after = load_default(settings)
    match = after.lookup("Bakhdida")
    assert (match.site.id, match.site.layer, match.method) == ("qaraqosh", "team", "alias")
    assert load_default(settings) is after  # cached until the next change
    assert load_default(settings, store=store) is after  # the app passes its own store: same version, same cache
    assert load_default(settings, team=False).find("Qaraqosh") is None
    remove_site(store, "qaraqosh", user="alice")
    assert load_default(settings).find("Qaraqosh") is None


# --- the migration --------------------------------------------------------------------------------


def test_the_migration_chain_is_linear_and_0003_sits_on_0002():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    assert scripts.get_revision("0003").down_revision == "0002"


def test_the_migrated_sites_table_is_the_models(store, store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    finally:
        engine.dispose()
    # Only this migration's table: the incidents table is another revision's business.
    assert [d for d in diffs if "sites" in repr(d) and "incidents" not in repr(d)] == []


def test_upgrading_an_old_store_keeps_its_data_and_downgrading_removes_the_table(store_url, curated):
    from alembic import command

    old = Store(store_url)
    try:
        with old._engine.begin() as conn:
            command.upgrade(_with_connection(store_url, conn), "0002")
        old.migrate()  # 0002 -> head, as the app does on start
        assert teamsites.version(old).endswith(":0")
        add_site(old, QARAQOSH, user="alice", curated=curated)
        with old._engine.begin() as conn:
            command.downgrade(_with_connection(store_url, conn), "0002")
        with old._engine.connect() as conn:
            assert not sa.inspect(conn).has_table("sites")
        assert teamsites.read(get_settings({"GEO_DATABASE_URL": store_url})).version is None
        old.migrate()
        assert list_sites(old) == () and teamsites.version(old).endswith(":0")
    finally:
        old.dispose()


def _with_connection(url: str, conn):
    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    return cfg


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, settings):
    """The CLI's environment: the test's store, the fixture gazetteer, offline."""
    monkeypatch.setenv("GEO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GEO_GAZETTEER", str(settings.gazetteer_path))
    monkeypatch.setenv("GEO_GEONAMES_DB", str(settings.geonames_db))
    monkeypatch.setenv("GEO_CACHE_DIR", str(settings.cache_dir))
    monkeypatch.setenv("GEO_INCIDENTS_CSV", str(settings.incidents_csv))
    monkeypatch.delenv("GEO_ONLINE", raising=False)
    return settings


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_argv(fields: dict) -> list[str]:
    argv = ["gazetteer", "add-team", "--user", "carol"]
    for column in COLUMNS:
        if fields.get(column) not in (None, ""):
            argv += [f"--{column.replace('_', '-')}", str(fields[column])]
    return argv


def test_cli_adds_lists_exports_and_removes_team_sites(cli_env, capsys, tmp_path):
    code, out, err = run(capsys, *add_argv(QARAQOSH))
    assert (code, err) == (0, "") and "added team site qaraqosh" in out and "as carol" in out

    code, out, err = run(capsys, "gazetteer", "list-team")
    assert code == 0 and out.startswith("qaraqosh  Qaraqosh (town, IQ)") and "added by carol" in out
    assert err == "1 team site(s)\n"

    code, out, _ = run(capsys, "gazetteer", "export-team")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(COLUMNS) and [r[0] for r in rows[1:]] == ["qaraqosh"]
    # What a curator folds in: the curated CSV plus the exported rows validates as one file.
    folded = tmp_path / "folded.csv"
    folded.write_text(SMALL_CSV.read_text(encoding="utf-8").rstrip("\n") + "\n" + out.split("\n", 1)[1])
    curated_now = Gazetteer.load(folded).get("qaraqosh")
    assert curated_now.layer == "curated"
    assert dataclasses.replace(curated_now, layer="team") == check_site(QARAQOSH)  # every field kept exactly

    code, out, err = run(capsys, "gazetteer", "export-team", "--out", str(tmp_path / "team.csv"))
    assert code == 0 and err.startswith("wrote 1 team site(s)")
    assert (tmp_path / "team.csv").read_text(encoding="utf-8").splitlines()[1].startswith("qaraqosh,Qaraqosh,")

    code, out, _ = run(capsys, "gazetteer", "remove-team", "qaraqosh", "--user", "dave")
    assert code == 0 and "removed team site qaraqosh" in out
    code, out, err = run(capsys, "gazetteer", "list-team")
    assert (out, err) == ("", "0 team site(s)\n")


def test_cli_refuses_a_clash_in_one_line_and_stores_nothing(cli_env, capsys, store):
    code, out, err = run(capsys, *add_argv(site(name="Arbil", aliases="")))
    assert code == 1 and out == ""
    assert err.startswith("error: 1 problem(s): new site, field 'name': 'Arbil' is already a name of curated site")
    assert err.count("\n") == 1
    assert list_sites(store) == ()


def test_cli_remove_of_an_unknown_site_is_one_line(cli_env, capsys):
    code, _, err = run(capsys, "gazetteer", "remove-team", "nowhere")
    assert (code, err) == (1, "error: no team site 'nowhere'\n")


def test_geocode_and_extract_resolve_a_team_site(cli_env, capsys, tmp_path, store, curated):
    code, _, err = run(capsys, "geocode", "Qaraqosh")
    assert code == 1 and "no site matches" in err
    add_site(store, QARAQOSH, user="alice", curated=curated)

    code, out, _ = run(capsys, "geocode", "Bakhdida")
    found = json.loads(out)
    assert code == 0 and (found["site_id"], found["layer"], found["method"]) == ("qaraqosh", "team", "alias")

    report = tmp_path / "report.txt"
    report.write_text("Three rockets struck the town of Qaraqosh on Wednesday, police said. Nobody was hurt.\n")
    code, out, err = run(capsys, "extract", str(report), "--published", "2023-05-11")
    features = json.loads(out)["features"]
    assert code == 0 and "unresolved" not in err
    assert [f["properties"]["site_id"] for f in features] == ["qaraqosh"]
