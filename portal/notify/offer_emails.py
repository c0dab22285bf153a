"""The email that tells a debtor what a person decided about their own offer."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.extensions import db
from portal.i18n import person_language
from portal.links import service as links
from portal.models import Offer, OfferStatus
from portal.notify import mailer, rules
from portal.notify.optout import optout_url


def send_decision(offer: Offer, now: datetime) -> tuple[bool, str]:
    """Email the decision if the contact rules allow it at *now*; (sent, reason it was not).

    The debtor asked, but not just now: a person answers later, so the contact hours apply.
    Every outcome goes on the timeline, with the offer's id, so a held email can go out later.
    """
    account = offer.account
    allowed, reason = rules.email_allowed(account.debtor, account, now)
    if not allowed:
        timeline.record(account, "offer_decision_not_sent", offer_id=offer.id, reason=reason)
        db.session.commit()
        return False, reason
    link = links.issue(account, actor="system")
    db.session.commit()
    with force_locale(person_language(account.debtor.language)):
        url = optout_url(account.debtor)
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
            optout_url=url,
        )
        subject = subjects[offer.status]
    sent = mailer.send(mailer.Mail(to=account.debtor.email, subject=subject, text=text, unsubscribe_url=url))
    timeline.record(account, "offer_decision_sent" if sent else "offer_decision_failed", offer_id=offer.id)
    db.session.commit()
    return sent, "" if sent else "failed"
