"""Who is asking: the bearer key of one creditor, found once per request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask_limiter.util import get_remote_address

from portal.api import keys
from portal.api.errors import ApiError
from portal.models import Creditor
from portal.models.api import ApiKey

_NONE = object()


def key_or_none() -> ApiKey | None:
    """The request's API key when it is valid; looked up once per request."""
    found = g.get("api_key", _NONE)
    if found is _NONE:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        found = keys.find(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        g.api_key = found
    return found


def authenticate() -> None:
    """Every API request but the document needs a valid key (a blueprint's before_request)."""
    if key_or_none() is None:
        raise ApiError(401, "unauthorized", "A valid API key is needed: send 'Authorization: Bearer <key>'.")


def current_key() -> ApiKey:
    key = key_or_none()
    if key is None:  # authenticate() runs first on every API blueprint; this is a guard
        raise ApiError(401, "unauthorized", "A valid API key is needed.")
    return key


def creditor() -> Creditor:
    """The creditor whose data this request may read and write: the key's, and no other."""
    return current_key().creditor


def rate_limit_key() -> str:
    """Each key has its own budget; requests without a valid key share their address's."""
    key = key_or_none()
    return f"api-key:{key.id}" if key is not None else f"api-anon:{get_remote_address()}"


def requires(scope: str) -> Callable:
    """Refuse (403) a key made without *scope*."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if scope not in (current_key().scopes or ()):
                raise ApiError(403, "insufficient_scope", f"This API key lacks the scope {scope}.")
            return view(*args, **kwargs)

        return wrapper

    return decorate
