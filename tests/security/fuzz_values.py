"""What the fuzz tests post: hostile values for any field, and a form body encoded byte for byte
(so lone surrogates and bytes that are not UTF-8 reach the server as an attacker would send them)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

#: Values worth trying in every field: empty, spaces, controls, odd digits, huge and long.
HOSTILE = [
    "",
    " ",
    "\t",
    "\r\n",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udfff",
    "²",
    "٣",
    "১২",
    "Ⅻ",
    "½",
    "0",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "9" * 25,
    "9" * 5000,
    "1" + "0" * 30,
    "99999",
    "2027",
    "29",
    "02",
    "31",
    "13",
    "0000",
    "1.234,50",
    "40,00",
    "$40",
    "€ 1 000,00",
    "a" * 20000,
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(name)s",
    "' OR 1=1 --",
    "../../etc/passwd",
    "null",
    "[]",
    "{}",
]

_ANY_TEXT = st.text(max_size=40)
_BYTES = st.binary(max_size=24)
_NUMBERS = st.integers(min_value=-(10**40), max_value=10**40).map(str)
_SMALL_NUMBERS = st.integers(min_value=-3, max_value=10000).map(str)


def value_strategy(choices: list[str]) -> st.SearchStrategy:
    """One posted value for a field whose page offers *choices* (radio, checkbox or select values)."""
    options = [_ANY_TEXT, st.sampled_from(HOSTILE), _NUMBERS, _SMALL_NUMBERS, _BYTES]
    if choices:
        options = [st.sampled_from(choices)] * 3 + options
    return st.one_of(*options)


def form_strategy(fields: dict[str, list[str]]) -> st.SearchStrategy:
    """A whole form: for each field none, one or several values; sometimes a field nobody asked for."""
    per_field = {
        name: st.lists(value_strategy(choices), min_size=0, max_size=3) for name, choices in fields.items()
    }
    extra = st.lists(st.tuples(_ANY_TEXT, value_strategy([])), max_size=2)
    return st.tuples(st.fixed_dictionaries(per_field), extra)


def encode(pairs: list[tuple[str, str | bytes]]) -> bytes:
    """An application/x-www-form-urlencoded body, each value's bytes exactly as given."""

    def raw(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")

    return b"&".join(
        quote_from_bytes(raw(name), safe="").encode() + b"=" + quote_from_bytes(raw(value), safe="").encode()
        for name, value in pairs
    )


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "textarea", "select", "button") and name and name != "csrf_token":
            values = self.fields.setdefault(name, [])
            if attrs.get("value") is not None and attrs.get("type") in ("radio", "checkbox", "submit", None):
                values.append(attrs["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and attrs.get("value") is not None:
            self.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, list[str]]:
    """The fields of the page's forms (not the language or sign-out forms every page has), with the
    values its radios, checkboxes, buttons and selects offer."""
    parser = _Fields()
    parser.feed(html)
    return parser.fields


def has_error_summary(html: str) -> bool:
    return re.search(r'id="error-summary-title"', html) is not None
