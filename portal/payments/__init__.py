"""Card payments: the Stripe gateway, paying in full, in part or to settle, recording each payment
exactly once."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the payment pages, Stripe's webhook and the payment commands."""
    # Imported here, not at module level, so that importing the payment service does not load the pages.
    from portal.payments import part_routes, routes  # noqa: F401  (they add their routes to bp)
    from portal.payments.blueprint import bp
    from portal.payments.commands import register_commands
    from portal.payments.webhook import bp as webhook_bp

    app.register_blueprint(bp)
    app.register_blueprint(webhook_bp)
    register_commands(app)
