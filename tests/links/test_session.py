"""A verified session: a new cookie, bound to one account, ended when its link is revoked."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.links import service, sessions
from portal.models import DebtorSession, Payment
from portal.models.types import utcnow
from tests.helpers.identity import dob_answer
from tests.links.conftest import link_for, move_into_past


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


# --- The session held on the server --------------------------------------------------------------


def _record(client) -> DebtorSession:
    """The server's record of the client's current session."""
    db.session.expire_all()
    with client.session_transaction() as cookie_session:
        token = cookie_session["sid"]
    return db.session.scalar(
        select(DebtorSession).where(DebtorSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
    )


def _replay(app, cookie: str):
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    return copy.get("/account")


def test_a_copied_cookie_opens_nothing_after_sign_out(sign_in, make_account, client, app):
    sign_in(make_account())
    copied = _session_cookie(client)
    assert _replay(app, copied).status_code == 200  # the copy works while the session lives
    record = _record(client)

    client.post("/sign-out")

    response = _replay(app, copied)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/session-ended")
    db.session.refresh(record)
    assert record.ended_at is not None and record.end_reason == "signed_out"


def test_an_idle_session_ends_on_the_server_and_a_copy_opens_nothing(sign_in, make_account, client, app):
    sign_in(make_account())
    copied = _session_cookie(client)
    record = _record(client)
    idle = app.config["SESSION_MINUTES"] * 60 + sessions.TOUCH_SECONDS + 1
    record.last_seen_at = utcnow() - timedelta(seconds=idle)
    db.session.commit()

    assert _replay(app, copied).headers["Location"].endswith("/session-ended")
    db.session.refresh(record)
    assert record.end_reason == "idle"
    # Even after the clock is put back, the ended record stays ended.
    record.last_seen_at = utcnow()
    db.session.commit()
    assert client.get("/account").headers["Location"].endswith("/session-ended")


def test_a_session_just_inside_the_idle_time_still_works(sign_in, make_account, client, app):
    sign_in(make_account())
    record = _record(client)
    record.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_MINUTES"]) + timedelta(seconds=30)
    db.session.commit()
    assert client.get("/account").status_code == 200


def test_a_new_identity_check_ends_the_earlier_session(sign_in, make_account, client, app):
    account = make_account()
    sign_in(account)
    copied = _session_cookie(client)
    first = _record(client)

    sign_in(account)  # the same browser opens a new link and answers again

    assert client.get("/account").status_code == 200
    assert _replay(app, copied).headers["Location"].endswith("/session-ended")
    db.session.refresh(first)
    assert first.end_reason == "replaced"


def test_opening_a_link_again_ends_the_signed_in_session(sign_in, make_account, client, app, issue_link):
    account = make_account()
    sign_in(account)
    copied = _session_cookie(client)

    client.get(issue_link(account))

    assert _replay(app, copied).headers["Location"].endswith("/session-ended")


def test_the_cookie_holds_an_id_the_database_keeps_only_hashed(sign_in, make_account, client):
    sign_in(make_account())
    with client.session_transaction() as cookie_session:
        token = cookie_session["sid"]
    assert len(token) >= 43  # 32 random bytes
    stored = db.session.scalars(select(DebtorSession.token_hash)).all()
    assert token not in stored
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_last_seen_is_written_at_most_once_a_minute(sign_in, make_account, client):
    sign_in(make_account())
    record = _record(client)
    earlier = utcnow() - timedelta(seconds=sessions.TOUCH_SECONDS - 10)
    record.last_seen_at = earlier
    db.session.commit()

    client.get("/account")
    db.session.refresh(record)
    assert record.last_seen_at == earlier

    record.last_seen_at = utcnow() - timedelta(seconds=sessions.TOUCH_SECONDS + 5)
    db.session.commit()
    client.get("/account")
    db.session.refresh(record)
    assert record.last_seen_at > utcnow() - timedelta(seconds=5)


def test_stay_signed_in_restarts_the_servers_clock_at_once(sign_in, make_account, client):
    sign_in(make_account())
    record = _record(client)
    record.last_seen_at = utcnow() - timedelta(seconds=20)
    db.session.commit()

    response = client.post("/session/keep-alive")

    assert response.status_code == 200
    db.session.refresh(record)
    assert record.last_seen_at > utcnow() - timedelta(seconds=5)


def test_stay_signed_in_after_sign_out_elsewhere_says_signed_out(sign_in, make_account, client, app):
    sign_in(make_account())
    copy = app.test_client()
    copy.set_cookie("session", _session_cookie(client))
    client.post("/sign-out")
    assert copy.post("/session/keep-alive").status_code == 401


def test_revoking_the_link_ends_the_session_on_the_server(sign_in, make_account, client):
    account = make_account()
    sign_in(account)
    record = _record(client)
    service.revoke(link_for(account))
    db.session.commit()

    client.get("/account")

    db.session.refresh(record)
    assert record.end_reason == "link_ended"


def test_records_of_sessions_idle_for_a_month_are_forgotten_nightly(sign_in, make_account, client):
    from portal.tasks import forget_old_sessions_task

    sign_in(make_account())
    old = _record(client)
    old.last_seen_at = utcnow() - timedelta(days=sessions.KEEP_DAYS, minutes=1)
    db.session.commit()
    sign_in(make_account(reference="ACC-2"))
    recent = _record(client)

    assert forget_old_sessions_task.call_local() == 1
    db.session.expire_all()
    assert db.session.scalars(select(DebtorSession.id)).all() == [recent.id]
