"""The dispute's forms on their own: each answer read, and each error in the person's words."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from portal.disputes import evidence
from portal.disputes.forms import MAX_DETAILS, DetailsForm, DocumentForm, ReasonForm
from portal.models import DisputeReason
from tests.helpers import documents


@pytest.fixture
def post(app):
    """post(FormClass, pairs, **kwargs): the form checked against a POST of *pairs*; and if it passed."""
    with app.test_request_context("/", method="POST"):

        def validated(form_class, pairs, **kwargs):
            form = form_class(formdata=MultiDict(pairs), **kwargs)
            return form, form.validate()

        yield validated


def _file(data: bytes, name: str = "receipt.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, name="evidence")


def test_a_reason_offered_is_chosen(post):
    form, valid = post(ReasonForm, [("reason", "already_paid")])
    assert valid and form.chosen() is DisputeReason.ALREADY_PAID


@pytest.mark.parametrize("pairs", [[], [("reason", "bored")]], ids=["none", "not-offered"])
def test_no_reason_is_its_error_linked_to_the_first(post, pairs):
    form, valid = post(ReasonForm, pairs)
    assert not valid and form.error_summary() == [("reason-0", "Select why you think you do not owe this")]


def test_words_are_optional_except_for_something_else(post):
    form, valid = post(
        DetailsForm, [("details", "  I paid in March.\r\n ")], reason=DisputeReason.ALREADY_PAID
    )
    assert valid and form.details.data == "I paid in March."
    assert str(form.details.label.text) == "Tell us more (optional)"
    form, valid = post(DetailsForm, [("details", "")], reason=DisputeReason.ALREADY_PAID)
    assert valid and form.details.data == ""
    form, valid = post(DetailsForm, [("details", " ")], reason=DisputeReason.OTHER)
    assert not valid and form.error_summary() == [("details", "Tell us what is wrong")]
    assert str(form.details.label.text) == "Tell us more"


def test_too_many_words_say_the_limit_as_a_number(post):
    form, valid = post(DetailsForm, [("details", "x" * MAX_DETAILS)], reason=DisputeReason.OTHER)
    assert valid
    form, valid = post(DetailsForm, [("details", "x" * (MAX_DETAILS + 1))], reason=DisputeReason.OTHER)
    assert not valid
    assert form.error_summary() == [("details", "Your message must be 5,000 characters or fewer")]


def test_a_hidden_character_is_refused(post):
    form, valid = post(DetailsForm, [("details", "paid\x00")], reason=DisputeReason.OTHER)
    assert not valid and "hidden character" in form.error_summary()[0][1]


def test_a_document_is_read_by_its_content(post):
    form, valid = post(DocumentForm, [("evidence", _file(documents.pdf()))])
    assert valid and form.upload.data == documents.pdf() and form.upload.name == "receipt.pdf"
    form, valid = post(DocumentForm, [("evidence", _file(b"", ""))])
    assert valid and form.upload is None  # nothing chosen


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file you chose is empty. Choose another file, or send the form without one."),
        (
            b"%PDF-" + b"x" * evidence.MAX_BYTES,
            "The file must be 10 MB or smaller. Choose a smaller file, or email or mail it to us.",
        ),
        (
            b"MZ\x90\x00",
            "The file must be a PDF, JPEG or PNG. Choose another file, or send the form without one.",
        ),
    ],
    ids=["empty", "too-large", "wrong-kind"],
)
def test_a_document_refused_says_why(post, data, message):
    form, valid = post(DocumentForm, [("evidence", _file(data))])
    assert not valid and form.upload is None
    assert form.error_summary() == [("evidence", message)]


def test_a_file_left_behind_by_another_button_is_not_read(post):
    form, valid = post(DocumentForm, [("evidence", _file(b"MZ")), ("without", "1")])
    assert valid and form.without.data and form.upload is None
    form, valid = post(DocumentForm, [("evidence", _file(b"MZ")), ("remove", "1")])
    assert valid and form.remove.data
