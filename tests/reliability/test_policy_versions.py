"""Creditor policy versions under concurrency: a page a debtor reads never writes a policy, and
set-policy runs at the same moment each get their own version, one after the other.

GET /options used to create a creditor's default version 1 on its first read; two first reads at
once raced on uq_policy_version and one answered 500. Run on PostgreSQL with TEST_POSTGRES_SERVER
for the real race; SQLite runs the same tests with its one-writer-at-a-time locking.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from portal.accounts import policies
from portal.collector.policy_commands import set_policy_command, show_policy_command
from portal.domain.policy import Policy
from portal.extensions import db
from portal.models import CreditorPolicy
from tests.helpers import scale

SUITE = "policy_versions"


def _policy_rows(creditor_id: int) -> list[int]:
    db.session.expire_all()
    return db.session.scalars(
        select(CreditorPolicy.version)
        .where(CreditorPolicy.creditor_id == creditor_id)
        .order_by(CreditorPolicy.version)
    ).all()


def _signed_in_client(app, account, issue_link):
    client = app.test_client()
    client.get(issue_link(account))
    dob = account.debtor.date_of_birth
    response = client.post(
        "/verify", data={"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)}
    )
    assert response.status_code == 303
    return client


def test_concurrent_first_views_of_options_all_answer_and_never_write_a_policy(app, make_account, issue_link):
    rounds = scale.pick(3, 25)
    viewers = scale.pick(6, 16)
    statuses: list[int] = []
    written = 0
    for round_number in range(rounds):
        account = make_account(reference=f"ACC-{round_number}", creditor_slug=f"creditor-{round_number}")
        creditor_id = account.creditor_id
        assert _policy_rows(creditor_id) == []  # a creditor made outside the import: no version yet
        clients = [_signed_in_client(app, account, issue_link) for _ in range(viewers)]
        start = threading.Barrier(viewers)

        def view(client, start=start):
            start.wait(timeout=30)
            return client.get("/options").status_code

        with ThreadPoolExecutor(max_workers=viewers) as pool:
            statuses += list(pool.map(view, clients))
        written += len(_policy_rows(creditor_id))

    server_errors = sum(1 for status in statuses if status >= 500)
    scale.figure(SUITE, "options first views run", len(statuses), "requests")
    scale.figure(SUITE, "options first views answered 5xx", server_errors, "requests")
    scale.figure(SUITE, "policy rows written by GET /options", written, "rows")
    assert server_errors == 0
    assert set(statuses) == {200}
    assert written == 0


def test_concurrent_set_policy_runs_get_the_next_versions_and_keep_every_change(app, make_account):
    rounds = scale.pick(3, 20)
    runs = scale.pick(3, 6)
    # Each run changes a different setting, so a lost update would show in the newest version.
    settings = [
        ("--grace-days", "grace_days", 5),
        ("--settlement-days", "settlement_days", 45),
        ("--max-instalments", "max_instalments", 12),
        ("--misses-before-broken", "misses_before_broken", 3),
        ("--hardship-pause-days", "hardship_pause_days", 60),
        ("--first-payment-within-days", "first_payment_within_days", 14),
    ][:runs]
    account = make_account()
    creditor = account.creditor
    show_policy_command.main(args=[creditor.slug], standalone_mode=False)  # writes version 1
    refusals: list[str] = []
    failures: list[BaseException] = []
    lost = 0

    for _round in range(rounds):
        before = _policy_rows(creditor.id)
        start = threading.Barrier(runs)

        def run(option, value, start=start):
            with app.app_context():
                try:
                    start.wait(timeout=30)
                    set_policy_command.main(args=[creditor.slug, option, str(value)], standalone_mode=False)
                except Exception as error:  # noqa: BLE001 - every outcome is counted below
                    message = getattr(error, "message", "")
                    (refusals if message.startswith("Not changed") else failures).append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=run, args=(option, value)) for option, _name, value in settings]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        after = _policy_rows(creditor.id)
        saved = len(after) - len(before)
        assert after == list(range(1, len(after) + 1)), "versions are consecutive, none skipped or doubled"
        assert saved == runs or refusals, "every run saved a version or was refused clearly"
        newest = policies.rules(policies.current(creditor)).to_dict()
        if not refusals:
            lost += sum(1 for _option, name, value in settings if newest[name] != value)
        # Put the settings back to the defaults for the next round, as one more version.
        policies.change(creditor, {name: Policy().to_dict()[name] for _o, name, _v in settings})
        db.session.commit()

    scale.figure(SUITE, "set-policy runs at the same moment", rounds * runs, "runs")
    scale.figure(SUITE, "set-policy runs failed with an error", len(failures), "runs")
    scale.figure(SUITE, "set-policy runs refused clearly", len(refusals), "runs")
    scale.figure(SUITE, "set-policy changes lost", lost, "changes")
    assert [repr(f) for f in failures] == []
    assert refusals == []
    assert lost == 0
