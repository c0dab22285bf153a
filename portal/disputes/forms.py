"""Reading the dispute's answers, one page at a time: a reason, the person's own words, a document.

Each reader returns the answer and the errors (field id, message) for its own page only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage, MultiDict

from portal.disputes import evidence
from portal.models import DisputeReason
from portal.plans.forms import refused_text

Errors = list[tuple[str, str]]

MAX_DETAILS = 5000

#: (reason, label, hint), in the order shown.
REASONS = (
    (
        DisputeReason.NOT_MINE,
        _l("It is not my debt"),
        _l("For example, you never had an account with this company, or someone else used your name."),
    ),
    (
        DisputeReason.ALREADY_PAID,
        _l("I have already paid it"),
        _l("Tell us when and how you paid, if you can."),
    ),
    (
        DisputeReason.WRONG_AMOUNT,
        _l("The amount is wrong"),
        _l("Tell us which amount you think is wrong, and why."),
    ),
    # The box for their words is on the next page now, so this hint says so.
    (DisputeReason.OTHER, _l("Something else"), _l("You can tell us what is wrong on the next page.")),
)

#: What to write in "Tell us more", for the reason the person chose.
DETAILS_HINTS = {
    DisputeReason.NOT_MINE: _l("For example, tell us if someone else used your name."),
    DisputeReason.ALREADY_PAID: _l("Tell us when and how you paid, if you can."),
    DisputeReason.WRONG_AMOUNT: _l("Tell us which amount you think is wrong, and why."),
    DisputeReason.OTHER: _l("Tell us what is wrong."),
}


@dataclass
class Upload:
    data: bytes
    name: str


def reason_label(reason: DisputeReason) -> str:
    """The words the debtor chose the reason by."""
    return str(next(label for value, label, _hint in REASONS if value is reason))


def saved_reason(value: object) -> DisputeReason | None:
    """A reason kept in the draft, or None if there is none (or it is no longer one we know)."""
    try:
        return DisputeReason(value)
    except ValueError:
        return None


def read_reason(form: MultiDict) -> tuple[DisputeReason | None, Errors]:
    """The reason chosen on the first page."""
    reason = saved_reason(form.get("reason", ""))
    if reason is None:
        return None, [("reason-0", _("Select why you think you do not owe this"))]
    return reason, []


def details_problem(text: str, reason: DisputeReason | None) -> str | None:
    """What is wrong with the words for this reason, or None: shared by the page and the check."""
    if refused := refused_text(text):
        return refused
    if reason is DisputeReason.OTHER and not text:
        return _("Tell us what is wrong")
    if len(text) > MAX_DETAILS:
        return _("Your message must be 5,000 characters or fewer")
    return None


def read_details(form: MultiDict, reason: DisputeReason | None) -> tuple[str, Errors]:
    """The person's own words: needed for "Something else", optional for the other reasons."""
    text = (form.get("details") or "").strip()
    problem = details_problem(text, reason)
    return text, ([("details", problem)] if problem else [])


def read_upload(files: MultiDict) -> tuple[Upload | None, Errors]:
    """The chosen file if its content is a PDF, JPEG or PNG; None when no file was chosen."""
    chosen: FileStorage | None = files.get("evidence")
    if chosen is None or not chosen.filename:
        return None, []  # browsers send an empty, nameless part when no file was chosen
    data = evidence.read_upload(chosen.stream)
    try:
        evidence.identify(data)
    except evidence.EvidenceRejected as rejected:
        return None, [("evidence", problem_message(rejected.problem))]
    return Upload(data, chosen.filename), []


def problem_message(problem: evidence.Problem) -> str:
    if problem is evidence.Problem.EMPTY:
        return _("The file you chose is empty. Choose another file, or send the form without one.")
    if problem is evidence.Problem.TOO_LARGE:
        return _(
            "The file must be %(megabytes)s MB or smaller. Choose a smaller file, or send it to us by "
            "email or post.",
            megabytes=evidence.MAX_MEGABYTES,
        )
    return _("The file must be a PDF, JPEG or PNG. Choose another file, or send the form without one.")
