"""Checking and agreeing an instalment plan, and running it, from the debtor's side.

The builder's questions (how often, how much, the first payment) are in builder_routes, on the
same blueprint; the check page here reads their answers from the plan's draft.
"""

from __future__ import annotations

from datetime import date

from flask import abort, g, redirect, render_template, session, url_for

from portal import clock, timeline
from portal.accounts import ledger
from portal.domain.policy import OutsidePolicy
from portal.extensions import db, limiter
from portal.forms.checks import CsrfOnly
from portal.links.access import verified_required
from portal.models import AttemptStatus, PaymentAttempt, Purpose
from portal.notify import plan_emails
from portal.payments import service
from portal.payments.card_pages import after_attempt
from portal.payments.gateway import CardDeclined, GatewayUnavailable, get_gateway
from portal.payments.messages import decline_message

# Importing builder_routes also registers the builder's questions on the same blueprint.
from portal.plans import agree_step, agreements, builder_routes
from portal.plans.blueprint import bp
from portal.plans.forms import SETUP_SESSION_KEY, AgreeForm, ChangeCardForm
from portal.plans.options import options_for
from portal.plans.plan_answers import RUN, answers_for, choice_from, question_for, skipped


def _today() -> date:
    return clock.today()


# The agree step is shared with the debtor's own offers (portal/offers/).
_setup_intent = agree_step.setup_intent_for_visit
_saved_card = agree_step.saved_card
_charge_instalment_now = agree_step.charge_instalment_now
_plan_page = agree_step.plan_page


@bp.route("/plan/review", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def review():
    """Check the answers, see every payment, add a card and agree."""
    account = g.account
    today = _today()
    options = options_for(account, today)
    if not options.instalments:
        return redirect(url_for("debtor.options"), code=303)
    _take_over_handed_choice(account, options.policy)
    answers = RUN.answers(account)
    skip = skipped(options.policy)
    if RUN.unanswered(answers, skip) is not None:
        return RUN.next_page(answers, skip)
    choice = choice_from(answers, options.policy)
    if choice is None:
        return _start_again(account)
    try:
        schedule = agreements.preview(account, choice, today)
    except OutsidePolicy as error:
        # The policy changed, or a date passed: the question to change says what is wrong.
        return redirect(url_for(question_for(error.code)), code=303)
    except ValueError:  # a frequency the portal does not know
        return _start_again(account)
    form = AgreeForm()
    if form.validate_on_submit():
        result = _agree(account, choice, form.setup_intent.data)
        if result is not None:
            return result
        form.add_error(form.setup_intent, decline_message("card_declined"))
    page = {
        "account": account,
        "choice": choice,
        "schedule": schedule,
        "options": options,
        "rows": builder_routes.check_rows(answers, options, account.currency),
        "form": form,
        "consent_text": agree_step.consent_text(),
    }
    try:
        setup = _setup_intent()
    except GatewayUnavailable:
        return render_template(
            "plans/review.html",
            **page,
            errors=[("card-element", decline_message("unavailable"))],
            client_secret=None,
        ), 503
    errors = form.error_summary()
    html = render_template("plans/review.html", **page, errors=errors, client_secret=setup.client_secret)
    # Noted once the page is made, so the commit does not make its reads be done again.
    timeline.record(account, "plan_recap_viewed", actor="debtor")
    db.session.commit()
    return html, (400 if errors else 200)


def _take_over_handed_choice(account, policy) -> None:
    """The affordability check hands over the plan it worked out in session["plan_choice"]: it
    becomes this run's answers (the one place they are kept), and leaves the session."""
    handed = agreements.PlanChoice.from_session(session.pop("plan_choice", None))
    if handed is None:
        return
    RUN.forget(account, "down_payment")  # every other answer is replaced
    RUN.save(account, **answers_for(handed, policy))
    db.session.commit()


def _start_again(account):
    """Answers that cannot be read have nothing to mend: the builder starts again, not a failure."""
    RUN.clear(account)
    db.session.commit()
    return redirect(url_for("plans.builder"), code=303)


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
    except OutsidePolicy as error:
        db.session.rollback()
        return redirect(url_for(question_for(error.code)), code=303)
    RUN.clear(account)  # the plan is agreed: its answers go in the same commit
    db.session.commit()
    return agree_step.after_agreeing(plan, _today())


@bp.get("/plan/confirmed")
@verified_required
def confirmed():
    plan = ledger.active_plan(g.account.id)
    if plan is None:
        return redirect(url_for("debtor.overview"), code=303)
    # The page says the plan was emailed only once it has gone (a failed send is retried).
    emailed = plan_emails.emailed(plan)
    return render_template("plans/confirmed.html", account=g.account, plan=plan, emailed=emailed)


@bp.get("/plan")
@verified_required
def plan_page():
    return _plan_page()


@bp.get("/plan/calendar.ics")
@verified_required
def calendar():
    from portal.notify.plan_calendar import plan_ics

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
    owed = g.account.balance.minor
    charge = service.Charge(Purpose.PAYOFF, owed, plan_id=plan.id, basis=owed)
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
    form = ChangeCardForm()
    if form.validate_on_submit():
        gateway = get_gateway()
        try:
            setup = gateway.retrieve_setup_intent(form.setup_intent.data)
            card = gateway.card_details(setup.payment_method) if setup.saved else None
        except (GatewayUnavailable, CardDeclined):
            card = None
        if card is None:
            form.add_error(form.setup_intent, decline_message("card_declined"))
        else:
            plan.stripe_payment_method_id = card.id
            plan.card_brand, plan.card_last4 = card.brand, card.last4
            timeline.record(account, "plan_card_changed", actor="debtor", plan_id=plan.id, last4=card.last4)
            db.session.commit()
            session.pop(SETUP_SESSION_KEY, None)
            overdue = ledger.next_instalment(plan)
            if overdue is not None and overdue.due_date <= _today() and overdue.attempts > 0:
                return after_attempt(_charge_instalment_now(plan, overdue), _plan_page)
            return redirect(url_for("plans.plan_page"), code=303)
    try:
        setup = _setup_intent()
    except GatewayUnavailable:
        return _plan_page([("card-element", decline_message("unavailable"))], 503)
    db.session.commit()
    errors = form.error_summary()
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
