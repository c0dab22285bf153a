"""Servers the tests start on loopback: a free port, waiting for HTTP, and a localstripe server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
                [sys.executable, "-m", "tests.helpers.localstripe_server", "--port", str(self.port)],
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
