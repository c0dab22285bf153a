"""Emails about a dispute: that we have it, and what we found.

Both answer something the debtor started (their dispute), so they are sent as debtor-initiated:
an account's hold and the contact hours do not stop them, an opt-out does. The outcome in
particular must reach the person, because it carries the verification of the debt; a
collector resolves disputes in office hours, which need not be the debtor's.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.accounts.itemisation import itemise
from portal.extensions import db
from portal.i18n import person_language
from portal.links import service as links
from portal.models import Dispute, DisputeStatus
from portal.models.types import utcnow
from portal.notify import mailer, rules
from portal.notify.optout import optout_url


def _allowed(dispute: Dispute, kind: str) -> bool:
    """Ask the contact rules; when the answer is no, say why on the timeline."""
    account = dispute.account
    allowed, reason = rules.email_allowed(account.debtor, account, utcnow(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, f"{kind}_not_sent", reference=dispute.reference, reason=reason)
        db.session.commit()
    return allowed


def _deliver(dispute: Dispute, kind: str, subject_text, template: str, **context) -> bool:
    account = dispute.account
    debtor = account.debtor
    with force_locale(person_language(debtor.language)):
        unsubscribe = optout_url(debtor)
        subject = subject_text()
        text = render_template(template, dispute=dispute, account=account, optout_url=unsubscribe, **context)
    sent = mailer.send(mailer.Mail(to=debtor.email, subject=subject, text=text, unsubscribe_url=unsubscribe))
    timeline.record(account, f"{kind}_sent" if sent else f"{kind}_failed", reference=dispute.reference)
    db.session.commit()
    return sent


def send_received(dispute: Dispute) -> bool:
    """The confirmation: the reference and what happens next, as on the page."""
    if not _allowed(dispute, "dispute_confirmation"):
        return False
    return _deliver(
        dispute,
        "dispute_confirmation",
        lambda: _("We have received your dispute %(reference)s", reference=dispute.reference),
        "emails/dispute_received.txt",
    )


def send_outcome(dispute: Dispute, plan_cancelled: bool = False) -> bool:
    """What we found. A rejection carries the note, the itemisation and a new link to the options."""
    if dispute.status is DisputeStatus.OPEN:
        raise ValueError("only a resolved dispute has an outcome to send")
    if not _allowed(dispute, "dispute_outcome"):
        return False
    if dispute.status is DisputeStatus.UPHELD:
        return _deliver(
            dispute,
            "dispute_outcome",
            lambda: _("You do not owe this debt: dispute %(reference)s", reference=dispute.reference),
            "emails/dispute_upheld.txt",
            plan_cancelled=plan_cancelled,
        )
    account = dispute.account
    # The hold has lifted, so a link may be issued again: it opens the debtor's options.
    link = links.issue(account, days=current_app.config["LINK_DAYS"], actor="system")
    db.session.commit()
    return _deliver(
        dispute,
        "dispute_outcome",
        lambda: _("What we found about your dispute %(reference)s", reference=dispute.reference),
        "emails/dispute_rejected.txt",
        link=links.url_for_link(link),
        itemisation=itemise(account),
    )
