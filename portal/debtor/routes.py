"""The account overview. The options page is in options.py, on the same blueprint (blueprint.py)."""

from __future__ import annotations

from flask import g, render_template
from sqlalchemy import select

from portal import clock, timeline
from portal.accounts import eligibility, ledger
from portal.debtor import attention, support_status
from portal.debtor.blueprint import bp
from portal.disputes import service as disputes
from portal.extensions import db
from portal.links.access import verified_required
from portal.models import AttemptStatus, PaymentAttempt


@bp.get("/account")
@verified_required
def overview():
    account = g.account
    plan = eligibility.standing(account).plan
    dispute, rejected_dispute = disputes.for_overview(account)
    waiting = db.session.scalars(
        select(PaymentAttempt).where(
            PaymentAttempt.account_id == account.id,
            PaymentAttempt.status == AttemptStatus.REQUIRES_ACTION,
            PaymentAttempt.off_session.is_(True),
        )
    ).first()
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
        support=support_status.for_account(account, clock.today()),
        # Under review while a dispute is open; after a rejection, the reasons until they choose.
        dispute=dispute,
        rejected_dispute=rejected_dispute,
    )
    # Noted once the page is made: the commit would otherwise make every read above be done again.
    timeline.record(account, "balance_viewed", actor="debtor")
    db.session.commit()
    return page
