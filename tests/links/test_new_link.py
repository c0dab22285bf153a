"""'Send me a new link' on the expired, paused and locked link pages: only to the contact on file,
through the contact rules, at most one per account in NEW_LINK_MINUTES, and one answer for all."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal import clock, create_app
from portal.extensions import db
from portal.links import service
from portal.models import OptOut
from portal.models.types import utcnow
from tests.helpers.identity import dob_answer
from tests.helpers.pages import title_of
from tests.helpers.records import event_kinds, events
from tests.helpers.settings import app_config

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York
NIGHT = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)  # 22:00 the evening before in New York
ANSWER = "If we have your email or phone number, we have sent you a new link."
WRONG = dob_answer(14, 11, 1937)
RIGHT = dob_answer(27, 3, 1980)


@pytest.fixture
def at(monkeypatch):
    def pin(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    pin(MORNING)
    return pin


def _expired_token(account) -> str:
    link = service.issue(account)
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return service.token_for(link)


def _ask_from_expired_page(client, token):
    page = client.get(f"/l/{token}")
    assert page.status_code == 410
    assert "Send me a new link" in page.text
    assert f'name="token" value="{token}"' in page.text
    return client.post("/new-link", data={"token": token}, follow_redirects=True)


def _without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", html)


def _link_in(mail) -> str:
    return re.search(r"http://\S+/l/\S+", mail.get_body(("plain",)).get_content()).group(0)


def test_an_expired_links_page_sends_a_new_link_to_the_address_on_file_and_it_opens(
    make_account, client, mailbox, at, app
):
    account = make_account(email="jane@example.com")
    answer = _ask_from_expired_page(client, _expired_token(account))

    assert answer.status_code == 200 and ANSWER in answer.text
    assert app.config["COLLECTOR_PHONE"] in answer.text
    (mail,) = mailbox.arrived()
    assert mail["To"] == "jane@example.com"
    url = _link_in(mail)
    opened = client.get("/l/" + url.split("/l/", 1)[1])
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/start")
    assert client.post("/verify", data=RIGHT).status_code == 303
    assert client.get("/account").status_code == 200
    assert [e.data["outcome"] for e in events(account, "new_link_requested")] == ["sent"]


def test_a_garbage_or_revoked_token_sends_nothing_but_gets_the_same_answer(make_account, client, mailbox, at):
    account = make_account()
    revoked = service.issue(account)
    service.revoke(revoked)
    db.session.commit()
    for token in ["nonsense", "A" * 32 + "." + "B" * 16, service.token_for(revoked)]:
        answer = client.post("/new-link", data={"token": token}, follow_redirects=True)
        assert answer.status_code == 200 and ANSWER in answer.text
    assert client.post("/new-link", follow_redirects=True).status_code == 200  # no token, no session
    assert mailbox.arrived() == []
    assert "new_link_requested" not in event_kinds(account)


def test_a_second_request_within_the_window_sends_nothing_more(make_account, client, mailbox, at):
    account = make_account()
    token = _expired_token(account)
    first = _ask_from_expired_page(client, token)
    second = client.post("/new-link", data={"token": token}, follow_redirects=True)

    assert _without_nonce(first.text) == _without_nonce(second.text)
    assert len(mailbox.arrived()) == 1
    outcomes = [e.data["outcome"] for e in events(account, "new_link_requested")]
    assert outcomes == ["sent", "too_soon"]


def test_the_route_is_rate_limited_per_address(database_url, localstripe, mail_server, at):
    limited = create_app(
        {
            **app_config(database_url, localstripe, mail_server),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    client = limited.test_client()
    statuses = [client.post("/new-link", data={"token": "x"}).status_code for _ in range(6)]
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()
    assert statuses[:5] == [303] * 5 and statuses[5] == 429


def test_an_opted_out_person_gets_nothing_and_the_same_answer(make_account, client, mailbox, at):
    account = make_account()
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    db.session.commit()
    answer = _ask_from_expired_page(client, _expired_token(account))
    assert ANSWER in answer.text
    assert mailbox.arrived() == []
    (event,) = events(account, "new_link_requested")
    assert event.data["outcome"] != "sent"


def test_outside_contact_hours_the_link_waits_for_the_morning(make_account, client, mailbox, at):
    at(NIGHT)
    account = make_account()
    answer = _ask_from_expired_page(client, _expired_token(account))
    assert ANSWER in answer.text
    assert mailbox.arrived() == []  # 22:00 in New York: nothing goes now
    (event,) = events(account, "new_link_requested")
    assert event.data["outcome"] == "sent"  # queued, to go at 08:00


def test_the_paused_link_page_offers_it_and_it_uses_the_sessions_link(
    make_account, client, mailbox, at, issue_link
):
    account = make_account()
    client.get(issue_link(account))
    statuses = [client.post("/verify", data=WRONG).status_code for _ in range(5)]
    assert statuses[-1] == 429
    paused = client.get("/verify")
    assert "Send me a new link" in paused.text and 'name="token"' not in paused.text
    answer = client.post("/new-link", follow_redirects=True)
    assert ANSWER in answer.text
    assert len(mailbox.arrived()) == 1


def test_the_locked_account_page_offers_it_and_the_new_link_opens_the_account(
    make_account, client, mailbox, at, issue_link
):
    account = make_account()
    for _ in range(2):
        client.get(issue_link(account))
        for _ in range(5):
            client.post("/verify", data=WRONG)
    locked = client.get("/verify")
    assert title_of(locked.text).startswith("Contact us to get a new link")
    assert "Send me a new link" in locked.text
    client.post("/new-link")
    (mail,) = mailbox.arrived()
    path = "/l/" + _link_in(mail).split("/l/", 1)[1]
    client.get(path)
    assert client.post("/verify", data=RIGHT).status_code == 303


def test_session_ended_answers_200_with_no_session(client):
    response = client.get("/session-ended")
    assert response.status_code == 200
    assert title_of(response.text).startswith("Please open your link again")
