"""`flask --app wsgi create-api-key`, `revoke-api-key` and `list-api-keys`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from portal.api import keys
from portal.extensions import db
from portal.models import Creditor
from portal.models.api import ApiKey


@click.command("create-api-key")
@click.option("--creditor", "creditor_slug", required=True, help="The creditor whose data the key reaches.")
@click.option("--name", default="collection system", show_default=True, help="What the key is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(keys.SCOPES),
    help="Repeat to allow only these; without it the key may do everything.",
)
def create_api_key_command(creditor_slug, name, scopes):
    """Make an API key for one creditor and print it once; only its hash is kept."""
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == creditor_slug))
    if creditor is None:
        raise click.ClickException(f"No creditor {creditor_slug!r}")
    key, token = keys.create(creditor, name, list(scopes))
    db.session.commit()
    click.echo(f"API key {key.prefix} for {creditor.slug} ({name}), scopes: {' '.join(key.scopes)}")
    click.echo("It is shown only now; keep it in the collection system's secrets:")
    click.echo(token)


@click.command("revoke-api-key")
@click.argument("prefix")
def revoke_api_key_command(prefix):
    """Revoke the API key with PREFIX (as list-api-keys shows); it stops working at once."""
    try:
        key = keys.revoke(prefix)
    except keys.ApiKeyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"API key {key.prefix} revoked")


@click.command("list-api-keys")
@click.option("--creditor", "creditor_slug", default=None)
def list_api_keys_command(creditor_slug):
    """List API keys: prefix, creditor, name, scopes, made, revoked."""
    query = select(ApiKey).join(Creditor).order_by(ApiKey.id)
    if creditor_slug:
        query = query.where(Creditor.slug == creditor_slug)
    for key in db.session.scalars(query):
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "live"
        click.echo(
            f"{key.prefix}  {key.creditor.slug}  {key.name}  {' '.join(key.scopes)}  "
            f"made {key.created_at:%Y-%m-%d}  {state}"
        )


def register_commands(app: Flask) -> None:
    for command in (create_api_key_command, revoke_api_key_command, list_api_keys_command):
        app.cli.add_command(command)
