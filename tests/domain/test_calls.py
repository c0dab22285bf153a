"""Regulation F's call frequencies and hours: seven calls in seven days, a quiet week after a
conversation, what is not counted, and days counted on the person's own clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.calls import (
    OUTSIDE_HOURS,
    RECENT_CONVERSATION,
    SEVEN_CALLS,
    Call,
    check_call,
)

NEW_YORK = "America/New_York"
TZ = ZoneInfo(NEW_YORK)


def local(*args) -> datetime:
    """A wall-clock time in New York, as an aware datetime."""
    return datetime(*args, tzinfo=TZ)


def missed(*args) -> Call:
    """A connected call in New York that nobody answered (it rang out or reached voicemail)."""
    return Call(at=local(*args), conversation=False)


def talked(*args) -> Call:
    return Call(at=local(*args), conversation=True)


# Friday 2027-01-15, 12:00 in New York: inside the hours.
NOON = local(2027, 1, 15, 12, 0)


def week_of_calls(count: int, last_day: date = date(2027, 1, 15)) -> list[Call]:
    """*count* unanswered calls at 09:00, one a day going back from *last_day*, then the rest on it."""
    days = [last_day - timedelta(days=n % 7) for n in range(count)]
    return [missed(day.year, day.month, day.day, 9, 0) for day in days]


def test_with_no_history_a_call_in_the_hours_is_allowed():
    check = check_call([], NOON, NEW_YORK)
    assert (check.allowed, check.reason, check.attempts_in_7_days) == (True, None, 0)
    assert check.conversation_on is None and check.next_allowed is None


def test_the_seventh_call_is_allowed_and_the_eighth_refused():
    assert check_call(week_of_calls(6), NOON, NEW_YORK).allowed
    refused = check_call(week_of_calls(7), NOON, NEW_YORK)
    assert (refused.allowed, refused.reason, refused.attempts_in_7_days) == (False, SEVEN_CALLS, 7)


def test_seven_calls_on_one_day_fill_the_week_too():
    calls = [missed(2027, 1, 15, 8, minute) for minute in range(7)]
    check = check_call(calls, NOON, NEW_YORK)
    assert check.reason == SEVEN_CALLS
    # The window slides past the 15th after seven days: the 22nd at 08:00 is the next chance.
    assert check.next_allowed == local(2027, 1, 22, 8, 0).astimezone(UTC)


def test_the_window_slides_a_call_seven_days_ago_no_longer_counts():
    # Six calls on the 9th .. 14th and one on the 8th: on the 15th the 7 days are the 9th .. 15th.
    six = [missed(2027, 1, day, 10, 0) for day in range(9, 15)]
    on_the_8th = missed(2027, 1, 8, 23, 59)
    check = check_call([*six, on_the_8th], NOON, NEW_YORK)
    assert check.allowed and check.attempts_in_7_days == 6
    # The same call a minute later, on the 9th, is six days ago and counts.
    on_the_9th = missed(2027, 1, 9, 0, 0)
    check = check_call([*six, on_the_9th], NOON, NEW_YORK)
    assert (check.allowed, check.reason, check.attempts_in_7_days) == (False, SEVEN_CALLS, 7)
    # The 9th leaves the window at midnight, and calls may go again from 08:00 on the 16th.
    assert check.next_allowed == local(2027, 1, 16, 8, 0).astimezone(UTC)
    assert check_call([*six, on_the_9th], local(2027, 1, 16, 8, 0), NEW_YORK).allowed


def test_the_day_of_a_conversation_is_day_one_of_seven():
    history = [talked(2027, 1, 15, 10, 0)]
    for day in range(15, 22):  # day 1 (the 15th itself, later on) to day 7 (the 21st)
        check = check_call(history, local(2027, 1, day, 18, 0), NEW_YORK)
        assert (check.allowed, check.reason) == (False, RECENT_CONVERSATION), day
        assert check.conversation_on == date(2027, 1, 15)
        assert check.next_allowed == local(2027, 1, 22, 8, 0).astimezone(UTC)
    day_eight = check_call(history, local(2027, 1, 22, 8, 0), NEW_YORK)
    assert day_eight.allowed and day_eight.conversation_on is None


def test_the_latest_conversation_sets_the_quiet_week():
    history = [talked(2027, 1, 10, 10, 0), talked(2027, 1, 13, 10, 0)]
    check = check_call(history, NOON, NEW_YORK)
    assert check.conversation_on == date(2027, 1, 13)
    assert check.next_allowed == local(2027, 1, 20, 8, 0).astimezone(UTC)


def test_calls_that_did_not_connect_are_not_counted():
    busy = [Call(at=local(2027, 1, 15, 8, m), conversation=False, connected=False) for m in range(10)]
    check = check_call([*busy, *week_of_calls(6)], NOON, NEW_YORK)
    assert check.allowed and check.attempts_in_7_days == 6


def test_calls_placed_with_direct_prior_consent_are_not_counted():
    asked_for = [Call(at=local(2027, 1, 14, 9, m), conversation=False, consented=True) for m in range(5)]
    check = check_call([*asked_for, *week_of_calls(6)], NOON, NEW_YORK)
    assert check.allowed and check.attempts_in_7_days == 6


def test_a_conversation_on_a_consented_call_still_starts_the_quiet_week():
    # Consent ends with the conversation (comment 14(b)(3)(i)-2).
    history = [Call(at=local(2027, 1, 14, 9, 0), conversation=True, consented=True)]
    check = check_call(history, NOON, NEW_YORK)
    assert (check.reason, check.attempts_in_7_days, check.conversation_on) == (
        RECENT_CONVERSATION,
        0,
        date(2027, 1, 14),
    )


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (local(2027, 1, 15, 7, 59, 59), False),
        (local(2027, 1, 15, 8, 0), True),
        (local(2027, 1, 15, 20, 59, 59), True),
        (local(2027, 1, 15, 21, 0), False),
    ],
)
def test_calls_go_from_eight_until_nine_local_time(now, allowed):
    check = check_call([], now, NEW_YORK)
    assert check.allowed is allowed
    assert check.reason == (None if allowed else OUTSIDE_HOURS)


def test_outside_the_hours_the_next_chance_is_when_they_open():
    assert check_call([], local(2027, 1, 15, 21, 0), NEW_YORK).next_allowed == local(
        2027, 1, 16, 8, 0
    ).astimezone(UTC)
    assert check_call([], local(2027, 1, 15, 6, 0), NEW_YORK).next_allowed == local(
        2027, 1, 15, 8, 0
    ).astimezone(UTC)


def test_a_narrower_window_is_honoured():
    assert not check_call([], local(2027, 1, 15, 18, 0), NEW_YORK, window=(9, 18)).allowed
    assert check_call([], local(2027, 1, 15, 17, 59), NEW_YORK, window=(9, 18)).allowed
    with pytest.raises(ValueError, match="window"):
        check_call([], NOON, NEW_YORK, window=(21, 8))


def test_the_recorded_exception_lifts_the_frequencies_but_not_the_hours():
    history = [*week_of_calls(7), talked(2027, 1, 15, 10, 0)]
    assert check_call(history, NOON, NEW_YORK).reason == RECENT_CONVERSATION
    excepted = check_call(history, NOON, NEW_YORK, exception=True)
    assert excepted.allowed and excepted.reason is None
    # What the frequencies would say is still shown to staff (the conversation was a call too).
    assert excepted.attempts_in_7_days == 8 and excepted.conversation_on == date(2027, 1, 15)
    late = check_call(history, local(2027, 1, 15, 21, 30), NEW_YORK, exception=True)
    assert (late.allowed, late.reason) == (False, OUTSIDE_HOURS)
    assert late.next_allowed == local(2027, 1, 16, 8, 0).astimezone(UTC)


def test_the_zone_decides_which_day_a_call_fell_on():
    # 2027-01-15 03:30 UTC is the 14th at 22:30 in New York and the 15th at 09:00 in Kolkata.
    instant = datetime(2027, 1, 15, 3, 30, tzinfo=UTC)
    history = [Call(at=instant, conversation=True)]
    # Six days later, 2027-01-21 12:00 UTC: day 8 in New York, day 7 in Kolkata.
    later = datetime(2027, 1, 21, 12, 0, tzinfo=UTC)
    assert check_call(history, later, "Asia/Kolkata").reason == RECENT_CONVERSATION
    new_york = check_call(history, later, NEW_YORK)  # 07:00 there: only the hours refuse
    assert new_york.reason == OUTSIDE_HOURS and new_york.conversation_on is None


def test_a_week_across_the_spring_change_is_seven_calendar_days():
    # Clocks go forward in New York on Sunday 2027-03-14. A conversation at 20:30 on Friday the
    # 12th makes the 12th day 1; the 18th is day 7 and the 19th day 8, whatever the UTC hours say.
    history = [talked(2027, 3, 12, 20, 30)]
    assert check_call(history, local(2027, 3, 18, 20, 59), NEW_YORK).reason == RECENT_CONVERSATION
    check = check_call(history, local(2027, 3, 14, 12, 0), NEW_YORK)
    assert check.next_allowed == datetime(2027, 3, 19, 12, 0, tzinfo=UTC)  # 08:00 EDT
    # Seven calls made across the change, one a day from the 9th (EST) to the 15th (EDT).
    calls = [missed(2027, 3, day, 20, 30) for day in range(9, 16)]
    assert check_call(calls, local(2027, 3, 15, 20, 45), NEW_YORK).reason == SEVEN_CALLS
    assert check_call(calls, local(2027, 3, 16, 8, 0), NEW_YORK).allowed


def test_a_week_across_the_autumn_change_counts_the_repeated_hour_once():
    # 2027-11-07 01:30 happens twice in New York; both calls are on the 7th.
    first = Call(at=datetime(2027, 11, 7, 5, 30, tzinfo=UTC), conversation=False)  # 01:30 EDT
    second = Call(at=datetime(2027, 11, 7, 6, 30, tzinfo=UTC), conversation=False)  # 01:30 EST
    calls = [first, second, *[missed(2027, 11, day, 9, 0) for day in range(2, 7)]]
    check = check_call(calls, local(2027, 11, 7, 12, 0), NEW_YORK)
    assert (check.reason, check.attempts_in_7_days) == (SEVEN_CALLS, 7)
    # The 2nd leaves the window first: from 08:00 EST on the 9th one more may go.
    assert check.next_allowed == datetime(2027, 11, 9, 13, 0, tzinfo=UTC)


def test_hours_that_open_inside_a_clock_jump_open_at_the_jump():
    # On 2027-03-14 New York's clock skips 02:00-03:00: a window from 02:00 opens at 03:00 EDT.
    check = check_call([], local(2027, 3, 14, 1, 0), NEW_YORK, window=(2, 21))
    assert check.next_allowed == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)


def test_a_skipped_calendar_day_is_stepped_over():
    # Samoa skipped 30 December 2011: after 21:00 on the 29th the next chance is the 31st, 08:00.
    zone = "Pacific/Apia"
    check = check_call([], datetime(2011, 12, 30, 7, 0, tzinfo=UTC), zone)
    assert check.next_allowed.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == datetime(2011, 12, 31, 8, 0)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        Call(at=datetime(2027, 1, 15, 12, 0), conversation=False)
    with pytest.raises(ValueError, match="aware"):
        check_call([], datetime(2027, 1, 15, 12, 0), NEW_YORK)


ZONES = ["America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Asia/Kolkata", "Europe/London"]

#: (seconds before now, conversation, connected, consented) of one earlier call.
calls_before = st.tuples(
    st.integers(min_value=0, max_value=16 * 24 * 3600), st.booleans(), st.booleans(), st.booleans()
)


@settings(max_examples=200, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)),
    zone=st.sampled_from(ZONES),
    raw=st.lists(calls_before, max_size=14),
    exception=st.booleans(),
)
def test_the_check_agrees_with_counting_by_hand(now, zone, raw, exception):
    history = [Call(now - timedelta(seconds=ago), talk, conn, cons) for ago, talk, conn, cons in raw]
    tz = ZoneInfo(zone)
    check = check_call(history, now, zone, exception=exception)

    # The calls on today's local date and the 6 before it, counted by hand.
    today = now.astimezone(tz).date()
    week = [call for call in history if 0 <= (today - call.at.astimezone(tz).date()).days < 7]
    counted = sum(1 for call in week if call.connected and not call.consented)
    talked = any(call.conversation for call in week)
    in_hours = 8 <= now.astimezone(tz).hour < 21
    assert check.attempts_in_7_days == counted
    assert (check.conversation_on is not None) == talked
    assert check.allowed == (in_hours and (exception or (counted < 7 and not talked)))
    assert (check.reason is None) == check.allowed == (check.next_allowed is None)
    if exception:
        assert check.reason in (None, OUTSIDE_HOURS)
    if not check.allowed:
        found = check.next_allowed
        assert found is not None and found > now and found.tzinfo is UTC
        assert check_call(history, found, zone, exception=exception).allowed
        # It is the first such moment: just before it, and at every hour since now, still refused.
        assert not check_call(history, found - timedelta(seconds=1), zone, exception=exception).allowed
        moment = now
        while moment < found:
            assert not check_call(history, moment, zone, exception=exception).allowed, moment
            moment += timedelta(hours=1)
