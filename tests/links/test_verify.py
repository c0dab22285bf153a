"""The identity check: date of birth or postal code, helpful errors, a lock after five misses."""

from __future__ import annotations

import json
import logging
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Event
from tests.helpers.identity import dob_answer
from tests.helpers.pages import title_of
from tests.helpers.records import event_kinds
from tests.links.conftest import link_for, move_into_past

RIGHT = dob_answer(27, 3, 1980)  # make_account's default date of birth
WRONG = dob_answer(14, 11, 1937)


def _signed_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def test_the_right_date_of_birth_signs_in(opened, make_account, client):
    account = make_account()
    opened(account)
    response = client.post("/verify", data=RIGHT)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account")
    assert _signed_in(client)
    assert event_kinds(account)[-2:] == ["identity_confirmed", "balance_viewed"]


def test_a_wrong_date_of_birth_gets_400_with_an_error_summary(opened, make_account, client):
    account = make_account()
    opened(account)
    response = client.post("/verify", data=WRONG)

    assert response.status_code == 400
    assert title_of(response.text).startswith("Error:")
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)
    assert summary, "no error summary"
    # A US reader (the default region) writes the month first: the summary links to that box.
    assert 'href="#dob-month"' in summary.group(0)
    assert 'id="dob-month"' in response.text
    assert "4 more times" in response.text
    assert not _signed_in(client)
    assert event_kinds(account)[-1] == "identity_failed"


def test_an_incomplete_date_of_birth_is_an_error_but_not_a_wrong_answer(opened, make_account, client):
    account = make_account()
    opened(account)
    response = client.post("/verify", data={"day": "27", "month": "", "year": "1980"})
    assert response.status_code == 400
    assert title_of(response.text).startswith("Error:")
    assert 'href="#dob-month"' in response.text
    assert "must include a month, day and year" in response.text
    assert link_for(account).failed_attempts == 0
    assert "identity_failed" not in event_kinds(account)


def test_an_impossible_date_is_an_error_but_not_a_wrong_answer(opened, make_account, client):
    account = make_account()
    opened(account)
    response = client.post("/verify", data=dob_answer(31, 2, 1980))
    assert response.status_code == 400
    assert link_for(account).failed_attempts == 0


def test_the_answer_typed_is_never_sent_back(opened, make_account, client):
    account = make_account()
    opened(account)
    response = client.post("/verify", data=WRONG)
    assert response.status_code == 400
    assert "1937" not in response.text
    assert 'value="14"' not in response.text and 'value="11"' not in response.text


def test_the_verify_page_itself_has_no_error_title(opened, make_account, client):
    opened(make_account())
    response = client.get("/verify")
    assert response.status_code == 200
    assert not title_of(response.text).startswith("Error:")


def test_five_wrong_answers_lock_the_link(opened, make_account, client):
    account = make_account()
    opened(account)
    statuses = [client.post("/verify", data=WRONG).status_code for _ in range(5)]

    assert statuses == [400, 400, 400, 400, 429]
    assert event_kinds(account).count("identity_failed") == 5
    assert event_kinds(account)[-1] == "identity_locked"
    assert link_for(account).locked_until is not None


def test_a_locked_link_refuses_even_the_right_answer(opened, make_account, client):
    account = make_account()
    opened(account)
    for _ in range(5):
        client.post("/verify", data=WRONG)

    assert client.get("/verify").status_code == 429
    response = client.post("/verify", data=RIGHT)

    assert response.status_code == 429
    assert not _signed_in(client)
    assert "identity_confirmed" not in event_kinds(account)


def test_a_lock_holds_for_a_freshly_opened_link_too(opened, make_account, client, issue_link):
    """Opening another copy of the same link is no way around the lock."""
    account = make_account()
    path = issue_link(account)
    client.get(path)
    for _ in range(5):
        client.post("/verify", data=WRONG)
    client.get(path)
    assert client.post("/verify", data=RIGHT).status_code == 429


def test_the_lock_ends_after_fifteen_minutes(opened, make_account, client):
    account = make_account()
    opened(account)
    for _ in range(5):
        client.post("/verify", data=WRONG)
    link = link_for(account)
    assert 14 * 60 < (link.locked_until - link.created_at).total_seconds() < 16 * 60 + 30

    move_into_past(link, "locked_until")
    response = client.post("/verify", data=RIGHT)

    assert response.status_code == 303
    assert _signed_in(client)


