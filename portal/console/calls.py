"""Phone calls under Regulation F §1006.14(b) (how many in 7 days, a quiet week after a
conversation, the person's hours), and closing a promise or call-back request with its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal import clock
from portal.cant_pay import service as cant_pay
from portal.console import acting
from portal.console.access import account_or_404, of_account_or_404, requires, staff
from portal.console.account_state import hold, local_today, staff_pause_until
from portal.console.blueprint import ACCOUNT_ACTIONS, bp
from portal.console.call_forms import (
    OUTCOME_FACTS,
    OUTCOME_LABELS,
    REQUEST_OUTCOME_LABELS,
    CallForm,
    CloseRequestForm,
)
from portal.domain import calls
from portal.extensions import db
from portal.i18n import long_date
from portal.models import Account, Event, RequestKind, RequestStatus, StaffRole, SupportRequest
from portal.models.types import utcnow
from portal.notify import rules

ACCOUNT_ACTIONS.extend(
    [
        ("console.record_call", _l("Record a phone call"), StaffRole.AGENT),
        ("console.open_requests", _l("Close a promise or call-back request"), StaffRole.AGENT),
    ]
)

CALL_MADE = "call_made"
#: Calls older than this fall outside the 7 calendar days the rule counts on any clock on Earth
#: (a local date is at most 14 hours from UTC), and so outside a conversation's quiet week too.
HISTORY = timedelta(days=calls.PERIOD_DAYS + 2)

#: Why no call may be placed now, in a collector's words.
CALL_REASONS = {
    "closed": _l("the account is closed"),
    "paused": _l("contact is paused"),
    rules.NO_ADDRESS: _l("there is no phone number on record"),
    rules.OPTED_OUT: _l("the person asked us not to phone them"),
    rules.ON_HOLD: _l("the account is on hold while a dispute is reviewed"),
    calls.SEVEN_CALLS: _l("7 calls were already placed in the last 7 days"),
    calls.RECENT_CONVERSATION: _l("there was a conversation with the person in the last 7 days"),
    calls.OUTSIDE_HOURS: _l("it is outside 08:00–21:00 on the person's clock"),
}
#: The reasons a supervisor's recorded consent lifts (1006.14(b)(3)(i)): the frequencies, not the hours.
FREQUENCY_REASONS = (calls.SEVEN_CALLS, calls.RECENT_CONVERSATION)


@dataclass(frozen=True)
class CallRow:
    at: datetime
    data: dict
    call: calls.Call


@dataclass(frozen=True)
class CallStatus:
    """Whether a call may be placed now, and every reason it may not."""

    check: calls.CallCheck
    #: Reason codes, most lasting first; empty when a call may be placed.
    reasons: list[str]
    paused_until: date | None
    rows: list[CallRow]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def only_frequency(self) -> bool:
        """True when the frequency rule alone refuses: the case a supervisor's exception is for."""
        return bool(self.reasons) and all(reason in FREQUENCY_REASONS for reason in self.reasons)


def recent_calls(account: Account) -> list[CallRow]:
    """The calls recorded in the last days, oldest first (at most HISTORY back: a bounded read)."""
    # created_at is stamped by the timeline with the real clock; "at" is the portal's clock, which
    # development and tests move. The query is bounded on the first, the rule reads the second.
    found = db.session.scalars(
        select(Event.data)
        .where(
            Event.account_id == account.id, Event.kind == CALL_MADE, Event.created_at >= utcnow() - HISTORY
        )
        .order_by(Event.seq)
    )
    rows = []
    for data in found:
        at = datetime.fromisoformat(data["at"])
        call = calls.Call(at, data["conversation"], data["connected"], data["consented"])
        rows.append(CallRow(at, data, call))
    return rows


def call_status(account: Account, now: datetime, *, exception: bool = False) -> CallStatus:
    """What the contact rules, a pause put on by a person, and Regulation F say about a call now."""
    rows = recent_calls(account)
    check = calls.check_call(
        [row.call for row in rows], now, rules.contact_zone(account), exception=exception
    )
    reasons = []
    if account.is_closed:
        reasons.append("closed")
    allowed, reason = rules.may_call(account.debtor, account, now)
    # The hours are the domain's to judge, with a time they open again.
    if not allowed and reason != rules.OUTSIDE_HOURS:
        reasons.append(reason)
    paused_until = staff_pause_until(account)
    if paused_until is not None and paused_until >= local_today(account):
        reasons.append("paused")
    else:
        paused_until = None
    if check.reason is not None:
        reasons.append(check.reason)
    return CallStatus(check, reasons, paused_until, rows)


def their_time(moment: datetime, zone: str) -> str:
    """*moment* as the person's clock shows it, naming the zone."""
    shown = format_datetime(moment, format="medium", tzinfo=ZoneInfo(zone), locale=str(get_locale()))
    return f"{shown} ({zone})"


