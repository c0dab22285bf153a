"""A loopback HTTP proxy that passes requests to an upstream server and breaks the ones it is told to.

Faults, each applied to the next *times* requests that match a method and path pattern:
- ``slow``: hold the request past the client's time-out, then pass it on anyway (Stripe got it late);
- ``error``: answer 500 without passing it on (Stripe never saw it);
- ``drop``: pass it on, then close the connection without an answer (the charge happened, unheard).
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.helpers.servers import free_port

FAULTS = ("slow", "error", "drop")
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class Rule:
    method: str
    path: re.Pattern
    fault: str
    times: int


class FaultProxy:
    """Threaded proxy on 127.0.0.1 in front of *upstream*; *slow_seconds* is how long ``slow`` holds."""

    def __init__(self, upstream: str, slow_seconds: float):
        parsed = urllib.parse.urlsplit(upstream)
        self._upstream = (parsed.hostname, parsed.port)
        self.slow_seconds = slow_seconds
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._busy = 0
        self._idle = threading.Condition(self._lock)
        self.applied: Counter[str] = Counter()
        self.forwarded = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's name
                proxy._handle(self)

            do_POST = do_DELETE = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    def fail(self, method: str, path_pattern: str, fault: str, times: int = 1) -> None:
        """Break the next *times* requests whose method and path (no query) match."""
        assert fault in FAULTS, fault
        with self._lock:
            self._rules.append(Rule(method.upper(), re.compile(path_pattern), fault, times))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def wait_idle(self, seconds: float = 30) -> None:
        """Wait until no request is being held or passed on (late ``slow`` ones included)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout=seconds):
                raise AssertionError("the fault proxy still has requests in flight")

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take_fault(self, method: str, path: str) -> str | None:
        with self._lock:
            for rule in self._rules:
                if rule.times > 0 and rule.method == method and rule.path.fullmatch(path):
                    rule.times -= 1
                    self.applied[rule.fault] += 1
                    return rule.fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._busy += 1
        try:
            self._serve(handler)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        path = urllib.parse.urlsplit(handler.path).path
        fault = self._take_fault(handler.command, path)
        if fault == "error":
            payload = b'{"error": {"type": "api_error", "message": "injected fault"}}'
            handler.send_response(500)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            return
        if fault == "slow":
            time.sleep(self.slow_seconds)
        status, headers, answer = self._forward(handler, body)
        if fault is not None:
            # "drop" never answers; a "slow" client gave up long ago. Either way: hang up.
            handler.close_connection = True
            return
        handler.send_response(status)
        for name, value in headers:
            if name.lower() not in _HOP_HEADERS:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes):
        connection = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_HEADERS}
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            with self._lock:
                self.forwarded += 1
            return response.status, response.getheaders(), answer
        finally:
            connection.close()
