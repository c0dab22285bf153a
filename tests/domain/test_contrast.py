"""Contrast arithmetic (WCAG 2.2): relative luminance and the ratio the brand colour is checked with."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.contrast import (
    BLACK,
    WHITE,
    ColourError,
    contrast_ratio,
    mix,
    parse_hex,
    relative_luminance,
    to_hex,
)

channels = st.integers(min_value=0, max_value=255)
colours = st.tuples(channels, channels, channels)


def test_black_on_white_is_21_to_1():
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21)


@given(colours, colours)
def test_the_ratio_is_symmetric(first, second):
    assert contrast_ratio(first, second) == pytest.approx(contrast_ratio(second, first))


@given(colours, colours)
def test_the_ratio_lies_between_1_and_21(first, second):
    assert 1 - 1e-9 <= contrast_ratio(first, second) <= 21 + 1e-9


@given(colours)
def test_a_colour_against_itself_is_1_to_1(colour):
    assert contrast_ratio(colour, colour) == pytest.approx(1)


@given(colours)
def test_luminance_lies_between_black_and_white(colour):
    assert 0 <= relative_luminance(colour) <= 1


@given(colours, st.floats(min_value=0, max_value=1))
def test_mixing_towards_black_never_lightens(colour, weight):
    assert relative_luminance(mix(colour, BLACK, weight)) <= relative_luminance(colour) + 1e-12


@given(colours)
def test_hex_round_trips(colour):
    assert parse_hex(to_hex(colour)) == colour


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [
        ("#767676", 4.54),  # the lightest grey that still carries white text
        ("#777777", 4.48),
        ("#0b5c5a", 7.8),
        ("#ffffff", 1.0),
    ],
)
def test_known_ratios_against_white(colour, ratio):
    assert contrast_ratio(parse_hex(colour), WHITE) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("text", ["", "0b5c5a", "#0b5c5", "#0b5c5g", "#0b5c5a ", "teal", "#fff"])
def test_only_rrggbb_is_a_colour(text):
    with pytest.raises(ColourError):
        parse_hex(text)
