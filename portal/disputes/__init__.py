"""When the debtor disagrees: the validation information page, disputes and their evidence,
and the collector commands that list and resolve them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the disputes pages and the collector's dispute commands."""
    # Imported here, not at module level, so that importing the dispute service does not load the pages.
    from portal.disputes import pages, routes  # noqa: F401  (they add their routes to bp)
    from portal.disputes.blueprint import bp
    from portal.disputes.commands import register_commands

    app.register_blueprint(bp)
    register_commands(app)
