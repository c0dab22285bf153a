"""One-click opt-out: a signed link that stops emails without the identity check, and nothing else."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from portal.extensions import db
from portal.models import OptOut
from portal.notify.optout import SALT, optout_url, read_token
from tests.helpers.pages import check_page, html_lang
from tests.helpers.records import event_kinds, events


def _path(url: str) -> str:
    assert url.startswith("http://portal.test/stop/"), url
    return url.removeprefix("http://portal.test")


def _opt_outs(debtor) -> list[OptOut]:
    db.session.expire_all()
    return db.session.scalars(select(OptOut).where(OptOut.debtor_id == debtor.id)).all()


def test_the_link_is_absolute_and_carries_only_the_person_and_channel(make_account, app):
    account = make_account()
    url = optout_url(account.debtor)
    token = url.rsplit("/", 1)[1]
    payload = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).loads(token)
    assert payload == [account.debtor.id, "email"]
    assert "jane" not in url.lower() and account.reference not in url
    assert read_token(token) == (account.debtor.id, "email")


def test_there_is_no_link_for_an_unknown_channel(make_account):
    with pytest.raises(ValueError, match="carrier-pigeon"):
        optout_url(make_account().debtor, "carrier-pigeon")


def test_opening_the_link_asks_first_and_changes_nothing(make_account, client, table_rows):
    account = make_account()
    before = table_rows()

    response = client.get(_path(optout_url(account.debtor)))

    assert response.status_code == 200
    assert check_page(response.text) == "Stop emails from Example Recovery Services?"
    form = re.search(r'<form method="post" action="([^"]+)"', response.text)
    assert form and form.group(1) == _path(optout_url(account.debtor))
    assert response.text.count('type="submit"') == 1
    assert table_rows() == before
    assert "Set-Cookie" not in response.headers


def test_the_button_stops_emails_and_notes_it_on_each_of_the_persons_accounts(make_account, client):
    first = make_account("ACC-1")
    second = make_account("ACC-2")
    second.debtor_id = first.debtor_id  # one person, two accounts
    db.session.commit()
    stranger = make_account("ACC-3", full_name="John Roe", email="john@example.com")

    response = client.post(_path(optout_url(first.debtor)))

    assert response.status_code == 200
    heading = check_page(response.text)
    assert heading == "We have stopped emails to you"
    assert "will not get payment reminders, receipts or other messages from us by email" in response.text
    assert "We may still mail you letters or call you" in response.text
    assert "start sending you emails again" in response.text
    assert "1-800-555-0100" in response.text and "help@example.com" in response.text
    assert [o.channel for o in _opt_outs(first.debtor)] == ["email"]
    for account in (first, second):
        (event,) = events(account, "opted_out")
        assert event.actor == "debtor" and event.data == {"channel": "email"}
    assert _opt_outs(stranger.debtor) == [] and "opted_out" not in event_kinds(stranger)


def test_stopping_twice_records_it_once(make_account, client):
    account = make_account()
    path = _path(optout_url(account.debtor))
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200
    assert len(_opt_outs(account.debtor)) == 1
    assert event_kinds(account).count("opted_out") == 1


def test_opening_the_link_again_after_stopping_says_it_is_done(make_account, client):
    account = make_account()
    path = _path(optout_url(account.debtor))
    client.post(path)
    response = client.get(path)
    assert response.status_code == 200
    assert check_page(response.text) == "We have stopped emails to you"
    assert event_kinds(account).count("opted_out") == 1


def test_stopping_changes_nothing_but_the_opt_out(make_account, client, table_rows, issue_link):
    account = make_account()
    issue_link(account)
    before = table_rows()

    response = client.post(_path(optout_url(account.debtor)))

    after = table_rows()
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"opt_outs", "events"}
    assert after["events"][: len(before["events"])] == before["events"]  # only appended
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_session_is_left_alone(make_account, sign_in, client):
    account = make_account()
    sign_in(account)
    with client.session_transaction() as session:
        before = {k: v for k, v in session.items() if k != "csrf_token"}

    assert client.post(_path(optout_url(account.debtor))).status_code == 200

    with client.session_transaction() as session:
        # The layout's sign-out button may add a form token, as on every page; nothing else.
        assert {k: v for k, v in session.items() if k != "csrf_token"} == before
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_mail_clients_one_click_post_works_with_csrf_protection_on(make_account, app, client, multipart):
    account = make_account()
    app.config["WTF_CSRF_ENABLED"] = True
    # CSRF protection really is on: an ordinary form post without its token is refused.
    assert client.post("/sign-out").status_code == 400

    path = _path(optout_url(account.debtor))
    if multipart:
        response = client.post(
            path, data={"List-Unsubscribe": "One-Click"}, content_type="multipart/form-data"
        )
    else:
        response = client.post(
            path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 200  # not a redirect: RFC 8058 senders must not redirect
    assert [o.channel for o in _opt_outs(account.debtor)] == ["email"]


def test_the_page_is_in_the_persons_language(make_account, client):
    account = make_account(language="es")
    response = client.get(_path(optout_url(account.debtor)))
    assert html_lang(response.text) == "es"


def _tampered(token: str) -> str:
    body, signature = token.rsplit(".", 1)
    return f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_gets_a_kind_not_found_page_and_changes_nothing(make_account, client, method, app):
    account = make_account()
    other = make_account("ACC-2", full_name="John Roe", email="john@example.com")
    token = optout_url(account.debtor).rsplit("/", 1)[1]
    forged_payload = URLSafeSerializer("not-our-secret", salt=SALT).dumps([other.debtor.id, "email"])
    another_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="portal.magic-link.v1").dumps(
        [other.debtor.id, "email"]
    )
    wrong_channel = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps([other.debtor.id, "post"])
    nobody = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps([999999, "email"])

    for bad in (_tampered(token), forged_payload, another_salt, wrong_channel, nobody, "nonsense"):
        response = getattr(client, method)(f"/stop/{bad}")
        assert response.status_code == 404, bad
        assert check_page(response.text) == "This link does not work"
        assert "contact us" in response.text and "1-800-555-0100" in response.text

    assert _opt_outs(account.debtor) == [] and _opt_outs(other.debtor) == []
