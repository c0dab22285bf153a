"""While a dispute is open the account is on hold: no charges, reminders, notices or new links.
Only answers to the debtor (the dispute confirmation, a receipt) still go out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import clock
from portal.disputes import service
from portal.disputes.draft import RUN
from portal.extensions import db
from portal.links import service as links
from portal.models import DisputeReason, InstalmentStatus, MagicLink, Payment, PaymentAttempt
from portal.notify import disputes as dispute_emails
from portal.notify import plan_notices, receipts, rules
from portal.plans import reminders, runner
from tests.disputes.conftest import upload
from tests.helpers import documents
from tests.helpers.mail import body
from tests.helpers.plans import intents_for, make_plan, noon, plan_rows
from tests.helpers.records import events

MORNING_IN_NEW_YORK = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
NIGHT_IN_NEW_YORK = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


def _lift(account):
    account.on_hold = False
    db.session.commit()


def _links(account) -> list[MagicLink]:
    db.session.expire_all()
    return db.session.scalars(select(MagicLink).where(MagicLink.account_id == account.id)).all()


def test_the_rules_say_on_hold_except_when_answering_the_person(make_account, open_dispute):
    account = make_account()
    open_dispute(account)
    assert rules.contact_allowed(account) == (False, "on_hold")
    assert rules.email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (False, "on_hold")
    assert rules.email_allowed(account.debtor, account, MORNING_IN_NEW_YORK, debtor_initiated=True) == (
        True,
        "",
    )
    _lift(account)
    assert rules.email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (True, "")


def test_the_runner_takes_nothing_from_an_account_on_hold(make_account, localstripe, open_dispute):
    account = make_account()
    plan = make_plan(localstripe, account, count=2)
    open_dispute(account)
    due = noon(plan.instalments[0].due_date)

    report = runner.charge_due(due)

    assert report.charged == 0 and report.on_hold == 1
    db.session.expire_all()
    assert (
        db.session.scalars(select(PaymentAttempt).where(PaymentAttempt.account_id == account.id)).all() == []
    )
    assert intents_for(localstripe, account.debtor.stripe_customer_id) == []
    first = plan.instalments[0]
    assert first.status is InstalmentStatus.SCHEDULED and first.attempts == 0 and first.claimed_until is None

    _lift(account)
    assert runner.charge_due(due).charged == 1, "the instalment is still due once the hold lifts"


def test_an_instalment_past_its_retries_is_not_counted_missed_while_on_hold(make_account, open_dispute):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 10), 5000), (date(2027, 2, 10), 5000)])
    plan.instalments[0].attempts = 99
    db.session.commit()
    open_dispute(account)
    report = runner.charge_due(noon(date(2027, 1, 20)))
    assert report.missed == 0 and report.on_hold == 1
    db.session.expire_all()
    assert plan.misses == 0 and plan.instalments[0].status is InstalmentStatus.SCHEDULED


def test_no_reminders_while_on_hold(make_account, mailbox, open_dispute):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 18), 5000)])
    open_dispute(account)

    assert reminders.send_reminders(MORNING_IN_NEW_YORK) == 0
    assert mailbox.arrived() == []
    db.session.expire_all()
    assert plan.instalments[0].reminded_at is None

    _lift(account)
    assert reminders.send_reminders(MORNING_IN_NEW_YORK) == 1


def test_no_new_link_while_on_hold(make_account, open_dispute):
    account = make_account()
    open_dispute(account)
    with pytest.raises(links.AccountOnHold):
        links.issue(account)
    db.session.rollback()
    assert _links(account) == []
    _lift(account)
    links.issue(account)
    db.session.commit()
    assert len(_links(account)) == 1


def test_issue_link_command_refuses_an_account_on_hold(runner, make_account, open_dispute):
    account = make_account(reference="ACC-1")
    open_dispute(account)
    result = runner.invoke(args=["issue-link", "ACC-1"])
    assert result.exit_code == 1
    assert "acme/ACC-1 is on hold while a dispute is reviewed, so no link was issued" in result.output
    assert "http://" not in result.output
    assert _links(account) == []


@pytest.mark.parametrize(
    ("notice", "kind"),
    [
        (lambda inst, now: plan_notices.payment_declined(inst, None, now), "decline_notice"),
        (
            lambda inst, now: plan_notices.authentication_needed(SimpleNamespace(id=1), inst, now),
            "authentication_notice",
        ),
        (lambda inst, now: plan_notices.plan_broken(inst.plan, now), "plan_ended_notice"),
    ],
    ids=["declined", "authentication", "plan-ended"],
)
def test_the_runners_notices_are_not_sent_and_make_no_link(make_account, mailbox, open_dispute, notice, kind):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 15), 5000)])
    open_dispute(account)

    assert notice(plan.instalments[0], MORNING_IN_NEW_YORK) is False

    assert mailbox.arrived() == []
    assert _links(account) == []
    (event,) = events(account, f"{kind}_not_sent")
    assert event.data == {"reason": "on_hold"}


def test_the_dispute_confirmation_goes_even_at_night(make_account, mailbox, open_dispute, monkeypatch):
    account = make_account()
    dispute = open_dispute(account)
    monkeypatch.setattr(clock, "now", lambda: NIGHT_IN_NEW_YORK)

    dispute_emails.queue_received(dispute)
    db.session.commit()
    assert dispute_emails.sent(dispute_emails.received_key(dispute))

    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == f"We have received your dispute {dispute.reference}"
    text = body(message, "plain")
    assert f"Your dispute reference is {dispute.reference}." in text
    assert "we will not ask you to pay, we will not take any plan payments" in text
    assert "If you choose to pay now anyway, you can." in text
    assert events(account, "dispute_confirmation_sent")[0].data["reference"] == dispute.reference


def test_an_opt_out_still_stops_the_confirmation(make_account, mailbox, open_dispute):
    from portal.models import OptOut

    account = make_account()
    db.session.add(OptOut(debtor_id=account.debtor.id, channel="email"))
    db.session.commit()
    dispute = open_dispute(account)
    dispute_emails.queue_received(dispute)
    db.session.commit()
    assert not dispute_emails.sent(dispute_emails.received_key(dispute))
    assert mailbox.arrived() == []
    assert events(account, "dispute_confirmation_not_sent")[0].data["reason"] == "opted_out"


def test_a_receipt_for_a_voluntary_payment_is_still_sent(make_account, mailbox, open_dispute):
    account = make_account()
    open_dispute(account)
    payment = Payment(
        account_id=account.id, stripe_payment_intent_id="pi_voluntary", amount=5000, currency="USD"
    )
    db.session.add(payment)
    db.session.commit()
    assert receipts.send_receipt(payment) is True
    assert mailbox.wait_for(1)[0]["Subject"] == "Receipt for your payment to Acme Bank"


def test_the_hold_only_covers_the_disputed_account(make_account, open_dispute):
    disputed = make_account("ACC-1")
    other = make_account("ACC-2")
    open_dispute(disputed)
    assert rules.contact_allowed(other) == (True, "")
    links.issue(other)
    db.session.commit()
    assert len(_links(other)) == 1


def test_no_new_options_while_a_dispute_is_open(client, make_account, sign_in):
    from portal.extensions import db as _db

    account = make_account()
    sign_in(account)
    account.on_hold = True
    _db.session.commit()
    assert client.get("/options").headers["Location"].endswith("/account")
    for path in ("/plan/new", "/settle", "/pay/part"):
        response = client.get(path)
        assert response.status_code == 303, path


def test_the_dispute_pages_ask_nothing_more_while_one_is_open(client, make_account, sign_in, evidence_dir):
    """One dispute at a time: every page of the run goes to the received page, and a draft left
    over (say, from another tab) is thrown away with its document."""
    account = make_account()
    sign_in(account)
    client.post("/dispute", data={"reason": "wrong_amount"})
    client.post("/dispute/document", data={"evidence": upload(documents.pdf(), "letter.pdf")})
    assert len(list(evidence_dir.iterdir())) == 1
    service.open_dispute(account, DisputeReason.ALREADY_PAID, "I paid in March.")
    db.session.commit()

    for path in ("/dispute", "/dispute/details", "/dispute/document", "/dispute/check"):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 303 and response.headers["Location"].endswith(
                "/dispute/received"
            ), path
    db.session.expire_all()
    assert RUN.answers(account) == {} and list(evidence_dir.iterdir()) == []
