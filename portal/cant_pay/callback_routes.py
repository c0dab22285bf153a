"""A hardship call-back request, one question a page: the phone number, the days and times that
suit, what is happening, then check and send. Sending pauses reminders for the policy's
hardship_pause_days and puts the request in the collector's queue.

Answers wait in the "call_back" draft until they are sent. Only the phone number is needed; the
other questions may be left empty, and an empty answer still counts as answered.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from portal import clock
from portal.cant_pay import service as cant_pay
from portal.cant_pay.blueprint import bp, closed, latest
from portal.cant_pay.forms import (
    DAY_LABELS,
    TIME_LABELS,
    read_call_days,
    read_call_times,
    read_callback,
    read_explanation,
    read_phone,
)
from portal.extensions import db, limiter
from portal.forms.checks import form_ok
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
# The question page of each field an error can name.
_PAGE_OF = {"phone": "cant_pay.hardship", "explanation": "cant_pay.callback_explanation"}


def _as_form(answers: dict) -> MultiDict:
    """The saved answers as the question pages' fields (ticked boxes as repeated values)."""
    form = MultiDict()
    for key in ("phone", "explanation"):
        if isinstance(answers.get(key), str):
            form[key] = answers[key]
    for key in ("days", "times"):
        for value in answers.get(key) or ():
            form.add(key, value)
    return form


def _question(endpoint: str, template: str, values, errors, **context):
    """A question page, with the back link to the question before (the choices, for the first)."""
    before = CALL_BACK.back(endpoint)
    return render_template(
        template,
        account=g.account,
        errors=errors,
        values=values,
        back=url_for(before or "cant_pay.choices"),
        **context,
    ), (400 if errors else 200)


@bp.route("/cant-pay/call-back", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def hardship():
    """What number should we call? Filled in with the number we hold until the debtor gives one."""
    if (elsewhere := closed()) is not None:
        return elsewhere
    account = g.account
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        values = request.form
        phone = read_phone(values, errors) if form_ok(errors, "phone") else None
        if phone is not None:
            answers = CALL_BACK.save(account, phone=phone)
            db.session.commit()
            return CALL_BACK.next_page(answers)
    else:
        answers = CALL_BACK.answers(account)
        values = {"phone": answers["phone"] if "phone" in answers else account.debtor.phone or ""}
    policy = options_for(account, clock.today()).policy
    return _question(
        "cant_pay.hardship", "cant_pay/hardship.html", values, errors, pause_days=policy.hardship_pause_days
    )


def _choices_page(endpoint: str, key: str, read, labels: dict):
    """Which days, or which times of day, suit: boxes to tick, none meaning any."""
    if (elsewhere := closed()) is not None:
        return elsewhere
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if form_ok(errors, f"{key}-0"):
            answers = CALL_BACK.save(g.account, **{key: read(request.form)})
            db.session.commit()
            return CALL_BACK.next_page(answers)
        selected = read(request.form)
    else:
        selected = CALL_BACK.answers(g.account).get(key) or []
    return _question(
        endpoint,
        f"cant_pay/callback_{key}.html",
        {},
        errors,
        selected=selected,
        choices=list(labels.items()),
    )


@bp.route("/cant-pay/call-back/days", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_days():
    """Which days suit you? (optional)"""
    return _choices_page("cant_pay.callback_days", "days", read_call_days, DAY_LABELS)


@bp.route("/cant-pay/call-back/times", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_times():
    """What time of day suits you? (optional)"""
    return _choices_page("cant_pay.callback_times", "times", read_call_times, TIME_LABELS)


@bp.route("/cant-pay/call-back/what-is-happening", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def callback_explanation():
    """Tell us briefly what is happening (optional), up to EXPLANATION_MAX characters."""
    if (elsewhere := closed()) is not None:
        return elsewhere
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        values = request.form
        explanation = read_explanation(values, errors) if form_ok(errors, "explanation") else None
        if explanation is not None:
            answers = CALL_BACK.save(g.account, explanation=explanation)
            db.session.commit()
            return CALL_BACK.next_page(answers)
    else:
        values = _as_form(CALL_BACK.answers(g.account))
    return _question("cant_pay.callback_explanation", "cant_pay/callback_explanation.html", values, errors)


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
    errors: list[tuple[str, str]] = []
    asked = read_callback(_as_form(answers), errors)
    if asked is None:
        # Saved answers are checked as they are given; this only guards against a draft gone wrong.
        return redirect(url_for(_PAGE_OF.get(errors[0][0], "cant_pay.hardship")), code=303)
    today = clock.today()
    if request.method == "POST" and form_ok(errors, "send"):
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
