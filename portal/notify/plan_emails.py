"""The plan confirmation email: the same recap as the page, with a calendar file attached."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.domain.policy import Policy
from portal.extensions import db
from portal.i18n import person_language
from portal.models import Plan
from portal.models.types import utcnow
from portal.notify import mailer, resend, rules
from portal.notify.optout import optout_url


def retry_wording(policy: Policy) -> str:
    days = ", ".join(str(d) for d in policy.retry_days)
    return _("%(days)s days after the payment date", days=days) if policy.retry_days else _("later")


def send_confirmation(plan: Plan) -> bool:
    """Email the agreed plan (debtor-initiated, so contact hours do not apply; opt-outs do).

    It never raises: a confirmation that cannot go is recorded and retried by the task runner.
    """
    return confirmation(plan) is resend.Sent.SENT


def confirmation(plan: Plan, *, retrying: bool = False) -> resend.Sent:
    """Send the confirmation once; *retrying* when the task runner tries again."""
    account_id, plan_id = plan.account_id, plan.id
    try:
        return _send(plan)
    except Exception as error:  # noqa: BLE001 - the plan is committed; no failure may surface
        resend.failed(account_id, "plan_confirmation", error, retrying=retrying, plan_id=plan_id)
        return resend.Sent.FAILED


def _send(plan: Plan) -> resend.Sent:
    from portal.notify.plan_calendar import plan_ics

    account = plan.account
    allowed, reason = rules.email_allowed(account.debtor, account, utcnow(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, "plan_confirmation_not_sent", reason=reason, plan_id=plan.id)
        db.session.commit()
        return resend.Sent.NOT_ALLOWED
    policy = Policy.from_dict(plan.policy.settings)
    with force_locale(person_language(account.debtor.language)):
        url = optout_url(account.debtor)
        subject = _("Your payment plan with %(creditor)s", creditor=account.creditor.name)
        text = render_template(
            "emails/plan_confirmation.txt",
            plan=plan,
            policy=policy,
            retry_text=retry_wording(policy),
            optout_url=url,
        )
    calendar = mailer.Attachment("payment-plan.ics", plan_ics(plan), "text", "calendar")
    mailer.deliver(
        mailer.Mail(
            to=account.debtor.email, subject=subject, text=text, attachments=[calendar], unsubscribe_url=url
        )
    )
    timeline.record(account, "plan_confirmation_sent", plan_id=plan.id)
    db.session.commit()
    return resend.Sent.SENT
