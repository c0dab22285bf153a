"""The contact preferences pages' addresses and readers of what they show, for the tests here."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.models import Debtor

PAGE = "/contact-preferences"
SAVED = "/contact-preferences/saved"
WAY = "/contact-preferences/way"
TIME = "/contact-preferences/time"
LANGUAGE = "/contact-preferences/language"
STOP = "/contact-preferences/stop"
QUESTIONS = [WAY, TIME, LANGUAGE, STOP]


def debtor_of(account) -> Debtor:
    db.session.expire_all()
    return db.session.get(Debtor, account.debtor_id)


def checked(html: str, name: str) -> list[str]:
    """The values of the ticked or chosen inputs named *name*."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if re.search(r"\schecked\b", i)]


def summary_links(html: str) -> list[str]:
    """The field ids the error summary links to, in order."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return re.findall(r'<a href="#([^"]+)">', summary)


def answer_rows(html: str) -> list[tuple[str, str, str]]:
    """Each check-answers row as (question, answer with its markup, Change link)."""
    rows = re.findall(
        r'<dt class="check-answers__question">(.*?)</dt>\s*<dd class="check-answers__answer">(.*?)</dd>'
        r'\s*<dd class="check-answers__change"><a href="([^"]+)">',
        html,
        re.S,
    )
    return [(q.strip(), a.strip(), url) for q, a, url in rows]


def walk(client, answers: dict) -> None:
    """Save each answer on its own page, as a person changing their choices one by one would."""
    pages = {"channel": WAY, "times": TIME, "language": LANGUAGE, "stop": STOP}
    for name, value in answers.items():
        response = client.post(pages[name], data={name: value})
        assert response.status_code == 303, (name, response.status_code, response.text[:300])
