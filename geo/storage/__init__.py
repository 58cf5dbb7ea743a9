"""Storage: where incidents live and how the app reads them fast.

:mod:`.store` is the incident store (SQLAlchemy; SQLite by default, PostgreSQL for a team) with its Alembic
:mod:`.migrations`; :mod:`.snapshot` is the in-memory, delta-refreshed copy the app filters; :mod:`.query`
runs the filters as SQL and streams the incidents that pass them in chunks (exports); :mod:`.bulkload`
fills an empty store fast (benchmarks, tests); :mod:`.backup` writes and restores the whole store as one file.
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "Store": "store",
    "Snapshot": "snapshot",
    "iter_chunks": "query",
    "bulk_insert": "bulkload",
    "read_manifest": "backup",
    "restore": "backup",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
