"""Reading a page's HTML as a test client gets it: its one h1 and title, forms, and language."""

from __future__ import annotations

import re


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


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "page has no <title>"
    return match.group(1).strip()


def html_lang(html: str) -> str:
    match = re.search(r'<html[^>]*\blang="([^"]*)"', html)
    assert match, "page has no <html lang>"
    return match.group(1)
