"""`flask reconcile`: every difference between our records and Stripe's intents is fixed or reported."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta

import click
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AccountStatus, AttemptStatus, Event, Payment, Purpose
from portal.payments import service
from portal.payments.commands import since_option
from portal.payments.gateway import CardDeclined, get_gateway
from portal.payments.reconcile import reconcile
from tests.helpers.cards import DECLINED_ON_CHARGE, SECRET_KEY, VISA_OK
from tests.helpers.records import attempts_for, count, event_kinds, payments_for
from tests.helpers.servers import free_port
from tests.helpers.webhooks import stripe_signature

NOW_GRACE = ["--grace-minutes", "0"]


@pytest.fixture(autouse=True)
def empty_stripe(localstripe):
    """Start from an empty localstripe: earlier tests' intents name attempt ids that repeat here."""
    localstripe.reset()


def start_attempt(account, saved_card, number=VISA_OK, *, link=True, confirm=True):
    """Do what the portal does up to the charge, then lose its answer: the crash cases."""
    gateway = get_gateway()
    customer = service.customer_for(account)
    card = saved_card(customer, number)
    attempt = service.new_attempt(account, service.Charge(Purpose.FULL, account.balance.minor), card)
    db.session.commit()
    intent = create_intent(account, attempt, customer, card.id)
    if link:
        attempt.stripe_payment_intent_id = intent.id
        db.session.commit()
    if confirm:
        try:
            gateway.confirm_intent(intent.id)
        except CardDeclined:
            pass
    return attempt, intent.id


def create_intent(account, attempt, customer, card_id):
    return get_gateway().create_intent(
        amount=attempt.amount,
        currency=attempt.currency,
        customer_id=customer,
        card_id=card_id,
        key=attempt.idempotency_key,
        metadata={"account_id": str(account.id), "attempt_id": str(attempt.id)},
    )


def kinds(report) -> dict[tuple[str, bool], int]:
    return {(kind.value, fixed): n for (kind, fixed), n in report.counts().items()}


def state() -> tuple:
    """Everything reconcile may change, to show a second run changes nothing."""
    db.session.expire_all()
    from portal.models import PaymentAttempt

    attempts = db.session.execute(
        select(PaymentAttempt.id, PaymentAttempt.status, PaymentAttempt.stripe_payment_intent_id)
    ).all()
    payments = db.session.execute(select(Payment.id, Payment.stripe_payment_intent_id, Payment.amount)).all()
    return sorted(attempts), sorted(payments), count(Event)


def test_a_charge_whose_answer_was_lost_is_recorded_with_ledger_timeline_and_receipt(
    app, make_account, saved_card, mailbox
):
    account = make_account()
    attempt, intent_id = start_attempt(account, saved_card)
    assert payments_for(account) == []

    report = reconcile()

    assert kinds(report) == {("unrecorded_payment", True): 1}
    (payment,) = payments_for(account)
    assert (payment.stripe_payment_intent_id, payment.amount, payment.attempt_id) == (
        intent_id,
        106025,
        attempt.id,
    )
    assert attempts_for(account)[0].status is AttemptStatus.SUCCEEDED
    db.session.refresh(account)
    assert account.status is AccountStatus.PAID
    assert event_kinds(account).count("payment_succeeded") == 1
    reconciled = db.session.scalars(select(Event).where(Event.kind == "reconciled")).all()
    assert [e.data["difference"] for e in reconciled] == ["unrecorded_payment"]
    assert len(mailbox.wait_for(1)) == 1  # the receipt follows, as for any payment


