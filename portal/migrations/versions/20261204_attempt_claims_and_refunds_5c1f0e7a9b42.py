"""A claim on each card attempt while a request is talking to Stripe for it, and over-payment refunds.

Revision ID: 5c1f0e7a9b42
Revises: 178cacbd9c3f
Create Date: 2026-12-04 16:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1f0e7a9b42"
down_revision = "178cacbd9c3f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refunded", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("stripe_refund_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_payments_stripe_refund_id", ["stripe_refund_id"])


def downgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_payments_stripe_refund_id", type_="unique")
        batch_op.drop_column("stripe_refund_id")
        batch_op.drop_column("refunded")
    with op.batch_alter_table("payment_attempts", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
