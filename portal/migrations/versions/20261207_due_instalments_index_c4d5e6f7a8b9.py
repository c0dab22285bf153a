"""An index on the instalments still to be charged, by the day they are due: the runner's claim.

Revision ID: c4d5e6f7a8b9
Revises: b7c8d9e0f1a2
Create Date: 2026-12-07 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4d5e6f7a8b9"
down_revision = "b7c8d9e0f1a2"
branch_labels = None
depends_on = None

_SCHEDULED = sa.text("status = 'scheduled'")


def upgrade():
    # Partial: paid, missed and cancelled instalments pile up for ever, while the runner only
    # ever asks for scheduled ones whose day has come, oldest first.
    op.create_index(
        "ix_instalments_due",
        "instalments",
        ["next_attempt_on", "id"],
        postgresql_where=_SCHEDULED,
        sqlite_where=_SCHEDULED,
    )


def downgrade():
    op.drop_index("ix_instalments_due", table_name="instalments")
