"""With CSRF protection on (as in production), a form post without its token is refused."""

from __future__ import annotations

import re

import pytest

from portal import create_app
from portal.extensions import db
from tests.helpers.records import event_kinds
from tests.helpers.webhooks import intent_event, stripe_signature


@pytest.fixture
def csrf_app(app):
    """The same app settings as the test app, but with CSRF protection switched on."""
    settings = {
        key: app.config[key]
        for key in (
            "PORTAL_ENV",
            "TESTING",
            "SECRET_KEY",
            "SQLALCHEMY_DATABASE_URI",
            "RATELIMIT_ENABLED",
            "PORTAL_BASE_URL",
            "STRIPE_SECRET_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "STRIPE_API_BASE",
            "STRIPE_JS_URL",
            "STRIPE_WEBHOOK_SECRET",
            "SMTP_HOST",
            "SMTP_PORT",
        )
    }
    protected = create_app({**settings, "WTF_CSRF_ENABLED": True})
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form has no csrf_token field"
    return match.group(1)


def test_verify_without_a_csrf_token_is_refused(csrf_app, make_account, issue_link):
    account = make_account()
    path = issue_link(account)
    client = csrf_app.test_client()
    client.get(path)

    response = client.post("/verify", data={"day": "27", "month": "3", "year": "1980"})

    assert response.status_code == 400
    assert client.get("/account").status_code == 303
    assert "identity_confirmed" not in event_kinds(account)
    assert "identity_failed" not in event_kinds(account)


def test_verify_with_a_forged_csrf_token_is_refused(csrf_app, make_account, issue_link):
    account = make_account()
    client = csrf_app.test_client()
    client.get(issue_link(account))
    response = client.post(
        "/verify", data={"day": "27", "month": "3", "year": "1980", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert "identity_confirmed" not in event_kinds(account)


def test_verify_with_the_pages_csrf_token_is_accepted(csrf_app, make_account, issue_link):
    account = make_account()
    client = csrf_app.test_client()
    client.get(issue_link(account))
    token = _csrf_token(client.get("/verify").text)

    response = client.post("/verify", data={"day": "27", "month": "3", "year": "1980", "csrf_token": token})

    assert response.status_code == 303
    assert client.get("/account").status_code == 200


def test_sign_out_without_a_csrf_token_is_refused(csrf_app, make_account, issue_link):
    account = make_account()
    client = csrf_app.test_client()
    client.get(issue_link(account))
    token = _csrf_token(client.get("/verify").text)
    client.post("/verify", data={"day": "27", "month": "3", "year": "1980", "csrf_token": token})

    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200


def _signed_in_client(csrf_app, account, issue_link):
    client = csrf_app.test_client()
    client.get(issue_link(account))
    token = _csrf_token(client.get("/verify").text)
    client.post("/verify", data={"day": "27", "month": "3", "year": "1980", "csrf_token": token})
    return client


def test_pay_without_a_csrf_token_is_refused_before_stripe_is_called(csrf_app, make_account, issue_link):
    account = make_account()
    client = _signed_in_client(csrf_app, account, issue_link)

    response = client.post("/pay", data={"setup_intent": "seti_anything"})

    assert response.status_code == 400
    assert "payment_started" not in event_kinds(account)
    assert "payment_failed" not in event_kinds(account)


def test_the_stripe_webhook_needs_no_csrf_token(csrf_app, make_account):
    body = intent_event("pi_unknown_to_the_portal")
    response = csrf_app.test_client().post(
        "/stripe/webhook",
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)},
    )
    assert response.status_code == 200
