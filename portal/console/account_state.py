"""The account's state, by a person with a reason: pause contact (agents), close the account and
cancel a plan (supervisors). Each lands on the timeline as done by the signed-in person; closing
and cancelling queue the email that tells the debtor in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal import clock
from portal.accounts import ledger
from portal.console import acting
from portal.console.access import account_or_404, of_account_or_404, requires
from portal.console.account_view import reason_text
from portal.console.blueprint import ACCOUNT_ACTIONS, bp
from portal.domain import contact, transitions
from portal.extensions import db
from portal.forms.base import Form
from portal.forms.choices import RadiosField, TickField
from portal.forms.fields import MostCharacters, TextAreaField
from portal.i18n import long_date
from portal.models import Account, AccountStatus, Event, Message, MessageStatus, Plan, PlanStatus, StaffRole
from portal.notify import account_notices, outbox
from portal.notify.rules import contact_zone

ACCOUNT_ACTIONS.extend(
    [
        ("console.pause_account", _l("Pause contact"), StaffRole.AGENT),
        ("console.close_account", _l("Close the account"), StaffRole.SUPERVISOR),
        ("console.plan_to_cancel", _l("Cancel the plan"), StaffRole.SUPERVISOR),
    ]
)

ACCOUNT_PAUSED = "account_paused"
#: The lengths of a pause a person may choose, in days.
PAUSE_DAYS = (7, 14, 30, 60, 90)
REASON_MOST = 2000
#: The code `ledger.end_plan` records for a plan a collector cancelled; their words go on the
#: console's own event beside it.
STAFF_CANCELLED = "staff_cancelled"


def _reason():
    return TextAreaField(
        _l("Reason"),
        [MostCharacters(REASON_MOST, _l("A reason can be at most %(most)d characters"))],
        required=_l("Write the reason"),
    )


class PauseForm(Form):
    days = RadiosField(
        _l("Pause contact for"),
        choices=[(str(days), _l("%(days)d days", days=days)) for days in PAUSE_DAYS],
        required=_l("Choose how long to pause contact"),
    )
    reason = _reason()


class ReasonForm(Form):
    reason = _reason()
    #: Left unticked, the debtor is told what happened but not why.
    show_reason = TickField(_l("Show this reason to the person in the email we send them"))


def shown_reason(form: ReasonForm) -> str | None:
    """The reason the debtor's email may carry: the person's words if they ticked the box."""
    return form.reason.data if form.show_reason.data else None


def told(message: Message | None, refused: str) -> dict:
    """What the console's event says about telling the debtor: the email queued, or why none was."""
    if message is None:
        return {"debtor_told": False, "not_told": refused}
    return {"debtor_told": True, "message_id": message.id}


def told_words(message: Message | None, refused: str, account: Account) -> str:
    """What became of the email that tells the debtor, read after the commit, for the page."""
    if message is not None:
        message = db.session.get(Message, message.id)
        db.session.refresh(message)
        if message.status is MessageStatus.REFUSED:
            refused = message.reason or ""
    if message is None or message.status is MessageStatus.REFUSED:
        return _(
            "The person is not emailed about it: %(reason)s. Tell them yourself.",
            reason=reason_text(refused),
        )
    if message.status in outbox.GONE:
        return _("The person is emailed about it (message %(id)s).", id=message.id)
    if message.status is MessageStatus.QUEUED and message.not_before > clock.now():
        return _(
            "The email telling the person (message %(id)s) waits until %(when)s, as their contact rules ask.",
            id=message.id,
            when=_their_time(message.not_before, account),
        )
    return _("The email telling the person (message %(id)s) is on its way.", id=message.id)


def _their_time(moment, account: Account) -> str:
    zone = contact_zone(account)
    shown = format_datetime(moment, format="medium", tzinfo=ZoneInfo(zone), locale=str(get_locale()))
    return f"{shown} ({zone})"


def hold(row) -> None:
    """Hold *row* until the commit and read it afresh, so two people acting on it at once act one
    after the other: the second waits here, then sees what the first did."""
    # A write, not SELECT ... FOR UPDATE, so that SQLite (which ignores FOR UPDATE) holds too; the
    # values are the row's own, and an account's updated_at is kept so holding it changes nothing.
    model = type(row)
    kept = {"status": model.status}
    if "updated_at" in model.__table__.c:
        kept["updated_at"] = model.updated_at
    db.session.execute(
        update(model).where(model.id == row.id).values(**kept).execution_options(synchronize_session=False)
    )
    db.session.refresh(row)


def staff_pause_until(account: Account) -> date | None:
    """The last day of the pause a person put on contact, on the debtor's calendar; None if never.

    `reminders_paused_until` cannot tell: a promise or a hardship request pauses it too, and a
    person who asked to be called back must still be called. So the console's own event says."""
    data = db.session.scalar(
        select(Event.data)
        .where(Event.account_id == account.id, Event.kind == ACCOUNT_PAUSED)
        .order_by(Event.seq.desc())
        .limit(1)
    )
    return date.fromisoformat(data["until"]) if data else None


def local_today(account: Account) -> date:
    return contact.local_date(clock.now(), contact_zone(account))


# --- Pause -------------------------------------------------------------------------------------


def _pause_page(account, form=None, errors=None, status=200):
    until = staff_pause_until(account)
    today = local_today(account)
    page = render_template(
        "console/pause_account.html",
        account=account,
        form=form or PauseForm(formdata=None),
        errors=errors or [],
        paused_until=until if until is not None and until >= today else None,
        reminders_until=account.reminders_paused_until,
        today=today,
    )
    return page, status


