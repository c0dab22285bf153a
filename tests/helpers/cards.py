"""A card typed into a card page, as Stripe.js does it: the page's SetupIntent confirmed at
localstripe with the card, giving the id the form then posts (also when the card is refused)."""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request

PUBLISHABLE_KEY = "pk_test_portal"
SECRET_KEY = "sk_test_portal"  # noqa: S105 - localstripe's test key, not a secret

VISA_OK = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # attaches to a customer, then fails when charged
DECLINED_ON_SAVE = "4000000000000002"
NEEDS_3DS = "4000002500003155"


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def page_setup(page: str) -> tuple[str, str]:
    """The card form's SetupIntent id and client secret, as the page gives them to the script."""
    secret = re.search(r'data-client-secret="([^"]+)"', page)
    setup_id = re.search(r'data-setup-intent="([^"]+)"', page)
    assert secret and setup_id, "the card page has no SetupIntent"
    return html.unescape(setup_id.group(1)), html.unescape(secret.group(1))


def confirm_card(localstripe, page: str, number: str, *, bank_check: bool = True) -> str:
    """Confirm the page's SetupIntent with *number*; a card whose bank asks to check it is passed
    (or failed, with *bank_check* False) as the debtor would in Stripe.js's dialog."""
    setup_id, secret = page_setup(page)
    url = f"{localstripe.url}/v1/setup_intents/{setup_id}"
    card = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
    try:
        result = _post(
            f"{url}/confirm",
            {
                "key": PUBLISHABLE_KEY,
                "client_secret": secret,
                "payment_method_data": {"type": "card", "card": card},
            },
        )
    except urllib.error.HTTPError as refused:
        assert refused.code == 402, refused.read()
        return setup_id  # the script posts the id anyway, for the server to say why
    if result["status"] == "requires_action":
        _post(
            f"{url}/{'confirm' if bank_check else 'cancel'}",
            {"key": PUBLISHABLE_KEY, "client_secret": secret},
        )
    return setup_id


def type_card(client, localstripe, path: str, number: str, **options) -> str:
    """Open the card page at *path* and type *number* into its SetupIntent; returns its id."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return confirm_card(localstripe, page.text, number, **options)
