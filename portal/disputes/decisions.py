"""A person's decision on a dispute, made one way wherever it is made (the collector's
`resolve-dispute` command, the console's dispute page, the API): the dispute is held while it is
decided, the timeline names who decided, and the debtor is told through the outbox in the same
transaction. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from portal.disputes import service
from portal.extensions import db
from portal.models import AccountStatus, Dispute, DisputeStatus, Message, Plan
from portal.notify import disputes as dispute_emails


@dataclass(frozen=True)
class Decided:
    """What a decision did: the account's status before it, the plan an upheld dispute
    cancelled, and the outcome's email (None when the rules refuse it for good; the timeline says why)."""

    status_before: AccountStatus
    cancelled: Plan | None
    message: Message | None


def hold(dispute: Dispute) -> None:
    """Hold the dispute's row until the caller commits or rolls back, and read it afresh.

    Two people resolving the same dispute at once: the second waits here until the first commits,
    then finds it resolved, and is refused (AlreadyResolved) instead of resolving it again.
    """
    # A write, not SELECT ... FOR UPDATE, so that SQLite (which ignores FOR UPDATE) holds too.
    db.session.execute(
        update(Dispute)
        .where(Dispute.id == dispute.id)
        .values(status=Dispute.status)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(dispute)


def decide(dispute: Dispute, outcome: DisputeStatus, note: str, *, actor: str = "collector") -> Decided:
    """Resolve *dispute* as upheld or rejected as *actor* and queue the debtor's email.

    Raises service.AlreadyResolved when it is no longer open; the caller rolls back.
    """
    hold(dispute)
    account = dispute.account
    db.session.refresh(account)
    status_before = account.status
    cancelled = service.resolve(dispute, outcome, note, actor=actor)
    message = dispute_emails.queue_outcome(dispute, plan_cancelled=cancelled is not None)
    return Decided(status_before, cancelled, message)
