"""The email that tells a debtor what a person decided about their own offer."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.i18n import person_language
from portal.links import service as links
from portal.models import Message, Offer, OfferStatus
from portal.notify import outbox, rules
from portal.notify.optout import optout_url
from portal.notify.plan_notices import link_days


def decision_key(offer_id: int) -> str:
    return f"offer_decision:{offer_id}"


def queue_decision(offer: Offer, now: datetime) -> tuple[Message | None, str]:
    """Queue the decision's email with a fresh link, in the decision's transaction (the caller
    commits): (the message, ""), or (None, the reason) when the rules refuse it for good (an
    opt-out, no address, a hold), which the timeline then says. The debtor asked, but not just
    now: a person answers later, so the contact hours and a pause apply and the outbox holds it for
    the morning, or for the day after the pause (its link then lasts that much longer).
    """
    account = offer.account
    allowed, reason = rules.email_allowed(account.debtor, account, now)
    if not allowed and reason not in rules.WAIT_REASONS:
        timeline.record(account, "offer_decision_not_sent", offer_id=offer.id, reason=reason)
        return None, reason
    link = links.issue(account, days=link_days(account, reason, now), actor="system")
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        subjects = {
            OfferStatus.ACCEPTED: _("We have accepted your offer"),
            OfferStatus.COUNTERED: _("We have looked at your offer"),
            OfferStatus.DECLINED: _("We have looked at your offer"),
        }
        text = render_template(
            "emails/offer_decision.txt",
            offer=offer,
            account=account,
            link=links.url_for_link(link),
            optout_url=optout_url(account.debtor),
        )
        subject = subjects[offer.status]
    message = outbox.queue_email(
        account,
        "offer_decision",
        key=decision_key(offer.id),
        subject=subject,
        text=text,
        facts={"offer_id": offer.id},
        not_before=now,
    )
    return message, ""
