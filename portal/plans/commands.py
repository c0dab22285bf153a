"""`flask --app wsgi charge-due [--now ISO-TIME]`: charge instalments that are due (for cron)."""

from __future__ import annotations

import click
from flask import Flask

from portal import clock
from portal.plans.runner import charge_due


@click.command("charge-due")
@click.option("--now", "now_text", default=None, help="Run as if it were this time (ISO 8601).")
def charge_due_command(now_text):
    """Charge every instalment that is due, once."""
    report = charge_due(clock.moment_option(now_text))
    click.echo(report.summary())


def register_commands(app: Flask) -> None:
    app.cli.add_command(charge_due_command)
