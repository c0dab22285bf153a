"""The staff console at /console: collectors sign in with their own session and work their accounts."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def init_app(app: Flask) -> None:
    """The staff cookie, Flask-Login, the console's pages and its commands.

    Every module of this package is imported, so each page module registers its routes on the
    blueprint by being here; none needs listing."""
    from portal.console import access, cookies, staff_commands
    from portal.console.blueprint import bp

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    cookies.init_app(app)
    access.init_app(app)
    app.register_blueprint(bp)
    staff_commands.register_commands(app)
