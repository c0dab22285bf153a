"""US English for US readers, British English (the source msgids) for UK creditors' readers.

The en_US catalog rewrites the British source into US spelling and wording; these tests keep
British forms out of it, keep its texts as short as the source's, and check that the creditor's
country picks the words a debtor reads on a page and in what we send.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from icalendar import Calendar

from portal.domain import sms_text
from portal.extensions import db
from portal.notify.plan_calendar import plan_ics
from tests.helpers.plans import plan_rows
from tests.test_plain_language import JARGON, THREATS

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "i18n" / "en_US" / "LC_MESSAGES" / "messages.po"

# British spellings and idioms a US reader would stumble on (matched case-insensitively).
BRITISH = [
    r"\binstalment",
    r"\blicence\b",
    r"\bcheque",
    r"\bcolour",
    r"\borganis",
    r"\bcancelled\b",
    r"\bcancelling\b",
    r"\bfortnight",
    r"\bwhilst\b",
    r"\bamongst\b",
    r"\bagreed a\b",
    r"\btick the box\b",
    r"\b(un)?tick (it|one|any)\b",
    r"\bat (the )?weekends?\b",
    r"\bin hospital\b",
    r"\bpostcode\b",
    r"\bpostal code\b",
    r"\bby post\b",
    r"\bor post\b",
    r"\bworking days\b",
    r"\bexpiry\b",
    r"\bstraight away\b",
    r"\bcall (us|\S+) on\b",
    r"\bopening hours\b",
    r"\bsuits? you\b",
    r"\bcarry on\b",
    r"\bshops\b",
    r"\bupset with you\b",
    r"\benrol\b",
    r"\benrolment\b",
    r"\bcentre\b",
    r"\bjudgement\b",
    r"\bprogramme\b",
    r"\bcheck it is\b",
    r"\bfavour",
    r"\bbehaviour",
    r"\bapologis",
    r"\brecognis",
    r"\bauthoris",
]


def _catalog():
    with open(CATALOG, "rb") as handle:
        return read_po(handle)


def _strings() -> list[tuple[str, str]]:
    """(first msgid, msgstr) for every form of every message in the en_US catalog."""
    out = []
    for message in _catalog():
        if not message.id:
            continue
        first = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out.extend((first, string) for string in strings)
    return out


def test_the_us_catalog_has_no_british_spelling_or_idiom_left():
    found = [
        (pattern, string)
        for _id, string in _strings()
        for pattern in BRITISH
        if re.search(pattern, string, re.I)
    ]
    assert not found, f"British English in the en_US catalog: {found[:5]}"


def test_the_british_forms_listed_are_in_the_source_so_the_check_has_teeth():
    """The source (British) catalog still says these, so their absence above is the rewrite's."""
    with open(ROOT / "i18n" / "messages.pot", "rb") as handle:
        source = " ".join(
            " ".join(m.id) if isinstance(m.id, tuple) else m.id for m in read_po(handle) if m.id
        )
    for pattern in [
        r"\binstalment",
        r"\blicence\b",
        r"\bcheque",
        r"\bcancelled\b",
        r"\btick the box\b",
        r"\bagreed a\b",
        r"\bworking days\b",
        r"\bby post\b",
    ]:
        assert re.search(pattern, source, re.I), f"{pattern} no longer in the source; drop it here"


def test_the_us_wording_is_calm_and_plain_too():
    """The plain-language checks of the source hold for the rewritten US sentences."""
    strings = [string for _id, string in _strings()]
    bad = {s for s in strings for pattern in THREATS + JARGON if re.search(pattern, s, re.I)}
    assert not bad, f"threatening words or jargon in the en_US catalog: {sorted(bad)}"
    for term, explanation in {
        "installment plan": "An installment plan means you pay what you owe in smaller parts",
        "settle": "A settlement means you pay less than the full amount",
        "itemization date": "the date the creditor last figured out what you owed",
    }.items():
        assert any(term in s.lower() for s in strings), term
        assert any(explanation in s for s in strings), f"{term!r} is used but nothing explains it"


def test_the_us_sentences_are_no_longer_than_the_plain_language_limit():
    """A rewrite must not turn a short sentence into a long one: at most 30 words, and never
    more than 5 words longer than the source sentence it rewrites."""
    for msgid, string in _strings():
        for sentence in re.split(r"(?<=[.?!:])\s+", string):
            assert len(sentence.split()) <= 30, sentence
        assert len(string.split()) <= len(msgid.split()) + 5, (msgid, string)


def test_the_us_text_messages_are_no_longer_than_the_source():
    """Texts are kept within two segments; a US wording takes no more room than the source's."""
    texts = [(msgid, s) for msgid, s in _strings() if "Reply STOP" in msgid]
    assert len(texts) >= 3, "the text message wordings are in the catalog"
    for msgid, string in texts:
        assert "Reply STOP" in string
        filled = {
            "collector": "A" * 30,
            "creditor": "B" * 40,
            "url": "https://x.example/" + "x" * 40,
            "phone": "312 555 0100",
            "email": "help@example.com",
        }
        assert sms_text.encoding(string % filled) == sms_text.GSM_7
        assert sms_text.segments(string % filled) <= sms_text.segments(msgid % filled)
        assert len(string) <= len(msgid)


def _open_options(make_account, sign_in, client, country):
    account = make_account()
    account.creditor.country = country
    db.session.commit()
    sign_in(account)
    return client.get("/options").text


def test_a_us_creditors_reader_sees_us_english(app, client, make_account, sign_in):
    us = _open_options(make_account, sign_in, client, "US")
    assert "What is an installment plan?" in us and "instalment" not in us


def test_a_uk_creditors_reader_sees_british_english(app, client, make_account, sign_in):
    gb = _open_options(make_account, sign_in, client, "GB")
    assert "What is an instalment plan?" in gb and "installment" not in gb


@pytest.mark.parametrize(("country", "wanted", "unwanted"), [("US", " at ", " on "), ("GB", " on ", " at ")])
def test_the_plan_calendar_speaks_the_creditors_english(app, make_account, country, wanted, unwanted):
    account = make_account()
    account.creditor.country = country
    db.session.commit()
    plan = plan_rows(account, [(date(2027, 2, 1), 5000)])
    (event,) = Calendar.from_ical(plan_ics(plan)).walk("VEVENT")
    contact = next(line for line in str(event["description"]).splitlines() if line.startswith("Questions?"))
    name = app.config["COLLECTOR_NAME"]
    assert f"Call {name}{wanted}" in contact and f"Call {name}{unwanted}" not in contact
