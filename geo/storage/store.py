"""The incident store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

Tables
------
``incidents``   one row per incident, every model column, plus ``version``
                (optimistic concurrency), ``created_at``/``updated_at`` and
                ``deleted_at`` (soft delete). ``sources_json``, ``source_count``
                and ``outlets`` are a denormalised copy of the ``sources`` rows,
                written in the same transaction, so that :meth:`Store.frame`
                reads one table with no join or aggregation (1M rows in seconds).
                ``changed_in``: the ``data_version`` that last wrote the row
                (indexed), so the dashboard snapshot reads only what changed.
``sources``     one row per (incident, position): who reported it, with the
                figures *that* report gives.
``audit_log``   who changed what when, with before/after snapshots as JSON.
``meta``        ``store_id`` (random, per database) and ``data_version``
                (bumped by every transaction that changes incidents or sources),
                ``sites_version`` (bumped by every change to ``sites``).
``sites``       gazetteer sites added by editors ("team sites", see
                :mod:`geo.places.teamsites`): a gazetteer.csv row plus who added it when.
``sign_in_failures``  failed editor sign-ins in a row per user name and per client
                address, with the time of the last (:mod:`geo.lockout`).

The schema is created and upgraded by Alembic (``geo/migrations``), driven from
code by :meth:`Store.migrate`; no ``alembic.ini`` is needed. Opening a store
migrates it only when its schema is behind, so a store nobody may write to (a
read-only SQLite file or folder, a read-only PostgreSQL role) serves every read;
a SQLite file this process cannot write is opened read-only (:attr:`Store.read_only`).

Every database failure leaves this module as a :class:`~geo.errors.StoreError`
with a one-line message (corrupt file, locked database, unreachable server).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from geo.config import Settings, get_settings, utc_instant
from geo.errors import ConflictError, GeoError, NotFound, Problem, StoreError, ValidationError
from geo.incidents import FIELDS, Incident, incident_from_row, incident_problems
from geo.reports.merge import combine
from geo.storage.messages import first_line

if TYPE_CHECKING:  # pandas is imported where a frame is built, not on every CLI start
    import pandas as pd

__all__ = [
    "MIGRATIONS_DIR",
    "PENDING",
    "SCHEMA_HEAD",
    "Store",
    "alembic_config",
    "audit_table",
    "incidents_table",
    "meta_table",
    "metadata",
    "schema_metadata",
    "server_metadata",
    "sign_in_failures_table",
    "sites_table",
    "sqlite_read_uri",
    "sources_table",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 3.0  # short: a locked database should fail fast with a message, not hang a page
CONNECT_TIMEOUT_S = 5
_CHUNK = 500  # ids per IN (...) query; well below SQLite's bound-parameter limit
SCHEMA_HEAD = "0006"  # the newest migration's revision (a test holds it to Alembic's own answer)
ANALYZE_AFTER_ROWS = 10_000  # incidents written at once after which PostgreSQL's statistics are refreshed
PENDING = -1  # incidents.changed_in of a row written by a transaction that has not bumped data_version yet
# Audit snapshots are JSON columns; orjson writes them several times faster than json.
_JSON_CODEC = {"json_serializer": lambda obj: orjson.dumps(obj).decode("utf-8"), "json_deserializer": orjson.loads}

# --- schema (the migrations create exactly this; a test compares them) -------------------

metadata = sa.MetaData()

incidents_table = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("site_id", sa.String(100)),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("lat", sa.Double, nullable=False),
    sa.Column("lon", sa.Double, nullable=False),
    sa.Column("geo_precision", sa.Integer, nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("admin1", sa.Text, nullable=False),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("intercepted", sa.Boolean, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("actor_family", sa.String(16), nullable=False, server_default="unknown"),
    sa.Column("attribution", sa.String(16), nullable=False),
    sa.Column("attributed_by", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("munitions", sa.Integer),
    sa.Column("killed", sa.Integer),
    sa.Column("injured", sa.Integer),
    sa.Column("damage", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("sources_json", sa.Text, nullable=False),
    sa.Column("source_count", sa.Integer, nullable=False),
    sa.Column("outlets", sa.Text, nullable=False),
    # What the free-text filter searches in the sources (see source_text()), kept on every write.
    sa.Column("source_text", sa.Text, nullable=False, server_default=""),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    # The data_version that last wrote the row, so geo.storage.snapshot reads only what changed since
    # the version it holds. Core writes PENDING into every INSERT/UPDATE that does not name the
    # column (any write path, present or future), and _bump_data_version stamps this
    # transaction's pending rows with its version once that version is known.
    sa.Column("changed_in", sa.Integer, nullable=False, server_default="0", default=PENDING, onupdate=PENDING),
    sa.Index("ix_incidents_date", "date"),
    sa.Index("ix_incidents_changed_in", "changed_in"),
    sa.Index("ix_incidents_actor_family", "actor_family"),
)

sources_table = sa.Table(
    "sources",
    metadata,
    sa.Column("incident_id", sa.String(64), sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("outlet", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("published", sa.Date),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("munitions", sa.Integer),
    sa.Column("killed", sa.Integer),
    sa.Column("injured", sa.Integer),
)

audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(100), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("incident_id", sa.String(64), nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Index("ix_audit_log_incident_id", "incident_id"),
)

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# One gazetteer.csv row per site (aliases "|"-joined as in the CSV), plus who added it when.
sites_table = sa.Table(
    "sites",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("aliases", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("admin1", sa.Text, nullable=False),
    sa.Column("lat", sa.Double, nullable=False),
    sa.Column("lon", sa.Double, nullable=False),
    sa.Column("precision_m", sa.Integer, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("added_by", sa.String(100), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
)

# Server state, not data: what backups copy and restores replace is ``metadata``; these
# tables are the servers' own (a restore must not bring back old sign-in failures).
server_metadata = sa.MetaData()

# Failed sign-ins in a row per key ("user:<name>", "address:<ip>"); see geo.lockout.
sign_in_failures_table = sa.Table(
    "sign_in_failures",
    server_metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
)



def schema_metadata() -> sa.MetaData:
    """Every table the migrations create: the data (``metadata``) and the servers' state."""
    combined = sa.MetaData()
    for table in [*metadata.tables.values(), *server_metadata.tables.values()]:
        table.to_metadata(combined)
    return combined


