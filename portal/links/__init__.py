"""Magic links: issuing, checking and revoking them, and the pages that open them and check identity."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages that open a link and check identity, and the writer of link messages."""
    from portal.links import messages  # noqa: F401 - registers the outbox's writer of link messages
    from portal.links.routes import bp

    app.register_blueprint(bp)