def test_after_the_lock_ends_there_are_five_tries_again(opened, make_account, client):
    account = make_account()
    opened(account)
    for _ in range(5):
        client.post("/verify", data=WRONG)
    move_into_past(link_for(account), "locked_until")
    statuses = [client.post("/verify", data=WRONG).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def test_a_right_answer_resets_the_count_of_wrong_ones(opened, make_account, client):
    account = make_account()
    opened(account)
    for _ in range(4):
        client.post("/verify", data=WRONG)
    client.post("/verify", data=RIGHT)
    assert link_for(account).failed_attempts == 0


def test_without_a_date_of_birth_the_postal_code_is_asked(opened, make_account, client):
    account = make_account(date_of_birth=None, postal_code="62701-1234")
    opened(account)

    page = client.get("/verify")
    assert page.status_code == 200
    assert 'name="postal_code"' in page.text
    assert 'name="year"' not in page.text

    wrong = client.post("/verify", data={"postal_code": "90210"})
    assert wrong.status_code == 400
    assert title_of(wrong.text).startswith("Error:")
    assert 'href="#postal_code"' in wrong.text
    assert "90210" not in wrong.text

    right = client.post("/verify", data={"postal_code": " 62701 "})
    assert right.status_code == 303
    assert _signed_in(client)


def test_postal_code_answers_ignore_case_and_spaces(opened, make_account, client):
    opened(make_account(date_of_birth=None, postal_code="SW1A 1AA"))
    assert client.post("/verify", data={"postal_code": "sw1a1aa"}).status_code == 303


def test_an_empty_postal_code_is_an_error_but_not_a_wrong_answer(opened, make_account, client):
    account = make_account(date_of_birth=None, postal_code="62701")
    opened(account)
    response = client.post("/verify", data={"postal_code": "  "})
    assert response.status_code == 400
    assert link_for(account).failed_attempts == 0


def test_five_wrong_postal_codes_lock_the_link(opened, make_account, client):
    account = make_account(date_of_birth=None, postal_code="62701")
    opened(account)
    statuses = [client.post("/verify", data={"postal_code": "90210"}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert client.post("/verify", data={"postal_code": "62701"}).status_code == 429


def test_with_neither_date_of_birth_nor_postal_code_the_person_is_asked_to_call(
    opened, make_account, client, app
):
    opened(make_account(date_of_birth=None, postal_code=None))
    response = client.post("/verify", data={"postal_code": "62701"})
    assert app.config["COLLECTOR_PHONE"] in response.text
    assert not _signed_in(client)


def test_no_date_of_birth_reaches_the_logs(opened, make_account, client, caplog):
    caplog.set_level(logging.DEBUG, logger="portal")
    caplog.set_level(logging.INFO, logger="werkzeug")
    # Only meaningful if the portal's log records reach handlers at all.
    logging.getLogger("portal").info("canary")
    assert [r.getMessage() for r in caplog.records] == ["canary"], "portal logs are not being emitted"
    account = make_account(date_of_birth=date(1963, 8, 19))
    opened(account)

    client.post("/verify", data=WRONG)
    client.post("/verify", data=dob_answer(19, 8, 1963))
    client.get("/account")

    assert _signed_in(client)
    for record in caplog.records:
        logged = " ".join([record.getMessage(), repr(record.args), record.exc_text or ""])
        assert not _mentions_a_birth_year(logged), f"{record.name} logged {logged!r}"


def test_no_date_of_birth_reaches_the_timeline(opened, make_account, client):
    account = make_account(date_of_birth=date(1963, 8, 19))
    opened(account)
    client.post("/verify", data=WRONG)
    client.post("/verify", data=dob_answer(19, 8, 1963))

    data = db.session.scalars(select(Event.data).where(Event.account_id == account.id)).all()
    assert any(data), "expected the events to carry some data"
    assert not _mentions_a_birth_year(json.dumps(data))


def _mentions_a_birth_year(text: str) -> bool:
    """The years typed in these tests, as whole numbers (not digits inside a timestamp)."""
    return re.search(r"(?<![\d.])(1963|1937)(?!\d)", text) is not None


@pytest.mark.parametrize(
    "typed",
    ["é", "６０６１８", "６２７０１", "É-é 1", "\u00a0"],
    ids=["accented", "full-width-wrong", "full-width-right", "mixed", "no-break-space"],
)
def test_any_postal_code_typed_gets_a_page_not_a_server_error(opened, make_account, client, typed):
    opened(make_account(date_of_birth=None, postal_code="62701"))
    response = client.post("/verify", data={"postal_code": typed})
    if typed == "６２７０１":
        assert response.status_code == 303  # the same digits, typed full width
    else:
        assert response.status_code == 400
        assert title_of(response.text).startswith("Error:")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (dob_answer("1" * 30, 3, 1980), "Your date of birth must be a real date"),
        (dob_answer(27, "1" * 30, 1980), "Your date of birth must be a real date"),
        (dob_answer("\u19da", 3, 1980), "Enter your date of birth using numbers, for example 3 27 1980"),
    ],
    ids=["day-of-thirty-ones", "month-of-thirty-ones", "digit-int-refuses"],
)
def test_any_date_typed_gets_the_forms_error_and_is_not_a_wrong_answer(
    opened, make_account, client, answer, message
):
    account = make_account()
    opened(account)
    response = client.post("/verify", data=answer)
    assert response.status_code == 400
    assert message in response.text
    assert link_for(account).failed_attempts == 0


def test_a_date_of_birth_in_full_width_digits_signs_in(opened, make_account, client):
    opened(make_account())
    assert client.post("/verify", data=dob_answer("２７", "３", "１９８０")).status_code == 303
