"""Payments and plans through the API (read only): amounts as decimal strings in the currency's
major units, what each payment was for, and each plan's instalments with their due dates,
amounts and statuses."""

from __future__ import annotations

from datetime import date

import pytest

from portal.api import keys
from portal.domain.transitions import INSTALMENT
from portal.extensions import db
from portal.models import InstalmentStatus, Payment, PaymentAttempt, PlanStatus, Purpose
from tests.api.seeding import bearer
from tests.helpers.plans import plan_rows


@pytest.fixture
def account(make_account):
    return make_account()


@pytest.fixture
def headers(account):
    key, token = keys.create(account.creditor, "collection system", ["accounts:read"])
    db.session.commit()
    return bearer(token)


@pytest.fixture
def plan(account):
    plan = plan_rows(
        account, [(date(2027, 2, 1), 35000), (date(2027, 3, 1), 35000), (date(2027, 4, 1), 36025)]
    )
    first = plan.instalments[0]
    INSTALMENT.move(first, InstalmentStatus.PAID)
    first.attempts = 1
    db.session.commit()
    return plan


def _card_payment(account, plan, amount):
    attempt = PaymentAttempt(
        account_id=account.id,
        amount=amount,
        currency="USD",
        purpose=Purpose.INSTALMENT,
        plan_id=plan.id,
        instalment_id=plan.instalments[0].id,
        idempotency_key="attempt-1",
        stripe_payment_intent_id="pi_1",
    )
    db.session.add(attempt)
    db.session.flush()
    payment = Payment(
        account_id=account.id,
        attempt_id=attempt.id,
        stripe_payment_intent_id="pi_1",
        amount=amount,
        currency="USD",
        card_brand="Visa",
        card_last4="4242",
        refunded=500,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def test_payments_are_listed_with_amounts_in_major_units_and_what_they_paid_for(
    client, account, headers, plan
):
    card = _card_payment(account, plan, 35000)
    cheque = Payment(account_id=account.id, amount=1205, currency="USD", method="cheque", reference="CHQ-88")
    db.session.add(cheque)
    db.session.commit()

    answer = client.get(f"/api/v1/accounts/{account.id}/payments", headers=headers)

    assert answer.status_code == 200 and answer.json["next_cursor"] is None
    first, second = answer.json["data"]
    assert {k: first[k] for k in ("id", "amount", "refunded", "kept", "method", "purpose", "plan_id")} == {
        "id": card.id,
        "amount": "350.00",
        "refunded": "5.00",
        "kept": "345.00",
        "method": "card",
        "purpose": "instalment",
        "plan_id": plan.id,
    }
    assert first["card_last4"] == "4242" and first["reference"] is None
    assert {k: second[k] for k in ("amount", "kept", "method", "reference", "purpose", "plan_id")} == {
        "amount": "12.05",
        "kept": "12.05",
        "method": "cheque",
        "reference": "CHQ-88",
        "purpose": None,
        "plan_id": None,
    }
    one = client.get(f"/api/v1/payments/{cheque.id}", headers=headers)
    assert one.status_code == 200 and one.json == second


def test_payments_come_a_page_at_a_time(client, account, headers):
    for number in range(5):
        db.session.add(
            Payment(
                account_id=account.id,
                amount=100 + number,
                currency="USD",
                method="phone",
                reference=f"P{number}",
            )
        )
    db.session.commit()

    amounts, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/api/v1/accounts/{account.id}/payments", query_string=query, headers=headers).json
        amounts += [p["amount"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert amounts == ["1.00", "1.01", "1.02", "1.03", "1.04"]


def test_a_plan_shows_each_instalment_due_date_amount_and_status(client, account, headers, plan):
    answer = client.get(f"/api/v1/plans/{plan.id}", headers=headers)

    assert answer.status_code == 200
    shown = answer.json
    assert (shown["kind"], shown["status"], shown["frequency"], shown["currency"]) == (
        "instalments",
        "active",
        "monthly",
        "USD",
    )
    assert shown["total"] == "1060.25" and shown["forgiven"] == "0.00" and shown["policy_version"] == 1
    assert shown["instalments"] == [
        {"number": 1, "due_date": "2027-02-01", "amount": "350.00", "status": "paid", "attempts": 1},
        {"number": 2, "due_date": "2027-03-01", "amount": "350.00", "status": "scheduled", "attempts": 0},
        {"number": 3, "due_date": "2027-04-01", "amount": "360.25", "status": "scheduled", "attempts": 0},
    ]
    listed = client.get(f"/api/v1/accounts/{account.id}/plans", headers=headers).json
    assert listed == {"data": [shown], "next_cursor": None}


def test_ended_plans_are_listed_too_oldest_first(client, account, headers, plan):
    from portal.domain.transitions import PLAN

    PLAN.move(plan, PlanStatus.BROKEN)
    plan.active_account_id = None
    db.session.commit()
    newer = plan_rows(account, [(date(2027, 5, 1), 106025)])

    listed = client.get(f"/api/v1/accounts/{account.id}/plans", headers=headers).json["data"]

    assert [(p["id"], p["status"]) for p in listed] == [(plan.id, "broken"), (newer.id, "active")]


def test_amounts_follow_the_currency_minor_units(client, make_account):
    account = make_account(
        "YEN-1", "nippon", "Nippon Credit", currency="JPY", principal=150000, interest=0, fees=0
    )
    key, token = keys.create(account.creditor, "jp")
    db.session.add(
        Payment(account_id=account.id, amount=15000, currency="JPY", method="bank_transfer", reference="T1")
    )
    db.session.commit()

    (payment,) = client.get(f"/api/v1/accounts/{account.id}/payments", headers=bearer(token)).json["data"]

    assert payment["amount"] == "15000" and payment["currency"] == "JPY"


def test_an_id_that_does_not_exist_is_not_found(client, headers):
    for path in ("/api/v1/payments/999999", "/api/v1/plans/999999", "/api/v1/accounts/999999/plans"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
