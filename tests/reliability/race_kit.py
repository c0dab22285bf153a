"""Tools for the payment race tests: a live portal, a debtor's browser tabs, and what Stripe took.

Each way to pay is fired the way it happens in production: the debtor's tabs post real HTTP
requests to a threaded server, the runner runs in its own thread with its own app context, and
every request gets its own database connection.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.extensions import db
from portal.models import Account, Payment
from tests.helpers.plans import stripe_client
from tests.helpers.servers import free_port
from tests.helpers.webhooks import stripe_signature

SECRET_KEY = "sk_test_portal"  # noqa: S105 - localstripe's test key, not a secret


class LivePortal:
    """The test's app served over HTTP by a threaded server in this process."""

    def __init__(self, app):
        app.config["SESSION_COOKIE_SECURE"] = False  # plain HTTP on the loopback
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        app.config["PORTAL_BASE_URL"] = self.base
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def signed_in_tabs(portal: LivePortal, account, link_path: str, count: int = 2) -> list[requests.Session]:
    """Sign in once, as the debtor would, and open *count* tabs sharing that browser's cookies."""
    first = requests.Session()
    first.get(portal.base + link_path, timeout=10)
    dob = account.debtor.date_of_birth
    answer = {"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)}
    response = first.post(portal.base + "/verify", data=answer, allow_redirects=False, timeout=10)
    assert response.status_code == 303, response.status_code
    tabs = [first]
    for _ in range(count - 1):
        tab = requests.Session()
        tab.cookies.update(first.cookies)
        tabs.append(tab)
    return tabs


def tokenise(localstripe, number: str = "4242424242424242") -> str:
    """A card token from localstripe, as Stripe.js makes one in the browser."""
    response = requests.post(
        f"{localstripe.url}/v1/tokens",
        data={
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": "pk_test_portal",
        },
        timeout=10,
    )
    return response.json()["id"]


@dataclass
class Taken:
    """What Stripe holds for one customer: succeeded charges, refunds, and their intents."""

    gross: int = 0
    refunded: int = 0
    intents: list[str] = field(default_factory=list)

    @property
    def net(self) -> int:
        return self.gross - self.refunded


def taken_from(localstripe, customer_id: str | None) -> Taken:
    """Every succeeded charge localstripe made on the customer's cards, and what was refunded."""
    taken = Taken()
    if not customer_id:
        return taken
    client = stripe_client(localstripe)
    listing = client.v1.charges.list(params={"customer": customer_id, "limit": 100})
    for charge in listing.data:
        data = charge.to_dict()
        if data.get("status") != "succeeded":
            continue
        taken.gross += int(data["amount"])
        taken.refunded += int(data.get("amount_refunded") or 0)
        if data.get("payment_intent"):
            taken.intents.append(data["payment_intent"])
    return taken


def unrecorded(intents: list[str]) -> list[str]:
    """The succeeded intents with no Payment row."""
    db.session.expire_all()
    recorded = set(db.session.scalars(select(Payment.stripe_payment_intent_id)).all())
    return [intent for intent in intents if intent not in recorded]


def deliver_succeeded_webhooks(portal: LivePortal, localstripe, intents: list[str]) -> list[int]:
    """Send Stripe's signed payment_intent.succeeded event for each intent; the HTTP statuses."""
    client = stripe_client(localstripe)
    statuses = []
    for number, intent_id in enumerate(intents):
        intent = client.v1.payment_intents.retrieve(intent_id).to_dict()
        body = json.dumps(
            {
                "id": f"evt_race_{intent_id}_{number}",
                "object": "event",
                "type": "payment_intent.succeeded",
                "api_version": "2020-08-27",
                "created": int(time.time()),
                "livemode": False,
                "data": {"object": intent},
            },
            default=str,
        ).encode()
        response = requests.post(
            portal.base + "/stripe/webhook",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)},
            timeout=10,
        )
        statuses.append(response.status_code)
    return statuses


def recorded_net(account_id: int) -> int:
    """What the portal counts as paid on the account (payments less what it gave back)."""
    db.session.expire_all()
    account = db.session.get(Account, account_id)
    return sum(p.amount - (getattr(p, "refunded", 0) or 0) for p in account.payments)


def fire_together(actions, delay: float) -> list:
    """Run the actions in threads, the second *delay* seconds after the first; their results."""
    results: list = [None] * len(actions)
    barrier = threading.Barrier(len(actions))

    def run(index, action):
        barrier.wait()
        if index:
            time.sleep(delay * index)
        try:
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - reported by the test as a server error
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
