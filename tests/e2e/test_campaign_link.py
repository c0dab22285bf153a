"""A collector's campaign in Chromium: the link goes out by email through the real SMTP server,
the debtor opens it from the caught message, confirms who they are and pays in full, and the
campaign's funnel then shows the link opened, the identity confirmed and the payment collected.

Huey runs in immediate mode (tests/conftest.py's task_queue): the senders `send-links` asks for
run inside the command, as a consumer's workers would run them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Campaign
from tests.e2e.conftest import DESKTOP
from tests.e2e.journey import (
    CARD_OK,
    confirm_identity,
    enter_card,
    expect_receipt,
    open_link,
    start_paying_in_full,
)
from tests.helpers.mail import body

pytestmark = pytest.mark.e2e

MORNING = "2027-01-15T14:00:00Z"  # 09:00 in New York: the link may go at once


def test_a_campaign_link_read_from_the_email_is_opened_paid_and_counted(
    live_portal, new_page, make_account, runner, mailbox, tmp_path
):
    make_account()
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("reference\nACC-1\n", encoding="utf-8")

    sent = runner.invoke(
        args=[
            "send-links",
            "--creditor",
            "acme",
            "--accounts",
            str(accounts),
            "--channel",
            "email",
            "--now",
            MORNING,
        ]
    )
    assert sent.exit_code == 0, sent.output
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "A private message from Example Recovery Services"
    (url,) = re.findall(re.escape(live_portal) + r"/l/\S+", body(mail, "plain"))
    mailbox.clear()

    page = new_page(DESKTOP)
    open_link(page, url)
    confirm_identity(page, 27, 3, 1980)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account with Acme Bank")
    start_paying_in_full(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)

    campaign = db.session.scalars(db.select(Campaign)).one()
    status = runner.invoke(args=["campaign-status", str(campaign.id), "--now", MORNING])
    assert status.exit_code == 0, status.output
    lines = dict(re.findall(r"^([a-z ]+?)\s{2,}(\S.*)$", status.output, re.M))
    assert lines["sent"] == "1"
    assert lines["link opened"] == "1"
    assert lines["identity confirmed"] == "1"
    assert lines["option chosen"] == "1"
    assert lines["paid"] == "1"
    assert lines["collected"] == "$1,060.25"
