"""Each event type, caused by the feature code that causes it (the debtor's pages through the test
client, the services the pages and commands call, the plan runner), arrives at a live receiver
with the facts a collection system needs and nothing private. First tries go through Huey's
immediate mode, so every message below was delivered by the hand-over after its cause committed.
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.cant_pay import service as cant_pay
from portal.disputes import service as disputes
from portal.domain.offers import Terms
from portal.domain.schedules import Frequency
from portal.extensions import db
from portal.models import DisputeReason, DisputeStatus, Payment
from portal.models.types import utcnow
from portal.offers import service as offers
from portal.payments import refunds
from portal.plans import runner
from portal.preferences import service as preferences
from portal.webhooks.events import EVENT_TYPES, SOURCES
from tests.helpers.cards import DECLINED_ON_CHARGE, VISA_OK, type_card
from tests.helpers.plans import make_plan, noon


def _sent(receiver) -> list[tuple[str, dict]]:
    return [(r.payload["type"], r.payload["data"]) for r in receiver.received]


def _of(receiver, event_type: str) -> list[dict]:
    return [data for kind, data in _sent(receiver) if kind == event_type]


def _private_words_absent(receiver, account) -> None:
    everything = b"".join(r.body for r in receiver.received).decode()
    for private in (account.debtor.date_of_birth.isoformat(), account.debtor.full_name, account.debtor.email):
        assert private not in everything
    assert "/l/" not in everything and "token" not in everything


def test_every_event_type_of_the_issue_has_a_timeline_source():
    # The tests below cause each one; this keeps the table from losing a type unnoticed.
    assert sorted({event_type for event_type, _ in SOURCES.values()}) == sorted(EVENT_TYPES)
    assert len(EVENT_TYPES) == 17


def test_opening_a_link_and_confirming_identity(make_account, receiver, endpoint_for, sign_in):
    account = make_account()
    endpoint_for("acme", receiver.url)

    sign_in(account)

    opened, confirmed = _of(receiver, "account.link_opened"), _of(receiver, "account.identity_confirmed")
    assert len(opened) == len(confirmed) == 1
    assert opened[0]["link_id"] == confirmed[0]["link_id"]
    assert opened[0]["account_reference"] == "ACC-1" and opened[0]["creditor"] == "acme"
    _private_words_absent(receiver, account)


def test_a_card_payment_that_succeeds_and_one_that_fails(
    make_account, receiver, endpoint_for, sign_in, client, localstripe
):
    account = make_account()
    sign_in(account)
    endpoint_for("acme", receiver.url, types=["payment.succeeded", "payment.failed"])

    client.post("/pay", data={"setup_intent": type_card(client, localstripe, "/pay", DECLINED_ON_CHARGE)})
    client.post("/pay", data={"setup_intent": type_card(client, localstripe, "/pay", VISA_OK)})

    (failed,) = _of(receiver, "payment.failed")
    assert (failed["amount"], failed["currency"], failed["purpose"]) == ("1060.25", "USD", "full")
    assert failed["code"]
    (paid,) = _of(receiver, "payment.succeeded")
    payment = db.session.scalar(db.select(Payment))
    assert paid == {
        "account_id": payment.account_id,
        "account_reference": "ACC-1",
        "creditor": "acme",
        "payment_id": payment.id,
        "purpose": "full",
        "method": "card",
        "amount": "1060.25",
        "currency": "USD",
    }
    assert [t for t, _ in _sent(receiver)] == ["payment.failed", "payment.succeeded"]
    _private_words_absent(receiver, account)


def test_a_refund_by_staff(make_account, receiver, endpoint_for, sign_in, client, localstripe):
    account = make_account()
    sign_in(account)
    client.post("/pay", data={"setup_intent": type_card(client, localstripe, "/pay", VISA_OK)})
    endpoint_for("acme", receiver.url, types=["payment.refunded"])
    payment = db.session.scalar(db.select(Payment))

    refund = refunds.begin(
        payment, amount=2500, reason="goodwill", seen_refunded=0, actor="staff:1", by="s@x.example"
    )
    refunds.ask(refund, actor="staff:1", by="s@x.example")

    (refunded,) = _of(receiver, "payment.refunded")
    assert (refunded["payment_id"], refunded["refund_id"], refunded["reason"]) == (
        payment.id,
        refund.id,
        "refund",
    )
    assert (refunded["amount"], refunded["currency"]) == ("25.00", "USD")
    assert "s@x.example" not in receiver.received[0].body.decode()


def test_a_plan_agreed_paid_by_the_runner_and_completed(
    make_account, receiver, endpoint_for, localstripe, mailbox
):
    account = make_account()
    endpoint_for("acme", receiver.url, types=["plan.agreed", "plan.completed", "payment.succeeded"])

    plan = make_plan(localstripe, account, count=3)
    for instalment in sorted(plan.instalments, key=lambda i: i.number):
        runner.charge_due(noon(instalment.due_date))

    (agreed,) = _of(receiver, "plan.agreed")
    assert (agreed["plan_id"], agreed["instalments"], agreed["total"], agreed["currency"]) == (
        plan.id,
        3,
        "1060.25",
        "USD",
    )
    paid = _of(receiver, "payment.succeeded")
    assert [p["purpose"] for p in paid] == ["instalment"] * 3
    (completed,) = _of(receiver, "plan.completed")
    assert completed["plan_id"] == plan.id
    assert [t for t, _ in _sent(receiver)][-1] == "plan.completed"


def test_a_plan_whose_card_keeps_failing_misses_and_breaks(
    make_account, receiver, endpoint_for, localstripe, mailbox
):
    account = make_account()
    endpoint_for("acme", receiver.url, types=["plan.instalment_missed", "plan.broken", "payment.failed"])
    plan = make_plan(localstripe, account, card=DECLINED_ON_CHARGE, count=3)

    first = min(i.due_date for i in plan.instalments)
    for day in range(60):
        runner.charge_due(noon(first + timedelta(days=day)))
        if _of(receiver, "plan.broken"):
            break

    declined = _of(receiver, "payment.failed")
    assert declined and all(d["plan_id"] == plan.id and d["purpose"] == "instalment" for d in declined)
    missed = _of(receiver, "plan.instalment_missed")
    assert missed and all(m["plan_id"] == plan.id for m in missed)
    (broken,) = _of(receiver, "plan.broken")
    assert (broken["plan_id"], broken["reason"]) == (plan.id, "missed_payments")
    assert [t for t, _ in _sent(receiver)][-1] == "plan.broken"


def test_disputes_opened_and_resolved(make_account, receiver, endpoint_for):
    account = make_account()
    endpoint_for("acme", receiver.url)

    dispute = disputes.open_dispute(account, DisputeReason.NOT_MINE, "Not my account, I never had one.")
    db.session.commit()
    disputes.resolve(dispute, DisputeStatus.REJECTED, "Signed agreement on file.")
    db.session.commit()

    (opened,) = _of(receiver, "dispute.opened")
    assert (opened["dispute_reference"], opened["reason"], opened["evidence"]) == (
        dispute.reference,
        DisputeReason.NOT_MINE.value,
        False,
    )
    (resolved,) = _of(receiver, "dispute.resolved")
    assert (resolved["dispute_reference"], resolved["outcome"]) == (dispute.reference, "rejected")
    body = b"".join(r.body for r in receiver.received).decode()
    assert "never had one" not in body and "Signed agreement" not in body


def test_offers_made_and_decided(make_account, receiver, endpoint_for):
    account = make_account()
    endpoint_for("acme", receiver.url, types=["offer.made", "offer.decided"])
    start = date(2027, 2, 1)

    offer = offers.make_offer(account, Terms(5000, Frequency.MONTHLY, start), "I can pay this", None)
    db.session.commit()
    offers.counter(offer, Terms(7500, Frequency.MONTHLY, start), "A little more, please")
    db.session.commit()

    (made,) = _of(receiver, "offer.made")
    assert (made["offer_id"], made["amount"], made["currency"], made["frequency"]) == (
        offer.id,
        "50.00",
        "USD",
        "monthly",
    )
    (decided,) = _of(receiver, "offer.decided")
    assert (decided["offer_id"], decided["decision"]) == (offer.id, "countered")
    assert (decided["counter"]["amount"], decided["counter"]["start_date"]) == ("75.00", "2027-02-01")
    assert "I can pay this" not in receiver.received[0].body.decode()


def test_promises_and_call_back_requests(make_account, receiver, endpoint_for):
    account = make_account()
    account.debtor.phone = "+12025550123"
    endpoint_for("acme", receiver.url, types=["promise.made", "callback.requested"])
    today = date(2027, 1, 15)
    from portal.accounts import policies

    cant_pay.make_promise(account, today + timedelta(days=10), 20000)
    db.session.commit()
    cant_pay.request_callback(
        account,
        policies.rules(policies.in_force(account.creditor)),
        today,
        phone="+12025550123",
        days=["monday"],
        times=["morning"],
        explanation="Lost my job last month",
    )
    db.session.commit()

    (promise,) = _of(receiver, "promise.made")
    assert (promise["promise_date"], promise["amount"], promise["currency"], promise["full_amount"]) == (
        "2027-01-25",
        "200.00",
        "USD",
        False,
    )
    (callback,) = _of(receiver, "callback.requested")
    assert callback["request_id"] and callback["hardship"] is True
    body = b"".join(r.body for r in receiver.received).decode()
    assert "5550123" not in body and "Lost my job" not in body


def test_opting_out_by_link_and_on_the_preferences_page(make_account, receiver, endpoint_for):
    from portal.notify import optout

    account = make_account()
    endpoint_for("acme", receiver.url, types=["contact.opted_out"])

    optout.record_opt_out(account.debtor, "email")
    wanted = preferences.current(account.debtor)
    preferences.save(
        account.debtor,
        preferences.Preferences(wanted.channel, "", None, frozenset({"email", "sms"})),
    )

    assert [d["channel"] for d in _of(receiver, "contact.opted_out")] == ["email", "sms"]


def test_a_settlement_paid_by_card(make_account, receiver, endpoint_for, sign_in, client, localstripe):
    account = make_account()
    sign_in(account)
    endpoint_for("acme", receiver.url, types=["payment.succeeded", "settlement.paid"])

    client.post("/settle", data={"setup_intent": type_card(client, localstripe, "/settle", VISA_OK)})

    # 20 % of 1,060.25 forgiven (the default policy), 848.20 paid.
    (paid,) = _of(receiver, "payment.succeeded")
    assert (paid["purpose"], paid["amount"]) == ("settlement", "848.20")
    (settled,) = _of(receiver, "settlement.paid")
    assert (settled["paid"], settled["forgiven"], settled["currency"]) == ("848.20", "212.05", "USD")
    assert [t for t, _ in _sent(receiver)] == ["payment.succeeded", "settlement.paid"]


def test_a_payment_received_outside_the_portal_and_an_upheld_dispute(make_account, receiver, endpoint_for):
    from portal.payments import recording

    account = make_account()
    endpoint_for("acme", receiver.url, types=["payment.succeeded", "dispute.resolved"])
    received = utcnow().date() - timedelta(days=1)

    recording.record_outside(
        account.id,
        amount=10000,
        method="cheque",
        reference="CHQ-1001",
        received_on=received,
        actor="staff:1",
        by="s@x.example",
    )
    dispute = disputes.open_dispute(account, DisputeReason.ALREADY_PAID, "I paid by cheque.")
    db.session.commit()
    disputes.resolve(dispute, DisputeStatus.UPHELD, "Cheque found.")
    db.session.commit()

    (paid,) = _of(receiver, "payment.succeeded")
    assert (paid["method"], paid["purpose"], paid["amount"], paid["received_on"]) == (
        "cheque",
        None,
        "100.00",
        received.isoformat(),
    )
    (resolved,) = _of(receiver, "dispute.resolved")
    assert (resolved["outcome"], resolved["account_status"]) == ("upheld", "closed")
