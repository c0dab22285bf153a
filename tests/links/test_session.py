"""A verified session: a new cookie, bound to one account, ended when its link is revoked."""

from __future__ import annotations

from portal.extensions import db
from portal.links import service
from portal.models import Payment
from tests.links.conftest import dob_answer, link_for, move_into_past


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_signing_in_changes_the_session_cookie(opened, make_account, client, app):
    account = make_account()
    opened(account)
    before = _session_cookie(client)

    client.post("/verify", data=dob_answer(27, 3, 1980))

    after = _session_cookie(client)
    assert after != before
    # The cookie from before the check is no way into the account.
    replay = app.test_client()
    replay.set_cookie("session", before)
    response = replay.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/verify")


def test_a_verified_session_sees_its_own_account(sign_in, make_account, client):
    account = make_account(reference="ACC-A")
    sign_in(account)
    response = client.get("/account")
    assert response.status_code == 200
    assert "ACC-A" in response.text
    assert "$1,060.25" in response.text


def test_before_the_check_the_account_is_not_shown(opened, make_account, client):
    opened(make_account())
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/verify")


def test_without_any_session_the_account_is_not_shown(client, app):
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/session-ended")


def _payment(account, intent_id: str, amount: int = 1000) -> Payment:
    payment = Payment(
        account_id=account.id,
        stripe_payment_intent_id=intent_id,
        amount=amount,
        currency=account.currency,
        card_brand="visa",
        card_last4="4242",
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def test_a_session_for_one_account_cannot_see_another_accounts_receipt(sign_in, make_account, client):
    mine = make_account(reference="ACC-A")
    theirs = make_account(
        reference="ACC-B",
        full_name="John Roe",
        email="john@example.com",
        creditor_slug="globex",
        creditor_name="Globex",
    )
    my_payment = _payment(mine, "pi_mine")
    their_payment = _payment(theirs, "pi_theirs")
    sign_in(mine)

    assert client.get(f"/receipt/{my_payment.id}").status_code == 200
    response = client.get(f"/receipt/{their_payment.id}")

    assert response.status_code == 404
    assert "ACC-B" not in response.text
    assert "John Roe" not in response.text


def test_a_receipt_that_does_not_exist_is_404(sign_in, make_account, client):
    sign_in(make_account())
    assert client.get("/receipt/999999").status_code == 404


def test_revoking_the_link_after_sign_in_ends_the_session(sign_in, make_account, client):
    account = make_account()
    sign_in(account)
    assert client.get("/account").status_code == 200

    service.revoke(link_for(account))
    db.session.commit()

    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/session-ended")
    assert client.get("/pay").headers["Location"].endswith("/session-ended")


def test_an_expired_link_ends_the_session(sign_in, make_account, client):
    account = make_account()
    sign_in(account)
    move_into_past(link_for(account), "expires_at")
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/session-ended")


def test_signing_out_ends_the_session(sign_in, make_account, client):
    sign_in(make_account())
    response = client.post("/sign-out")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/signed-out")
    assert client.get("/account").status_code == 303
