"""Magic links: issuing, checking and revoking them, and the pages that open them and check identity."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages that open a link and check identity."""
    from portal.links.routes import bp

    app.register_blueprint(bp)
