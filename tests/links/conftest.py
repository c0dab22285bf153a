"""Helpers for link and identity tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import MagicLink
from portal.models.types import utcnow


def link_for(account) -> MagicLink:
    db.session.expire_all()
    return db.session.scalars(
        select(MagicLink).where(MagicLink.account_id == account.id).order_by(MagicLink.id.desc())
    ).first()


def move_into_past(link: MagicLink, column: str) -> None:
    """Set a link's timestamp column a minute into the past, as if time had passed."""
    setattr(link, column, utcnow() - timedelta(minutes=1))
    db.session.commit()


@pytest.fixture
def opened(client, issue_link):
    """Open a fresh link for the account, leaving the session waiting for the identity check."""

    def open_(account, days=None):
        response = client.get(issue_link(account, days=days))
        assert response.status_code == 303
        return client

    return open_
