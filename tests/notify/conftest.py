"""Helpers for notification tests: timeline reads, raw email headers and the shared page check."""

from __future__ import annotations

import re
from email.message import EmailMessage

from sqlalchemy import select

from portal.extensions import db
from portal.models import Event


def events(account, kind: str | None = None) -> list[Event]:
    db.session.expire_all()
    query = select(Event).where(Event.account_id == account.id).order_by(Event.id)
    if kind:
        query = query.where(Event.kind == kind)
    return db.session.scalars(query).all()


def event_kinds(account) -> list[str]:
    return [e.kind for e in events(account)]


def raw_header(message: EmailMessage, name: str) -> str | None:
    """The header exactly as it arrived, before any decoding: what a mail client sees."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def body(message: EmailMessage, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def check_page(html: str) -> str:
    """One h1, a title that starts with it, and every form with an action; returns the h1 text."""
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    heading = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", headings[0])).strip()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title, "page has no <title>"
    assert re.sub(r"\s+", " ", title.group(1)).strip().startswith(heading), (title.group(1), heading)
    for form in re.findall(r"<form\b[^>]*>", html):
        assert re.search(r'\baction="[^"]+"', form), f"form without an action: {form}"
    return heading


def html_lang(html: str) -> str:
    match = re.search(r'<html[^>]*\blang="([^"]*)"', html)
    assert match, "page has no <html lang>"
    return match.group(1)
