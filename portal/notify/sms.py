"""Send text messages: through Twilio when it is configured, else printed (development only).

The outbox's sender talks to the small `SmsSender` interface below, so another provider can be
added beside Twilio without touching it. Only this module imports `twilio`.
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

import requests
from flask import current_app

log = logging.getLogger("portal.sms")

#: Twilio error codes that say the number can never receive our texts (not a mobile, not a
#: number, on a do-not-send list); trying again would only fail again.
UNREACHABLE = frozenset({21211, 21214, 21217, 21407, 21408, 21421, 21610, 21612, 21614})
#: The recipient replied STOP to our number: Twilio will not deliver until they reply START.
UNSUBSCRIBED = 21610


class SmsUnavailable(RuntimeError):
    """No provider is configured and this is not a development portal."""


class SmsNotSent(Exception):
    """The provider did not take the message.

    *code* is the provider's error code or the kind of failure (no number or text in it: it goes
    on the timeline). *transient*: trying again later may help. *maybe_sent*: the request reached
    the provider and no answer came back, so it may have gone; it must not be sent again.
    *unreachable*: the number can never receive it.
    """

    def __init__(self, code: str, *, transient: bool, maybe_sent: bool = False, unreachable: bool = False):
        super().__init__(code)
        self.code = code
        self.transient = transient
        self.maybe_sent = maybe_sent
        self.unreachable = unreachable


class SmsSender(Protocol):
    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        """Hand *body* to the provider for *to* (E.164); returns the provider's message id."""


class TwilioSender:
    """Twilio's Messages API through the official client."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str = "",
        messaging_service_sid: str = "",
        api_base: str = "",
        timeout: float = 15,
    ):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        if not (from_number or messaging_service_sid):
            raise SmsUnavailable("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is needed")
        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if api_base:
            # Tests point the client at a local stand-in; everything else stays the client's own.
            self._client.api.base_url = api_base.rstrip("/")
        self._from = from_number
        self._service = messaging_service_sid

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        from twilio.base.exceptions import TwilioRestException

        options = {"to": to, "body": body}
        if self._service:
            options["messaging_service_sid"] = self._service
        else:
            options["from_"] = self._from
        if status_callback:
            options["status_callback"] = status_callback
        try:
            message = self._client.messages.create(**options)
        except TwilioRestException as error:
            raise _refused(error) from error
        except requests.RequestException as error:
            raise _no_answer(error) from error
        return message.sid


def _no_answer(error: requests.RequestException) -> SmsNotSent:
    # Only a connection that was never made proves the message did not go; a request cut off or
    # left unanswered may have been taken, and a second text would be one too many.
    never_connected = isinstance(error, requests.ConnectTimeout) or (
        isinstance(error, requests.ConnectionError) and _refused_connection(error)
    )
    if never_connected:
        return SmsNotSent("provider_unreachable", transient=True)
    return SmsNotSent("provider_no_answer", transient=False, maybe_sent=True)


def _refused_connection(error: requests.ConnectionError) -> bool:
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)


def _refused(error) -> SmsNotSent:
    code = error.code
    label = f"twilio_{code}" if code else f"http_{error.status}"
    if code in UNREACHABLE:
        return SmsNotSent(label, transient=False, unreachable=True)
    # Too many requests, or the provider's own trouble: the message was not taken; try later.
    transient = error.status == 429 or error.status >= 500
    return SmsNotSent(label, transient=transient)


class ConsoleSender:
    """Prints each message instead of sending it: for the demo and development only. It prints to
    the terminal, not the log, whose filter would hide the link the developer wants to open."""

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        print(
            f"TEXT MESSAGE to {to} (printed, not sent: no SMS provider is configured):\n{body}\n", flush=True
        )
        return f"console-{uuid.uuid4().hex}"


def signature_valid(token: str, url: str, fields: dict[str, str], signature: str) -> bool:
    """True when *signature* is Twilio's for a POST of *fields* to *url*, signed with *token*."""
    from twilio.request_validator import RequestValidator

    return RequestValidator(token).validate(url, fields, signature)


def reply_xml(text: str | None) -> str:
    """The TwiML answer to an inbound text: nothing to send back, or *text* (escaped)."""
    from twilio.twiml.messaging_response import MessagingResponse

    reply = MessagingResponse()
    if text:
        reply.message(text)
    return str(reply)


def twilio_configured(config) -> bool:
    """True when the Twilio settings are all there."""
    return bool(
        config.get("TWILIO_ACCOUNT_SID")
        and config.get("TWILIO_AUTH_TOKEN")
        and (config.get("TWILIO_FROM") or config.get("TWILIO_MESSAGING_SERVICE_SID"))
    )


def sms_available(config) -> bool:
    """True when texts can go: a provider, or the console in development and tests."""
    return twilio_configured(config) or config.get("PORTAL_ENV") != "production"


def sender_from_config(config) -> SmsSender:
    """The sender the settings ask for; in production without Twilio, SmsUnavailable."""
    if twilio_configured(config):
        return TwilioSender(
            config["TWILIO_ACCOUNT_SID"],
            config["TWILIO_AUTH_TOKEN"],
            from_number=config.get("TWILIO_FROM", ""),
            messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID", ""),
            api_base=config.get("TWILIO_API_BASE", ""),
        )
    if config.get("PORTAL_ENV") == "production":
        raise SmsUnavailable("no SMS provider is configured")
    return ConsoleSender()


def current_sender() -> SmsSender:
    """The sender for the running app."""
    return sender_from_config(current_app.config)
