"""What Twilio tells us after a text has gone: its delivery status, and the replies people send.

Both are verified with Twilio's signature (HMAC of our URL and the posted fields with the auth
token) before anything is read. A reply of STOP stops texts to everyone with that number, START
lets them again (Twilio confirms those to the person itself), HELP is answered with who we are.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from portal import clock, timeline
from portal.domain import phones
from portal.extensions import csrf, db
from portal.i18n import person_language
from portal.models import Debtor, Message, MessageStatus
from portal.notify import optout, rules, sms

bp = Blueprint("sms_webhooks", __name__)
log = logging.getLogger("portal.sms")

#: Replies that stop or restart texts (the carriers' standard keywords, as Twilio reads them).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})

#: Twilio's final statuses and what they make of our message.
_FINAL = {
    "delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}


def _genuine() -> bool:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return False
    # Twilio signs the URL it was given: ours as configured, not as a proxy rewrote it.
    url = current_app.config["PORTAL_BASE_URL"].rstrip("/") + request.full_path.rstrip("?")
    signature = request.headers.get("X-Twilio-Signature", "")
    return sms.signature_valid(token, url, request.form.to_dict(), signature)


@bp.post("/sms/status")
@csrf.exempt  # Twilio posts with its signature, not a form token
def status():
    """Record a text's delivery outcome once; later or repeated callbacks change nothing."""
    if not _genuine():
        log.warning("SMS status callback with a bad signature refused")
        return {"error": "invalid signature"}, 403
    sid, state = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    outcome = _FINAL.get(state)
    if not sid or outcome is None:
        return "", 204  # queued, sending, sent: nothing final yet
    now = clock.now()
    changed = db.session.execute(
        update(Message)
        .where(
            Message.provider_id == sid,
            Message.channel == rules.SMS,
            Message.status.in_((MessageStatus.SENT, MessageStatus.UNCONFIRMED)),
        )
        .values(status=outcome, status_at=now, reason=_reason(state))
        .returning(Message.id)
    ).scalar()
    if changed is None:
        db.session.rollback()
        return "", 204  # unknown to us, or already settled
    message = db.session.get(Message, changed)
    facts = {"message_id": message.id, "about": message.kind, "channel": rules.SMS}
    if outcome == MessageStatus.DELIVERED:
        timeline.record(message.account, "message_delivered", **facts)
    else:
        timeline.record(message.account, "message_failed", error=message.reason, **facts)
    db.session.commit()
    return "", 204


def _reason(state: str) -> str | None:
    if state == "delivered":
        return None
    code = request.form.get("ErrorCode", "")
    return f"twilio_{code}"[:60] if code.isdigit() else state


@bp.post("/sms/inbound")
@csrf.exempt
def inbound():
    """A reply to our number: STOP and START change what we may send, HELP is answered with who
    we are and how to reach a person; the rest is noted."""
    if not _genuine():
        log.warning("inbound SMS with a bad signature refused")
        return {"error": "invalid signature"}, 403
    number = phones.normalize_phone(request.form.get("From", ""))
    word = (request.form.get("OptOutType") or request.form.get("Body", "")).strip().upper()
    people = _people_with(number) if number else []
    for debtor in people:
        if word in STOP_WORDS:
            optout.record_opt_out(debtor, rules.SMS, actor="debtor")
            _note(debtor, "sms_stop_received")
        elif word in START_WORDS:
            optout.cancel_opt_out(debtor, rules.SMS, actor="debtor")
            _note(debtor, "sms_start_received")
        elif word in HELP_WORDS:
            _note(debtor, "sms_help_received")
        else:
            # The words themselves are not kept on the timeline: a person reads them in Twilio.
            _note(debtor, "sms_received", sid=request.form.get("MessageSid", "")[:40])
    if not people:
        log.info("a text from a number we do not hold was noted nowhere")
    if word in HELP_WORDS:
        person = people[0] if people else None
        return _answer(help_text(person.language, optout.country_of(person)) if person else help_text(None))
    return _answer(None)


def help_text(language: str | None, country: str | None = None) -> str:
    """Who we are and how to reach a person, in *language* for a reader in *country*: the answer
    to HELP."""
    with force_locale(person_language(language, country)):
        return _(
            "%(collector)s: call %(phone)s or write to %(email)s. Reply STOP to stop texts.",
            collector=current_app.config["COLLECTOR_NAME"],
            phone=current_app.config["COLLECTOR_PHONE"],
            email=current_app.config["COLLECTOR_EMAIL"],
        )


def _answer(text: str | None) -> Response:
    """TwiML: nothing to send back, or one message."""
    return Response(sms.reply_xml(text), mimetype="text/xml")


def _people_with(number: str) -> list[Debtor]:
    """Everyone whose phone, however it was written, is *number*."""
    tail = phones.national_digits(number)[-4:]
    candidates = db.session.scalars(select(Debtor).where(Debtor.phone.like(f"%{tail}%"))).all()
    return [d for d in candidates if phones.normalize_phone(d.phone) == number]


def _note(debtor: Debtor, kind: str, **facts) -> None:
    for account in debtor.accounts:
        timeline.record(account, kind, actor="debtor", channel=rules.SMS, **facts)
    db.session.commit()
