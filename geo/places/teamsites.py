"""Team sites: gazetteer sites that editors add from the app, kept in the incident store.

The curated gazetteer (``gazetteer.csv``) is reviewed by hand and lives in the
repository; on a team deployment nobody can write to it from the app. A place
the extractor could not resolve is added here instead (the Ingest page, or
``python -m geo gazetteer add-team``), and :func:`geo.places.gazetteer.load_default`
layers these sites right under the curated ones, so every app server and the
command line resolve the name from then on. Curators fold them into the CSV
with ``python -m geo gazetteer export-team``, which writes them as CSV rows.

A team site is validated exactly as a curated row is (:func:`~geo.places.sites.parse_sites`:
slug id, kind, ISO country code, coordinates in range and inside the country)
and is refused when its id, or one of its names or aliases, is already taken:
an id by any curated or team site, a name by a site *of the same country*
(the rule :func:`~geo.places.sites.parse_sites` applies across rows, so the CSV a
curator exports validates). Every add and remove is written to the audit log
under the editor's name (action ``site-add``/``site-remove``, ``incident_id``
``"site:<id>"``, the row as the snapshot) and bumps ``meta.sites_version``,
the key caches of the gazetteer use (:func:`version`).

Reading needs no :class:`~geo.storage.store.Store` for a SQLite store: :func:`read`
uses :mod:`sqlite3` read-only, because importing the store (SQLAlchemy, numpy)
would triple the start-up time of ``python -m geo geocode``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from geo.config import utc_instant
from geo.errors import NotFound, Problem, StoreError, ValidationError
from geo.places.normalize import name_key
from geo.places.sites import COLUMNS, Site, parse_sites

if TYPE_CHECKING:
    from geo.config import Settings
    from geo.storage.store import Store

__all__ = [
    "AUDIT_PREFIX",
    "MAX_ID_LENGTH",
    "SOURCE",
    "TeamSite",
    "TeamSites",
    "add_site",
    "check_site",
    "list_sites",
    "read",
    "remove_site",
    "site_row",
    "snapshot",
    "suggest_id",
    "version",
    "write_csv",
]

#: Audit entries of team sites use ``incident_id`` = AUDIT_PREFIX + site id (the column is 64 long).
AUDIT_PREFIX = "site:"
MAX_ID_LENGTH = 64 - len(AUDIT_PREFIX)
#: The ``source`` of the problems :func:`check_site` reports.
SOURCE = "new site"
_VERSION_KEY = "sites_version"
_LAYER_WORD = {"curated": "curated site", "team": "team site"}


@dataclass(frozen=True, slots=True)
class TeamSite:
    """A stored team site (``site.layer == "team"``) and who added it when."""

    site: Site
    added_by: str
    added_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TeamSites:
    """The team sites of a store at one moment, and the version naming that moment.

    ``version`` is None when the store has no team sites table (no store yet, or
    one older than the migration that adds it): there is nothing to layer.
    """

    version: str | None
    sites: tuple[TeamSite, ...] = ()


# --- validation (pure) -------------------------------------------------------------------------


def suggest_id(name: str) -> str:
    """A slug id for ``name`` as the CSV wants it: "Tall Abyad" -> "tall-abyad" (may be empty)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:MAX_ID_LENGTH].strip("-")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return "|".join(str(v) for v in value)
    return str(value)


def check_site(fields: Mapping[str, Any], *, existing: Iterable[Site] = (), source: str = SOURCE) -> Site:
    """The team site ``fields`` describe, or :class:`ValidationError` listing every problem.

    ``fields`` maps gazetteer.csv columns to values (numbers may be numbers;
    ``aliases`` a "|"-joined string or a sequence). The row goes through
    :func:`~geo.places.sites.parse_sites` as a curated row would; then its id and
    names are checked against ``existing`` (curated and team sites).
    """
    cells = [_cell(fields.get(column)).strip() for column in COLUMNS]
    sites, problems = parse_sites([(1, list(COLUMNS)), (2, cells)], source)
    # One row, no file: a row number would only confuse.
    problems = [Problem(p.source, None, p.field, p.reason) for p in problems]
    row = dict(zip(COLUMNS, cells))

    def problem(column: str, reason: str) -> None:
        problems.append(Problem(source, None, column, reason))

    if len(row["id"]) > MAX_ID_LENGTH:
        problem("id", f"longer than {MAX_ID_LENGTH} characters")
    names = [("name", row["name"])] + [("aliases", a.strip()) for a in row["aliases"].split("|") if a.strip()]
    keys = {text: name_key(text) for _, text in names if text}
    for other in existing:
        word = _LAYER_WORD.get(other.layer, f"{other.layer} site")
        if row["id"] and other.id == row["id"]:
            problem("id", f"id {row['id']!r} is already used by {word} {other.name!r}")
        if other.country != row["country"]:
            continue
        other_keys = {name_key(text) for text in other.names}
        for column, text in names:
            if text and keys[text] in other_keys:
                problem(column, f"{text!r} is already a name of {word} {other.id!r} ({other.name}) in {other.country}")
    if problems:
        raise ValidationError(problems)
    return replace(sites[0], layer="team")


