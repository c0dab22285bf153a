"""A person's decision on a debtor's offer, made one way wherever it is made (the collector's
`decide-offer` command, the console's offer page): the offer is held while it is decided, a
counter-offer meets the offer rules, the timeline names who decided, and the debtor is told
through the outbox in the same transaction. The caller commits."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import update

from portal.domain import offers as offer_rules
from portal.extensions import db
from portal.models import Message, Offer
from portal.notify import offer_emails
from portal.offers import service


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    COUNTER = "counter"


def hold(offer: Offer) -> None:
    """Hold the offer's row until the caller commits or rolls back, and read it afresh.

    Two people deciding the same offer at once: the second waits here until the first commits,
    then finds it decided, and its move is refused (TransitionError) instead of overwriting it.
    """
    # A write rather than SELECT ... FOR UPDATE: PostgreSQL locks the row either way, and SQLite,
    # which ignores FOR UPDATE, takes its one write lock here rather than at the decision's first
    # write, after both had read the offer as pending.
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(status=Offer.status)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(offer)


def decide(
    offer: Offer,
    decision: Decision,
    now: datetime,
    *,
    reason: str = "",
    terms: service.Terms | None = None,
    actor: str = "collector",
) -> tuple[Message | None, str]:
    """Decide *offer* as *actor* and queue the debtor's email; what `queue_decision` returns.

    Raises TermsRefused for counter *terms* the offer rules refuse on today's balance,
    TransitionError when the offer is no longer pending, and ValueError for a decline without
    a reason. The caller rolls back on any of them.
    """
    hold(offer)
    if decision is Decision.ACCEPT:
        service.accept(offer, actor=actor)
    elif decision is Decision.DECLINE:
        service.decline(offer, reason, actor=actor)
    else:
        if terms is None:
            raise ValueError("a counter-offer needs its terms")
        offer_rules.check_terms(terms, offer.account.balance.minor, now.date())
        service.counter(offer, terms, reason, actor=actor)
    return offer_emails.queue_decision(offer, now)
