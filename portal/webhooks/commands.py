"""Webhook commands: `flask --app wsgi add-webhook`, `list-webhooks`, `disable-webhook`,
`enable-webhook`, `remove-webhook`, `webhook-log` and `replay-webhooks`."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Creditor
from portal.models.webhooks import WebhookEndpoint
from portal.webhooks import delivery, endpoints
from portal.webhooks.events import EVENT_TYPES


def _creditor(slug: str) -> Creditor:
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == slug))
    if creditor is None:
        raise click.ClickException(f"No creditor {slug!r}")
    return creditor


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise click.ClickException(f"No webhook endpoint {endpoint_id}")
    return endpoint


def _types(endpoint: WebhookEndpoint) -> str:
    return ", ".join(endpoint.event_types) if endpoint.event_types else "all"


def _state(endpoint: WebhookEndpoint) -> str:
    if endpoint.disabled_reason and endpoint.disabled_reason != endpoint.state.value:
        return f"{endpoint.state.value} ({endpoint.disabled_reason})"
    return endpoint.state.value


@click.command("add-webhook")
@click.option("--creditor", "creditor_slug", required=True, help="The creditor whose events are sent.")
@click.argument("url")
@click.option(
    "--event",
    "event_types",
    multiple=True,
    type=click.Choice(EVENT_TYPES),
    help="An event type to send (repeat for several); every type when none is given.",
)
@click.option("--contact", "contact_email", help="Who is emailed if the endpoint is disabled for failing.")
def add_webhook_command(creditor_slug, url, event_types, contact_email):
    """Add a webhook endpoint for a creditor; prints its id and its signing secret, once."""
    creditor = _creditor(creditor_slug)
    production = current_app.config["PORTAL_ENV"] == "production"
    try:
        endpoint = endpoints.add(
            creditor, url, event_types=list(event_types), contact_email=contact_email, production=production
        )
    except endpoints.EndpointError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Endpoint {endpoint.id} for {creditor.slug}: {endpoint.url} (events: {_types(endpoint)})")
    click.echo(f"Signing secret (shown once; keep it with the receiver): {endpoint.secret}")


@click.command("list-webhooks")
@click.option("--creditor", "creditor_slug", help="Only this creditor's endpoints.")
@click.option("--all", "show_removed", is_flag=True, help="Include removed endpoints.")
def list_webhooks_command(creditor_slug, show_removed):
    """List webhook endpoints: id, creditor, state, URL, events and contact (never the secret)."""
    creditor = _creditor(creditor_slug) if creditor_slug else None
    found = endpoints.listed(creditor, removed=show_removed)
    if not found:
        click.echo("No webhook endpoints.")
    for endpoint in found:
        contact = endpoint.contact_email or "-"
        click.echo(
            f"{endpoint.id}\t{endpoint.creditor.slug}\t{_state(endpoint)}\t{endpoint.url}\t"
            f"events: {_types(endpoint)}\tcontact: {contact}"
        )


def _stop(endpoint_id: int, reason: str, done: str) -> None:
    endpoint = _endpoint(endpoint_id)
    try:
        endpoints.disable(endpoint, clock.now(), reason)
    except endpoints.EndpointError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Endpoint {endpoint.id} {done}: nothing more is sent to {endpoint.url}")


@click.command("disable-webhook")
@click.argument("endpoint_id", type=int)
def disable_webhook_command(endpoint_id):
    """Stop sending to an endpoint for now; what waits is sent when it is enabled again."""
    _stop(endpoint_id, endpoints.DISABLED, "disabled")


@click.command("remove-webhook")
@click.argument("endpoint_id", type=int)
def remove_webhook_command(endpoint_id):
    """Remove an endpoint for good (its delivery log is kept)."""
    _stop(endpoint_id, endpoints.REMOVED, "removed")


@click.command("enable-webhook")
@click.argument("endpoint_id", type=int)
def enable_webhook_command(endpoint_id):
    """Send to a disabled endpoint again, starting with the messages that waited."""
    endpoint = _endpoint(endpoint_id)
    try:
        waiting = endpoints.enable(endpoint, clock.now())
    except endpoints.EndpointError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Endpoint {endpoint.id} enabled; {waiting} waiting deliveries will be sent now")


@click.command("webhook-log")
@click.argument("endpoint_id", type=int)
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
def webhook_log_command(endpoint_id, limit):
    """The endpoint's delivery log, newest first: when, message, event, try, answer, time taken."""
    endpoint = _endpoint(endpoint_id)
    rows = delivery.attempt_log(endpoint.id, limit)
    if not rows:
        click.echo(f"No deliveries to endpoint {endpoint.id} yet.")
    for attempt, tried in rows:
        answer = f"HTTP {attempt.status_code}" if attempt.status_code is not None else "no answer"
        outcome = "delivered" if attempt.error is None else f"failed: {attempt.error}"
        click.echo(
            f"{attempt.attempted_at.isoformat(timespec='seconds')}\t{tried.message.public_id}\t"
            f"{tried.message.event_type}\t{answer}\t{attempt.duration_ms} ms\t{outcome}\t"
            f"now {tried.status.value}"
        )


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time like 2027-01-15T14:00:00Z") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no time zone; end it with Z or an offset like +00:00")
    return moment


@click.command("replay-webhooks")
@click.option("--since", "since", required=True, help="ISO time with a zone, e.g. 2027-01-15T00:00:00Z.")
@click.option("--creditor", "creditor_slug", help="Only this creditor's messages.")
@click.option("--endpoint", "endpoint_id", type=int, help="Only to this endpoint.")
def replay_webhooks_command(since, creditor_slug, endpoint_id):
    """Send again every message written since a moment, with its same webhook-id."""
    moment = _moment(since)
    creditor = _creditor(creditor_slug) if creditor_slug else None
    endpoint = _endpoint(endpoint_id) if endpoint_id is not None else None
    messages, deliveries = endpoints.replay(moment, clock.now(), creditor=creditor, endpoint=endpoint)
    db.session.commit()
    click.echo(f"Queued {deliveries} deliveries of {messages} messages written since {moment.isoformat()}")


def register_commands(app: Flask) -> None:
    """Add the webhook commands to the app's CLI."""
    for command in (
        add_webhook_command,
        list_webhooks_command,
        disable_webhook_command,
        remove_webhook_command,
        enable_webhook_command,
        webhook_log_command,
        replay_webhooks_command,
    ):
        app.cli.add_command(command)
