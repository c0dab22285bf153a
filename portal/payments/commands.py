"""`flask --app wsgi reconcile [--since DATE]`: make our payment records agree with Stripe's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import Flask

from portal.payments.gateway import GatewayUnavailable
from portal.payments.reconcile import reconcile


def since_option(value: str | None) -> datetime | None:
    """--since: a date (midnight UTC) or an ISO time with its zone; None means from the start."""
    if value is None:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-12-01 or 2026-12-01T10:00:00Z") from None
    if "T" not in text and " " not in text:
        return moment.replace(tzinfo=UTC)
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no time zone; end it with Z or an offset like +00:00")
    return moment.astimezone(UTC)


@click.command("reconcile")
@click.option("--since", "since_text", default=None, help="Only what was created from this date or time on.")
@click.option(
    "--grace-minutes",
    type=click.IntRange(0, 24 * 60),
    default=15,
    show_default=True,
    help="Leave attempts younger than this alone: they may still be on their way to Stripe.",
)
def reconcile_command(since_text, grace_minutes):
    """Compare payments with Stripe's PaymentIntents; fix what is safe, report the rest."""
    since = since_option(since_text)
    try:
        report = reconcile(since, grace=timedelta(minutes=grace_minutes))
    except GatewayUnavailable:
        raise click.ClickException(
            "Stripe could not be reached; fixes made before that are kept. Run the command again."
        ) from None
    for line in report.summary_lines():
        click.echo(line)
    if report.unresolved:
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    app.cli.add_command(reconcile_command)
