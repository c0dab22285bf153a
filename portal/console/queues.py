"""Queues: disputes and offers waiting for a decision, call-backs and promises waiting for a
person; and the supervisor's decision on a dispute or an offer, made exactly as the collector's
`resolve-dispute` and `decide-offer` commands make it, so the debtor hears of it the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import clock
from portal.console import acting
from portal.console.access import creditor_ids, requires, scoped, signed_in
from portal.console.account_view import reason_text
from portal.console.blueprint import bp
from portal.console.queue_forms import COUNTER_PROBLEMS, FREQUENCY_LABELS, DisputeForm, OfferForm
from portal.console.worklist_data import next_preferred
from portal.disputes import decisions as dispute_decisions
from portal.disputes import service as disputes
from portal.domain import offers as offer_rules
from portal.domain.schedules import Frequency
from portal.domain.transitions import TransitionError
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    Dispute,
    DisputeReason,
    DisputeStatus,
    Offer,
    OfferStatus,
    RequestKind,
    RequestStatus,
    StaffRole,
    SupportRequest,
)
from portal.notify.rules import contact_zone
from portal.offers import decisions
from portal.offers import service as offers

DISPUTE_REASONS = {
    DisputeReason.NOT_MINE: _l("Not theirs"),
    DisputeReason.ALREADY_PAID: _l("Already paid"),
    DisputeReason.WRONG_AMOUNT: _l("Wrong amount"),
    DisputeReason.OTHER: _l("Another reason"),
}

OUTGOING_LABELS = {
    "housing": _l("Housing"),
    "bills": _l("Bills"),
    "food": _l("Food"),
    "travel": _l("Travel"),
    "children": _l("Children"),
    "other_debts": _l("Other debts"),
    "other": _l("Other"),
}


@dataclass(frozen=True)
class Waiting:
    """One line of a queue: what waits, its account, and the moment it is ordered by."""

    item: Dispute | Offer | SupportRequest
    account: Account
    #: Days since a dispute came in; the reply-by date of an offer; a call-back's next preferred
    #: time (None when the person named none); a promise's date.
    when: int | date | datetime | None


def _open(model, *where, order) -> list[tuple]:
    """(row, account) for open rows of *model* on the person's creditors' accounts, in *order*."""
    return db.session.execute(
        select(model, Account)
        .join(Account, model.account_id == Account.id)
        .where(Account.creditor_id.in_(creditor_ids()), *where)
        .options(joinedload(Account.debtor), joinedload(Account.creditor), selectinload(Account.payments))
        .order_by(*order)
    ).all()


def gather(now: datetime) -> dict[str, list[Waiting]]:
    """The four queues for the signed-in person's creditors at *now*."""
    today = now.date()
    found_disputes = [
        Waiting(dispute, account, (today - dispute.created_at.date()).days)
        for dispute, account in _open(
            Dispute, Dispute.status == DisputeStatus.OPEN, order=(Dispute.created_at, Dispute.id)
        )
    ]
    found_offers = [
        Waiting(offer, account, offers.reply_by(offer.created_at.date()))
        for offer, account in _open(
            Offer, Offer.status == OfferStatus.PENDING, order=(Offer.created_at, Offer.id)
        )
    ]
    requests = _open(
        SupportRequest,
        SupportRequest.status == RequestStatus.OPEN,
        order=(SupportRequest.created_at, SupportRequest.id),
    )
    callbacks = [
        Waiting(
            request,
            account,
            next_preferred(request.call_days, request.call_times, contact_zone(account), now),
        )
        for request, account in requests
        if request.kind is RequestKind.HARDSHIP
    ]
    # Soonest preferred time first; those who named no time after them, oldest request first
    # (the sort is stable, and the rows came oldest first).
    callbacks.sort(key=lambda line: (line.when is None, line.when or now))
    promises = sorted(
        (
            Waiting(request, account, request.promise_date)
            for request, account in requests
            if request.kind is RequestKind.PROMISE
        ),
        key=lambda line: line.when or date.max,
    )
    return {"disputes": found_disputes, "offers": found_offers, "callbacks": callbacks, "promises": promises}


@bp.route("/queues")
@signed_in
def queues():
    now = clock.now()
    return render_template(
        "console/queues.html",
        queues=gather(now),
        today=now.date(),
        reason_label=DISPUTE_REASONS.get,
        frequency_label=lambda value: FREQUENCY_LABELS.get(value, value),
        may_decide=current_user.may(StaffRole.SUPERVISOR),
    )


# --- Disputes ----------------------------------------------------------------------------------


def _dispute_or_404(dispute_id: int) -> Dispute:
    """The dispute, if its account is one the person may see; any other id is "not found"."""
    dispute = db.session.scalar(
        scoped(select(Dispute).join(Account, Dispute.account_id == Account.id)).where(
            Dispute.id == dispute_id
        )
    )
    if dispute is None:
        abort(404)
    return dispute


def _dispute_page(dispute: Dispute, form: DisputeForm | None = None, errors=None, status: int = 200):
    page = render_template(
        "console/decide_dispute.html",
        dispute=dispute,
        account=dispute.account,
        form=form or DisputeForm(formdata=None),
        errors=errors or [],
        days_waiting=(clock.today() - dispute.created_at.date()).days,
        is_open=dispute.status is DisputeStatus.OPEN,
        reason_label=DISPUTE_REASONS.get,
        may_decide=current_user.may(StaffRole.SUPERVISOR),
    )
    return page, status


