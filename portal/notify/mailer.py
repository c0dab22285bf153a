"""Send email over real SMTP, or print it when no SMTP server is configured (development).

Every header is built from the standard library's address and header types, with any line break
or control character in a name or subject turned into a space, so no value can add or break a header.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from smtplib import SMTPRecipientsRefused

from flask import current_app

log = logging.getLogger("portal.mail")

# Folding at 78 characters would turn a long List-Unsubscribe URL into RFC 2047 encoded words,
# which mail clients do not decode in that header; 998 is RFC 5322's hard limit.
_POLICY = policy.default.clone(max_line_length=998)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class MailNotSent(Exception):
    """The message could not be built, or the SMTP server did not take it."""

    def __init__(self, error: BaseException):
        super().__init__(type(error).__name__)
        code = getattr(error, "smtp_code", None)
        if isinstance(error, SMTPRecipientsRefused):
            codes = [answer[0] for answer in error.recipients.values()]
            code = min(codes) if codes else None
        #: The class of the underlying error and the server's reply code, if any (no addresses or
        #: content: it goes on the timeline).
        self.reason = type(error).__name__ + (f" {code}" if code else "")
        built = not isinstance(error, ValueError | TypeError | MessageError)
        permanent = isinstance(code, int) and code >= 500
        #: Trying again later may help (the server was away, or answered 4xx).
        self.transient = built and not permanent
        #: The receiving server refused the address for good.
        self.bounced = permanent and isinstance(error, SMTPRecipientsRefused)


@dataclass
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    #: The person's one-click opt-out link; mail clients show it as an "unsubscribe" button.
    unsubscribe_url: str | None = None


def one_line(value: str) -> str:
    """Header text on one line: each run of line breaks or other control characters becomes one
    space (other spaces, such as the no-break space in "50,00 US$", stay as they are)."""
    return _CONTROL.sub(" ", value).strip()


def _sender(configured: str) -> Address:
    name, address = parseaddr(configured)
    return Address(display_name=one_line(name), addr_spec=address)


def build(mail: Mail, reference: str | None = None) -> EmailMessage:
    """The message as it goes out: headers, text, optional HTML alternative, attachments.
    *reference* (the outbox message) goes into the Message-ID, so a reply or a bounce names it.

    Raises ValueError for an address that is not one (it could never be delivered).
    """
    config = current_app.config
    message = EmailMessage(policy=_POLICY)
    message["From"] = _sender(config["MAIL_FROM"])
    message["To"] = Address(addr_spec=mail.to.strip())
    message["Subject"] = one_line(mail.subject)
    message["Message-ID"] = make_msgid(idstring=reference, domain="portal.local")
    if mail.unsubscribe_url:
        # RFC 2369 names the link; RFC 8058 says a bare POST to it unsubscribes, with no page.
        message["List-Unsubscribe"] = f"<{one_line(mail.unsubscribe_url)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        message.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return message


def deliver(mail: Mail, reference: str | None = None) -> str:
    """Send one message (or print it in development); its Message-ID. Raises MailNotSent if it
    did not go."""
    config = current_app.config
    try:
        message = build(mail, reference)
    except (ValueError, TypeError, MessageError) as error:
        log.warning("email to account holder could not be built: %s", type(error).__name__)
        raise MailNotSent(error) from error
    if not config["SMTP_HOST"]:
        log.info("No SMTP_HOST set; email not sent, printed instead:\n%s", message.as_string())
        return message["Message-ID"]
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("email to account holder could not be sent: %s", type(error).__name__)
        raise MailNotSent(error) from error
    return message["Message-ID"]


def send(mail: Mail) -> bool:
    """Send one message. True when the SMTP server accepted it (or it was printed in development)."""
    try:
        deliver(mail)
    except MailNotSent:
        return False
    return True
