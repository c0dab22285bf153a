"""Real test doubles for the outside world: a localstripe server and an SMTP server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, seconds: float = 20, process: subprocess.Popen | None = None) -> None:
    """Wait until *url* answers; give up early if the *process* serving it has exited."""
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error still means the server is up
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from error
            time.sleep(0.1)


class LocalStripe:
    """A localstripe server in a child process, on a free loopback port."""

    def __init__(self, attempts: int = 3):
        for attempt in range(attempts):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self._log = tempfile.TemporaryFile()
            self.process = subprocess.Popen(  # noqa: S603 - our own dev dependency
                [sys.executable, "-m", "tests.localstripe_server", "--port", str(self.port)],
                cwd=ROOT,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            try:
                wait_for_http(self.url + "/v1/customers", seconds=60, process=self.process)
                return
            except RuntimeError:
                self.stop()
                if attempt == attempts - 1:
                    raise

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def register_webhook(self, url: str, secret: str, name: str = "portal") -> None:
        data = f"url={urllib.request.quote(url, safe='')}&secret={secret}".encode()
        request = urllib.request.Request(f"{self.url}/_config/webhooks/{name}", data=data, method="POST")
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 - loopback only

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/_config/data", method="DELETE")
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 - loopback only

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self._log.close()


class _Collector:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

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

    def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def stop(self) -> None:
        self._controller.stop()
