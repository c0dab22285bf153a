"""Identity limits under concurrency: wrong answers sent at once are each counted, none twice or lost.

Run on PostgreSQL with TEST_POSTGRES_SERVER set (real connections, row locks) and on SQLite.
"""

from __future__ import annotations

import threading
from collections import Counter

from portal.domain import identity
from portal.extensions import db
from portal.links import service
from tests.helpers import scale
from tests.helpers.identity import dob_answer
from tests.helpers.records import event_kinds

RIGHT = dob_answer(27, 3, 1980)
WRONG = dob_answer(14, 11, 1937)
SUITE = "identity limits"


def _opened_clients(app, paths: list[str]) -> list:
    """One browser per path, each with the link opened and the identity question waiting."""
    clients = []
    for path in paths:
        client = app.test_client()
        assert client.get(path).status_code == 303
        clients.append(client)
    return clients


def _all_at_once(clients: list, answer: dict) -> list[int]:
    """POST the answer from every client at the same moment; the status codes, in order."""
    statuses: list[int | None] = [None] * len(clients)
    errors: list[BaseException] = []
    start = threading.Barrier(len(clients))

    def send(index: int, client) -> None:
        try:
            start.wait(timeout=30)
            statuses[index] = client.post("/verify", data=answer).status_code
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert all(status is not None for status in statuses), "a request did not finish"
    return statuses


def test_wrong_answers_sent_at_once_on_one_link_are_judged_exactly_five_times(app, make_account, issue_link):
    sent = scale.pick(20, 200)
    account = make_account()
    path = issue_link(account)

    statuses = _all_at_once(_opened_clients(app, [path] * sent), WRONG)

    kinds = Counter(event_kinds(account))
    scale.figure(SUITE, "wrong answers sent at once on one link", sent, "answers")
    scale.figure(SUITE, "answers judged on one link", kinds["identity_failed"], "answers")
    scale.figure(SUITE, "server errors on one link", sum(s >= 500 for s in statuses), "responses")
    assert kinds["identity_failed"] == identity.MAX_FAILURES
    assert kinds["identity_locked"] == 1
    assert Counter(statuses) == {400: identity.MAX_FAILURES - 1, 429: sent - identity.MAX_FAILURES + 1}


def test_wrong_answers_spread_over_links_lock_the_account_at_ten(app, make_account, issue_link):
    links = scale.pick(4, 8)
    sent = scale.pick(30, 300)
    account = make_account()
    paths = [issue_link(account) for _ in range(links)]

    statuses = _all_at_once(_opened_clients(app, [paths[i % links] for i in range(sent)]), WRONG)

    kinds = Counter(event_kinds(account))
    scale.figure(SUITE, "wrong answers sent at once over several links", sent, "answers")
    scale.figure(SUITE, "links of the account", links, "links")
    scale.figure(SUITE, "answers judged across links", kinds["identity_failed"], "answers")
    scale.figure(SUITE, "server errors across links", sum(s >= 500 for s in statuses), "responses")
    assert kinds["identity_failed"] == identity.ACCOUNT_MAX_FAILURES
    assert kinds["identity_account_locked"] == 1
    assert all(s in (400, 429) for s in statuses)
    assert statuses.count(400) == identity.ACCOUNT_MAX_FAILURES - 1 - kinds["identity_locked"]

    # Every link, old or new, now refuses even the right answer.
    fresh = service.issue(account, actor="system")
    db.session.commit()
    late = _opened_clients(app, [*paths, f"/l/{service.token_for(fresh)}"])
    assert set(_all_at_once(late, RIGHT)) == {429}
    assert "identity_confirmed" not in event_kinds(account)


def test_right_answers_at_once_sign_in_every_browser_once(app, make_account, issue_link):
    """The lock serialises answers without turning right ones away."""
    sent = scale.pick(8, 40)
    account = make_account()
    statuses = _all_at_once(_opened_clients(app, [issue_link(account)] * sent), RIGHT)
    scale.figure(SUITE, "right answers sent at once", sent, "answers")
    assert statuses == [303] * sent
    assert Counter(event_kinds(account))["identity_confirmed"] == sent
