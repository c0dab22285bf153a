"""The plan builder, one question a page: how often, how the payments are set, the first payment.

Each answer is saved in the plan's draft (see plan_answers) and checked against the creditor's
policy as far as the answers so far allow; the check page (plans.review) shows them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal import clock
from portal.domain.money import Money
from portal.domain.policy import OutsidePolicy, Policy
from portal.extensions import db, limiter
from portal.forms.checks import form_ok, parse_amount, parse_count, parse_date
from portal.i18n import long_date, money
from portal.links.access import verified_required
from portal.models import Account
from portal.plans.blueprint import bp
from portal.plans.limits import explain
from portal.plans.options import Options, options_for
from portal.plans.plan_answers import RUN, broken_limit, skipped

FREQUENCY_LABELS = {
    "weekly": _l("Every week"),
    "every_two_weeks": _l("Every two weeks"),
    "monthly": _l("Every month"),
}

Errors = list[tuple[str, str]]


@dataclass(frozen=True)
class Visit:
    """A debtor on one of the builder's questions: what they may choose and what they said so far."""

    endpoint: str
    account: Account
    options: Options
    today: date
    answers: dict
    skip: tuple[str, ...]

    @property
    def back(self) -> str:
        earlier = RUN.back(self.endpoint, self.skip)
        return url_for(earlier) if earlier else url_for("debtor.options")

    def limit_errors(self, field: str, **given) -> Errors:
        """The policy limit this answer breaks (the saved one when none is *given*), on *field*."""
        error = broken_limit(
            self.account, self.options.policy, self.today, self.endpoint, self.answers, **given
        )
        return [(field, explain(error, self.account.currency))] if error else []

    def save(self, **values):
        """Keep the answer and go on to the next question still to answer, or the check page."""
        answers = RUN.save(self.account, **values)
        db.session.commit()
        return RUN.next_page(answers, self.skip)

    def render(self, template: str, errors: Errors, **context):
        # A GET can show errors too: a saved answer the policy no longer allows (the check page
        # sends the debtor here), which is not a bad request.
        status = 400 if errors and request.method == "POST" else 200
        page = render_template(
            template, account=self.account, options=self.options, errors=errors, back=self.back, **context
        )
        return page, status


def _visit(endpoint: str):
    """The visit, or where to go instead: the options when no plan can be set up now, the
    question after when this one is not asked, an earlier question not answered yet."""
    account = g.account
    today = clock.today()
    options = options_for(account, today)
    if not options.instalments:
        return redirect(url_for("debtor.options"), code=303)
    answers = RUN.answers(account)
    skip = skipped(options.policy)
    if endpoint in skip:
        return RUN.next_page(answers, skip)
    earlier = RUN.unanswered(answers, skip, before=endpoint)
    if earlier is not None:
        return redirect(url_for(earlier), code=303)
    return Visit(endpoint, account, options, today, answers, skip)


def frequency_choices(policy: Policy) -> list[tuple[str, str]]:
    """The ways to pay this policy allows, as (value, label) for the radios."""
    return [(f.value, str(FREQUENCY_LABELS.get(f.value, f.value))) for f in policy.frequencies]


