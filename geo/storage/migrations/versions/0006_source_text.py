"""incidents.source_text: the sources' outlet, URL, title and evidence as one text per incident.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

What the dashboard's free-text filter searches besides the incident's own columns
(see :mod:`geo.storage.snapshot`). Building it with a GROUP BY over ``sources`` was the
slowest part of a snapshot build at a million incidents; the store now keeps this
denormalised copy on every write, as it keeps ``sources_json``. Each source gives
``outlet\\nurl\\ntitle\\nevidence``, sources joined by a newline in position order; ""
for an incident without sources. Existing rows are backfilled here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BACKFILL = {
    "sqlite": (
        "UPDATE incidents SET source_text = COALESCE((SELECT group_concat(t, char(10)) FROM ("
        "SELECT outlet || char(10) || url || char(10) || title || char(10) || evidence AS t FROM sources"
        " WHERE sources.incident_id = incidents.id ORDER BY position)), '')"
    ),
    "postgresql": (
        "UPDATE incidents SET source_text = COALESCE((SELECT string_agg(outlet || E'\\n' || url || E'\\n' || title"
        " || E'\\n' || evidence, E'\\n' ORDER BY position) FROM sources WHERE sources.incident_id = incidents.id), '')"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("source_text", sa.Text, nullable=False, server_default=""))
    dialect = op.get_bind().dialect.name
    op.execute(_BACKFILL.get(dialect, _BACKFILL["postgresql"]))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("source_text")
