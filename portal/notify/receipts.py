"""The payment receipt: what it states (once, for the page and both parts of the email), what
became of its email as the timeline recorded it, and sending it in the debtor's language."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal import timeline
from portal.domain.money import Money
from portal.domain.receipts import Recorded, left_after, payment_reference
from portal.extensions import db
from portal.i18n import card_description, long_date, money, person_language
from portal.models import AccountStatus, Event, Payment, Purpose
from portal.models.types import utcnow
from portal.notify import mailer, resend, rules
from portal.notify.optout import optout_url


@dataclass(frozen=True)
class Receipt:
    """The facts a receipt states, the same on the page and in both parts of the email."""

    payment: Payment
    reference: str
    left_to_pay: Money
    #: The account's status if this payment closed it (paid, settled), else None.
    closed_as: AccountStatus | None

    def lines(self, *, payee: bool = False) -> list[tuple[str, str]]:
        """The receipt's (label, value) lines in the current language; *payee* adds who was paid."""
        payment, account = self.payment, self.payment.account
        lines = [
            (_("Amount"), money(account.money(payment.amount))),
            (_("Date"), long_date(payment.paid_at)),
            (_("Paid with"), card_description(payment)),
        ]
        if payee:
            lines.append((_("Paid to"), account.creditor.name))
        return lines + [
            (_("Account reference"), account.reference),
            (_("Payment reference"), self.reference),
            (_("Left to pay"), money(self.left_to_pay)),
        ]

    @property
    def thanks(self) -> str:
        """The email's opening sentence."""
        account = self.payment.account
        return _(
            "Thank you. We received your payment of %(amount)s to %(creditor)s.",
            amount=money(account.money(self.payment.amount)),
            creditor=account.creditor.name,
        )

    @property
    def refund_note(self) -> str | None:
        """What happens to the part paid beyond what was owed, if any."""
        refunded = self.payment.refunded
        if not refunded:
            return None
        return _(
            "You paid more than you owed, so we are giving %(amount)s back to your card. "
            "It usually reaches your account within 5 to 10 working days.",
            amount=money(self.payment.account.money(refunded)),
        )

    @property
    def what_next(self) -> str:
        """What this payment did to the account, as of the payment."""
        account = self.payment.account
        if self.closed_as is AccountStatus.PAID:
            return _("This account is now paid in full. We will not ask you for more money for it.")
        if self.closed_as is AccountStatus.SETTLED:
            return _(
                "This account is now settled. The remaining %(forgiven)s is forgiven and the debt is "
                "resolved. We will not ask you for more money for it.",
                forgiven=money(account.money(account.forgiven)),
            )
        return _("This payment has been taken off what you owe.")


def facts(payment: Payment) -> Receipt:
    """The receipt of *payment* as of the moment it was recorded, whatever was paid since."""
    account = payment.account
    recorded = [
        Recorded(p.id, p.paid_at, p.amount, p.attempt is not None and p.attempt.purpose is Purpose.SETTLEMENT)
        for p in account.payments
    ]
    left = left_after(payment.id, recorded, account.total_owed.minor, account.forgiven)
    closed = account.status in (AccountStatus.PAID, AccountStatus.SETTLED) and left == 0
    return Receipt(
        payment, payment_reference(payment.id), account.money(left), account.status if closed else None
    )


class Emailed(enum.Enum):
    """What happened to a receipt's email, as the timeline recorded it."""

    SENT = "sent"
    #: It failed and has not gone since: the task runner is trying again.
    RETRYING = "retrying"
    OPTED_OUT = "opted_out"
    NO_ADDRESS = "no_address"
    #: Nothing recorded yet (or not sent for another reason): the page claims nothing.
    UNKNOWN = "unknown"


_EMAIL_KINDS = ("receipt_sent", "receipt_not_sent", "email_failed")


def emailed(payment: Payment) -> Emailed:
    """What the timeline says became of *payment*'s receipt email; a send anywhere wins."""
    rows = db.session.scalars(
        select(Event)
        .where(Event.account_id == payment.account_id, Event.kind.in_(_EMAIL_KINDS))
        .order_by(Event.seq)
    )
    mine = [
        e
        for e in rows
        if (e.data or {}).get("payment_id") == payment.id
        and (e.kind != "email_failed" or e.data.get("email") == "receipt")
    ]
    if any(e.kind == "receipt_sent" for e in mine):
        return Emailed.SENT
    if not mine:
        return Emailed.UNKNOWN
    last = mine[-1]
    if last.kind == "email_failed":
        return Emailed.RETRYING
    reasons = {rules.OPTED_OUT: Emailed.OPTED_OUT, rules.NO_ADDRESS: Emailed.NO_ADDRESS}
    return reasons.get(last.data.get("reason"), Emailed.UNKNOWN)


def send_receipt(payment: Payment) -> bool:
    """Email the receipt if the rules allow; note the result (or why not) on the timeline.

    The debtor has just paid, so this answers them: contact hours do not apply, an opt-out does.
    It never raises: a receipt that cannot go is recorded and retried by the task runner.
    """
    return receipt(payment) is resend.Sent.SENT


def receipt(payment: Payment, *, retrying: bool = False) -> resend.Sent:
    """Send the receipt once; *retrying* when the task runner tries again (it then schedules no retry)."""
    account_id, payment_id = payment.account_id, payment.id
    try:
        return _send(payment)
    except Exception as error:  # noqa: BLE001 - the payment is committed; no failure may surface
        resend.failed(account_id, "receipt", error, retrying=retrying, payment_id=payment_id)
        return resend.Sent.FAILED


def _send(payment: Payment) -> resend.Sent:
    account = payment.account
    debtor = account.debtor
    allowed, reason = rules.email_allowed(debtor, account, utcnow(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, "receipt_not_sent", payment_id=payment.id, reason=reason)
        db.session.commit()
        return resend.Sent.NOT_ALLOWED
    unsubscribe = optout_url(debtor)
    with force_locale(person_language(debtor.language)):
        if account.status is AccountStatus.SETTLED:
            subject = _("Your account with %(creditor)s is settled", creditor=account.creditor.name)
        else:
            subject = _("Receipt for your payment to %(creditor)s", creditor=account.creditor.name)
        context = {"receipt": facts(payment), "account": account, "optout_url": unsubscribe}
        text = render_template("emails/receipt.txt", **context)
        html = render_template("emails/receipt.html", **context)
    mail = mailer.Mail(to=debtor.email, subject=subject, text=text, html=html, unsubscribe_url=unsubscribe)
    mailer.deliver(mail)
    timeline.record(account, "receipt_sent", payment_id=payment.id)
    db.session.commit()
    return resend.Sent.SENT
