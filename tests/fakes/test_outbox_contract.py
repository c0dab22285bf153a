"""The outbox takes a message as the real SMTP server does: the same mail, sent to each, reads alike."""

from __future__ import annotations

import pytest

from portal.notify import mailer
from tests.fakes.outbox import Outbox
from tests.helpers.mail import MailServer

MAILS = {
    "plain": mailer.Mail(to="jane@example.com", subject="Hello", text="Hi"),
    "html, attachment, opt-out link": mailer.Mail(
        to="Jane <jane@example.com>",
        subject="Your plan – 50,00\u00a0US$",
        text="Dear Jane,\n\nYour plan.\n.\nA line with a dot.\n",
        html="<p>Your plan</p>",
        attachments=[mailer.Attachment("plan.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "x")],
        unsubscribe_url="http://portal.test/stop/" + "x" * 120,
    ),
    "international address": mailer.Mail(to="josé@ejemplo.es", subject="Recibo", text="Gracias"),
    "not an address": mailer.Mail(to="not an address", subject="x", text="x"),
}


def _read(message) -> dict:
    """What a test reads of a message: raw headers (but the unique id), and every part."""
    headers = [(k, v) for k, v in message.raw_items() if k != "Message-ID"]
    parts = [(p.get_content_type(), p.get_content()) for p in message.walk() if not p.is_multipart()]
    return {"headers": headers, "parts": parts}


@pytest.mark.parametrize("name", MAILS)
def test_the_outbox_keeps_what_the_smtp_server_gets(app, mailbox, monkeypatch, name):
    sent_for_real = mailer.send(MAILS[name])
    real = [_read(m) for m in mailbox.wait_for(1, seconds=2 if sent_for_real else 0)]

    outbox = Outbox()
    monkeypatch.setattr(mailer, "smtplib", outbox.smtplib())
    assert mailer.send(MAILS[name]) == sent_for_real
    assert [_read(m) for m in outbox.messages] == real


def test_a_refusing_outbox_is_a_mail_not_sent(app, monkeypatch):
    outbox = Outbox()
    outbox.refuse = mailer.smtplib.SMTPRecipientsRefused({"jane@example.com": (550, b"no")})
    monkeypatch.setattr(mailer, "smtplib", outbox.smtplib())
    assert mailer.send(MAILS["plain"]) is False
    assert outbox.messages == []


def test_the_outbox_answers_every_question_a_test_asks_the_mail_server():
    asked = {name for name in vars(MailServer) if not name.startswith("_")} - {"stop", "port"}
    assert asked <= set(dir(Outbox)), sorted(asked - set(dir(Outbox)))
