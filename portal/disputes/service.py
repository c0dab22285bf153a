"""Opening and resolving disputes: the one place a dispute's status and an account's hold move.

Callers commit; emails go out after the commit (portal.notify.disputes).
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from portal import timeline
from portal.accounts import ledger
from portal.disputes.evidence import StoredEvidence
from portal.domain import transitions
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    Dispute,
    DisputeReason,
    DisputeStatus,
    Offer,
    Payment,
    Plan,
    PlanStatus,
    SupportRequest,
)
from portal.models.types import utcnow

#: Letters and digits nobody confuses when reading a reference aloud or off a screen (no I, L, O,
#: 0 or 1): 31 ** 6 is close to 900 million references.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6
_TRIES = 20


class DisputeError(Exception):
    """A move the dispute's state does not allow."""


class AlreadyOpen(DisputeError):
    """The account already has a dispute under review: one at a time, so none is lost."""

    def __init__(self, dispute: Dispute):
        super().__init__(f"dispute {dispute.reference} is already open")
        self.dispute = dispute


class AlreadyResolved(DisputeError):
    def __init__(self, dispute: Dispute):
        super().__init__(f"dispute {dispute.reference} was already {dispute.status.value}")
        self.dispute = dispute


def new_reference() -> str:
    return "D-" + "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_LENGTH))


def _unused_reference() -> str:
    # Checked before the insert; the unique column is what finally guarantees it, and with ~900
    # million references two requests drawing the same one at the same instant is not a worry.
    for _ in range(_TRIES):
        reference = new_reference()
        if db.session.scalar(select(Dispute.id).where(Dispute.reference == reference)) is None:
            return reference
    raise RuntimeError("could not find an unused dispute reference")  # pragma: no cover


def normalise_reference(text: str) -> str:
    """What a collector types ("d-7kq2m9", " D-7KQ2M9 ") as it is stored."""
    return text.strip().upper()


def find(reference: str) -> Dispute | None:
    return db.session.scalar(select(Dispute).where(Dispute.reference == normalise_reference(reference)))


def open_dispute_for(account: Account) -> Dispute | None:
    """The account's dispute under review, if there is one."""
    return db.session.scalar(
        select(Dispute)
        .where(Dispute.account_id == account.id, Dispute.status == DisputeStatus.OPEN)
        .order_by(Dispute.id.desc())
        .limit(1)
    )


def open_dispute(
    account: Account, reason: DisputeReason, details: str, evidence: StoredEvidence | None = None
) -> Dispute:
    """Record the dispute and put the account on hold; the caller commits."""
    existing = open_dispute_for(account)
    if existing is not None:
        raise AlreadyOpen(existing)
    dispute = Dispute(
        account_id=account.id,
        reference=_unused_reference(),
        reason=reason,
        details=details,
        evidence_file=evidence.file_name if evidence else None,
        evidence_type=evidence.mime if evidence else None,
        evidence_name=evidence.original_name if evidence else None,
    )
    db.session.add(dispute)
    account.on_hold = True
    # The debtor's words stay on the dispute; the timeline only says what happened.
    timeline.record(
        account,
        "dispute_opened",
        actor="debtor",
        reference=dispute.reference,
        reason=reason.value,
        evidence=evidence is not None,
    )
    db.session.flush()
    return dispute


def resolve(dispute: Dispute, outcome: DisputeStatus, note: str, actor: str = "collector") -> Plan | None:
    """Close the dispute as upheld or rejected; returns the plan an upheld dispute cancelled.

    Upheld: nothing is owed, so the account is closed and any active plan cancelled. Rejected:
    the debt was verified, so the hold lifts and the debtor's options come back.
    """
    if outcome not in (DisputeStatus.UPHELD, DisputeStatus.REJECTED):
        raise ValueError(f"a dispute is resolved as upheld or rejected, not {outcome}")
    if dispute.status is not DisputeStatus.OPEN:
        raise AlreadyResolved(dispute)
    account = dispute.account
    transitions.DISPUTE.move(dispute, outcome)
    dispute.resolution_note = note
    dispute.resolved_at = utcnow()
    account.on_hold = False
    cancelled = None
    if outcome is DisputeStatus.UPHELD:
        cancelled = ledger.active_plan(account.id)
        if cancelled is not None:
            ledger.end_plan(cancelled, PlanStatus.CANCELLED, "dispute_upheld")
        if account.status is AccountStatus.OPEN:
            transitions.ACCOUNT.move(account, AccountStatus.CLOSED)
    timeline.record(
        account,
        f"dispute_{outcome.value}",
        actor=actor,
        reference=dispute.reference,
        note=note,
        account_status=account.status.value,
    )
    db.session.flush()
    return cancelled


def for_overview(account: Account, latest: Dispute | None) -> tuple[Dispute | None, Dispute | None]:
    """(the dispute under review, the rejection to show), from *latest*, the account's latest
    dispute (see `latest_of`).

    A new dispute cannot be opened while one is open, so an open dispute is always the latest.
    """
    if latest is not None and latest.status is DisputeStatus.OPEN:
        return latest, None
    return None, rejection_to_show(account, latest)


def latest_of(account_id):
    """The id of the account's latest dispute, as a subquery for a caller's statement."""
    return select(func.max(Dispute.id)).where(Dispute.account_id == account_id).scalar_subquery()


def rejection_to_show(account: Account, latest: Dispute | None) -> Dispute | None:
    """*latest* (the account's latest dispute), if it was rejected and the debtor has not chosen
    an option since.

    The overview keeps the collector's reasons in view until the debtor pays, agrees a plan,
    makes an offer or asks for help: whichever they choose first.
    """
    if latest is None or latest.status is not DisputeStatus.REJECTED or account.on_hold:
        return None
    since = latest.resolved_at
    for model, column in (
        (Payment, Payment.paid_at),
        (Plan, Plan.created_at),
        (Offer, Offer.created_at),
        (SupportRequest, SupportRequest.created_at),
    ):
        chosen = db.session.scalar(
            select(model.id).where(model.account_id == account.id, column > since).limit(1)
        )
        if chosen is not None:
            return None
    return latest


def confirmation_sent(dispute: Dispute) -> bool:
    """True once the confirmation email has gone: the page says so only then."""
    from portal.notify import disputes as dispute_emails

    return dispute_emails.sent(dispute_emails.received_key(dispute))


def open_disputes() -> list[Dispute]:
    return list(
        db.session.scalars(
            select(Dispute)
            .where(Dispute.status == DisputeStatus.OPEN)
            .order_by(Dispute.created_at, Dispute.id)
        )
    )
