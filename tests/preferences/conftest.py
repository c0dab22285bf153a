"""Helpers for contact preference tests: a person reachable every way, and what the tables hold."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OptOut
from tests.helpers.pages import check_page


def check_error_page(html: str) -> str:
    """The shared page check for a page showing errors: its title starts "Error: " then the h1."""
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.lstrip().startswith("Error: "), title
    return check_page(html.replace(title, title.lstrip().removeprefix("Error: "), 1))


@pytest.fixture
def reachable(make_account):
    """An account whose person has an email address, a phone number and a postal code."""

    def make(reference="ACC-1", *, zone=None, **options):
        account = make_account(reference, **options)
        account.debtor.phone = "+1 217 555 0142"
        account.timezone = zone
        db.session.commit()
        return account

    return make


def stop(debtor, *channels):
    for channel in channels:
        db.session.add(OptOut(debtor_id=debtor.id, channel=channel))
    db.session.commit()


def stopped(debtor) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(OptOut.channel).where(OptOut.debtor_id == debtor.id)))
