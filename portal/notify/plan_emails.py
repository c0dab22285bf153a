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
from portal.notify import mailer, rules
from portal.notify.optout import optout_url


def retry_wording(policy: Policy) -> str:
    days = ", ".join(str(d) for d in policy.retry_days)
    return _("%(days)s days after the payment date", days=days) if policy.retry_days else _("later")


def send_confirmation(plan: Plan) -> bool:
    """Email the agreed plan (debtor-initiated, so contact hours do not apply; opt-outs do)."""
    from portal.plans.calendar import plan_ics

    account = plan.account
    allowed, reason = rules.email_allowed(account.debtor, account, utcnow(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, "plan_confirmation_not_sent", reason=reason, plan_id=plan.id)
        db.session.commit()
        return False
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
    sent = mailer.send(
        mailer.Mail(
            to=account.debtor.email, subject=subject, text=text, attachments=[calendar], unsubscribe_url=url
        )
    )
    timeline.record(
        account, "plan_confirmation_sent" if sent else "plan_confirmation_failed", plan_id=plan.id
    )
    db.session.commit()
    return sent
