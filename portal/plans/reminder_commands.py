"""`flask --app wsgi send-reminders [--now 2027-01-15T14:00:00Z]`: run by a scheduler, e.g. hourly."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask

from portal import clock
from portal.plans.reminders import send_reminders


def _moment(value: str | None) -> datetime:
    if value is None:
        return clock.now()  # the portal's clock, which development and tests may move on
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time like 2027-01-15T14:00:00Z") from None
    if moment.tzinfo is None:
        # A bare time would silently be read in the server's zone; contact hours need certainty.
        raise click.BadParameter(f"{value!r} has no time zone; end it with Z or an offset like +00:00")
    return moment


@click.command("send-reminders")
@click.option("--now", "now", default=None, help="act as if it were this time (ISO 8601 with a zone)")
def send_reminders_command(now: str | None):
    """Email reminders of plan payments due soon, where contact hours and preferences allow."""
    count = send_reminders(_moment(now))
    click.echo(f"Sent {count} reminder{'' if count == 1 else 's'}")


def register_commands(app: Flask) -> None:
    """Add the reminder command to the app's CLI."""
    app.cli.add_command(send_reminders_command)
