"""Alembic migration environment of the incident store (driven by :meth:`geo.store.Store.migrate`)."""
