"""Money on one account from the console: a payment received outside the portal goes through the
ledger as a card payment does; a supervisor's refund is made once at the real localstripe, and the
balance, the account's state, the timeline and the debtor's email follow."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AccountStatus, Message, OptOut, Payment, PlanStatus, Purpose
from portal.models.payments import PaymentRefund, RefundStatus
from portal.payments import reconcile, recording, service
from portal.payments.attempts import Charge
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, StripeGateway
from portal.payments.reconcile import Kind
from tests.conftest import POSTGRES_SERVER
from tests.helpers.mail import body
from tests.helpers.plans import plan_rows, saved_card, stripe_client
from tests.helpers.records import count, event_kinds, events, payments_for

OWED = 106025  # make_account's default: 1,000.00 + 50.25 + 10.00


def _received(day: date, prefix: str = "received") -> dict:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def _outside(amount="100.00", method="cheque", reference="CHQ 0042", day=None) -> dict:
    return {
        "amount": amount,
        "method": method,
        "reference": reference,
        **_received(day or date.today() - timedelta(days=1)),
    }


def _card_payment(localstripe, account, amount: int | None = None) -> Payment:
    """A real card payment at localstripe, recorded as the debtor's pages record it."""
    owed = account.balance.minor
    purpose = Purpose.FULL if amount is None else Purpose.PART
    card = Card(saved_card(localstripe, account), "Visa", "4242")
    outcome = service.pay_by_card(account, Charge(purpose, amount or owed, basis=owed), saved=card)
    assert outcome.result is service.Result.SUCCEEDED, outcome
    return outcome.payment


def _stripe_refunds(localstripe, payment: Payment) -> list[int]:
    listing = stripe_client(localstripe).v1.refunds.list(
        params={"payment_intent": payment.stripe_payment_intent_id, "limit": 100}
    )
    return sorted(refund.amount for refund in listing.data)


