"""Collector commands: `flask --app wsgi disputes` and `resolve-dispute REF --upheld|--rejected`."""

from __future__ import annotations

import click
from flask import Flask

from portal.disputes import decisions, service
from portal.extensions import db
from portal.models import AccountStatus, DisputeStatus
from portal.notify import disputes as dispute_emails
from portal.notify import outbox


@click.command("disputes")
def list_command():
    """List open disputes, oldest first: reference, account, reason, date, evidence stored."""
    found = service.open_disputes()
    if not found:
        click.echo("No open disputes.")
        return
    for dispute in found:
        account = dispute.account
        click.echo(
            f"{dispute.reference}  {account.creditor.slug}/{account.reference}  {dispute.reason.value:<13}"
            f"{dispute.created_at:%Y-%m-%d}  evidence: {'yes' if dispute.evidence_file else 'no'}"
        )


@click.command("resolve-dispute")
@click.argument("reference")
@click.option("--upheld", "outcome", flag_value="upheld", help="The debtor is right: close the account.")
@click.option("--rejected", "outcome", flag_value="rejected", help="The debt is verified: lift the hold.")
@click.option("--note", required=True, help="What was found; a rejection's note is shown to the debtor.")
def resolve_command(reference: str, outcome: str | None, note: str):
    """Resolve a dispute; the debtor is emailed what was found."""
    if outcome is None:
        raise click.UsageError("Say what was found: --upheld or --rejected.")
    if not note.strip():
        raise click.UsageError("--note cannot be empty; the debtor is told what was found.")
    dispute = service.find(reference)
    if dispute is None:
        raise click.ClickException(f"No dispute with reference {reference!r}")
    account = dispute.account
    try:
        decided = decisions.decide(dispute, DisputeStatus(outcome), note.strip())
    except service.AlreadyResolved as error:
        db.session.rollback()
        already = f"Dispute {dispute.reference} is already {dispute.status.value}."
        raise click.ClickException(already) from error
    db.session.commit()
    status_before, cancelled = decided.status_before, decided.cancelled

    where = f"{account.creditor.slug}/{account.reference}"
    if dispute.status is DisputeStatus.UPHELD:
        if status_before is AccountStatus.OPEN:
            click.echo(f"Dispute {dispute.reference} upheld: account {where} is closed.")
        else:
            click.echo(
                f"Dispute {dispute.reference} upheld; account {where} was already {status_before.value}: "
                "arrange any refund by hand."
            )
        if cancelled is not None:
            click.echo(f"Plan {cancelled.id} cancelled.")
    else:
        click.echo(f"Dispute {dispute.reference} rejected: the hold on account {where} is lifted.")
    message = outbox.find(dispute_emails.outcome_key(dispute))
    if message is not None and message.status in outbox.GONE:
        click.echo("The debtor has been emailed the outcome.")
    elif message is not None and message.status in outbox.WAITING:
        click.echo(f"The outcome is queued as message {message.id}; the task runner emails it.")
    else:
        click.echo(
            "The outcome could not be emailed (see `flask --app wsgi timeline` for why); "
            "send it to the debtor by post.",
            err=True,
        )


def register_commands(app: Flask) -> None:
    for command in (list_command, resolve_command):
        app.cli.add_command(command)
