"""A real SMTP server (aiosmtpd) that keeps what it accepts, and readers for the messages."""

from __future__ import annotations

import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.helpers.servers import free_port

#: Addresses at this domain are refused for good at RCPT, as a server refuses an unknown mailbox.
REFUSED_DOMAIN = "refused.example"


class _Collector:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class MailServer:
    """A real SMTP server (aiosmtpd) that keeps every message it accepts."""

    def __init__(self):
        self.port = free_port()
        self._handler = _Collector()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._handler.lock:
            return list(self._handler.messages)

    def clear(self) -> None:
        with self._handler.lock:
            self._handler.messages.clear()

    def arrived(self) -> list[EmailMessage]:
        """What has arrived by now, without waiting: for proving that nothing (or nothing more) was
        sent. Only after a synchronous send has returned (a test-client request, a CLI command or a
        job called in the test, with Huey in immediate mode): the server stores a message before it
        answers 250 to DATA, and the portal's send returns only after that answer."""
        return self.messages

    def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        """Wait until *count* messages have arrived (for sends from another thread or process)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def stop(self) -> None:
        self._controller.stop()


def raw_header(message: EmailMessage, name: str) -> str | None:
    """The header exactly as it arrived, before any decoding: what a mail client sees."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def body(message: EmailMessage, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()
