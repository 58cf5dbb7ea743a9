"""Load a large frame of new incidents into an empty store fast: benchmarks, tests, demos.

:meth:`geo.storage.store.Store.upsert_many` compares every incident with the stored one
and writes an audit entry for each (~150 s for a million on PostgreSQL). For a
synthetic set going into an empty store none of that is needed: :func:`bulk_insert`
writes what ``upsert_many`` would (incidents with their denormalised sources, the
``sources`` rows, one data-version bump stamped on the rows) in one transaction,
through ``executemany`` on SQLite and ``COPY`` on PostgreSQL, with no audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pandas as pd

from geo.config import utc_instant
from geo.storage.store import Store, incidents_table, source_text, sources_table

__all__ = ["bulk_insert"]

_EXTRA = ("sources_json", "source_text", "version", "created_at", "updated_at", "deleted_at", "changed_in")


def bulk_insert(store: Store, frame: pd.DataFrame, *, chunk: int = 50_000, now: dt.datetime | None = None) -> int:
    """Insert the rows of ``frame`` (the :mod:`geo.view.frame` contract, new ids) in one transaction; the count.

    ``now`` (timezone-aware) stamps ``created_at``/``updated_at``; the current instant when None.
    """
    now = utc_instant(now)
    model = [c.name for c in incidents_table.columns if c.name not in _EXTRA]
    columns = {name: _column(frame[name], name) for name in model}
    sources_json = frame["sources"].tolist()
    names = [*model, *_EXTRA]
    source_names = [c.name for c in sources_table.columns]
    fields = source_names[2:]
    raw = store._engine.raw_connection()
    postgres = store._engine.dialect.name == "postgresql"
    try:
        cur = raw.cursor()
        if not postgres:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute("SELECT CAST(value AS INTEGER) + 1 FROM meta WHERE key = 'data_version'")
        changed_in = cur.fetchone()[0]  # the version the bump below gives (see geo.storage.store._bump_data_version)
        stamp: Any = now if postgres else now.strftime("%Y-%m-%d %H:%M:%S.%f")
        for start in range(0, len(frame), chunk):
            stop = min(len(frame), start + chunk)
            k = stop - start
            parsed = [orjson.loads(text) for text in sources_json[start:stop]]
            rows = zip(
                *(columns[c][start:stop] for c in model), sources_json[start:stop], [source_text(s) for s in parsed],
                [1] * k, [stamp] * k,
                [stamp] * k, [None] * k, [changed_in] * k,
            )  # fmt: skip
            source_rows = [
                (iid, pos, *(s.get(f) for f in fields))
                for iid, sources in zip(columns["id"][start:stop], parsed)
                for pos, s in enumerate(sources)
            ]
            _insert(cur, "incidents", names, rows, postgres)
            _insert(cur, "sources", source_names, source_rows, postgres)
        cur.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'")
        if postgres:
            raw.commit()
        else:
            cur.execute("COMMIT")
    except BaseException:
        if postgres:
            raw.rollback()
        elif raw.driver_connection.in_transaction:
            raw.driver_connection.rollback()
        raise
    finally:
        raw.close()
    if postgres:
        with store._engine.connect() as conn:  # fresh statistics, as Store.upsert_many does after a big write
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE) incidents, sources")
    return len(frame)


def _column(series: pd.Series, name: str) -> list:
    if name == "date":
        return series.dt.strftime("%Y-%m-%d").tolist()
    if name in ("geo_precision", "source_count"):
        return series.astype("int64").tolist()
    if name == "intercepted":
        return series.astype(bool).tolist()
    if name in ("lat", "lon"):
        return series.astype("float64").tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _insert(cur, table: str, names: list[str], rows, postgres: bool) -> None:
    if postgres:
        with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        cur.executemany(sql, rows)
