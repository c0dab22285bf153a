"""What the debtor reads is calm and plain: no threats, and no jargon left unexplained.

The reading grade of each rendered page is measured in tests/e2e/test_every_page.py; this file
checks the words themselves, over every English string the portal can show or send.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent

# Words a collector must not use to frighten people (FDCPA 15 U.S.C. 1692d-e), and pressure
# phrases that add stress without adding information.
THREATS = [
    r"\blegal action\b",
    r"\blaw ?suit\b",
    r"\bsue[ds]?\b",
    r"\bcourt\b",
    r"\barrest",
    r"\bjail\b",
    r"\bprison\b",
    r"\bgarnish",
    r"\bseize",
    r"\bcredit (score|report|bureau)",
    r"\bfinal (notice|warning)\b",
    r"\bimmediately\b",
    r"\bfailure to pay\b",
    r"\bpenalt",
    r"\bconsequences\b",
    r"\bdelinquen",
    r"\bdefaulted\b",
    r"\burgent\b",
]
# Industry words a debtor should never have to decode.
JARGON = [
    r"\barrears\b",
    r"\bcharge[- ]?off\b",
    r"\bremit",
    r"\btender\b",
    r"\bPaymentIntent\b",
    r"\btoken",
    r"\b3-?D Secure\b",
    r"\bSetupIntent\b",
    r"\bamorti[sz]",
    r"\bprincipal balance\b",
    r"\baccrued\b",
    r"\bdebtor\b",
]
# Terms we do use (the law or the choice needs them), each with the plain words explaining it.
EXPLAINED = {
    "settle": "A settlement means you pay less than the full amount",
    "instalment plan": "An instalment plan means you pay what you owe in smaller parts",
    "itemization date": "the date the creditor last worked out what you owed",
}


def _english() -> list[str]:
    with open(ROOT / "i18n" / "messages.pot", "rb") as handle:
        catalog = read_po(handle)
    out = []
    for message in catalog:
        if message.id:
            out.extend(message.id if isinstance(message.id, tuple) else [message.id])
    return out


def test_nothing_threatens():
    found = {text for text in _english() for pattern in THREATS if re.search(pattern, text, re.I)}
    assert not found, f"threatening or pressuring words: {sorted(found)}"


def test_no_unexplained_industry_words():
    found = {text for text in _english() for pattern in JARGON if re.search(pattern, text, re.I)}
    assert not found, f"jargon a debtor would have to decode: {sorted(found)}"


def test_terms_we_use_are_explained_in_plain_words():
    texts = _english()
    for term, explanation in EXPLAINED.items():
        assert any(term in text.lower() for text in texts), f"{term!r} is no longer used; drop it here"
        assert any(explanation in text for text in texts), f"{term!r} is used but nothing explains it"
