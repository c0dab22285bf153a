"""Mail headers that let a mail client offer a one-click unsubscribe button."""

from __future__ import annotations

from portal.notify import mailer
from tests.helpers.mail import raw_header

LONG_URL = "http://portal.test/stop/WzEyMzQ1LCJlbWFpbCJd.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"


def test_an_unsubscribe_url_adds_the_one_click_headers_unencoded(app, mailbox):
    assert mailer.send(
        mailer.Mail(to="jane@example.com", subject="Hello", text="Hi", unsubscribe_url=LONG_URL)
    )
    (message,) = mailbox.wait_for(1)
    # Raw, as a mail client reads it: one angle-bracketed URL, not RFC 2047 encoded words.
    assert raw_header(message, "List-Unsubscribe").strip() == f"<{LONG_URL}>"
    assert raw_header(message, "List-Unsubscribe-Post").strip() == "List-Unsubscribe=One-Click"


def test_without_an_unsubscribe_url_there_are_no_list_headers(app, mailbox):
    assert mailer.send(mailer.Mail(to="jane@example.com", subject="Hello", text="Hi"))
    (message,) = mailbox.wait_for(1)
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