def test_running_twice_changes_nothing_the_second_time(app, make_account, saved_card, runner):
    lost = make_account(reference="ACC-1")
    start_attempt(lost, saved_card)
    unlinked = make_account(reference="ACC-2", email="b@example.com")
    start_attempt(unlinked, saved_card, link=False)
    declined = make_account(reference="ACC-3", email="c@example.com")
    start_attempt(declined, saved_card, DECLINED_ON_CHARGE)
    never_confirmed = make_account(reference="ACC-4", email="d@example.com")
    start_attempt(never_confirmed, saved_card, confirm=False)

    first = runner.invoke(args=["reconcile", *NOW_GRACE])
    assert first.exit_code == 0, first.output
    after_first = state()
    second = runner.invoke(args=["reconcile", *NOW_GRACE])

    assert second.exit_code == 0, second.output
    assert "No differences." in second.output
    assert state() == after_first
    assert "unrecorded_payment: 2 fixed, 0 reported" in first.output
    assert "unlinked_attempt: 1 fixed, 0 reported" in first.output
    assert "stale_attempt: 1 fixed, 0 reported" in first.output
    assert "abandoned_attempt: 1 fixed, 0 reported" in first.output


def test_an_attempt_that_never_saved_its_intent_is_linked_by_the_intents_metadata(
    app, make_account, saved_card
):
    account = make_account()
    attempt, intent_id = start_attempt(account, saved_card, link=False)

    report = reconcile()

    assert kinds(report) == {("unlinked_attempt", True): 1, ("unrecorded_payment", True): 1}
    (row,) = attempts_for(account)
    assert row.stripe_payment_intent_id == intent_id
    assert row.status is AttemptStatus.SUCCEEDED
    assert [p.stripe_payment_intent_id for p in payments_for(account)] == [intent_id]


def test_a_live_attempt_whose_charge_was_declined_at_stripe_is_marked_failed(app, make_account, saved_card):
    account = make_account()
    start_attempt(account, saved_card, DECLINED_ON_CHARGE)
    assert attempts_for(account)[0].status is AttemptStatus.CREATED

    report = reconcile()

    assert kinds(report) == {("stale_attempt", True): 1}
    (row,) = attempts_for(account)
    assert row.status is AttemptStatus.FAILED
    assert row.live_account_id is None  # the account's live slot is free again
    assert payments_for(account) == []


def test_a_live_attempt_whose_intent_was_canceled_at_stripe_is_marked_canceled(app, make_account, saved_card):
    account = make_account()
    _attempt, intent_id = start_attempt(account, saved_card, confirm=False)
    get_gateway().cancel_intent(intent_id)

    report = reconcile()

    assert kinds(report) == {("stale_attempt", True): 1}
    assert attempts_for(account)[0].status is AttemptStatus.CANCELED


def test_young_attempts_are_left_alone_as_they_may_still_be_on_their_way(app, make_account, saved_card):
    account = make_account()
    start_attempt(account, saved_card, confirm=False)

    assert reconcile().differences == []
    assert attempts_for(account)[0].status is AttemptStatus.CREATED

    report = reconcile(grace=timedelta(0))
    assert kinds(report) == {("abandoned_attempt", True): 1}
    (row,) = attempts_for(account)
    assert row.status is AttemptStatus.CANCELED
    assert get_gateway().retrieve_intent(row.stripe_payment_intent_id).status == "canceled"


def test_a_retired_attempt_whose_charge_went_through_is_still_recorded(app, make_account, saved_card):
    account = make_account()
    attempt, intent_id = start_attempt(account, saved_card)
    service.move(attempt, AttemptStatus.CANCELED)  # given up on here; Stripe took the money anyway
    db.session.commit()

    report = reconcile()

    assert kinds(report) == {("unrecorded_payment", True): 1}
    assert [p.stripe_payment_intent_id for p in payments_for(account)] == [intent_id]
    assert attempts_for(account)[0].status is AttemptStatus.SUCCEEDED


def test_a_second_unpaid_intent_for_one_attempt_is_canceled_and_a_second_paid_one_reported(
    app, make_account, saved_card
):
    # localstripe ignores Idempotency-Key, so a retried create leaves a second intent behind.
    account = make_account()
    attempt, first = start_attempt(account, saved_card)
    customer = account.debtor.stripe_customer_id
    unpaid = create_intent(account, attempt, customer, attempt.stripe_payment_method_id).id
    paid = create_intent(account, attempt, customer, attempt.stripe_payment_method_id).id
    get_gateway().confirm_intent(paid)

    report = reconcile()

    assert kinds(report) == {
        ("unrecorded_payment", True): 1,
        ("duplicate_intent", True): 1,
        ("duplicate_charge", False): 1,
    }
    assert get_gateway().retrieve_intent(unpaid).status == "canceled"
    assert [p.stripe_payment_intent_id for p in payments_for(account)] == [first]
    assert [d.intent_id for d in report.unresolved] == [paid]


