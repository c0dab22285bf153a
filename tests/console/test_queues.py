"""Queues: what waits for a decision or a person, for the person's creditors only; and the
supervisor's decisions on disputes and offers, which do what `resolve-dispute` and `decide-offer`
do (the same rows, timeline events and outbox messages), once, even when two decide at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.console.worklist_data import WEEKDAYS
from portal.disputes import service as disputes
from portal.domain.schedules import Frequency
from portal.extensions import db
from portal.models import (
    AccountStatus,
    Dispute,
    DisputeReason,
    DisputeStatus,
    Event,
    Message,
    Offer,
    OfferStatus,
    RequestKind,
    SupportRequest,
)
from portal.models.types import utcnow
from portal.notify import disputes as dispute_emails
from portal.notify import offer_emails, outbox
from portal.offers import service as offers
from tests.helpers.plans import plan_rows
from tests.helpers.records import count, events

NOTE = "The creditor sent the signed agreement and the statements for 2024."


def _dispute(account, *, days_ago=0, reason=DisputeReason.NOT_MINE, details="I never had this loan."):
    dispute = disputes.open_dispute(account, reason, details)
    dispute.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return dispute


def _offer(account, *, days_ago=0, amount=4000, note="I lost my job in May.", affordability=None):
    start = utcnow().date() + timedelta(days=10)
    offer = offers.make_offer(account, offers.Terms(amount, Frequency.MONTHLY, start), note, affordability)
    offer.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return offer


def _request(account, kind, **fields):
    request = SupportRequest(account=account, kind=kind, **fields)
    db.session.add(request)
    db.session.commit()
    return request


def _outcome_message(dispute) -> Message | None:
    db.session.expire_all()
    return outbox.find(dispute_emails.outcome_key(dispute))


def _decision_message(offer) -> Message | None:
    db.session.expire_all()
    return outbox.find(offer_emails.decision_key(offer.id))


def _reload(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


# --- The queues page ---------------------------------------------------------------------------


def test_the_queues_list_what_waits_in_order_for_the_persons_creditors_only(
    make_account, make_staff, console_sign_in
):
    today = utcnow().date()
    newer = make_account("D-2", full_name="Dora Newer", email="dora@example.com")
    older = make_account("D-1", full_name="Dan Older", email="dan@example.com")
    late_offer = make_account("O-1", full_name="Olga Late", email="olga@example.com")
    new_offer = make_account("O-2", full_name="Otto Fresh", email="otto@example.com")
    anytime = make_account("C-1", full_name="Cara Anytime", email="cara@example.com")
    later = make_account("C-2", full_name="Carl Later", email="carl@example.com")
    unnamed = make_account("C-3", full_name="Cleo Unnamed", email="cleo@example.com")
    far = make_account("P-1", full_name="Paula Far", email="paula@example.com")
    near = make_account("P-2", full_name="Pete Near", email="pete@example.com")
    elsewhere = make_account("B-1", "beta", "Beta Loans", full_name="Xavier Elsewhere", email="x@example.com")
    for account in (anytime, later, unnamed):
        account.timezone = "UTC"
    _dispute(newer, days_ago=2)
    _dispute(older, days_ago=9, reason=DisputeReason.ALREADY_PAID)
    _offer(new_offer, days_ago=0)
    _offer(late_offer, days_ago=12)
    # Any day, any part of it: within a day. One named weekday three days on, mornings: later.
    # None named: last, whatever the order they came in.
    _request(unnamed, RequestKind.HARDSHIP, phone="+12025550101")
    _request(
        later,
        RequestKind.HARDSHIP,
        phone="+12025550102",
        call_days=WEEKDAYS[(today.weekday() + 3) % 7],
        call_times="morning",
    )
    _request(
        anytime,
        RequestKind.HARDSHIP,
        phone="+12025550103",
        call_days=",".join(WEEKDAYS),
        call_times="morning,afternoon,evening",
    )
    _request(far, RequestKind.PROMISE, promise_date=today + timedelta(days=5), promise_amount=2500)
    _request(near, RequestKind.PROMISE, promise_date=today + timedelta(days=2))
    _dispute(elsewhere, days_ago=30)
    _offer(elsewhere, days_ago=30)
    _request(elsewhere, RequestKind.PROMISE, promise_date=today)

    client = console_sign_in(make_staff(creditors=["acme"]))
    answer = client.get("/console/queues")

    assert answer.status_code == 200
    page = answer.text
    names = [
        "Dan Older",
        "Dora Newer",
        "Olga Late",
        "Otto Fresh",
        "Cara Anytime",
        "Carl Later",
        "Cleo Unnamed",
        "Pete Near",
        "Paula Far",
    ]
    assert [page.index(name) for name in names] == sorted(page.index(name) for name in names)
    assert "Xavier Elsewhere" not in page and "Beta Loans" not in page
    assert "9 days" in page and "2 days" in page
    assert "Already paid" in page and "Not theirs" in page
    reply_by = offers.reply_by(today - timedelta(days=12))
    assert f"{reply_by:%B} {reply_by.day}, {reply_by.year}" in page and "Late" in page
    assert "The full balance, $1,060.25" in page and "$25.00" in page
    for account in (older, newer, late_offer, anytime, far):
        assert f'href="/console/accounts/{account.id}"' in page
    for dispute in db.session.scalars(select(Dispute).where(Dispute.account_id.in_([older.id, newer.id]))):
        assert f'href="/console/disputes/{dispute.id}"' in page and f"See dispute {dispute.reference}" in page
    for offer in db.session.scalars(select(Offer).where(Offer.account_id == late_offer.id)):
        assert f'href="/console/offers/{offer.id}"' in page
    assert 'href="/console/queues" aria-current="page"' in page


def test_a_supervisor_is_offered_the_decisions_and_an_empty_queue_says_so(
    make_account, make_staff, console_sign_in
):
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))
    empty = client.get("/console/queues").text
    assert "No dispute is waiting." in empty and "No promise is open." in empty
    dispute = _dispute(make_account())
    assert f"Decide dispute {dispute.reference}" in client.get("/console/queues").text


# --- Deciding a dispute ------------------------------------------------------------------------


def test_the_dispute_page_shows_the_debtors_words_and_whether_a_document_came(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    dispute = _dispute(account, days_ago=3, details="I paid this in March; my bank shows it.")
    dispute.evidence_file, dispute.evidence_name = "abc.pdf", "bank-statement.pdf"
    db.session.commit()
    page = console_sign_in(make_staff("boss@example.com", "supervisor")).get(
        f"/console/disputes/{dispute.id}"
    )
    assert page.status_code == 200
    assert "I paid this in March; my bank shows it." in page.text
    assert "Not theirs" in page.text and "Yes: bank-statement.pdf" in page.text and "3 days ago" in page.text
    assert 'name="outcome"' in page.text and "Record the decision" in page.text


def test_rejecting_a_dispute_does_what_resolve_dispute_does_as_the_supervisor(
    make_account, make_staff, console_sign_in, runner
):
    by_command = _dispute(make_account("CMD-1", email="cmd@example.com"))
    by_console = _dispute(make_account("CON-1", email="con@example.com"))
    boss = make_staff("boss@example.com", "supervisor")
    client = console_sign_in(boss)

    assert (
        runner.invoke(args=["resolve-dispute", by_command.reference, "--rejected", "--note", NOTE]).exit_code
        == 0
    )
    answer = client.post(f"/console/disputes/{by_console.id}", data={"outcome": "rejected", "note": NOTE})

    assert answer.status_code == 302 and answer.headers["Location"] == "/console/queues"
    by_command, by_console = _reload(by_command), _reload(by_console)
    for dispute in (by_command, by_console):
        assert dispute.status is DisputeStatus.REJECTED and dispute.resolution_note == NOTE
        assert dispute.account.on_hold is False and dispute.account.status is AccountStatus.OPEN
    kinds = [[e.kind for e in events(d.account)] for d in (by_command, by_console)]
    assert kinds[0] == kinds[1] and "dispute_rejected" in kinds[1]
    (decided,) = events(by_console.account, "dispute_rejected")
    assert decided.actor == f"staff:{boss.id}" and decided.data["note"] == NOTE
    mine, theirs = _outcome_message(by_console), _outcome_message(by_command)
    assert mine is not None and theirs is not None
    assert (mine.kind, mine.channel, mine.to_address) == ("dispute_outcome", "email", "con@example.com")
    assert mine.subject == theirs.subject.replace(by_command.reference, by_console.reference)
    assert NOTE in mine.body
    followed = client.get("/console/queues").text
    assert f"Dispute {by_console.reference} rejected: the hold on the account is lifted." in followed
    assert f"message {mine.id}" in followed and "No dispute is waiting." in followed


def test_upholding_closes_the_account_cancels_the_plan_and_a_second_decision_is_refused(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    plan = plan_rows(account, [(utcnow().date() + timedelta(days=5), 5000)])
    dispute = _dispute(account)
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))

    answer = client.post(
        f"/console/disputes/{dispute.id}", data={"outcome": "upheld", "note": "Identity theft."}
    )

    assert answer.status_code == 302
    dispute = _reload(dispute)
    assert dispute.status is DisputeStatus.UPHELD and dispute.account.status is AccountStatus.CLOSED
    assert _reload(plan).status.value == "cancelled"
    message = _outcome_message(dispute)
    assert message.subject == f"You do not owe this debt: dispute {dispute.reference}"
    flashed = client.get("/console/queues").text
    assert "upheld: the account is closed" in flashed and f"Plan {plan.id} is cancelled." in flashed

    again = client.post(
        f"/console/disputes/{dispute.id}", data={"outcome": "rejected", "note": "Changed mind."}
    )

    assert again.status_code == 409
    assert f"Nothing was changed: dispute {dispute.reference} was already upheld." in again.text
    assert 'href="#decided"' in again.text and 'id="decided"' in again.text
    assert _reload(dispute).status is DisputeStatus.UPHELD
    assert [e.kind for e in events(account)].count("dispute_upheld") == 1
    assert events(account, "dispute_rejected") == []
    assert count(Message, Message.kind == "dispute_outcome") == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": NOTE}, "Choose upheld or rejected"),
        ({"outcome": "rejected", "note": "   "}, "Write a note saying what you found"),
        ({"outcome": "dismissed", "note": NOTE}, "Choose upheld or rejected"),
        ({"outcome": "rejected", "note": "x" * 2001}, "A note can be at most 2000 characters"),
    ],
    ids=["no-outcome", "no-note", "unknown-outcome", "long-note"],
)
def test_a_dispute_decision_without_its_answers_changes_nothing(
    make_account, make_staff, console_sign_in, data, message
):
    dispute = _dispute(make_account())
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))
    answer = client.post(f"/console/disputes/{dispute.id}", data=data)
    assert answer.status_code == 400 and message in answer.text and "Error:" in answer.text
    assert _reload(dispute).status is DisputeStatus.OPEN and _outcome_message(dispute) is None


# --- Deciding an offer -------------------------------------------------------------------------


def test_the_offer_page_shows_the_terms_the_note_and_the_figures_shared(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    figures = {
        "currency": "USD",
        "income": 210000,
        "outgoings": {"housing": 90000, "food": 40000},
        "left": 80000,
    }
    offer = _offer(account, note="Two children; my hours were cut.", affordability=figures)
    page = (
        console_sign_in(make_staff("boss@example.com", "supervisor")).get(f"/console/offers/{offer.id}").text
    )
    for shown in (
        "$40.00",
        "Every month",
        "Two children; my hours were cut.",
        "$2,100.00",
        "Housing",
        "$900.00",
        "Food",
        "$800.00",
        "paid in 27 payments",
        'name="decision"',
    ):
        assert shown in page, shown
    plain = (
        console_sign_in(make_staff("b2@example.com", "supervisor"))
        .get(f"/console/offers/{_offer(make_account('ACC-2', email='b@example.com')).id}")
        .text
    )
    assert "They did not share their income and spending." in plain


def test_accepting_an_offer_does_what_decide_offer_does_as_the_supervisor(
    make_account, make_staff, console_sign_in, runner
):
    by_command = _offer(make_account("CMD-1", email="cmd@example.com"))
    by_console = _offer(make_account("CON-1", email="con@example.com"))
    boss = make_staff("boss@example.com", "supervisor")
    client = console_sign_in(boss)

    assert runner.invoke(args=["decide-offer", str(by_command.id), "--accept"]).exit_code == 0
    answer = client.post(f"/console/offers/{by_console.id}", data={"decision": "accept"})

    assert answer.status_code == 302 and answer.headers["Location"] == "/console/queues"
    by_command, by_console = _reload(by_command), _reload(by_console)
    assert by_console.status is OfferStatus.ACCEPTED and by_console.decided_at is not None
    kinds = [[e.kind for e in events(o.account)] for o in (by_command, by_console)]
    assert kinds[0] == kinds[1] and "offer_accepted" in kinds[1]
    (decided,) = events(by_console.account, "offer_accepted")
    assert decided.actor == f"staff:{boss.id}" and decided.data == {"offer_id": by_console.id}
    mine, theirs = _decision_message(by_console), _decision_message(by_command)
    # Outside the debtor's hours both wait in the outbox for the morning (the address is then filled
    # in when it goes), inside them both go now: either way the same.
    assert (mine.kind, mine.subject, mine.status) == ("offer_decision", theirs.subject, theirs.status)
    assert mine.debtor_id == by_console.account.debtor_id and mine.channel == "email"
    assert f"Offer {by_console.id} accepted." in client.get("/console/queues").text


def test_declining_needs_a_reason_and_tells_it_to_the_debtor(make_account, make_staff, console_sign_in):
    offer = _offer(make_account())
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))

    bare = client.post(f"/console/offers/{offer.id}", data={"decision": "decline", "reason": " "})
    assert bare.status_code == 400 and "Write why the offer is declined" in bare.text
    assert _reload(offer).status is OfferStatus.PENDING and _decision_message(offer) is None

    answer = client.post(
        f"/console/offers/{offer.id}", data={"decision": "decline", "reason": "This would take 17 years."}
    )

    assert answer.status_code == 302
    offer = _reload(offer)
    assert offer.status is OfferStatus.DECLINED and offer.decision_note == "This would take 17 years."
    assert "This would take 17 years." in _decision_message(offer).body
    (declined,) = events(offer.account, "offer_declined")
    assert declined.actor.startswith("staff:")


def test_a_counter_offer_is_recorded_on_its_terms(make_account, make_staff, console_sign_in):
    offer = _offer(make_account())
    start = utcnow().date() + timedelta(days=7)
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))

    answer = client.post(
        f"/console/offers/{offer.id}",
        data={
            "decision": "counter",
            "amount": "100.00",
            "frequency": "every_two_weeks",
            "start-day": str(start.day),
            "start-month": str(start.month),
            "start-year": str(start.year),
        },
    )

    assert answer.status_code == 302, answer.text
    offer = _reload(offer)
    assert (offer.status, offer.counter_amount, offer.counter_frequency, offer.counter_start_date) == (
        OfferStatus.COUNTERED,
        10000,
        "every_two_weeks",
        start,
    )
    (countered,) = events(offer.account, "offer_countered")
    assert countered.data == {
        "offer_id": offer.id,
        "amount": 10000,
        "frequency": "every_two_weeks",
        "start_date": start.isoformat(),
    }
    assert _decision_message(offer).subject == "We have looked at your offer"
    page = client.get(f"/console/offers/{offer.id}").text
    assert "Decided: countered" in page and "Proposed instead: $100.00, Every two weeks" in page
    assert 'name="decision"' not in page


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"decision": "counter", "frequency": "monthly", "start": 7}, 400, "Enter an amount"),
        ({"decision": "counter", "amount": "40.00", "start": 7}, 400, "Choose how often"),
        (
            {"decision": "counter", "amount": "40.00", "frequency": "monthly"},
            400,
            "Enter the date of the first payment",
        ),
        (
            {"decision": "counter", "amount": "2000.00", "frequency": "monthly", "start": 7},
            409,
            "The amount must be more than 0 and less than the balance",
        ),
        (
            {"decision": "counter", "amount": "1.00", "frequency": "weekly", "start": 7},
            409,
            "At this amount the plan would take too many payments",
        ),
        (
            {"decision": "counter", "amount": "40.00", "frequency": "monthly", "start": -1},
            409,
            "The first payment cannot be in the past",
        ),
        (
            {"decision": "counter", "amount": "40.00", "frequency": "monthly", "start": 400},
            409,
            "The first payment must be within a year from today",
        ),
        ({}, 400, "Choose accept, decline or propose another plan"),
    ],
    ids=["no-amount", "no-frequency", "no-start", "over-balance", "too-many", "past", "too-late", "nothing"],
)
def test_an_offer_decision_the_rules_refuse_says_why_and_changes_nothing(
    make_account, make_staff, console_sign_in, data, status, message
):
    offer = _offer(make_account())
    data = dict(data)
    if "start" in data:
        start = utcnow().date() + timedelta(days=data.pop("start"))
        data.update(
            {"start-day": str(start.day), "start-month": str(start.month), "start-year": str(start.year)}
        )
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))

    answer = client.post(f"/console/offers/{offer.id}", data=data)

    assert answer.status_code == status and message in answer.text
    assert 'class="error-summary"' in answer.text
    assert _reload(offer).status is OfferStatus.PENDING and _decision_message(offer) is None
    assert events(offer.account, "offer_countered") == []


def test_accepting_ignores_counter_terms_typed_but_not_chosen(make_account, make_staff, console_sign_in):
    offer = _offer(make_account())
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))
    answer = client.post(f"/console/offers/{offer.id}", data={"decision": "accept", "amount": "nonsense"})
    assert answer.status_code == 302 and _reload(offer).status is OfferStatus.ACCEPTED


def test_an_offer_is_decided_once(make_account, make_staff, console_sign_in):
    offer = _offer(make_account())
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))
    assert client.post(f"/console/offers/{offer.id}", data={"decision": "accept"}).status_code == 302

    again = client.post(f"/console/offers/{offer.id}", data={"decision": "decline", "reason": "No."})

    assert again.status_code == 409
    assert f"Nothing was changed: offer {offer.id} was already accepted." in again.text
    assert _reload(offer).status is OfferStatus.ACCEPTED
    assert events(offer.account, "offer_declined") == []
    assert count(Message, Message.kind == "offer_decision") == 1


# --- Roles and creditors -----------------------------------------------------------------------


def test_an_agent_sees_the_decision_pages_without_a_form_and_may_not_decide(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    dispute, offer = _dispute(account), _offer(account)
    client = console_sign_in(make_staff())

    assert "See dispute" in client.get("/console/queues").text
    for path in (f"/console/disputes/{dispute.id}", f"/console/offers/{offer.id}"):
        page = client.get(path)
        assert page.status_code == 200 and "A supervisor decides" in page.text
        assert (
            '<form method="post" action="' + path not in page.text and "Record the decision" not in page.text
        )
    assert (
        client.post(f"/console/disputes/{dispute.id}", data={"outcome": "upheld", "note": NOTE}).status_code
        == 403
    )
    assert client.post(f"/console/offers/{offer.id}", data={"decision": "accept"}).status_code == 403
    assert _reload(dispute).status is DisputeStatus.OPEN and _reload(offer).status is OfferStatus.PENDING
    assert _outcome_message(dispute) is None and _decision_message(offer) is None


def test_another_creditors_dispute_or_offer_is_not_found(make_account, make_staff, console_sign_in):
    theirs = make_account("B-1", "beta", "Beta Loans", email="b@example.com")
    make_account()
    dispute, offer = _dispute(theirs), _offer(theirs)
    client = console_sign_in(make_staff("boss@example.com", "supervisor", creditors=["acme"]))

    for path in (
        f"/console/disputes/{dispute.id}",
        f"/console/offers/{offer.id}",
        f"/console/disputes/{dispute.id + 100}",
        f"/console/offers/{offer.id + 100}",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.post(f"/console/disputes/{dispute.id}", data={"outcome": "upheld", "note": NOTE}).status_code
        == 404
    )
    assert client.post(f"/console/offers/{offer.id}", data={"decision": "accept"}).status_code == 404
    assert _reload(dispute).status is DisputeStatus.OPEN and _reload(offer).status is OfferStatus.PENDING


# --- Two supervisors at once (run on PostgreSQL with TEST_POSTGRES_SERVER, and on SQLite) -------

ROUNDS = 4


def _at_once(posts) -> list[int]:
    """Send the posts from their own threads (each request its own app context and database
    connection), released together; their status codes."""
    start = threading.Barrier(len(posts))
    statuses: list = [None] * len(posts)

    def run(index, post):
        start.wait(timeout=30)
        try:
            statuses[index] = post().status_code
        except Exception as error:  # noqa: BLE001 - a crash shows as itself in the assertion
            statuses[index] = error

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _two_supervisors(make_staff, console_sign_in):
    return (
        console_sign_in(make_staff("first@example.com", "supervisor")),
        console_sign_in(make_staff("second@example.com", "supervisor")),
    )


def test_two_supervisors_deciding_one_offer_at_once_decide_it_once(make_account, make_staff, console_sign_in):
    first, second = _two_supervisors(make_staff, console_sign_in)
    for round_number in range(ROUNDS):
        offer = _offer(make_account(f"R-{round_number}", email=f"r{round_number}@example.com"))
        path = f"/console/offers/{offer.id}"

        statuses = _at_once(
            [
                lambda path=path: first.post(path, data={"decision": "accept"}),
                lambda path=path: second.post(path, data={"decision": "decline", "reason": "Too long."}),
            ]
        )

        assert sorted(statuses) == [302, 409], statuses
        offer = _reload(offer)
        winner = OfferStatus.ACCEPTED if statuses[0] == 302 else OfferStatus.DECLINED
        assert offer.status is winner
        decided = [e for e in events(offer.account) if e.kind in ("offer_accepted", "offer_declined")]
        assert [e.kind for e in decided] == [f"offer_{winner.value}"]
        assert count(Message, Message.account_id == offer.account_id, Message.kind == "offer_decision") == 1


def test_two_supervisors_resolving_one_dispute_at_once_resolve_it_once(
    make_account, make_staff, console_sign_in
):
    first, second = _two_supervisors(make_staff, console_sign_in)
    for round_number in range(ROUNDS):
        dispute = _dispute(make_account(f"R-{round_number}", email=f"r{round_number}@example.com"))
        path = f"/console/disputes/{dispute.id}"

        statuses = _at_once(
            [
                lambda path=path: first.post(path, data={"outcome": "upheld", "note": "Not theirs."}),
                lambda path=path: second.post(path, data={"outcome": "rejected", "note": NOTE}),
            ]
        )

        assert sorted(statuses) == [302, 409], statuses
        dispute = _reload(dispute)
        winner = DisputeStatus.UPHELD if statuses[0] == 302 else DisputeStatus.REJECTED
        assert dispute.status is winner
        decided = [e for e in events(dispute.account) if e.kind in ("dispute_upheld", "dispute_rejected")]
        assert [e.kind for e in decided] == [f"dispute_{winner.value}"]
        outcomes = db.session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.account_id == dispute.account_id, Message.kind == "dispute_outcome")
        )
        assert outcomes == 1
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.account_id == dispute.account_id, Event.actor.like("staff:%"))
            )
            == 1
        )


def test_the_account_page_names_the_supervisor_behind_a_decision(make_account, make_staff, console_sign_in):
    import re
    from datetime import date, timedelta

    from portal.models import Offer

    account = make_account()
    offer = Offer(
        account=account, amount=1000, frequency="monthly", start_date=date.today() + timedelta(days=3)
    )
    db.session.add(offer)
    db.session.commit()
    boss = make_staff("boss@example.com", "supervisor")
    client = console_sign_in(boss)
    assert client.post(f"/console/offers/{offer.id}", data={"decision": "accept"}).status_code == 302
    page = client.get(f"/console/accounts/{account.id}").text
    assert re.search(r"<strong>offer_accepted</strong> by boss@example\.com", page), page
