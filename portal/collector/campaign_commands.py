"""`flask --app wsgi send-links` (a campaign: links to many accounts at once) and `campaign-status`."""

from __future__ import annotations

import sys

import click
from babel.numbers import format_currency
from flask import Flask
from sqlalchemy import select

from portal import clock
from portal.collector import campaigns
from portal.collector.campaign_status import funnel
from portal.extensions import db
from portal.models import Campaign, Creditor
from portal.notify import outbox


def _creditor(slug: str) -> Creditor:
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == slug))
    if creditor is None:
        raise click.ClickException(f"No creditor {slug!r}; import its accounts first")
    return creditor


@click.command("send-links")
@click.option("--creditor", "creditor_slug", required=True, help="The creditor whose accounts get links.")
@click.option("--accounts", "accounts_file", type=click.File("rb"), help="CSV with a 'reference' column.")
@click.option("--never-contacted", is_flag=True, help="Every open account nobody has sent a message about.")
@click.option(
    "--not-contacted-for", "quiet_days", type=click.IntRange(1, 3650), help="No message in DAYS days."
)
@click.option(
    "--channel", type=click.Choice(["email", "sms", "preferred"]), default="preferred", show_default=True
)
@click.option("--days", type=click.IntRange(1, 365), default=None, help="Days each link stays valid.")
@click.option("--dry-run", is_flag=True, help="Say what would happen; send and issue nothing.")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True, help="Senders to start.")
@click.option("--now", default=None, help="act as if it were this time (ISO 8601 with a zone)")
def send_links_command(
    creditor_slug, accounts_file, never_contacted, quiet_days, channel, days, dry_run, workers, now
):
    """Send a link to each chosen account of a creditor, each at the first moment the person's
    rules allow. Run again, the same command on the same day queues only what is missing."""
    moment = clock.moment_option(now)
    creditor = _creditor(creditor_slug)
    chosen = [bool(accounts_file), never_contacted, quiet_days is not None]
    if sum(chosen) != 1:
        raise click.UsageError(
            "Choose the accounts with one of --accounts FILE, --never-contacted, --not-contacted-for DAYS"
        )
    try:
        if accounts_file:
            selection = campaigns.from_file(creditor, accounts_file.name, accounts_file.read())
        elif never_contacted:
            selection = campaigns.never_contacted(creditor)
        else:
            selection = campaigns.not_contacted_for(creditor, quiet_days, moment)
    except campaigns.CampaignError as error:
        raise click.ClickException(str(error)) from None
    for line in selection.skipped:
        click.echo(f"Skipped {line}", err=True)
    count = len(selection.account_ids)
    if dry_run:
        _print_forecast(creditor, channel, selection, moment)
        return
    campaign = campaigns.start(creditor, channel, selection, days, moment)
    db.session.commit()
    with click.progressbar(length=count, label=f"Queueing campaign {campaign.id}", file=sys.stderr) as bar:
        queued, before = campaigns.queue(campaign, selection.account_ids, moment, progress=bar.update)
    click.echo(
        f"Campaign {campaign.id} ({selection.description}, {channel}): {queued} queued"
        + (f", {before} already queued by an earlier run" if before else "")
    )
    if queued:
        outbox.drain(workers, moment)
        click.echo(
            f"Each goes at the first moment the person's rules allow; see `campaign-status {campaign.id}`."
        )


def _print_forecast(creditor, channel, selection, moment) -> None:
    forecast = campaigns.forecast(creditor, channel, selection.account_ids, moment)
    click.echo(
        f"Dry run for {creditor.slug} ({selection.description}, {channel}): "
        f"{len(selection.account_ids)} accounts; nothing sent or issued"
    )
    for outcome, number in sorted(forecast.outcomes.items()):
        click.echo(f"  {outcome}: {number}")
    for segments, number in sorted(forecast.segments.items()):
        note = " (too long: would not be sent)" if segments > 2 else ""
        click.echo(f"  text messages of {segments} segment{'s' if segments != 1 else ''}: {number}{note}")


@click.command("campaign-status")
@click.argument("campaign_id", type=int)
@click.option("--now", default=None, help="as of this time (ISO 8601 with a zone)")
def campaign_status_command(campaign_id, now):
    """A campaign's funnel: queued, scheduled, sent, refused (by reason), delivered, failed, link
    opened, identity confirmed, option chosen, paid, and the amount collected."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"No campaign {campaign_id}")
    counts = funnel(campaign, clock.moment_option(now))
    collected = ", ".join(
        format_currency(minor / 100, currency, locale="en_US")
        for currency, minor in sorted(counts.collected.items())
    )
    refused = sum(counts.refused.values())
    lines = [
        f"Campaign {campaign.id}: {campaign.creditor.slug}, {campaign.selection}, {campaign.channel}, "
        f"started {campaign.created_at:%Y-%m-%d %H:%M} UTC",
        f"queued              {counts.queued}",
        f"scheduled           {counts.scheduled}",
        f"waiting to go       {counts.waiting}",
        f"sent                {counts.sent}",
        f"refused             {refused}",
        *[f"  {reason:<17} {number}" for reason, number in sorted(counts.refused.items())],
        f"delivered           {counts.delivered}",
        f"failed              {counts.failed}",
        f"unconfirmed         {counts.unconfirmed}",
        f"link opened         {counts.link_opened}",
        f"identity confirmed  {counts.identity_confirmed}",
        f"option chosen       {counts.option_chosen}",
        f"paid                {counts.paid}",
        f"collected           {collected or '0'}",
    ]
    click.echo("\n".join(lines))


def register_commands(app: Flask) -> None:
    app.cli.add_command(send_links_command)
    app.cli.add_command(campaign_status_command)