def _events(localstripe, kind: str) -> list[dict]:
    url = f"{localstripe.url}/v1/events?limit=100&type={kind}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {SECRET_KEY}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())["data"]


def _foreign_intent(localstripe, metadata: dict[str, str]) -> str:
    form = {"amount": "500", "currency": "usd", "payment_method_types[]": "card"}
    form.update({f"metadata[{k}]": v for k, v in metadata.items()})
    request = urllib.request.Request(
        f"{localstripe.url}/v1/payment_intents",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())["id"]


def test_intents_that_name_no_attempt_of_ours_are_reported_and_the_command_fails(
    app, make_account, saved_card, localstripe, runner
):
    account = make_account()
    start_attempt(account, saved_card, confirm=False)
    nameless = _foreign_intent(localstripe, {})
    # Same attempt id as ours, another account and amount: a copy of the database on the same Stripe.
    other = _foreign_intent(localstripe, {"attempt_id": "1", "account_id": "999"})

    result = runner.invoke(args=["reconcile"])

    assert result.exit_code == 1
    assert "unknown_intent: 0 fixed, 2 reported" in result.output
    assert f"intent={nameless}" in result.output and f"intent={other}" in result.output
    assert attempts_for(account)[0].status is AttemptStatus.CREATED


def test_a_recorded_payment_that_stripe_does_not_show_as_succeeded_is_reported(
    app, make_account, saved_card, runner
):
    account = make_account()
    attempt, intent_id = start_attempt(account, saved_card, confirm=False)
    db.session.add(
        Payment(
            account_id=account.id,
            attempt_id=attempt.id,
            stripe_payment_intent_id=intent_id,
            amount=106025,
            currency="USD",
        )
    )
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_nowhere", amount=100, currency="USD")
    )
    db.session.commit()

    result = runner.invoke(args=["reconcile"])

    assert result.exit_code == 1
    assert "payment_not_succeeded: 0 fixed, 1 reported" in result.output
    assert "payment_without_intent: 0 fixed, 1 reported" in result.output
    assert len(payments_for(account)) == 2  # reported, never deleted


def test_a_payment_whose_amount_differs_from_its_intent_is_reported(app, make_account, saved_card):
    account = make_account()
    attempt, intent_id = start_attempt(account, saved_card)
    service.record_success(get_gateway().retrieve_intent(intent_id), source="browser")
    payment = payments_for(account)[0]
    payment.amount = 100
    db.session.commit()

    report = reconcile()

    assert kinds(report) == {("amount_mismatch", False): 1}


def test_the_summary_names_no_person(app, make_account, saved_card, runner):
    account = make_account(full_name="Zebulon Quartermain", email="zq@example.com", reference="REF-777")
    start_attempt(account, saved_card)

    result = runner.invoke(args=["reconcile"])

    assert result.exit_code == 0, result.output
    for private in ("Zebulon", "Quartermain", "zq@example.com", "REF-777", "1060"):
        assert private not in result.output


def test_since_limits_what_is_compared(app, make_account, saved_card, runner):
    account = make_account()
    start_attempt(account, saved_card)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")

    result = runner.invoke(args=["reconcile", "--since", tomorrow])

    assert result.exit_code == 0, result.output
    assert "Checked 0 PaymentIntents, 0 attempts, 0 payments." in result.output
    assert payments_for(account) == []
    assert runner.invoke(args=["reconcile", "--since", "2026-12-01T10:00:00Z"]).exit_code == 0
    assert len(payments_for(account)) == 1