@bp.route("/accounts/<int:account_id>/pause", methods=["GET", "POST"])
@requires(StaffRole.AGENT)
def pause_account(account_id: int):
    account = account_or_404(account_id)
    form = PauseForm()
    if not form.is_submitted():
        return _pause_page(account)
    if not form.validate():
        return _pause_page(account, form, form.error_summary(), 400)
    hold(account)
    if account.is_closed:
        db.session.rollback()
        closed = _("Nothing was changed: the account is %(status)s.", status=account.status.value)
        return _pause_page(account, form, [("state", closed)], 409)
    days = int(form.days.data)
    # Days on the debtor's calendar, as the reminders read the pause; a longer pause already in
    # place (the console's, a promise's or a hardship request's) is kept, never shortened.
    until = local_today(account) + timedelta(days=days)
    earlier = staff_pause_until(account)
    if earlier is not None and earlier > until:
        until = earlier
    current = account.reminders_paused_until
    if current is None or current < until:
        account.reminders_paused_until = until
    acting.record(
        account,
        ACCOUNT_PAUSED,
        days=days,
        until=until.isoformat(),
        reminders_paused_until=account.reminders_paused_until.isoformat(),
        note=form.reason.data,
    )
    db.session.commit()
    flash(_("Contact is paused to the end of %(date)s on the person's calendar.", date=long_date(until)))
    return redirect(url_for("console.account", account_id=account.id) + "#timeline")


# --- Close the account -------------------------------------------------------------------------


def _close_page(account, form=None, errors=None, status=200):
    page = render_template(
        "console/close_account.html",
        account=account,
        plan=ledger.active_plan(account.id),
        form=form or ReasonForm(formdata=None),
        errors=errors or [],
        is_open=account.status is AccountStatus.OPEN,
    )
    return page, status


@bp.route("/accounts/<int:account_id>/close", methods=["GET", "POST"])
@requires(StaffRole.SUPERVISOR)
def close_account(account_id: int):
    account = account_or_404(account_id)
    form = ReasonForm()
    if not form.is_submitted():
        return _close_page(account)
    if not form.validate():
        return _close_page(account, form, form.error_summary(), 400)
    hold(account)
    if account.status is not AccountStatus.OPEN:
        db.session.rollback()
        already = _("Nothing was changed: the account was already %(status)s.", status=account.status.value)
        return _close_page(account, form, [("state", already)], 409)
    plan = ledger.active_plan(account.id)
    if plan is not None:
        db.session.refresh(plan)
        ledger.end_plan(plan, PlanStatus.CANCELLED, "account_closed")
    transitions.ACCOUNT.move(account, AccountStatus.CLOSED)
    # One email tells of both: the account closed and, if it had one, its plan cancelled.
    message, refused = account_notices.queue_account_closed(account, shown_reason(form), plan, clock.now())
    acting.record(
        account,
        "account_closed",
        note=form.reason.data,
        plan_cancelled=plan.id if plan is not None else None,
        reason_shown=form.show_reason.data,
        **told(message, refused),
    )
    db.session.commit()
    flash(_("The account is closed."))
    if plan is not None:
        flash(_("Plan %(id)s is cancelled: no further payment will be taken.", id=plan.id))
    flash(told_words(message, refused, account))
    return redirect(url_for("console.account", account_id=account.id) + "#timeline")


# --- Cancel a plan -----------------------------------------------------------------------------


def _cancel_page(account, plan, form=None, errors=None, status=200):
    page = render_template(
        "console/cancel_plan.html",
        account=account,
        plan=plan,
        form=form or ReasonForm(formdata=None),
        errors=errors or [],
        is_active=plan is not None and plan.status is PlanStatus.ACTIVE,
    )
    return page, status


@bp.route("/accounts/<int:account_id>/plans/cancel")
@requires(StaffRole.SUPERVISOR)
def plan_to_cancel(account_id: int):
    """The account's active plan, if any, ready to cancel (its form names the plan it was shown)."""
    account = account_or_404(account_id)
    return _cancel_page(account, ledger.active_plan(account.id))


@bp.route("/accounts/<int:account_id>/plans/<int:plan_id>/cancel", methods=["GET", "POST"])
@requires(StaffRole.SUPERVISOR)
def cancel_plan(account_id: int, plan_id: int):
    account = account_or_404(account_id)
    plan = of_account_or_404(Plan, plan_id, account)
    form = ReasonForm()
    if not form.is_submitted():
        return _cancel_page(account, plan)
    if not form.validate():
        return _cancel_page(account, plan, form, form.error_summary(), 400)
    # The account first, as every write to its timeline locks it: two supervisors cancelling at
    # once, or one cancelling while another closes the account, queue here in one order.
    hold(account)
    hold(plan)
    if plan.status is not PlanStatus.ACTIVE:
        db.session.rollback()
        already = _(
            "Nothing was changed: plan %(id)s was already %(status)s.", id=plan.id, status=plan.status.value
        )
        return _cancel_page(account, plan, form, [("state", already)], 409)
    ledger.end_plan(plan, PlanStatus.CANCELLED, STAFF_CANCELLED)
    message, refused = account_notices.queue_plan_cancelled(plan, shown_reason(form), clock.now())
    acting.record(
        account,
        "staff_cancelled_plan",
        plan_id=plan.id,
        note=form.reason.data,
        reason_shown=form.show_reason.data,
        **told(message, refused),
    )
    db.session.commit()
    flash(_("Plan %(id)s is cancelled: no further payment will be taken.", id=plan.id))
    flash(told_words(message, refused, account))
    return redirect(url_for("console.account", account_id=account.id) + "#plans")
