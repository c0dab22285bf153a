"""Free, independent debt advice in the page's language: the portal's own, or the operator's.

The portal's own words are translated strings, so they live in the catalogs with every other
sentence. An operator who points people elsewhere sets DEBT_ADVICE_TEXT / DEBT_ADVICE_LINKS (and
_ES, _ZH_HANT, _VI for the other languages); a setting, when given, wins over the catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.config import advice_links
from portal.i18n import page_language

TEXT = _l(
    "You can get free, confidential advice about money and debt from a nonprofit credit "
    "counselor. They are independent of us and of the company you owe."
)
#: (label, address): the labels are translated, the addresses are the same in every language.
LINKS = (
    (_l("National Foundation for Credit Counseling (find a nonprofit counselor)"), "https://www.nfcc.org/"),
    (
        _l("Consumer Financial Protection Bureau: help with debt collection"),
        "https://www.consumerfinance.gov/consumer-tools/debt-collection/",
    ),
)


@dataclass(frozen=True)
class Advice:
    text: str
    links: list[tuple[str, str]]


def _setting(name: str) -> str:
    """NAME_ES (...) for the page's language, NAME in English; empty when the operator set neither.

    An English-only setting does not replace the portal's own advice in the other languages.
    """
    config, locale = current_app.config, page_language()
    return config.get(name if locale == "en" else f"{name}_{locale.upper()}") or ""


def debt_advice() -> Advice:
    """The advice and links to show on this page, in its language."""
    text = _setting("DEBT_ADVICE_TEXT") or _(TEXT)
    links = _setting("DEBT_ADVICE_LINKS")
    return Advice(text, advice_links(links) if links else [(str(label), url) for label, url in LINKS])
