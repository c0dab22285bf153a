"""A real HTTP receiver on 127.0.0.1 for webhook tests: a threaded http.server that answers each
POST as a script says (a status code, or "hang" to sleep past the sender's timeout), then 200."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.helpers.servers import free_port

HANG = "hang"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    #: What the receiver answered (a status code, or HANG when it answered too late).
    answer: int | str

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """Answers the n-th request with script[n] (200 once the script runs out); keeps every request."""

    def __init__(self, script: list[int | str] | None = None, hang_seconds: float = 2.0):
        self.script = list(script or [])
        self.hang_seconds = hang_seconds
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    answer = receiver.script.pop(0) if receiver.script else 200
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body, answer)
                    )
                if answer == HANG:
                    time.sleep(receiver.hang_seconds)
                    answer = 200  # too late: the sender has given up on it
                try:
                    self.send_response(answer)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender hung up after its timeout

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]

    def types(self) -> list[str]:
        return [r.payload["type"] for r in self.received]
