"""Helpers for the options and plan page tests: cards and SetupIntents at localstripe, the
builder's questions and the agree step as the browser posts them, reading pages, and reading what
was stored."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
import urllib.request
from datetime import date

from babel.dates import format_date
from sqlalchemy import select

from portal.accounts import policies
from portal.extensions import db
from portal.models import Draft, Event, Payment, PaymentAttempt, Plan
from tests.helpers.cards import type_card  # noqa: F401 - the card pages' helper, shared

PUBLISHABLE_KEY = "pk_test_portal"
SECRET_KEY = "sk_test_portal"  # noqa: S105 - localstripe's test key, not a secret

VISA_OK = "4242424242424242"
MASTERCARD_OK = "5555555555554444"
DECLINED_ON_CHARGE = "4000000000000341"  # saves fine, then every charge is declined


# --- localstripe, as Stripe.js would call it from the browser ---------------------------------


def _call(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str = "GET") -> dict:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def setup_intent(localstripe, setup_id: str) -> dict:
    return _call(
        f"{localstripe.url}/v1/setup_intents/{setup_id}",
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
    )


def confirm_setup_intent(localstripe, setup_id: str, number: str = VISA_OK, client_secret: str | None = None):
    """Confirm a SetupIntent with a card, the way Stripe.js does it with the page's client secret."""
    secret = client_secret or setup_intent(localstripe, setup_id)["client_secret"]
    body = json.dumps(
        {
            "key": PUBLISHABLE_KEY,
            "client_secret": secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"},
            },
        }
    ).encode()
    result = _call(
        f"{localstripe.url}/v1/setup_intents/{setup_id}/confirm",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    assert result["status"] == "succeeded", result
    return result


def other_setup_intent(localstripe, account, number: str = VISA_OK) -> str:
    """A SetupIntent for the debtor's customer made outside the portal's pages, card saved."""
    created = _call(
        f"{localstripe.url}/v1/setup_intents",
        data=urllib.parse.urlencode(
            {
                "customer": account.debtor.stripe_customer_id,
                "usage": "off_session",
                "payment_method_types[]": "card",
            }
        ).encode(),
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
        method="POST",
    )
    confirm_setup_intent(localstripe, created["id"], number, client_secret=created["client_secret"])
    return created["id"]


def session_setup_intent(client) -> str:
    with client.session_transaction() as session:
        return session["setup_intent"]


# --- Reading pages ------------------------------------------------------------------------------


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def page_text(page: str) -> str:
    """The page's words with tags removed and spaces collapsed, for phrases that span markup."""
    return _text(page)


def title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "page has no <title>"
    return _text(match.group(1))


def check_page(page: str) -> str:
    """One h1, a title that starts with it (after "Error:"), forms with an action; returns the h1."""
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    heading = _text(headings[0])
    assert title(page).removeprefix("Error: ").startswith(heading), (title(page), heading)
    for form in re.findall(r"<form\b[^>]*>", page):
        assert re.search(r'\baction="[^"]+"', form), f"form without an action: {form}"
    return heading


def details(page: str) -> dict[str, str]:
    """The page's details list: each <dt> with its <dd>."""
    return {
        _text(term): _text(value)
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)
    }


def error_summary(page: str) -> dict[str, str]:
    """The error summary's links: field id -> message."""
    match = re.search(r'<ul class="error-summary__list">(.*?)</ul>', page, re.S)
    if match is None:
        return {}
    return {
        field: _text(message)
        for field, message in re.findall(r'<a href="#([^"]+)">(.*?)</a>', match.group(1), re.S)
    }


def field_error(page: str, field_id: str) -> str:
    """The error message shown beside a field (its id is "<field>-error")."""
    match = re.search(
        rf'<p class="error-message" id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', page, re.S
    )
    assert match, f"no error message beside {field_id}"
    return _text(match.group(1)).removeprefix("Error:").strip()


def links(page: str) -> set[str]:
    return set(re.findall(r'<a href="([^"#][^"]*)"', page))


def client_secret(page: str) -> str:
    match = re.search(r'data-client-secret="([^"]+)"', page)
    assert match, "no client secret on the page"
    return html.unescape(match.group(1))


