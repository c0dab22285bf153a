"""The one-click email link still works alongside the preferences page, and changes nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from portal.extensions import db
from portal.models import Debtor
from portal.notify.optout import optout_url
from portal.notify.rules import CHANNELS, channel_allowed
from tests.preferences.conftest import stop

MORNING_IN_NEW_YORK = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)


def _path(debtor) -> str:
    return optout_url(debtor).removeprefix("http://portal.test")


def test_it_changes_only_the_opt_out_and_the_timeline(reachable, client, issue_link, table_rows):
    account = reachable()
    debtor = account.debtor
    debtor.preferred_channel = "email"
    debtor.preferred_times = "Evenings"
    debtor.language = "es"
    db.session.commit()
    stop(debtor, "post")
    issue_link(account)
    before = table_rows()

    # No session and no identity check: only the signed link.
    response = client.post(_path(debtor))

    assert response.status_code == 200
    after = table_rows()
    assert {name for name in after if after[name] != before[name]} == {"opt_outs", "events"}
    assert after["opt_outs"][: len(before["opt_outs"])] == before["opt_outs"]  # post stays stopped
    assert after["events"][: len(before["events"])] == before["events"]  # only appended
    assert len(after["opt_outs"]) == 2 and len(after["events"]) == len(before["events"]) + 1
    db.session.expire_all()
    kept = db.session.get(Debtor, debtor.id)
    assert (kept.preferred_channel, kept.preferred_times, kept.language) == ("email", "Evenings", "es")
    for channel in CHANNELS:
        answer = channel_allowed(kept, account, channel, MORNING_IN_NEW_YORK)
        assert answer == ((True, "") if channel in ("sms", "phone") else (False, "opted_out")), channel


def test_the_preferences_pages_then_show_emails_stopped(reachable, client, sign_in):
    account = reachable()
    client.post(_path(account.debtor))
    sign_in(account)
    html = client.get("/contact-preferences/stop").text
    stop_inputs = re.findall(r'<input[^>]*name="stop"[^>]*>', html)
    assert [i for i in stop_inputs if " checked" in i] == [i for i in stop_inputs if 'value="email"' in i]
    overview = client.get("/contact-preferences").text
    assert re.search(r'<dd class="check-answers__answer">\s*Emails\s*</dd>', overview)
