"""The contact hours as the reader writes them, stated from the rule every sender follows."""

from __future__ import annotations

from babel.dates import format_skeleton
from flask_babel import get_locale

from portal.domain.contact import END, START


def contact_hours() -> dict[str, str]:
    """The first hour we may contact someone and the hour we stop, as the page's language writes hours."""
    locale = get_locale()
    return {
        "start": format_skeleton("h", START, locale=locale),
        "end": format_skeleton("h", END, locale=locale),
    }
