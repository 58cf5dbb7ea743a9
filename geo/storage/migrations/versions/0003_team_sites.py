"""sites: gazetteer sites added by editors from the app ("team sites").

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-02

The curated gazetteer is a CSV in the repository; on a team deployment
(PostgreSQL, several app servers) nobody can write to it from the app. Sites
added from the Ingest page live here instead, one row per site with the same
fields as a gazetteer.csv row (aliases "|"-joined, as in the CSV) plus who
added it and when. ``geo.places.gazetteer.load_default`` layers them right under the
curated sites; curators fold them into the CSV with
``python -m geo gazetteer export-team``.

``meta.sites_version`` is bumped by every add or remove, so caches of the
gazetteer can key on it without bumping ``data_version`` (which would rebuild
the incident snapshot for a change that touches no incident).

The table is written out here rather than imported from ``geo.storage.store`` so that
this revision keeps creating the same table when the model moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sites",
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
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(meta, [{"key": "sites_version", "value": "0"}])


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'sites_version'")
    op.drop_table("sites")
