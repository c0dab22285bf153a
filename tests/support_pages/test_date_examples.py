"""Every date question's hint gives its example in the reader's order (month first for a US
reader) and inside the range the page allows: never "up to January 3, 2027. For example, 15 4 2027"."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from portal import clock
from tests.helpers.plan_pages import change_policy, choose_plan, page_text

#: Each page with an allowed range, and what to answer first to reach it.
PAGES = [
    ("/plan/new/first-payment-date", lambda client: choose_plan(client, frequency="monthly", count=3)),
    ("/cant-pay/promise", None),
    ("/offer/new/first-payment-date", None),
    ("/afford/first-payment", lambda client: _afford_until_the_date(client)),
]
_LONG_DATE = r"[A-Z][a-z]+ \d{1,2}, \d{4}"


def _afford_until_the_date(client):
    client.post("/afford", data={"income": "2,100.00"})
    client.post("/afford/outgoings", data={"housing": "900.00"})
    client.post("/afford/how-to-pay", data={"frequency": "monthly"})


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    sign_in(account)
    return account


def _hint(page: str) -> str:
    (hint,) = re.findall(r'<p class="hint" id="[a-z]+-hint">(.*?)</p>', page, re.S)
    return page_text(hint)


@pytest.mark.parametrize(("path", "before"), PAGES, ids=[path for path, _before in PAGES])
def test_the_example_is_month_first_and_inside_the_range_the_hint_states(account, client, path, before):
    if before:
        before(client)
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    hint = _hint(response.text)
    last = datetime.strptime(re.findall(_LONG_DATE, hint)[-1], "%B %d, %Y").date()
    month, day, year = (int(n) for n in re.search(r"For example, (\d+) (\d+) (\d{4})\.", hint).groups())
    example = date(year, month, day)
    assert clock.today() <= example <= last, hint
    assert day > 12  # a day no month can be: the example shows which box is which


def test_a_range_of_days_shorter_than_a_week_still_gets_an_example_inside_it(account, client):
    change_policy(account, first_payment_within_days=3)
    choose_plan(client, frequency="monthly", count=3)
    hint = _hint(client.get("/plan/new/first-payment-date").text)
    month, day, year = (int(n) for n in re.search(r"For example, (\d+) (\d+) (\d{4})\.", hint).groups())
    today = clock.today()
    assert today <= date(year, month, day) <= date.fromordinal(today.toordinal() + 3)
