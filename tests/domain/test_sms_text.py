"""A text's alphabet and length in parts, as the network counts them (GSM 03.38 and UCS-2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.sms_text import (
    GSM_7,
    GSM_BASIC,
    GSM_EXTENSION,
    MAX_SEGMENTS,
    UCS_2,
    encoding,
    fits,
    segments,
    without_diacritics,
)

basic_text = st.text(alphabet=sorted(GSM_BASIC), max_size=800)
gsm_text = st.text(alphabet=sorted(GSM_BASIC | GSM_EXTENSION), max_size=800)
not_gsm_char = st.characters(codec="utf-8").filter(
    lambda c: c not in GSM_BASIC and c not in GSM_EXTENSION and not 0xD800 <= ord(c) <= 0xDFFF
)


def test_the_tables_have_the_sizes_of_the_standard():
    # 128 codes, one of them the escape to the extension table, which is not a character.
    assert len(GSM_BASIC) == 127
    assert GSM_EXTENSION == set("\f^{}\\[~]|€")
    assert not GSM_BASIC & GSM_EXTENSION


@pytest.mark.parametrize("char", list("éèùìòÇÉñÑüÜäÄöÖàßÆæÅå¿¡£¥§@_Δ"))
def test_these_accented_letters_and_signs_are_in_the_basic_set(char):
    assert encoding(f"Hola {char}") == GSM_7


@pytest.mark.parametrize("char", list("áíóúÁÍÓÚçêâõãœ`") + ["\u2019", "\u201c", "\u00a0"])
def test_these_are_not_in_gsm_7_so_the_text_goes_as_ucs_2(char):
    # "ç" is not in the table even though "Ç" is; curly quotes and no-break spaces come from
    # word processors and cost a text its GSM-7 room.
    assert encoding(f"Hola {char}") == UCS_2


@pytest.mark.parametrize(
    "text",
    [
        "Quý khách còn nợ 50 đô la.",  # Vietnamese
        "您的帳戶餘額為50美元。",  # Chinese (Traditional)
        "Pay now 👍",
    ],
)
def test_vietnamese_chinese_and_emoji_are_ucs_2(text):
    assert encoding(text) == UCS_2


def test_spanish_without_acute_a_i_o_u_stays_in_gsm_7():
    assert encoding("Señor Pérez, ¿necesita ayuda? Su saldo es 50 €.") == GSM_7


@pytest.mark.parametrize(
    ("length", "parts"), [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
def test_gsm_7_boundaries(length, parts):
    assert segments("a" * length) == parts


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_ucs_2_boundaries(length, parts):
    assert segments("á" * length) == parts


def test_an_extension_character_takes_two_septets():
    assert segments("€" * 80) == 1
    assert segments("€" * 80 + "a") == 2
    assert segments("a" * 159 + "^") == 2


def test_an_extension_character_is_not_split_between_parts():
    # 152 septets, then "€" (2): it cannot take the 153rd septet alone, so it opens part two.
    text = "a" * 152 + "€" + "a" * 152
    assert segments(text) == 3  # 152 | 2 + 151 | 1 ... a plain count would say 306 / 153 = 2


def test_an_emoji_counts_two_code_units_and_stays_whole():
    assert segments("👍" * 35) == 1
    assert segments("👍" * 35 + "a") == 2
    assert segments("á" * 66 + "👍" + "á" * 66) == 3  # the pair does not fit in 67 - 66 = 1 unit


@given(basic_text)
def test_basic_text_costs_what_its_length_says(text):
    assert encoding(text) == GSM_7
    expected = 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert segments(text) == expected


@given(gsm_text, st.sampled_from(sorted(GSM_BASIC | GSM_EXTENSION)))
def test_a_longer_text_never_costs_fewer_parts(text, extra):
    assert segments(text + extra) >= segments(text)


@given(gsm_text, not_gsm_char, st.integers(min_value=0, max_value=800))
def test_any_character_outside_gsm_7_turns_the_whole_text_into_ucs_2(text, char, where):
    where = min(where, len(text))
    mixed = text[:where] + char + text[where:]
    assert encoding(mixed) == UCS_2
    assert segments(mixed) >= segments(text)


@given(st.text(max_size=400))
def test_parts_are_never_fewer_than_the_room_allows(text):
    units = len(text.encode("utf-16-le")) // 2 if encoding(text) == UCS_2 else None
    if units is not None:
        assert segments(text) >= (1 if units <= 70 else math.ceil(units / 67))


def test_the_portal_allows_two_parts():
    assert MAX_SEGMENTS == 2
    assert fits("a" * 306) and not fits("a" * 307)


def test_vietnamese_without_diacritics_is_gsm_7():
    folded = without_diacritics("Trả lời STOP để dừng. Đường liên kết an toàn")
    assert folded == "Tra loi STOP de dung. Duong lien ket an toàn"  # à is in GSM-7
    assert encoding(folded) == GSM_7


def test_folding_keeps_the_letters_gsm_7_has_and_what_has_no_plain_form():
    assert without_diacritics("más señor, café, über") == "mas señor, café, über"
    assert without_diacritics("回覆 STOP") == "回覆 STOP"


@given(st.text())
def test_folding_never_makes_a_text_cost_more(text):
    assert segments(without_diacritics(text)) <= segments(text)