def test_since_accepts_a_date_or_a_zoned_time_and_refuses_a_bare_time():
    assert since_option("2026-12-01") == datetime(2026, 12, 1, tzinfo=UTC)
    assert since_option("2026-12-01T10:00:00Z") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert since_option("2026-12-01T12:00:00+02:00") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    for bad in ("2026-12-01T10:00:00", "yesterday"):
        with pytest.raises(click.BadParameter):
            since_option(bad)


def test_listing_intents_follows_every_page(app, make_account, saved_card):
    account = make_account()
    customer = service.customer_for(account)
    card = saved_card(customer, VISA_OK)
    made = {
        get_gateway()
        .create_intent(
            amount=100 + i, currency="USD", customer_id=customer, card_id=card.id, key=f"k{i}", metadata={}
        )
        .id
        for i in range(5)
    }

    listed = [intent.id for intent in get_gateway().list_intents(page_size=2)]
    since_now = [
        i.id for i in get_gateway().list_intents(since=int(datetime.now(UTC).timestamp()) - 60, page_size=2)
    ]
    in_future = list(get_gateway().list_intents(since=int(datetime.now(UTC).timestamp()) + 3600))

    assert sorted(listed) == sorted(made)
    assert sorted(since_now) == sorted(made)
    assert in_future == []


def test_an_intent_left_open_for_an_attempt_we_finished_is_canceled_at_stripe(app, make_account, saved_card):
    account = make_account()
    attempt, intent_id = start_attempt(account, saved_card, confirm=False)
    service.move(attempt, AttemptStatus.CANCELED)  # our cancel call never reached Stripe
    db.session.commit()

    report = reconcile()

    assert kinds(report) == {("leftover_intent", True): 1}
    assert get_gateway().retrieve_intent(intent_id).status == "canceled"
    assert reconcile().differences == []


def test_two_runs_and_the_webhook_at_once_fix_each_difference_once(
    app, make_account, saved_card, localstripe
):
    accounts = [make_account(reference=f"C-{n}", email=f"c{n}@example.com") for n in range(12)]
    for n, account in enumerate(accounts):
        number = DECLINED_ON_CHARGE if n % 4 == 3 else VISA_OK
        start_attempt(account, saved_card, number, link=n % 2 == 0, confirm=n % 6 != 5)
    events = [json.dumps(event).encode() for event in _events(localstripe, "payment_intent.succeeded")]
    assert events
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run_reconcile():
        with app.app_context():
            barrier.wait()
            try:
                reconcile(grace=timedelta(0))
            except BaseException as error:  # noqa: BLE001 - reported to the main thread below
                errors.append(error)

    def deliver_webhooks():
        client = app.test_client()
        barrier.wait()
        for body in events:
            headers = {"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)}
            status = client.post("/stripe/webhook", data=body, headers=headers).status_code
            if status != 200:
                errors.append(AssertionError(f"webhook answered {status}"))

    threads = [threading.Thread(target=run_reconcile) for _ in range(2)]
    threads.append(threading.Thread(target=deliver_webhooks))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    db.session.expire_all()
    paid = Counter(db.session.scalars(select(Payment.account_id)).all())
    succeeded_events = Counter(
        db.session.scalars(select(Event.account_id).where(Event.kind == "payment_succeeded")).all()
    )
    notes = Counter(
        (e.data["attempt_id"], e.data["difference"], e.data["intent"])
        for e in db.session.scalars(select(Event).where(Event.kind == "reconciled"))
    )
    assert len(paid) == len(events) and set(paid.values()) == {1}
    assert succeeded_events == paid
    assert set(notes.values()) == {1}, notes  # each fix noted once, whoever made it
    assert reconcile(grace=timedelta(0)).differences == []


def test_when_stripe_cannot_be_reached_the_command_says_so_and_fails(app, runner):
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    app.config["STRIPE_TIMEOUT_SECONDS"] = 1
    app.extensions.pop("portal.gateway", None)

    result = runner.invoke(args=["reconcile"])

    assert result.exit_code == 1
    assert "Stripe could not be reached" in result.output
