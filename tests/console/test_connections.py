"""Admins see each creditor's API keys and webhook endpoints on the Connections page and may
revoke a key there; nobody else reaches it, and a limited admin sees only their creditors'."""

from __future__ import annotations

from portal.api import keys
from portal.extensions import db
from portal.models import Creditor, StaffAudit
from portal.models.webhooks import WebhookEndpoint


def _key(slug: str, name: str):
    creditor = db.session.scalar(db.select(Creditor).where(Creditor.slug == slug))
    key, token = keys.create(creditor, name)
    db.session.commit()
    return key, token


def test_only_admins_reach_connections(make_account, make_staff, console_sign_in):
    make_account()
    for role in ("agent", "supervisor"):
        client = console_sign_in(make_staff(f"{role}@example.com", role))
        assert client.get("/console/connections").status_code == 403
        assert "Connections</a>" not in client.get("/console/").text


def test_an_admin_sees_keys_and_endpoints_and_revokes_a_key(app, make_account, make_staff, console_sign_in):
    make_account()
    key, token = _key("acme", "nightly sync")
    creditor = db.session.get(Creditor, key.creditor_id)
    db.session.add(
        WebhookEndpoint(creditor=creditor, url="https://hooks.example.com/portal", secret="whsec_x")
    )
    db.session.commit()
    client = console_sign_in(make_staff("admin@example.com", "admin"))
    page = client.get("/console/connections")
    assert page.status_code == 200
    assert key.prefix in page.text and "nightly sync" in page.text
    assert "https://hooks.example.com/portal" in page.text
    assert token not in page.text and key.key_hash not in page.text and "whsec_x" not in page.text

    api = app.test_client()
    assert api.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    done = client.post(f"/console/connections/keys/{key.id}/revoke", follow_redirects=True)
    assert f"API key {key.prefix} is revoked" in done.text
    assert api.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    entry = db.session.scalar(db.select(StaffAudit).where(StaffAudit.kind == "api_key_revoked"))
    assert entry.detail == {"prefix": key.prefix}


def test_a_limited_admin_sees_and_revokes_only_their_creditors_keys(
    make_account, make_staff, console_sign_in
):
    make_account()
    make_account("B-1", creditor_slug="bravo", creditor_name="Bravo Loans")
    mine, _ = _key("acme", "acme system")
    theirs, _ = _key("bravo", "bravo system")
    client = console_sign_in(make_staff("admin@example.com", "admin", creditors=["acme"]))
    page = client.get("/console/connections")
    assert mine.prefix in page.text and theirs.prefix not in page.text
    assert client.post(f"/console/connections/keys/{theirs.id}/revoke").status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None
