"""A promise to pay, one question a page: the date, then how much, then check and send.

Answers wait in the "promise" draft until they are sent. The date and the amount are checked again
when shown and when sent: a saved date can leave the window overnight, and a payment made since can
make the balance no bigger than the part promised.
"""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, request, url_for

from portal import clock
from portal.accounts.eligibility import Action, Reason, for_account
from portal.cant_pay import service as cant_pay
from portal.cant_pay.blueprint import bp, latest
from portal.cant_pay.forms import Promise, PromiseAmountForm, PromiseDateForm
from portal.domain.money import Money
from portal.extensions import db, limiter
from portal.forms.base import Form
from portal.forms.saved import from_saved
from portal.forms.send import SendForm
from portal.guidance.questions import Question, Run
from portal.links.access import verified_required
from portal.models import Account, RequestKind
from portal.plans.options import options_for

PROMISE = Run(
    "promise",
    (Question("cant_pay.promise", "date"), Question("cant_pay.promise_amount", "how_much")),
    check="cant_pay.promise_check",
)


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


def _saved(account: Account, answers: dict) -> dict:
    """The saved answers as the question pages' fields hold them, to show and check them again."""
    saved: dict = {}
    if "date" in answers:
        try:
            saved["date"] = date.fromisoformat(answers["date"] or "")
        except (TypeError, ValueError):
            saved["date"] = None  # not a date: its page asks for one
    if answers.get("how_much"):
        saved["how_much"] = answers["how_much"]
    if isinstance(answers.get("amount"), int):
        # Plain digits and a dot read the same in every language the portal speaks.
        saved["amount"] = str(Money(answers["amount"], account.currency).as_decimal())
    return saved


def _page(template: str, form: Form, **context):
    errors = form.error_summary()
    # A saved answer that went stale is shown with its error on GET; only a refused POST is a 400.
    status = 400 if errors and request.method == "POST" else 200
    return render_template(template, account=g.account, form=form, errors=errors, **context), status


def _form(form_class: type[Form], key: str, **kwargs) -> Form:
    """The page's form: as posted, or filled with its saved answer (checked again) if there is one."""
    answers = PROMISE.answers(g.account)
    if request.method == "POST" or key not in answers:
        return form_class(**kwargs)
    return from_saved(form_class, _saved(g.account, answers), **kwargs)


@bp.route("/cant-pay/promise", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def promise():
    """When will you pay? A date inside the policy's promise window."""
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    account = g.account
    window = _window(account)
    form = _form(PromiseDateForm, "date", window=window)
    if form.validate_on_submit():
        answers = PROMISE.save(account, date=form.date.data.isoformat())
        db.session.commit()
        return PROMISE.next_page(answers)
    return _page(
        "cant_pay/promise.html",
        form,
        first=window[0],
        last=window[1],
        back=url_for("cant_pay.choices"),
    )


@bp.route("/cant-pay/promise/how-much", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def promise_amount():
    """How much will you pay on that day? The full amount, or a part smaller than the balance."""
    if (elsewhere := _elsewhere()) is not None:
        return elsewhere
    account = g.account
    form = _form(PromiseAmountForm, "how_much", balance=account.balance)
    if form.validate_on_submit():
        how_much, amount = form.answer()
        answers = PROMISE.save(account, how_much=how_much, amount=amount)
        db.session.commit()
        return PROMISE.next_page(answers)
    return _page("cant_pay/promise_amount.html", form, back=url_for(PROMISE.back("cant_pay.promise_amount")))


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
    saved = _saved(account, answers)
    # Right when given, perhaps not any more: its question page shows the same error.
    if from_saved(PromiseDateForm, saved, window=_window(account)).error_summary():
        return redirect(url_for("cant_pay.promise"), code=303)
    how_much = from_saved(PromiseAmountForm, saved, balance=account.balance)
    if how_much.error_summary():
        return redirect(url_for("cant_pay.promise_amount"), code=303)
    promised = Promise(saved["date"], how_much.answer()[1])
    form = SendForm()
    if form.validate_on_submit():
        cant_pay.make_promise(account, promised.on, promised.amount)
        PROMISE.clear(account)
        db.session.commit()
        return redirect(url_for("cant_pay.promise_made"), code=303)
    return _page(
        "cant_pay/promise_check.html", form, promise=promised, back=url_for(PROMISE.back(PROMISE.check))
    )


@bp.get("/cant-pay/promise/done")
@verified_required
def promise_made():
    made = latest(RequestKind.PROMISE)
    if made is None:
        return redirect(url_for("cant_pay.promise"), code=303)
    return render_template("cant_pay/promise_made.html", account=g.account, promise=made)
