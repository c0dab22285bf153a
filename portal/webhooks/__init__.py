"""Webhooks out, per creditor, following the Standard Webhooks specification: timeline events
become signed messages, delivered at least once by the task runner, in order per account.

A shared room below the features: it learns of outcomes from the timeline (`observe`), never by
importing a feature.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Listen to the timeline and add the webhook commands to the app's CLI."""
    from portal import timeline
    from portal.webhooks import events, observer
    from portal.webhooks.commands import register_commands

    timeline.observe(observer.on_events, kinds=events.SOURCES)
    register_commands(app)