# Incident columns as the frame contract names them, in FIELDS order.
_MODEL_COLUMNS = tuple(name for name in FIELDS if name != "sources")
_SOURCE_FIELDS = ("outlet", "url", "published", "title", "evidence", "munitions", "killed", "injured")

# frame() reads each column as one JSON array built by the database (one query,
# one table scan): parsing 25 arrays with orjson is ~3x faster than fetching a
# million 25-tuples through the DB-API. Dates travel as day numbers and SQLite
# floats as 17-digit text, because SQLite's JSON writer keeps only 15 digits.
_FRAME_EXPRESSIONS = {
    "sqlite": {
        "date": "CAST(round(julianday(date) - 2440587.5) AS INTEGER)",
        "lat": "printf('%!.17g', lat)",
        "lon": "printf('%!.17g', lon)",
        "sources": "sources_json",
    },
    "postgresql": {"date": "(date - DATE '1970-01-01')", "sources": "sources_json"},
}
_AGGREGATE = {"sqlite": "json_group_array({})", "postgresql": "COALESCE(json_agg({}), '[]')::text"}


def _frame_sql(dialect: str) -> str:
    from geo.view.frame import FRAME_COLUMNS

    exprs = _FRAME_EXPRESSIONS.get(dialect, _FRAME_EXPRESSIONS["postgresql"])
    agg = _AGGREGATE.get(dialect, _AGGREGATE["postgresql"])
    return (
        "SELECT "
        + ", ".join(agg.format(exprs.get(name, name)) for name in FRAME_COLUMNS)
        + " FROM incidents WHERE deleted_at IS NULL"
    )


