"""When the debtor cannot pay right now: a promise to pay, a hardship call-back, the pause."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the "I can't pay right now" pages."""
    # Imported here, not at module level, so that importing the promise rules does not load the pages.
    from portal.cant_pay import callback_routes, promise_routes, routes  # noqa: F401  (they add their routes to bp)
    from portal.cant_pay.blueprint import bp

    app.register_blueprint(bp)
