"""An outbox in memory in place of the SMTP server: the mailer's own SMTP client builds and sends
each message, and only the socket is missing. Read it as tests.helpers.mail.MailServer is read."""

from __future__ import annotations

import smtplib
import threading
import types
from email import message_from_bytes, policy
from email.message import EmailMessage


class Outbox:
    """Every message the portal sent, in order; *refuse* makes the next sends fail as a server would."""

    port = 25  # never dialled: the client below does not connect

    def __init__(self):
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.refuse: smtplib.SMTPException | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
        self.refuse = None

    def arrived(self) -> list[EmailMessage]:
        """What has arrived by now, as the real test mail server answers it."""
        return self.messages

    def wait_for(self, count: int, seconds: float = 0) -> list[EmailMessage]:
        """The messages so far: delivery is synchronous, so there is nothing to wait for."""
        return self.messages

    def keep(self, content: bytes) -> None:
        # Parsed from the bytes sent, as the SMTP server in tests.helpers.mail does it.
        message = message_from_bytes(content, policy=policy.default)
        with self._lock:
            self._messages.append(message)

    def smtplib(self) -> types.SimpleNamespace:
        """A stand-in for the smtplib module, whose SMTP client delivers here."""
        outbox = self

        class SMTP(smtplib.SMTP):
            def __init__(self, host="", port=0, timeout=None, **options):
                super().__init__()  # no host: no connection
                # What aiosmtpd offers, so international addresses go as they would.
                self.esmtp_features = {"smtputf8": "", "8bitmime": ""}
                self.does_esmtp = True

            def ehlo_or_helo_if_needed(self):
                pass

            def starttls(self, *args, **kwargs):
                return (220, b"ready")

            def login(self, user, password, **kwargs):
                return (235, b"ok")

            def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
                if outbox.refuse is not None:
                    raise outbox.refuse
                outbox.keep(msg if isinstance(msg, bytes) else msg.encode())
                return {}

            def quit(self):
                self.close()
                return (221, b"bye")

        return types.SimpleNamespace(SMTP=SMTP, SMTPException=smtplib.SMTPException)
