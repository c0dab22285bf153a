"""`flask --app wsgi send-reminders [--now 2027-01-15T14:00:00Z]`: run by a scheduler, e.g. hourly."""

from __future__ import annotations

import click
from flask import Flask

from portal import clock
from portal.plans.reminders import send_reminders


@click.command("send-reminders")
@click.option("--now", "now", default=None, help="act as if it were this time (ISO 8601 with a zone)")
def send_reminders_command(now: str | None):
    """Email reminders of plan payments due soon, where contact hours and preferences allow."""
    count = send_reminders(clock.moment_option(now))
    click.echo(f"Sent {count} reminder{'' if count == 1 else 's'}")


def register_commands(app: Flask) -> None:
    """Add the reminder command to the app's CLI."""
    app.cli.add_command(send_reminders_command)
