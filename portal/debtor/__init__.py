"""The debtor's pages after the identity check: the overview of what is owed and the options to pay it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the overview and the options page."""
    from portal import clock
    from portal.debtor import attention, options, routes  # noqa: F401  (they add their routes to bp)
    from portal.debtor.blueprint import bp

    app.register_blueprint(bp)
    # The change-card page says whether the failed payment is taken with the new card.
    app.add_template_global(
        lambda plan: attention.taken_with_new_card(plan, clock.today()), "taken_with_new_card"
    )
