"""Hash-chain every account's timeline: seq, prev_hash and hash on events; timeline_heads.

Existing events are chained in the order they were written (their ids).

Revision ID: 178cacbd9c3f
Revises: 5b7c1e9a2d40
Create Date: 2026-12-04 16:30:00

"""

from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from portal.domain.timeline_chain import GENESIS, link_hash, normalized

# revision identifiers, used by Alembic.
revision = "178cacbd9c3f"
down_revision = "5b7c1e9a2d40"
branch_labels = None
depends_on = None

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("account_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("actor", sa.String),
    sa.column("data", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("seq", sa.Integer),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
heads = sa.table(
    "timeline_heads",
    sa.column("account_id", sa.Integer),
    sa.column("length", sa.Integer),
    sa.column("hash", sa.String),
)


def upgrade():
    op.create_table(
        "timeline_heads",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with _append_only_lifted():
        with op.batch_alter_table("events", schema=None) as batch_op:
            batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        _chain_existing_events()
        with op.batch_alter_table("events", schema=None) as batch_op:
            batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
            batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.create_index("uq_events_account_seq", ["account_id", "seq"], unique=True)


def downgrade():
    with _append_only_lifted():
        with op.batch_alter_table("events", schema=None) as batch_op:
            batch_op.drop_index("uq_events_account_seq")
            batch_op.drop_column("hash")
            batch_op.drop_column("prev_hash")
            batch_op.drop_column("seq")
    op.drop_table("timeline_heads")


def _chain_existing_events():
    bind = op.get_bind()
    account_ids = bind.scalars(sa.select(events.c.account_id).distinct().order_by(events.c.account_id)).all()
    for account_id in account_ids:
        rows = bind.execute(
            sa.select(events.c.id, events.c.kind, events.c.actor, events.c.data, events.c.created_at)
            .where(events.c.account_id == account_id)
            .order_by(events.c.id)
        ).all()
        prev = GENESIS
        for seq, row in enumerate(rows, start=1):
            created_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
            data = normalized(row.data or {})
            digest = link_hash(account_id, seq, row.kind, row.actor, data, created_at, prev)
            bind.execute(
                events.update().where(events.c.id == row.id).values(seq=seq, prev_hash=prev, hash=digest)
            )
            prev = digest
        bind.execute(heads.insert().values(account_id=account_id, length=len(rows), hash=prev))


@contextmanager
def _append_only_lifted():
    """The database refuses to change events (the first migration's triggers); lift that here only.

    On SQLite a batch that rebuilds the table drops its triggers too, so they are made again.
    """
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
    elif dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS events_no_{action}")
    yield
    if dialect == "postgresql":
        op.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    elif dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                "BEGIN SELECT RAISE(ABORT, 'timeline events are append-only'); END"
            )
