"""A plan reminder carries a fresh link of its own, which opens the account."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from portal.plans import reminders
from tests.helpers.mail import body
from tests.helpers.plans import plan_rows

NOW = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York


def test_the_reminder_carries_a_fresh_link_that_opens_the_account(make_account, mailbox, client):
    account = make_account()
    plan_rows(account, [(date(2027, 1, 18), 5000)])
    assert reminders.send_reminders(NOW) == 1

    (mail,) = mailbox.arrived()
    text, html = body(mail, "plain"), body(mail, "html")
    assert "last message from us" not in text
    (url,) = set(re.findall(r"http://\S+/l/[A-Za-z0-9_.-]+", text))
    assert f'href="{url}"' in html
    opened = client.get("/l/" + url.split("/l/", 1)[1])
    assert opened.status_code == 303
    dob = account.debtor.date_of_birth
    answer = {"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)}
    assert client.post("/verify", data=answer).status_code == 303
    assert client.get("/plan").status_code == 200
