"""The JSON API for collection systems: accounts, links, outcomes, decisions and policies of the
key's creditor, described by an OpenAPI 3.1 document produced from the routes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API's routes and document, and the API-key commands."""
    from portal.api import (
        account_routes,
        account_writes,  # noqa: F401  (adds its routes to the accounts blueprint)
        dispute_routes,
        import_routes,
        link_routes,
        offer_routes,
        payment_routes,
        policy_routes,
        support_request_routes,
        timeline_routes,
        webhook_routes,
    )
    from portal.api.blueprint import init_api
    from portal.api.key_commands import register_commands

    init_api(
        app,
        [
            account_routes.blp,
            link_routes.blp,
            timeline_routes.blp,
            payment_routes.blp,
            dispute_routes.blp,
            offer_routes.blp,
            support_request_routes.blp,
            policy_routes.blp,
            webhook_routes.blp,
            import_routes.blp,
        ],
    )
    register_commands(app)