def refusal(status: CallStatus, zone: str) -> str:
    """Why no call may be recorded now and, when the rule knows, when one may."""
    words = "; ".join(str(CALL_REASONS.get(code, code)) for code in status.reasons)
    if status.paused_until is not None:
        words += " " + _("(to the end of %(date)s)", date=long_date(status.paused_until))
    text = _("No call may be placed now: %(reasons)s.", reasons=words)
    lasting = {"closed", rules.NO_ADDRESS, rules.OPTED_OUT, rules.ON_HOLD, "paused"}
    if status.check.next_allowed is not None and not lasting & set(status.reasons):
        text += " " + _(
            "The next call is allowed from %(when)s.", when=their_time(status.check.next_allowed, zone)
        )
    return text


def _call_form() -> CallForm:
    form = CallForm()
    if not current_user.may(StaffRole.SUPERVISOR):
        del form.exception  # an agent never records the exception, whatever is posted
    return form


def _calls_page(account, form, errors=None, status=200):
    now = clock.now()
    zone = rules.contact_zone(account)
    answer = call_status(account, now)
    page = render_template(
        "console/record_call.html",
        account=account,
        form=form,
        errors=errors or [],
        answer=answer,
        zone=zone,
        their_now=their_time(now, zone),
        refusal=refusal(answer, zone) if not answer.allowed else "",
        may_except="exception" in form,
        outcome_label=lambda value: OUTCOME_LABELS.get(value, value),
        their_time=lambda moment: their_time(moment, zone),
        max_calls=calls.MAX_CALLS,
    )
    return page, status


@bp.route("/accounts/<int:account_id>/calls", methods=["GET", "POST"])
@requires(StaffRole.AGENT)
def record_call(account_id: int):
    account = account_or_404(account_id)
    form = _call_form()
    if not form.is_submitted():
        return _calls_page(account, form)
    if not form.validate():
        return _calls_page(account, form, form.error_summary(), 400)
    # Two calls recorded at once are checked one after the other, so neither slips past the count.
    hold(account)
    now = clock.now()
    exception = "exception" in form and form.exception.data
    answer = call_status(account, now, exception=exception)
    if not answer.allowed:
        db.session.rollback()
        refused = refusal(answer, rules.contact_zone(account))
        # A supervisor is sent to the box that records the consent when that is all that is missing.
        anchor = form.exception.id if "exception" in form and answer.only_frequency else "may-call"
        return _calls_page(account, form, [(anchor, refused)], 409)
    conversation, connected = OUTCOME_FACTS[form.outcome.data]
    acting.record(
        account,
        CALL_MADE,
        at=now.astimezone(UTC).isoformat(),
        outcome=form.outcome.data,
        conversation=conversation,
        connected=connected,
        # The exception is the person's consent to this very call, so it is not counted either.
        consented=form.consented.data or exception,
        exception=exception,
        note=form.note.data,
    )
    db.session.commit()
    flash(_("The call is recorded: %(outcome)s.", outcome=OUTCOME_LABELS[form.outcome.data]))
    return redirect(url_for("console.record_call", account_id=account.id))


# --- Promises and call-back requests ------------------------------------------------------------


def _request_page(account, support_request=None, form=None, errors=None, status=200):
    open_requests = []
    if support_request is None:
        open_requests = db.session.scalars(
            select(SupportRequest)
            .where(SupportRequest.account_id == account.id, SupportRequest.status == RequestStatus.OPEN)
            .order_by(SupportRequest.created_at, SupportRequest.id)
        ).all()
    elif form is None:
        form = CloseRequestForm(support_request.kind, formdata=None)
    is_promise = support_request is not None and support_request.kind is RequestKind.PROMISE
    if support_request is None:
        heading = _("Promises and call-back requests")
    else:
        heading = _("Close a promise to pay") if is_promise else _("Close a call-back request")
    page = render_template(
        "console/close_request.html",
        heading=heading,
        promise_kind=RequestKind.PROMISE,
        account=account,
        support_request=support_request,
        open_requests=open_requests,
        form=form,
        errors=errors or [],
        is_promise=is_promise,
        is_open=support_request is not None and support_request.status is RequestStatus.OPEN,
    )
    return page, status


@bp.route("/accounts/<int:account_id>/requests")
@requires(StaffRole.AGENT)
def open_requests(account_id: int):
    """The account's open promises and call-back requests, each linked to its closing page."""
    return _request_page(account_or_404(account_id))


@bp.route("/accounts/<int:account_id>/requests/<int:request_id>/close", methods=["GET", "POST"])
@requires(StaffRole.AGENT)
def close_request(account_id: int, request_id: int):
    account = account_or_404(account_id)
    support_request = of_account_or_404(SupportRequest, request_id, account)
    form = CloseRequestForm(support_request.kind)
    if not form.is_submitted():
        return _request_page(account, support_request)
    if not form.validate():
        return _request_page(account, support_request, form, form.error_summary(), 400)
    hold(account)
    try:
        cant_pay.close(
            support_request, form.outcome.data, form.note.data, actor=acting.actor(), by=staff().email
        )
    except cant_pay.AlreadyClosed:
        db.session.rollback()
        already = _("Nothing was changed: this request was closed already; the timeline says how.")
        return _request_page(account, support_request, form, [("state", already)], 409)
    db.session.commit()
    flash(_("Closed: %(outcome)s.", outcome=REQUEST_OUTCOME_LABELS[form.outcome.data]))
    return redirect(url_for("console.account", account_id=account.id) + "#requests")
