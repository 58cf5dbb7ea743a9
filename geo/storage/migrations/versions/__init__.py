"""Alembic revisions of the incident store, oldest first."""
