"""Send email over real SMTP, or print it when no SMTP server is configured (development)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger("portal.mail")

# Folding at 78 characters would turn a long List-Unsubscribe URL into RFC 2047 encoded words,
# which mail clients do not decode in that header; 998 is RFC 5322's hard limit.
_POLICY = policy.default.clone(max_line_length=998)


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


def build(mail: Mail) -> EmailMessage:
    """The message as it goes out: headers, text, optional HTML alternative, attachments."""
    config = current_app.config
    message = EmailMessage(policy=_POLICY)
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="portal.local")
    if mail.unsubscribe_url:
        # RFC 2369 names the link; RFC 8058 says a bare POST to it unsubscribes, with no page.
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        message.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return message


def send(mail: Mail) -> bool:
    """Send one message. True when the SMTP server accepted it (or it was printed in development)."""
    config = current_app.config
    message = build(mail)
    if not config["SMTP_HOST"]:
        log.info("No SMTP_HOST set; email not sent, printed instead:\n%s", message.as_string())
        return True
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("email to account holder could not be sent")
        return False
    return True
