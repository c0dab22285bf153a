"""Card payments through a proxy that breaks Stripe's answers, then `flask reconcile`.

Whatever fails between the portal and Stripe (a time-out, a 500, an answer lost after the charge),
the debtor gets a calm page, never a 500, is never charged twice, and after `reconcile` every
charge Stripe took is recorded exactly once.

Each payment is the card step as the debtor takes it: the card page (which makes the visit's
SetupIntent, and the debtor's Stripe customer the first time), the card confirmed in that
SetupIntent by the browser, straight at Stripe as Stripe.js does (never through the proxy), then
the form posted with the SetupIntent's id (the portal reads the card back, charges it, and
detaches it once the payment is over). The proxy sits only between the portal and Stripe.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter, defaultdict

import pytest
import stripe
from sqlalchemy import select

from portal.extensions import db
from portal.models import Payment
from tests.helpers import scale
from tests.helpers.cards import SECRET_KEY, VISA_OK, confirm_card
from tests.reliability.fault_proxy import FAULTS, FaultProxy

SUITE = "stripe faults"
CLIENT_TIMEOUT = 0.5  # seconds per try; the stripe client tries three times
OWED = 106025  # make_account's default balance
UNREACHABLE = "We could not reach our card payment service"
DENIAL = "You have not been charged"

CUSTOMER = ("POST", r"/v1/customers")
SETUP = ("POST", r"/v1/setup_intents")  # the card page's SetupIntent
CARD = ("GET", r"/v1/setup_intents/[^/]+")  # which card the browser saved in it
CARD_DETAILS = ("GET", r"/v1/payment_methods/[^/]+")  # that card's brand and last digits
CREATE = ("POST", r"/v1/payment_intents")
CONFIRM = ("POST", r"/v1/payment_intents/[^/]+/confirm")
RETRIEVE = ("GET", r"/v1/payment_intents/[^/]+")
DETACH = ("POST", r"/v1/payment_methods/[^/]+/detach")  # the one-off card let go after paying
ENDPOINTS = {
    "customer": CUSTOMER,
    "setup": SETUP,
    "card": CARD,
    "card details": CARD_DETAILS,
    "create": CREATE,
    "confirm": CONFIRM,
    "detach": DETACH,
}
MONEY_CALLS = ("create", "confirm")


def _cases() -> list[tuple[str, list[list[tuple]]]]:
    """Each case is a name and one list of faults per payment the debtor tries, in order."""
    cases = []
    every_try = 3  # the first try and both of the client's retries
    for times in scale.pick((every_try,), (1, every_try)):
        for name, endpoint in ENDPOINTS.items():
            for fault in FAULTS:
                if fault == "slow" and name not in MONEY_CALLS and not scale.FULL:
                    continue  # slow cases cost seconds each; the money calls are the ones that matter
                label = f"{fault} x{times} on {name}"
                cases.append((label, [[(endpoint, fault, times)]]))
                cases.append((label + ", then pay again", [[(endpoint, fault, times)], []]))
    # The charge went through unheard; paying again must look it up first, and when even that
    # look-up fails, must not charge a second time.
    for fault in FAULTS:
        cases.append(
            (
                f"drop on confirm, then {fault} on the look-up, then pay again",
                [[(CONFIRM, "drop", every_try)], [(RETRIEVE, fault, every_try)], []],
            )
        )
    return cases * scale.pick(1, 3)


@pytest.fixture
def proxy(app, localstripe, monkeypatch):
    # The client's back-off between retries (0.5 s, then 1 s) only slows the suite; keep the retries.
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0.05)
    localstripe.reset()  # intents of earlier tests name attempt ids that repeat in this database
    proxy = FaultProxy(localstripe.url, slow_seconds=CLIENT_TIMEOUT + 0.5)
    app.config["STRIPE_API_BASE"] = proxy.url
    app.config["STRIPE_TIMEOUT_SECONDS"] = CLIENT_TIMEOUT
    app.extensions.pop("portal.gateway", None)
    yield proxy
    proxy.stop()
    app.extensions.pop("portal.gateway", None)


def _stripe_intents(localstripe) -> list[dict]:
    """Every PaymentIntent localstripe holds, read directly rather than through the portal's code."""
    found, after = [], None
    while True:
        url = f"{localstripe.url}/v1/payment_intents?limit=100" + (
            f"&starting_after={after}" if after else ""
        )
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {SECRET_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            page = json.loads(response.read())
        found += page["data"]
        if not page["has_more"] or not page["data"]:
            return found
        after = page["data"][-1]["id"]


def _unrecorded(localstripe) -> int:
    db.session.expire_all()
    recorded = set(db.session.scalars(select(Payment.stripe_payment_intent_id)).all())
    return sum(
        1 for i in _stripe_intents(localstripe) if i["status"] == "succeeded" and i["id"] not in recorded
    )


def _pay(client, localstripe):
    """Open the card page, type the card into its SetupIntent at Stripe, post the form. The page
    itself answers when there is no form to send: a calm 503 when Stripe could not be reached
    (no SetupIntent), a 303 to the account when nothing is owed any more."""
    page = client.get("/pay")
    if page.status_code != 200:
        return page
    return client.post("/pay", data={"setup_intent": confirm_card(localstripe, page.text, VISA_OK)})


def test_payments_under_stripe_faults_then_reconcile(
    app, proxy, localstripe, make_account, sign_in, client, runner
):
    cases = _cases()
    server_errors, calm_pages, denials_after_unanswered_charge = 0, 0, 0
    paid_in_the_end = []
    for number, (label, payments) in enumerate(cases):
        account = make_account(reference=f"F-{number}", email=f"f{number}@example.com")
        if not payments[-1]:
            paid_in_the_end.append(account.id)
        sign_in(account)
        in_doubt = False  # a confirm went unanswered and nothing since has said how it ended
        for faults in payments:
            for (method, path), fault, times in faults:
                proxy.fail(method, path, fault, times)
            response = _pay(client, localstripe)
            proxy.wait_idle()
            proxy.clear()
            if response.status_code >= 500 and response.status_code != 503:
                server_errors += 1
                continue
            assert response.status_code in (303, 503), (label, response.status_code)
            if response.status_code == 303:
                in_doubt = False
            if response.status_code == 503:
                assert UNREACHABLE in response.text, label
                calm_pages += 1
                unanswered_confirm = faults and faults[0][0] == CONFIRM and faults[0][1] != "error"
                in_doubt = in_doubt or bool(unanswered_confirm)
                # Also on a later try whose look-up of that charge failed too: it may be taken.
                if in_doubt and DENIAL in response.text:
                    denials_after_unanswered_charge += 1

    unrecorded_before = _unrecorded(localstripe)
    result = runner.invoke(args=["reconcile", "--grace-minutes", "0"])
    proxy.wait_idle()
    again = runner.invoke(args=["reconcile", "--grace-minutes", "0"])

    intents = _stripe_intents(localstripe)
    taken: dict[int, int] = defaultdict(int)
    succeeded = [i for i in intents if i["status"] == "succeeded"]
    for intent in succeeded:
        taken[int(intent["metadata"]["account_id"])] += intent["amount"]
    over_charges = sum(1 for total in taken.values() if total > OWED)
    db.session.expire_all()
    recorded = Counter(db.session.scalars(select(Payment.stripe_payment_intent_id)).all())
    unrecorded = sum(1 for intent in succeeded if recorded[intent["id"]] != 1)
    succeeded_ids = {intent["id"] for intent in succeeded}
    recorded_not_taken = sum(1 for intent_id in recorded if intent_id not in succeeded_ids)

    scale.figure(SUITE, "cases run", len(cases), "cases")
    scale.figure(SUITE, "payments tried", sum(len(p) for _, p in cases), "payments")
    for fault in FAULTS:
        scale.figure(SUITE, f"requests broken ({fault})", proxy.applied[fault], "requests")
    scale.figure(SUITE, "charges taken", len(succeeded), "charges")
    scale.figure(SUITE, "charges unrecorded before reconcile", unrecorded_before, "charges")
    for line in result.output.splitlines():
        if ": " in line and " fixed, " in line:
            kind, counts = line.split(": ", 1)
            fixed, reported = (int(part.split()[0]) for part in counts.split(", "))
            scale.figure(SUITE, f"reconcile: {kind} fixed", fixed, "differences")
            scale.figure(SUITE, f"reconcile: {kind} reported", reported, "differences")
    scale.figure(SUITE, "calm 'could not reach' pages", calm_pages, "pages")
    scale.figure(SUITE, "over-charges seen", over_charges, "accounts")
    scale.figure(SUITE, "unrecorded charges seen", unrecorded, "charges")
    scale.figure(SUITE, "server errors seen", server_errors, "responses")

    assert result.exit_code == 0, result.output
    assert again.exit_code == 0 and "No differences." in again.output, again.output
    assert server_errors == 0
    assert over_charges == 0, taken
    assert unrecorded == 0
    assert recorded_not_taken == 0
    assert denials_after_unanswered_charge == 0
    assert unrecorded_before > 0  # the faults did lose charges, and reconcile found them
    assert proxy.applied["slow"] and proxy.applied["error"] and proxy.applied["drop"]
    assert all(taken[account_id] == OWED for account_id in paid_in_the_end)  # paid once, in full
