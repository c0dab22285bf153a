"""Every page asks the one eligibility rule: during a dispute nothing new is set up, but the debtor
may still pay in full or ask to be called; a finished account sends every page to the overview."""

from __future__ import annotations

import pytest

from portal.disputes import service as disputes
from portal.extensions import db
from portal.models import AccountStatus, DisputeReason

#: Pages that set something new up, each the first page of its run.
NEW_THINGS = ("/options", "/offer/new", "/cant-pay/promise", "/afford")


@pytest.fixture
def disputed(make_account, sign_in):
    account = make_account()
    sign_in(account)
    disputes.open_dispute(account, DisputeReason.NOT_MINE, "Not my account.")
    db.session.commit()
    return account


@pytest.mark.parametrize("path", NEW_THINGS)
def test_while_a_dispute_is_under_review_nothing_new_is_set_up(disputed, client, path):
    response = client.get(path)
    assert response.status_code == 303 and response.headers["Location"] == "/account"


@pytest.mark.parametrize("path", ["/pay", "/cant-pay/call-back"])
def test_while_a_dispute_is_under_review_the_debtor_may_still_pay_or_ask_for_a_call(disputed, client, path):
    assert client.get(path).status_code == 200


def test_the_overview_of_a_disputed_account_offers_no_other_ways_to_pay(disputed, client):
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/options"' not in page and 'href="/dispute"' not in page
    assert 'href="/pay"' in page


@pytest.mark.parametrize("status", [AccountStatus.PAID, AccountStatus.SETTLED, AccountStatus.CLOSED])
def test_a_finished_account_sends_every_page_to_the_overview(make_account, sign_in, client, status):
    account = make_account()
    sign_in(account)
    account.status = status  # as the ledger or a dispute would leave it
    db.session.commit()
    for path in (*NEW_THINGS, "/pay", "/cant-pay/call-back"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/account", path
