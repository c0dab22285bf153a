"""The fake gateway answers as the real one does on localstripe: each scenario runs on both and
what they answered, ids aside, must be the same. A fake that drifts fails here first."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict

import pytest

from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, Intent, Setup, StripeGateway
from tests.fakes.gateway import DECLINED_ON_CHARGE, DECLINED_ON_SAVE, NEEDS_3DS, VISA_OK, FakeGateway
from tests.helpers.settings import WEBHOOK_SECRET
from tests.helpers.webhooks import stripe_signature

SECRET_KEY = "sk_test_portal"  # noqa: S105 - localstripe's test key, not a secret
PUBLISHABLE_KEY = "pk_test_portal"
CARD = {"exp_month": "12", "exp_year": "2034", "cvc": "123"}


class LocalStripeBrowser:
    """What the debtor's browser and a test do at localstripe, beside the gateway's own calls."""

    def __init__(self, url: str):
        self.url = url

    def _post(self, path: str, body: dict, *, secret: bool = False) -> dict:
        if secret:
            data = urllib.parse.urlencode(body).encode()
            headers = {"Authorization": f"Bearer {SECRET_KEY}"}
        else:
            data = json.dumps({"key": PUBLISHABLE_KEY, **body}).encode()
            headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return json.loads(response.read())

    def new_card(self, number: str, customer_id: str | None = None) -> str:
        fields = {"type": "card", "card[number]": number} | {f"card[{k}]": v for k, v in CARD.items()}
        card_id = self._post("/v1/payment_methods", fields, secret=True)["id"]
        if customer_id:
            try:
                self._post(f"/v1/payment_methods/{card_id}/attach", {"customer": customer_id}, secret=True)
            except urllib.error.HTTPError as refused:
                assert refused.code == 402
                raise CardDeclined("card_declined") from refused
        return card_id

    def type_card(self, setup: Setup, number: str, *, bank_check: bool = True) -> str:
        path = f"/v1/setup_intents/{setup.id}"
        card = {"type": "card", "card": {"number": number, **CARD}}
        try:
            result = self._post(
                f"{path}/confirm", {"client_secret": setup.client_secret, "payment_method_data": card}
            )
        except urllib.error.HTTPError as refused:
            assert refused.code == 402
            return setup.id
        if result["status"] == "requires_action":
            then = "confirm" if bank_check else "cancel"
            self._post(f"{path}/{then}", {"client_secret": setup.client_secret})
        return setup.id

    def authenticate(self, intent: Intent, success: bool) -> None:
        flag = str(success).lower()
        try:
            self._post(
                f"/v1/payment_intents/{intent.id}/_authenticate?success={flag}",
                {"client_secret": intent.client_secret},
            )
        except urllib.error.HTTPError as refused:
            assert refused.code == 402
            raise CardDeclined("card_declined") from refused


class FakeBrowser:
    """The same moves, made on the fake."""

    def __init__(self, fake: FakeGateway):
        self.fake = fake

    def new_card(self, number: str, customer_id: str | None = None) -> str:
        return self.fake.new_card(number, customer_id)

    def type_card(self, setup: Setup, number: str, *, bank_check: bool = True) -> str:
        return self.fake.type_card(setup.id, number, bank_check=bank_check)

    def authenticate(self, intent: Intent, success: bool) -> None:
        self.fake.authenticate(intent.id, success)


def _shape(value):
    """An answer with its ids reduced to their kind (pi_, seti_...), so two servers compare."""
    if isinstance(value, Intent | Setup):
        data = asdict(value)
        answer = {k: _shape(v) for k, v in data.items() if k not in ("created", "client_secret")}
        answer["secret_names_it"] = bool(value.client_secret and value.client_secret.startswith(value.id))
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name), property):
                answer[name] = getattr(value, name)
        if isinstance(value, Intent):
            answer["created_recently"] = value.created is not None and abs(value.created - time.time()) < 600
        return answer
    if isinstance(value, Card):
        return {k: _shape(v) for k, v in asdict(value).items()}
    if isinstance(value, str) and "_" in value and value.split("_")[0] in ("pi", "seti", "pm", "cus", "re"):
        return value.split("_")[0] + "_"
    if isinstance(value, dict | list | tuple | bool | int) or value is None:
        return value
    return str(value)


def _try(call, *args, **kwargs):
    try:
        return ("ok", _shape(call(*args, **kwargs)))
    except CardDeclined as declined:
        return ("declined", declined.code, _shape(declined.intent_id), declined.needs_authentication)
    except GatewayUnavailable as error:
        return ("unavailable", type(error).__name__)


def _customer(gateway, n=1) -> str:
    return gateway.ensure_customer(None, key=f"customer-{n}", name="Jane Doe", email="jane@example.com")


def _saved_card(gateway, browser, number: str, customer: str) -> str:
    setup = gateway.create_setup_intent(customer, key="setup")
    browser.type_card(setup, number)
    return gateway.retrieve_setup_intent(setup.id).payment_method


META = {"attempt_id": "7", "account_id": "3"}


def scenario_customers(gateway, browser):
    made = _customer(gateway)
    return [_shape(made), gateway.ensure_customer("cus_kept", key="k", name="x", email=None)]


def scenario_cards_saved(gateway, browser):
    customer = _customer(gateway)
    seen = []
    typed = [(VISA_OK, True), (DECLINED_ON_SAVE, True), (NEEDS_3DS, True), (NEEDS_3DS, False)]
    for number, bank_check in typed:
        setup = gateway.create_setup_intent(customer, key=f"setup-{number}-{bank_check}", usage="on_session")
        seen.append(_shape(setup))
        browser.type_card(setup, number, bank_check=bank_check)
        after = gateway.retrieve_setup_intent(setup.id)
        seen.append(_shape(after))
        if after.payment_method:
            seen.append(_shape(gateway.card_details(after.payment_method)))
    seen.append(_try(gateway.create_setup_intent, "cus_nobody", key="x"))
    seen.append(_try(gateway.retrieve_setup_intent, "seti_nobody"))
    return seen


def scenario_saved_card_charged(gateway, browser, number):
    customer = _customer(gateway)
    card = _saved_card(gateway, browser, number, customer)
    charge = dict(amount=5000, currency="USD", customer_id=customer, payment_method_id=card, metadata=META)
    return [
        _try(gateway.charge_saved_card, key="a", off_session=True, **charge),
        _try(gateway.charge_saved_card, key="b", off_session=False, **charge),
        [_shape(i) for i in gateway.list_intents()],
    ]


def scenario_pay_once(gateway, browser, number, authenticate=None):
    customer = _customer(gateway)
    card = browser.new_card(number, customer)
    made = gateway.create_intent(
        amount=12345, currency="usd", customer_id=customer, card_id=card, key="pay", metadata=META
    )
    seen = [_shape(made), _try(gateway.confirm_intent, made.id), _shape(gateway.retrieve_intent(made.id))]
    if authenticate is not None and gateway.retrieve_intent(made.id).needs_authentication:
        seen.append(_try(browser.authenticate, made, authenticate))
        seen.append(_shape(gateway.retrieve_intent(made.id)))
    seen.append(_try(gateway.confirm_intent, made.id))  # a second confirm
    return seen


def scenario_cancel_and_refund(gateway, browser):
    customer = _customer(gateway)
    card = browser.new_card(VISA_OK, customer)

    def intent(key):
        return gateway.create_intent(
            amount=4000, currency="USD", customer_id=customer, card_id=card, key=key, metadata={}
        )

    waiting, paid = intent("w"), intent("p")
    gateway.confirm_intent(paid.id)
    return [
        _try(gateway.cancel_intent, waiting.id),
        _try(gateway.cancel_intent, waiting.id),
        _try(gateway.cancel_intent, paid.id),
        _try(gateway.refund, paid.id, 1500, key="r1"),
        _try(gateway.refund, paid.id, 0, key="r0"),
        _try(gateway.retrieve_intent, "pi_nobody"),
        _try(
            gateway.create_intent,
            amount=100,
            currency="USD",
            customer_id="cus_nobody",
            card_id=card,
            key="x",
            metadata={},
        ),
    ]


def scenario_listing_and_cards(gateway, browser):
    customer = _customer(gateway)
    attached = browser.new_card(VISA_OK, customer)
    loose = browser.new_card(VISA_OK)
    for n in range(3):
        gateway.create_intent(
            amount=100 + n, currency="USD", customer_id=customer, card_id=attached, key=f"l{n}", metadata={}
        )
    now = int(time.time())
    return [
        sorted(i.amount for i in gateway.list_intents(since=now - 60, page_size=2)),
        [i.amount for i in gateway.list_intents(since=now + 3600)],
        _try(browser.new_card, DECLINED_ON_SAVE, customer),
        gateway.detach_card(attached),
        gateway.detach_card(attached),
        gateway.detach_card(loose),
        _try(gateway.card_details, "pm_nobody"),
    ]


def scenario_webhooks(gateway, browser):
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded"}).encode()
    return [
        _try_webhook(gateway, body, stripe_signature(body)),
        _try_webhook(gateway, body, stripe_signature(body, secret="whsec_other")),
        _try_webhook(gateway, body, None),
        _try_webhook(gateway, b"[1]", stripe_signature(b"[1]")),
    ]


def _try_webhook(gateway, body, signature):
    from portal.payments.gateway import InvalidWebhook

    try:
        return gateway.parse_webhook(body, signature)
    except InvalidWebhook as error:
        return ("invalid", str(error))


SCENARIOS = {
    "customers": scenario_customers,
    "cards saved": scenario_cards_saved,
    "saved visa charged": lambda g, b: scenario_saved_card_charged(g, b, VISA_OK),
    "saved card declined when charged": lambda g, b: scenario_saved_card_charged(g, b, DECLINED_ON_CHARGE),
    "saved card needing the bank": lambda g, b: scenario_saved_card_charged(g, b, NEEDS_3DS),
    "pay once": lambda g, b: scenario_pay_once(g, b, VISA_OK),
    "pay once declined": lambda g, b: scenario_pay_once(g, b, DECLINED_ON_CHARGE),
    "pay once, bank passes": lambda g, b: scenario_pay_once(g, b, NEEDS_3DS, authenticate=True),
    "pay once, bank fails": lambda g, b: scenario_pay_once(g, b, NEEDS_3DS, authenticate=False),
    "cancel and refund": scenario_cancel_and_refund,
    "listing and cards": scenario_listing_and_cards,
    "webhooks": scenario_webhooks,
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_fake_answers_as_localstripe_does(localstripe, name):
    localstripe.reset()
    real = StripeGateway(SECRET_KEY, localstripe.url, WEBHOOK_SECRET)
    fake = FakeGateway(webhook_secret=WEBHOOK_SECRET)
    wanted = SCENARIOS[name](real, LocalStripeBrowser(localstripe.url))
    got = SCENARIOS[name](fake, FakeBrowser(fake))
    assert got == wanted


def test_the_fake_can_be_down():
    fake = FakeGateway()
    fake.down = GatewayUnavailable("connection refused")
    with pytest.raises(GatewayUnavailable):
        fake.ensure_customer(None, key="k", name="Jane", email=None)
