"""The app's settings in tests: the test database, localstripe and the SMTP server."""

from __future__ import annotations

WEBHOOK_SECRET = "whsec_test_portal"  # noqa: S105 - a test value, not a secret


def app_config(url: str, localstripe, mail_server) -> dict:
    return {
        "PORTAL_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PORTAL_BASE_URL": "http://portal.test",
        "STRIPE_SECRET_KEY": "sk_test_portal",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_portal",
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_JS_URL": f"{localstripe.url}/js.stripe.com/v3/",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": mail_server.port,
        # Webhooks out to an address nothing answers (tests/api/seeding.py) fail fast.
        "WEBHOOK_CONNECT_TIMEOUT": 0.5,
        "WEBHOOK_READ_TIMEOUT": 2,
    }
