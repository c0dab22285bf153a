"""No page ever shows a negative amount, even for an account an earlier import left owing less
than was paid (the migration flags those for a person)."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.models import Payment

PAGES = ("/account", "/about-this-debt", "/options")


def test_an_account_paid_beyond_what_it_owes_shows_no_negative_amount_and_offers_no_payment(
    make_account, sign_in
):
    """It used to say "You owe -$10.00" and offer to "Pay -$10.00 now"."""
    account = make_account(principal=4000, interest=0, fees=0)
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_1", amount=5000, currency="USD")
    )
    db.session.commit()
    client = sign_in(account)

    assert account.balance.minor == 0 and account.overpaid.minor == 1000
    for path in PAGES:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        # "− $50.00" in the validation page's table is a subtraction line, not a negative amount.
        assert not re.search(r"-\s*\$|\$\s*-", page), path
    overview = client.get("/account").get_data(as_text=True)
    assert "You owe $0.00." in overview
    assert "Pay in full" not in overview and "Pay $" not in overview
