"""The dispute form: a reason, the person's own words, and an optional document."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict

from portal.disputes import evidence
from portal.models import DisputeReason

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
    (DisputeReason.OTHER, _l("Something else"), _l("Tell us what is wrong in the box below.")),
)


class DisputeForm(FlaskForm):
    """CSRF protection only; the fields are read by `read` so errors name the page's own ids."""


@dataclass
class Upload:
    data: bytes
    name: str


@dataclass
class Answers:
    reason: DisputeReason
    details: str
    upload: Upload | None


def _reason(form: MultiDict, errors: Errors) -> DisputeReason | None:
    try:
        return DisputeReason(form.get("reason", ""))
    except ValueError:
        errors.append(("reason-0", _("Select why you think you do not owe this")))
        return None


def _details(form: MultiDict, reason: DisputeReason | None, errors: Errors) -> str:
    text = (form.get("details") or "").strip()
    if reason is DisputeReason.OTHER and not text:
        errors.append(("details", _("Tell us what is wrong")))
    elif len(text) > MAX_DETAILS:
        errors.append(("details", _("Your message must be 5,000 characters or fewer")))
    return text


def _upload(files: MultiDict, errors: Errors) -> Upload | None:
    chosen: FileStorage | None = files.get("evidence")
    if chosen is None or not chosen.filename:
        return None  # browsers send an empty, nameless part when no file was chosen
    data = evidence.read_upload(chosen.stream)
    try:
        evidence.identify(data)
    except evidence.EvidenceRejected as rejected:
        errors.append(("evidence", problem_message(rejected.problem)))
        return None
    return Upload(data, chosen.filename)


def problem_message(problem: evidence.Problem) -> str:
    if problem is evidence.Problem.EMPTY:
        return _("The file you chose is empty. Choose another file, or send the form without one.")
    if problem is evidence.Problem.TOO_LARGE:
        return _(
            "The file must be 10 MB or smaller. Choose a smaller file, or send it to us by email or post."
        )
    return _("The file must be a PDF, JPEG or PNG. Choose another file, or send the form without one.")


def read(form: MultiDict, files: MultiDict) -> tuple[Answers | None, Errors]:
    """The answers, or None and the errors (field id, message) in the order of the page."""
    errors: Errors = []
    reason = _reason(form, errors)
    details = _details(form, reason, errors)
    upload = _upload(files, errors)
    if errors:
        return None, errors
    return Answers(reason, details, upload), errors
