"""The account page a verified debtor sees: who is owed, how the amount is made up, what to do."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.extensions import db
from portal.models import AccountStatus, Event, Payment


def _kinds(account) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        db.select(Event.kind).where(Event.account_id == account.id).order_by(Event.id)
    ).all()


def _cells(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r'<td class="amount">(.*?)</td>', html, re.S)]


def test_the_overview_itemises_the_debt(make_account, sign_in, client):
    account = make_account(reference="ACC-9", creditor_name="Acme Bank")
    sign_in(account)
    page = client.get("/account")
    assert page.status_code == 200
    assert _cells(page.text) == ["$1,000.00", "$50.25", "$10.00", "$1,060.25"]
    assert "Acme Bank" in page.text
    assert "ACC-9" in page.text
    assert 'href="/pay"' in page.text


def test_viewing_the_overview_is_noted_each_time(make_account, sign_in, client):
    account = make_account()
    sign_in(account)
    client.get("/account")
    client.get("/account")
    assert _kinds(account)[-2:] == ["balance_viewed", "balance_viewed"]


def test_the_overview_names_the_original_creditor_and_the_itemisation_date(make_account, sign_in, client):
    account = make_account()
    account.original_creditor = "Springfield Store Card"
    account.itemization_date = date(2024, 6, 30)
    db.session.commit()
    sign_in(account)
    page = client.get("/account")
    assert "Springfield Store Card" in page.text
    assert "June 30, 2024" in page.text


@pytest.mark.parametrize(
    ("currency", "principal", "shown"),
    [("JPY", 500, "¥500"), ("KWD", 1234, "KWD1.234"), ("USD", 123450, "$1,234.50")],
)
def test_amounts_are_shown_in_the_accounts_own_currency(
    make_account, sign_in, client, currency, principal, shown
):
    sign_in(make_account(currency=currency, principal=principal, interest=0, fees=0))
    page = client.get("/account")
    assert _cells(page.text)[-1] == shown


def test_a_paid_account_says_so_and_lists_the_payment(make_account, sign_in, client):
    account = make_account()
    payment = Payment(
        account_id=account.id,
        stripe_payment_intent_id="pi_paid",
        amount=106025,
        currency="USD",
        card_brand="Visa",
        card_last4="4242",
    )
    db.session.add(payment)
    account.status = AccountStatus.PAID
    db.session.commit()
    sign_in(account)

    page = client.get("/account")

    assert "This account is paid" in page.text
    assert f'href="/receipt/{payment.id}"' in page.text
    assert 'href="/pay"' not in page.text
    assert client.get("/pay").headers["Location"].endswith("/account")


def test_a_partly_paid_account_shows_what_is_left(make_account, sign_in, client):
    account = make_account()
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_part", amount=6025, currency="USD")
    )
    db.session.commit()
    sign_in(account)
    page = client.get("/account")
    assert _cells(page.text)[-2:] == ["$60.25", "$1,000.00"]


def test_a_person_with_two_accounts_sees_only_the_one_their_link_is_for(make_account, sign_in, client):
    first = make_account(reference="ACC-1", creditor_slug="acme", creditor_name="Acme Bank")
    second = make_account(reference="GLX-7", creditor_slug="globex", creditor_name="Globex")
    second.debtor = first.debtor
    db.session.commit()
    sign_in(first)
    page = client.get("/account")
    assert "ACC-1" in page.text
    assert "GLX-7" not in page.text and "Globex" not in page.text


def test_the_overview_carries_the_debt_collector_notice(make_account, sign_in, client):
    sign_in(make_account())
    page = client.get("/account")
    assert "This is a communication from a debt collector" in page.text
