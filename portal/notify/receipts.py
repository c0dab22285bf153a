"""The payment receipt: what it states (once, for the page and both parts of the email), what
became of its email as the outbox has it, and queueing it in the debtor's language."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import joinedload

from portal.domain.money import Money
from portal.domain.receipts import Recorded, left_after, payment_reference
from portal.extensions import db
from portal.i18n import card_description, long_date, money, person_language
from portal.models import Account, AccountStatus, MessageStatus, Payment, Purpose
from portal.models.payments import PaymentRefund, RefundStatus
from portal.notify import outbox, rules
from portal.notify.optout import optout_url

log = logging.getLogger("portal.mail")


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
            how_paid(payment),
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
        """What happens to the part paid beyond what was owed, if any. Refunds staff made later are
        not that part: the console tells the person of those in their own email."""
        if self.payment.refunded <= 0:
            return None  # nothing was given back, by anyone: no need to ask what staff refunded
        by_staff = db.session.scalar(
            select(func.coalesce(func.sum(PaymentRefund.amount), 0)).where(
                PaymentRefund.payment_id == self.payment.id, PaymentRefund.status == RefundStatus.SUCCEEDED
            )
        )
        refunded = self.payment.refunded - by_staff
        if refunded <= 0:
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


#: How money received outside the portal came (Payment.method), as a receipt says it with its
#: reference, in the current language.
_OUTSIDE_WORDS = {
    "cheque": lambda reference: _("Cheque number %(reference)s", reference=reference),
    "phone": lambda reference: _("Payment by phone, reference %(reference)s", reference=reference),
    "bank_transfer": lambda reference: _("Bank transfer, reference %(reference)s", reference=reference),
    "other": lambda reference: _("Another way, reference %(reference)s", reference=reference),
}


def how_paid(payment: Payment) -> tuple[str, str]:
    """The receipt's (label, value) line saying how *payment* was made: the card it came from, or
    for money received outside the portal the way it came, with its reference."""
    words = _OUTSIDE_WORDS.get(payment.method)
    if words is None:
        return _("Paid with"), card_description(payment)
    return _("How you paid"), words(payment.reference or "")


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
    """What became of a receipt's email, as the outbox has it."""

    SENT = "sent"
    #: Queued and not gone yet: the task runner sends it within a minute or two.
    SENDING = "sending"
    #: It failed and has not gone since: the task runner is trying again.
    RETRYING = "retrying"
    OPTED_OUT = "opted_out"
    NO_ADDRESS = "no_address"
    #: Nothing queued (or not sent for another reason): the page claims nothing.
    UNKNOWN = "unknown"


def receipt_key(payment_id: int) -> str:
    return f"receipt:{payment_id}"


def emailed(payment: Payment) -> Emailed:
    """What the outbox says became of *payment*'s receipt email."""
    message = outbox.find(receipt_key(payment.id))
    if message is None:
        return Emailed.UNKNOWN
    if message.status in outbox.GONE:
        return Emailed.SENT
    if message.status in outbox.WAITING:
        return Emailed.RETRYING if message.reason else Emailed.SENDING
    if message.status is MessageStatus.REFUSED:
        reasons = {rules.OPTED_OUT: Emailed.OPTED_OUT, rules.NO_ADDRESS: Emailed.NO_ADDRESS}
        return reasons.get(message.reason, Emailed.UNKNOWN)
    return Emailed.UNKNOWN


def send_receipt(payment: Payment) -> bool:
    """Queue the receipt email, in the debtor's language, and commit; True if it has gone by the
    time the commit returns (with the task runner in immediate mode, as in tests).

    The debtor has paid (by card just now, or in another way a collector has just recorded), so
    this answers them: contact hours and a pause do not apply, an opt-out does (the outbox asks
    the rules when it sends). It never raises: the payment is committed already.
    """
    payment_id = inspect(payment).identity[0]  # not payment.id: after a commit that reads the row again
    try:
        _queue(_with_account(payment_id))
        db.session.commit()
    except Exception:  # noqa: BLE001 - the payment is committed; no failure may surface
        db.session.rollback()
        log.exception("could not queue the receipt of payment %s", payment_id)
        return False
    message = outbox.find(receipt_key(payment_id))
    return message is not None and message.status in outbox.GONE


def _with_account(payment_id: int) -> Payment:
    """The payment with what its receipt states: the account, its person and creditor (one
    statement), and the account's payments with their attempts (one more)."""
    account = joinedload(Payment.account)
    return db.session.scalars(
        select(Payment)
        .where(Payment.id == payment_id)
        .options(
            account.joinedload(Account.debtor),
            account.joinedload(Account.creditor),
            account.selectinload(Account.payments).joinedload(Payment.attempt),
        )
    ).one()


def _queue(payment: Payment) -> None:
    account = payment.account
    with force_locale(person_language(account.debtor.language, account.creditor.country)):
        if account.status is AccountStatus.SETTLED:
            subject = _("Your account with %(creditor)s is settled", creditor=account.creditor.name)
        else:
            subject = _("Receipt for your payment to %(creditor)s", creditor=account.creditor.name)
        context = {"receipt": facts(payment), "account": account, "optout_url": optout_url(account.debtor)}
        text = render_template("emails/receipt.txt", **context)
        html = render_template("emails/receipt.html", **context)
    outbox.queue_email(
        account,
        "receipt",
        key=receipt_key(payment.id),
        subject=subject,
        text=text,
        html=html,
        debtor_initiated=True,
        facts={"payment_id": payment.id},
    )
