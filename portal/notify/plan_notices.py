"""What the runner tells a debtor: a declined payment, a bank check to confirm, a plan that ended.

Each is queued in the outbox in the same transaction as the runner's record of what happened.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.i18n import person_language
from portal.links import service as links
from portal.models import Account, Instalment, PaymentAttempt, Plan
from portal.notify import outbox, rules
from portal.notify.optout import optout_url


def _queue(
    account: Account, kind: str, key: str, now: datetime, subject_text, template: str, **context
) -> bool:
    """Queue the notice with a fresh link in the runner's transaction (the caller commits); False
    when the rules refuse it for good. One held back for the hour or a pause waits in the outbox,
    its link made to last as much longer as it waits."""
    allowed, reason = rules.email_allowed(account.debtor, account, now)
    if not allowed and reason not in rules.WAIT_REASONS:
        timeline.record(account, f"{kind}_not_sent", reason=reason)
        return False
    url, _expires = fresh_link(account, reason, now)
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        subject = subject_text()
        text = render_template(template, link=url, optout_url=optout_url(account.debtor), **context)
    outbox.queue_email(account, kind, key=key, subject=subject, text=text, not_before=now)
    return True


def link_days(account: Account, reason: str, now: datetime) -> int:
    """The days a notice's link lasts: the usual, counted from when the notice goes, which for one
    that waits (a pause may last weeks) is later than now."""
    return current_app.config["LINK_DAYS"] + rules.wait_days(account.debtor, account, reason, now)


def fresh_link(account: Account, reason: str, now: datetime) -> tuple[str, datetime]:
    """A new link for a notice the rules let wait for *reason* ("" for none), issued by the system;
    its address and when it expires. The caller commits."""
    link = links.issue(account, days=link_days(account, reason, now), actor="system")
    return links.url_for_link(link), link.expires_at


def payment_declined(instalment: Instalment, retry_on: date | None, now: datetime) -> bool:
    return _queue(
        instalment.plan.account,
        "decline_notice",
        f"decline_notice:{instalment.id}:{instalment.attempts}",
        now,
        lambda: _("We could not take your plan payment"),
        "emails/plan_declined.txt",
        instalment=instalment,
        retry_on=retry_on,
    )


def authentication_needed(attempt: PaymentAttempt, instalment: Instalment, now: datetime) -> bool:
    return _queue(
        instalment.plan.account,
        "authentication_notice",
        f"authentication_notice:{attempt.id}",
        now,
        lambda: _("Please confirm your plan payment with your bank"),
        "emails/plan_authentication.txt",
        instalment=instalment,
        attempt=attempt,
    )


def plan_broken(plan: Plan, now: datetime) -> bool:
    return _queue(
        plan.account,
        "plan_ended_notice",
        f"plan_ended_notice:{plan.id}",
        now,
        lambda: _("Your payment plan has ended"),
        "emails/plan_broken.txt",
        plan=plan,
    )
