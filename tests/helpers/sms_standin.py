"""A small local stand-in for Twilio's Messages API, for the official `twilio` client to talk to.

It answers `POST /2010-04-01/Accounts/{sid}/Messages.json` as Twilio does (basic auth, form
fields, a JSON message or a JSON error with Twilio's code), records every message it took, and
builds the signed status callbacks and inbound replies Twilio would post, signed the way Twilio
signs them (HMAC-SHA1 of the URL and the sorted fields, base64). Tests post those to the app's
test client, or over HTTP to a live portal.

Twilio's documented test numbers behave as Twilio's test credentials make them: +15005550001 is
not a valid number (21211), +15005550009 cannot receive texts (21614).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "standin-auth-token"  # noqa: S105 - a test value, not a secret
FROM_NUMBER = "+15005550006"

_REFUSED_NUMBERS = {
    "+15005550001": (21211, "The 'To' number is not a valid phone number."),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}


def signature(token: str, url: str, fields: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature for a POST of *fields* to *url*."""
    payload = url + "".join(f"{key}{fields[key]}" for key in sorted(fields))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Sent:
    sid: str
    to: str
    body: str
    from_: str | None
    messaging_service_sid: str | None
    status_callback: str | None


@dataclass
class Post:
    """A request Twilio would make to the portal."""

    url: str
    fields: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class TwilioStandIn:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sent: list[Sent] = []
        self._faults: list[str] = []
        self.refused = dict(_REFUSED_NUMBERS)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def settings(self) -> dict[str, str]:
        """The portal settings that send through this stand-in."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM": FROM_NUMBER,
            "TWILIO_MESSAGING_SERVICE_SID": "",
            "TWILIO_API_BASE": self.url,
        }

    def clear(self) -> None:
        with self._lock:
            self.sent.clear()
            self._faults.clear()
            self.refused = dict(_REFUSED_NUMBERS)

    def refuse(self, number: str, code: int, text: str) -> None:
        """Answer every text to *number* with Twilio's error *code* (until `clear`)."""
        with self._lock:
            self.refused[number] = (code, text)

    def fail_next(self, fault: str) -> None:
        """Make the next request fail: "500" answers a server error, "drop" closes the connection
        after reading the request and answers nothing (the message may have gone)."""
        with self._lock:
            self._faults.append(fault)

    def status_callback(self, sid: str, status: str, error_code: str | None = None) -> Post:
        """The signed status callback Twilio posts for message *sid*."""
        sent = next(m for m in self.sent if m.sid == sid)
        fields = {
            "AccountSid": self.account_sid,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": sent.to,
            "From": sent.from_ or "",
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            fields["ErrorCode"] = error_code
        return self._signed(sent.status_callback or "", fields)

    def reply(self, url: str, from_number: str, body: str) -> Post:
        """The signed request Twilio posts to *url* when *from_number* texts *body* to our number."""
        fields = {
            "AccountSid": self.account_sid,
            "MessageSid": "SM" + uuid.uuid4().hex,
            "From": from_number,
            "To": FROM_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "ApiVersion": "2010-04-01",
        }
        return self._signed(url, fields)

    def deliver(self, post: Post) -> int:
        """Post *post* over HTTP to a live portal, as Twilio would; the response status."""
        request = urllib.request.Request(
            post.url, data=urllib.parse.urlencode(post.fields).encode(), headers=post.headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a local URL
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _signed(self, url: str, fields: dict[str, str]) -> Post:
        headers = {
            "X-Twilio-Signature": signature(self.auth_token, url, fields),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return Post(url, fields, headers)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take_fault(self) -> str | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                path = f"/2010-04-01/Accounts/{standin.account_sid}/Messages.json"
                if not self._authorised():
                    return self._error(401, 20003, "Authenticate")
                if self.path != path:
                    return self._error(404, 20404, "The requested resource was not found")
                fault = standin._take_fault()
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if fault == "500":
                    return self._error(500, 20500, "Internal Server Error")
                return self._create(form)

            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{standin.account_sid}:{standin.auth_token}".encode()).decode()
                return self.headers.get("Authorization", "") == f"Basic {expected}"

            def _create(self, form: dict[str, str]):
                to, body = form.get("To", ""), form.get("Body", "")
                if not body:
                    return self._error(400, 21602, "Message body is required.")
                if not (form.get("From") or form.get("MessagingServiceSid")):
                    return self._error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
                refused = standin.refused.get(to)
                if refused or not (to.startswith("+") and to[1:].isdigit()):
                    code, text = refused or (21211, "The 'To' number is not a valid phone number.")
                    return self._error(400, code, text)
                sid = "SM" + uuid.uuid4().hex
                sent = Sent(
                    sid=sid,
                    to=to,
                    body=body,
                    from_=form.get("From"),
                    messaging_service_sid=form.get("MessagingServiceSid"),
                    status_callback=form.get("StatusCallback"),
                )
                with standin._lock:
                    standin.sent.append(sent)
                self._json(
                    201,
                    {
                        "sid": sid,
                        "account_sid": standin.account_sid,
                        "to": to,
                        "from": sent.from_,
                        "messaging_service_sid": sent.messaging_service_sid,
                        "body": body,
                        "status": "queued",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": f"/2010-04-01/Accounts/{standin.account_sid}/Messages/{sid}.json",
                    },
                )
                return None

            def _error(self, status: int, code: int, message: str):
                self._json(
                    status,
                    {
                        "code": code,
                        "message": message,
                        "more_info": f"https://www.twilio.com/docs/errors/{code}",
                        "status": status,
                    },
                )

            def _json(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
