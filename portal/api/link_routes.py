"""/api/v1/accounts/{id}/links: issue a magic link for the collection system to deliver itself, or
issue and send one through the outbox within the person's contact rules (as `send-link` does)."""

from __future__ import annotations

import marshmallow as ma

from portal import clock
from portal.api.auth import current_key, requires
from portal.api.blueprint import PREFIX, make_blueprint
from portal.api.errors import ApiError, ErrorSchema
from portal.api.idempotency import writes
from portal.api.scoping import account_or_404, of_account_or_404
from portal.links import sending
from portal.links import service as links
from portal.models import Message, MessageStatus
from portal.notify import rules

blp = make_blueprint("links", "Magic links: issue one, or issue and send one within the contact rules.")


def actor() -> str:
    """Who the timeline says acted: this API key, by its public prefix."""
    return f"api:{current_key().prefix}"


class LinkArgs(ma.Schema):
    days = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=1, max=365),
        metadata={"description": "Days until the link expires; the portal's default when absent."},
    )


class LinkSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "Give it only to the account's debtor."})
    expires_at = ma.fields.AwareDateTime(required=True)


@blp.route("/accounts/<int:account_id>/links", methods=["POST"])
@writes
@blp.arguments(LinkArgs)
@blp.response(201, LinkSchema)
@requires("links:write")
def issue_link(args, account_id):
    """Issue a link for the account (the collection system delivers it); 409 while on hold."""
    account = account_or_404(account_id)
    try:
        link = links.issue(account, days=args["days"], actor=actor())
    except links.AccountOnHold:
        raise ApiError(
            409, "account_on_hold", "The account is on hold while a dispute is reviewed; no link is issued."
        ) from None
    return {"id": link.id, "url": links.url_for_link(link), "expires_at": link.expires_at}


#: Why a link message may not go, as the stable code a 409 carries.
REFUSAL_CODES = {
    rules.NO_ADDRESS: "no_address",
    rules.OPTED_OUT: "opted_out",
    rules.ON_HOLD: "account_on_hold",
    rules.OVER_LIMIT: "contact_limit",
    "no_sms": "sms_unavailable",
}


class SendArgs(LinkArgs):
    channel = ma.fields.String(
        load_default="preferred",
        validate=ma.validate.OneOf(sending.ASKED),
        metadata={
            "description": "email, sms, or preferred: the person's chosen channel, else the other one "
            "when the chosen one is refused."
        },
    )


class MessageSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "The message's id in the outbox."})
    account_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "What it carries: link for a link."})
    channel = ma.fields.String(required=True, metadata={"enum": [rules.EMAIL, rules.SMS]})
    status = ma.fields.String(required=True, metadata={"enum": [s.value for s in MessageStatus]})
    scheduled_for = ma.fields.AwareDateTime(
        allow_none=True,
        required=True,
        metadata={"description": "When it goes, while it waits for the person's contact hours or a pause."},
    )
    reason = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Why it was refused or failed, or why it is being retried (a rule's code)."},
    )
    link_id = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "The link it carries, once written."}
    )
    sent_at = ma.fields.AwareDateTime(allow_none=True, required=True)


def message_data(message: Message, scheduled_for=None) -> dict:
    return {
        "id": message.id,
        "account_id": message.account_id,
        "kind": message.kind,
        "channel": message.channel,
        "status": message.status.value,
        "scheduled_for": scheduled_for,
        "reason": message.reason,
        "link_id": message.link_id,
        "sent_at": message.sent_at,
    }


@blp.route("/accounts/<int:account_id>/links/send", methods=["POST"])
@writes
@blp.arguments(SendArgs)
@blp.response(202, MessageSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The contact rules refuse it; the code says why.")
@requires("links:write")
def send_link(args, account_id):
    """Issue a link and send it to the person by email or text message, within their contact rules.

    The message is queued and sent by the task runner after this answer: within the person's
    contact hours, or else at the moment scheduled_for says. A refusal is a 409 whose code says
    why: no_address, opted_out, account_on_hold, contact_limit or sms_unavailable.
    """
    account = account_or_404(account_id)
    now = clock.now()
    try:
        message = sending.send(account, args["channel"], now, days=args["days"], actor=actor())
    except sending.Refused as refused:
        code = REFUSAL_CODES.get(refused.reason, refused.reason)
        words = sending.reason_words(refused.reason, refused.channel, account, now)
        how = sending.CHANNEL_NAMES[refused.channel]
        raise ApiError(409, code, f"Not sent by {how}: {words}.") from None
    data = message_data(message, sending.waits_until(account, message.channel, now))
    return data, 202, {"Location": f"{PREFIX}/messages/{message.id}"}


@blp.route("/messages/<int:message_id>", methods=["GET"])
@blp.response(200, MessageSchema)
@requires("accounts:read")
def read_message(message_id):
    """What became of a message sent to one of the creditor's debtors (its text is not shown)."""
    message = of_account_or_404(Message, message_id, "message")
    waiting = message.status is MessageStatus.QUEUED and message.not_before > clock.now()
    return message_data(message, message.not_before if waiting else None)
