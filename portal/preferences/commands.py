"""`flask --app wsgi contact-check REFERENCE [--now ISO]`: may we contact this person now, and how?"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import Flask

from portal import clock
from portal.collector.commands import find_account
from portal.domain import contact
from portal.notify import rules


def _local(moment: datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M %Z}"


@click.command("contact-check")
@click.argument("reference")
@click.option("--creditor", "creditor_slug", help="Creditor slug, when references repeat across creditors.")
@click.option("--now", "now", default=None, help="check as if it were this time (ISO 8601 with a zone)")
def contact_check_command(reference: str, creditor_slug: str | None, now: str | None):
    """Print, for each channel, whether we may contact the account's debtor now, and why not."""
    moment = clock.moment_option(now)
    account = find_account(reference, creditor_slug)
    debtor = account.debtor
    zone = rules.contact_zone(account)
    click.echo(f"{account.creditor.slug}/{account.reference} at {_local(moment, zone)} ({zone})")
    for channel in rules.CHANNELS:
        allowed, reason = rules.channel_allowed(debtor, account, channel, moment)
        if allowed:
            click.echo(f"  {channel:<6} allowed")
            continue
        line = f"  {channel:<6} not allowed: {reason}"
        if reason == rules.OUTSIDE_HOURS:
            line += f" (next from {_local(contact.next_contact_time(moment, zone), zone)})"
        click.echo(line)
    click.echo(f"Preferred channel: {debtor.preferred_channel or 'not given'}")
    click.echo(f"Preferred times: {debtor.preferred_times or 'not given'}")
    click.echo(f"Language: {debtor.language or 'not given'}")


def register_commands(app: Flask) -> None:
    """Add the contact check to the app's CLI."""
    app.cli.add_command(contact_check_command)
