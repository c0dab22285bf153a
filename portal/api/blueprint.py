"""The API's frame: the flask-smorest Api that builds the OpenAPI 3.1 document from the routes,
the blueprints every resource module makes, their key check and their per-key rate limit."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint

from portal.api import auth
from portal.api.errors import ErrorSchema
from portal.extensions import csrf, limiter

PREFIX = "/api/v1"
#: Each key's budget; a collection system pushing a nightly batch fits well inside it.
DEFAULT_RATE = "600 per minute"

SETTINGS = {
    "API_TITLE": "Debtor portal API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Push accounts, issue and send links, and read every outcome of one creditor. "
                "Authenticate with 'Authorization: Bearer <key>' (flask --app wsgi create-api-key). "
                "Amounts are decimal strings in the currency's major units. Every POST takes an "
                "Idempotency-Key header: the same key and body replay the first answer."
            )
        },
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    },
}


class PortalApi(Api):
    """flask-smorest's Api, documenting our error shape; portal/errors.py answers API paths."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # smorest would answer every HTTP error of the whole app in JSON, debtor pages included.
        pass


api = PortalApi()


def make_blueprint(name: str, description: str) -> SmorestBlueprint:
    """A resource's blueprint under /api/v1: key required, its own rate limit, no CSRF (no cookies)."""
    # "api_" keeps the names apart from the debtor pages' blueprints (links, disputes...).
    blueprint = SmorestBlueprint(f"api_{name}", __name__, url_prefix=PREFIX, description=description)
    blueprint.before_request(auth.authenticate)
    csrf.exempt(blueprint)
    # One budget per key across every API route: a limit per blueprint or per route would
    # let a key make DEFAULT_RATE requests to each of them.
    limiter.shared_limit(lambda: _rate(), scope="api", key_func=auth.rate_limit_key)(blueprint)
    return blueprint


def _rate() -> str:
    from flask import current_app

    return current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE


def init_api(app: Flask, blueprints: list[SmorestBlueprint]) -> None:
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    api.init_app(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
