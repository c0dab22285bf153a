"""The email that tells a debtor money was refunded to their card, and when it reaches them."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.i18n import card_description, long_date, money, person_language
from portal.models import AccountStatus, Message
from portal.models.payments import PaymentRefund
from portal.notify import outbox, rules
from portal.notify.optout import optout_url


def refund_key(refund_id: int) -> str:
    return f"refund:{refund_id}"


def queue_refund_notice(refund: PaymentRefund, now: datetime) -> Message | None:
    """Queue the notice in the refund's transaction (the caller commits); None, with the reason on
    the timeline, when the rules refuse it for good (an opt-out, no address).

    It tells the person about their own money and asks nothing of them, as a receipt does, so the
    contact hours and a dispute's hold do not delay it; an opt-out still stops it.
    """
    payment = refund.payment
    account = payment.account
    allowed, reason = rules.email_allowed(account.debtor, account, now, debtor_initiated=True)
    if not allowed:
        timeline.record(account, "refund_notice_not_sent", refund_id=refund.id, reason=reason)
        return None
    owes = account.status is AccountStatus.OPEN and account.balance.minor > 0
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        amount = money(account.money(refund.amount))
        subject = _("We have refunded %(amount)s to your card", amount=amount)
        text = render_template(
            "emails/refund.txt",
            account=account,
            amount=amount,
            paid=money(account.money(payment.amount)),
            day=long_date(payment.paid_at),
            card=card_description(payment),
            owed=money(account.balance) if owes else None,
            optout_url=optout_url(account.debtor),
        )
    return outbox.queue_email(
        account,
        "refund",
        key=refund_key(refund.id),
        subject=subject,
        text=text,
        debtor_initiated=True,
        facts={"refund_id": refund.id, "payment_id": payment.id},
        not_before=now,
    )