def alembic_config(url: str | None = None):
    """An Alembic :class:`~alembic.config.Config` built in code (no ini file)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Store:
    """Incidents in a SQL database. Construct cheaply; the first query connects."""

    def __init__(self, url: str, *, echo: bool = False, busy_timeout: float | None = None):
        self.url = url
        busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        self.read_only = False
        try:
            parsed = make_url(url)
            self._safe_url = parsed.render_as_string(hide_password=True)
            self._sqlite = parsed.get_backend_name() == "sqlite"
            if self._sqlite:
                parsed, self.read_only = _sqlite_access(parsed)
                engine = sa.create_engine(parsed, echo=echo, connect_args={"timeout": busy_timeout}, **_JSON_CODEC)
                _install_sqlite_hooks(engine, busy_timeout, wal=not self.read_only)
            else:
                engine = sa.create_engine(
                    url,
                    echo=echo,
                    pool_pre_ping=True,
                    connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
                    **_JSON_CODEC,
                )
                _install_postgresql_hooks(engine, busy_timeout)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"incident store URL {url!r} is not usable: {first_line(exc)}") from exc
        self._engine: Engine = engine
        self._busy_timeout = busy_timeout
        self._dbapi_error: type[BaseException] = getattr(engine.dialect.dbapi, "Error", SQLAlchemyError)

    def __repr__(self) -> str:
        return f"Store({self._safe_url!r})"

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings | None = None, *, seed: bool = True) -> Store:
        """The configured store, migrated to the latest schema; seeded from the CSV when new and writable."""
        settings = settings or get_settings()
        _ensure_sqlite_dir(settings.database_url)
        store = cls(settings.database_url)
        store.migrate()
        if seed and not store.read_only and not store._has_rows() and Path(settings.incidents_csv).exists():
            from geo.formats.csvio import read_incidents_csv

            store.upsert_many(read_incidents_csv(settings.incidents_csv), user="seed")
        return store

    def _recorded_revision(self) -> str | None:
        """The schema revision Alembic recorded in the store, or None (no table yet, or any failure:
        :meth:`migrate` then asks Alembic, which explains)."""
        try:
            with self._engine.connect() as conn:
                return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except (SQLAlchemyError, self._dbapi_error):
            return None

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest Alembic revision.

        Checks the revision with a read first: an up-to-date store is opened
        without writing anything (so a read-only store serves readers) and
        without taking the write lock (so the dashboard opens while a long
        import holds it). A store that is behind and cannot be written raises
        a :class:`StoreError` naming the command to run.
        """
        if self._recorded_revision() == SCHEMA_HEAD:
            return  # up to date: one SELECT, and no Alembic to import (~0.1 s of every command's start)
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = alembic_config(self.url)
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self._guard("reading the schema version"):
            with self._engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return

        def behind(why: str) -> StoreError:
            have = f"is at schema revision {current}" if current else "has no schema yet"
            return StoreError(
                f"incident store {self._safe_url} {have}, this version needs {head}, and {why}: "
                "run `python -m geo migrate` once as a user who may write to the store",
                public=f"The incident store {have.replace('is at', 'is at the older')} and this server cannot "
                "upgrade it. Whoever runs this atlas must run `python -m geo migrate` once with write access.",
            )

        if self.read_only:
            raise behind("it was opened read-only (the file or its folder is not writable)")
        try:
            self._upgrade(cfg, head)
        except StoreError as exc:
            raise behind(f"upgrading it failed ({exc.public})") from exc

    def _upgrade(self, cfg, head: str) -> None:
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        with self._guard("migrating"):
            with self._write() as conn:
                if conn.dialect.name == "postgresql":
                    # Two programs opening a new database at once must not both create
                    # the schema: the second waits here, then finds it at head.
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('incident-atlas:migrate'))")
                    if MigrationContext.configure(conn).get_current_revision() == head:
                        return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

    def dispose(self) -> None:
        """Close pooled connections (tests; long-lived apps never need it)."""
        self._engine.dispose()

    # --- reading ----------------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """All non-deleted incidents as a DataFrame in the :mod:`geo.view.frame` contract, oldest first.

        Built from SQL column arrays straight into typed pandas columns (no
        :class:`Incident` objects), so a million incidents load in seconds.
        Rows are ordered by date; same-day incidents keep storage order.
        """
        from geo.formats.export import paused_gc
        from geo.view.frame import FRAME_COLUMNS

        dialect = self._engine.dialect.name
        with paused_gc(), self._guard("reading"), self._engine.connect() as conn:
            if dialect == "postgresql":
                # Shortest exact float text whatever the server default is.
                conn.exec_driver_sql("SET LOCAL extra_float_digits = 3")
            # The raw DB-API cursor: SQLAlchemy's row processing is of no use for one row of text.
            cursor = conn.connection.cursor()
            try:
                cursor.execute(_frame_sql(dialect))
                arrays = cursor.fetchone()
            finally:
                cursor.close()
        with paused_gc():
            columns = {name: orjson.loads(text) for name, text in zip(FRAME_COLUMNS, arrays)}
            return _typed_frame(columns)

    def version(self) -> str:
        """A cache key that changes whenever any incident or source changes."""
        with self._guard("reading"), self._engine.connect() as conn:
            values = dict(
                conn.execute(
                    sa.select(meta_table.c.key, meta_table.c.value).where(
                        meta_table.c.key.in_(("store_id", "data_version"))
                    )
                ).all()
            )
        return f"{values.get('store_id', '')}:{values.get('data_version', '0')}"

    def count(self) -> int:
        """Number of non-deleted incidents."""
        with self._guard("reading"), self._engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(incidents_table).where(incidents_table.c.deleted_at.is_(None))
            ).scalar_one()

    def get(self, incident_id: str, *, include_deleted: bool = False) -> Incident:
        """One incident; :class:`NotFound` when missing (or soft-deleted, unless asked for)."""
        with self._guard("reading"), self._engine.connect() as conn:
            row = _fetch_row(conn, incident_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise NotFound(f"no incident {incident_id!r}")
        return _incident(row)

    def all(self, *, include_deleted: bool = False) -> list[Incident]:
        """Every (non-deleted) incident, ordered by date then id."""
        query = sa.select(incidents_table).order_by(incidents_table.c.date, incidents_table.c.id)
        if not include_deleted:
            query = query.where(incidents_table.c.deleted_at.is_(None))
        with self._guard("reading"), self._engine.connect() as conn:
            return [_incident(row) for row in conn.execute(query)]

    def problems(self, *, batch: int = 2_000) -> Iterator[tuple[str, bool, list[Problem]]]:
        """``(id, deleted, problems)`` of each stored incident that breaks today's rules, by id.

        The rules every write applies (:func:`~geo.incidents.incident_problems`, borders
        included). Reads are lenient, so a row stored before a limit was introduced still
        loads; this finds such rows. Rows stream in batches, so memory stays flat at any size.
        """
        query = sa.select(incidents_table).order_by(incidents_table.c.id)
        with self._guard("reading"), self._engine.connect() as conn:
            for row in conn.execution_options(yield_per=batch).execute(query):
                found = incident_problems(_incident(row), source="store")
                if found:
                    yield row.id, row.deleted_at is not None, found

    def get_version(self, incident_id: str) -> int:
        """The row version an edit must quote as ``expected_version`` (deleted rows too)."""
        with self._guard("reading"), self._engine.connect() as conn:
            version = conn.execute(
                sa.select(incidents_table.c.version).where(incidents_table.c.id == incident_id)
            ).scalar_one_or_none()
        if version is None:
            raise NotFound(f"no incident {incident_id!r}")
        return version

    def deleted(self, limit: int = 200) -> list[tuple[Incident, dt.datetime]]:
        """Soft-deleted incidents with when they were deleted, most recently deleted first.

        A query of its own because the restore list must not read every live
        incident (``all(include_deleted=True)``) to find the few deleted ones.
        """
        query = (
            sa.select(incidents_table)
            .where(incidents_table.c.deleted_at.is_not(None))
            .order_by(incidents_table.c.deleted_at.desc(), incidents_table.c.id)
            .limit(max(0, int(limit)))
        )
        with self._guard("reading"), self._engine.connect() as conn:
            return [(_incident(row), _as_utc(row.deleted_at)) for row in conn.execute(query)]

    def audit(self, incident_id: str | None = None, limit: int = 100) -> list[dict]:
        """Audit entries, newest first: ``id, at, user, action, incident_id, before, after``."""
        query = sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(max(0, int(limit)))
        if incident_id is not None:
            query = query.where(audit_table.c.incident_id == incident_id)
        with self._guard("reading"), self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [{**row, "at": _as_utc(row["at"])} for row in rows]

    # --- writing ----------------------------------------------------------------------

    def upsert_many(
        self,
        incidents: Iterable[Incident],
        *,
        user: str = "system",
        progress: Callable[[int, int], None] | None = None,
    ) -> dict:
        """Add new incidents and update changed ones, in one transaction.

        Returns ``{"added": n, "updated": n, "unchanged": n}``. An incident equal
        to the stored one is left alone (no version bump, no audit entry), so
        re-importing a file changes nothing. A soft-deleted incident stays deleted.
        """
        batch = list(incidents)
        _refuse_invalid(batch)
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        now = utc_instant()
        with self._guard("writing"), self._write() as conn:
            for start in range(0, len(batch), _CHUNK):
                chunk = batch[start : start + _CHUNK]
                existing = {
                    row.id: row
                    for row in conn.execute(
                        sa.select(incidents_table).where(incidents_table.c.id.in_([i.id for i in chunk]))
                    )
                }
                added, changed, audit_rows, new_sources = [], [], [], []
                for inc in chunk:
                    values = _values(inc)
                    old = existing.get(inc.id)
                    if old is None:
                        added.append({**values, "version": 1, "created_at": now, "updated_at": now, "deleted_at": None})
                        new_sources.append(inc)
                        audit_rows.append(_audit_row(now, user, "add", inc.id, None, _snapshot(inc)))
                    elif _same(old, values):
                        counts["unchanged"] += 1
                    else:
                        changed.append((old, values))
                        new_sources.append(inc)
                        audit_rows.append(_audit_row(now, user, "update", inc.id, _row_snapshot(old), _snapshot(inc)))
                if added:
                    conn.execute(sa.insert(incidents_table), added)
                for old, values in changed:
                    conn.execute(
                        sa.update(incidents_table)
                        .where(incidents_table.c.id == old.id)
                        .values(**values, version=incidents_table.c.version + 1, updated_at=now)
                    )
                _write_sources(conn, new_sources, replace=bool(changed))
                if audit_rows:
                    conn.execute(sa.insert(audit_table), audit_rows)
                counts["added"] += len(added)
                counts["updated"] += len(changed)
                if progress is not None:
                    progress(min(start + _CHUNK, len(batch)), len(batch))
            if counts["added"] or counts["updated"]:
                _bump_data_version(conn)
        if counts["added"] + counts["updated"] >= ANALYZE_AFTER_ROWS:
            self._refresh_statistics()
        return counts

    def _refresh_statistics(self) -> None:
        """VACUUM and ANALYZE the incident tables on PostgreSQL after a large write.

        Autovacuum gets there within a minute or so. Until then the planner works
        from the old row counts, so the dashboard's read of what changed
        (:func:`geo.storage.snapshot.refresh`: an index range on ``changed_in`` and a join
        to ``sources``) was planned as whole-table scans, 1.1 s instead of ~0.15 s
        at a million incidents; and every row the write stamped left a dead
        ``changed_in = PENDING`` index entry that the next edits had to step over.
        SQLite plans these reads well without statistics and leaves no dead rows.
        """
        if self._engine.dialect.name != "postgresql":
            return
        with self._guard("refreshing the table statistics"), self._engine.connect() as conn:
            # VACUUM cannot run inside a transaction block.
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE) incidents, sources")

    def update(self, incident: Incident, *, expected_version: int, user: str) -> Incident:
        """Save an edited incident if nobody saved it since ``expected_version``.

        Raises :class:`ConflictError` when the stored version moved on and
        :class:`NotFound` when the incident does not exist or is deleted.
        """
        _refuse_invalid([incident])
        now = utc_instant()
        with self._guard("writing"), self._write() as conn:
            old = _fetch_live_row(conn, incident.id, expected_version)
            if not _same(old, _values(incident)):
                _rewrite(conn, old, incident, now)
                conn.execute(
                    sa.insert(audit_table),
                    [_audit_row(now, user, "update", incident.id, _row_snapshot(old), _snapshot(incident))],
                )
                _bump_data_version(conn)
        return self.get(incident.id)

    def merge_incidents(self, keep_id: str, other_id: str, *, expected_versions: dict[str, int], user: str) -> Incident:
        """Fold incident ``other_id`` into ``keep_id``: two records of one attack become one.

        ``keep`` gains ``other``'s sources (a report both already cite is kept
        once) and its figures, date, place and attribution are combined by the
        rules of :func:`geo.reports.merge.combine`, the same ones ingest uses, so a
        merge by hand and a merge by the extractor agree. ``other`` is
        soft-deleted; its audit entry's ``after`` is ``{"merged_into": keep_id}``
        and keep's carries ``"merged_from": other_id``, so either history
        leads to the other. One transaction: both change or neither.

        ``expected_versions`` maps both ids to the versions the editor saw;
        :class:`ConflictError` when either moved on, :class:`NotFound` when
        either is missing or deleted. Returns the merged incident.
        """
        if keep_id == other_id:
            raise ValueError(f"cannot merge incident {keep_id!r} with itself")
        missing = {keep_id, other_id} - set(expected_versions)
        if missing:
            raise ValueError(f"expected_versions names no version for {', '.join(sorted(missing))}")
        now = utc_instant()
        with self._guard("writing"), self._write() as conn:
            # Rows are locked in id order, so two opposite merges wait instead of deadlocking.
            rows = {i: _fetch_live_row(conn, i, expected_versions[i]) for i in sorted((keep_id, other_id))}
            keep_row, other_row = rows[keep_id], rows[other_id]
            merged = combine(_incident(keep_row), _incident(other_row))
            _rewrite(conn, keep_row, merged, now)
            _set_deleted_at(conn, other_id, deleted=True, now=now)
            conn.execute(
                sa.insert(audit_table),
                [
                    _audit_row(now, user, "merge", keep_id, _row_snapshot(keep_row),
                               {**_snapshot(merged), "merged_from": other_id}),
                    _audit_row(now, user, "merge", other_id, _row_snapshot(other_row), {"merged_into": keep_id}),
                ],
            )  # fmt: skip
            _bump_data_version(conn)
        return self.get(keep_id)

    def detach_source(self, incident_id: str, source_index: int, *, expected_version: int, user: str) -> Incident:
        """Remove source number ``source_index`` (0-based) from an incident, e.g. one merged in by mistake.

        A figure only the detached report stated leaves with it: when no
        remaining source gives the incident's value, the figure falls back to
        the largest value the remaining sources give (unknown when none does).
        The last source is never detached (:class:`ValidationError`): an
        incident nobody reports is deleted, not emptied.
        :class:`ConflictError` when the version moved on, :class:`NotFound`
        for a missing incident or source. Returns the changed incident.
        """
        now = utc_instant()
        with self._guard("writing"), self._write() as conn:
            old = _fetch_live_row(conn, incident_id, expected_version)
            inc = _incident(old)
            if not 0 <= source_index < len(inc.sources):
                raise NotFound(f"incident {incident_id} has no source #{source_index + 1} (it has {len(inc.sources)})")
            if len(inc.sources) == 1:
                raise ValidationError(
                    [Problem(incident_id, None, "sources", "the last source cannot be detached")],
                    message=f"incident {incident_id} has only this source; delete the incident instead",
                )
            detached = _without_source(inc, source_index)
            _rewrite(conn, old, detached, now)
            conn.execute(
                sa.insert(audit_table),
                [_audit_row(now, user, "detach", incident_id, _row_snapshot(old), _snapshot(detached))],
            )
            _bump_data_version(conn)
        return self.get(incident_id)

    def soft_delete(self, incident_id: str, *, user: str) -> None:
        """Hide an incident from every view; :meth:`restore` brings it back. Idempotent."""
        self._set_deleted(incident_id, user=user, deleted=True)

    def restore(self, incident_id: str, *, user: str) -> None:
        """Undo :meth:`soft_delete`. Idempotent."""
        self._set_deleted(incident_id, user=user, deleted=False)

    # --- internals --------------------------------------------------------------------

    def _set_deleted(self, incident_id: str, *, user: str, deleted: bool) -> None:
        now = utc_instant()
        with self._guard("writing"), self._write() as conn:
            old = _fetch_row(conn, incident_id)
            if old is None:
                raise NotFound(f"no incident {incident_id!r}")
            if (old.deleted_at is not None) == deleted:
                return
            _set_deleted_at(conn, incident_id, deleted=deleted, now=now)
            snapshot = _row_snapshot(old)
            action, before, after = ("delete", snapshot, None) if deleted else ("restore", None, snapshot)
            conn.execute(sa.insert(audit_table), [_audit_row(now, user, action, incident_id, before, after)])
            _bump_data_version(conn)

    # --- failed sign-ins (geo.lockout) ---------------------------------------------------

    def sign_in_failures(self, keys: Sequence[str]) -> dict[str, tuple[int, dt.datetime]]:
        """Failures in a row and the time of the last one, for those of ``keys`` that have any."""
        t = sign_in_failures_table
        with self._guard("reading sign-in failures"), self._engine.connect() as conn:
            rows = conn.execute(sa.select(t.c.key, t.c.failures, t.c.last_failure_at).where(t.c.key.in_(keys)))
            return {row.key: (row.failures, _as_utc(row.last_failure_at)) for row in rows}

    def add_sign_in_failure(
        self, keys: Sequence[str], *, now: dt.datetime, forget_before: dt.datetime
    ) -> dict[str, tuple[int, dt.datetime]]:
        """Count one more failure for each key (starting again from 1 when its last failure was
        before ``forget_before``) and return the new counts. One statement per key, atomic on
        both databases, so failures from several servers at once are all counted."""
        t = sign_in_failures_table
        dialect = self._engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        with self._guard("counting a failed sign-in"), self._write() as conn:
            for key in dict.fromkeys(keys):
                stmt = insert(t).values(key=key, failures=1, last_failure_at=now)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[t.c.key],
                    set_={
                        "failures": sa.case((t.c.last_failure_at < forget_before, 1), else_=t.c.failures + 1),
                        "last_failure_at": now,
                    },
                )
                conn.execute(stmt)
            rows = conn.execute(sa.select(t.c.key, t.c.failures, t.c.last_failure_at).where(t.c.key.in_(keys)))
            return {row.key: (row.failures, _as_utc(row.last_failure_at)) for row in rows}

    def clear_sign_in_failures(self, keys: Sequence[str]) -> None:
        """Forget the failures of ``keys`` (after a successful sign-in)."""
        t = sign_in_failures_table
        with self._guard("clearing sign-in failures"), self._write() as conn:
            conn.execute(sa.delete(t).where(t.c.key.in_(keys)))

    def _has_rows(self) -> bool:
        """Any row, soft-deleted ones included: a store whose rows were all deleted is not "new".
        (One row read, not a count: every app start asks, and a count reads the whole table.)"""
        with self._guard("reading"), self._engine.connect() as conn:
            return conn.execute(sa.select(sa.literal(1)).select_from(incidents_table).limit(1)).first() is not None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it takes the write lock up front (BEGIN IMMEDIATE)
        so that two writers queue on the busy timeout instead of failing mid-transaction."""
        with self._engine.connect() as conn:
            conn.execution_options(geo_immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn any database failure into a one-line :class:`StoreError`."""
        try:
            yield
        except GeoError:
            raise
        except (SQLAlchemyError, self._dbapi_error) as exc:
            reason, message = self._explain(exc)
            detail = f"{reason} ({message})" if reason else message
            raise StoreError(
                f"incident store {self._safe_url}: {doing} failed: {detail}",
                public=f"The incident store could not be used ({doing}): {reason or 'a database error'}.",
            ) from exc

    def _explain(self, exc: BaseException) -> tuple[str, str]:
        """What went wrong in words for anyone (no paths, hosts or SQL), and the driver's own first line."""
        message = first_line(getattr(exc, "orig", None) or exc)
        lowered = message.lower()
        if "file is not a database" in lowered or "malformed" in lowered:
            return "not a valid SQLite database, the file is corrupt or of another kind", message
        if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
            return f"the database is locked by another program (waited {self._busy_timeout:g}s)", message
        if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
            return "the store is read-only for this program", message
        if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered:
            return "the disk holding the store is full", message
        if "unable to open" in lowered:
            return "cannot open the database file", message
        if "connection" in lowered and not self._sqlite:
            return "cannot reach the database server", message
        return "", message


# --- helpers --------------------------------------------------------------------------------


def _typed_frame(columns: dict[str, list]) -> pd.DataFrame:
    """The frame contract (see :func:`geo.view.frame.normalise_frame`) built column by column."""
    import numpy as np
    import pandas as pd

    from geo.view.frame import FRAME_COLUMNS

    days = np.asarray(columns["date"], dtype="int64")
    data: dict[str, Any] = {"date": pd.Series(days.astype("datetime64[D]").astype("datetime64[ns]"))}
    for name in ("lat", "lon"):
        data[name] = pd.Series(np.asarray(columns[name], dtype="float64"))
    for name in ("geo_precision", "source_count"):
        data[name] = pd.Series(np.asarray(columns[name], dtype="int64"))
    data["intercepted"] = pd.Series(np.asarray(columns["intercepted"], dtype=bool))
    for name in ("munitions", "killed", "injured"):
        values = np.asarray(columns[name], dtype="float64")  # None -> NaN
        missing = np.isnan(values)
        data[name] = pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing))
    for name in FRAME_COLUMNS:
        if name not in data:
            # dtype=object explicitly: pandas 3 would otherwise infer its Arrow string type.
            data[name] = pd.Series(np.asarray(columns[name], dtype=object), dtype=object)
    df = pd.DataFrame(data, columns=list(FRAME_COLUMNS), copy=False)
    if len(days) > 1 and not bool(np.all(days[1:] >= days[:-1])):
        # Reordering copies every column; skip it when rows already come in date order.
        df = df.take(np.argsort(days, kind="stable")).reset_index(drop=True)
    return df


