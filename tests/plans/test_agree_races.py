"""Agreeing a plan while another tab pays or agrees: decided under the account's lock (issue 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.domain.policy import OutsidePolicy
from portal.extensions import db
from portal.models import Payment, Plan
from portal.models.types import utcnow
from portal.plans import agreements
from tests.helpers.plans import make_plan, saved_card


def _choice():
    return agreements.PlanChoice(frequency="monthly", first_date=utcnow().date().isoformat(), count=3)


def _agree(localstripe, account):
    return agreements.agree(
        account,
        _choice(),
        utcnow().date(),
        payment_method_id=saved_card(localstripe, account),
        card_brand="Visa",
        card_last4="4242",
        consent_text="I agree (test wording).",
    )


def _plans(account) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Plan).where(Plan.account_id == account.id))


def test_a_second_plan_agreed_in_another_tab_is_refused_not_a_server_error(app, make_account, localstripe):
    account = make_account()
    make_plan(localstripe, account, count=3)

    with pytest.raises(OutsidePolicy) as refused:
        _agree(localstripe, account)

    assert refused.value.code == "plan_in_force"
    db.session.rollback()
    assert _plans(account) == 1


def test_a_plan_for_a_balance_paid_meanwhile_is_not_written(app, make_account, localstripe):
    account = make_account()
    today = utcnow().date()
    card = saved_card(localstripe, account)
    # The review page worked the schedule out from the balance as it then was...
    policy_row = agreements.options_for(account, today).policy_row
    schedule = agreements.preview(account, _choice(), today)
    assert sum(item.amount for item in schedule) == account.balance.minor
    # ...then the other tab's payment was recorded before the agree button was pressed.
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_other_tab", amount=30000, currency="USD")
    )
    db.session.commit()

    with pytest.raises(OutsidePolicy) as refused:
        agreements._write_plan(
            account,
            policy_row,
            "monthly",
            schedule,
            card=(card, "Visa", "4242"),
            consent_text="I agree (test wording).",
        )

    assert refused.value.code == "balance_changed"
    db.session.rollback()
    assert _plans(account) == 0
