"""The characters no field accepts, and the digits a count or a date may use."""

from __future__ import annotations

import pytest

from portal.domain.text import has_refused_character, holds_refused_character, is_ascii_number


@pytest.mark.parametrize(
    "text", ["a\x00b", "\x07", "\x1b[0m", "\x7f", "\x85", "\x9f", "\ud800", "\ufffe", "\uffff"]
)
def test_control_characters_surrogates_and_noncharacters_are_refused(text):
    assert has_refused_character(text)
    assert has_refused_character(text, multiline=False)


@pytest.mark.parametrize(
    "text", ["", "Jane O’Brien", "café 東京 مرحبا", "line one\nline two\r\n", "a\tb", "€ 1 000"]
)
def test_ordinary_text_and_line_breaks_in_a_box_are_fine(text):
    assert not has_refused_character(text)


@pytest.mark.parametrize("text", ["a\nb", "a\tb", "a\rb"])
def test_a_one_line_field_refuses_tabs_and_breaks(text):
    assert has_refused_character(text, multiline=False)


def test_a_stored_answer_is_searched_all_the_way_down():
    assert holds_refused_character({"days": ["monday", "tue\x00sday"]})
    assert holds_refused_character({"k\x00": 1})
    assert not holds_refused_character({"count": 6, "days": ["monday"], "note": None})


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("6", True),
        ("0012", True),
        ("²", False),
        ("٣", False),
        ("১২", False),
        ("", False),
        ("12345", False),
        ("-1", False),
        (" 6", False),
    ],
)
def test_numbers_are_ascii_digits_of_bounded_length(text, ok):
    assert is_ascii_number(text, most_digits=4) is ok
