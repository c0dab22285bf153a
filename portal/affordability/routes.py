"""The affordability check: income, outgoings, how often, the first payment's date, what is left,
and a plan that fits. One question a page; what the figures come to is in result.py.

Private by default. The figures live in the session only while the debtor is on these pages:
they are dropped as soon as the debtor goes anywhere else, and when the check ends. They are
written down (on the timeline, and with an offer) only when the debtor answers yes to sharing.
They are never logged: they travel in POST bodies, never in a URL.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from portal import clock, timeline
from portal.accounts.eligibility import Action, Reason, for_account
from portal.affordability.forms import (
    OUTGOING_LABELS,
    FirstPaymentForm,
    HowOftenForm,
    IncomeForm,
    NextForm,
    OutgoingsForm,
    ShareForm,
)
from portal.affordability.result import Result, work_out
from portal.domain.money import Money
from portal.extensions import db, limiter
from portal.forms.base import Form
from portal.links.access import verified_required
from portal.offers.questions import OFFER_PAGES, PREFILL, SHARED, prefill, saved_start
from portal.plans import agreements
from portal.plans.options import options_for

bp = Blueprint("afford", __name__)

#: The session key holding this check's figures while it runs.
FIGURES = "afford"
# Endpoints that do not end the check: the language switch returns to the same page.
_KEEP = {"static", "links.change_language"}
#: The check's question pages, each with the figure it saves, in the order they are asked.
#: Every endpoint on this blueprint ("afford.") keeps the figures; any other drops them.
QUESTIONS = {
    "income": "afford.income",
    "outgoings": "afford.outgoings",
    "frequency": "afford.how_to_pay",
    "start": "afford.first_payment",
}


@bp.before_app_request
def _forget_figures_elsewhere():
    """Leaving the check drops its figures (and unsent shared figures once off the offer's pages)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in _KEEP or endpoint.startswith("afford."):
        return
    if FIGURES in session:
        session.pop(FIGURES)
    if SHARED in session and endpoint not in OFFER_PAGES:
        session.pop(SHARED)


def _figures() -> dict:
    return dict(session.get(FIGURES) or {})


def _save(**changes) -> None:
    session[FIGURES] = {**_figures(), **changes}


def _missing(before: str):
    """A redirect to the first question asked before the page *before* that has no answer yet, or None."""
    known = _figures()
    for key, endpoint in QUESTIONS.items():
        if endpoint == before:
            return None
        if key not in known:
            return redirect(url_for(endpoint), code=303)
    return None


def _elsewhere():
    reason = for_account(g.account, clock.today()).why_not(Action.AFFORDABILITY)
    if reason is None:
        return None
    target = "plans.plan_page" if reason is Reason.PLAN_ACTIVE else "debtor.overview"
    return redirect(url_for(target), code=303)


def _major(minor: int | None) -> str:
    return "" if minor is None else str(Money(minor, g.account.currency).as_decimal())


def _page(template: str, form: Form, **context):
    errors = form.error_summary()
    return render_template(template, account=g.account, form=form, errors=errors, **context), (
        400 if errors else 200
    )


@bp.route("/afford", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def income():
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    form = IncomeForm(g.account.currency, income=_major(_figures().get("income")))
    if form.validate_on_submit():
        _save(income=form.income.data)
        return redirect(url_for("afford.outgoings"), code=303)
    return _page("affordability/income.html", form)


@bp.route("/afford/outgoings", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def outgoings():
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    if (missing := _missing("afford.outgoings")) is not None:
        return missing
    known = _figures().get("outgoings") or {}
    form = OutgoingsForm(g.account.currency, **{name: _major(known[name]) for name in known})
    if form.validate_on_submit():
        _save(outgoings=form.spent())
        return redirect(url_for("afford.how_to_pay"), code=303)
    return _page("affordability/outgoings.html", form, labels=OUTGOING_LABELS)


@bp.route("/afford/how-to-pay", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def how_to_pay():
    """How often the debtor could pay."""
    if (away := _elsewhere() or _missing("afford.how_to_pay")) is not None:
        return away
    form = HowOftenForm(frequency=_figures().get("frequency"))
    if form.validate_on_submit():
        _save(frequency=form.frequency.data)
        return redirect(url_for("afford.first_payment"), code=303)
    return _page("affordability/how_to_pay.html", form, back=url_for("afford.outgoings"))


@bp.route("/afford/first-payment", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def first_payment():
    """When the first payment could be: from today up to a year ahead."""
    if (away := _elsewhere() or _missing("afford.first_payment")) is not None:
        return away
    today = clock.today()
    form = FirstPaymentForm(today, start=saved_start(_figures()))
    if form.validate_on_submit():
        _save(start=form.start.data.isoformat())  # the session holds JSON
        return redirect(url_for("afford.result"), code=303)
    options = options_for(g.account, today)
    return _page(
        "affordability/first_payment.html",
        form,
        policy_latest=today + timedelta(days=options.policy.first_payment_within_days),
        back=url_for("afford.how_to_pay"),
    )


def _result(today: date) -> Result | None:
    return work_out(_figures(), g.account, today)


@bp.route("/afford/result", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def result():
    if (away := _elsewhere() or _missing("afford.result")) is not None:
        return away
    found = _result(clock.today())
    form = NextForm()
    if form.validate_on_submit():
        # A plan chosen on a page shown before the figures changed: none fits now.
        chosen = "offer" if form.next.data == "plan" and found.suggestion is None else form.next.data
        _save(next=chosen)
        return redirect(url_for("afford.share"), code=303)
    return render_template(
        "affordability/result.html",
        account=g.account,
        result=found,
        frequency=found.frequency.value,
    )


@bp.route("/afford/share", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def share():
    if (away := _elsewhere() or _missing("afford.result")) is not None:
        return away
    found = _result(clock.today())
    chosen = _figures().get("next")
    if found is None or chosen not in ("plan", "offer"):
        return redirect(url_for("afford.result"), code=303)
    form = ShareForm()
    if form.validate_on_submit():
        return _finish(found, chosen, form.share.data == "yes")
    return _page("affordability/share.html", form, chosen=chosen)


def _finish(found: Result, chosen: str, shared: bool):
    """Write the figures down only if the debtor said yes; drop them from the session either way."""
    account = g.account
    session.pop(FIGURES, None)
    figures = None
    if shared:
        figures = {
            "currency": account.currency,
            "income": found.budget.income,
            "outgoings": dict(found.budget.outgoings),
            "left": found.budget.left,
        }
        timeline.record(account, "affordability_shared", actor="debtor", **figures)
        db.session.commit()
    if chosen == "plan" and found.suggestion is not None:
        session["plan_choice"] = agreements.PlanChoice(
            frequency=found.frequency.value,
            first_date=found.start.isoformat(),
            count=found.suggestion.count,
            amount=found.suggestion.amount,
        ).to_session()
        return redirect(url_for("plans.review"), code=303)
    session[PREFILL] = prefill(Money(found.each, account.currency), found.frequency.value, found.start)
    if figures is not None:
        session[SHARED] = figures
    return redirect(url_for("own_offer.propose"), code=303)
