"""The income and spending check, and the plan or offer it suggests."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the affordability check's pages."""
    from portal.affordability.routes import bp

    app.register_blueprint(bp)