def _sqlite_access(url: URL) -> tuple[URL, bool]:
    """``url`` as it can be opened by this process, and whether that is read-only.

    A SQLite file this process cannot write (the file, or the folder its WAL
    files go in) is opened read-only: ``mode=ro``, plus ``immutable=1`` when it
    has no write-ahead log to read (SQLite opens a WAL-mode file in a read-only
    folder only that way, since it cannot create the ``-shm`` index there).
    A ``mode=ro`` or ``immutable=1`` the URL already asks for counts as read-only too.
    """
    query = dict(url.query)
    if query.get("mode") == "ro" or query.get("immutable") == "1":
        return url, True
    path = _sqlite_path(url)
    if path is None or not path.is_file() or _writable(path):
        return url, False
    wal = Path(f"{path}-wal")
    query = {"mode": "ro", "uri": "true"}
    if not (wal.is_file() and wal.stat().st_size > 0):
        query["immutable"] = "1"
    return url.set(database=f"file:{path.resolve()}", query=query), True


def sqlite_read_uri(path: Path) -> str:
    """A ``sqlite3.connect(..., uri=True)`` URI that reads ``path`` without writing, also from a read-only folder."""
    wal = Path(f"{path}-wal")
    frozen = not _writable(path) and not (wal.is_file() and wal.stat().st_size > 0)
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if frozen else "")


