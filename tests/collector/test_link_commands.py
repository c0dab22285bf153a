"""issue-link and revoke-links: what a collector runs to send someone their link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Event, MagicLink
from portal.models.types import utcnow


def _url(result) -> str:
    return result.stdout.strip().splitlines()[-1]


def _links() -> list[MagicLink]:
    db.session.expire_all()
    return db.session.scalars(select(MagicLink).order_by(MagicLink.id)).all()


def test_issue_link_prints_the_full_url_last(runner, make_account, client):
    account = make_account(reference="ACC-1")
    result = runner.invoke(args=["issue-link", "ACC-1"])

    assert result.exit_code == 0, result.output
    url = _url(result)
    assert url.startswith("http://portal.test/l/")
    (link,) = _links()
    assert link.account_id == account.id
    assert client.get(url.removeprefix("http://portal.test")).status_code == 303


def test_issue_link_uses_the_default_lifetime(runner, make_account, app):
    make_account(reference="ACC-1")
    runner.invoke(args=["issue-link", "ACC-1"])
    (link,) = _links()
    expected = utcnow() + timedelta(days=app.config["LINK_DAYS"])
    assert abs(link.expires_at - expected) < timedelta(minutes=1)


def test_issue_link_days_sets_the_expiry(runner, make_account):
    make_account(reference="ACC-1")
    result = runner.invoke(args=["issue-link", "ACC-1", "--days", "3"])
    assert result.exit_code == 0, result.output
    (link,) = _links()
    assert abs(link.expires_at - (utcnow() + timedelta(days=3))) < timedelta(minutes=1)


def test_issue_link_refuses_zero_days(runner, make_account):
    make_account(reference="ACC-1")
    result = runner.invoke(args=["issue-link", "ACC-1", "--days", "0"])
    assert result.exit_code != 0
    assert _links() == []


def test_issue_link_records_link_issued_on_the_timeline(runner, make_account):
    account = make_account(reference="ACC-1")
    runner.invoke(args=["issue-link", "ACC-1"])
    kinds = db.session.scalars(select(Event.kind).where(Event.account_id == account.id)).all()
    assert kinds == ["link_issued"]


def test_a_reference_at_two_creditors_needs_creditor(runner, make_account):
    make_account(reference="SHARED-1", creditor_slug="acme", creditor_name="Acme Bank")
    globex = make_account(
        reference="SHARED-1",
        creditor_slug="globex",
        creditor_name="Globex",
        full_name="John Roe",
        email="john@example.com",
    )

    ambiguous = runner.invoke(args=["issue-link", "SHARED-1"])
    assert ambiguous.exit_code != 0
    assert "--creditor" in ambiguous.stderr
    assert "acme" in ambiguous.stderr and "globex" in ambiguous.stderr
    assert _links() == []

    chosen = runner.invoke(args=["issue-link", "SHARED-1", "--creditor", "globex"])
    assert chosen.exit_code == 0, chosen.output
    (link,) = _links()
    assert link.account_id == globex.id
    assert _url(chosen).startswith("http://portal.test/l/")


def test_unknown_reference_exits_non_zero_with_a_message(runner, make_account):
    make_account(reference="ACC-1")
    result = runner.invoke(args=["issue-link", "NOPE-9"])
    assert result.exit_code != 0
    assert "No account with reference 'NOPE-9'" in result.stderr
    assert _links() == []


def test_unknown_creditor_exits_non_zero(runner, make_account):
    make_account(reference="ACC-1", creditor_slug="acme")
    result = runner.invoke(args=["issue-link", "ACC-1", "--creditor", "globex"])
    assert result.exit_code != 0
    assert "globex" in result.stderr


def test_revoke_links_makes_every_issued_link_stop_working(runner, make_account, client):
    make_account(reference="ACC-1")
    urls = [_url(runner.invoke(args=["issue-link", "ACC-1"])) for _ in range(2)]
    paths = [u.removeprefix("http://portal.test") for u in urls]

    result = runner.invoke(args=["revoke-links", "ACC-1"])

    assert result.exit_code == 0, result.output
    assert "Revoked 2 link(s)" in result.stdout
    for path in paths:
        assert client.get(path).status_code == 410
    assert all(link.revoked_at is not None for link in _links())


def test_revoke_links_for_unknown_reference_exits_non_zero(runner, app):
    result = runner.invoke(args=["revoke-links", "NOPE-9"])
    assert result.exit_code != 0
    assert "No account with reference" in result.stderr
