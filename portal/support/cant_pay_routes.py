""" "I can't pay right now": the choices, a promise to pay, and a hardship call-back request."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal import clock
from portal.extensions import db, limiter
from portal.links.access import verified_required
from portal.models import RequestKind, SupportRequest
from portal.plans import ledger
from portal.plans.forms import CsrfOnly
from portal.plans.options import options_for
from portal.support import cant_pay
from portal.support.cant_pay_forms import DAY_LABELS, TIME_LABELS, read_callback, read_promise

bp = Blueprint("cant_pay", __name__)


def _closed():
    """Where to send someone whose account is closed: there is nothing to pay."""
    return redirect(url_for("debtor.overview"), code=303) if g.account.is_closed else None


def _latest(kind: RequestKind) -> SupportRequest | None:
    return db.session.scalars(
        select(SupportRequest)
        .where(SupportRequest.account_id == g.account.id, SupportRequest.kind == kind)
        .order_by(SupportRequest.id.desc())
        .limit(1)
    ).first()


@bp.get("/cant-pay")
@verified_required
def choices():
    if (closed := _closed()) is not None:
        return closed
    policy = options_for(g.account, clock.today()).policy
    return render_template(
        "support/cant_pay.html",
        account=g.account,
        plan=ledger.active_plan(g.account.id),
        pause_days=policy.hardship_pause_days,
    )


# --- Promise to pay --------------------------------------------------------------------------


@bp.route("/cant-pay/promise", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def promise():
    account = g.account
    if (closed := _closed()) is not None:
        return closed
    if ledger.active_plan(account.id) is not None:
        return redirect(url_for("plans.plan_page"), code=303)
    today = clock.today()
    window = cant_pay.promise_window(options_for(account, today).policy, today)
    errors: list[tuple[str, str]] = []
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        if not CsrfOnly().validate_on_submit():
            errors.append(("date-day", _("Something went wrong with the form. Please try again.")))
        else:
            promised = read_promise(request.form, account.currency, account.balance.minor, window, errors)
            if promised is not None:
                cant_pay.make_promise(account, promised.on, promised.amount)
                db.session.commit()
                return redirect(url_for("cant_pay.promise_made"), code=303)
    return render_template(
        "support/promise.html",
        account=account,
        errors=errors,
        values=values,
        first=window[0],
        last=window[1],
    ), (400 if errors else 200)


@bp.get("/cant-pay/promise/done")
@verified_required
def promise_made():
    made = _latest(RequestKind.PROMISE)
    if made is None:
        return redirect(url_for("cant_pay.promise"), code=303)
    return render_template("support/promise_made.html", account=g.account, promise=made)


# --- Hardship: a pause and a call back --------------------------------------------------------


@bp.route("/cant-pay/call-back", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def hardship():
    account = g.account
    if (closed := _closed()) is not None:
        return closed
    today = clock.today()
    policy = options_for(account, today).policy
    errors: list[tuple[str, str]] = []
    values = request.form if request.method == "POST" else {"phone": account.debtor.phone or ""}
    if request.method == "POST":
        if not CsrfOnly().validate_on_submit():
            errors.append(("phone", _("Something went wrong with the form. Please try again.")))
        else:
            asked = read_callback(request.form, errors)
            if asked is not None:
                cant_pay.request_callback(
                    account,
                    policy,
                    today,
                    phone=asked.phone,
                    days=asked.days,
                    times=asked.times,
                    explanation=asked.explanation,
                )
                db.session.commit()
                return redirect(url_for("cant_pay.hardship_sent"), code=303)
    return render_template(
        "support/hardship.html",
        account=account,
        errors=errors,
        values=values,
        selected_days=values.getlist("days") if hasattr(values, "getlist") else [],
        selected_times=values.getlist("times") if hasattr(values, "getlist") else [],
        day_choices=list(DAY_LABELS.items()),
        time_choices=list(TIME_LABELS.items()),
        pause_days=policy.hardship_pause_days,
    ), (400 if errors else 200)


@bp.get("/cant-pay/call-back/done")
@verified_required
def hardship_sent():
    asked = _latest(RequestKind.HARDSHIP)
    if asked is None:
        return redirect(url_for("cant_pay.hardship"), code=303)
    return render_template(
        "support/hardship_sent.html",
        account=g.account,
        asked=asked,
        day_labels=DAY_LABELS,
        time_labels=TIME_LABELS,
    )
