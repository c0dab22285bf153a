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

from portal import clock, timeline
from portal.accounts.itemisation import itemise
from portal.i18n import person_language
from portal.links import service as links
from portal.models import Dispute, DisputeStatus, Message
from portal.notify import outbox, rules
from portal.notify.optout import optout_url


def received_key(dispute: Dispute) -> str:
    return f"dispute_confirmation:{dispute.reference}"


def outcome_key(dispute: Dispute) -> str:
    return f"dispute_outcome:{dispute.reference}"


def _queue(dispute: Dispute, kind: str, key: str, subject_text, template: str, **context) -> Message:
    account = dispute.account
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        subject = subject_text()
        text = render_template(
            template, dispute=dispute, account=account, optout_url=optout_url(account.debtor), **context
        )
    return outbox.queue_email(
        account,
        kind,
        key=key,
        subject=subject,
        text=text,
        debtor_initiated=True,
        facts={"reference": dispute.reference},
    )


def queue_received(dispute: Dispute) -> Message:
    """The confirmation: the reference and what happens next, as on the page; the caller commits."""
    return _queue(
        dispute,
        "dispute_confirmation",
        received_key(dispute),
        lambda: _("We have received your dispute %(reference)s", reference=dispute.reference),
        "emails/dispute_received.txt",
    )


def queue_outcome(dispute: Dispute, plan_cancelled: bool = False) -> Message | None:
    """What we found; the caller commits. A rejection carries the note, the itemisation and a new
    link to the options; None (and the timeline says why) when the rules refuse it for good, so
    no link is made for an email that will never go."""
    if dispute.status is DisputeStatus.OPEN:
        raise ValueError("only a resolved dispute has an outcome to send")
    if dispute.status is DisputeStatus.UPHELD:
        return _queue(
            dispute,
            "dispute_outcome",
            outcome_key(dispute),
            lambda: _("You do not owe this debt: dispute %(reference)s", reference=dispute.reference),
            "emails/dispute_upheld.txt",
            plan_cancelled=plan_cancelled,
        )
    account = dispute.account
    allowed, reason = rules.email_allowed(account.debtor, account, clock.now(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, "dispute_outcome_not_sent", reference=dispute.reference, reason=reason)
        return None
    # The hold has lifted, so a link may be issued again: it opens the debtor's options.
    link = links.issue(account, days=current_app.config["LINK_DAYS"], actor="system")
    return _queue(
        dispute,
        "dispute_outcome",
        outcome_key(dispute),
        lambda: _("What we found about your dispute %(reference)s", reference=dispute.reference),
        "emails/dispute_rejected.txt",
        link=links.url_for_link(link),
        itemisation=itemise(account),
    )


def sent(key: str) -> bool:
    """True once the email under *key* has gone: a page or a command says so only then."""
    message = outbox.find(key)
    return message is not None and message.status in outbox.GONE
