"""One check on every HTML page a test fetches: a title, one h1, a language, and no English left
on a page in another language. The test client runs it, so no test has to ask for it."""

from __future__ import annotations

import gzip
import html
import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from portal.domain.languages import portal_language

ROOT = Path(__file__).resolve().parents[2]

_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S | re.I)
_H1 = re.compile(r"<h1\b", re.I)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang=["']([^"']*)["']""", re.I)
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]")
_SPACE = re.compile(r"\s+")

#: Shorter English fragments (a word, "Pay now") can be a name, a brand or a word both languages
#: share; a phrase of several words this long ("Enter your postal code") is never meant.
MIN_FRAGMENT = 12


class PageProblem(AssertionError):
    """A page a test fetched breaks the page rules; the message names the URL and what is wrong."""


def _text(markup: str) -> str:
    """What a reader sees: no scripts, comments or tags, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", markup)))).strip()


def _fragments(message_id: str) -> list[str]:
    """The English runs of a msgid between its placeholders and markup, long enough to tell."""
    runs = _PLACEHOLDER.split(_TAG.sub("\0", message_id))
    pieces = (_SPACE.sub(" ", html.unescape(piece)).strip() for run in runs for piece in run.split("\0"))
    return [piece for piece in pieces if len(piece) >= MIN_FRAGMENT and " " in piece]


@cache
def english_left_over(locale: str) -> tuple[str, ...]:
    """The English fragments of the catalog that a page in *locale* must not show verbatim.

    A fragment the locale's own translation keeps (a name, an address) is not counted.
    """
    with open(ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = " ".join(
        _text(s) for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,))
    )
    found = set()
    for message in catalog:
        if not message.id:
            continue
        for message_id in message.id if isinstance(message.id, tuple) else (message.id,):
            found.update(f for f in _fragments(message_id) if f not in translated)
    # Longest first, so a failure names the whole sentence rather than a part of it.
    return tuple(sorted(found, key=len, reverse=True))


def problems(markup: str) -> list[str]:
    """What is wrong with one HTML page, in words; empty when it keeps the rules."""
    found = []
    title = _TITLE.search(markup)
    if not title or not _text(title.group(1)):
        found.append("no <title>, or an empty one")
    headings = len(_H1.findall(markup))
    if headings != 1:
        found.append(f"{headings} <h1> elements, not one")
    lang = _HTML_LANG.search(markup)
    if not lang or not lang.group(1).strip():
        found.append("no <html lang>")
        return found
    locale = portal_language(lang.group(1))
    if locale and locale != "en":
        text = _text(markup)
        english = [fragment for fragment in english_left_over(locale) if fragment in text]
        if english:
            found.append(f"English on a {lang.group(1)} page: {english[0]!r}")
    return found


def is_page(response) -> bool:
    """A page the app rendered for a reader: HTML, and not a redirect or an empty answer.

    JSON, files, calendars and feeds are told apart by their content type, not by their URL.
    """
    if response.mimetype != "text/html" or response.status_code in (204, 304):
        return False
    return not 300 <= response.status_code < 400


def check(url: str, response) -> None:
    """Raise PageProblem naming *url* if the response is a page that breaks the rules."""
    if not is_page(response):
        return
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":  # asked for compressed: read what it says
        body = gzip.decompress(body)
    found = problems(body.decode())
    if found:
        raise PageProblem(f"{url} ({response.status_code}): " + "; ".join(found))


class PageCheckingClient(FlaskClient):
    """Flask's test client, checking every page it is given."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        # Following redirects opens each hop through here too; check the final page only once.
        if not getattr(response, "_page_checked", False):
            response._page_checked = True
            request = response.request
            query = request.query_string.decode()
            check(f"{request.method} {request.path}" + (f"?{query}" if query else ""), response)
        return response
