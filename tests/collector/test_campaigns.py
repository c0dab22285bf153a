"""`send-links` and `campaign-status`: links to many accounts at once, each within the person's
rules, never twice, and a funnel from queued to paid.

Huey runs in immediate mode (tests/conftest.py's task_queue): the senders the command asks for
run at once, in the command, as a consumer's workers would.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain.sms_text import segments
from portal.extensions import db
from portal.models import Campaign, MagicLink, Message, MessageStatus, OptOut
from portal.notify import sender
from portal.timeline import verify
from tests.helpers.cards import VISA_OK, type_card
from tests.helpers.mail import body
from tests.helpers.records import events

MORNING = "2027-01-15T14:00:00Z"  # 09:00 in New York
NIGHT = "2027-01-15T03:00:00Z"  # 22:00 the evening before in New York
EIGHT_AM = datetime(2027, 1, 15, 13, 0, tzinfo=UTC)


@pytest.fixture
def three(make_account):
    """Three accounts of acme: Jane, John (who stopped emails) and Ana."""
    jane = make_account("ACC-1")
    john = make_account("ACC-2", full_name="John Roe", email="john@example.com")
    ana = make_account("ACC-3", full_name="Ana Ruiz", email="ana@example.com", language="es")
    db.session.add(OptOut(debtor_id=john.debtor_id, channel="email"))
    db.session.commit()
    return jane, john, ana


def _file(tmp_path, text: str) -> str:
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


BY_SMS = ["send-links", "--creditor", "acme", "--channel", "sms"]


def _send_links(runner, *args):
    return runner.invoke(args=["send-links", "--creditor", "acme", "--channel", "email", *args])


def _status(runner, campaign_id: int, now: str = MORNING) -> dict[str, str]:
    result = runner.invoke(args=["campaign-status", str(campaign_id), "--now", now])
    assert result.exit_code == 0, result.output
    return {
        m.group(1).strip(): m.group(2)
        for m in re.finditer(r"^\s*([a-z_ ]+?)\s{2,}(\S.*)$", result.output, re.M)
    }


def test_a_file_of_accounts_is_sent_within_each_persons_rules(three, runner, mailbox, tmp_path):
    jane, john, ana = three
    csv_file = _file(tmp_path, "reference\nACC-1\nACC-2\nACC-3\nACC-9\n")

    result = _send_links(runner, "--accounts", csv_file, "--now", MORNING)

    assert result.exit_code == 0, result.output
    assert "Skipped line 5: ACC-9 is not an open account of acme" in result.output
    (campaign,) = db.session.scalars(db.select(Campaign)).all()
    assert f"Campaign {campaign.id} (file {csv_file}, email): 3 queued" in result.output
    mails = mailbox.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["ana@example.com", "jane@example.com"]
    assert events(john, "link_not_sent")[0].data["reason"] == "opted_out"
    assert not db.session.scalars(db.select(MagicLink).where(MagicLink.account_id == john.id)).all()
    status = _status(runner, campaign.id)
    assert (status["queued"], status["sent"], status["refused"], status["opted_out"]) == ("3", "2", "1", "1")
    assert all(check.breaks == [] for check in verify())  # the bulk timeline events keep the chain


def test_the_same_command_run_again_sends_nothing_twice(three, runner, mailbox, tmp_path):
    csv_file = _file(tmp_path, "reference\nACC-1\nACC-3\n")
    assert _send_links(runner, "--accounts", csv_file, "--now", MORNING).exit_code == 0
    assert len(mailbox.wait_for(2)) == 2

    again = _send_links(runner, "--accounts", csv_file, "--now", MORNING)

    assert again.exit_code == 0, again.output
    assert "0 queued, 2 already queued by an earlier run" in again.output
    assert sender.send_due(EIGHT_AM + timedelta(hours=2)) == 0
    assert len(mailbox.arrived()) == 2
    assert db.session.query(Message).count() == 2


def test_at_night_every_message_waits_for_the_morning_and_never_contacted_skips_them(
    three, runner, mailbox, make_account
):
    result = _send_links(runner, "--never-contacted", "--now", NIGHT)
    assert result.exit_code == 0, result.output
    assert "3 queued" in result.output
    assert mailbox.arrived() == []
    campaign = db.session.scalars(db.select(Campaign)).one()
    assert _status(runner, campaign.id, NIGHT)["scheduled"] == "2"  # John's is refused at once

    # Waiting messages count as contact: a second never-contacted run picks only a new account.
    make_account("ACC-4", full_name="Sam Lee", email="sam@example.com")
    later = runner.invoke(
        args=["send-links", "--creditor", "acme", "--never-contacted", "--channel", "email", "--now", NIGHT]
    )
    assert later.exit_code == 0, later.output
    # John (refused: he stopped emails) is chosen again, but this campaign has its one message for him.
    assert f"Campaign {campaign.id} (never contacted, email): 1 queued, 1 already queued" in later.output
    assert db.session.query(Message).count() == 4

    assert sender.send_due(EIGHT_AM) == 3  # Jane, Ana and Sam; John stopped emails
    assert len(mailbox.wait_for(3)) == 3


def test_not_contacted_for_days_leaves_out_those_contacted_lately(three, runner, mailbox):
    jane = three[0]
    assert runner.invoke(args=["send-link", "ACC-1", "--channel", "email", "--now", MORNING]).exit_code == 0
    result = runner.invoke(
        args=["send-links", "--creditor", "acme", "--not-contacted-for", "30", "--dry-run", "--now", MORNING]
    )
    assert result.exit_code == 0, result.output
    assert ": 2 accounts; nothing sent or issued" in result.output
    assert jane.reference not in result.output


def test_a_dry_run_counts_outcomes_and_issues_nothing(three, runner, mailbox, tmp_path):
    csv_file = _file(tmp_path, "reference\nACC-1\nACC-2\nACC-3\n")

    result = _send_links(runner, "--accounts", csv_file, "--dry-run", "--now", NIGHT)

    assert result.exit_code == 0, result.output
    assert "  wait: outside_hours by email: 2" in result.output
    assert "  refused: opted_out: 1" in result.output
    assert db.session.query(Message).count() == 0
    assert db.session.query(Campaign).count() == 0
    assert db.session.query(MagicLink).count() == 0
    assert mailbox.arrived() == []


def test_an_account_on_hold_is_refused_and_a_file_needs_a_reference_column(three, runner, tmp_path):
    jane = three[0]
    jane.on_hold = True
    db.session.commit()
    result = _send_links(runner, "--accounts", _file(tmp_path, "reference\nACC-1\n"), "--now", MORNING)
    assert result.exit_code == 0
    assert events(jane, "link_not_sent")[0].data["reason"] == "on_hold"

    bad = _send_links(runner, "--accounts", _file(tmp_path, "ref\nACC-1\n"), "--now", MORNING)
    assert bad.exit_code != 0 and "has no 'reference' column" in bad.output
    neither = runner.invoke(args=["send-links", "--creditor", "acme"])
    assert neither.exit_code != 0 and "Choose the accounts with one of" in neither.output


def test_the_funnel_follows_a_link_to_the_payment(three, runner, mailbox, tmp_path, client, localstripe):
    jane = three[0]
    assert (
        _send_links(runner, "--accounts", _file(tmp_path, "reference\nACC-1\n"), "--now", MORNING).exit_code
        == 0
    )
    (mail,) = mailbox.wait_for(1)
    (url,) = re.findall(r"http://portal\.test(/l/\S+)", body(mail, "plain"))
    mailbox.clear()

    client.get(url)
    dob = jane.debtor.date_of_birth
    verified = client.post("/verify", data={"day": dob.day, "month": dob.month, "year": dob.year})
    assert verified.status_code == 303
    paid = client.post("/pay", data={"setup_intent": type_card(client, localstripe, "/pay", VISA_OK)})
    assert paid.status_code == 303, paid.text[:300]

    campaign = db.session.scalars(db.select(Campaign)).one()
    status = _status(runner, campaign.id)
    assert status["link opened"] == "1"
    assert status["identity confirmed"] == "1"
    assert status["option chosen"] == "1"
    assert status["paid"] == "1"
    assert status["collected"] == "$1,060.25"
    assert db.session.get(Message, 1).status in (MessageStatus.SENT, MessageStatus.DELIVERED)


def test_a_campaign_by_text_message_sends_each_in_its_language(three, runner, texts, tmp_path):
    jane, john, ana = three
    for account, phone in ((jane, "+12175550101"), (john, "+12175550102"), (ana, "+12175550103")):
        account.debtor.phone = phone
    db.session.commit()
    csv_file = _file(tmp_path, "reference\nACC-1\nACC-2\nACC-3\n")

    result = runner.invoke(args=[*BY_SMS, "--accounts", csv_file, "--now", MORNING])

    assert result.exit_code == 0, result.output
    bodies = {sent.to: sent.body for sent in texts.sent}
    assert set(bodies) == {"+12175550101", "+12175550102", "+12175550103"}  # John stopped email only
    assert "Reply STOP to stop." in bodies["+12175550101"] and "Responda STOP" in bodies["+12175550103"]
    for account in three:
        assert events(account, "link_sent")[0].data["channel"] == "sms"


def test_a_dry_run_counts_text_segments_in_every_language(make_account, runner, texts):
    languages = {"ACC-1": None, "ACC-2": "es", "ACC-3": "vi", "ACC-4": "zh_Hant"}
    for number, (reference, language) in enumerate(languages.items()):
        account = make_account(reference, email=f"p{number}@example.com", language=language)
        account.debtor.phone = f"+1217555010{number}"
    db.session.commit()

    result = runner.invoke(args=[*BY_SMS, "--never-contacted", "--dry-run", "--now", MORNING])

    assert result.exit_code == 0, result.output
    counts = {
        int(m.group(1)): int(m.group(2))
        for m in re.finditer(r"text messages of (\d+) segments?: (\d+)", result.output)
    }
    assert sum(counts.values()) == 4 and max(counts) <= 2, result.output
    assert texts.sent == [] and db.session.query(Message).count() == 0
    # What the dry run foresaw is what the texts cost when they went.
    sent = runner.invoke(args=[*BY_SMS, "--never-contacted", "--now", MORNING])
    assert sent.exit_code == 0, sent.output
    assert Counter(segments(text.body) for text in texts.sent) == counts
    assert {m.language for m in db.session.scalars(db.select(Message))} == {"en", "es", "vi", "zh_Hant"}


def test_a_campaign_leaves_a_paused_account_for_the_day_after_its_pause(three, runner, mailbox, tmp_path):
    jane, _john, ana = three
    jane.reminders_paused_until = date(2027, 1, 20)  # a collector paused contact, or she promised
    db.session.commit()
    csv_file = _file(tmp_path, "reference\nACC-1\nACC-3\n")

    dry = _send_links(runner, "--accounts", csv_file, "--dry-run", "--now", MORNING)
    assert dry.exit_code == 0, dry.output
    assert "  wait: paused by email: 1" in dry.output and "  send now by email: 1" in dry.output

    result = _send_links(runner, "--accounts", csv_file, "--now", MORNING)

    assert result.exit_code == 0, result.output
    assert [m["To"] for m in mailbox.wait_for(1)] == ["ana@example.com"]
    (waiting,) = db.session.scalars(db.select(Message).where(Message.account_id == jane.id)).all()
    day_after = datetime(2027, 1, 21, 13, 0, tzinfo=UTC)  # 08:00 in New York on the 21st
    assert waiting.status is MessageStatus.QUEUED and waiting.not_before == day_after
    assert events(jane, "message_scheduled")[0].data["reason"] == "paused"
    assert not db.session.scalars(db.select(MagicLink).where(MagicLink.account_id == jane.id)).all()
    campaign = db.session.scalars(db.select(Campaign)).one()
    assert _status(runner, campaign.id)["scheduled"] == "1"

    assert sender.send_due(datetime(2027, 1, 20, 23, 0, tzinfo=UTC)) == 0  # still the 20th there
    assert sender.send_due(day_after) == 1
    assert sorted(m["To"] for m in mailbox.wait_for(2)) == ["ana@example.com", "jane@example.com"]