@bp.route("/disputes/<int:dispute_id>")
@signed_in
def dispute(dispute_id: int):
    return _dispute_page(_dispute_or_404(dispute_id))


@bp.route("/disputes/<int:dispute_id>", methods=["POST"])
@requires(StaffRole.SUPERVISOR)
def decide_dispute(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    form = DisputeForm()
    if not form.validate_on_submit():
        return _dispute_page(dispute, form, form.error_summary(), 400)
    # As `resolve-dispute` does: hold it, resolve, queue the outcome's email, one commit.
    try:
        decided = dispute_decisions.decide(
            dispute, DisputeStatus(form.outcome.data), form.note.data, actor=acting.actor()
        )
    except disputes.AlreadyResolved:
        db.session.rollback()
        already = _(
            "Nothing was changed: dispute %(reference)s was already %(status)s.",
            reference=dispute.reference,
            status=dispute.status.value,
        )
        return _dispute_page(dispute, form, [("decided", already)], 409)
    db.session.commit()
    status_before, cancelled, message = decided.status_before, decided.cancelled, decided.message
    if dispute.status is DisputeStatus.REJECTED:
        flash(
            _(
                "Dispute %(reference)s rejected: the hold on the account is lifted.",
                reference=dispute.reference,
            )
        )
    elif status_before is AccountStatus.OPEN:
        flash(_("Dispute %(reference)s upheld: the account is closed.", reference=dispute.reference))
    else:
        flash(
            _(
                "Dispute %(reference)s upheld; the account was already %(status)s: "
                "arrange any refund by hand.",
                reference=dispute.reference,
                status=status_before.value,
            )
        )
    if cancelled is not None:
        flash(_("Plan %(id)s is cancelled.", id=cancelled.id))
    if message is None:
        flash(_("The outcome could not be emailed (the timeline says why): send it to the debtor by post."))
    else:
        flash(
            _(
                "The outcome is in the outbox as message %(id)s; its status is on the account page.",
                id=message.id,
            )
        )
    return redirect(url_for("console.queues"))


# --- Offers ------------------------------------------------------------------------------------


def _offer_or_404(offer_id: int) -> Offer:
    offer = db.session.scalar(
        scoped(select(Offer).join(Account, Offer.account_id == Account.id)).where(Offer.id == offer_id)
    )
    if offer is None:
        abort(404)
    return offer


def _offer_page(offer: Offer, form: OfferForm | None = None, errors=None, status: int = 200):
    account = offer.account
    terms = offers.Terms(offer.amount, Frequency(offer.frequency), offer.start_date)
    page = render_template(
        "console/decide_offer.html",
        offer=offer,
        account=account,
        form=form or OfferForm(account.currency, formdata=None),
        errors=errors or [],
        payments=len(offers.offer_schedule(account.balance.minor, terms, offer.start_date)),
        reply_by=offers.reply_by(offer.created_at.date()),
        today=clock.today(),
        is_pending=offer.status is OfferStatus.PENDING,
        frequency_label=lambda value: FREQUENCY_LABELS.get(value, value),
        outgoing_label=lambda name: OUTGOING_LABELS.get(name, name),
        may_decide=current_user.may(StaffRole.SUPERVISOR),
    )
    return page, status


@bp.route("/offers/<int:offer_id>")
@signed_in
def offer(offer_id: int):
    return _offer_page(_offer_or_404(offer_id))


@bp.route("/offers/<int:offer_id>", methods=["POST"])
@requires(StaffRole.SUPERVISOR)
def decide_offer(offer_id: int):
    offer = _offer_or_404(offer_id)
    form = OfferForm(offer.account.currency)
    if not form.validate_on_submit():
        return _offer_page(offer, form, form.error_summary(), 400)
    decision = decisions.Decision(form.decision.data)
    terms = None
    if decision is decisions.Decision.COUNTER:
        terms = offers.Terms(form.amount.data, Frequency(form.frequency.data), form.start.data)
    try:
        queued, why = decisions.decide(
            offer, decision, clock.now(), reason=form.reason.data, terms=terms, actor=acting.actor()
        )
    except offer_rules.TermsRefused as refused:
        db.session.rollback()
        name, message = COUNTER_PROBLEMS[refused.problem]
        form.add_error(form[name], message)
        return _offer_page(offer, form, form.error_summary(), 409)
    except TransitionError:
        db.session.rollback()
        already = _(
            "Nothing was changed: offer %(id)s was already %(status)s.",
            id=offer.id,
            status=offer.status.value,
        )
        return _offer_page(offer, form, [("decided", already)], 409)
    message_id = queued.id if queued is not None else None
    db.session.commit()
    flash(_("Offer %(id)s %(status)s.", id=offer.id, status=offer.status.value))
    if message_id is None:
        flash(
            _(
                "Not emailed (%(reason)s); the debtor sees the decision on their account page.",
                reason=reason_text(why),
            )
        )
    else:
        flash(
            _(
                "The decision is in the outbox as message %(id)s; its status is on the account page.",
                id=message_id,
            )
        )
    return redirect(url_for("console.queues"))
