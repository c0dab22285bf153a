"""The account number a debt had on the itemization date, as the model validation notice shows it.

Revision ID: b7c8d9e0f1a2
Revises: e5f6a7b8c9d0
Create Date: 2026-12-06 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7c8d9e0f1a2"
down_revision = "e5f6a7b8c9d0"
branch_labels = None
depends_on = None


def upgrade():
    # Regulation F's Model Form B-1 names the account by the number it had with the creditor on
    # the itemization date, which a person recognises from their old bills; our reference is ours.
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("original_account_number", sa.String(length=50), nullable=True))


def downgrade():
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("original_account_number")
