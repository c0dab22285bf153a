"""`resolve-dispute` and `disputes`: what a collector runs once a dispute has been checked."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AccountStatus,
    DisputeReason,
    DisputeStatus,
    InstalmentStatus,
    MagicLink,
    Payment,
    PlanStatus,
)
from portal.models.types import utcnow
from tests.disputes.conftest import text
from tests.helpers.mail import body
from tests.helpers.plans import plan_rows
from tests.helpers.records import event_kinds, events

NOTE = "The creditor sent us your signed agreement and statements for 2024."


def _resolve(runner, reference, outcome, note=NOTE):
    return runner.invoke(args=["resolve-dispute", reference, f"--{outcome}", "--note", note])


def test_upheld_closes_the_account_ends_the_plan_and_tells_the_debtor(
    runner, make_account, open_dispute, mailbox
):
    account = make_account()
    today = utcnow().date()
    plan = plan_rows(account, [(today + timedelta(days=5), 5000), (today + timedelta(days=35), 5000)])
    dispute = open_dispute(account, DisputeReason.NOT_MINE)

    result = _resolve(runner, dispute.reference, "upheld", "Identity theft confirmed by Acme Bank.")

    assert result.exit_code == 0, result.output
    assert f"Dispute {dispute.reference} upheld: account acme/ACC-1 is closed." in result.output
    assert f"Plan {plan.id} cancelled." in result.output
    db.session.expire_all()
    assert account.status is AccountStatus.CLOSED and account.on_hold is False
    assert plan.status is PlanStatus.CANCELLED and plan.active_account_id is None
    assert {i.status for i in plan.instalments} == {InstalmentStatus.CANCELLED}
    assert dispute.status is DisputeStatus.UPHELD
    assert dispute.resolution_note == "Identity theft confirmed by Acme Bank."
    assert dispute.resolved_at is not None
    kinds = event_kinds(account)
    assert kinds.index("plan_cancelled") < kinds.index("dispute_upheld")
    (event,) = events(account, "dispute_upheld")
    assert event.actor == "collector"
    assert event.data["reference"] == dispute.reference and event.data["account_status"] == "closed"
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == f"You do not owe this debt: dispute {dispute.reference}"
    mail = body(message, "plain")
    assert "You were right: you do not owe this debt." in mail
    assert "We have also ended your payment plan." in mail
    assert "Identity theft confirmed by Acme Bank." in mail
    assert "dispute_outcome_sent" in event_kinds(account)


def test_upheld_shows_a_closed_account_with_nothing_to_pay(runner, make_account, open_dispute, sign_in):
    account = make_account()
    client = sign_in(account)
    dispute = open_dispute(account, DisputeReason.NOT_MINE)
    _resolve(runner, dispute.reference, "upheld")
    page = text(client.get("/account"))
    assert "This account is closed" in page
    assert "you do not owe this debt" in page
    assert "Pay in full" not in page and "under review" not in page


def test_rejected_lifts_the_hold_and_sends_the_verification_with_a_link(
    runner, make_account, open_dispute, mailbox, client
):
    account = make_account()
    account.itemization_date = date(2026, 6, 30)
    db.session.commit()
    dispute = open_dispute(account)

    result = _resolve(runner, dispute.reference, "rejected")

    assert result.exit_code == 0, result.output
    assert f"Dispute {dispute.reference} rejected: the hold on account acme/ACC-1 is lifted." in result.output
    assert "The debtor has been emailed the outcome." in result.output
    db.session.expire_all()
    assert account.on_hold is False and account.status is AccountStatus.OPEN
    assert dispute.status is DisputeStatus.REJECTED and dispute.resolution_note == NOTE
    (event,) = events(account, "dispute_rejected")
    assert event.actor == "collector" and event.data["note"] == NOTE

    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == f"What we found about your dispute {dispute.reference}"
    mail = body(message, "plain")
    assert NOTE in mail
    for line in (
        "What you owed on June 30, 2026: $1,000.00",
        "Interest added since then: + $50.25",
        "Fees added since then: + $10.00",
        "Payments you made since then: − $0.00",
        "What you owe now: $1,060.25",
    ):
        assert line in mail
    (link,) = db.session.scalars(select(MagicLink).where(MagicLink.account_id == account.id)).all()
    url = next(word for word in mail.split() if word.startswith("http://portal.test/l/"))
    assert client.get(url.removeprefix("http://portal.test")).status_code == 303, "the link opens"
    assert link.account_id == account.id


def test_after_a_rejection_the_overview_shows_the_note_until_an_option_is_chosen(
    runner, make_account, open_dispute, sign_in
):
    account = make_account()
    client = sign_in(account)
    dispute = open_dispute(account)
    on_hold = text(client.get("/account"))
    assert "Your dispute is under review" in on_hold and "What you can do" not in on_hold

    _resolve(runner, dispute.reference, "rejected")
    page = text(client.get("/account"))
    assert f"What we found about your dispute {dispute.reference}" in page
    assert NOTE in page
    assert "What you can do" in page and "under review" not in page

    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_after", amount=1000, currency="USD")
    )
    db.session.commit()
    page = text(client.get("/account"))
    assert NOTE not in page, "once they have chosen, the note has done its job"


def test_a_dispute_is_resolved_once(runner, make_account, open_dispute, mailbox):
    dispute = open_dispute(make_account())
    assert _resolve(runner, dispute.reference, "rejected").exit_code == 0
    again = _resolve(runner, dispute.reference, "upheld")
    assert again.exit_code == 1
    assert f"Dispute {dispute.reference} is already rejected." in again.output
    db.session.expire_all()
    assert dispute.status is DisputeStatus.REJECTED and dispute.account.status is AccountStatus.OPEN


def test_the_command_needs_an_outcome_a_note_and_a_real_reference(runner, make_account, open_dispute):
    dispute = open_dispute(make_account())
    missing = runner.invoke(args=["resolve-dispute", dispute.reference, "--note", "x"])
    assert missing.exit_code == 2 and "--upheld or --rejected" in missing.output
    blank = runner.invoke(args=["resolve-dispute", dispute.reference, "--rejected", "--note", "  "])
    assert blank.exit_code == 2
    unknown = _resolve(runner, "D-ZZZZZZ", "rejected")
    assert unknown.exit_code == 1 and "No dispute with reference 'D-ZZZZZZ'" in unknown.output
    db.session.expire_all()
    assert dispute.status is DisputeStatus.OPEN and dispute.account.on_hold is True
    lower = _resolve(runner, dispute.reference.lower(), "rejected")
    assert lower.exit_code == 0, lower.output


def test_an_outcome_that_cannot_be_emailed_says_so(runner, make_account, open_dispute, mailbox):
    dispute = open_dispute(make_account(email=None))
    result = _resolve(runner, dispute.reference, "rejected")
    assert result.exit_code == 0
    assert "could not be emailed" in result.output and "by post" in result.output
    assert events(dispute.account, "dispute_outcome_not_sent")[0].data["reason"] == "no_address"
    db.session.expire_all()
    assert db.session.scalars(select(MagicLink)).all() == [], "no link is made for an email never sent"


def test_disputes_lists_the_open_ones_with_whether_evidence_is_stored(runner, make_account, open_dispute):
    assert runner.invoke(args=["disputes"]).output.strip() == "No open disputes."
    first = open_dispute(make_account("ACC-1"), DisputeReason.NOT_MINE)
    second = open_dispute(make_account("ACC-2", full_name="Sam Lee"), DisputeReason.WRONG_AMOUNT)
    second.evidence_file, second.evidence_type = "0123abcd.png", "image/png"
    resolved = open_dispute(make_account("ACC-3", full_name="Ana Ruiz"))
    db.session.commit()
    _resolve(runner, resolved.reference, "rejected")

    result = runner.invoke(args=["disputes"])

    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    today = first.created_at.strftime("%Y-%m-%d")
    assert lines[0].split() == [first.reference, "acme/ACC-1", "not_mine", today, "evidence:", "no"]
    assert lines[1].split() == [second.reference, "acme/ACC-2", "wrong_amount", today, "evidence:", "yes"]
