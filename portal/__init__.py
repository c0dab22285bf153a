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

    from portal import i18n, log_redaction, security, url_converters

    url_converters.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    logging.getLogger("portal").setLevel(logging.INFO)
    log_redaction.install()

    from portal import errors
    from portal.collector.commands import register_commands
    from portal.collector.policy_commands import register_commands as register_policy_commands
    from portal.debtor.routes import bp as debtor_bp
    from portal.disputes.commands import register_commands as register_dispute_commands
    from portal.disputes.routes import bp as disputes_bp
    from portal.guidance import steps as guidance_steps
    from portal.guidance.routes import bp as guidance_bp
    from portal.links.routes import bp as links_bp
    from portal.notify.optout import bp as optout_bp
    from portal.payments.commands import register_commands as register_payment_commands
    from portal.payments.routes import bp as payments_bp
    from portal.payments.webhook import bp as webhook_bp
    from portal.plans.commands import register_commands as register_plan_commands
    from portal.plans.offer_routes import bp as offers_bp
    from portal.plans.plan_routes import bp as plans_bp
    from portal.plans.reminder_commands import register_commands as register_reminder_commands
    from portal.preferences.commands import register_commands as register_preference_commands
    from portal.preferences.routes import bp as preferences_bp
    from portal.support import init_app as init_support
    from portal.support.commands import register_commands as register_support_commands

    app.register_blueprint(links_bp)
    app.register_blueprint(debtor_bp)
    app.register_blueprint(disputes_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(webhook_bp)
    app.register_blueprint(optout_bp)
    app.register_blueprint(offers_bp)
    app.register_blueprint(plans_bp)
    init_support(app)
    app.register_blueprint(preferences_bp)
    app.register_blueprint(guidance_bp)
    guidance_steps.init_app(app)
    errors.init_app(app)
    register_commands(app)
    register_policy_commands(app)
    register_reminder_commands(app)
    register_plan_commands(app)
    register_support_commands(app)
    register_dispute_commands(app)
    register_preference_commands(app)
    register_payment_commands(app)
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
