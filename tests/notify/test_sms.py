"""Text messages through the official twilio client, talking to a local Twilio stand-in
(tests/helpers/sms_standin.py): what goes, what a refusal or a silent provider makes of a message,
and what Twilio's signed callbacks (delivery status, STOP and START replies) change.

The task runner is Huey in immediate mode (tests/conftest.py): a message is sent when the
transaction that queued it commits, as a consumer would send it a moment later."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import Message, MessageStatus, OptOut
from portal.notify import outbox, rules, sender, sms
from tests.helpers.records import events
from tests.helpers.servers import free_port
from tests.helpers.sms_standin import FROM_NUMBER, signature

MORNING = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # 09:00 in Chicago
PHONE = "+1 (217) 555-0142"
E164 = "+12175550142"


@pytest.fixture
def account(make_account):
    account = make_account()
    account.debtor.phone = PHONE
    db.session.commit()
    return account


def _text(
    account,
    key="t1",
    body="Example Recovery Services has a message: http://portal.test/l/x Reply STOP to stop.",
):
    message = outbox.queue(account, "test_text", key=key, channel=rules.SMS, not_before=MORNING)
    message.body = body
    db.session.commit()
    return message.id


def _status(message_id) -> MessageStatus:
    return _reload(message_id).status


def _reload(message_id) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message_id)


def test_a_text_goes_through_the_twilio_client_with_its_status_callback(account, texts):
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.SENT

    (sent,) = texts.sent
    message = _reload(message_id)
    assert sent.to == E164 and sent.from_ == FROM_NUMBER
    assert sent.body == message.body
    assert sent.status_callback == "http://portal.test/sms/status"
    assert message.provider_id == sent.sid and message.to_address == E164
    assert events(account, "test_text_sent")[0].data["channel"] == "sms"


def test_a_messaging_service_is_used_when_it_is_configured(account, texts, app):
    app.config.update(TWILIO_FROM="", TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32)

    _status(_text(account))

    (sent,) = texts.sent
    assert sent.messaging_service_sid == "MG" + "1" * 32 and sent.from_ is None


def test_a_number_that_cannot_take_texts_bounces_and_is_not_tried_again(account, texts):
    account.debtor.phone = "+15005550009"
    db.session.commit()
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.BOUNCED
    assert _reload(message_id).reason == "twilio_21614" and texts.sent == []


def test_a_phone_number_that_is_not_one_is_never_handed_to_twilio(account, texts):
    account.debtor.phone = "n/a"
    db.session.commit()
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.BOUNCED
    assert _reload(message_id).reason == "not_a_phone_number" and texts.sent == []


def test_a_provider_error_is_retried_later_and_then_goes(account, texts):
    texts.fail_next("500")
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.QUEUED
    message = _reload(message_id)
    assert message.reason == "twilio_20500" and message.not_before > MORNING and texts.sent == []

    assert sender.send_one(message_id, message.not_before) is MessageStatus.SENT
    assert len(texts.sent) == 1


def test_a_provider_that_cannot_be_reached_is_retried(account, texts, app):
    app.config["TWILIO_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.QUEUED
    assert _reload(message_id).reason == "provider_unreachable"


def test_a_provider_that_took_the_request_and_never_answered_is_not_sent_twice(account, texts):
    # The request reached Twilio and the connection closed with no answer: the text may have gone,
    # and a second one would be one contact too many.
    texts.fail_next("drop")
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.UNCONFIRMED
    message = _reload(message_id)
    # Counted against the contact limit, since it may have reached the person.
    assert message.reason == "provider_no_answer" and message.sent_at is not None
    assert sender.send_due(MORNING.replace(hour=20)) == 0
    assert texts.sent == []
    assert events(account, "test_text_failed")[0].data["outcome"] == "unconfirmed"


def test_twilio_saying_the_person_replied_stop_records_their_opt_out(account, texts):
    # Twilio refuses (21610) a number that replied STOP to our sender, even if our records missed it.
    account.debtor.phone = E164
    db.session.commit()
    texts.refuse(E164, 21610, "Attempt to send to unsubscribed recipient")
    message_id = _text(account)

    assert _status(message_id) is MessageStatus.BOUNCED
    assert rules.opted_out(account.debtor, rules.SMS)
    (stopped,) = events(account, "opted_out")
    assert stopped.actor == "carrier" and stopped.data == {"channel": "sms"}


def test_the_console_sender_prints_texts_in_development_and_production_refuses_without_twilio(app, capsys):
    console = sms.sender_from_config({"PORTAL_ENV": "development"})
    assert isinstance(console, sms.ConsoleSender)
    first = console.send(E164, "Open http://portal.test/l/abc.def Reply STOP to stop.")
    # The whole text, link included: the developer opens it (the log's filter would hide it).
    assert "http://portal.test/l/abc.def" in capsys.readouterr().out
    assert first != console.send(E164, "again")
    assert sms.sms_available({"PORTAL_ENV": "development"})
    assert not sms.sms_available({"PORTAL_ENV": "production"})
    with pytest.raises(sms.SmsUnavailable):
        sms.sender_from_config({"PORTAL_ENV": "production"})


# --- Twilio's callbacks ---------------------------------------------------------------------------


def _post(client, post):
    return client.post(
        post.path, data=post.fields, headers={"X-Twilio-Signature": post.headers["X-Twilio-Signature"]}
    )


def test_a_delivery_report_lands_on_the_timeline_once(account, texts, client):
    message_id = _text(account)
    _status(message_id)
    (sent,) = texts.sent

    assert _post(client, texts.status_callback(sent.sid, "sent")).status_code == 204
    assert _reload(message_id).status is MessageStatus.SENT
    for _ in range(2):  # Twilio may post the same report again
        assert _post(client, texts.status_callback(sent.sid, "delivered")).status_code == 204

    assert _reload(message_id).status is MessageStatus.DELIVERED
    (delivered,) = events(account, "message_delivered")
    assert delivered.data["message_id"] == message_id and delivered.data["about"] == "test_text"


def test_an_undelivered_report_says_why(account, texts, client):
    message_id = _text(account)
    _status(message_id)
    (sent,) = texts.sent

    _post(client, texts.status_callback(sent.sid, "undelivered", error_code="30003"))

    message = _reload(message_id)
    assert message.status is MessageStatus.FAILED and message.reason == "twilio_30003"
    assert events(account, "message_failed")[0].data["error"] == "twilio_30003"


def test_a_callback_with_a_forged_or_missing_signature_changes_nothing(account, texts, client):
    message_id = _text(account)
    _status(message_id)
    (sent,) = texts.sent
    post = texts.status_callback(sent.sid, "delivered")
    forged = signature("not-the-token", post.url, post.fields)

    assert client.post(post.path, data=post.fields, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert client.post(post.path, data=post.fields).status_code == 403
    tampered = dict(post.fields, MessageStatus="failed")
    assert client.post(post.path, data=tampered, headers=post.headers).status_code == 403
    assert _reload(message_id).status is MessageStatus.SENT


def test_a_stop_reply_stops_texts_and_start_lets_them_again(account, texts, client, make_account):
    other = make_account(reference="ACC-2", email="sam@example.com")
    other.debtor.phone = "(217) 555 0142"  # the same number, written otherwise
    db.session.commit()
    url = "http://portal.test/sms/inbound"

    answer = _post(client, texts.reply(url, E164, " stop "))

    assert (
        answer.status_code == 200 and answer.mimetype == "text/xml" and answer.data.endswith(b"<Response />")
    )
    assert rules.opted_out(account.debtor, rules.SMS) and rules.opted_out(other.debtor, rules.SMS)
    assert events(account, "sms_stop_received") and events(other, "sms_stop_received")
    message_id = _text(account)
    assert _status(message_id) is MessageStatus.REFUSED
    assert texts.sent == []

    _post(client, texts.reply(url, E164, "START"))

    assert not rules.opted_out(account.debtor, rules.SMS)
    assert events(account, "opted_in")[0].data["channel"] == "sms"
    assert _status(_text(account, key="t2")) is MessageStatus.SENT


@pytest.mark.parametrize(
    ("language", "words"),
    [(None, "Example Recovery Services: call 1-800-555-0100"), ("es", "llame al 1-800-555-0100")],
)
def test_help_is_answered_with_who_we_are_in_the_persons_language(account, texts, client, language, words):
    account.debtor.language = language
    db.session.commit()

    answer = _post(client, texts.reply("http://portal.test/sms/inbound", E164, "help"))

    reply = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<Message>" in reply and words in reply
    assert "STOP" in reply and events(account, "sms_help_received")
    assert not rules.opted_out(account.debtor, rules.SMS)


def test_other_replies_are_noted_without_their_words_and_strangers_are_ignored(account, texts, client):
    url = "http://portal.test/sms/inbound"

    _post(client, texts.reply(url, E164, "Who is this? My account number is 12345"))
    _post(client, texts.reply(url, "+12175550199", "STOP"))

    (received,) = events(account, "sms_received")
    assert "12345" not in str(received.data)
    assert db.session.scalar(db.select(db.func.count(OptOut.id))) == 0
