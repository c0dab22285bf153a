"""Contact preferences: how, when and in which language a person wants to hear from us, and the
channels they asked us to stop. `portal/notify/rules.py` is where every sender honours them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the contact preferences pages and their commands."""
    from portal.preferences import question_routes, routes  # noqa: F401  (they add their routes to bp)
    from portal.preferences.blueprint import bp
    from portal.preferences.commands import register_commands
    from portal.preferences.hours import contact_hours

    app.register_blueprint(bp)
    register_commands(app)
    app.add_template_global(contact_hours)
