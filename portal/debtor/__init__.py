"""The debtor's pages after the identity check: the overview of what is owed and the options to pay it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the overview and the options page."""
    from portal.debtor import options, routes  # noqa: F401  (they add their routes to bp)
    from portal.debtor.blueprint import bp

    app.register_blueprint(bp)
