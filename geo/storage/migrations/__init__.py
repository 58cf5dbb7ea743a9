"""Alembic migration environment of the incident store (driven by :meth:`geo.storage.store.Store.migrate`)."""
