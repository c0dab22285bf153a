"""The plan confirmation email: the same recap as the page, with a calendar file attached."""

from __future__ import annotations

import logging

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.domain.policy import Policy
from portal.extensions import db
from portal.i18n import number_list, person_language
from portal.models import Plan
from portal.notify import mailer, outbox
from portal.notify.optout import optout_url

log = logging.getLogger("portal.mail")


def retry_wording(policy: Policy) -> str:
    days = number_list(policy.retry_days)
    return _("%(days)s days after the payment date", days=days) if policy.retry_days else _("later")


def confirmation_key(plan_id: int) -> str:
    return f"plan_confirmation:{plan_id}"


def send_confirmation(plan: Plan) -> bool:
    """Queue the agreed plan's email with its calendar file, and commit (debtor-initiated, so
    contact hours do not apply; opt-outs do); True if it has gone by the time the commit returns.
    It never raises: the plan is committed already."""
    plan_id = plan.id
    try:
        _queue(plan)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the plan is committed; no failure may surface
        db.session.rollback()
        log.exception("could not queue the confirmation of plan %s", plan_id)
        return False
    return emailed(db.session.get(Plan, plan_id))


def emailed(plan: Plan) -> bool:
    """True once the confirmation email has gone (the page says so only then)."""
    message = outbox.find(confirmation_key(plan.id))
    return message is not None and message.status in outbox.GONE


def _queue(plan: Plan) -> None:
    from portal.notify.plan_calendar import plan_ics

    account = plan.account
    policy = Policy.from_dict(plan.policy.settings)
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        subject = _("Your payment plan with %(creditor)s", creditor=account.creditor.name)
        text = render_template(
            "emails/plan_confirmation.txt",
            plan=plan,
            policy=policy,
            retry_text=retry_wording(policy),
            optout_url=optout_url(account.debtor),
        )
    calendar = mailer.Attachment("payment-plan.ics", plan_ics(plan), "text", "calendar")
    outbox.queue_email(
        account,
        "plan_confirmation",
        key=confirmation_key(plan.id),
        subject=subject,
        text=text,
        attachments=[calendar],
        debtor_initiated=True,
        facts={"plan_id": plan.id},
    )
