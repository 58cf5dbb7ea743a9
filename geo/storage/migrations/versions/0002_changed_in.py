"""incidents.changed_in: the data_version at which each row was last written.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-01

The dashboard snapshot (``geo.storage.snapshot``) is keyed by ``data_version``; with
this column it can read only the rows written after the version it already
holds (``WHERE changed_in > :old``) instead of rebuilding from the full table.
Rows that exist before this revision get 0: any snapshot older than the
migration is older than every row, so a refresh from it reads them all (and
falls back to a full build, which is what it would have done anyway).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("changed_in", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_incidents_changed_in", "incidents", ["changed_in"])


def downgrade() -> None:
    op.drop_index("ix_incidents_changed_in", table_name="incidents")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("changed_in")
