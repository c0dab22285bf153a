"""The dispute's questions, one form a page: a reason, the person's own words, a document.
The words are checked again on the check page (`details_problem`), as the reason may change."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.disputes import evidence
from portal.forms.base import Form
from portal.forms.checks import refused_text
from portal.forms.choices import RadiosField, TickField
from portal.forms.fields import TextAreaField
from portal.forms.files import FileField
from portal.models import DisputeReason

#: The most characters of the person's own words (the page and the check say it from here).
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


def details_problem(text: str, reason: DisputeReason | None) -> str | None:
    """What is wrong with the words for this reason, or None: shared by the page and the check."""
    if refused := refused_text(text):
        return refused
    if reason is DisputeReason.OTHER and not text:
        return _("Tell us what is wrong")
    if len(text) > MAX_DETAILS:
        return _("Your message must be %(most)s characters or fewer", most=format_number(MAX_DETAILS))
    return None


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


class ReasonForm(Form):
    """Why do you think you do not owe this? One of REASONS."""

    reason = RadiosField(
        _l("Why do you think you do not owe this?"),
        choices=[(reason.value, label) for reason, label, _hint in REASONS],
        required=_l("Select why you think you do not owe this"),
    )

    def chosen(self) -> DisputeReason:
        """The reason chosen, once the form is valid."""
        return DisputeReason(self.reason.data)


class DetailsForm(Form):
    """Tell us more: needed for "Something else", optional for the other reasons."""

    details = TextAreaField(_l("Tell us more"))

    def __init__(self, reason: DisputeReason, **kwargs):
        self.reason = reason
        super().__init__(**kwargs)
        if reason is not DisputeReason.OTHER:
            self.details.label.text = _l("Tell us more (optional)")

    def validate_details(self, field):
        if problem := details_problem(field.data or "", self.reason):
            raise ValidationError(problem)


class DocumentForm(Form):
    """A document that shows this (optional): a PDF, JPEG or PNG, told by its content. The page's
    buttons "Remove this document" and "Continue without a document" are posted as ticks."""

    evidence = FileField(_l("Do you have a document that shows this? (optional)"))
    remove = TickField(value="1")
    without = TickField(value="1")

    upload: Upload | None = None

    def validate_evidence(self, field):
        # A file chosen and then left behind by another button is not read.
        if field.data is None or self.remove.data or self.without.data:
            return
        data = evidence.read_upload(field.data.stream)
        try:
            evidence.identify(data)
        except evidence.EvidenceRejected as rejected:
            raise ValidationError(problem_message(rejected.problem)) from None
        self.upload = Upload(data, field.data.filename)
