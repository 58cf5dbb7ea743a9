"""sign_in_failures: failed editor sign-ins, counted per user name and per client address.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Counted in the store so that every session of every app server sharing it sees the
same count: a reload, a new browser or another server behind the load balancer does
not start the count again (see :mod:`geo.lockout`). One row per key
(``user:<name>`` or ``address:<ip>``): how many failures in a row, and when the last
one was. A success deletes the row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
