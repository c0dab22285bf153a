"""Helpers for link and identity tests."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Event, MagicLink
from portal.models.types import utcnow


def event_kinds(account) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event.kind).where(Event.account_id == account.id).order_by(Event.id)
    ).all()


def link_for(account) -> MagicLink:
    db.session.expire_all()
    return db.session.scalars(
        select(MagicLink).where(MagicLink.account_id == account.id).order_by(MagicLink.id.desc())
    ).first()


def move_into_past(link: MagicLink, column: str) -> None:
    """Set a link's timestamp column a minute into the past, as if time had passed."""
    setattr(link, column, utcnow() - timedelta(minutes=1))
    db.session.commit()


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "page has no <title>"
    return match.group(1).strip()


def html_lang(html: str) -> str:
    match = re.search(r'<html[^>]*\blang="([^"]*)"', html)
    assert match, "page has no <html lang>"
    return match.group(1)


def dob_answer(day, month, year) -> dict:
    return {"day": str(day), "month": str(month), "year": str(year)}


@pytest.fixture
def opened(client, issue_link):
    """Open a fresh link for the account, leaving the session waiting for the identity check."""

    def open_(account, days=None):
        response = client.get(issue_link(account, days=days))
        assert response.status_code == 303
        return client

    return open_