def _writable(path: Path) -> bool:
    """Whether SQLite could write the file here (the file, and its folder or its existing -wal and -shm)."""
    if not os.access(path, os.W_OK):
        return False
    if os.access(path.parent, os.W_OK | os.X_OK):
        return True
    return all(Path(f"{path}{end}").is_file() and os.access(f"{path}{end}", os.W_OK) for end in ("-wal", "-shm"))


def _sqlite_path(url: URL) -> Path | None:
    """The file a SQLite URL names (also in the ``file:`` URI form), or None for memory."""
    database = url.database or ""
    if dict(url.query).get("uri") == "true" and database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    if not database or database == ":memory:" or dict(url.query).get("mode") == "memory":
        return None
    return Path(database)


def _install_sqlite_hooks(engine: Engine, busy_timeout: float, *, wal: bool = True) -> None:
    """WAL (readers never block the writer), foreign keys, busy timeout, and real transactions.

    pysqlite's own transaction handling begins lazily and never for SELECT, so we
    switch it off and emit BEGIN ourselves (SQLAlchemy's documented recipe). A
    read-only connection leaves the journal mode alone (switching it writes).
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # SQLite's lower() folds ASCII only: the text filter (geo.storage.query) folds non-ASCII with this.
            dbapi_conn.create_function("geo_lower", 1, _unicode_lower, deterministic=True)
            # Exports write floats as Python does; SQLite's printf does for nearly all (geo.storage.query).
            dbapi_conn.create_function("geo_float_text", 1, _float_text, deterministic=True)
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("geo_immediate") else "BEGIN")


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _float_text(value):
    return None if value is None else repr(float(value))


def _install_postgresql_hooks(engine: Engine, busy_timeout: float) -> None:
    """Bound lock waits as SQLite's busy timeout does: a write behind another
    session's open transaction fails with "lock timeout" instead of hanging.

    Set per connection rather than through ``options=`` in connect_args, which
    would replace an ``options`` already in the URL (e.g. a search_path).
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"SET lock_timeout = {int(busy_timeout * 1000)}")
        finally:
            cursor.close()
        dbapi_conn.commit()  # or the pool's first rollback would undo the SET


