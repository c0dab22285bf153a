"""Radios (choose one) and checkboxes (tick any)."""

from __future__ import annotations

import pytest

from tests.forms.forms import ColourForm, ColoursForm, SomeColoursForm


def test_a_radio_offered_is_chosen(posted):
    form, valid = posted(ColourForm, [("colour", "green")])
    assert valid and form.colour.data == "green"


@pytest.mark.parametrize(
    "pairs",
    [[], [("colour", "")], [("colour", "pink")], [("colour", "red\x00")], [("colour", "red\ud800")]],
    ids=["nothing", "empty", "not-offered", "nul", "lone-surrogate"],
)
def test_nothing_offered_chosen_is_the_fields_message_linked_to_the_first_option(posted, pairs):
    form, valid = posted(ColourForm, pairs)
    assert not valid
    assert form.error_summary() == [("colour-0", "Choose a colour")]


def test_an_error_about_one_option_links_to_it(posted):
    form, valid = posted(ColourForm, [("colour", "blue")])
    assert not valid and form.error_summary() == [("colour-2", "Blue is sold out")]


def test_the_radio_posted_stays_chosen_after_an_error(posted):
    form, _valid = posted(ColourForm, [("colour", "blue")])
    assert [(value, checked) for _id, value, _label, _lang, checked in form.colour.options()] == [
        ("red", False),
        ("green", False),
        ("blue", True),
    ]
    form, _valid = posted(ColourForm, [("colour", "pink")])
    assert not any(checked for *_rest, checked in form.colour.options())


def test_a_radio_posted_twice_reads_the_first(posted):
    form, valid = posted(ColourForm, [("colour", "red"), ("colour", "pink")])
    assert valid and form.colour.data == "red"


def test_checkboxes_take_every_offered_value_ticked_and_drop_the_rest(posted):
    form, valid = posted(
        ColoursForm, [("colours", "blue"), ("colours", "red"), ("colours", "pink"), ("colours", "red\x00")]
    )
    assert valid and form.colours.data == {"red", "blue"}
    assert [checked for *_rest, checked in form.colours.options()] == [True, False, True]


def test_no_box_ticked_is_an_answer_unless_one_is_required(posted):
    form, valid = posted(ColoursForm, [])
    assert valid and form.colours.data == frozenset()
    form, valid = posted(SomeColoursForm, [("colours", "\ud800")])
    assert not valid and form.error_summary() == [("colours-0", "Tick at least one colour")]


def test_the_boxes_ticked_before_are_shown_ticked(kit_app):
    with kit_app.test_request_context("/"):
        form = ColoursForm(colours={"green"})
        assert [checked for *_rest, checked in form.colours.options()] == [False, True, False]
