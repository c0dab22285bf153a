"""Opening a magic link: good links move on quietly; bad ones get a kind page revealing nothing."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from portal.extensions import db
from portal.links import service
from portal.links.service import SALT
from tests.helpers.records import event_kinds
from tests.links.conftest import link_for, move_into_past

AMOUNT_SPELLINGS = ("$1,060.25", "1,060.25", "1060.25")


def test_opening_a_link_records_one_link_opened_event_and_changes_nothing_else(
    client, make_account, issue_link, table_rows
):
    account = make_account()
    path = issue_link(account)
    before = table_rows()

    client.get(path)

    after = table_rows()
    new_events = after.pop("events")[len(before["events"]) :]
    before.pop("events")
    assert after == before
    assert len(new_events) == 1
    assert event_kinds(account) == ["link_issued", "link_opened"]


def test_opening_a_link_redirects_to_start_without_the_token(client, make_account, issue_link):
    account = make_account()
    path = issue_link(account)
    token = path.removeprefix("/l/")

    response = client.get(path)

    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith("/start")
    assert token not in location
    start = client.get(location)
    assert start.status_code == 200
    assert token not in start.text


def test_the_link_page_is_not_cached_and_leaks_no_referrer(client, make_account, issue_link):
    response = client.get(issue_link(make_account()))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def _tamper(token: str, index: int) -> str:
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def _assert_kind_page_reveals_nothing(response, app, account):
    html = response.text
    assert app.config["COLLECTOR_PHONE"] in html
    assert account.debtor.full_name not in html
    assert "Jane" not in html and "Doe" not in html
    assert account.creditor.name not in html
    assert account.reference not in html
    for spelling in AMOUNT_SPELLINGS:
        assert spelling not in html


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_a_tampered_link_gets_a_kind_404(client, app, make_account, issue_link, where):
    account = make_account()
    token = issue_link(account).removeprefix("/l/")
    payload, signature = token.split(".")
    index = 3 if where == "payload" else len(payload) + 1 + 3

    response = client.get(f"/l/{_tamper(token, index)}")

    assert response.status_code == 404
    _assert_kind_page_reveals_nothing(response, app, account)
    assert "link_opened" not in event_kinds(account)


def test_a_validly_signed_link_for_an_unknown_id_gets_a_kind_404(client, app, make_account):
    account = make_account()
    token = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps("no-such-link")
    response = client.get(f"/l/{token}")
    assert response.status_code == 404
    _assert_kind_page_reveals_nothing(response, app, account)


def test_garbage_in_place_of_a_token_gets_a_kind_404(client, app, make_account):
    account = make_account()
    response = client.get("/l/not-a-token")
    assert response.status_code == 404
    _assert_kind_page_reveals_nothing(response, app, account)


def test_an_expired_link_gets_a_kind_410(client, app, make_account, issue_link):
    account = make_account()
    path = issue_link(account, days=1)
    move_into_past(link_for(account), "expires_at")

    response = client.get(path)

    assert response.status_code == 410
    assert "expired" in response.text
    _assert_kind_page_reveals_nothing(response, app, account)
    assert "link_opened" not in event_kinds(account)


def test_a_link_is_still_good_just_before_it_expires(client, make_account, issue_link):
    account = make_account()
    path = issue_link(account, days=1)
    assert client.get(path).status_code == 303


def test_a_revoked_link_gets_a_kind_410(client, app, make_account, issue_link):
    account = make_account()
    path = issue_link(account)
    service.revoke(link_for(account))
    db.session.commit()

    response = client.get(path)

    assert response.status_code == 410
    _assert_kind_page_reveals_nothing(response, app, account)
    assert event_kinds(account) == ["link_issued", "link_revoked"]


def test_a_problem_link_does_not_start_a_session(client, make_account, issue_link):
    account = make_account()
    path = issue_link(account)
    service.revoke(link_for(account))
    db.session.commit()
    client.get(path)

    response = client.get("/start")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/session-ended")


def test_a_link_is_short_enough_for_a_text_message(make_account, issue_link):
    # The id (32 characters) and a 16-character tag: a two-part text keeps room for its words.
    assert len(issue_link(make_account()).removeprefix("/l/")) == 49


def test_a_link_of_the_first_longer_form_still_opens(client, app, make_account, issue_link):
    token = issue_link(make_account()).removeprefix("/l/")
    public_id = token.split(".")[0]
    old_form = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps(public_id)

    assert client.get(f"/l/{old_form}").status_code == 303


def test_a_link_tagged_with_another_secret_gets_a_kind_404(client, app, make_account, issue_link):
    account = make_account()
    token = issue_link(account).removeprefix("/l/")
    app.config["SECRET_KEY"] = "another-secret-key"
    try:
        forged = issue_link(account).removeprefix("/l/")
    finally:
        app.config["SECRET_KEY"] = "test-secret-key"

    assert client.get(f"/l/{forged}").status_code == 404
    assert client.get(f"/l/{token}").status_code == 303