def _ensure_sqlite_dir(url: str) -> None:
    try:
        parsed = make_url(url)
    except SQLAlchemyError:
        return  # Store() reports the bad URL
    path = _sqlite_path(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is not None and not path.parent.is_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc.strerror or exc}") from exc


def _fetch_row(conn: Connection, incident_id: str):
    return conn.execute(sa.select(incidents_table).where(incidents_table.c.id == incident_id)).first()


def _fetch_live_row(conn: Connection, incident_id: str, expected_version: int):
    """The stored row an edit based on ``expected_version`` may change.

    :class:`NotFound` when the incident is missing or deleted; :class:`ConflictError`
    when someone saved it since the editor read it.
    """
    # FOR UPDATE (PostgreSQL; SQLite already holds its write lock): nobody commits a
    # change to this row between this check and our write.
    row = conn.execute(sa.select(incidents_table).where(incidents_table.c.id == incident_id).with_for_update()).first()
    if row is None or row.deleted_at is not None:
        raise NotFound(f"no incident {incident_id!r}")
    if row.version != expected_version:
        raise ConflictError(
            f"incident {incident_id} was changed by someone else (now version {row.version}, "
            f"you edited version {expected_version}); reload it and apply your change again"
        )
    return row


def _rewrite(conn: Connection, old, incident: Incident, now: dt.datetime) -> None:
    """Overwrite row ``old`` with ``incident`` (and its sources), one version up.

    The version is compared again in the UPDATE itself: on PostgreSQL another
    writer may commit between our read and this statement.
    """
    result = conn.execute(
        sa.update(incidents_table)
        .where(incidents_table.c.id == old.id, incidents_table.c.version == old.version)
        .values(**_values(incident), version=old.version + 1, updated_at=now)
    )
    if result.rowcount != 1:
        raise ConflictError(f"incident {old.id} was changed by someone else; reload it")
    _write_sources(conn, [incident], replace=True)