def consent_sentence(page: str) -> str:
    """The consent wording exactly as the debtor reads it beside the checkbox."""
    match = re.search(r'<label class="checkboxes__label" for="consent">(.*?)</label>', page, re.S)
    assert match, "no consent label on the page"
    return html.unescape(match.group(1))


def schedule_rows(page: str) -> list[tuple[int, str, str]]:
    """(number, date, amount) for each row of the page's schedule table, as shown."""
    match = re.search(r'<table class="summary-table[^"]*">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert match, "no schedule table on the page"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S):
        cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append((int(cells[0]), cells[1], cells[2]))
    return rows


def long_date(day: date) -> str:
    """A date as English pages show it: "March 27, 2027"."""
    return format_date(day, format="long", locale="en")


def usd(minor: int) -> str:
    return f"${minor // 100:,}.{minor % 100:02d}"


# --- The builder's questions and the agree step, as the browser posts them -----------------------


def choose_plan(
    client, *, frequency="weekly", count=None, amount=None, first: date | None = None, down_payment=None
):
    """Answer the builder's questions as the browser posts them, each page in turn: how often;
    *count* picks "number of payments", otherwise *amount* per payment; the first payment's date;
    and *down_payment* (major units, "150.00") when the creditor asks for a first payment.

    Returns the first page that refused its answer, else the last redirect: to the review page
    once every question the policy asks is answered.
    """
    posts = [("/plan/new", {"frequency": frequency})]
    if count is not None:
        posts.append(("/plan/new/payments", {"method": "count", "count": str(count)}))
    elif amount is not None:
        posts.append(("/plan/new/payments", {"method": "amount", "amount": amount}))
    if first is not None:
        posts.append(
            (
                "/plan/new/first-payment-date",
                {"first-day": str(first.day), "first-month": str(first.month), "first-year": str(first.year)},
            )
        )
    if down_payment is not None:
        posts.append(("/plan/new/first-payment-amount", {"down_payment": down_payment}))
    for path, data in posts:
        response = client.post(path, data=data)
        if response.status_code != 303:
            break
    return response


def agree_plan(client, localstripe, *, number: str = VISA_OK, **choice):
    """Choose a plan, open the review page, save a card in its SetupIntent and agree.

    Returns (the review page's HTML, the response to agreeing).
    """
    chosen = choose_plan(client, **choice)
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/plan/review", chosen.text
    review = client.get("/plan/review")
    assert review.status_code == 200
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id, number, client_secret=client_secret(review.text))
    agreed = client.post("/plan/review", data={"consent": "yes", "setup_intent": setup_id})
    return review.text, agreed


# --- What was stored -----------------------------------------------------------------------------


def plans_for(account) -> list[Plan]:
    db.session.expire_all()
    return db.session.scalars(select(Plan).where(Plan.account_id == account.id).order_by(Plan.id)).all()


def payments_for(account) -> list[Payment]:
    db.session.expire_all()
    return db.session.scalars(
        select(Payment).where(Payment.account_id == account.id).order_by(Payment.id)
    ).all()


def attempts_for(account) -> list[PaymentAttempt]:
    db.session.expire_all()
    return db.session.scalars(
        select(PaymentAttempt).where(PaymentAttempt.account_id == account.id).order_by(PaymentAttempt.id)
    ).all()


def events(account, kind: str) -> list[Event]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.account_id == account.id, Event.kind == kind).order_by(Event.id)
    ).all()


def plan_draft(account) -> dict | None:
    """The plan builder's saved answers for the account, or None when it has no draft."""
    db.session.expire_all()
    draft = db.session.scalars(
        select(Draft).where(Draft.account_id == account.id, Draft.run == "plan")
    ).first()
    return None if draft is None else dict(draft.answers)


def fresh(row):
    """The row as the database has it now."""
    db.session.expire_all()
    db.session.refresh(row)
    return row


def change_policy(account, **changes):
    """Give the account's creditor a new policy version with *changes*, committed."""
    row = policies.change(account.creditor, changes)
    db.session.commit()
    return row
