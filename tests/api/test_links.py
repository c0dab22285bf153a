"""Links through the API: issue one for the collection system to deliver, or issue and send one
through the outbox within the person's contact rules, as `send-link` does. The request only
queues the message; the task runner sends it after the commit. A refusal is a 409 whose code
says why and whose message says it in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from portal import clock
from portal.extensions import db
from portal.models import MagicLink, Message, MessageStatus, OptOut
from tests.api.seeding import bearer
from tests.helpers.mail import body
from tests.helpers.records import count, events

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York, the creditor's zone
NIGHT = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)  # 22:00 the evening before in New York


@pytest.fixture
def at(monkeypatch):
    """Pin the portal's clock (contact hours are 08:00-21:00 on the person's clock)."""

    def pin(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return pin


@pytest.fixture
def account(make_account):
    return make_account()


@pytest.fixture
def headers(account):
    from portal.api import keys

    key, token = keys.create(account.creditor, "collection system")
    db.session.commit()
    return bearer(token)


def _days(link: MagicLink) -> int:
    return round((link.expires_at - link.created_at).total_seconds() / 86400)


def _send(client, account, headers, **body_):
    return client.post(f"/api/v1/accounts/{account.id}/links/send", json=body_, headers=headers)


def test_an_issued_link_opens_the_account_and_the_timeline_names_the_key(client, account, headers):
    response = client.post(f"/api/v1/accounts/{account.id}/links", json={"days": 3}, headers=headers)

    assert response.status_code == 201
    link = db.session.get(MagicLink, response.json["id"])
    assert link.account_id == account.id
    (issued,) = events(account, "link_issued")
    assert issued.actor.startswith("api:") and len(issued.actor) == len("api:") + 12
    assert _days(link) == 3
    assert client.get(response.json["url"].removeprefix("http://portal.test")).status_code in (302, 303)


def test_a_link_sent_by_email_is_queued_by_the_request_and_arrives_through_the_task_runner(
    client, account, headers, mailbox, at
):
    at(MORNING)

    response = _send(client, account, headers, channel="email")

    assert response.status_code == 202
    answer = response.json
    assert answer["channel"] == "email" and answer["status"] == "queued" and answer["scheduled_for"] is None
    assert response.headers["Location"] == f"/api/v1/messages/{answer['id']}"
    (mail,) = mailbox.wait_for(1)
    (url,) = re.findall(r"http://portal\.test/l/\S+", body(mail, "plain"))
    # What became of it, as the collection system reads it afterwards.
    later = client.get(response.headers["Location"], headers=headers).json
    assert later["status"] == "sent" and later["link_id"] is not None and later["sent_at"] is not None
    (sent,) = events(account, "link_sent")
    # The key that asked is named as who sent it.
    assert (
        sent.data["message_id"] == answer["id"] and sent.actor == events(account, "message_queued")[0].actor
    )
    assert sent.actor.startswith("api:")
    assert client.get(url.removeprefix("http://portal.test")).status_code in (302, 303)


def test_the_request_only_queues_it_and_hands_it_to_the_task_runner_after_the_commit(
    client, account, headers, mailbox, at, monkeypatch
):
    import portal.tasks

    at(MORNING)
    handed = []
    # A task runner that takes the task and runs it later, as a real consumer does.
    monkeypatch.setattr(portal.tasks, "send_message_task", lambda *task: handed.append(task))

    response = _send(client, account, headers, channel="email")

    assert response.status_code == 202
    message = db.session.get(Message, response.json["id"])
    assert message.status is MessageStatus.QUEUED and mailbox.arrived() == []
    assert count(MagicLink) == 0  # the link is written when the message goes, not before
    assert handed == [(message.id, MORNING.isoformat())]
    monkeypatch.undo()
    portal.tasks.send_message_task(*handed[0])  # the consumer runs it
    assert len(mailbox.wait_for(1)) == 1
    db.session.expire_all()
    assert db.session.get(Message, message.id).status is MessageStatus.SENT


def test_at_night_it_is_scheduled_for_eight_on_the_persons_clock(client, account, headers, mailbox, at):
    at(NIGHT)

    response = _send(client, account, headers, channel="email")

    assert response.status_code == 202
    assert response.json["status"] == "queued"
    assert response.json["scheduled_for"] == "2027-01-15T13:00:00+00:00"  # 08:00 in New York
    assert mailbox.arrived() == [] and count(MagicLink) == 0
    assert client.get(response.headers["Location"], headers=headers).json["scheduled_for"] == (
        "2027-01-15T13:00:00+00:00"
    )


def test_preferred_falls_back_to_email_when_texts_are_stopped(client, account, headers, mailbox, at):
    at(MORNING)
    account.debtor.preferred_channel = "sms"
    account.debtor.phone = "+1 217 555 0100"
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="sms"))
    db.session.commit()

    response = _send(client, account, headers)  # channel defaults to preferred

    assert response.status_code == 202 and response.json["channel"] == "email"
    assert len(mailbox.wait_for(1)) == 1


def test_a_text_message_goes_through_the_provider(client, account, headers, texts, at):
    at(MORNING)
    account.debtor.phone = "(217) 555-0142"
    db.session.commit()

    response = _send(client, account, headers, channel="sms", days=5)

    assert response.status_code == 202 and response.json["channel"] == "sms"
    (sent,) = texts.sent
    assert sent.to == "+12175550142" and "http://portal.test/l/" in sent.body
    (link,) = db.session.scalars(db.select(MagicLink)).all()
    assert _days(link) == 5


@pytest.mark.parametrize(
    ("prepare", "channel", "code", "words"),
    [
        (
            lambda a: db.session.add(OptOut(debtor_id=a.debtor_id, channel="email")),
            "email",
            "opted_out",
            "Not sent by email: the person asked us to stop sending them emails.",
        ),
        (lambda a: setattr(a.debtor, "email", None), "email", "no_address", "no email address on record"),
        (lambda a: setattr(a.debtor, "phone", None), "sms", "no_address", "no phone number on record"),
        (
            lambda a: setattr(a, "on_hold", True),
            "preferred",
            "account_on_hold",
            "the account is on hold while a dispute is reviewed",
        ),
    ],
    ids=["opted-out", "no-email", "no-phone", "on-hold"],
)
def test_a_link_the_rules_forbid_is_a_conflict_and_nothing_is_made(
    client, account, headers, mailbox, texts, at, prepare, channel, code, words
):
    at(MORNING)
    prepare(account)
    db.session.commit()

    response = _send(client, account, headers, channel=channel)

    assert response.status_code == 409
    assert response.json["error"]["code"] == code
    assert words in response.json["error"]["message"]
    assert count(Message) == 0 and count(MagicLink) == 0 and mailbox.arrived() == []


def test_over_the_contact_limit_it_says_when_the_next_may_go(client, account, headers, mailbox, at):
    for minute in (0, 20, 40):  # 09:00, 09:20 and 09:40 in New York
        at(MORNING.replace(minute=minute))
        assert _send(client, account, headers, channel="email").status_code == 202
    assert len(mailbox.wait_for(3)) == 3

    response = _send(client, account, headers, channel="email")

    assert response.status_code == 409 and response.json["error"]["code"] == "contact_limit"
    assert (
        "over the contact limit of 3 messages in 7 days; the next may go at 09:00 on 2027-01-22"
        in (response.json["error"]["message"])
    )
    assert count(Message) == 3


def test_texts_where_no_provider_is_set_up_are_refused_with_their_own_code(app, client, account, headers, at):
    at(MORNING)
    # In production without Twilio settings no text can go (elsewhere they are printed instead).
    app.config["PORTAL_ENV"] = "production"
    account.debtor.phone = "+12175550142"
    db.session.commit()

    response = _send(client, account, headers, channel="sms")

    assert response.status_code == 409 and response.json["error"]["code"] == "sms_unavailable"
    assert count(Message) == 0


def test_during_a_pause_it_is_scheduled_for_the_day_after(client, account, headers, mailbox, at):
    at(MORNING)
    account.reminders_paused_until = date(2027, 1, 20)
    db.session.commit()

    response = _send(client, account, headers, channel="email")

    assert response.status_code == 202
    assert response.json["scheduled_for"] == "2027-01-21T13:00:00+00:00"
    assert mailbox.arrived() == []


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"days": 0}, "days"),
        ({"days": 366}, "days"),
        ({"days": "x"}, "days"),
    ],
)
def test_a_bad_value_is_a_validation_error_naming_the_field(client, account, headers, sent, field):
    response = _send(client, account, headers, **sent)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid" and response.json["error"]["field"] == field
    assert count(Message) == 0


def test_a_message_of_another_kind_is_read_without_its_text(client, account, headers):
    from portal.notify import outbox

    message = outbox.queue(account, "receipt", key="r1", subject="Secret subject", body="Secret body")
    db.session.commit()

    answer = client.get(f"/api/v1/messages/{message.id}", headers=headers)

    assert answer.status_code == 200 and answer.json["kind"] == "receipt"
    assert "Secret" not in answer.get_data(as_text=True)
