"""Shared by the timeline tests: an account with a short history, and a way round the database's
append-only guard, as someone with direct access to the database would take."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from portal import timeline
from portal.extensions import db
from portal.models import Event


@pytest.fixture
def history(app, make_account):
    """An account with five events; returns it and their ids in timeline order."""

    def make(reference="ACC-1", creditor_slug="acme"):
        account = make_account(reference=reference, creditor_slug=creditor_slug)
        for n in range(1, 6):
            timeline.record(account, "note_added", actor="collector", n=n)
        db.session.commit()
        ids = db.session.scalars(
            select(Event.id).where(Event.account_id == account.id).order_by(Event.seq)
        ).all()
        return account, ids

    return make


@pytest.fixture
def tamper(app):
    """Run statements against events with the append-only triggers lifted, then put them back."""
    postgres = db.engine.dialect.name == "postgresql"

    def run(*statements):
        if postgres:
            db.session.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
        else:
            for action in ("update", "delete"):
                db.session.execute(text(f"DROP TRIGGER IF EXISTS events_no_{action}"))
        for statement, params in statements:
            db.session.execute(statement if not isinstance(statement, str) else text(statement), params)
        if postgres:
            db.session.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
        db.session.commit()

    yield run
    if postgres:  # the PostgreSQL database outlives the test; never leave its guard off
        db.session.rollback()
        db.session.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
        db.session.commit()