def site_row(site: Site) -> list[str]:
    """``site`` as the cells of a gazetteer.csv row, in :data:`~geo.places.sites.COLUMNS` order."""
    values = {
        "id": site.id, "name": site.name, "aliases": "|".join(site.aliases), "kind": site.kind,
        "country": site.country, "admin1": site.admin1, "lat": repr(site.lat), "lon": repr(site.lon),
        "precision_m": str(site.precision_m), "source": site.source, "notes": site.notes,
    }  # fmt: skip
    return [values[column] for column in COLUMNS]


def write_csv(sites: Iterable[Site], handle: IO[str]) -> int:
    """Write ``sites`` as gazetteer.csv rows (header first) to ``handle``; the number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for site in sites:
        writer.writerow(site_row(site))
        count += 1
    return count


# --- the store ---------------------------------------------------------------------------------


def _record(site: Site, user: str, at: dt.datetime) -> dict[str, Any]:
    return {
        "id": site.id, "name": site.name, "aliases": "|".join(site.aliases), "kind": site.kind,
        "country": site.country, "admin1": site.admin1, "lat": site.lat, "lon": site.lon,
        "precision_m": site.precision_m, "source": site.source, "notes": site.notes,
        "added_by": user, "added_at": at,
    }  # fmt: skip


def _as_utc(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):  # sqlite3 without SQLAlchemy's type processing
        value = dt.datetime.fromisoformat(value)
    return utc_instant(value, stored=True)


def _team_site(row: Mapping[str, Any]) -> TeamSite:
    site = Site(
        id=row["id"],
        name=row["name"],
        aliases=tuple(a for a in row["aliases"].split("|") if a),
        kind=row["kind"],
        country=row["country"],
        admin1=row["admin1"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        precision_m=int(row["precision_m"]),
        source=row["source"],
        notes=row["notes"],
        layer="team",
    )
    return TeamSite(site, row["added_by"], _as_utc(row["added_at"]))


def _snapshot_json(team: TeamSite) -> dict[str, Any]:
    record = _record(team.site, team.added_by, team.added_at)
    return {**record, "added_at": team.added_at.isoformat()}


def _read_rows(conn) -> tuple[TeamSite, ...]:
    import sqlalchemy as sa

    from geo.storage.store import sites_table

    query = sa.select(sites_table).order_by(sites_table.c.added_at, sites_table.c.id)
    return tuple(_team_site(row) for row in conn.execute(query).mappings())


def _read_version(conn) -> str | None:
    import sqlalchemy as sa

    from geo.storage.store import meta_table

    values = dict(
        conn.execute(
            sa.select(meta_table.c.key, meta_table.c.value).where(meta_table.c.key.in_(("store_id", _VERSION_KEY)))
        ).all()
    )
    return _version_text(values)


def _version_text(values: Mapping[str, str]) -> str | None:
    if _VERSION_KEY not in values:
        return None  # a store from before team sites
    # store_id too: a restored backup (new store_id) never reuses a cached gazetteer.
    return f"{values.get('store_id', '')}:{values[_VERSION_KEY]}"


def _bump_version(conn) -> None:
    import sqlalchemy as sa

    from geo.storage.store import meta_table

    bumped = conn.execute(
        sa.update(meta_table)
        .where(meta_table.c.key == _VERSION_KEY)
        .values(value=sa.cast(sa.cast(meta_table.c.value, sa.Integer) + 1, sa.Text))
    )
    if bumped.rowcount == 0:  # a backup from before the key existed, restored by hand
        conn.execute(sa.insert(meta_table), [{"key": _VERSION_KEY, "value": "1"}])


def _lock(conn) -> None:
    # SQLite's write transaction (BEGIN IMMEDIATE) already serialises writers; on
    # PostgreSQL two editors adding "Foo" at once must not both pass the name check.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('incident-atlas:sites'))")


def _audit(conn, *, at, user, action, site_id, before, after) -> None:
    import sqlalchemy as sa

    from geo.storage.store import audit_table

    conn.execute(
        sa.insert(audit_table),
        [{"at": at, "user": user, "action": action, "incident_id": AUDIT_PREFIX + site_id, "before": before,
          "after": after}],
    )  # fmt: skip



def _editor(user: str) -> str:
    user = (user or "").strip()
    if not user:
        raise ValueError("a team site change needs the editor's name")
    return user


def add_site(
    store: Store, fields: Mapping[str, Any], *, user: str, curated: Iterable[Site], now: dt.datetime | None = None
) -> TeamSite:
    """Validate ``fields`` (see :func:`check_site`) against ``curated`` and the stored team
    sites, store the site and audit it under ``user``, in one transaction.

    :class:`ValidationError` (nothing stored) when the row is invalid or clashes.
    """
    user, at = _editor(user), utc_instant(now)
    import sqlalchemy as sa

    from geo.storage.store import sites_table

    curated = list(curated)
    with store._guard("adding a team site"), store._write() as conn:
        _lock(conn)
        team = _read_rows(conn)
        site = check_site(fields, existing=[*curated, *(t.site for t in team)])
        added = TeamSite(site, user, at)
        conn.execute(sa.insert(sites_table), [_record(site, user, at)])
        _audit(conn, at=at, user=user, action="site-add", site_id=site.id, before=None, after=_snapshot_json(added))
        _bump_version(conn)
    return added


def remove_site(store: Store, site_id: str, *, user: str, now: dt.datetime | None = None) -> TeamSite:
    """Remove team site ``site_id`` (audited under ``user``); :class:`NotFound` when there is none."""
    user, at = _editor(user), utc_instant(now)
    import sqlalchemy as sa

    from geo.storage.store import sites_table

    with store._guard("removing a team site"), store._write() as conn:
        _lock(conn)
        row = conn.execute(sa.select(sites_table).where(sites_table.c.id == site_id)).mappings().first()
        if row is None:
            raise NotFound(f"no team site {site_id!r}")
        gone = _team_site(row)
        conn.execute(sa.delete(sites_table).where(sites_table.c.id == site_id))
        _audit(conn, at=at, user=user, action="site-remove", site_id=site_id, before=_snapshot_json(gone), after=None)
        _bump_version(conn)
    return gone


def list_sites(store: Store) -> tuple[TeamSite, ...]:
    """The stored team sites, oldest first."""
    return snapshot(store).sites


def version(store: Store) -> str | None:
    """A key that changes whenever a team site is added or removed (None: no team sites table)."""
    with store._guard("reading team sites"), store._engine.connect() as conn:
        return _read_version(conn)


def snapshot(store: Store) -> TeamSites:
    """The version and the team sites, read in one transaction."""
    with store._guard("reading team sites"), store._engine.connect() as conn, conn.begin():
        found = _read_version(conn)
        return TeamSites(found, _read_rows(conn) if found is not None else ())


# --- reading without a Store (the command line) ------------------------------------------------

_SQLITE_URL = re.compile(r"^sqlite(?:\+\w+)?:///(?P<path>[^?]+)")
_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def read(settings: Settings, *, store: Store | None = None, sites: bool = True) -> TeamSites:
    """The team sites of the store ``settings`` name (or of ``store``), without creating
    or migrating anything: no store yet, or one from before team sites, has none.

    With ``sites=False`` only the version is read (a cache check).
    """
    if store is None:
        match = _SQLITE_URL.match(settings.database_url)
        if match:
            return _read_sqlite(Path(match["path"].removeprefix("file:")), sites=sites)
        if settings.database_url.startswith("sqlite"):
            return TeamSites(None)  # in memory: a new, empty store every time
        store = _store_for(settings.database_url)
    if not sites:
        return TeamSites(version(store))
    return snapshot(store)


def _store_for(url: str) -> Store:
    from geo.storage.store import Store

    with _stores_lock:
        if url not in _stores:
            _stores[url] = Store(url)
        return _stores[url]


def _read_sqlite(path: Path, *, sites: bool) -> TeamSites:
    if not path.exists():
        return TeamSites(None)
    from geo.storage.store import sqlite_read_uri

    try:
        conn = sqlite3.connect(sqlite_read_uri(path), uri=True, timeout=3.0)
    except sqlite3.Error as exc:
        raise StoreError(f"incident store {path}: reading team sites failed: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.isolation_level = None
        conn.execute("BEGIN")  # the version and the rows from one moment
        try:
            values = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('store_id', ?)", (_VERSION_KEY,)))
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return TeamSites(None)  # an empty file, not a store yet
            raise
        found = _version_text(values)
        if found is None or not sites:
            return TeamSites(found)
        rows = conn.execute("SELECT * FROM sites ORDER BY added_at, id").fetchall()
        return TeamSites(found, tuple(_team_site(row) for row in rows))
    except sqlite3.Error as exc:
        raise StoreError(f"incident store {path}: reading team sites failed: {exc}") from exc
    finally:
        conn.close()
