"""Debtors' side for US readers: each creditor's country, and what a debt is for.

Revision ID: e5f6a7b8c9d0
Revises: 9d4e6f1a2c8b
Create Date: 2026-12-06 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5f6a7b8c9d0"
down_revision = "9d4e6f1a2c8b"
branch_labels = None
depends_on = None


def upgrade():
    # The country chooses the English (US or British) and how dates and money are written.
    with op.batch_alter_table("creditors") as batch:
        batch.add_column(sa.Column("country", sa.String(length=2), nullable=False, server_default="US"))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("description", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("service_date", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("service_date")
        batch.drop_column("description")
    with op.batch_alter_table("creditors") as batch:
        batch.drop_column("country")
