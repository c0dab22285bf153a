"""Headers on debtor pages: a nonce-based CSP that lets Stripe in, no referrer, no caching."""

from __future__ import annotations

import re

import pytest


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _nonce(sources: list[str]) -> str:
    nonces = [s for s in sources if s.startswith("'nonce-")]
    assert len(nonces) == 1, sources
    return nonces[0][len("'nonce-") : -1]


@pytest.fixture
def signed_in(sign_in, make_account, client):
    sign_in(make_account())
    return client


def test_account_page_csp_allows_scripts_by_nonce_and_from_stripe_only(signed_in, localstripe):
    response = signed_in.get("/account")
    assert response.status_code == 200
    policy = _policy(response)

    script_src = policy["script-src"]
    assert len(_nonce(script_src)) >= 16
    assert localstripe.url in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert localstripe.url in policy["connect-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_account_page_sends_no_referrer_and_is_not_cached(signed_in):
    response = signed_in.get("/account")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_each_response_gets_a_new_nonce(signed_in):
    first = _nonce(_policy(signed_in.get("/account"))["script-src"])
    second = _nonce(_policy(signed_in.get("/account"))["script-src"])
    assert first != second


def test_every_script_on_the_pay_page_carries_the_headers_nonce(signed_in):
    response = signed_in.get("/pay")
    assert response.status_code == 200
    nonce = _nonce(_policy(response)["script-src"])
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts, "the pay page loads Stripe.js and its own script"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def test_the_pay_page_loads_stripe_js_from_the_allowed_origin(signed_in, app, localstripe):
    response = signed_in.get("/pay")
    assert f'src="{app.config["STRIPE_JS_URL"]}"' in response.text
    assert app.config["STRIPE_JS_URL"].startswith(localstripe.url)


def _features(response) -> dict[str, str]:
    header = response.headers["Permissions-Policy"]
    return dict(part.strip().split("=", 1) for part in header.split(","))


@pytest.mark.parametrize("path", ["/", "/account", "/no-such-page", "/static/css/portal.css"])
def test_every_response_denies_camera_microphone_location_and_payment(client, localstripe, path):
    with client.get(path) as response:
        features = _features(response)
    for feature in ("camera", "microphone", "geolocation"):
        assert features[feature] == "()", features
    # The Payment Request API only for Stripe.js's own frames (its origin is localstripe's here),
    # never for the portal's pages ('self') or anything else.
    assert features["payment"] == f'("{localstripe.url}")'


def test_hsts_only_in_production(client, database_url, localstripe, mail_server):
    from portal import create_app
    from tests.helpers.settings import app_config

    assert "Strict-Transport-Security" not in client.get("/").headers
    production = create_app(
        {
            **app_config(database_url, localstripe, mail_server),
            "PORTAL_ENV": "production",
            "SECRET_KEY": "x" * 40,
        }
    )
    assert production.test_client().get("/").headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )
