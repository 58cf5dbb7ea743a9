"""Back up the whole incident store to one file, and restore it, exactly.

A backup is a zip file::

    manifest.json            what the file is and how to check it (below)
    tables/incidents.jsonl   one JSON array per row, values in manifest column order
    tables/sources.jsonl
    tables/audit_log.jsonl
    tables/meta.jsonl
    tables/sites.jsonl       team sites (gazetteer sites editors added in the app)

The manifest names the format and its version, the Alembic revision of the
schema the rows belong to, the time the backup was made, and for every table
its columns, row count and the SHA-256 of its member. :func:`restore` checks
all of that (reading every member once) *before* it touches the store, so a
truncated, corrupted, foreign or too-new file is refused with an
:class:`~geo.errors.InputError` and the store is left alone.

Exactness: every table of :data:`geo.storage.store.metadata` is copied row for row,
soft-deleted incidents, version numbers, audit entries and their ids included.
Values are written in a database-neutral form, so a SQLite backup restores
into PostgreSQL and back with identical values:

* timestamps as ISO 8601 in UTC with microseconds (SQLite keeps them as naive
  UTC text, PostgreSQL as ``timestamptz``; both come back the same instant);
* floats as their shortest exact decimal (orjson), non-finite ones as text;
* JSON columns (audit snapshots) as their stored *text*, never re-parsed, so
  that SQL NULL and JSON ``null`` stay distinct and the text stays byte-equal.

One deliberate exception: a restored store gets a new random ``store_id`` in
``meta`` unless ``keep_store_id=True``. ``Store.version()`` (``store_id`` plus
``data_version``) is a cache key; after rolling a database back to an older
backup, its next edits would reuse ``data_version`` values that already name
other data in some cache. Everything else in ``meta`` (``data_version``
included) is restored as it was.

A backup reads all tables in one snapshot (a read transaction on SQLite, a
REPEATABLE READ one on PostgreSQL), so writers may keep working meanwhile and
the file is still consistent. It is written to a temporary file beside the
target and renamed into place only once complete. A restore runs in one write
transaction: it succeeds as a whole or leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.config import utc_instant
from geo.errors import InputError, StoreError, ValidationError
from geo.formats.replacing import replacing
from geo.incidents import incident_from_row
from geo.storage.store import Store, incidents_table, meta_table, metadata

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "BackupReport",
    "RestoreReport",
    "backup",
    "read_manifest",
    "restore",
]

FORMAT = "incident-atlas-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"

_BATCH = 2000  # rows per fetch and per INSERT: bounded memory for a million incidents
_MAX_MANIFEST_BYTES = 1 << 20  # a real manifest is ~2 kB; refuse to parse a huge foreign member
# Members are read in chunks of this size, and no line (one row) may be longer than
# _MAX_LINE_BYTES: a 1.5 MB zip can inflate to a 1.5 GiB line, which must not be held whole.
_CHUNK_BYTES = 1 << 20
_MAX_LINE_BYTES = 64 << 20  # an audit entry holds two copies of an incident; real ones are kilobytes
_INT4 = 2**31 - 1  # sa.Integer is PostgreSQL's int4: SQLite would take more, PostgreSQL refuses it
_UTC = dt.timezone.utc


# --- reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupReport:
    """What :func:`backup` wrote."""

    path: Path
    schema_revision: str
    created_at: dt.datetime
    rows: dict[str, int]  # table name -> rows written, in restore order
    size: int  # bytes of the backup file

    def summary(self) -> str:
        """One line for a person: what went where."""
        return f"backed up {_describe(self.rows)} to {self.path} (schema {self.schema_revision}, {self.size:,} bytes)"


@dataclass(frozen=True)
class RestoreReport:
    """What :func:`restore` did."""

    path: Path
    schema_revision: str
    created_at: dt.datetime  # when the backup was made
    rows: dict[str, int]  # table name -> rows restored
    replaced: dict[str, int] = field(default_factory=dict)  # table name -> rows removed first

    def summary(self) -> str:
        """One line for a person: what was restored from which backup."""
        text = f"restored {_describe(self.rows)} from {self.path} (made {self.created_at.isoformat()})"
        if any(self.replaced.values()):
            text += f", replacing {_describe(self.replaced)}"
        return text


_LABELS = {"incidents": "incident(s)", "sources": "source(s)", "audit_log": "audit entr(ies)", "sites": "team site(s)"}


def _describe(rows: dict[str, int]) -> str:
    # In schema order (incidents, sources, audit_log), which reads better than restore order.
    return ", ".join(
        f"{rows[name]:,} {_LABELS.get(name, name + ' row(s)')}"
        for name in metadata.tables
        if name in rows and name != meta_table.name
    )


# --- column codecs ----------------------------------------------------------------------------
#
# One (encode, decode) pair per column, chosen from the column's type in the store's
# metadata. encode turns what the database hands back into a JSON value; decode checks
# a JSON value from a file and turns it into what SQLAlchemy binds for that type.
# A column type without a codec is a programming error (a migration added a type
# this module does not know yet), reported when the first backup is attempted.


class _BadValue(ValueError):
    """A value in a backup file that its column cannot hold."""


def _plain(kind: type) -> tuple[Callable, Callable]:
    def decode(value):
        # type() rather than isinstance(): True must not pass for an integer column.
        if value is not None and type(value) is not kind:
            raise _BadValue(f"expected {kind.__name__}, found {type(value).__name__}")
        return value

    return (lambda value: value), decode


def _encode_float(value):
    if value is None or math.isfinite(value):
        return value
    return repr(value)  # "nan", "inf", "-inf": JSON has no literal for them


def _decode_float(value):
    if value is None or type(value) is float:
        return value
    if type(value) is str and value in ("nan", "inf", "-inf"):
        return float(value)
    raise _BadValue(f"expected a number, found {type(value).__name__}")


def _encode_date(value):
    return None if value is None else value.isoformat()


def _decode_date(value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _BadValue(f"expected a YYYY-MM-DD date, found {value!r}") from None


def _encode_datetime(value):
    if value is None:
        return None
    return utc_instant(value, stored=True).isoformat(timespec="microseconds")


def _decode_datetime(value):
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _BadValue(f"expected an ISO 8601 timestamp with a UTC offset, found {value!r}")
    return parsed.astimezone(_UTC)


def _decode_json_text(value):
    if value is None:
        return None
    if type(value) is not str:
        raise _BadValue(f"expected JSON text, found {type(value).__name__}")
    try:
        orjson.loads(value)
    except orjson.JSONDecodeError:
        raise _BadValue("the JSON text does not parse") from None
    return value


_CODECS: list[tuple[type, tuple[Callable, Callable]]] = [
    # Order matters where types derive from each other (Text from String, Double from Float).
    (sa.JSON, ((lambda value: value), _decode_json_text)),
    (sa.DateTime, (_encode_datetime, _decode_datetime)),
    (sa.Date, (_encode_date, _decode_date)),
    (sa.Boolean, _plain(bool)),
    (sa.Float, (_encode_float, _decode_float)),
    (sa.Integer, _plain(int)),
    (sa.String, _plain(str)),
]


def _codec(column: sa.Column) -> tuple[Callable, Callable]:
    for kind, (encode, decode) in _CODECS:
        if isinstance(column.type, kind):
            return encode, _within_column(column, decode)
    raise TypeError(f"geo.storage.backup has no codec for {column.table.name}.{column.name} ({column.type!r})")


def _within_column(column: sa.Column, decode: Callable) -> Callable:
    """``decode``, then refuse what one of the two databases would not hold.

    SQLite stores any text length, NULs and 64-bit integers in any column; PostgreSQL
    refuses them. Checking here makes a restore succeed or fail the same on both.
    """
    length = getattr(column.type, "length", None)
    is_text = isinstance(column.type, sa.String) and not isinstance(column.type, sa.JSON)
    is_int4 = isinstance(column.type, sa.Integer) and not isinstance(column.type, sa.BigInteger)

    def checked(value):
        value = decode(value)
        if value is None:
            return value
        if is_text:
            if length is not None and len(value) > length:
                raise _BadValue(f"{column.name}: {len(value):,} characters, the column holds {length}")
            if "\x00" in value:
                raise _BadValue(f"{column.name}: contains a NUL character")
        if is_int4 and not -_INT4 - 1 <= value <= _INT4:
            raise _BadValue(f"{column.name}: {value} does not fit a 32-bit integer column")
        return value

    return checked


def _is_json(column: sa.Column) -> bool:
    return isinstance(column.type, sa.JSON)


# --- backup -----------------------------------------------------------------------------------


def backup(store: Store, path: str | os.PathLike, *, created_at: dt.datetime | None = None) -> BackupReport:
    """Write every table of ``store`` to the zip file ``path`` (replaced only when complete).

    ``created_at`` (timezone-aware; default now) goes into the manifest and the
    zip entries' dates, so the same store backed up with the same ``created_at``
    gives a byte-identical file. The file is readable by its owner only: it holds
    the audit log (who changed what) as well as the incidents.
    Raises :class:`StoreError` when the store cannot be read, :class:`InputError`
    when ``path`` cannot be written.
    """
    path = Path(path)
    created_at = utc_instant(created_at, name="created_at")
    tables = metadata.sorted_tables  # parents before children: the order a restore inserts in
    codecs = {t.name: [_codec(c)[0] for c in t.columns] for t in tables}  # fail before any I/O
    try:
        with replacing(path, suffix=".partial") as tmp, open(tmp, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                with store._guard("backing up"), _snapshot(store) as conn:
                    revision = _current_revision(conn)
                    if revision is None:
                        raise StoreError(f"{store!r} has no schema yet: nothing to back up")
                    members = [_write_table(zf, conn, table, codecs[table.name], created_at) for table in tables]
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "schema_revision": revision,
                    "created_at": created_at.isoformat(timespec="microseconds"),
                    "source_dialect": store._engine.dialect.name,
                    "tables": members,
                }
                zf.writestr(
                    _zip_info(MANIFEST_NAME, created_at),
                    orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n",
                )
            fh.flush()
            os.fsync(fh.fileno())  # the rename at the block's end must not publish bytes not yet on disk
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return BackupReport(
        path=path,
        schema_revision=revision,
        created_at=created_at,
        rows={m["name"]: m["rows"] for m in members},
        size=path.stat().st_size,
    )



def _zip_info(name: str, created_at: dt.datetime) -> zipfile.ZipInfo:
    # Zip dates start in 1980; an earlier created_at (tests, clocks at zero) is clamped.
    stamp = max(created_at, dt.datetime(1980, 1, 1, tzinfo=_UTC))
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """A read transaction that sees one consistent state of every table.

    SQLite in WAL mode gives that to any read transaction. PostgreSQL's default
    READ COMMITTED would let each SELECT see a different state (an import could
    commit between reading incidents and reading sources), hence REPEATABLE READ.
    """
    with store._engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin() as tx:
            try:
                yield conn
            finally:
                tx.rollback()  # read only: nothing to keep


def _current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _select_all(table: sa.Table) -> sa.Select:
    # JSON columns as their stored text: re-serialising parsed values could change the
    # text, and would turn SQL NULL and JSON null into the same None.
    columns = [sa.cast(c, sa.Text).label(c.name) if _is_json(c) else c for c in table.columns]
    return sa.select(*columns).order_by(*table.primary_key.columns)


def _write_table(zf: zipfile.ZipFile, conn: Connection, table: sa.Table, encoders, created_at) -> dict[str, Any]:
    """Stream ``table`` into ``tables/<name>.jsonl``; its manifest entry."""
    member = f"tables/{table.name}.jsonl"
    digest, rows = hashlib.sha256(), 0
    result = conn.execution_options(yield_per=_BATCH).execute(_select_all(table))
    with zf.open(_zip_info(member, created_at), "w", force_zip64=True) as out:
        for row in result:
            line = orjson.dumps([encode(value) for encode, value in zip(encoders, row)]) + b"\n"
            digest.update(line)
            out.write(line)
            rows += 1
    return {
        "name": table.name,
        "member": member,
        "columns": [c.name for c in table.columns],
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


# --- reading and checking a backup file -------------------------------------------------------


def read_manifest(path: str | os.PathLike, *, verify: bool = True) -> dict[str, Any]:
    """The manifest of backup ``path``, checked against this program's schema.

    With ``verify`` (the default) every table member is read and its row count
    and SHA-256 compared with the manifest. ``created_at`` comes back as an aware
    datetime. Raises :class:`InputError` naming the first thing wrong; never
    touches any store.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _checked_manifest(zf)
            if verify:
                for entry in manifest["tables"]:
                    _verify_member(zf, entry)
            return manifest
    except _Refused as exc:
        raise InputError(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a backup file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"{path}: not a readable backup, the file is damaged or of another kind ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


class _Refused(Exception):
    """Internal: why a backup file is refused (becomes an InputError naming the file)."""


def _checked_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST_NAME)
    except KeyError:
        raise _Refused(f"not an Incident Atlas backup (no {MANIFEST_NAME})") from None
    if info.file_size > _MAX_MANIFEST_BYTES:
        raise _Refused(f"not an Incident Atlas backup ({MANIFEST_NAME} is implausibly large)")
    try:
        manifest = orjson.loads(zf.read(info))
    except orjson.JSONDecodeError as exc:
        raise _Refused(f"{MANIFEST_NAME} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _Refused("not an Incident Atlas backup (the manifest names another format)")
    version = manifest.get("format_version")
    if type(version) is not int or version < 1:
        raise _Refused(f"the manifest has no valid format_version ({version!r})")
    if version > FORMAT_VERSION:
        raise _Refused(
            f"backup format {version} was written by a newer Incident Atlas; this one reads format {FORMAT_VERSION}"
        )
    for key in ("schema_revision", "created_at"):
        if not isinstance(manifest.get(key), str):
            raise _Refused(f"the manifest has no {key}")
    try:
        manifest["created_at"] = _decode_datetime(manifest["created_at"])
    except _BadValue as exc:
        raise _Refused(f"the manifest's created_at is not usable: {exc}") from None

    entries = manifest.get("tables")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _Refused("the manifest has no table list")
    expected = [t.name for t in metadata.sorted_tables]
    found = [e.get("name") for e in entries]
    if sorted(map(str, found)) != sorted(expected):
        raise _Refused(f"the backup holds tables {found}, a store has {expected}")
    by_name = {e["name"]: e for e in entries}
    manifest["tables"] = [by_name[name] for name in expected]  # restore order, whatever the file says
    for entry in manifest["tables"]:
        table = metadata.tables[entry["name"]]
        columns = [c.name for c in table.columns]
        found = entry.get("columns")
        if found != columns:
            found = found if isinstance(found, list) else []
            extra = [str(c) for c in found if c not in columns]
            missing = [c for c in columns if c not in found]
            difference = (
                f"it has {extra or 'no other columns'}, lacks {missing or 'none of ours'}"
                if extra or missing
                else "the same columns in another order"
            )
            raise _Refused(f"table {table.name} has columns of another schema ({difference})")
        if type(entry.get("rows")) is not int or entry["rows"] < 0:
            raise _Refused(f"table {table.name} has no valid row count")
        if not isinstance(entry.get("sha256"), str) or not isinstance(entry.get("member"), str):
            raise _Refused(f"table {table.name} has no checksum or member name")
    return manifest


def _verify_member(zf: zipfile.ZipFile, entry: dict[str, Any]) -> None:
    """Check a member's checksum and row count reading fixed-size chunks (bounded memory
    whatever the member holds); a line over :data:`_MAX_LINE_BYTES` is refused on the spot."""
    digest, rows, line_bytes = hashlib.sha256(), 0, 0
    try:
        fh = zf.open(entry["member"])
    except KeyError:
        raise _Refused(f"{entry['member']} is missing") from None
    with fh:
        while chunk := fh.read(_CHUNK_BYTES):
            digest.update(chunk)
            start = 0
            while (end := chunk.find(b"\n", start)) != -1:
                line_bytes += end - start
                _refuse_long_line(entry, rows + 1, line_bytes)
                rows, line_bytes, start = rows + 1, 0, end + 1
            line_bytes += len(chunk) - start
            _refuse_long_line(entry, rows + 1, line_bytes)
    if digest.hexdigest() != entry["sha256"]:
        raise _Refused(f"{entry['member']} does not match its checksum: the file was altered or damaged")
    if rows != entry["rows"]:
        raise _Refused(f"{entry['member']} holds {rows} row(s), the manifest says {entry['rows']}")


def _refuse_long_line(entry: dict[str, Any], number: int, length: int) -> None:
    if length > _MAX_LINE_BYTES:
        raise _Refused(f"{entry['member']} line {number} is longer than {_MAX_LINE_BYTES:,} bytes: not a backup row")


# --- restore ----------------------------------------------------------------------------------


def restore(
    store: Store,
    path: str | os.PathLike,
    *,
    replace: bool = False,
    keep_store_id: bool = False,
) -> RestoreReport:
    """Load backup ``path`` into ``store``, in one transaction.

    The file is checked completely first (:func:`read_manifest`); a bad file is an
    :class:`InputError` and the store is not touched. The store is then migrated
    (a no-op unless it is brand new) and must be at the backup's schema revision.
    A store holding any incident, source or audit entry is refused unless
    ``replace`` is true, in which case everything in it is replaced. See the
    module notes for ``keep_store_id``.
    """
    path = Path(path)
    manifest = read_manifest(path, verify=True)
    revision = manifest["schema_revision"]
    store.migrate()
    with store._guard("restoring"), store._write() as conn:
        current = _current_revision(conn)
        if current != revision:
            raise InputError(
                f"{path}: the backup has schema revision {revision}, the store is at {current}; "
                "restore it with the Incident Atlas version that made it, then upgrade"
            )
        present = _row_counts(conn)
        data_rows = {name: n for name, n in present.items() if name != meta_table.name}
        if any(data_rows.values()) and not replace:
            raise InputError(
                f"the store is not empty ({_describe(data_rows)}); restoring would mix two datasets. "
                "Replace everything in it with replace=True (python -m geo restore --replace)"
            )
        for table in reversed(metadata.sorted_tables):  # children first: no dangling references
            conn.execute(sa.delete(table))
        try:
            with zipfile.ZipFile(path) as zf:
                rows = {
                    entry["name"]: _load_table(conn, zf, metadata.tables[entry["name"]], entry, keep_store_id)
                    for entry in manifest["tables"]
                }
        except (_BadValue, _Refused, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            # The file changed or was unreadable after the check: the transaction rolls back.
            raise InputError(f"{path}: restore abandoned, nothing changed: {exc}") from None
        _reset_sequences(conn)
    return RestoreReport(
        path=path,
        schema_revision=revision,
        created_at=manifest["created_at"],
        rows=rows,
        replaced=dict(data_rows) if replace else {},
    )


def _row_counts(conn: Connection) -> dict[str, int]:
    return {
        table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


def _insert_statement(table: sa.Table, dialect: str) -> sa.Insert:
    """INSERT of every column from bind parameters ``v_<column>``.

    JSON columns are bound as text (the backup holds their stored text): PostgreSQL
    needs a cast to json; SQLite stores JSON as text already, and a CAST there would
    apply numeric affinity to the type name JSON.
    """
    values = {}
    for column in table.columns:
        if _is_json(column):
            param = sa.bindparam(f"v_{column.name}", type_=sa.Text)
            values[column.name] = param if dialect == "sqlite" else sa.cast(param, column.type)
        else:
            values[column.name] = sa.bindparam(f"v_{column.name}", type_=column.type)
    return sa.insert(table).values(values)


def _load_table(conn: Connection, zf: zipfile.ZipFile, table: sa.Table, entry, keep_store_id: bool) -> int:
    decoders = [_codec(c)[1] for c in table.columns]
    keys = [f"v_{c.name}" for c in table.columns]
    statement = _insert_statement(table, conn.dialect.name)
    rows = 0
    for batch in _batches(_rows(zf, table, entry, decoders)):
        if table is meta_table and not keep_store_id:
            batch = [_with_new_store_id(row) for row in batch]
        conn.execute(statement, [dict(zip(keys, row)) for row in batch])
        rows += len(batch)
    if rows != entry["rows"]:
        raise _Refused(f"{entry['member']} changed after it was checked")
    return rows


def _rows(zf: zipfile.ZipFile, table: sa.Table, entry, decoders) -> Iterator[list]:
    width = len(decoders)
    with zf.open(entry["member"]) as fh:
        for number, line in enumerate(fh, start=1):
            where = f"{entry['member']} line {number}"
            try:
                values = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise _BadValue(f"{where} is not JSON") from None
            if not isinstance(values, list) or len(values) != width:
                raise _BadValue(f"{where} does not hold {width} values")
            try:
                row = [decode(value) for decode, value in zip(decoders, values)]
            except _BadValue as exc:
                raise _BadValue(f"{where}: {exc}") from None
            if table is incidents_table:
                _check_incident(row, where)
            yield row


_INCIDENT_COLUMNS = [c.name for c in incidents_table.columns]


def _check_incident(row: list, where: str) -> None:
    """The incident limits every other way in applies (:func:`geo.incidents.validate_incident`).

    Strict, as every write is: a row the source store kept from before a limit existed is
    refused here too, with the way to find and fix such rows where they are (``geo check``).
    """
    values = dict(zip(_INCIDENT_COLUMNS, row))
    values["sources"] = values["sources_json"]
    try:
        incident_from_row(values, source=where)
    except ValidationError as exc:
        first = exc.problems[0]
        raise _BadValue(
            f"{where}: {first.field}: {first.reason} (`python -m geo check` on the store this backup came from "
            "lists every such row; fix them there, in the Edit tab, and back up again)"
        ) from None


def _batches(rows: Iterator[list]) -> Iterator[list[list]]:
    batch: list[list] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _with_new_store_id(row: list) -> list:
    key_at = [c.name for c in meta_table.columns].index("key")
    if row[key_at] != "store_id":
        return row
    value_at = [c.name for c in meta_table.columns].index("value")
    row = list(row)
    row[value_at] = uuid.uuid4().hex[:12]  # the same shape the initial migration gives it
    return row


def _reset_sequences(conn: Connection) -> None:
    """Point PostgreSQL's id sequences past the restored ids.

    Rows restored with explicit ids (audit_log.id) do not advance a serial's
    sequence; without this the next audit entry would collide with a restored one.
    SQLite needs nothing: a rowid key continues from the largest id present.
    """
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE((SELECT MAX({conn.dialect.identifier_preparer.quote(column.name)}) "
                f"FROM {conn.dialect.identifier_preparer.format_table(table)}), 0) + 1, false)"
            ),
            {"table": conn.dialect.identifier_preparer.format_table(table), "column": column.name},
        )
