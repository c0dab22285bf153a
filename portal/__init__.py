"""The debtor self-service payment portal."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import INSTANCE_DIR, MIGRATIONS_DIR, ConfigError, load_config, unshared_rate_limits
from portal.extensions import babel, csrf, db, limiter, migrate


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the environment; *overrides* replace settings (used by tests)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_mapping(load_config(overrides))
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_MINUTES"])
    _refuse_unshared_rate_limits(app)
    if app.config["TRUSTED_PROXY_HOPS"]:
        # Only a proxy we were told about may name the client (the rate limiter's key) or the scheme.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from portal import compression, i18n, log_redaction, look, security, url_converters

    url_converters.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    look.init_app(app)
    compression.init_app(app)
    logging.getLogger("portal").setLevel(logging.INFO)
    log_redaction.install()

    from portal import (
        affordability,
        api,
        cant_pay,
        collector,
        console,
        debtor,
        disputes,
        errors,
        guidance,
        links,
        offers,
        payments,
        plans,
        preferences,
        webhooks,
    )
    from portal.notify.optout import bp as optout_bp
    from portal.notify.sms_webhooks import bp as sms_bp

    # The order of registration is the order Flask matches routes in; it is kept as it was.
    links.init_app(app)
    debtor.init_app(app)
    disputes.init_app(app)
    payments.init_app(app)
    app.register_blueprint(optout_bp)
    app.register_blueprint(sms_bp)
    plans.init_app(app)
    offers.init_app(app)
    affordability.init_app(app)
    cant_pay.init_app(app)
    preferences.init_app(app)
    guidance.init_app(app)
    errors.init_app(app)
    collector.init_app(app)
    console.init_app(app)
    api.init_app(app)
    webhooks.init_app(app)
    return app


def _refuse_unshared_rate_limits(app: Flask) -> None:
    """gunicorn.conf.py's refusal, for servers that give their worker count in WEB_CONCURRENCY."""
    try:
        workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    except ValueError:
        workers = 1
    reason = unshared_rate_limits(app.config["PORTAL_ENV"], app.config["RATELIMIT_STORAGE_URI"], workers)
    if reason:
        raise ConfigError(reason)
