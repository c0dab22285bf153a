"""Connections (admins): the API keys of each creditor's collection system and its webhook
endpoints, with what each last did; a key can be revoked here."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.console import audit
from portal.console.access import creditor_ids, requires, staff
from portal.console.blueprint import bp
from portal.extensions import db
from portal.models import StaffRole
from portal.models.api import ApiKey
from portal.models.types import utcnow
from portal.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def _endpoints(ids: list[int]) -> list[tuple[WebhookEndpoint, dict]]:
    """Each endpoint of these creditors with its deliveries counted by status."""
    endpoints = list(
        db.session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.creditor_id.in_(ids)).order_by(WebhookEndpoint.id)
        )
    )
    counts: dict[int, dict] = {endpoint.id: {} for endpoint in endpoints}
    if endpoints:
        rows = db.session.execute(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count())
            .where(WebhookDelivery.endpoint_id.in_(list(counts)))
            .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.status)
        )
        for endpoint_id, status, number in rows:
            counts[endpoint_id][DeliveryStatus(status).value] = number
    return [(endpoint, counts[endpoint.id]) for endpoint in endpoints]


@bp.route("/connections")
@requires(StaffRole.ADMIN)
def connections():
    ids = creditor_ids()
    keys = list(db.session.scalars(select(ApiKey).where(ApiKey.creditor_id.in_(ids)).order_by(ApiKey.id)))
    return render_template("console/connections.html", keys=keys, endpoints=_endpoints(ids))


@bp.route("/connections/keys/<int:key_id>/revoke", methods=["POST"])
@requires(StaffRole.ADMIN)
def revoke_api_key(key_id: int):
    key = db.session.get(ApiKey, key_id)
    if key is None or key.creditor_id not in creditor_ids():
        abort(404)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record("api_key_revoked", staff=staff(), by=staff(), prefix=key.prefix)
        db.session.commit()
    flash(_("API key %(prefix)s is revoked: requests with it are refused from now on.", prefix=key.prefix))
    return redirect(url_for("console.connections"))
