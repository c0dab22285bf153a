"""Numbers the portal promises people (reply times, a link's pause, the largest document) are
stated from the constant the code acts on, so the page and the behaviour cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from portal.disputes import evidence, forms
from portal.domain import identity
from portal.offers import service as offers
from tests.helpers.identity import dob_answer
from tests.helpers.plan_pages import page_text

PORTAL = Path(__file__).resolve().parent.parent / "portal"
SPELLED_OUT = re.compile(r"\b\d+ (?:working days|minutes|MB)\b|\b\d{1,2} ?(?:am|pm)\b", re.IGNORECASE)
#: Not rules of ours: how long a bank takes to show a refund (receipts), and a setting's default.
ALLOWED = {
    "It usually reaches your account within 5 to 10 working days.",
    # A setting's example default (the collector's phone hours), not a rule the portal acts on.
    '"COLLECTOR_HOURS": _env("COLLECTOR_HOURS", "Monday to Friday, 8 am to 8 pm Central Time")',
}
WRONG = dob_answer(14, 11, 1937)


def _spelled_out(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".py":
        lines = [line for line in lines if not line.lstrip().startswith("#")]
    return [
        hit for line in lines if not any(ok in line for ok in ALLOWED) for hit in SPELLED_OUT.findall(line)
    ]


def test_no_template_or_message_writes_a_promised_number_itself():
    found = {
        str(path.relative_to(PORTAL)): hits
        for path in sorted(PORTAL.rglob("*"))
        if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts
        for hits in [_spelled_out(path)]
        if hits
    }
    assert found == {}


def test_every_page_that_promises_a_reply_states_the_offer_rule(app, make_account, sign_in):
    assert app.jinja_env.globals["reply_working_days"] == offers.REPLY_WORKING_DAYS
    app.jinja_env.globals["reply_working_days"] = 3
    client = sign_in(make_account())

    for path in ("/offer/new", "/options"):
        assert "reply within 3 business days" in page_text(client.get(path).text), path


def test_the_pause_stated_is_the_pause_applied(make_account, client, issue_link, monkeypatch):
    monkeypatch.setattr(identity, "LOCK_MINUTES", 20)
    client.get(issue_link(make_account()))

    first = client.post("/verify", data=WRONG)
    assert "before we pause this link for 20 minutes" in page_text(first.text)
    for _ in range(4):
        locked = client.post("/verify", data=WRONG)

    assert locked.status_code == 429
    text = page_text(locked.text)
    assert "This link is paused for 20 minutes" in text
    assert "You can open the link again after 20 minutes." in text


def test_the_document_size_stated_is_the_size_checked(app, make_account, sign_in, monkeypatch):
    assert app.jinja_env.globals["evidence_megabytes"] == evidence.MAX_MEGABYTES
    app.jinja_env.globals["evidence_megabytes"] = 12
    monkeypatch.setattr(evidence, "MAX_MEGABYTES", 12)
    client = sign_in(make_account())
    client.post("/dispute", data={"reason": "already_paid"})
    client.post("/dispute/details", data={"details": "I paid in March."})

    assert "PNG file of 12 MB or less" in page_text(client.get("/dispute/document").text)
    assert "must be 12 MB or smaller" in forms.problem_message(evidence.Problem.TOO_LARGE)
