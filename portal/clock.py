"""The portal's idea of now. Development and tests may move it forward to see plans run."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import click
from flask import current_app, has_app_context

from portal.models.types import utcnow


def now() -> datetime:
    """Aware UTC now, plus CLOCK_OFFSET_DAYS (always 0 in production: config refuses anything else)."""
    offset = current_app.config.get("CLOCK_OFFSET_DAYS", 0) if has_app_context() else 0
    return utcnow() + timedelta(days=offset)


def today() -> date:
    return now().date()


def moment_option(value: str | None) -> datetime:
    """A command's --now: the portal's clock when absent, else an ISO time that names its zone."""
    if value is None:
        return now()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time like 2027-01-15T14:00:00Z") from None
    if moment.tzinfo is None:
        # A bare time would silently be read in the server's zone; contact hours need certainty.
        raise click.BadParameter(f"{value!r} has no time zone; end it with Z or an offset like +00:00")
    return moment
