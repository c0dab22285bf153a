"""What a signed-in page asks the database: the link, its account, the person and the creditor
come in one statement (issue 16 counts statements per page; bench/pages.py reports them)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event

from portal.extensions import db


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("path", ["/account", "/options", "/about-this-debt"])
def test_the_link_account_person_and_creditor_are_read_together(
    make_account, sign_in, client, statements, path
):
    sign_in(make_account())
    statements.clear()

    assert client.get(path).status_code == 200

    reads = [s for s in statements if s.startswith("SELECT")]
    alone = [
        s for s in reads if re.match(r"SELECT (debtors|creditors)\.id\b.* FROM (debtors|creditors) WHERE", s)
    ]
    assert alone == [], alone
    (link_read,) = [s for s in reads if "FROM magic_links" in s and "magic_links.public_id =" in s]
    assert "JOIN accounts" in link_read and "JOIN debtors" in link_read and "JOIN creditors" in link_read


@pytest.mark.parametrize("path", ["/account", "/options", "/about-this-debt"])
def test_what_the_rules_read_is_read_once_and_nothing_is_read_again_after_the_view_is_noted(
    make_account, sign_in, client, statements, path
):
    sign_in(make_account())
    statements.clear()

    assert client.get(path).status_code == 200

    reads = [s for s in statements if s.startswith("SELECT")]
    for table in ("creditor_policies", "plans", "offers", "disputes"):
        assert len([s for s in reads if re.search(rf"\bFROM {table}\b", s)]) <= 1, (table, reads)
    # The account came with the link; the view is noted after the page is made, so the commit
    # that notes it does not send the page back for the account again.
    assert not [s for s in reads if re.match(r"SELECT accounts\.id, accounts\.creditor_id\b", s)], reads
    assert any("INSERT INTO events" in s for s in statements)


def test_what_the_rules_read_is_read_again_after_a_write(app, make_account):
    from portal.accounts import eligibility
    from portal.models import Offer, OfferStatus

    account = make_account()
    with app.test_request_context():
        assert eligibility.standing(account).offer_status is None
        db.session.add(
            Offer(account_id=account.id, amount=1000, frequency="monthly", start_date=date(2027, 1, 1))
        )
        db.session.flush()
        assert eligibility.standing(account).offer_status == OfferStatus.PENDING.value


def test_the_rules_read_the_newest_policy_the_latest_offer_and_the_plan_in_force(app, make_account):
    from portal.accounts import eligibility
    from portal.domain.policy import Policy
    from portal.models import CreditorPolicy, Offer, OfferStatus

    account = make_account()
    other = make_account(reference="ACC-2")  # same creditor: its offer must not count
    settings = Policy().to_dict()
    db.session.add_all(
        [
            CreditorPolicy(creditor_id=account.creditor_id, version=1, settings=settings),
            CreditorPolicy(creditor_id=account.creditor_id, version=2, settings=settings),
            Offer(account_id=account.id, amount=1000, frequency="monthly", start_date=date(2027, 1, 1)),
            Offer(account_id=account.id, amount=2000, frequency="monthly", start_date=date(2027, 1, 1)),
            Offer(account_id=other.id, amount=3000, frequency="monthly", start_date=date(2027, 1, 1)),
        ]
    )
    db.session.commit()
    with app.test_request_context():
        known = eligibility.standing(account)
        assert known.policy_row.version == 2
        assert known.offer.amount == 2000 and known.offer_status == OfferStatus.PENDING.value
        assert known.plan is None


def test_the_overview_reads_its_dispute_waiting_payment_and_promise_in_one_statement(
    make_account, sign_in, client, statements
):
    sign_in(make_account())
    statements.clear()

    assert client.get("/account").status_code == 200

    touching = [s for s in statements if re.search(r"\b(disputes|payment_attempts|support_requests)\b", s)]
    assert len(touching) == 1, touching
    assert all(table in touching[0] for table in ("disputes", "payment_attempts", "support_requests"))
