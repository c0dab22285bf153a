"""A promise to pay, one question a page: the date, then how much, then check and send.

Answers wait in the "promise" draft until they are sent. The date and the amount are checked again
when shown and when sent: a saved date can leave the window overnight, and a payment made since can
make the balance no bigger than the part promised.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from flask import g, redirect, render_template, request, url_for

from portal import clock
from portal.accounts.eligibility import Action, Reason, for_account
from portal.cant_pay import service as cant_pay
from portal.cant_pay.blueprint import bp, latest
from portal.cant_pay.forms import read_promise, read_promise_amount, read_promise_date
from portal.domain.money import Money
from portal.extensions import db, limiter
from portal.forms.checks import form_ok
from portal.forms.reading import date_values
from portal.guidance.questions import Question, Run
from portal.links.access import verified_required
from portal.models import Account, RequestKind
from portal.plans.options import options_for

PROMISE = Run(
    "promise",
    (Question("cant_pay.promise", "date"), Question("cant_pay.promise_amount", "how_much")),
    check="cant_pay.promise_check",
)
# The question page of each field an error can name: a stale answer sends the debtor back there.
_PAGE_OF = {
    "date-day": "cant_pay.promise",
    "how_much-0": "cant_pay.promise_amount",
    "amount": "cant_pay.promise_amount",
}


def _elsewhere():
    """Where to go when a promise is not allowed now: with a plan running, its own page says what
    is next; otherwise the overview."""
    reason = for_account(g.account, clock.today()).why_not(Action.PROMISE)
    if reason is None:
        return None
    target = "plans.plan_page" if reason is Reason.PLAN_ACTIVE else "debtor.overview"
    return redirect(url_for(target), code=303)


def _window(account: Account) -> tuple[date, date]:
    today = clock.today()
    return cant_pay.promise_window(options_for(account, today).policy, today)


def _as_form(account: Account, answers: dict) -> dict[str, str]:
    """The saved answers as the question pages' fields, to show them again and to check them again."""
    values: dict[str, str] = {}
    with suppress(ValueError):  # no date saved (or not a date): the page asks for one
        values.update(date_values("date", date.fromisoformat(answers.get("date") or "")))
    if answers.get("how_much"):
        values["how_much"] = answers["how_much"]
    if isinstance(answers.get("amount"), int):
        # Plain digits and a dot read the same in every language the portal speaks.
        values["amount"] = str(Money(answers["amount"], account.currency).as_decimal())
    return values


def _status(errors) -> int:
    # A saved answer that went stale is shown with its error on GET; only a refused POST is a 400.
    return 400 if errors and request.method == "POST" else 200


@bp.route("/cant-pay/promise", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def promise():
    """When will you pay? A date inside the policy's promise window."""
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    account = g.account
    window = _window(account)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        values = request.form
        on = read_promise_date(values, window, errors) if form_ok(errors, "date-day") else None
        if on is not None:
            answers = PROMISE.save(account, date=on.isoformat())
            db.session.commit()
            return PROMISE.next_page(answers)
    else:
        answers = PROMISE.answers(account)
        values = _as_form(account, answers)
        if "date" in answers:
            read_promise_date(values, window, errors)  # it may have left the window since
    return render_template(
        "cant_pay/promise.html",
        account=account,
        errors=errors,
        values=values,
        first=window[0],
        last=window[1],
        back=url_for("cant_pay.choices"),
    ), _status(errors)


@bp.route("/cant-pay/promise/how-much", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def promise_amount():
    """How much will you pay on that day? The full amount, or a part smaller than the balance."""
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    account = g.account
    balance = account.balance.minor
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        values = request.form
        how_much = (
            read_promise_amount(values, account.currency, balance, errors)
            if form_ok(errors, "how_much-0")
            else None
        )
        if how_much is not None:
            answers = PROMISE.save(account, how_much=how_much[0], amount=how_much[1])
            db.session.commit()
            return PROMISE.next_page(answers)
    else:
        answers = PROMISE.answers(account)
        values = _as_form(account, answers)
        if "how_much" in answers:
            read_promise_amount(values, account.currency, balance, errors)  # the balance may be smaller now
    return render_template(
        "cant_pay/promise_amount.html",
        account=account,
        errors=errors,
        values=values,
        back=url_for(PROMISE.back("cant_pay.promise_amount")),
    ), _status(errors)


@bp.route("/cant-pay/promise/check", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def promise_check():
    """Both answers with a way to change each; sending makes the promise, as the one-page form did."""
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    account = g.account
    answers = PROMISE.answers(account)
    if (missing := PROMISE.unanswered(answers)) is not None:
        return redirect(url_for(missing), code=303)
    errors: list[tuple[str, str]] = []
    promised = read_promise(
        _as_form(account, answers), account.currency, account.balance.minor, _window(account), errors
    )
    if promised is None:
        # Right when given, not any more: its question page shows the same error.
        return redirect(url_for(_PAGE_OF.get(errors[0][0], "cant_pay.promise")), code=303)
    if request.method == "POST" and form_ok(errors, "send"):
        cant_pay.make_promise(account, promised.on, promised.amount)
        PROMISE.clear(account)
        db.session.commit()
        return redirect(url_for("cant_pay.promise_made"), code=303)
    return render_template(
        "cant_pay/promise_check.html",
        account=account,
        errors=errors,
        promise=promised,
        back=url_for(PROMISE.back(PROMISE.check)),
    ), (400 if errors else 200)


@bp.get("/cant-pay/promise/done")
@verified_required
def promise_made():
    made = latest(RequestKind.PROMISE)
    if made is None:
        return redirect(url_for("cant_pay.promise"), code=303)
    return render_template("cant_pay/promise_made.html", account=g.account, promise=made)
