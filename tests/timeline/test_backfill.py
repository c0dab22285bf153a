"""The migration chains the events written before it, in the order they were written."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import DBAPIError

from portal import create_app, timeline
from portal.extensions import db

BEFORE_CHAIN = "addcea223916"
POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_SERVER", "")
WRITTEN = datetime(2026, 11, 30, 12, 0, 0, 654321, tzinfo=UTC)

creditors = sa.table(
    "creditors", sa.column("id"), sa.column("slug"), sa.column("name"), sa.column("timezone"),
    sa.column("created_at", sa.DateTime(timezone=True)),
)  # fmt: skip
debtors = sa.table(
    "debtors", sa.column("id"), sa.column("full_name"), sa.column("created_at", sa.DateTime(timezone=True))
)
accounts = sa.table(
    "accounts", sa.column("id"), sa.column("creditor_id"), sa.column("debtor_id"), sa.column("reference"),
    sa.column("currency"), sa.column("principal"), sa.column("interest"), sa.column("fees"),
    sa.column("status"), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)  # fmt: skip
events = sa.table(
    "events", sa.column("id"), sa.column("account_id"), sa.column("kind"), sa.column("actor"),
    sa.column("data", sa.JSON), sa.column("created_at", sa.DateTime(timezone=True)),
)  # fmt: skip


@pytest.fixture
def empty_database_url(tmp_path):
    if not POSTGRES_SERVER:
        yield f"sqlite:///{tmp_path / 'backfill.db'}"
        return
    name = f"portal_backfill_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield POSTGRES_SERVER.replace("postgresql://", "postgresql+psycopg://") + "/" + name
    with psycopg.connect(POSTGRES_SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_existing_events_are_chained_in_the_order_they_were_written(empty_database_url):
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=BEFORE_CHAIN)
        ids = _write_old_history()
        upgrade()

        rows = db.session.execute(sa.text("SELECT account_id, kind, seq FROM events ORDER BY id")).all()
        assert [(r.account_id, r.kind, r.seq) for r in rows] == [
            (ids["OLD-1"], "link_issued", 1),
            (ids["OLD-1"], "link_opened", 2),
            (ids["OLD-2"], "account_imported", 1),
            (ids["OLD-1"], "balance_viewed", 3),
        ]
        results = {r.reference: r for r in timeline.verify()}
        assert results["OLD-1"].breaks == [] and results["OLD-1"].events == 3
        assert results["OLD-2"].breaks == [] and results["OLD-2"].events == 1
        assert results["EMPTY"].breaks == [] and results["EMPTY"].events == 0

        # The chain goes on from where the migration left it.
        timeline.record(ids["OLD-1"], "note_added", actor="collector")
        db.session.commit()
        [checked] = timeline.verify(account_ids=[ids["OLD-1"]])
        assert checked.breaks == [] and checked.events == 4

        # The database's own append-only guard survives the migration (SQLite rebuilds the table).
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text("UPDATE events SET kind = 'x'"))
        db.session.rollback()

        downgrade(revision=BEFORE_CHAIN)
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM events"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def _write_old_history() -> dict[str, int]:
    """Events as the portal wrote them before the chain, one out of time order on purpose."""
    with db.engine.begin() as conn:

        def add(table, **values) -> int:
            return conn.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one()

        creditor = add(creditors, slug="acme", name="Acme", timezone="UTC", created_at=WRITTEN)
        debtor = add(debtors, full_name="Jane Doe", created_at=WRITTEN)
        ids = {
            reference: add(
                accounts,
                creditor_id=creditor,
                debtor_id=debtor,
                reference=reference,
                currency="USD",
                principal=1000,
                interest=0,
                fees=0,
                status="open",
                created_at=WRITTEN,
                updated_at=WRITTEN,
            )  # fmt: skip
            for reference in ("OLD-1", "OLD-2", "EMPTY")
        }
        history = [
            ("OLD-1", "link_issued", "collector", {"link_id": 1}, WRITTEN),
            ("OLD-1", "link_opened", "debtor", {"link_id": 1, "note": "ñ"}, WRITTEN + timedelta(seconds=5)),
            ("OLD-2", "account_imported", "collector", {}, WRITTEN),
            ("OLD-1", "balance_viewed", "debtor", {}, WRITTEN + timedelta(seconds=1)),
        ]
        for reference, kind, actor, data, at in history:
            add(events, account_id=ids[reference], kind=kind, actor=actor, data=data, created_at=at)
    return ids
