"""The portal's idea of now. Development and tests may move it forward to see plans run."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, has_app_context

from portal.models.types import utcnow


def now() -> datetime:
    """Aware UTC now, plus CLOCK_OFFSET_DAYS (always 0 in production: config refuses anything else)."""
    offset = current_app.config.get("CLOCK_OFFSET_DAYS", 0) if has_app_context() else 0
    return utcnow() + timedelta(days=offset)


def today() -> date:
    return now().date()
