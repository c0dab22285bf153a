"""`flask --app wsgi charge-due [--now ISO-TIME]`: charge instalments that are due (for cron)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask

from portal import clock
from portal.plans.runner import charge_due


def parse_now(value: str | None) -> datetime:
    """An ISO time for --now (tests and catch-up runs); naive times are taken as UTC."""
    if not value:
        return clock.now()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("use an ISO time such as 2027-01-15T14:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("charge-due")
@click.option("--now", "now_text", default=None, help="Run as if it were this time (ISO 8601).")
def charge_due_command(now_text):
    """Charge every instalment that is due, once."""
    report = charge_due(parse_now(now_text))
    click.echo(report.summary())


def register_commands(app: Flask) -> None:
    app.cli.add_command(charge_due_command)
