"""The contact rules every sender asks: address, opt-outs, and hours on the person's own clock."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.extensions import db
from portal.models import OptOut
from portal.notify.rules import email_allowed

# 14:00 UTC in January: 09:00 in New York (the creditor's default zone), 04:00 in Honolulu.
MORNING_IN_NEW_YORK = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
# 03:00 UTC in January: 22:00 in New York, 17:00 in Honolulu.
NIGHT_IN_NEW_YORK = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


def _opt_out(debtor, channel="email"):
    db.session.add(OptOut(debtor_id=debtor.id, channel=channel))
    db.session.commit()


def test_a_person_with_an_address_in_hours_may_be_emailed(make_account):
    account = make_account()
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (True, "")


def test_no_address_is_the_first_reason(make_account):
    account = make_account(email=None)
    _opt_out(account.debtor)
    assert email_allowed(account.debtor, account, NIGHT_IN_NEW_YORK) == (False, "no_address")
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK, debtor_initiated=True) == (
        False,
        "no_address",
    )


def test_an_opt_out_stops_email_even_when_the_person_started_it(make_account):
    account = make_account()
    _opt_out(account.debtor)
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (False, "opted_out")
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK, debtor_initiated=True) == (
        False,
        "opted_out",
    )
    assert email_allowed(account.debtor, account, NIGHT_IN_NEW_YORK) == (False, "opted_out")


def test_an_opt_out_of_another_channel_does_not_stop_email(make_account):
    account = make_account()
    _opt_out(account.debtor, "sms")
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (True, "")


def test_an_opt_out_is_the_persons_for_all_their_accounts_only(make_account):
    mine = make_account("ACC-1", email="jane@example.com")
    theirs = make_account("ACC-2", full_name="John Roe", email="john@example.com")
    _opt_out(mine.debtor)
    assert email_allowed(mine.debtor, mine, MORNING_IN_NEW_YORK)[1] == "opted_out"
    assert email_allowed(theirs.debtor, theirs, MORNING_IN_NEW_YORK) == (True, "")


def test_outside_hours_uses_the_creditors_zone_when_the_account_has_none(make_account):
    account = make_account()
    assert account.timezone is None and account.creditor.timezone == "America/New_York"
    assert email_allowed(account.debtor, account, NIGHT_IN_NEW_YORK) == (False, "outside_hours")


def test_the_accounts_own_zone_wins_over_the_creditors(make_account):
    account = make_account()
    account.timezone = "Pacific/Honolulu"
    db.session.commit()
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (False, "outside_hours")
    assert email_allowed(account.debtor, account, NIGHT_IN_NEW_YORK) == (True, "")


def test_the_creditors_zone_is_used_as_it_is_set(make_account):
    account = make_account()
    account.creditor.timezone = "Asia/Kolkata"  # 14:00 UTC is 19:30 there; 03:00 UTC is 08:30
    db.session.commit()
    assert email_allowed(account.debtor, account, MORNING_IN_NEW_YORK) == (True, "")
    assert email_allowed(account.debtor, account, NIGHT_IN_NEW_YORK) == (True, "")
    late = datetime(2027, 1, 15, 16, 0, tzinfo=UTC)  # 21:30 in Kolkata
    assert email_allowed(account.debtor, account, late) == (False, "outside_hours")


def test_answering_the_person_ignores_the_hours(make_account):
    account = make_account()
    assert email_allowed(account.debtor, account, NIGHT_IN_NEW_YORK, debtor_initiated=True) == (True, "")
