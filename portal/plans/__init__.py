"""Instalment plans within the creditor's limits: the options, the builder, the agreement, and
collecting them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the plan builder and the plan's pages, and the runner's and reminders' commands."""
    # Imported here, not at module level, so that importing the plan rules does not load the pages.
    from portal.models import InstalmentStatus
    from portal.plans import builder_routes, plan_routes  # noqa: F401  (they add their routes to bp)
    from portal.plans.blueprint import bp
    from portal.plans.commands import register_commands
    from portal.plans.reminder_commands import register_commands as register_reminder_commands
    from portal.plans.shown_status import status_words

    app.register_blueprint(bp)
    # Templates (pages and emails) compare an instalment's status with the enum, never a bare word.
    app.add_template_global(InstalmentStatus, "InstalmentStatus")
    app.add_template_global(status_words, "instalment_status_words")
    register_reminder_commands(app)
    register_commands(app)
