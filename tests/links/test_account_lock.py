"""Ten wrong answers on an account's links within a day lock every link until a collector issues one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import timeline
from portal.extensions import db
from portal.links import service
from portal.models import MagicLink
from portal.models.types import utcnow
from tests.helpers.identity import dob_answer
from tests.helpers.pages import title_of
from tests.helpers.records import event_kinds

RIGHT = dob_answer(27, 3, 1980)
WRONG = dob_answer(14, 11, 1937)
LOCKED_TITLE = "Contact us to get a new link"


def _answers(client, path: str, answer: dict, times: int) -> list[int]:
    client.get(path)
    return [client.post("/verify", data=answer).status_code for _ in range(times)]


def test_five_wrong_on_each_of_two_links_lock_the_third_too(make_account, client, issue_link, app):
    account = make_account()
    first, second, third = (issue_link(account) for _ in range(3))

    assert _answers(client, first, WRONG, 5) == [400, 400, 400, 400, 429]
    assert _answers(client, second, WRONG, 5) == [400, 400, 400, 400, 429]

    client.get(third)
    page = client.get("/verify")
    assert page.status_code == 429
    assert title_of(page.text).startswith(LOCKED_TITLE)
    assert app.config["COLLECTOR_PHONE"] in page.text
    assert client.post("/verify", data=RIGHT).status_code == 429
    assert client.get("/account").status_code == 303
    kinds = event_kinds(account)
    assert kinds.count("identity_failed") == 10
    assert kinds.count("identity_account_locked") == 1
    assert "identity_confirmed" not in kinds


def test_the_tenth_wrong_answer_gets_the_page_that_says_how_to_reach_a_person(
    make_account, client, issue_link
):
    account = make_account()
    _answers(client, issue_link(account), WRONG, 4)
    _answers(client, issue_link(account), WRONG, 4)
    tenth = _answers(client, issue_link(account), WRONG, 2)
    assert tenth == [400, 429]
    response = client.post("/verify", data=RIGHT)
    assert title_of(response.text).startswith(LOCKED_TITLE)


def test_the_error_warns_when_the_accounts_limit_is_nearer(make_account, client, issue_link):
    account = make_account()
    first, second = issue_link(account), issue_link(account)
    _answers(client, first, WRONG, 4)
    _answers(client, second, WRONG, 4)
    client.get(issue_link(account))
    response = client.post("/verify", data=WRONG)  # the ninth, on a third link
    assert response.status_code == 400
    assert "1 more time before we pause every link we sent you" in response.text


def test_a_link_sent_by_the_system_does_not_unlock(make_account, client, issue_link):
    account = make_account()
    _answers(client, issue_link(account), WRONG, 5)
    _answers(client, issue_link(account), WRONG, 5)
    link = service.issue(account, actor="system")  # e.g. a reminder email's link
    db.session.commit()
    client.get(f"/l/{service.token_for(link)}")
    assert client.post("/verify", data=RIGHT).status_code == 429


def test_a_collectors_new_link_unlocks_and_revokes_the_older_ones(make_account, client, issue_link, runner):
    account = make_account()
    older = [issue_link(account) for _ in range(2)]
    _answers(client, older[0], WRONG, 5)
    _answers(client, older[1], WRONG, 5)

    result = runner.invoke(args=["issue-link", "ACC-1"])

    assert result.exit_code == 0, result.output
    assert "locked after too many wrong identity answers" in result.output
    assert "2 older link(s) were revoked" in result.output
    for path in older:
        assert client.get(path).status_code == 410
    new_path = "/l/" + result.output.strip().splitlines()[-1].rsplit("/l/", 1)[1]
    client.get(new_path)
    assert client.post("/verify", data=RIGHT).status_code == 303
    assert client.get("/account").status_code == 200
    assert "identity_unlocked" in event_kinds(account)


def test_after_an_unlock_the_count_starts_again(make_account, client, issue_link, runner):
    account = make_account()
    _answers(client, issue_link(account), WRONG, 5)
    _answers(client, issue_link(account), WRONG, 5)
    runner.invoke(args=["issue-link", "ACC-1"])
    new_link = db.session.scalars(
        select(MagicLink).where(MagicLink.account_id == account.id).order_by(MagicLink.id.desc())
    ).first()
    statuses = _answers(client, f"/l/{service.token_for(new_link)}", WRONG, 4)
    assert statuses == [400, 400, 400, 400]


def _earlier_wrong_answers(account, count: int, ago: timedelta, monkeypatch) -> None:
    """Wrong answers as the timeline would hold them had they been given *ago*.

    Written through timeline.record (the chain must stay whole) with its clock set back.
    """
    link = service.issue(account)
    then = utcnow() - ago
    monkeypatch.setattr(timeline, "utcnow", lambda: then)
    for attempt in range(count):
        timeline.record(account, "identity_failed", actor="debtor", link_id=link.id, attempt=attempt + 1)
    monkeypatch.undo()
    db.session.commit()


def test_wrong_answers_older_than_a_day_do_not_count(make_account, client, issue_link, monkeypatch):
    account = make_account()
    _earlier_wrong_answers(account, 9, timedelta(hours=24, minutes=1), monkeypatch)
    assert _answers(client, issue_link(account), WRONG, 4) == [400, 400, 400, 400]
    assert client.post("/verify", data=RIGHT).status_code == 303


def test_wrong_answers_within_the_day_count(make_account, client, issue_link, monkeypatch):
    account = make_account()
    _earlier_wrong_answers(account, 9, timedelta(hours=23, minutes=59), monkeypatch)
    assert _answers(client, issue_link(account), WRONG, 1) == [429]
    assert "identity_account_locked" in event_kinds(account)


def test_a_collector_link_for_an_account_that_is_not_locked_revokes_nothing(
    make_account, runner, issue_link, client
):
    account = make_account()
    path = issue_link(account)
    result = runner.invoke(args=["issue-link", "ACC-1"])
    assert "locked" not in result.output
    assert client.get(path).status_code == 303
