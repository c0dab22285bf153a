"""Used SetupIntents: a SetupIntent's card pays once, however often its form is sent.

Revision ID: 5c1e9a7d2b40
Revises: 5c1f0e7a9b42
Create Date: 2026-12-04 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e9a7d2b40"
# The chain's head today (the brief named e7ee3b366b39, which efd613f51005 already follows).
down_revision = "5c1f0e7a9b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "used_setup_intents",
        sa.Column("stripe_setup_intent_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("stripe_setup_intent_id"),
    )
    with op.batch_alter_table("used_setup_intents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_used_setup_intents_account_id"), ["account_id"], unique=False)


def downgrade():
    with op.batch_alter_table("used_setup_intents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_setup_intents_account_id"))
    op.drop_table("used_setup_intents")
