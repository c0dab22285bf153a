"""Building, agreeing and running an instalment plan from the debtor's side."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal import clock, timeline
from portal.domain.policy import OutsidePolicy
from portal.extensions import db, limiter
from portal.links.access import verified_required
from portal.models import AttemptStatus, PaymentAttempt, Purpose
from portal.payments import service
from portal.payments.card_pages import after_attempt
from portal.payments.gateway import CardDeclined, GatewayUnavailable, get_gateway
from portal.payments.messages import decline_message
from portal.plans import agree_step, agreements, ledger
from portal.plans.forms import CsrfOnly, parse_amount, parse_count, parse_date
from portal.plans.limits import explain
from portal.plans.options import options_for

bp = Blueprint("plans", __name__)


def _today() -> date:
    return clock.today()


@bp.route("/plan/new", methods=["GET", "POST"])
@verified_required
def builder():
    account = g.account
    choices = options_for(account, _today())
    if not choices.instalments:
        return redirect(url_for("offers.options"), code=303)
    form = CsrfOnly()
    errors: list[tuple[str, str]] = []
    values = dict(request.form) if request.method == "POST" else {}
    if request.method == "POST":
        choice = _read_choice(account, choices, form, errors)
        if choice is not None:
            try:
                agreements.preview(account, choice, _today())
            except OutsidePolicy as error:
                field = {
                    "first_date_in_past": "first-day",
                    "first_date_too_late": "first-day",
                    "frequency_not_allowed": "frequency-0",
                }.get(error.code, "count" if choice.count else "amount")
                errors.append((field, explain(error, account.currency)))
            else:
                session["plan_choice"] = choice.to_session()
                return redirect(url_for("plans.review"), code=303)
    return render_template(
        "plans/builder.html",
        account=account,
        options=choices,
        errors=errors,
        values=values,
        latest_first=_today() + timedelta(days=choices.policy.first_payment_within_days),
    ), (400 if errors else 200)


def _read_choice(account, choices, form, errors) -> agreements.PlanChoice | None:
    if not form.validate_on_submit():
        errors.append(("frequency-0", _("Something went wrong with the form. Please try again.")))
        return None
    frequency = request.form.get("frequency")
    if frequency not in {f.value for f in choices.policy.frequencies}:
        errors.append(("frequency-0", _("Choose how often you want to pay")))
    method = request.form.get("method")
    count = amount = None
    if method == "count":
        count = parse_count(request.form.get("count"), "count", errors)
    elif method == "amount":
        amount = parse_amount(request.form.get("amount"), account.currency, "amount", errors)
    else:
        errors.append(("method-0", _("Choose how you want to set the payments")))
    first = parse_date(request.form, "first", errors)
    down = 0
    if choices.policy.down_payment_required:
        down = parse_amount(request.form.get("down_payment"), account.currency, "down_payment", errors) or 0
    if errors:
        return None
    return agreements.PlanChoice(
        frequency=frequency, first_date=first.isoformat(), count=count, amount=amount, down_payment=down
    )


def _choice_or_none():
    choice = agreements.PlanChoice.from_session(session.get("plan_choice"))
    if choice is None:
        return None, None
    try:
        return choice, agreements.preview(g.account, choice, _today())
    except (OutsidePolicy, ValueError):
        return None, None


# The agree step is shared with the debtor's own offers (portal/support/).
_setup_intent = agree_step.setup_intent_for_visit
_saved_card = agree_step.saved_card
_charge_instalment_now = agree_step.charge_instalment_now
_plan_page = agree_step.plan_page


@bp.route("/plan/review", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def review():
    account = g.account
    choice, schedule = _choice_or_none()
    if choice is None:
        return redirect(url_for("plans.builder"), code=303)
    options = options_for(account, _today())
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        setup_id = agree_step.read_agree_form(errors)
        if setup_id is not None:
            result = _agree(account, choice, setup_id)
            if result is not None:
                return result
            errors.append(("card-element", decline_message("card_declined")))
    try:
        setup = _setup_intent()
    except GatewayUnavailable:
        return render_template(
            "plans/review.html",
            account=account,
            choice=choice,
            schedule=schedule,
            options=options,
            errors=[("card-element", decline_message("unavailable"))],
            client_secret=None,
        ), 503
    timeline.record(account, "plan_recap_viewed", actor="debtor")
    db.session.commit()
    return render_template(
        "plans/review.html",
        account=account,
        choice=choice,
        schedule=schedule,
        options=options,
        errors=errors,
        client_secret=setup.client_secret,
        consent_text=agree_step.consent_text(),
    ), (400 if errors else 200)


def _agree(account, choice, setup_id):
    card = agree_step.card_from_setup(setup_id)
    if card is None:
        return None
    # Exactly the words on the page the debtor agreed on (same language, same collector name).
    consent = agree_step.consent_text()
    try:
        plan = agreements.agree(
            account,
            choice,
            _today(),
            payment_method_id=card.id,
            card_brand=card.brand,
            card_last4=card.last4,
            consent_text=consent,
        )
    except OutsidePolicy:
        db.session.rollback()
        return redirect(url_for("plans.builder"), code=303)
    db.session.commit()
    session.pop("plan_choice", None)
    return agree_step.after_agreeing(plan, _today())


@bp.get("/plan/confirmed")
@verified_required
def confirmed():
    plan = ledger.active_plan(g.account.id)
    if plan is None:
        return redirect(url_for("debtor.overview"), code=303)
    return render_template("plans/confirmed.html", account=g.account, plan=plan)


@bp.get("/plan")
@verified_required
def plan_page():
    return _plan_page()


@bp.get("/plan/calendar.ics")
@verified_required
def calendar():
    from portal.plans.calendar import plan_ics

    plan = ledger.active_plan(g.account.id)
    if plan is None:
        abort(404)
    body = plan_ics(plan)
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": 'attachment; filename="payment-plan.ics"',
        },
    )


@bp.post("/plan/pay-next")
@verified_required
@limiter.limit("20/minute")
def pay_next():
    plan = ledger.active_plan(g.account.id)
    if plan is None or CsrfOnly().validate_on_submit() is False:
        return redirect(url_for("debtor.overview"), code=303)
    instalment = ledger.next_instalment(plan)
    if instalment is None:
        return redirect(url_for("plans.plan_page"), code=303)
    return after_attempt(_charge_instalment_now(plan, instalment), _plan_page)


@bp.post("/plan/pay-off")
@verified_required
@limiter.limit("20/minute")
def pay_off():
    plan = ledger.active_plan(g.account.id)
    if plan is None or CsrfOnly().validate_on_submit() is False:
        return redirect(url_for("debtor.overview"), code=303)
    charge = service.Charge(Purpose.PAYOFF, g.account.balance.minor, plan_id=plan.id)
    return after_attempt(service.pay_by_card(g.account, charge, saved=_saved_card(plan)), _plan_page)


@bp.route("/plan/card", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def change_card():
    """Save a new card for the plan; if a payment is overdue, take it with the new card now."""
    account = g.account
    plan = ledger.active_plan(account.id)
    if plan is None:
        return redirect(url_for("debtor.overview"), code=303)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        setup_id = (request.form.get("setup_intent") or "").strip()
        if not CsrfOnly().validate_on_submit() or not setup_id or setup_id != session.get("setup_intent"):
            errors.append(("card-element", _("Enter your card details")))
        else:
            gateway = get_gateway()
            try:
                setup = gateway.retrieve_setup_intent(setup_id)
                card = gateway.card_details(setup.payment_method) if setup.status == "succeeded" else None
            except (GatewayUnavailable, CardDeclined):
                card = None
            if card is None:
                errors.append(("card-element", decline_message("card_declined")))
            else:
                plan.stripe_payment_method_id = card.id
                plan.card_brand, plan.card_last4 = card.brand, card.last4
                timeline.record(
                    account, "plan_card_changed", actor="debtor", plan_id=plan.id, last4=card.last4
                )
                db.session.commit()
                session.pop("setup_intent", None)
                overdue = ledger.next_instalment(plan)
                if overdue is not None and overdue.due_date <= _today() and overdue.attempts > 0:
                    return after_attempt(_charge_instalment_now(plan, overdue), _plan_page)
                return redirect(url_for("plans.plan_page"), code=303)
    try:
        setup = _setup_intent()
    except GatewayUnavailable:
        return _plan_page([("card-element", decline_message("unavailable"))], 503)
    db.session.commit()
    return render_template(
        "plans/change_card.html", account=account, plan=plan, errors=errors, client_secret=setup.client_secret
    ), (400 if errors else 200)


@bp.get("/plan/attempts/<int:attempt_id>/confirm")
@verified_required
def confirm_payment(attempt_id: int):
    """The page a debtor reaches from the email after their bank asked to check a plan payment."""
    attempt = db.session.get(PaymentAttempt, attempt_id)
    if attempt is None or attempt.account_id != g.account.id:
        abort(404)
    if attempt.status is not AttemptStatus.REQUIRES_ACTION:
        return redirect(url_for("plans.plan_page"), code=303)
    try:
        intent = get_gateway().retrieve_intent(attempt.stripe_payment_intent_id)
    except GatewayUnavailable:
        return _plan_page([("card-element", decline_message("unavailable"))], 503)
    return render_template(
        "payments/authenticate.html", account=g.account, attempt=attempt, client_secret=intent.client_secret
    )
