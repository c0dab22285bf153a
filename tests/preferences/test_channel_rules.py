"""channel_allowed: one answer for every channel, on the person's own clock, with an explicit now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.notify import rules
from portal.notify.rules import CHANNELS, channel_allowed, email_allowed, may_call
from tests.preferences.conftest import stop

TIMED = ["email", "sms", "phone"]  # everything but post waits for 08:00–21:00 on the person's clock

MORNING_IN_NEW_YORK = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 EST
NIGHT_IN_NEW_YORK = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)  # 22:00 EST the day before


def test_all_four_channels_are_known():
    assert CHANNELS == ("email", "sms", "phone", "post")


def test_an_unknown_channel_is_a_mistake_not_a_no(reachable):
    account = reachable()
    with pytest.raises(ValueError, match="pigeon"):
        channel_allowed(account.debtor, account, "pigeon", MORNING_IN_NEW_YORK)


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_is_allowed_in_hours_with_somewhere_to_send_it(reachable, channel):
    account = reachable()
    assert channel_allowed(account.debtor, account, channel, MORNING_IN_NEW_YORK) == (True, "")


# Around each clock change the same UTC minute lands on either side of 08:00 or 21:00 local.
WINDOW_CASES = [
    # New York springs forward on 14 March 2027: 12:30 UTC is 07:30 EST the day before, 08:30 EDT on the day.
    ("America/New_York", datetime(2027, 3, 13, 12, 30, tzinfo=UTC), False),
    ("America/New_York", datetime(2027, 3, 14, 12, 30, tzinfo=UTC), True),
    # ...and falls back on 7 November: 01:30 UTC is 21:30 EDT, then a day later 20:30 EST.
    ("America/New_York", datetime(2027, 11, 7, 1, 30, tzinfo=UTC), False),
    ("America/New_York", datetime(2027, 11, 8, 1, 30, tzinfo=UTC), True),
    # London moves to BST on 28 March 2027: 07:30 UTC is 07:30 GMT, then 08:30 BST...
    ("Europe/London", datetime(2027, 3, 27, 7, 30, tzinfo=UTC), False),
    ("Europe/London", datetime(2027, 3, 28, 7, 30, tzinfo=UTC), True),
    # ...and 20:30 UTC is 20:30 GMT, then 21:30 BST.
    ("Europe/London", datetime(2027, 3, 27, 20, 30, tzinfo=UTC), True),
    ("Europe/London", datetime(2027, 3, 28, 20, 30, tzinfo=UTC), False),
    # Sydney leaves summer time on 4 April 2027: 21:30 UTC is 08:30 AEDT, then 07:30 AEST.
    ("Australia/Sydney", datetime(2027, 4, 2, 21, 30, tzinfo=UTC), True),
    ("Australia/Sydney", datetime(2027, 4, 3, 21, 30, tzinfo=UTC), False),
    # No clock changes, but a half-hour offset: 15:29 UTC is 20:59 in Kolkata, 15:30 is 21:00.
    ("Asia/Kolkata", datetime(2027, 1, 15, 15, 29, tzinfo=UTC), True),
    ("Asia/Kolkata", datetime(2027, 1, 15, 15, 30, tzinfo=UTC), False),
    # The same moment is morning in New York and 04:00 in Honolulu.
    ("Pacific/Honolulu", MORNING_IN_NEW_YORK, False),
    ("America/New_York", MORNING_IN_NEW_YORK, True),
]


@pytest.mark.parametrize("channel", TIMED)
@pytest.mark.parametrize(("zone", "now", "allowed"), WINDOW_CASES)
def test_the_window_follows_the_persons_clock_through_clock_changes(reachable, channel, zone, now, allowed):
    account = reachable(zone=zone)
    expected = (True, "") if allowed else (False, "outside_hours")
    assert channel_allowed(account.debtor, account, channel, now) == expected


@pytest.mark.parametrize(("zone", "now", "allowed"), WINDOW_CASES)
def test_post_ignores_the_window(reachable, zone, now, allowed):
    account = reachable(zone=zone)
    assert channel_allowed(account.debtor, account, "post", now) == (True, "")


@pytest.mark.parametrize("channel", TIMED)
def test_the_creditors_zone_decides_when_the_account_has_none(reachable, channel):
    account = reachable()
    account.creditor.timezone = "Asia/Kolkata"  # 03:00 UTC is 08:30 there, 22:00 in New York
    db.session.commit()
    assert channel_allowed(account.debtor, account, channel, NIGHT_IN_NEW_YORK) == (True, "")
    account.timezone = "America/New_York"
    db.session.commit()
    assert channel_allowed(account.debtor, account, channel, NIGHT_IN_NEW_YORK) == (False, "outside_hours")


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_opt_out_stops_that_channel_and_only_that_channel(reachable, channel):
    account = reachable()
    stop(account.debtor, channel)
    for other in CHANNELS:
        answer = channel_allowed(account.debtor, account, other, MORNING_IN_NEW_YORK)
        assert answer == ((False, "opted_out") if other == channel else (True, "")), other


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_opt_out_holds_even_when_the_person_started_it(reachable, channel):
    account = reachable()
    stop(account.debtor, channel)
    assert channel_allowed(account.debtor, account, channel, NIGHT_IN_NEW_YORK, debtor_initiated=True) == (
        False,
        "opted_out",
    )


@pytest.mark.parametrize("channel", TIMED)
def test_answering_the_person_ignores_the_window(reachable, channel):
    account = reachable()
    assert channel_allowed(account.debtor, account, channel, NIGHT_IN_NEW_YORK, debtor_initiated=True) == (
        True,
        "",
    )


@pytest.mark.parametrize(
    ("field", "channels"),
    [("email", ["email"]), ("phone", ["sms", "phone"]), ("postal_code", ["post"])],
)
def test_nowhere_to_send_it_comes_first(reachable, field, channels):
    account = reachable()
    setattr(account.debtor, field, None)
    db.session.commit()
    stop(account.debtor, *channels)
    for channel in CHANNELS:
        answer = channel_allowed(account.debtor, account, channel, NIGHT_IN_NEW_YORK)
        if channel in channels:
            assert answer == (False, "no_address"), channel
        else:
            assert answer[1] != "no_address", channel


@pytest.mark.parametrize("debtor_initiated", [False, True])
@pytest.mark.parametrize("now", [MORNING_IN_NEW_YORK, NIGHT_IN_NEW_YORK])
@pytest.mark.parametrize("setup", ["none", "no_address", "opted_out"])
def test_email_allowed_gives_the_same_answers(reachable, setup, now, debtor_initiated):
    account = reachable()
    if setup == "no_address":
        account.debtor.email = None
        db.session.commit()
    if setup == "opted_out":
        stop(account.debtor, "email")
    assert email_allowed(account.debtor, account, now, debtor_initiated=debtor_initiated) == channel_allowed(
        account.debtor, account, "email", now, debtor_initiated=debtor_initiated
    )


def test_may_call_is_the_phone_answer(reachable):
    account = reachable(zone="Europe/London")
    in_hours = datetime(2027, 3, 28, 7, 30, tzinfo=UTC)  # 08:30 BST
    assert may_call(account.debtor, account, in_hours) == (True, "")
    assert may_call(account.debtor, account, datetime(2027, 3, 28, 20, 30, tzinfo=UTC)) == (
        False,
        "outside_hours",
    )
    stop(account.debtor, "sms")  # texts stopped, calls still fine
    assert may_call(account.debtor, account, in_hours) == (True, "")
    stop(account.debtor, "phone")
    assert may_call(account.debtor, account, in_hours) == (False, "opted_out")


def test_a_naive_now_is_refused(reachable):
    account = reachable()
    with pytest.raises(ValueError, match="aware"):
        channel_allowed(account.debtor, account, "sms", datetime(2027, 1, 15, 14, 0))


def test_reason_codes_are_unchanged():
    assert (rules.NO_ADDRESS, rules.OPTED_OUT, rules.OUTSIDE_HOURS) == (
        "no_address",
        "opted_out",
        "outside_hours",
    )
