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
from portal.forms.base import Form
from portal.i18n import long_date, money
from portal.links.access import verified_required
from portal.models import Account
from portal.plans.blueprint import bp
from portal.plans.forms import DownPaymentForm, FirstDateForm, FrequencyForm, PaymentsForm
from portal.plans.limits import explain
from portal.plans.options import Options, options_for
from portal.plans.plan_answers import RUN, broken_limit, skipped

FREQUENCY_LABELS = {
    "weekly": _l("Every week"),
    "every_two_weeks": _l("Every two weeks"),
    "monthly": _l("Every month"),
}


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

    def check_limits(self, form: Form, field, **given) -> None:
        """Note on *field* the policy limit this answer breaks (the saved one when none is *given*)."""
        error = broken_limit(
            self.account, self.options.policy, self.today, self.endpoint, self.answers, **given
        )
        if error:
            form.add_error(field, explain(error, self.account.currency))

    def save(self, **values):
        """Keep the answer and go on to the next question still to answer, or the check page."""
        answers = RUN.save(self.account, **values)
        db.session.commit()
        return RUN.next_page(answers, self.skip)

    def render(self, template: str, form: Form, **context):
        errors = form.error_summary()
        # A GET can show errors too: a saved answer the policy no longer allows (the check page
        # sends the debtor here), which is not a bad request.
        status = 400 if errors and request.method == "POST" else 200
        page = render_template(
            template,
            account=self.account,
            options=self.options,
            form=form,
            errors=errors,
            back=self.back,
            **context,
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
    offered = frequency_choices(visit.options.policy)
    form = FrequencyForm(offered, frequency=visit.answers.get("frequency"))
    if form.validate_on_submit():
        return visit.save(frequency=form.frequency.data)
    saved = visit.answers.get("frequency")
    if request.method == "GET" and saved is not None and saved not in form.frequency.values():
        stopped = OutsidePolicy("frequency_not_allowed")  # saved before the policy changed
        form.add_error(form.frequency, explain(stopped, visit.account.currency))
    return visit.render("plans/builder.html", form)


@bp.route("/plan/new/payments", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def payments():
    visit = _visit("plans.payments")
    if not isinstance(visit, Visit):
        return visit
    answers, currency = visit.answers, visit.account.currency
    form = PaymentsForm(
        currency,
        method=answers.get("method"),
        count=str(answers["count"]) if answers.get("count") else "",
        amount=_plain(answers.get("amount"), currency),
    )
    if form.validate_on_submit():
        answer = form.answer()
        visit.check_limits(form, form[answer["method"]], **answer)
        if not form.error_summary():
            return visit.save(**answer)
    elif request.method == "GET" and answers.get("method") in ("count", "amount"):
        visit.check_limits(form, form[answers["method"]])
    return visit.render("plans/payments.html", form)


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
    form = FirstDateForm(first=_saved_date(visit.answers.get("first_date")))
    latest = visit.today + timedelta(days=visit.options.policy.first_payment_within_days)
    form.first.earliest, form.first.latest = visit.today, latest
    if form.validate_on_submit():
        first = form.first.data.isoformat()
        visit.check_limits(form, form.first, first_date=first)
        if not form.error_summary():
            return visit.save(first_date=first)
    elif request.method == "GET" and "first_date" in visit.answers:
        visit.check_limits(form, form.first)
    return visit.render("plans/first_date.html", form, latest_first=latest)


def _saved_date(iso) -> date | None:
    try:
        return date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


@bp.route("/plan/new/first-payment-amount", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def down_payment():
    visit = _visit("plans.down_payment")
    if not isinstance(visit, Visit):
        return visit
    currency = visit.account.currency
    form = DownPaymentForm(currency, down_payment=_plain(visit.answers.get("down_payment"), currency))
    if form.validate_on_submit():
        amount = form.down_payment.data
        visit.check_limits(form, form.down_payment, down_payment=amount)
        if not form.error_summary():
            return visit.save(down_payment=amount)
    elif request.method == "GET" and "down_payment" in visit.answers:
        visit.check_limits(form, form.down_payment)
    return visit.render("plans/down_payment.html", form)


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
