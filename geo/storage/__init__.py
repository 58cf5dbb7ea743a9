"""Storage: where incidents live and how the app reads them fast.

:mod:`.store` is the incident store (SQLAlchemy; SQLite by default, PostgreSQL for a team) with its Alembic
:mod:`.migrations`; :mod:`.snapshot` is the in-memory, delta-refreshed copy the app filters; :mod:`.backup`
writes and restores the whole store as one file.
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "Store": "store",
    "Snapshot": "snapshot",
    "read_manifest": "backup",
    "restore": "backup",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
