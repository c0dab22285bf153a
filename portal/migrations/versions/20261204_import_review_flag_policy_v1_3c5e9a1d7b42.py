"""Accounts a person must look at (needs_review, review_reason); every creditor gets policy version 1.

Version 1 used to be written on the first read of a creditor's policy, which let two page views
race on uq_policy_version. It is now written with the creditor; this backfills creditors that
have none. Accounts an earlier import left owing less than was paid are flagged for a person.

Revision ID: 3c5e9a1d7b42
Revises: addcea223916
Create Date: 2026-12-04 16:40:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "3c5e9a1d7b42"
down_revision = "addcea223916"
branch_labels = None
depends_on = None

# The defaults of portal.domain.policy.Policy on this date, frozen here as the migration's data.
DEFAULT_POLICY = {
    "currency": "USD",
    "part_payments": True,
    "part_minimum": 1000,
    "settlement": True,
    "settlement_max_discount_pct": 20,
    "settlement_days": 30,
    "instalments": True,
    "frequencies": ["weekly", "every_two_weeks", "monthly"],
    "instalment_minimum": 2500,
    "max_instalments": 24,
    "max_duration_days": 730,
    "first_payment_within_days": 30,
    "down_payment_required": False,
    "down_payment_minimum": 0,
    "small_final_payment": True,
    "grace_days": 3,
    "retry_days": [3, 7],
    "misses_before_broken": 2,
    "hardship_pause_days": 30,
}
OVERPAID_REASON = "paid more than owed: an earlier import lowered the amounts"


def upgrade():
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("review_reason", sa.String(length=120), nullable=True))

    bind = op.get_bind()
    without_policy = bind.execute(
        sa.text(
            "SELECT id FROM creditors WHERE NOT EXISTS "
            "(SELECT 1 FROM creditor_policies p WHERE p.creditor_id = creditors.id)"
        )
    ).scalars()
    policies = sa.table(
        "creditor_policies",
        sa.column("creditor_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("settings", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    rows = [
        {"creditor_id": cid, "version": 1, "settings": DEFAULT_POLICY, "created_at": now}
        for cid in without_policy
    ]
    if rows:
        op.bulk_insert(policies, rows)

    bind.execute(
        sa.text(
            "UPDATE accounts SET needs_review = :yes, review_reason = :reason "
            "WHERE principal + interest + fees - forgiven < "
            "(SELECT COALESCE(SUM(amount), 0) FROM payments WHERE payments.account_id = accounts.id)"
        ),
        {"yes": True, "reason": OVERPAID_REASON},
    )


def downgrade():
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("review_reason")
        batch_op.drop_column("needs_review")