def _set_deleted_at(conn: Connection, incident_id: str, *, deleted: bool, now: dt.datetime) -> None:
    """Soft-delete or restore one row, one version up."""
    conn.execute(
        sa.update(incidents_table)
        .where(incidents_table.c.id == incident_id)
        .values(deleted_at=now if deleted else None, version=incidents_table.c.version + 1, updated_at=now)
    )


def _without_source(inc: Incident, index: int) -> Incident:
    """``inc`` without source ``index``; figures that only that source supported fall back."""
    gone = inc.sources[index]
    rest = inc.sources[:index] + inc.sources[index + 1 :]
    changes: dict[str, Any] = {"sources": rest}
    for name in ("munitions", "killed", "injured"):
        value = getattr(inc, name)
        remaining = [getattr(s, name) for s in rest if getattr(s, name) is not None]
        if value is not None and getattr(gone, name) == value and value not in remaining:
            changes[name] = max(remaining) if remaining else None
    return inc.with_changes(**changes)


def _source_dicts(inc: Incident) -> list[dict[str, Any]]:
    """``[s.to_dict() for s in inc.sources]``, without dataclasses.asdict's deep copies (5x faster)."""
    out = []
    for src in inc.sources:
        d = {name: getattr(src, name) for name in _SOURCE_FIELDS}
        d["published"] = src.published.isoformat() if src.published else None
        out.append(d)
    return out


