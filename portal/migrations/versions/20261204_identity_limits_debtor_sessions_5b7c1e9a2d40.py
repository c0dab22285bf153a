"""Identity limits per account, and debtor sessions held on the server.

Revision ID: 5b7c1e9a2d40
Revises: 3c5e9a1d7b42
Create Date: 2026-12-04 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b7c1e9a2d40"
down_revision = "3c5e9a1d7b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_locked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("identity_counted_from", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "debtor_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["magic_links.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("debtor_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debtor_sessions_account_id"), ["account_id"], unique=False)


def downgrade():
    with op.batch_alter_table("debtor_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debtor_sessions_account_id"))
    op.drop_table("debtor_sessions")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("identity_counted_from")
        batch_op.drop_column("identity_locked_at")
