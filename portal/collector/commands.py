"""Collector commands: `flask --app wsgi import-accounts`, `issue-link`, `revoke-link`, `timeline`
(and `verify-timeline`, in timeline_commands.py)."""

from __future__ import annotations

import contextlib
import io
import os
import sys

import click
from flask import Flask
from sqlalchemy import select

from portal.collector.file_text import ImportFileError, open_text
from portal.collector.importer import import_accounts
from portal.extensions import db
from portal.links import identity_check
from portal.links import service as links
from portal.models import Account, Creditor, Event, MagicLink


def find_account(reference: str, creditor_slug: str | None) -> Account:
    """The account a collector means by REFERENCE (and --creditor), or a clear CLI error."""
    query = select(Account).where(Account.reference == reference)
    if creditor_slug:
        query = query.join(Creditor).where(Creditor.slug == creditor_slug)
    found = db.session.scalars(query).all()
    if not found:
        raise click.ClickException(
            f"No account with reference {reference!r}"
            + (f" for creditor {creditor_slug!r}" if creditor_slug else "")
        )
    if len(found) > 1:
        slugs = ", ".join(sorted(a.creditor.slug for a in found))
        raise click.ClickException(
            f"Reference {reference!r} exists for several creditors ({slugs}); add --creditor SLUG"
        )
    return found[0]


@click.command("import-accounts")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--encoding",
    default=None,
    help="The file's encoding when it is not UTF-8 and has no byte-order mark, e.g. latin-1.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write every row not imported, updated or cleaned to this CSV file, by line.",
)
def import_accounts_command(file, encoding, report_path):
    """Import or update accounts from a CSV file (UTF-8, or as its byte-order mark or --encoding says).

    Reads the file as a stream, whatever its size; shows progress on a terminal. Prints what it
    changed, cleaned and flagged for review on stdout, and what it rejected or refused on stderr,
    by line and column name only (the first KEEP of each; --report writes them all), then a
    summary: created, updated, unchanged, rejected, seconds.
    """
    with contextlib.ExitStack() as stack:
        report_to = None
        if report_path:
            report_to = stack.enter_context(open(report_path, "w", newline="", encoding="utf-8"))  # noqa: SIM115
        progress = _progress(stack, file)
        try:
            text = open_text(file, encoding)
            try:
                report = import_accounts(text, report_to=report_to, progress=progress)
            finally:
                text.detach()  # the file stays click's to close
        except ImportFileError as error:
            raise click.ClickException(str(error)) from None
    for line, columns in report.cleaned:
        click.echo(f"line {line}: cleaned {', '.join(columns)}: line breaks or control characters removed")
    for change in report.changes:
        flagged = f"; flagged for review: {change.review}" if change.review else ""
        click.echo(f"line {change.line}: updated {change.account}: {', '.join(change.columns)}{flagged}")
    for line, reason in report.rejected:
        click.echo(f"line {line}: rejected: {reason}", err=True)
    for line, reason in report.refused:
        click.echo(f"line {line}: refused, nothing changed: {reason}", err=True)
    more = report.rejected_count + report.refused_count - len(report.rejected) - len(report.refused)
    if more:
        where = f"in {report_path}" if report_path else "with --report PATH"
        click.echo(f"... and {more} more rows not imported: see them all {where}", err=True)
    click.echo(f"{report.summary()} in {report.seconds:.1f} seconds")


def _on_terminal() -> bool:
    return sys.stderr.isatty()


def _progress(stack: contextlib.ExitStack, file):
    """A progress bar on stderr by bytes read, when stderr is a terminal; else None."""
    if not _on_terminal():
        return None
    try:
        size = os.fstat(file.fileno()).st_size
    except (OSError, io.UnsupportedOperation):
        return None
    bar = stack.enter_context(click.progressbar(length=size, label="Importing", file=sys.stderr))
    done = [0]

    def advance() -> None:
        position = file.tell()
        bar.update(position - done[0])
        done[0] = position

    return advance


@click.command("issue-link")
@click.argument("reference")
@click.option("--creditor", "creditor_slug", help="Creditor slug, when references repeat across creditors.")
@click.option("--days", type=click.IntRange(1, 365), default=None, help="Days until the link expires.")
def issue_link_command(reference, creditor_slug, days):
    """Issue a magic link for an account; the URL is the last line printed."""
    account = find_account(reference, creditor_slug)
    try:
        link = links.issue(account, days=days)
    except links.AccountOnHold:
        raise click.ClickException(
            f"Account {account.creditor.slug}/{account.reference} is on hold while a dispute is "
            "reviewed, so no link was issued. See open disputes with `flask --app wsgi disputes`; "
            "a link can be issued again once the dispute is resolved."
        ) from None
    # A person issuing a link is how a locked account is unlocked: see identity_check.unlock.
    was_locked = identity_check.account_locked(account)
    revoked = identity_check.unlock(account, link)
    db.session.commit()
    if was_locked:
        click.echo(
            f"The account was locked after too many wrong identity answers. This link unlocks it; "
            f"{revoked} older link(s) were revoked."
        )
    click.echo(
        f"Link for {account.creditor.slug}/{account.reference}, valid until "
        f"{link.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    click.echo(links.url_for_link(link))


@click.command("revoke-links")
@click.argument("reference")
@click.option("--creditor", "creditor_slug")
def revoke_links_command(reference, creditor_slug):
    """Revoke every link issued for an account."""
    account = find_account(reference, creditor_slug)
    issued = db.session.scalars(select(MagicLink).where(MagicLink.account_id == account.id)).all()
    for link in issued:
        links.revoke(link)
    db.session.commit()
    click.echo(f"Revoked {len(issued)} link(s) for {account.creditor.slug}/{account.reference}")


@click.command("timeline")
@click.argument("reference")
@click.option("--creditor", "creditor_slug")
def timeline_command(reference, creditor_slug):
    """Print everything that happened on an account, oldest first."""
    account = find_account(reference, creditor_slug)
    events = db.session.scalars(
        select(Event).where(Event.account_id == account.id).order_by(Event.seq, Event.id)
    ).all()
    for event in events:
        details = " ".join(f"{k}={v}" for k, v in sorted(event.data.items()))
        click.echo(f"{event.created_at:%Y-%m-%d %H:%M:%S} {event.actor:<9} {event.kind} {details}".rstrip())


def register_commands(app: Flask) -> None:
    """Add import, link and timeline commands to the app's CLI (verify-timeline is added by
    timeline_commands, which uses this module's account lookup)."""
    for command in (
        import_accounts_command,
        issue_link_command,
        revoke_links_command,
        timeline_command,
    ):
        app.cli.add_command(command)
