"""What a debtor is told when a collector cancels their plan or closes their account.

Both are our notices, not answers to the person: an opt-out stops them, and the contact hours,
the creditor's limit and a pause on contact make them wait. The account notice alone goes while
a dispute holds the account (`rules.HOLD_PASSES`): it asks nothing of them. Each is queued in the
transaction of the change it tells (the caller commits), and each says why only when the
collector chose to let the person read their reason.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.domain import contact
from portal.i18n import person_language
from portal.models import Account, Message, Plan
from portal.notify import outbox, rules
from portal.notify.optout import optout_url
from portal.notify.plan_notices import fresh_link

PLAN_CANCELLED = "plan_cancelled_notice"
ACCOUNT_CLOSED = "account_closed_notice"


def plan_cancelled_key(plan: Plan) -> str:
    return f"{PLAN_CANCELLED}:{plan.id}"


def account_closed_key(account: Account) -> str:
    return f"{ACCOUNT_CLOSED}:{account.id}"


def queue_plan_cancelled(plan: Plan, reason: str | None, now: datetime) -> tuple[Message | None, str]:
    """Tell the person their plan is cancelled, what they still owe, and give them a fresh link to
    their options; *reason* is shown only when given. (message, "") or (None, the rules' reason)
    when the rules refuse it for good, which the timeline then says (no link is made for it)."""
    account = plan.account
    allowed, refused = rules.email_allowed(account.debtor, account, now, kind=PLAN_CANCELLED)
    if not allowed and refused not in rules.WAIT_REASONS:
        timeline.record(account, f"{PLAN_CANCELLED}_not_sent", plan_id=plan.id, reason=refused)
        return None, refused
    link, expires_at = fresh_link(account, refused, now)
    message = _queue(
        account,
        PLAN_CANCELLED,
        plan_cancelled_key(plan),
        now,
        lambda: _("Your payment plan has been cancelled"),
        "emails/plan_cancelled",
        plan=plan,
        reason=reason,
        link=link,
        expires=contact.local_date(expires_at, rules.contact_zone(account)),
        facts={"plan_id": plan.id},
    )
    return message, ""


def queue_account_closed(
    account: Account, reason: str | None, plan: Plan | None, now: datetime
) -> tuple[Message | None, str]:
    """Tell the person their account is closed and nothing more will be asked (and that its plan,
    *plan*, is cancelled with it); *reason* is shown only when given. As `queue_plan_cancelled`
    answers, without a link: there is nothing left to choose."""
    allowed, refused = rules.email_allowed(account.debtor, account, now, kind=ACCOUNT_CLOSED)
    if not allowed and refused not in rules.WAIT_REASONS:
        timeline.record(account, f"{ACCOUNT_CLOSED}_not_sent", reason=refused)
        return None, refused
    message = _queue(
        account,
        ACCOUNT_CLOSED,
        account_closed_key(account),
        now,
        lambda: _("Your account is closed"),
        "emails/account_closed",
        plan=plan,
        reason=reason,
        facts={"plan_id": plan.id} if plan is not None else {},
    )
    return message, ""


def _queue(
    account: Account, kind: str, key: str, now: datetime, subject_text, template: str, facts: dict, **context
) -> Message:
    debtor = account.debtor
    with force_locale(person_language(debtor.language, account.creditor.country)):
        subject = subject_text()
        context.update(account=account, subject=subject, optout_url=optout_url(debtor))
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
    return outbox.queue_email(
        account, kind, key=key, subject=subject, text=text, html=html, facts=facts, not_before=now
    )
