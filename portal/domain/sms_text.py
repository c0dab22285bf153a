"""How long a text message is on the network: which alphabet it goes in and how many parts it costs.

A text goes in the GSM 03.38 7-bit default alphabet when every character is in it (160 per
message), else in UCS-2 (70). One that does not fit is split into parts that each give up room to
the header that joins them again (153 and 67). Each part is billed and may arrive alone, so a
message the portal writes is kept within `MAX_SEGMENTS`.
"""

from __future__ import annotations

import unicodedata

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"

#: The most parts a message the portal writes may take.
MAX_SEGMENTS = 2

#: The 128 characters of the GSM 03.38 default alphabet, in code order (0x1B, the escape to the
#: extension table, is left out: it is not a character anyone types).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
#: The default extension table: each is sent as the escape and a code, so it takes two septets.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

#: Septets (GSM-7) or UTF-16 code units (UCS-2) in one message, and in each part of a longer one.
_SINGLE = {GSM_7: 160, UCS_2: 70}
_PART = {GSM_7: 153, UCS_2: 67}


def is_gsm(char: str) -> bool:
    """True when *char* can be sent in the GSM-7 alphabet (basic set or extension table)."""
    return char in GSM_BASIC or char in GSM_EXTENSION


def encoding(text: str) -> str:
    """ "GSM-7" when every character of *text* is in the GSM 03.38 alphabet, else "UCS-2"."""
    return GSM_7 if all(is_gsm(char) for char in text) else UCS_2


def _units(text: str, alphabet: str) -> list[int]:
    """How much room each character takes: septets in GSM-7, UTF-16 code units in UCS-2."""
    if alphabet == GSM_7:
        return [2 if char in GSM_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def segments(text: str) -> int:
    """How many parts *text* is sent as (an empty text is still one message).

    Parts are filled in order and a character is never split between two: an extension
    character's escape and code, or an emoji's surrogate pair, travel in one part, as handsets
    need them to. So a long text of such characters may need a part more than its length / 153.
    """
    alphabet = encoding(text)
    units = _units(text, alphabet)
    if sum(units) <= _SINGLE[alphabet]:
        return 1
    room = _PART[alphabet]
    parts, used = 1, 0
    for size in units:
        if used + size > room:
            parts, used = parts + 1, 0
        used += size
    return parts


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    """True when *text* is sent in at most *max_segments* parts."""
    return segments(text) <= max_segments


#: Letters that lose more than an accent when folded into GSM-7's alphabet.
_FOLDED = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "“": '"', "”": '"', "‘": "'", "’": "'"})


def without_diacritics(text: str) -> str:
    """*text* with the accents taken off the letters GSM-7 lacks (á → a, ệ → e, đ → d), keeping
    those it has (é, ñ, ü). Vietnamese is commonly texted this way; a text that was UCS-2 only
    for its accents then costs half as many parts. Characters with no plain form stay as they are."""
    folded = []
    for char in text.translate(_FOLDED):
        if is_gsm(char):
            folded.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        folded.append(base if base and all(is_gsm(c) for c in base) else char)
    return "".join(folded)
