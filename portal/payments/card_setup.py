"""A card typed for one payment (in full, part, settlement): saved in this visit's SetupIntent by
Stripe.js, checked here, charged by the payment service, and detached once that payment is over,
since the debtor never agreed to us keeping it. A plan's card is never detached here.
"""

from __future__ import annotations

import logging
import uuid

from flask import session
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import timeline
from portal.extensions import db
from portal.models import Account, PaymentAttempt, Plan, Purpose, UsedSetupIntent
from portal.models.payments import LIVE_STATUSES
from portal.payments import service
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, Setup, get_gateway

log = logging.getLogger("portal.payments")

SESSION_KEY = "card_setup"
#: The code for a SetupIntent posted before any card was saved in it (the form sent too early).
NOTHING_TYPED = "card_missing"
#: Purposes paid with a card typed for that payment alone; instalments and pay-offs use the plan's.
ONE_OFF = frozenset({Purpose.FULL, Purpose.PART, Purpose.SETTLEMENT})
_ENDED = (service.Result.SUCCEEDED, service.Result.DECLINED, service.Result.NOTHING_OWED)


def setup_for_visit(account: Account) -> Setup:
    """This visit's SetupIntent for a one-off card, reused while the browser can still confirm it."""
    gateway = get_gateway()
    customer = service.customer_for(account)
    known = session.get(SESSION_KEY)
    if known:
        setup = gateway.retrieve_setup_intent(known, for_page=True)
        if setup.still_usable and setup.customer == customer:
            return setup
    # A fresh key per SetupIntent: a replayed key would hand back one already used.
    setup = gateway.create_setup_intent(
        customer, key=f"account-{account.id}-card-setup-{uuid.uuid4().hex}", usage="on_session", for_page=True
    )
    session[SESSION_KEY] = setup.id
    return setup


def pay_with_new_card(account: Account, charge: service.Charge, setup_id: str) -> service.Outcome:
    """Charge the card saved in *setup_id* (already matched to this session by CardForm), then let it go
    if the payment is over; a bank check keeps it until the debtor comes back."""
    session.pop(SESSION_KEY, None)  # one SetupIntent, one payment
    try:
        card = _card_from(account, setup_id)
    except CardDeclined as declined:
        if declined.code != NOTHING_TYPED:
            timeline.record(account, "payment_failed", actor="debtor", code=declined.code, stage="card")
            db.session.commit()
        return service.Outcome(service.Result.DECLINED, code=declined.code)
    except GatewayUnavailable:
        log.exception("Stripe unavailable while reading a SetupIntent")
        return service.Outcome(service.Result.UNAVAILABLE)
    if not _claim(account, setup_id):
        # This card was already sent to pay (a second tab, a resent form): it pays once. The
        # overview shows how that payment stands.
        return service.Outcome(service.Result.NOTHING_OWED)
    waiting = db.session.scalars(
        select(PaymentAttempt).where(
            PaymentAttempt.account_id == account.id, PaymentAttempt.status.in_(LIVE_STATUSES)
        )
    ).all()
    outcome = service.pay_by_card(account, charge, saved=card)
    for earlier in waiting:
        release(earlier)  # a bank check left unfinished, retired by this payment
    if outcome.attempt is None:
        _detach(card.id)  # no payment was started with it
    return outcome


def _claim(account: Account, setup_id: str) -> bool:
    """Mark the SetupIntent used, committed before any charge; False if it already was."""
    db.session.add(UsedSetupIntent(stripe_setup_intent_id=setup_id, account_id=account.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _card_from(account: Account, setup_id: str) -> Card:
    """The card a SetupIntent of this debtor's customer saved; CardDeclined if it saved none."""
    gateway = get_gateway()
    setup = gateway.retrieve_setup_intent(setup_id)
    if setup.customer != account.debtor.stripe_customer_id:
        raise CardDeclined("card_declined")
    if setup.needs_payment_method and not setup.error_code:
        raise CardDeclined(NOTHING_TYPED)  # Stripe never saw a whole card
    if not setup.saved or not setup.payment_method:
        code = setup.error_code or "card_declined"
        # Stripe names a failed bank check differently when saving a card than when paying.
        raise CardDeclined(
            "payment_intent_authentication_failure" if code == "setup_intent_authentication_failure" else code
        )
    return gateway.card_details(setup.payment_method)


def release_after(outcome: service.Outcome) -> None:
    """Once an attempt's payment is over, detach its card if it was typed for that payment alone."""
    if outcome.result in _ENDED and outcome.attempt is not None:
        release(outcome.attempt)


def release_for_intent(intent_id: str) -> None:
    """The same, for the attempt behind a PaymentIntent Stripe told us about."""
    attempt = db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.stripe_payment_intent_id == intent_id)
    )
    if attempt is not None:
        release(attempt)


def release(attempt: PaymentAttempt) -> None:
    """Detach a one-off attempt's card once no attempt with it is live and no plan keeps it."""
    db.session.refresh(attempt)
    if attempt.purpose not in ONE_OFF or attempt.status in LIVE_STATUSES:
        return
    if attempt.stripe_payment_method_id:
        _detach(attempt.stripe_payment_method_id)


def _detach(payment_method_id: str) -> None:
    still_used = db.session.scalar(
        select(PaymentAttempt.id)
        .where(
            PaymentAttempt.stripe_payment_method_id == payment_method_id,
            PaymentAttempt.status.in_(LIVE_STATUSES),
        )
        .limit(1)
    )
    kept = db.session.scalar(
        select(Plan.id).where(Plan.stripe_payment_method_id == payment_method_id).limit(1)
    )
    if still_used is not None or kept is not None:
        return
    try:
        get_gateway().detach_card(payment_method_id)
    except (GatewayUnavailable, CardDeclined):
        # The payment itself is over and recorded; a card left attached is only untidy.
        log.warning("could not detach card %s", payment_method_id)
