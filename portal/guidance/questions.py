"""Runs of one-question pages. Each page saves its answer on the server; the debtor then goes to
the first question still unanswered, or, once all are answered, to the page that checks them.

A "Change" link on the check page is a plain link to the question: after saving, every answer is
there again, so the debtor comes straight back to the check page.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from flask import redirect, url_for
from sqlalchemy import select

from portal.domain.text import holds_refused_character
from portal.extensions import db
from portal.models import Account, Draft


@dataclass(frozen=True)
class Question:
    endpoint: str
    #: The answer this page saves; the question counts as answered once it is saved, even if empty.
    key: str


RUNS: dict[str, Run] = {}


@dataclass(frozen=True)
class Run:
    name: str
    questions: tuple[Question, ...]
    #: The page that shows every answer with a "Change" link, and sends them.
    check: str
    #: Called with the answers of a draft forgotten for age, after the commit, to remove what they
    #: point at outside the database (a stored document).
    leftovers: Callable[[dict], None] | None = field(default=None, compare=False)

    def __post_init__(self):
        RUNS[self.name] = self

    def _draft(self, account: Account) -> Draft | None:
        return db.session.scalars(
            select(Draft).where(Draft.account_id == account.id, Draft.run == self.name)
        ).first()

    def answers(self, account: Account) -> dict:
        """Everything answered so far in this run (empty if nothing yet).

        An answer holding a character no field accepts now (saved before fields refused it) is left
        out, so its question is asked again instead of every later page failing on it.
        """
        draft = self._draft(account)
        answers = dict(draft.answers or {}) if draft else {}
        return {k: v for k, v in answers.items() if not holds_refused_character(v)}

    def save(self, account: Account, **values) -> dict:
        """Add or replace answers; the caller commits. Returns all the answers."""
        draft = self._draft(account)
        if draft is None:
            draft = Draft(account_id=account.id, run=self.name, answers={})
            db.session.add(draft)
        # A new dict, so SQLAlchemy sees the JSON column change; answers no field accepts now go.
        kept = {k: v for k, v in (draft.answers or {}).items() if not holds_refused_character(v)}
        draft.answers = {**kept, **values}
        return dict(draft.answers)

    def forget(self, account: Account, *keys: str) -> None:
        """Drop answers that no longer apply (the caller commits)."""
        draft = self._draft(account)
        if draft is not None:
            draft.answers = {k: v for k, v in (draft.answers or {}).items() if k not in keys}

    def clear(self, account: Account) -> None:
        """The run is finished or abandoned: keep nothing (the caller commits)."""
        draft = self._draft(account)
        if draft is not None:
            db.session.delete(draft)

    def unanswered(self, answers: dict, skip: Collection[str] = (), before: str | None = None) -> str | None:
        """The endpoint of the first question still to answer (only among those *before* the
        given question, when one is given: a page that needs them), or None when all are answered."""
        for question in self.questions:
            if question.endpoint == before:
                return None
            if question.endpoint not in skip and question.key not in answers:
                return question.endpoint
        return None

    def next_page(self, answers: dict, skip: Collection[str] = ()):
        """A 303 to the first question still to answer, or to the check page."""
        return redirect(url_for(self.unanswered(answers, skip) or self.check), code=303)

    def back(self, endpoint: str, skip: Collection[str] = ()) -> str | None:
        """The endpoint of the question before *endpoint* (None on the first question)."""
        shown = [q.endpoint for q in self.questions if q.endpoint not in skip]
        if endpoint == self.check:
            return shown[-1] if shown else None
        index = shown.index(endpoint)
        return shown[index - 1] if index > 0 else None


def forget_old_drafts(before: datetime) -> int:
    """Delete the drafts nobody has touched since *before*, and what they point at; returns how many.

    Answers can be personal (why someone cannot pay), so they are not kept for ever.
    """
    old = db.session.scalars(select(Draft).where(Draft.updated_at < before)).all()
    gone = [(draft.run, dict(draft.answers or {})) for draft in old]
    for draft in old:
        db.session.delete(draft)
    db.session.commit()
    for name, answers in gone:
        run = RUNS.get(name)
        if run is not None and run.leftovers is not None:
            run.leftovers(answers)
    return len(gone)
