"""The head keeps the hash before its last event, so PostgreSQL appends an event in one statement.

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-12-07 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d5e6f7a8b9c0"
down_revision = "c4d5e6f7a8b9"
branch_labels = None
depends_on = None


def upgrade():
    # An upsert's RETURNING sees only the row it wrote: the event it appends takes its prev_hash
    # from here, set by the same upsert from the hash it replaced.
    with op.batch_alter_table("timeline_heads") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("timeline_heads") as batch:
        batch.drop_column("prev_hash")
