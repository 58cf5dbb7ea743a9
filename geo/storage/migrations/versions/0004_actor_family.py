"""incidents.actor_family: the family of each incident's actor (geo.actors.FAMILIES).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

The dashboard filters and colours by family (Iran-aligned militias, Iran,
US, coalition, ISIS, other, unknown), and an importer may know a family the
actor's name alone does not say (ACLED's associated actors), so it is stored.
Rows written before this revision get the family their actor's name gives
(:func:`geo.actors.family_of`), computed here once per distinct actor.

The family table is read from ``geo.actors`` at upgrade time: it is data that
only grows, and an older table would only leave more rows "other".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from geo.actors import family_of

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("actor_family", sa.String(16), nullable=False, server_default="unknown"))
    op.create_index("ix_incidents_actor_family", "incidents", ["actor_family"])
    conn = op.get_bind()
    incidents = sa.table("incidents", sa.column("actor", sa.Text), sa.column("actor_family", sa.String))
    actors = [row[0] for row in conn.execute(sa.select(incidents.c.actor).distinct())]
    for actor in actors:
        family = family_of(actor)
        if family != "unknown":
            conn.execute(sa.update(incidents).where(incidents.c.actor == actor).values(actor_family=family))


def downgrade() -> None:
    op.drop_index("ix_incidents_actor_family", table_name="incidents")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("actor_family")
