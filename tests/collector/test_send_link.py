"""`send-link`: one command issues a link and sends it by email (or text message) within the
person's rules, and says in one line what happened: sent, scheduled for their morning, or not
sent and why. The email says who writes and for whom, carries the link and the opt-out, and its
subject and preview say nothing about money or the account."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.links.sending import reason_words
from portal.models import MagicLink, Message, MessageStatus, OptOut
from portal.notify import rules, sender
from tests.helpers.mail import body
from tests.helpers.records import events

MORNING = "2027-01-15T14:00:00Z"  # 09:00 in New York, the creditor's zone
NIGHT = "2027-01-15T03:00:00Z"  # 22:00 the evening before in New York
EIGHT_AM = datetime(2027, 1, 15, 13, 0, tzinfo=UTC)

# Words that would tell whoever sees a lock screen or a shared inbox that this is about a debt.
DISCLOSING = {
    "en": ["debt", "owe", "$", "payment", "balance"],
    "es": ["deuda", "debe", "$", "pago", "saldo"],
    "vi": ["nợ", "$", "thanh toán", "số dư"],
    "zh_Hant": ["債", "欠", "$", "付款", "餘額"],
}


def _links(account) -> list[MagicLink]:
    db.session.expire_all()
    return db.session.scalars(db.select(MagicLink).where(MagicLink.account_id == account.id)).all()


def _send(runner, *args):
    return runner.invoke(args=["send-link", "ACC-1", *args])


def test_a_link_sent_by_email_arrives_and_opens_the_account(make_account, runner, mailbox, client):
    account = make_account()

    result = _send(runner, "--channel", "email", "--now", MORNING)

    assert result.exit_code == 0, result.output
    (message,) = db.session.scalars(db.select(Message)).all()
    assert result.output.strip() == f"Sent: message {message.id} by email to jane@example.com (acme/ACC-1)"
    (mail,) = mailbox.wait_for(1)
    text = body(mail, "plain")
    (url,) = re.findall(r"http://portal\.test/l/\S+", text)
    assert url in body(mail, "html")
    assert "Who is writing: Example Recovery Services, on behalf of Acme Bank." in text
    assert "How to check that this message is really from us" in text
    assert mail["List-Unsubscribe"] and "List-Unsubscribe=One-Click" == mail["List-Unsubscribe-Post"]
    # The exact text the person received is kept (the SMTP server saw it with CRLF line ends).
    assert message.body.strip() == text.replace("\r\n", "\n").strip()
    (link,) = _links(account)
    assert message.link_id == link.id and events(account, "link_sent")[0].data["message_id"] == message.id

    opened = client.get(url.replace("http://portal.test", ""))
    assert opened.status_code in (200, 302, 303)
    assert events(account, "link_opened")


@pytest.mark.parametrize("language", ["en", "es", "vi", "zh_Hant"])
def test_the_subject_and_preview_say_nothing_about_money_or_the_account(
    make_account, runner, mailbox, language
):
    account = make_account(language=language)
    assert _send(runner, "--channel", "email", "--now", MORNING).exit_code == 0
    (mail,) = mailbox.wait_for(1)
    text = body(mail, "plain")
    # What an inbox or a lock screen shows: the opening lines, up to the link.
    preview = re.sub(r"http://\S+", "", text.split("http://")[0])
    html_preview = re.search(r'<div style="display: none[^"]*">([^<]*)</div>', body(mail, "html")).group(1)
    for seen in (mail["Subject"], preview, html_preview):
        lowered = seen.lower()
        assert not any(word.lower() in lowered for word in DISCLOSING[language]), seen
        assert account.reference not in seen and "Acme" not in seen
        assert not re.search(r"\d", seen), seen
    assert "Example Recovery Services" in mail["Subject"]


def test_at_night_the_link_is_scheduled_for_eight_and_issued_only_when_it_goes(make_account, runner, mailbox):
    account = make_account()

    result = _send(runner, "--channel", "email", "--now", NIGHT)

    assert result.exit_code == 0, result.output
    assert "Scheduled:" in result.output
    assert "goes at 08:00 on 2027-01-15 (America/New_York)" in result.output
    assert mailbox.arrived() == [] and _links(account) == []

    assert sender.send_due(EIGHT_AM) == 1
    assert len(mailbox.wait_for(1)) == 1
    assert len(_links(account)) == 1


@pytest.mark.parametrize(
    ("prepare", "words"),
    [
        (lambda a: db.session.add(OptOut(debtor_id=a.debtor_id, channel="email")), "asked us to stop"),
        (lambda a: setattr(a.debtor, "email", None), "no email address on record"),
        (lambda a: setattr(a, "on_hold", True), "on hold while a dispute is reviewed"),
    ],
    ids=["opted-out", "no-address", "on-hold"],
)
def test_a_link_the_rules_forbid_is_not_sent_and_no_link_is_made(
    make_account, runner, mailbox, prepare, words
):
    account = make_account()
    prepare(account)
    db.session.commit()

    result = _send(runner, "--channel", "email", "--now", MORNING)

    assert result.exit_code == 1
    assert result.output.startswith("Not sent to acme/ACC-1 by email: ")
    assert words in result.output
    assert mailbox.arrived() == [] and _links(account) == []


def test_over_the_contact_limit_it_says_when_the_next_may_go(make_account, runner, mailbox):
    make_account()
    for minutes in (0, 20, 40):  # 08:00, 08:20 and 08:40 in New York
        moment = (EIGHT_AM + timedelta(minutes=minutes)).isoformat()
        assert _send(runner, "--channel", "email", "--now", moment).exit_code == 0
    assert len(mailbox.wait_for(3)) == 3

    result = _send(runner, "--channel", "email", "--now", MORNING)

    assert result.exit_code == 1
    assert (
        "over the contact limit of 3 messages in 7 days; the next may go at 08:00 on 2027-01-22"
        in result.output
    )
    assert len(mailbox.arrived()) == 3


def test_preferred_falls_back_to_email_when_texts_are_stopped(make_account, runner, mailbox):
    account = make_account()
    account.debtor.preferred_channel = "sms"
    account.debtor.phone = "+1 217 555 0100"
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="sms"))
    db.session.commit()

    result = _send(runner, "--now", MORNING)

    assert result.exit_code == 0, result.output
    assert "by email to jane@example.com" in result.output


def test_a_mail_server_that_is_down_leaves_it_queued_for_a_retry(make_account, runner, mailbox, app):
    from tests.helpers.servers import free_port

    make_account()
    working = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    result = _send(runner, "--channel", "email", "--now", MORNING)
    app.config["SMTP_PORT"] = working

    assert result.exit_code == 0
    assert "Queued:" in result.output and "tried again at 2027-01-15T14:05:00+00:00" in result.output
    (message,) = db.session.scalars(db.select(Message)).all()
    assert message.status is MessageStatus.QUEUED
    assert sender.send_due(datetime(2027, 1, 15, 14, 5, tzinfo=UTC)) == 1
    assert len(mailbox.wait_for(1)) == 1


def test_an_unknown_reference_is_a_clear_error(runner):
    result = runner.invoke(args=["send-link", "NOPE"])
    assert result.exit_code != 0 and "No account with reference 'NOPE'" in result.output


# --- By text message, through the real twilio client and a local Twilio stand-in ------------------

STOP_WORDS = {
    "en": "Reply STOP to stop.",
    "es": "Responda STOP",
    "vi": "Trả lời STOP",
    "zh_Hant": "回覆 STOP",
}


@pytest.mark.parametrize("language", ["en", "es", "vi", "zh_Hant"])
def test_a_link_by_text_message_is_in_the_persons_language_and_fits_two_segments(
    make_account, runner, texts, client, language
):
    from portal.domain import sms_text

    account = make_account(language=language, creditor_name="Acme Bank of the Northern Plains")
    account.debtor.phone = "(217) 555-0142"
    db.session.commit()

    result = _send(runner, "--channel", "sms", "--now", MORNING)

    assert result.exit_code == 0, result.output
    (message,) = db.session.scalars(db.select(Message)).all()
    assert result.output.strip() == f"Sent: message {message.id} by text message to +12175550142 (acme/ACC-1)"
    (sent,) = texts.sent
    assert sent.to == "+12175550142" and sent.body == message.body
    assert STOP_WORDS[language] in sent.body and "Example Recovery Services" in sent.body
    assert sms_text.segments(sent.body) <= 2 and message.segments == sms_text.segments(sent.body)
    assert message.language == language
    for word in DISCLOSING[language]:
        assert word not in sent.body.lower()
    # The link in the text opens the account.
    (url,) = re.findall(r"http://portal\.test/l/\S+", sent.body)
    assert client.get(url.removeprefix("http://portal.test")).status_code == 303  # on to who-are-you
    # Twilio's signed report of delivery lands on the account's timeline.
    report = texts.status_callback(sent.sid, "delivered")
    assert client.post(report.path, data=report.fields, headers=report.headers).status_code == 204
    db.session.expire_all()
    assert db.session.get(Message, message.id).status is MessageStatus.DELIVERED
    assert events(account, "message_delivered")[0].data["message_id"] == message.id


def test_a_text_to_someone_who_replied_stop_is_not_sent(make_account, runner, texts, client):
    account = make_account()
    account.debtor.phone = "+12175550142"
    db.session.commit()
    stop = texts.reply("http://portal.test/sms/inbound", "+12175550142", "STOP")
    client.post(stop.path, data=stop.fields, headers=stop.headers)

    result = _send(runner, "--channel", "sms", "--now", MORNING)

    assert result.exit_code == 1
    assert (
        "Not sent to acme/ACC-1 by text message: the person asked us to stop sending them text messages"
        in (result.output)
    )
    assert texts.sent == [] and _links(account) == []


def test_a_text_the_provider_may_have_taken_is_reported_unconfirmed(make_account, runner, texts):
    account = make_account()
    account.debtor.phone = "+12175550142"
    db.session.commit()
    texts.fail_next("drop")

    result = _send(runner, "--channel", "sms", "--now", MORNING)

    assert result.exit_code == 1
    assert "may have gone (the provider did not answer); it is not sent again" in result.output


def test_during_a_pause_the_link_is_scheduled_for_the_day_after_it(make_account, runner, mailbox):
    account = make_account()
    account.reminders_paused_until = date(2027, 1, 20)
    db.session.commit()

    result = _send(runner, "--channel", "email", "--now", MORNING)

    assert result.exit_code == 0, result.output
    assert "Scheduled:" in result.output
    assert "goes at 08:00 on 2027-01-21 (America/New_York)" in result.output
    assert "after the pause on contact to the end of 2027-01-20" in result.output
    assert mailbox.arrived() == [] and _links(account) == []
    assert sender.send_due(datetime(2027, 1, 21, 13, 0, tzinfo=UTC)) == 1
    assert len(mailbox.wait_for(1)) == 1 and len(_links(account)) == 1
    # The reason in a collector's words, wherever a command reports it.
    assert reason_words(rules.PAUSED, rules.EMAIL, account, datetime(2027, 1, 15, 14, 0, tzinfo=UTC)) == (
        "contact is paused to the end of 2027-01-20; it may go at 08:00 on 2027-01-21 (America/New_York)"
    )