def _values(inc: Incident) -> dict[str, Any]:
    """Column values of ``inc`` (without version/timestamps)."""
    values = {name: getattr(inc, name) for name in _MODEL_COLUMNS}
    # Byte for byte what geo.incidents.incident_to_row writes, so frames from the store and
    # from Incident objects agree (a test holds them equal).
    values["sources_json"] = json.dumps(_source_dicts(inc), ensure_ascii=False)
    values["source_count"] = len(inc.sources)
    values["outlets"] = ", ".join(dict.fromkeys(s.outlet for s in inc.sources if s.outlet))
    values["source_text"] = source_text(inc.sources)
    return values


def source_text(sources) -> str:
    """The sources' outlet, URL, title and evidence, newline-joined (``incidents.source_text``).

    ``sources``: :class:`~geo.incidents.Source` objects or their dicts. The same text
    migration 0006 backfills with SQL, which the snapshot's free-text filter searches.
    """
    parts = []
    for src in sources:
        get = src.get if isinstance(src, dict) else src.__getattribute__
        parts.append(f"{get('outlet')}\n{get('url')}\n{get('title')}\n{get('evidence')}")
    return "\n".join(parts)


def _same(row, values: dict[str, Any]) -> bool:
    return all(getattr(row, name) == values[name] for name in _MODEL_COLUMNS + ("sources_json",))


def _write_sources(conn: Connection, incidents: Sequence[Incident], *, replace: bool) -> None:
    """Write the ``sources`` rows of each incident (deleting old ones first when ``replace``)."""
    if not incidents:
        return
    if replace:
        ids = [inc.id for inc in incidents]
        for start in range(0, len(ids), _CHUNK):
            conn.execute(sa.delete(sources_table).where(sources_table.c.incident_id.in_(ids[start : start + _CHUNK])))
    rows = [
        {"incident_id": inc.id, "position": pos, **{name: getattr(src, name) for name in _SOURCE_FIELDS}}
        for inc in incidents
        for pos, src in enumerate(inc.sources)
    ]
    if rows:
        conn.execute(sa.insert(sources_table), rows)


def _snapshot(inc: Incident) -> dict[str, Any]:
    """A JSON-friendly picture of an incident for the audit log (sources as a real list)."""
    snap = {name: getattr(inc, name) for name in _MODEL_COLUMNS}
    snap["date"] = inc.date.isoformat()
    snap["sources"] = _source_dicts(inc)
    return {name: snap[name] for name in FIELDS}


def _row_snapshot(row) -> dict[str, Any]:
    """:func:`_snapshot` of a stored row."""
    snap = {name: getattr(row, name) for name in _MODEL_COLUMNS}
    snap["date"] = row.date.isoformat()
    snap["sources"] = json.loads(row.sources_json)
    return {name: snap[name] for name in FIELDS}


def _audit_row(now, user, action, incident_id, before, after) -> dict[str, Any]:
    return {"at": now, "user": user, "action": action, "incident_id": incident_id, "before": before, "after": after}


def _bump_data_version(conn: Connection) -> int:
    """Move ``data_version`` one up and stamp the incidents this transaction wrote with it.

    Call it last in a write transaction. The rows were written ``PENDING``
    (the column's default) because the version is only known here: on
    PostgreSQL the UPDATE of ``meta`` waits for any other writer's commit, so
    versions are handed out in commit order, and a reader that sees version
    ``v`` sees every row stamped ``<= v`` and none stamped above it. Rows other
    open transactions left pending are invisible to this UPDATE.
    """
    conn.execute(
        sa.update(meta_table)
        .where(meta_table.c.key == "data_version")
        .values(value=sa.cast(sa.cast(meta_table.c.value, sa.Integer) + 1, sa.Text))
    )
    version = int(conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "data_version")).scalar_one())
    conn.execute(sa.update(incidents_table).where(incidents_table.c.changed_in == PENDING).values(changed_in=version))
    return version


def _incident(row) -> Incident:
    values = {name: getattr(row, name) for name in _MODEL_COLUMNS}
    values["sources"] = row.sources_json
    # Lenient: a row stored before today's limits must still load (to be fixed and saved, when
    # every write validates again); `python -m geo check` lists such rows.
    return incident_from_row(values, source="store", strict=False)


def _refuse_invalid(batch: Sequence[Incident]) -> None:
    """Refuse the whole batch when any incident breaks the model's limits or repeats an id.

    The same limits (:func:`~geo.incidents.validate_incident`) the importers and forms apply, here
    so that SQLite holds exactly what PostgreSQL would (it would take a 65-character id,
    a NUL or a 64-bit count that PostgreSQL refuses) and a bad value never reaches the
    database as a driver error.
    """
    seen: set[str] = set()
    problems = []
    for pos, inc in enumerate(batch, start=1):
        problems += incident_problems(inc, source="import", row=pos, borders=False)
        if inc.id in seen:
            problems.append(Problem("import", pos, "id", f"duplicate id {inc.id!r} in one import"))
        seen.add(inc.id)
    if problems:
        raise ValidationError(problems)


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else utc_instant(value, stored=True)


