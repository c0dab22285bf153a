"""Payments received outside the portal (no PaymentIntent; a method and reference unique on the
account) and the refunds supervisors make through Stripe, each written before Stripe is asked.

Revision ID: 2ffd939379d4
Revises: 0a469ad8a5e6
Create Date: 2026-12-06 01:45:21.644560

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2ffd939379d4"
down_revision = "0a469ad8a5e6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("live_payment_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("stripe_refund_id", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "succeeded", "failed", name="refund_status", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("failure_code", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("live_payment_id"),
        sa.UniqueConstraint("stripe_refund_id"),
    )
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_refunds_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_refunds_payment_id"), ["payment_id"], unique=False)

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=100), nullable=True))
        batch_op.alter_column("stripe_payment_intent_id", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(
            "uq_payments_outside_reference", ["account_id", "method", "reference"]
        )


def downgrade():
    # The older schema has no place for money that came without a PaymentIntent; dropping those
    # rows would lose money received, so a person must decide first.
    outside = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM payments WHERE stripe_payment_intent_id IS NULL")
    )
    if outside:
        raise RuntimeError(
            f"{outside} payment(s) were received outside the portal and have no PaymentIntent; "
            "the older schema cannot hold them. Export and remove them before downgrading."
        )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_payments_outside_reference", type_="unique")
        batch_op.alter_column("stripe_payment_intent_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("reference")

    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_refunds_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_refunds_account_id"))

    op.drop_table("payment_refunds")
