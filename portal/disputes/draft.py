"""The dispute's answers while the debtor goes through its pages, kept on the server until sent.

A document is checked and stored the moment it is uploaded, so the draft holds only what points
at the stored file. The file is removed when the debtor removes or replaces it, and when the
draft is thrown away, or forgotten after DRAFT_DAYS untouched (`questions.forget_old_drafts`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from flask_babel import gettext as _

from portal.disputes import evidence, forms
from portal.disputes.blueprint import evidence_folder
from portal.disputes.evidence import StoredEvidence
from portal.guidance.questions import Question, Run
from portal.models import Account, DisputeReason


def _remove_forgotten_document(answers: dict) -> None:
    """A draft forgotten for age takes its stored document with it."""
    remove_file(evidence_folder(), stored_evidence(answers))


RUN = Run(
    "dispute",
    (
        Question("disputes.dispute_form", "reason"),
        Question("disputes.details", "details"),
        #: A dict of the stored file's details, or None: "no document" is an answer too.
        Question("disputes.evidence", "evidence"),
    ),
    check="disputes.check",
    leftovers=_remove_forgotten_document,
)


@dataclass
class Answers:
    reason: DisputeReason
    details: str
    evidence: StoredEvidence | None


@dataclass(frozen=True)
class Problem:
    """A saved answer that can no longer be sent: the page to fix it on, and why."""

    endpoint: str
    #: The answer's key, which is also its field's name on that page.
    key: str
    message: str
    #: The saved answer cannot be used at all (rather than needing an edit): it is dropped.
    forget: bool = False


def as_answer(stored: StoredEvidence) -> dict:
    """The stored file's details as the draft keeps them (JSON)."""
    return asdict(stored)


def stored_evidence(answers: dict) -> StoredEvidence | None:
    """The document kept with the draft, if there is one."""
    value = answers.get("evidence")
    if not isinstance(value, dict):
        return None
    try:
        return StoredEvidence(str(value["file_name"]), str(value["mime"]), str(value["original_name"]))
    except KeyError:
        return None


def check(answers: dict, folder: Path) -> tuple[Answers | None, Problem | None]:
    """Check the saved answers again just before they are shown or sent."""
    reason = forms.saved_reason(answers.get("reason"))
    if reason is None:
        message = _("Select why you think you do not owe this")
        return None, Problem("disputes.dispute_form", "reason", message, forget=True)
    details = answers.get("details")
    if isinstance(details, str):
        message = forms.details_problem(details, reason)
    else:
        message = _("Tell us what is wrong")
    if message:
        return None, Problem("disputes.details", "details", message)
    stored = stored_evidence(answers)
    if answers.get("evidence") is not None and (
        stored is None or not (folder / Path(stored.file_name).name).is_file()
    ):
        message = _("We could not find the document you added. Please add it again, or continue without one.")
        return None, Problem("disputes.evidence", "evidence", message, forget=True)
    return Answers(reason, details, stored), None


def replace_evidence(account: Account, stored: StoredEvidence | None) -> tuple[dict, StoredEvidence | None]:
    """Save *stored* (or "no document") as the answer. Returns all the answers and the document
    it replaces, for the caller to remove once the commit has succeeded. The caller commits."""
    old = stored_evidence(RUN.answers(account))
    answers = RUN.save(account, evidence=as_answer(stored) if stored else None)
    replaced = old is not None and (stored is None or old.file_name != stored.file_name)
    return answers, (old if replaced else None)


def discard(account: Account) -> StoredEvidence | None:
    """Throw the draft away (the caller commits, then removes the file this returns).

    Called when the run can no longer be finished (a dispute is already open, the account is
    closed). A draft the debtor never comes back to is forgotten, with its document, by age.
    """
    old = stored_evidence(RUN.answers(account))
    RUN.clear(account)
    return old


def remove_file(folder: Path, stored: StoredEvidence | None) -> None:
    """Delete a stored document no dispute or draft points at any more."""
    if stored is not None:
        evidence.remove(folder, Path(stored.file_name).name)
