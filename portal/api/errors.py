"""The API's errors: JSON with a stable code, a message and, for validation, the field."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

#: Stable codes for the HTTP errors the framework raises; a client branches on these, not on text.
HTTP_CODES = {
    400: ("bad_request", "The request cannot be read."),
    401: ("unauthorized", "A valid API key is needed: send it as 'Authorization: Bearer <key>'."),
    403: ("forbidden", "This API key may not do that."),
    404: ("not_found", "There is nothing at this address for this API key."),
    405: ("method_not_allowed", "This address does not take that method."),
    406: ("not_acceptable", "This API answers in JSON only."),
    409: ("conflict", "The request conflicts with the current state."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON (Content-Type: application/json)."),
    422: ("invalid", "A value in the request is not valid."),
    429: ("rate_limited", "Too many requests for this API key; wait and try again."),
    500: ("server_error", "Something went wrong on our side; the request may be retried."),
}


class ApiError(Exception):
    """An answer the API gives on purpose, e.g. ApiError(409, "account_on_hold", "...")."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class ErrorDetail(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable, machine-readable code."})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for a person."})
    field = ma.fields.String(
        allow_none=True, metadata={"description": "For validation errors, the field at fault."}
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetail, required=True)


def body(status: int, code: str, message: str, field: str | None = None) -> Response:
    detail = {"code": code, "message": message}
    if field:
        detail["field"] = field
    response = jsonify({"error": detail})
    response.status_code = status
    if status == 401:  # RFC 9110: a 401 names the scheme that would be accepted
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def from_api_error(error: ApiError) -> Response:
    return body(error.status, error.code, error.message, error.field)


def from_http(error: HTTPException) -> Response:
    """An HTTP error raised by Flask, webargs or the limiter, in the API's JSON shape."""
    status = error.code or 500
    code, message = HTTP_CODES.get(status, ("error", error.description or "The request failed."))
    field = None
    data = getattr(error, "data", None) or {}
    if status == 422 and data.get("messages"):
        field, message = _first_problem(data["messages"])
    response = body(status, code, message, field)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _first_problem(messages: dict) -> tuple[str | None, str]:
    """webargs nests problems as {location: {field: [text]}}; the first names the field."""
    for location in ("json", "query", "path", "files", "form", "headers"):
        problems = messages.get(location)
        if isinstance(problems, dict) and problems:
            path, text = _flatten(problems)
            return path, text
    return None, "A value in the request is not valid."


def _flatten(problems: dict, prefix: str = "") -> tuple[str, str]:
    name, value = next(iter(problems.items()))
    path = f"{prefix}.{name}" if prefix else str(name)
    if isinstance(value, dict):
        return _flatten(value, path)
    if isinstance(value, list) and value:
        first = value[0]
        if isinstance(first, dict):
            return _flatten(first, path)
        return path, str(first)
    return path, str(value)
