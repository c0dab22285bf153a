"""Response headers every page gets: CSP with nonces, no referrer leaks, no caching of debts, no
powerful browser features, and (in production) HTTPS only."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g, request

from portal.look import image_origins


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def stripe_origins(config) -> tuple[str, str]:
    """(script origin, API origin) the browser must reach for card entry."""
    script = _origin(config["STRIPE_JS_URL"]) or "https://js.stripe.com"
    api = _origin(config["STRIPE_API_BASE"]) or "https://api.stripe.com"
    return script, api


def content_security_policy(nonce: str, config) -> str:
    script, api = stripe_origins(config)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}' {script}",
            "style-src 'self'",
            " ".join(["img-src 'self' data:", *image_origins(config)]),
            f"connect-src 'self' {script} {api}",
            f"frame-src {script} https://hooks.stripe.com",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


#: For a year, browsers reach the portal's host (and its subdomains) over HTTPS only.
HSTS = "max-age=31536000; includeSubDomains"


def permissions_policy(config) -> str:
    """No camera, microphone, location or sensors for anyone; the Payment Request API only inside
    Stripe's own frames (its wallets), never for the portal's pages or anything else they embed."""
    script, _ = stripe_origins(config)
    denied = ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "usb")
    return ", ".join([*(f"{feature}=()" for feature in denied), f'payment=("{script}")'])


def init_app(app: Flask) -> None:
    production = app.config["PORTAL_ENV"] == "production"
    features = permissions_policy(app.config)

    @app.before_request
    def _make_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def _nonce():
        return {"csp_nonce": g.get("csp_nonce", "")}

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce") or secrets.token_urlsafe(16)
        response.headers["Content-Security-Policy"] = content_security_policy(nonce, app.config)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = features
        if production:
            response.headers["Strict-Transport-Security"] = HSTS
        if request.endpoint != "static" and not response.cache_control.public:
            # Pages here show or lead to a debt: never keep them in a shared cache or history. Only
            # what says it is public (the brand stylesheet, the favicon: portal/look.py) is cached.
            response.headers["Cache-Control"] = "no-store"
        return response
