"""The account overview. The options page is in options.py, on the same blueprint (blueprint.py)."""

from __future__ import annotations

from flask import g, render_template
from sqlalchemy import func, select

from portal import clock, timeline
from portal.accounts import eligibility, ledger
from portal.debtor import attention, support_status
from portal.debtor.blueprint import bp
from portal.disputes import service as disputes
from portal.extensions import db
from portal.links.access import verified_required
from portal.models import Account, AttemptStatus, Dispute, PaymentAttempt, SupportRequest


@bp.get("/account")
@verified_required
def overview():
    account = g.account
    plan = eligibility.standing(account).plan
    latest_dispute, waiting, promise = _open_matters(account, clock.today())
    dispute, rejected_dispute = disputes.for_overview(account, latest_dispute)
    page = render_template(
        "debtor/overview.html",
        account=account,
        plan=plan,
        waiting=waiting,
        next_due=ledger.next_instalment(plan) if plan else None,
        # Plan payments that did not go through, shown first with what to do (partials/attention).
        needs_action=attention.needing_action(plan, clock.today()),
        paid_count=ledger.instalments_paid(plan) if plan else 0,
        # What the account may do now and how it ended: the page asks, it does not work it out.
        can=eligibility.for_account(account, clock.today()),
        reasons=eligibility.Reason,
        # The debtor's own offer, a promise to pay, and paused reminders (portal/offers/, portal/cant_pay/).
        support=support_status.for_account(account, clock.today(), promise),
        # Under review while a dispute is open; after a rejection, the reasons until they choose.
        dispute=dispute,
        rejected_dispute=rejected_dispute,
    )
    # Noted once the page is made: the commit would otherwise make every read above be done again.
    timeline.record(account, "balance_viewed", actor="debtor")
    db.session.commit()
    return page


def _open_matters(account, today):
    """(the latest dispute, a plan payment waiting for the debtor to confirm it, an open promise),
    each None if there is none: one statement, beside the one the rules read."""
    waiting = (
        select(func.max(PaymentAttempt.id))
        .where(
            PaymentAttempt.account_id == account.id,
            PaymentAttempt.status == AttemptStatus.REQUIRES_ACTION,
            PaymentAttempt.off_session.is_(True),
        )
        .scalar_subquery()
    )
    return db.session.execute(
        select(Dispute, PaymentAttempt, SupportRequest)
        .select_from(Account)
        .outerjoin(Dispute, Dispute.id == disputes.latest_of(account.id))
        .outerjoin(PaymentAttempt, PaymentAttempt.id == waiting)
        .outerjoin(SupportRequest, SupportRequest.id == support_status.open_promise_of(account.id, today))
        .where(Account.id == account.id)
    ).one()
