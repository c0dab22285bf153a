"""Kind error pages: never a stack trace, always a way to reach a person."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

log = logging.getLogger("portal")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/timed_out.html"), 400

    @app.errorhandler(403)
    def _forbidden(error):
        return render_template("errors/error.html", code=403), 403

    @app.errorhandler(404)
    def _not_found(error):
        return render_template("errors/error.html", code=404), 404

    @app.errorhandler(405)
    def _method(error):
        return render_template("errors/error.html", code=405), 405

    @app.errorhandler(429)
    def _too_many(error):
        return render_template("errors/error.html", code=429), 429

    @app.errorhandler(500)
    def _server_error(error):
        log.exception("unhandled error")
        return render_template("errors/error.html", code=500), 500
