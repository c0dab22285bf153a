"""/api/v1/webhooks: the key's creditor's webhook endpoints (list, add, read, remove) and each
endpoint's delivery log. The signing secret is shown once, in the answer that adds the endpoint."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from sqlalchemy import select

from portal import clock
from portal.api.auth import creditor, requires
from portal.api.blueprint import make_blueprint
from portal.api.errors import ApiError
from portal.api.idempotency import withhold_on_replay, writes
from portal.api.pagination import PageArgs, page, page_schema
from portal.extensions import db
from portal.models.webhooks import EndpointState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal.webhooks import endpoints
from portal.webhooks.events import EVENT_TYPES

blp = make_blueprint(
    "webhooks", "Webhook endpoints told of every outcome (Standard Webhooks), and their logs."
)


class EndpointArgs(ma.Schema):
    url = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"description": "Where events are POSTed; https in production."},
    )
    event_types = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(EVENT_TYPES)),
        load_default=None,
        metadata={"description": "The event types to send; every type (including later ones) when absent."},
    )
    contact_email = ma.fields.Email(
        load_default=None, metadata={"description": "Emailed if the endpoint is disabled for failing."}
    )


class EndpointSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True)
    event_types = ma.fields.List(
        ma.fields.String(), allow_none=True, required=True, metadata={"description": "null: every type."}
    )
    contact_email = ma.fields.String(allow_none=True, required=True)
    state = ma.fields.String(required=True, metadata={"enum": ["enabled", "disabled"]})
    disabled_reason = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "disabled (by a person) or failing."}
    )
    disabled_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class NewEndpointSchema(EndpointSchema):
    secret = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": (
                "The signing secret (whsec_...), shown only in this answer: null when the answer is "
                "replayed for the same Idempotency-Key (the secret is not kept with the answer)."
            )
        },
    )


class AttemptSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    message_id = ma.fields.String(required=True, metadata={"description": "The webhook-id header sent."})
    event_type = ma.fields.String(required=True, metadata={"enum": list(EVENT_TYPES)})
    attempted_at = ma.fields.AwareDateTime(required=True)
    status_code = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "null when no answer came in time."}
    )
    duration_ms = ma.fields.Integer(required=True)
    error = ma.fields.String(allow_none=True, required=True, metadata={"description": "null when delivered."})
    delivery_status = ma.fields.String(
        required=True, metadata={"enum": ["pending", "failed", "delivered", "abandoned"]}
    )


EndpointPage = page_schema(EndpointSchema, "WebhookEndpointPage")
AttemptPage = page_schema(AttemptSchema, "WebhookAttemptPage")


def endpoint_data(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "contact_email": endpoint.contact_email,
        "state": endpoint.state.value,
        "disabled_reason": endpoint.disabled_reason,
        "disabled_at": endpoint.disabled_at,
        "created_at": endpoint.created_at,
    }


def _mine():
    return select(WebhookEndpoint).where(
        WebhookEndpoint.creditor_id == creditor().id, WebhookEndpoint.state != EndpointState.REMOVED
    )


def endpoint_or_404(webhook_id: int) -> WebhookEndpoint:
    """The key's creditor's endpoint with this id; 404 for any other, or one removed."""
    endpoint = db.session.scalar(_mine().where(WebhookEndpoint.id == webhook_id))
    if endpoint is None:
        raise ApiError(404, "not_found", "There is no webhook endpoint with this id for this API key.")
    return endpoint


@blp.route("/webhooks", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, EndpointPage)
@requires("webhooks:manage")
def list_webhooks(limit, cursor):
    """The creditor's webhook endpoints, oldest first (never their secrets)."""
    rows, next_cursor = page(_mine(), WebhookEndpoint.id, limit=limit, cursor=cursor)
    return {"data": [endpoint_data(row) for row in rows], "next_cursor": next_cursor}


@blp.route("/webhooks", methods=["POST"])
@writes
@blp.arguments(EndpointArgs)
@blp.response(201, NewEndpointSchema)
@requires("webhooks:manage")
def add_webhook(args):
    """Add an endpoint; the answer holds its signing secret, which is not shown again."""
    try:
        endpoint = endpoints.add(
            creditor(),
            args["url"],
            event_types=args["event_types"],
            contact_email=args["contact_email"],
            production=current_app.config["PORTAL_ENV"] == "production",
        )
    except endpoints.EndpointError as error:
        raise ApiError(422, "invalid", str(error), field=error.field) from None
    withhold_on_replay("secret")
    return {**endpoint_data(endpoint), "secret": endpoint.secret}


@blp.route("/webhooks/<int:webhook_id>", methods=["GET"])
@blp.response(200, EndpointSchema)
@requires("webhooks:manage")
def read_webhook(webhook_id):
    """One endpoint: its URL, event types, and whether it is enabled (and if not, why)."""
    return endpoint_data(endpoint_or_404(webhook_id))


@blp.route("/webhooks/<int:webhook_id>", methods=["DELETE"])
@writes
@blp.response(204)
@requires("webhooks:manage")
def remove_webhook(webhook_id):
    """Remove the endpoint: nothing more is sent to it (its log is kept, but no longer served)."""
    endpoints.disable(endpoint_or_404(webhook_id), clock.now(), endpoints.REMOVED)


@blp.route("/webhooks/<int:webhook_id>/deliveries", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, AttemptPage)
@requires("webhooks:manage")
def webhook_log(webhook_id, limit, cursor):
    """The endpoint's delivery log, oldest try first: each try's message, answer and time taken."""
    endpoint = endpoint_or_404(webhook_id)
    query = select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id)
    rows, next_cursor = page(query, WebhookAttempt.id, limit=limit, cursor=cursor)
    return {"data": [_attempt_data(row) for row in rows], "next_cursor": next_cursor}


def _attempt_data(attempt: WebhookAttempt) -> dict:
    delivery: WebhookDelivery = attempt.delivery
    return {
        "id": attempt.id,
        "message_id": delivery.message.public_id,
        "event_type": delivery.message.event_type,
        "attempted_at": attempt.attempted_at,
        "status_code": attempt.status_code,
        "duration_ms": attempt.duration_ms,
        "error": attempt.error,
        "delivery_status": delivery.status.value,
    }
