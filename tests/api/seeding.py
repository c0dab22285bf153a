"""What the API tests share: a creditor with a key, and an account with something of every kind
the API reads (a link, a message, a payment, a plan, a dispute, an offer, a call-back request)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.api import keys
from portal.extensions import db
from portal.links import service as links
from portal.models import (
    Account,
    Dispute,
    DisputeReason,
    Message,
    Offer,
    Payment,
    RequestKind,
    SupportRequest,
)
from portal.models.types import utcnow
from portal.models.webhooks import WebhookEndpoint
from tests.helpers.plans import plan_rows


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Seeded:
    """One creditor's key and the ids of its rows, by the name a route's parameter gives them."""

    token: str
    account: Account
    ids: dict[str, int] = field(default_factory=dict)
    #: Strings of this creditor's that must never appear in an answer to another creditor's key.
    secrets: list[str] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def seed_creditor(make_account, slug: str, *, scopes: list[str] | None = None) -> Seeded:
    """A creditor *slug* with a key and one account holding one row of each kind."""
    account = make_account(
        f"REF-{slug.upper()}",
        creditor_slug=slug,
        creditor_name=f"{slug.title()} Lending",
        full_name=f"Person Of {slug.title()}",
        email=f"person@{slug}.example",
        postal_code="10001",
    )
    key, token = keys.create(account.creditor, f"{slug} system", scopes)
    link = links.issue(account, actor="collector")
    payment = Payment(
        account_id=account.id,
        stripe_payment_intent_id=f"pi_seed_{slug}",
        amount=12345,
        currency=account.currency,
        card_brand="Visa",
        card_last4="4242",
    )
    message = Message(
        debtor_id=account.debtor_id,
        account_id=account.id,
        channel="email",
        kind="link",
        dedupe_key=f"seed:{slug}",
        not_before=utcnow() + timedelta(days=30),
    )
    dispute = Dispute(account_id=account.id, reference=f"D-{slug[:6].upper()}", reason=DisputeReason.NOT_MINE)
    offer = Offer(account_id=account.id, amount=2500, frequency="monthly", start_date=date(2027, 2, 1))
    request = SupportRequest(account_id=account.id, kind=RequestKind.HARDSHIP, phone="+1 212 555 0100")
    endpoint = WebhookEndpoint(
        creditor_id=account.creditor_id, url=f"https://{slug}.example/hooks", secret=f"whsec_{slug}Secret0000"
    )
    db.session.add_all([payment, message, dispute, offer, request, endpoint])
    db.session.commit()
    today = utcnow().date()
    plan = plan_rows(account, [(today + timedelta(days=30 * n), 10000) for n in (1, 2, 3)])
    ids = {
        "account_id": account.id,
        "payment_id": payment.id,
        "plan_id": plan.id,
        "link_id": link.id,
        "message_id": message.id,
        "dispute_id": dispute.id,
        "offer_id": offer.id,
        "request_id": request.id,
        "key_id": key.id,
        "endpoint_id": endpoint.id,
        "webhook_id": endpoint.id,
    }
    secrets = [
        account.reference,
        account.debtor.full_name,
        account.debtor.email,
        f"pi_seed_{slug}",
        dispute.reference,
        endpoint.url,
        endpoint.secret,
    ]
    return Seeded(token=token, account=account, ids=ids, secrets=secrets)
