"""The agree step every instalment plan goes through, whoever drew up its schedule: the card
saved in a SetupIntent, the consent box, then the confirmation and the first payment if due.

Shared by the plan builder and the debtor's own offers; routes call these, never each other.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, g, redirect, render_template, session, url_for

from portal.accounts import ledger
from portal.domain.policy import Policy
from portal.models import Instalment, Plan, Purpose
from portal.models.types import utcnow
from portal.notify import plan_emails
from portal.payments import service
from portal.payments.card_pages import after_attempt
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, get_gateway
from portal.plans import agreements
from portal.plans.forms import SETUP_SESSION_KEY


def setup_intent_for_visit():
    """A SetupIntent for this visit, reused while it can still be confirmed."""
    gateway = get_gateway()
    customer = service.customer_for(g.account)
    known = session.get(SETUP_SESSION_KEY)
    if known:
        setup = gateway.retrieve_setup_intent(known, for_page=True)
        if setup.still_usable:
            return setup
    key = f"account-{g.account.id}-setup-{utcnow().timestamp():.0f}"
    setup = gateway.create_setup_intent(customer, key=key, for_page=True)
    session[SETUP_SESSION_KEY] = setup.id
    return setup


def consent_text() -> str:
    """The consent sentence for this page, exactly as shown and as stored."""
    return agreements.consent_wording(current_app.config["COLLECTOR_NAME"])


def card_from_setup(setup_id: str) -> Card | None:
    """The card saved by a SetupIntent that succeeded, else None (declined, or Stripe unreachable)."""
    gateway = get_gateway()
    try:
        setup = gateway.retrieve_setup_intent(setup_id)
        if not setup.saved or not setup.payment_method:
            return None
        return gateway.card_details(setup.payment_method)
    except (GatewayUnavailable, CardDeclined):
        return None


def saved_card(plan: Plan) -> Card:
    return Card(id=plan.stripe_payment_method_id, brand=plan.card_brand or "", last4=plan.card_last4 or "")


def charge_instalment_now(plan: Plan, instalment: Instalment) -> service.Outcome:
    charge = service.Charge(
        Purpose.INSTALMENT, instalment.amount, plan_id=plan.id, instalment_id=instalment.id
    )
    return service.pay_by_card(g.account, charge, saved=saved_card(plan))


def after_agreeing(plan: Plan, today: date):
    """Once the plan is committed: the confirmation email, then the first payment if it is due."""
    session.pop(SETUP_SESSION_KEY, None)
    plan_emails.send_confirmation(plan)
    first = ledger.next_instalment(plan)
    if first is not None and first.due_date <= today:
        outcome = charge_instalment_now(plan, first)
        if outcome.result is not service.Result.SUCCEEDED:
            return after_attempt(outcome, plan_page)
    return redirect(url_for("plans.confirmed"), code=303)


def plan_page(errors=None, status=200):
    """The debtor's plan page, with *errors* (a payment that did not go through, say)."""
    plan = ledger.active_plan(g.account.id)
    if plan is None:
        return redirect(url_for("debtor.overview"), code=303)
    return render_template(
        "plans/plan.html",
        account=g.account,
        plan=plan,
        errors=errors or [],
        next_due=ledger.next_instalment(plan),
        paid_count=ledger.instalments_paid(plan),
        policy=Policy.from_dict(plan.policy.settings),
    ), status
