"""`flask --app wsgi create-staff`, `disable-staff` and `reset-staff`: the first admin is made on the
server; after that, admins manage staff on the console's Staff page."""

from __future__ import annotations

import click
from flask import Flask

from portal.console import staff_admin
from portal.extensions import db
from portal.models import StaffRole


def _person(email: str):
    person = staff_admin.find(email)
    if person is None:
        raise click.ClickException(f"No staff user {email}")
    return person


@click.command("create-staff")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), required=True)
@click.option(
    "--creditor",
    "creditor_slugs",
    multiple=True,
    help="Limit to this creditor (repeat for more); none means all.",
)
def create_staff_command(email, role, creditor_slugs):
    """Add a staff user and print their one-time set-up link."""
    try:
        creditors = staff_admin.creditors_named(list(creditor_slugs))
        person, token = staff_admin.create(email, StaffRole(role), creditors)
    except staff_admin.StaffError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    scope = ", ".join(c.slug for c in creditors) or "every creditor"
    click.echo(f"Staff user {person.email} ({role}, {scope}) created.")
    click.echo(f"Give them this set-up link; it works once, for {_days()} days:")
    click.echo(staff_admin.setup_url(token))


@click.command("disable-staff")
@click.argument("email")
def disable_staff_command(email):
    """Stop a staff user signing in; their sessions end at once."""
    person = _person(email)
    staff_admin.disable(person)
    db.session.commit()
    click.echo(f"Staff user {person.email} is disabled and signed out everywhere.")


@click.command("reset-staff")
@click.argument("email")
def reset_staff_command(email):
    """Forget a staff user's password and second factor (and enable them again); print a new set-up link."""
    person = _person(email)
    token = staff_admin.reset(person)
    db.session.commit()
    click.echo(
        f"Staff user {person.email} is signed out everywhere; their password and second factor are cleared."
    )
    click.echo(f"Give them this set-up link; it works once, for {_days()} days:")
    click.echo(staff_admin.setup_url(token))


def _days() -> int:
    from flask import current_app

    return current_app.config["STAFF_SETUP_DAYS"]


def register_commands(app: Flask) -> None:
    for command in (create_staff_command, disable_staff_command, reset_staff_command):
        app.cli.add_command(command)
