"""Kind error pages: never a stack trace, always a way to reach a person."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("portal")
API_PATH = "/api/"


def _for_api() -> bool:
    return request.path.startswith(API_PATH)


def _page(error, code: int):
    """A kind page for people; the API's JSON error for collection systems."""
    if _for_api():
        from portal.api.errors import from_http

        return from_http(error if isinstance(error, HTTPException) else _as_http(code))
    return render_template("errors/error.html", code=code), code


def _as_http(code: int) -> HTTPException:
    from werkzeug.exceptions import default_exceptions

    return default_exceptions[code]()


def init_app(app: Flask) -> None:
    from portal.api.errors import ApiError, from_api_error

    app.register_error_handler(ApiError, from_api_error)

    @app.errorhandler(HTTPException)
    def _other_http(error):
        # Codes without a page of their own keep Werkzeug's answer, except on the API.
        if _for_api():
            from portal.api.errors import from_http

            return from_http(error)
        return error

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/timed_out.html"), 400

    @app.errorhandler(403)
    def _forbidden(error):
        return _page(error, 403)

    @app.errorhandler(404)
    def _not_found(error):
        return _page(error, 404)

    @app.errorhandler(405)
    def _method(error):
        return _page(error, 405)

    @app.errorhandler(429)
    def _too_many(error):
        return _page(error, 429)

    @app.errorhandler(500)
    def _server_error(error):
        log.exception("unhandled error")
        return _page(error, 500)
