"""Free, independent debt advice, from configuration, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale

from portal.config import advice_links
from portal.i18n import localized_setting


@dataclass(frozen=True)
class Advice:
    text: str
    links: list[tuple[str, str]]


def debt_advice() -> Advice:
    """DEBT_ADVICE_TEXT and DEBT_ADVICE_LINKS, or their versions for the page's language (_ES)."""
    config = current_app.config
    links = config.get(f"DEBT_ADVICE_LINKS_{str(get_locale()).upper()}") or config["DEBT_ADVICE_LINKS"]
    return Advice(localized_setting("DEBT_ADVICE_TEXT"), advice_links(links))