@bp.route("/plan/new", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def builder():
    visit = _visit("plans.builder")
    if not isinstance(visit, Visit):
        return visit
    allowed = [value for value, _label in frequency_choices(visit.options.policy)]
    errors: Errors = []
    frequency = visit.answers.get("frequency")
    if request.method == "POST":
        frequency = request.form.get("frequency")
        if form_ok(errors, "frequency-0"):
            if frequency in allowed:
                return visit.save(frequency=frequency)
            errors.append(("frequency-0", _("Choose how often you want to pay")))
    elif frequency is not None and frequency not in allowed:
        stopped = OutsidePolicy("frequency_not_allowed")  # saved before the policy changed
        errors.append(("frequency-0", explain(stopped, visit.account.currency)))
    return visit.render(
        "plans/builder.html",
        errors,
        frequency=frequency,
        choices=frequency_choices(visit.options.policy),
    )


@bp.route("/plan/new/payments", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def payments():
    visit = _visit("plans.payments")
    if not isinstance(visit, Visit):
        return visit
    answers, currency = visit.answers, visit.account.currency
    errors: Errors = []
    values = {
        "method": answers.get("method"),
        "count": str(answers["count"]) if answers.get("count") else "",
        "amount": _plain(answers.get("amount"), currency),
    }
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in ("method", "count", "amount")}
        if form_ok(errors, "method-0"):
            answer = _read_payments(values, currency, errors)
            if answer is not None:
                errors += visit.limit_errors(answer["method"], **answer)
                if not errors:
                    return visit.save(**answer)
    elif answers.get("method") in ("count", "amount"):
        errors = visit.limit_errors(answers["method"])
    return visit.render("plans/payments.html", errors, values=values)


def _read_payments(values: dict, currency: str, errors: Errors) -> dict | None:
    """The method and its number: {"method": "count", "count": 6, "amount": None} or the like."""
    method = values["method"]
    if method == "count":
        count = parse_count(values["count"], "count", errors)
        return None if count is None else {"method": method, "count": count, "amount": None}
    if method == "amount":
        amount = parse_amount(values["amount"], currency, "amount", errors)
        return None if amount is None else {"method": method, "count": None, "amount": amount}
    errors.append(("method-0", _("Choose how you want to set the payments")))
    return None


def _plain(minor, currency: str) -> str:
    """An amount as typed in a field ("400.00"): digits and a dot read the same in every language."""
    return format(Money(minor, currency).as_decimal(), "f") if isinstance(minor, int) else ""


@bp.route("/plan/new/first-payment-date", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def first_date():
    visit = _visit("plans.first_date")
    if not isinstance(visit, Visit):
        return visit
    errors: Errors = []
    values = _date_values(visit.answers.get("first_date"))
    if request.method == "POST":
        values = request.form
        if form_ok(errors, "first-day"):
            first = parse_date(request.form, "first", errors)
            if first is not None:
                errors += visit.limit_errors("first-day", first_date=first.isoformat())
                if not errors:
                    return visit.save(first_date=first.isoformat())
    elif "first_date" in visit.answers:
        errors = visit.limit_errors("first-day")
    latest = visit.today + timedelta(days=visit.options.policy.first_payment_within_days)
    return visit.render("plans/first_date.html", errors, values=values, latest_first=latest)


def _date_values(iso) -> dict:
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return {}
    return {"first-day": str(day.day), "first-month": str(day.month), "first-year": str(day.year)}


@bp.route("/plan/new/first-payment-amount", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def down_payment():
    visit = _visit("plans.down_payment")
    if not isinstance(visit, Visit):
        return visit
    currency = visit.account.currency
    errors: Errors = []
    value = _plain(visit.answers.get("down_payment"), currency)
    if request.method == "POST":
        value = request.form.get("down_payment", "")
        if form_ok(errors, "down_payment"):
            amount = parse_amount(value, currency, "down_payment", errors)
            if amount is not None:
                errors += visit.limit_errors("down_payment", down_payment=amount)
                if not errors:
                    return visit.save(down_payment=amount)
    elif "down_payment" in visit.answers:
        errors = visit.limit_errors("down_payment")
    return visit.render("plans/down_payment.html", errors, value=value)


def check_rows(answers: dict, options: Options, currency: str) -> list[dict]:
    """Every answer with its question and the link to change it, for the check page."""
    if answers.get("method") == "count":
        payments_answer = ngettext("%(num)s payment", "%(num)s payments", answers["count"])
    else:
        payments_answer = _("%(amount)s each time", amount=money(Money(answers["amount"], currency)))
    rows = [
        {
            "question": _("How often"),
            "answer": str(FREQUENCY_LABELS.get(answers["frequency"], answers["frequency"])),
            "url": url_for("plans.builder"),
        },
        {"question": _("Payments"), "answer": payments_answer, "url": url_for("plans.payments")},
        {
            "question": _("First payment date"),
            "answer": long_date(date.fromisoformat(answers["first_date"])),
            "url": url_for("plans.first_date"),
        },
    ]
    if options.policy.down_payment_required:
        rows.append(
            {
                "question": _("First payment amount"),
                "answer": money(Money(answers["down_payment"], currency)),
                "url": url_for("plans.down_payment"),
            }
        )
    return rows
