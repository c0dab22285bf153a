"""`flask --app wsgi verify-timeline [REFERENCE] [--creditor SLUG]`: was any timeline rewritten?"""

from __future__ import annotations

import click

from portal import timeline
from portal.collector.commands import find_account


@click.command("verify-timeline")
@click.argument("reference", required=False)
@click.option(
    "--creditor", "creditor_slug", help="Only this creditor's accounts (or the one with REFERENCE)."
)
def verify_timeline_command(reference, creditor_slug):
    """Check every event's hash chain; print each edited, removed, reordered or inserted event.

    Exits 1 when any timeline is broken. For one account it also prints the head hash, which a
    collector can keep elsewhere to compare later.
    """
    if reference:
        account = find_account(reference, creditor_slug)
        checked = timeline.verify(account_ids=[account.id])
    else:
        checked = timeline.verify(creditor_slug=creditor_slug)
    accounts = events = broken = 0
    for result in checked:
        accounts += 1
        events += result.events
        name = f"{result.creditor_slug}/{result.reference}"
        if result.breaks:
            broken += 1
            click.echo(f"{name}: BROKEN ({len(result.breaks)} problem(s) in {result.events} events)")
            for problem in result.breaks:
                where = f"event {problem.seq}" + (f" (id {problem.event_id})" if problem.event_id else "")
                click.echo(f"  {where}: {problem.problem}: {problem.detail}")
        elif reference:
            click.echo(f"{name}: intact, {result.events} events, head {result.head or '-'}")
    if broken:
        click.echo(f"{broken} of {accounts} account timeline(s) broken ({events} events checked)", err=True)
        raise SystemExit(1)
    click.echo(f"All {accounts} account timeline(s) intact ({events} events checked)")
