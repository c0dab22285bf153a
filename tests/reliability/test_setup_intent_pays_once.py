"""One SetupIntent, one payment: two tabs sending the same card form at the same moment (real
threads, each with its own database connection) take the money once."""

from __future__ import annotations

import threading

from portal.extensions import db
from portal.payments.gateway import StripeGateway
from tests.helpers import scale
from tests.helpers.cards import VISA_OK, confirm_card
from tests.helpers.records import attempts_for, payments_for

SUITE = "setup_intent_pays_once"


def _two_tabs_at_once(app, cookie: str, setup_id: str, monkeypatch) -> list[int]:
    """Post the part-payment form twice at once with the same session; both requests have read
    the SetupIntent from Stripe before either goes on, so neither can see the other's payment."""
    both_read = threading.Barrier(2, timeout=20)
    real = StripeGateway.retrieve_setup_intent

    def read_then_wait(self, wanted):
        found = real(self, wanted)
        both_read.wait()
        return found

    monkeypatch.setattr(StripeGateway, "retrieve_setup_intent", read_then_wait)
    statuses: list[int] = []

    def tab():
        with app.app_context():  # its own database session and connection
            client = app.test_client()
            client.set_cookie("session", cookie)
            statuses.append(client.post("/pay/part/card", data={"setup_intent": setup_id}).status_code)
            db.session.remove()

    tabs = [threading.Thread(target=tab) for _ in range(2)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(timeout=60)
    monkeypatch.setattr(StripeGateway, "retrieve_setup_intent", real)
    assert not any(thread.is_alive() for thread in tabs), "a tab never answered"
    return statuses


def test_the_same_card_form_sent_from_two_tabs_at_once_pays_once(
    app, make_account, sign_in, client, localstripe, monkeypatch
):
    rounds = scale.pick(2, 20)
    over_charges = server_errors = 0
    for number in range(rounds):
        account = make_account(reference=f"ACC-{number}", email=f"debtor{number}@example.com")
        sign_in(account)
        assert client.post("/pay/part", data={"amount": "50.00"}).status_code == 303
        setup_id = confirm_card(localstripe, client.get("/pay/part/card").text, VISA_OK)

        statuses = _two_tabs_at_once(app, client.get_cookie("session").value, setup_id, monkeypatch)

        server_errors += sum(status >= 500 for status in statuses)
        paid = payments_for(account)
        over_charges += max(0, len(paid) - 1)
        assert sorted(statuses) == [303, 303], statuses
        assert [p.amount for p in paid] == [5000], "the card pays once, the part amount exactly"
        assert len(attempts_for(account)) == 1
    scale.figure(SUITE, "rounds run", rounds, "rounds")
    scale.figure(SUITE, "over-charges seen", over_charges, "payments")
    scale.figure(SUITE, "server errors seen", server_errors, "responses")
