"""Text fields: one line, several lines, and an answer never sent back."""

from __future__ import annotations

import pytest

from tests.forms.forms import NoteForm, OptionalTextForm, SecretForm, TextForm

HIDDEN = (
    "Your answer contains a hidden character we cannot accept. Type your answer again rather than pasting it."
)


def test_a_good_answer_is_read_with_its_spaces_tidied(posted):
    form, valid = posted(TextForm, [("name", "  Ana   María ")])
    assert valid
    assert form.name.data == "Ana María"
    assert form.name.typed == "  Ana   María "


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a name"),
        ("   ", "Enter a name"),
        ("x" * 11, "Name must be 10 characters or fewer"),
        ("Ana\x00", HIDDEN),
        ("Ana\ud800", HIDDEN),
        ("Ana\tMaría", "Ana María"),  # a tab is a space on one line: tidied, not refused
    ],
    ids=["empty", "blank", "too-long", "nul", "lone-surrogate", "tab"],
)
def test_each_error_is_the_fields_own_and_comes_alone(posted, typed, message):
    form, valid = posted(TextForm, [("name", typed)])
    if typed == "Ana\tMaría":
        assert valid and form.name.data == message
        return
    assert not valid
    assert form.name.errors == [message]
    assert form.error_summary() == [("name", message)]


def test_nothing_posted_for_a_required_field_is_the_empty_answer(posted):
    form, valid = posted(TextForm, [("other", "x")])
    assert not valid and form.name.errors == ["Enter a name"]


def test_an_optional_field_takes_the_empty_answer(posted):
    form, valid = posted(OptionalTextForm, [("times", "  ")])
    assert valid and form.times.data == ""


def test_what_was_typed_is_shown_again_as_typed(posted):
    form, _valid = posted(TextForm, [("name", "x" * 11 + "  ")])
    assert form.name.shown() == "x" * 11 + "  "


def test_a_field_posted_twice_reads_the_first(posted):
    form, valid = posted(TextForm, [("name", "Ana"), ("name", "x" * 50)])
    assert valid and form.name.data == "Ana"


def test_the_starting_value_is_shown_before_anything_is_posted(kit_app):
    with kit_app.test_request_context("/"):
        form = TextForm(name="Mornings")
        assert form.name.shown() == "Mornings" and form.error_summary() == []


def test_a_text_area_keeps_its_line_breaks_but_refuses_hidden_characters(posted):
    form, valid = posted(NoteForm, [("note", "  line one\r\nline two  ")])
    assert valid and form.note.data == "line one\nline two"
    form, valid = posted(NoteForm, [("note", "line one\x0bline two")])
    assert not valid and form.note.errors == [HIDDEN]
    form, valid = posted(NoteForm, [("note", "\ud83d")])
    assert not valid and form.note.errors == [HIDDEN]
    form, valid = posted(NoteForm, [("note", "\n \n")])
    assert not valid and form.note.errors == ["Enter a note"]


def test_an_answer_never_sent_back_is_still_read(posted):
    form, valid = posted(SecretForm, [("code", "62701")])
    assert valid and form.code.data == "62701"
    assert form.code.shown() == ""