def _fresh(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


# --- Recording a payment made outside the portal ----------------------------------------------------


def test_an_agent_records_a_cheque_and_the_balance_and_timeline_follow(
    make_account, make_staff, console_sign_in, mailbox
):
    account = make_account()
    person = make_staff()
    client = console_sign_in(person)
    page = client.get(f"/console/accounts/{account.id}")
    assert f"/console/accounts/{account.id}/payments/new" in page.text
    assert f'/console/accounts/{account.id}/payments"' not in page.text  # refunds are for supervisors

    answer = client.post(
        f"/console/accounts/{account.id}/payments/new", data=_outside(day=recording.local_today(account))
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/accounts/{account.id}#payments"
    )
    (payment,) = payments_for(account)
    assert (payment.amount, payment.method, payment.reference) == (10000, "cheque", "CHQ 0042")
    assert payment.stripe_payment_intent_id is None and payment.attempt_id is None
    assert _fresh(account).balance.minor == OWED - 10000 and _fresh(account).status is AccountStatus.OPEN
    (event,) = events(account, "payment_recorded_by_staff")
    assert event.actor == f"staff:{person.id}" and event.data["by"] == person.email
    assert event.data["payment_id"] == payment.id and event.data["reference"] == "CHQ 0042"
    # The person gets a receipt that says how they paid, with the reference, instead of a card.
    (message,) = db.session.scalars(select(Message)).all()
    assert message.kind == "receipt" and message.debtor_initiated is True
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "Receipt for your payment to Acme Bank"
    text, html = body(mail, "plain"), body(mail, "html")
    assert "We received your payment of $100.00 to Acme Bank." in text
    assert "How you paid: Check number CHQ 0042" in text and "Paid with" not in text
    assert '<th scope="row" style="text-align: left; padding: 4px 12px 4px 0;">How you paid</th>' in html
    assert "<td>Check number CHQ 0042</td>" in html
    assert "Left to pay: $960.25" in text
    followed = client.get(f"/console/accounts/{account.id}").text
    assert "The person was emailed a receipt saying how they paid, with the reference." in followed


def test_money_received_earlier_is_dated_that_day_and_a_future_day_is_refused(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    client = console_sign_in(make_staff())
    url = f"/console/accounts/{account.id}/payments/new"
    future = client.post(url, data=_outside(day=recording.local_today(account) + timedelta(days=1)))
    assert future.status_code == 400 and "cannot be in the future" in future.text
    earlier = date.today() - timedelta(days=10)
    assert (
        client.post(url, data=_outside(method="bank_transfer", reference="TRF-9", day=earlier)).status_code
        == 302
    )
    (payment,) = payments_for(account)
    assert payment.paid_at.date() == earlier
    assert events(account, "payment_recorded_by_staff")[0].data["received_on"] == earlier.isoformat()


@pytest.mark.parametrize(
    ("method", "language", "subject", "line"),
    [
        (
            "bank_transfer",
            "es",
            "Recibo de su pago a Acme Bank",
            "Cómo pagó: Transferencia bancaria, referencia R-7",
        ),
        (
            "phone",
            "vi",
            "Biên nhận khoản thanh toán của bạn cho Acme Bank",
            "Thanh toán qua điện thoại, mã số R-7",
        ),
        ("other", "zh_Hant", "您支付給Acme Bank款項的收據", "您的付款方式: 其他付款方式，參考編號 R-7"),
    ],
)
def test_the_receipt_says_how_it_was_paid_in_the_persons_language(
    make_account, make_staff, console_sign_in, mailbox, method, language, subject, line
):
    account = make_account(language=language)
    client = console_sign_in(make_staff())
    answer = client.post(
        f"/console/accounts/{account.id}/payments/new", data=_outside(method=method, reference="R-7")
    )
    assert answer.status_code == 302
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == subject
    assert line in body(mail, "plain")


def test_a_receipt_goes_during_a_pause_and_not_to_someone_who_stopped_emails(
    make_account, make_staff, console_sign_in, mailbox
):
    paused = make_account()
    paused.reminders_paused_until = date.today() + timedelta(days=30)
    stopped = make_account("ACC-2", full_name="Sam Other", email="sam@example.com")
    db.session.add(OptOut(debtor_id=stopped.debtor_id, channel="email"))
    db.session.commit()
    client = console_sign_in(make_staff())

    # The person paid: the receipt answers them, so a pause on contact does not hold it.
    assert client.post(f"/console/accounts/{paused.id}/payments/new", data=_outside()).status_code == 302
    assert [m["To"] for m in mailbox.wait_for(1)] == ["jane@example.com"]
    assert events(paused, "message_scheduled") == []

    answer = client.post(f"/console/accounts/{stopped.id}/payments/new", data=_outside())
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).text
    assert "No receipt was emailed: the person asked us to stop emailing them." in page
    assert events(stopped, "receipt_not_sent")[0].data["reason"] == "opted_out"
    assert len(mailbox.arrived()) == 1


def test_bad_answers_are_400_and_record_nothing(make_account, make_staff, console_sign_in):
    account = make_account()
    client = console_sign_in(make_staff())
    url = f"/console/accounts/{account.id}/payments/new"
    for data, words in (
        (_outside(reference=" "), "Enter the reference"),
        (_outside(amount="ten"), "Enter an amount using numbers"),
        ({**_outside(), "method": "barter"}, "Choose how it was paid"),
        ({**_outside(), "received-day": ""}, "Enter the date using numbers"),
    ):
        answer = client.post(url, data=data)
        assert answer.status_code == 400 and words in answer.text, words
        assert 'href="#' in answer.text  # the error summary links to the field
    assert payments_for(account) == []


def test_more_than_is_owed_and_the_same_reference_twice_are_refused(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    client = console_sign_in(make_staff())
    url = f"/console/accounts/{account.id}/payments/new"
    over = client.post(url, data=_outside(amount="1060.26"))
    assert over.status_code == 409 and "more than is owed, $1,060.25" in over.text
    assert client.post(url, data=_outside(reference="CHQ 7")).status_code == 302
    again = client.post(url, data=_outside(amount="5.00", reference="chq 7"))
    assert again.status_code == 409 and "already recorded on this account" in again.text
    # The same number by another method is another payment.
    assert (
        client.post(url, data=_outside(amount="5.00", method="phone", reference="CHQ 7")).status_code == 302
    )
    assert sorted(p.amount for p in payments_for(account)) == [500, 10000]


def test_an_amount_is_read_in_the_accounts_own_currency(make_account, make_staff, console_sign_in):
    account = make_account(currency="JPY", principal=50000, interest=0, fees=0)
    client = console_sign_in(make_staff())
    answer = client.post(f"/console/accounts/{account.id}/payments/new", data=_outside(amount="1,500"))
    assert answer.status_code == 302
    assert payments_for(account)[0].amount == 1500 and _fresh(account).balance.minor == 48500


def test_paying_off_the_rest_by_cheque_ends_the_plan_and_the_account_as_paid(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    plan = plan_rows(
        account,
        [
            (date.today() + timedelta(days=30), OWED // 2),
            (date.today() + timedelta(days=60), OWED - OWED // 2),
        ],
    )
    client = console_sign_in(make_staff())
    answer = client.post(f"/console/accounts/{account.id}/payments/new", data=_outside(amount="1060.25"))
    assert answer.status_code == 302
    assert _fresh(account).status is AccountStatus.PAID and _fresh(plan).status is PlanStatus.COMPLETED
    kinds = event_kinds(account)
    assert (
        kinds.index("payment_recorded_by_staff") < kinds.index("account_paid") < kinds.index("plan_completed")
    )
    closed = client.post(
        f"/console/accounts/{account.id}/payments/new", data=_outside(amount="1.00", reference="X")
    )
    assert closed.status_code == 409 and "Nothing is owed on this account (it is paid)" in closed.text


def test_another_creditors_account_is_not_found(make_account, make_staff, console_sign_in):
    make_account("A-1", "acme")
    theirs = make_account("B-1", "beta", "Beta Loans", email="b@example.com")
    client = console_sign_in(make_staff(creditors=["acme"]))
    assert client.get(f"/console/accounts/{theirs.id}/payments/new").status_code == 404
    assert client.post(f"/console/accounts/{theirs.id}/payments/new", data=_outside()).status_code == 404
    assert payments_for(theirs) == []


# --- Refunds ------------------------------------------------------------------------------------------


def _refund(client, account, payment, *, how="full", amount="", reason="Charged twice", seen=None):
    return client.post(
        f"/console/accounts/{account.id}/payments/{payment.id}/refund",
        data={
            "how_much": how,
            "amount": amount,
            "reason": reason,
            "seen": str(payment.refunded if seen is None else seen),
        },
    )


def test_a_full_refund_reopens_a_paid_account_and_tells_the_debtor(
    localstripe, make_account, make_staff, console_sign_in, mailbox
):
    account = make_account()
    payment = _card_payment(localstripe, account)
    assert _fresh(account).status is AccountStatus.PAID
    mailbox.wait_for(1)  # the receipt
    mailbox.clear()
    person = make_staff("lead@example.com", role="supervisor")
    client = console_sign_in(person)
    assert f'/console/accounts/{account.id}/payments"' in client.get(f"/console/accounts/{account.id}").text
    assert f"/payments/{payment.id}/refund" in client.get(f"/console/accounts/{account.id}/payments").text
    assert (
        "Refund to the card"
        in client.get(f"/console/accounts/{account.id}/payments/{payment.id}/refund").text
    )

    answer = _refund(client, account, payment)
    assert answer.status_code == 302, answer.text
    assert _stripe_refunds(localstripe, payment) == [OWED]
    payment = _fresh(payment)
    assert payment.refunded == OWED and payment.stripe_refund_id
    account = _fresh(account)
    assert account.status is AccountStatus.OPEN and account.balance.minor == OWED
    (refund,) = db.session.scalars(select(PaymentRefund)).all()
    assert refund.status is RefundStatus.SUCCEEDED and refund.live_payment_id is None
    assert refund.stripe_refund_id == payment.stripe_refund_id and refund.requested_by == f"staff:{person.id}"
    (done,) = events(account, "payment_refunded_by_staff")
    assert done.data["by"] == person.email and done.data["amount"] == OWED
    assert "account_reopened" in event_kinds(account)
    (email,) = mailbox.wait_for(1)
    assert email["Subject"] == "We have refunded $1,060.25 to your card"
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert "5 to 10 business days" in body and "Visa card ending in 4242" in body
    assert "You owe $1,060.25." in body
    # Nothing is left to refund: the page says so and a second post refunds nothing.
    assert (
        "All of this payment has been refunded"
        in client.get(f"/console/accounts/{account.id}/payments/{payment.id}/refund").text
    )
    assert _refund(client, account, payment).status_code == 409
    assert _stripe_refunds(localstripe, payment) == [OWED]


def test_a_part_refund_then_stale_figures_and_too_much_are_refused(
    localstripe, make_account, make_staff, console_sign_in
):
    account = make_account()
    payment = _card_payment(localstripe, account, 30000)
    client = console_sign_in(make_staff("lead@example.com", role="supervisor"))
    assert _refund(client, account, payment, how="part", amount="100.00", seen=0).status_code == 302
    stale = _refund(client, account, payment, how="part", amount="50.00", seen=0)
    assert stale.status_code == 409 and "Someone refunded this payment while you were looking" in stale.text
    payment = _fresh(payment)
    too_much = _refund(client, account, payment, how="part", amount="200.01")
    assert too_much.status_code == 409 and "more than is left to refund, $200.00" in too_much.text
    missing = _refund(client, account, payment, how="part", amount="", reason="")
    assert missing.status_code == 400 and "Enter an amount" in missing.text and "Write why" in missing.text
    assert _stripe_refunds(localstripe, payment) == [10000]
    assert _fresh(payment).refunded == 10000 and _fresh(account).balance.minor == OWED - 20000
    assert count(PaymentRefund) == 1
    # Reconciliation, which retries over-payment refunds still due, sees nothing to give back.
    report = reconcile.reconcile()
    assert Kind.REFUND_DUE not in {d.kind for d in report.differences}
    assert _stripe_refunds(localstripe, payment) == [10000]


def test_a_payment_received_outside_the_portal_cannot_be_refunded_through_stripe(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    client = console_sign_in(make_staff("lead@example.com", role="supervisor"))
    client.post(f"/console/accounts/{account.id}/payments/new", data=_outside())
    (payment,) = payments_for(account)
    before = event_kinds(account)
    assert (
        "cannot be refunded through Stripe"
        in client.get(f"/console/accounts/{account.id}/payments/{payment.id}/refund").text
    )
    answer = _refund(client, account, payment)
    assert (
        answer.status_code == 409
        and "cannot be refunded through Stripe. Nothing was recorded." in answer.text
    )
    assert count(PaymentRefund) == 0 and event_kinds(account) == before and _fresh(payment).refunded == 0


def test_a_refund_whose_answer_was_lost_is_found_at_stripe_not_made_twice(
    localstripe, make_account, make_staff, console_sign_in, monkeypatch
):
    account = make_account()
    payment = _card_payment(localstripe, account, 30000)
    client = console_sign_in(make_staff("lead@example.com", role="supervisor"))
    real = StripeGateway.refund

    def made_then_lost(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise GatewayUnavailable("the connection dropped after Stripe refunded")

    monkeypatch.setattr(StripeGateway, "refund", made_then_lost)
    answer = _refund(client, account, payment, how="part", amount="40.00")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/payments/{payment.id}/refund")
    (refund,) = db.session.scalars(select(PaymentRefund)).all()
    assert refund.status is RefundStatus.PENDING and _fresh(payment).refunded == 0
    page = client.get(answer.headers["Location"]).text
    assert "Stripe did not answer" in page and "Ask Stripe again about this refund" in page
    # While it waits, no other refund of this payment can start.
    assert _refund(client, account, payment, how="part", amount="1.00").status_code == 409

    again = client.post(f"/console/accounts/{account.id}/payments/{payment.id}/refunds/{refund.id}/again")
    assert again.status_code == 302
    assert _stripe_refunds(localstripe, payment) == [4000]
    assert _fresh(refund).status is RefundStatus.SUCCEEDED and _fresh(payment).refunded == 4000


def test_a_refund_stripe_declines_changes_nothing_but_the_record_of_it(
    localstripe, make_account, make_staff, console_sign_in, monkeypatch
):
    account = make_account()
    payment = _card_payment(localstripe, account, 30000)
    client = console_sign_in(make_staff("lead@example.com", role="supervisor"))

    def declined(self, *args, **kwargs):
        raise CardDeclined("expired_card")

    monkeypatch.setattr(StripeGateway, "refund", declined)
    answer = _refund(client, account, payment)
    assert answer.status_code == 409 and "Stripe refused the refund (expired_card)" in answer.text
    (refund,) = db.session.scalars(select(PaymentRefund)).all()
    assert (refund.status, refund.failure_code, refund.live_payment_id) == (
        RefundStatus.FAILED,
        "expired_card",
        None,
    )
    assert _fresh(payment).refunded == 0 and "refund_failed" in event_kinds(account)


def test_refunds_are_for_supervisors_of_the_account_only(
    localstripe, make_account, make_staff, console_sign_in
):
    account = make_account("A-1", "acme")
    theirs = make_account("B-1", "beta", "Beta Loans", email="b@example.com")
    payment = _card_payment(localstripe, account, 10000)
    agent = console_sign_in(make_staff())
    assert agent.get(f"/console/accounts/{account.id}/payments").status_code == 403
    assert agent.get(f"/console/accounts/{account.id}/payments/{payment.id}/refund").status_code == 403
    assert _refund(agent, account, payment).status_code == 403
    lead = console_sign_in(make_staff("lead@example.com", role="supervisor", creditors=["acme"]))
    assert lead.get(f"/console/accounts/{theirs.id}/payments").status_code == 404
    assert lead.get(f"/console/accounts/{theirs.id}/payments/{payment.id}/refund").status_code == 404
    assert lead.get(f"/console/accounts/{account.id}/payments/{payment.id + 99}/refund").status_code == 404
    assert count(PaymentRefund) == 0 and _stripe_refunds(localstripe, payment) == []


@pytest.mark.serial
@pytest.mark.skipif(not POSTGRES_SERVER, reason="the race is run on PostgreSQL (TEST_POSTGRES_SERVER)")
def test_two_supervisors_refunding_one_payment_at_once_make_one_refund(
    localstripe, make_account, make_staff, console_sign_in
):
    rounds = 4
    for number in range(rounds):
        account = make_account(f"R-{number}", email=f"r{number}@example.com")
        payment = _card_payment(localstripe, account)
        clients = [
            console_sign_in(make_staff(f"lead{number}-{i}@example.com", role="supervisor")) for i in range(2)
        ]
        start = threading.Barrier(len(clients))
        statuses: list[int] = []

        # Read in this thread: the rows belong to this thread's session.
        url = f"/console/accounts/{account.id}/payments/{payment.id}/refund"
        form = {"how_much": "full", "reason": "Charged twice", "seen": "0"}

        def refund(client, url=url, form=form, start=start, statuses=statuses):
            start.wait(timeout=30)
            statuses.append(client.post(url, data=form).status_code)

        threads = [threading.Thread(target=refund, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [302, 409], statuses
        assert _stripe_refunds(localstripe, payment) == [OWED]
        assert count(PaymentRefund, PaymentRefund.payment_id == payment.id) == 1
        assert _fresh(payment).refunded == OWED
        assert len(events(account, "payment_refunded_by_staff")) == 1
