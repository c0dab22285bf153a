"""What collectors do: import accounts, issue and revoke links, read the timeline, answer the queue
of offers and requests."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the collector's commands to the app's CLI: import, links, timeline, policies, the queue."""
    from portal.collector.campaign_commands import register_commands as register_campaign_commands
    from portal.collector.commands import register_commands
    from portal.collector.policy_commands import register_commands as register_policy_commands
    from portal.collector.queue_commands import register_commands as register_queue_commands
    from portal.collector.send_commands import register_commands as register_send_commands
    from portal.collector.timeline_commands import verify_timeline_command

    register_commands(app)
    app.cli.add_command(verify_timeline_command)
    register_policy_commands(app)
    register_queue_commands(app)
    register_send_commands(app)
    register_campaign_commands(app)
