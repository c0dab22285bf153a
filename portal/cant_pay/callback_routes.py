"""A hardship call-back request, one question a page: the phone number, the days and times that
suit, what is happening, then check and send. Sending pauses reminders for the policy's
hardship_pause_days and puts the request in the collector's queue.

Answers wait in the "call_back" draft until they are sent. Only the phone number is needed; the
other questions may be left empty, and an empty answer still counts as answered.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from portal import clock
from portal.cant_pay import service as cant_pay
from portal.cant_pay.blueprint import bp, closed, latest
from portal.cant_pay.forms import (
    DAY_LABELS,
    TIME_LABELS,
    Callback,
    DaysForm,
    ExplanationForm,
    PhoneForm,
    TimesForm,
)
from portal.extensions import db, limiter
from portal.forms.base import Form
from portal.forms.saved import from_saved
from portal.forms.send import SendForm
from portal.guidance.questions import Question, Run
from portal.links.access import verified_required
from portal.models import RequestKind
from portal.plans.options import options_for

CALL_BACK = Run(
    "call_back",
    (
        Question("cant_pay.hardship", "phone"),
        Question("cant_pay.callback_days", "days"),
        Question("cant_pay.callback_times", "times"),
        Question("cant_pay.callback_explanation", "explanation"),
    ),
    check="cant_pay.callback_check",
)


def _saved(answers: dict) -> dict:
    """The saved answers as the question pages' fields hold them (ticked boxes as lists)."""
    saved: dict = {key: answers[key] for key in ("phone", "explanation") if isinstance(answers.get(key), str)}
    saved.update({key: list(answers.get(key) or ()) for key in ("days", "times") if key in answers})
    return saved


def _question(endpoint: str, template: str, form: Form, **context):
    """A question page, with the back link to the question before (the choices, for the first)."""
    errors = form.error_summary()
    before = CALL_BACK.back(endpoint)
    return render_template(
        template,
        account=g.account,
        form=form,
        errors=errors,
        back=url_for(before or "cant_pay.choices"),
        **context,
    ), (400 if errors and request.method == "POST" else 200)


def _ask(endpoint: str, key: str, form: Form, template: str, answer, **context):
    """One question page: save the posted answer and go on, or show the page."""
    if form.validate_on_submit():
        answers = CALL_BACK.save(g.account, **{key: answer(form)})
        db.session.commit()
        return CALL_BACK.next_page(answers)
    return _question(endpoint, template, form, **context)


def _saved_form(form_class: type[Form], key: str, **data) -> Form:
    """The page's form: as posted, or with its saved answer (else *data*) shown again."""
    answers = CALL_BACK.answers(g.account)
    if request.method == "POST" or key not in answers:
        return form_class(**data)
    return from_saved(form_class, _saved(answers))


@bp.route("/cant-pay/call-back", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def hardship():
    """What number should we call? Filled in with the number we hold until the debtor gives one."""
    if (elsewhere := closed()) is not None:
        return elsewhere
    account = g.account
    form = _saved_form(PhoneForm, "phone", phone=account.debtor.phone or "")
    policy = options_for(account, clock.today()).policy
    return _ask(
        "cant_pay.hardship",
        "phone",
        form,
        "cant_pay/hardship.html",
        lambda done: done.phone.data,
        pause_days=policy.hardship_pause_days,
    )


@bp.route("/cant-pay/call-back/days", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_days():
    """Which days suit you? (optional)"""
    if (elsewhere := closed()) is not None:
        return elsewhere
    form = _saved_form(DaysForm, "days")
    return _ask("cant_pay.callback_days", "days", form, "cant_pay/callback_days.html", DaysForm.answer)


@bp.route("/cant-pay/call-back/times", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_times():
    """What time of day suits you? (optional)"""
    if (elsewhere := closed()) is not None:
        return elsewhere
    form = _saved_form(TimesForm, "times")
    return _ask("cant_pay.callback_times", "times", form, "cant_pay/callback_times.html", TimesForm.answer)


@bp.route("/cant-pay/call-back/what-is-happening", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_explanation():
    """Tell us briefly what is happening (optional), up to EXPLANATION_MAX characters."""
    if (elsewhere := closed()) is not None:
        return elsewhere
    form = _saved_form(ExplanationForm, "explanation")
    return _ask(
        "cant_pay.callback_explanation",
        "explanation",
        form,
        "cant_pay/callback_explanation.html",
        lambda done: done.explanation.data,
    )


def _asked(answers: dict) -> Callback | str:
    """Every saved answer checked again: the request, or the page of the first one not right."""
    saved = _saved(answers)
    phone = from_saved(PhoneForm, saved)
    if "phone" not in saved or phone.error_summary():
        return "cant_pay.hardship"
    explanation = from_saved(ExplanationForm, saved)
    if explanation.error_summary():
        return "cant_pay.callback_explanation"
    days, times = from_saved(DaysForm, saved), from_saved(TimesForm, saved)
    return Callback(phone.phone.data, days.answer(), times.answer(), explanation.explanation.data or "")


@bp.route("/cant-pay/call-back/check", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_check():
    """Every answer with a way to change it; sending asks for the call back, as the one-page form did."""
    if (elsewhere := closed()) is not None:
        return elsewhere
    account = g.account
    answers = CALL_BACK.answers(account)
    if (missing := CALL_BACK.unanswered(answers)) is not None:
        return redirect(url_for(missing), code=303)
    asked = _asked(answers)
    if isinstance(asked, str):
        # Saved answers are checked as they are given; this only guards against a draft gone wrong.
        return redirect(url_for(asked), code=303)
    today = clock.today()
    form = SendForm()
    if form.validate_on_submit():
        cant_pay.request_callback(
            account,
            options_for(account, today).policy,
            today,
            phone=asked.phone,
            days=asked.days,
            times=asked.times,
            explanation=asked.explanation,
        )
        CALL_BACK.clear(account)
        db.session.commit()
        return redirect(url_for("cant_pay.hardship_sent"), code=303)
    errors = form.error_summary()
    return render_template(
        "cant_pay/callback_check.html",
        account=account,
        errors=errors,
        asked=asked,
        day_labels=DAY_LABELS,
        time_labels=TIME_LABELS,
        back=url_for(CALL_BACK.back(CALL_BACK.check)),
    ), (400 if errors else 200)


@bp.get("/cant-pay/call-back/done")
@verified_required
def hardship_sent():
    asked = latest(RequestKind.HARDSHIP)
    if asked is None:
        return redirect(url_for("cant_pay.hardship"), code=303)
    return render_template(
        "cant_pay/hardship_sent.html",
        account=g.account,
        asked=asked,
        day_labels=DAY_LABELS,
        time_labels=TIME_LABELS,
    )
