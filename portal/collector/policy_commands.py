"""`flask --app wsgi set-policy CREDITOR --option value ...` and `show-policy CREDITOR`."""

from __future__ import annotations

import random
import time

import click
from flask import Flask
from sqlalchemy import select

from portal.accounts import policies
from portal.domain.policy import AMOUNTS, FLAGS, NUMBERS, Policy, PolicyError
from portal.extensions import db
from portal.models import Creditor


def _creditor(slug: str) -> Creditor:
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == slug))
    if creditor is None:
        raise click.ClickException(f"No creditor {slug!r}; import its accounts first")
    return creditor


def _options(command):
    for name in reversed(FLAGS):
        command = click.option(
            f"--{name.replace('_', '-')}", name, type=click.BOOL, default=None, help="yes or no"
        )(command)
    for name in reversed(NUMBERS):
        command = click.option(f"--{name.replace('_', '-')}", name, type=int, default=None)(command)
    for name in reversed(AMOUNTS):
        command = click.option(
            f"--{name.replace('_', '-')}", name, default=None, help="an amount such as 25.00"
        )(command)
    command = click.option(
        "--frequencies", default=None, help="comma-separated: weekly, every_two_weeks, monthly"
    )(command)
    command = click.option("--retry-days", default=None, help="comma-separated, e.g. 3,7")(command)
    command = click.option("--currency", default=None, help="ISO 4217 code the amounts are in")(command)
    return command


# A run that loses a race for a version number (SQLite only: PostgreSQL queues runs on a lock)
# starts again from the version that won, so both changes are kept, one after the other. Six runs at
# once on a busy machine lost three times in a row, so wait a little, a random while, between tries.
ATTEMPTS = 10
BACK_OFF_SECONDS = 0.02


@click.command("set-policy")
@click.argument("creditor_slug")
@_options
def set_policy_command(creditor_slug, **given):
    """Set what may be offered to this creditor's debtors without a human; writes a new version."""
    for _attempt in range(ATTEMPTS):
        try:
            row = _set_policy(creditor_slug, given)
        except policies.PolicyConflict:
            db.session.rollback()
            time.sleep(random.uniform(0, BACK_OFF_SECONDS) * (_attempt + 1))  # noqa: S311 - not secret
            continue
        db.session.commit()
        break
    else:
        raise click.ClickException(
            f"Not changed: other policy changes for {creditor_slug!r} kept being saved at the same "
            "moment. See the newest with show-policy, then run set-policy again."
        )
    click.echo(f"{creditor_slug}: policy version {row.version} saved")
    _print(policies.rules(row))


def _set_policy(creditor_slug: str, given: dict):
    # Read, checked and saved by the one function the console's policy form calls too.
    creditor = _creditor(creditor_slug)
    try:
        return policies.change_typed(creditor, given)
    except policies.PolicyConflict:
        raise
    except policies.NothingToChange:
        db.session.rollback()
        raise click.ClickException("Nothing to change: give at least one --option value") from None
    except PolicyError as error:
        db.session.rollback()
        raise click.ClickException(f"Not changed: {error}") from None


@click.command("show-policy")
@click.argument("creditor_slug")
def show_policy_command(creditor_slug):
    """Print the creditor's current policy."""
    creditor = _creditor(creditor_slug)
    row = policies.in_force(creditor)  # the defaults are written down as version 1 if need be
    db.session.commit()
    click.echo(f"{creditor.slug}: policy version {row.version}")
    _print(policies.rules(row))


def _print(policy: Policy) -> None:
    from portal.domain.money import Money

    for name, value in policy.to_dict().items():
        if name in AMOUNTS:
            value = f"{Money(value, policy.currency).as_decimal()} {policy.currency}"
        elif isinstance(value, list):
            value = ",".join(str(v) for v in value)
        click.echo(f"  {name}: {value}")


def register_commands(app: Flask) -> None:
    app.cli.add_command(set_policy_command)
    app.cli.add_command(show_policy_command)
