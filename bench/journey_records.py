"""The records of bench/journey.py: the debtors made ready before the load, each with an account
and a link of their own, and the payments checked after it, in the database and at the Stripe
stand-in, so that a journey that reached its receipt is known to have paid once and only once."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from datetime import date, timedelta

DATE_OF_BIRTH = date(1980, 3, 27)


def make_debtors(app, count: int) -> list[dict]:
    """*count* open accounts, each of its own person with DATE_OF_BIRTH and its own fresh link:
    [{"account_id": N, "path": "/l/<token>"}, ...]."""
    from sqlalchemy import insert

    from portal import timeline
    from portal.extensions import db
    from portal.links import service
    from portal.models import Account, Creditor, Debtor, MagicLink
    from portal.models.types import utcnow

    links = []
    with app.app_context():
        creditor = Creditor(slug="bench", name="Riverside Medical Group")
        db.session.add(creditor)
        db.session.commit()
        expires_at = utcnow() + timedelta(days=app.config["LINK_DAYS"])
        for start in range(0, count, 2000):
            numbers = range(start, min(count, start + 2000))
            people = [
                {"full_name": f"Person {n}", "email": f"p{n}@example.com", "date_of_birth": DATE_OF_BIRTH}
                for n in numbers
            ]
            debtor_ids = db.session.scalars(
                insert(Debtor).returning(Debtor.id, sort_by_parameter_order=True), people
            ).all()
            account_ids = db.session.scalars(
                insert(Account).returning(Account.id, sort_by_parameter_order=True),
                [
                    {
                        "creditor_id": creditor.id,
                        "debtor_id": debtor_id,
                        "reference": f"J-{n}",
                        "currency": "USD",
                        "principal": 12000 + n % 1000,
                        "description": "Emergency room visit",
                    }
                    for n, debtor_id in zip(numbers, debtor_ids, strict=True)
                ],
            ).all()
            # What service.issue does for one link, for thousands in a few statements: the link,
            # and its event on the account's timeline.
            made = db.session.execute(
                insert(MagicLink).returning(
                    MagicLink.id, MagicLink.account_id, MagicLink.public_id, sort_by_parameter_order=True
                ),
                [
                    {"public_id": service.new_public_id(), "account_id": account_id, "expires_at": expires_at}
                    for account_id in account_ids
                ],
            ).all()
            timeline.record_many(
                [
                    (
                        account_id,
                        "link_issued",
                        "collector",
                        {"link_id": link_id, "expires_at": expires_at.isoformat()},
                    )
                    for link_id, account_id, _public_id in made
                ]
            )
            db.session.commit()
            links += [
                {"account_id": account_id, "path": f"/l/{service.token_for(MagicLink(public_id=public_id))}"}
                for _link_id, account_id, public_id in made
            ]
    return links


def _stand_in_charges(stripe_url: str, secret_key: str) -> Counter:
    """Succeeded charges at the Stripe stand-in, per customer."""
    charges: Counter = Counter()
    after = None
    while True:
        query = "limit=100" + (f"&starting_after={after}" if after else "")
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"{stripe_url}/v1/charges?{query}", headers={"Authorization": f"Bearer {secret_key}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            page = json.loads(answer.read())
        charges.update(charge["customer"] for charge in page["data"] if charge["status"] == "succeeded")
        if not page["has_more"]:
            return charges
        after = page["data"][-1]["id"]


def payments_check(app, journeys: list[dict], stripe_url: str, secret_key: str) -> dict:
    """Each journey's receipt against the database and the stand-in: one payment, one charge."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Account, Debtor, Payment, PaymentAttempt
    from portal.models.payments import AttemptStatus

    charges = _stand_in_charges(stripe_url, secret_key)
    with app.app_context():
        payments = dict(
            db.session.execute(select(Payment.account_id, func.count()).group_by(Payment.account_id)).all()
        )
        succeeded = dict(
            db.session.execute(
                select(PaymentAttempt.account_id, func.count())
                .where(PaymentAttempt.status == AttemptStatus.SUCCEEDED)
                .group_by(PaymentAttempt.account_id)
            ).all()
        )
        customers = dict(
            db.session.execute(
                select(Debtor.stripe_customer_id, Account.id).join(Account, Account.debtor_id == Debtor.id)
            ).all()
        )
        receipts = {
            payment_id: account_id
            for payment_id, account_id in db.session.execute(select(Payment.id, Payment.account_id)).all()
        }
    twice = {account for account, n in payments.items() if n > 1}
    twice |= {account for account, n in succeeded.items() if n > 1}
    twice |= {customers.get(customer) for customer, n in charges.items() if n > 1}
    unmatched = [
        journey
        for journey in journeys
        if receipts.get(journey["payment_id"]) != journey["account_id"]
        or payments.get(journey["account_id"]) != 1
    ]
    return {
        "payments recorded": sum(payments.values()),
        "charges at the Stripe stand-in": sum(charges.values()),
        "charged twice": len(twice),
        "journeys without their one payment": len(unmatched),
    }
