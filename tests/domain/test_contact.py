"""Contact hours: 08:00 up to 21:00 on the person's own clock, across clock changes and far zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.contact import next_contact_time, within_contact_hours

NEW_YORK = "America/New_York"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (utc(2027, 1, 15, 12, 59, 59), False),  # 07:59:59 EST
        (utc(2027, 1, 15, 13, 0), True),  # 08:00 EST
        (utc(2027, 1, 16, 1, 59, 59), True),  # 20:59:59 EST
        (utc(2027, 1, 16, 2, 0), False),  # 21:00 EST
        (utc(2027, 7, 15, 12, 0), True),  # 08:00 EDT: the same UTC time is allowed in summer...
        (utc(2027, 1, 15, 12, 0), False),  # ...and not in winter (07:00 EST)
    ],
)
def test_the_window_is_eight_until_nine_local_time(now, allowed):
    assert within_contact_hours(now, NEW_YORK) is allowed


def test_spring_forward_day_opens_at_eight_daylight_time():
    # 2027-03-14: clocks in New York jump from 02:00 EST to 03:00 EDT, so 08:00 is 12:00 UTC.
    midnight = utc(2027, 3, 14, 5, 0)  # 00:00 EST
    assert next_contact_time(midnight, NEW_YORK) == utc(2027, 3, 14, 12, 0)
    assert within_contact_hours(utc(2027, 3, 14, 12, 30), NEW_YORK)
    assert not within_contact_hours(utc(2027, 3, 13, 12, 30), NEW_YORK)  # the day before: 07:30 EST
    # That day the window closes at 21:00 EDT = 01:00 UTC.
    assert within_contact_hours(utc(2027, 3, 15, 0, 59), NEW_YORK)
    assert not within_contact_hours(utc(2027, 3, 15, 1, 0), NEW_YORK)


def test_fall_back_day_opens_at_eight_standard_time():
    # 2027-11-07: clocks go from 02:00 EDT back to 01:00 EST, so 08:00 is 13:00 UTC.
    midnight = utc(2027, 11, 7, 4, 0)  # 00:00 EDT
    assert next_contact_time(midnight, NEW_YORK) == utc(2027, 11, 7, 13, 0)
    assert not within_contact_hours(utc(2027, 11, 7, 12, 30), NEW_YORK)  # 07:30 EST
    assert within_contact_hours(utc(2027, 11, 6, 12, 30), NEW_YORK)  # the day before: 08:30 EDT
    # The evening before the change the window closes at 21:00 EDT = 01:00 UTC.
    assert next_contact_time(utc(2027, 11, 7, 1, 0), NEW_YORK) == utc(2027, 11, 7, 13, 0)


def test_the_repeated_hour_of_fall_back_is_outside_the_window():
    first_one_thirty = utc(2027, 11, 7, 5, 30)  # 01:30 EDT
    second_one_thirty = utc(2027, 11, 7, 6, 30)  # 01:30 EST
    assert next_contact_time(first_one_thirty, NEW_YORK) == utc(2027, 11, 7, 13, 0)
    assert next_contact_time(second_one_thirty, NEW_YORK) == utc(2027, 11, 7, 13, 0)


def test_honolulu_is_ten_hours_behind_all_year():
    zone = "Pacific/Honolulu"
    assert not within_contact_hours(utc(2027, 7, 1, 17, 59), zone)
    assert within_contact_hours(utc(2027, 7, 1, 18, 0), zone)  # 08:00 HST
    assert not within_contact_hours(utc(2027, 7, 2, 7, 0), zone)  # 21:00 HST
    # 21:00 in Honolulu: the next chance is 08:00 there, eleven hours later, the same UTC day.
    assert next_contact_time(utc(2027, 7, 2, 7, 0), zone) == utc(2027, 7, 2, 18, 0)


def test_kolkata_is_five_and_a_half_hours_ahead():
    zone = "Asia/Kolkata"
    assert within_contact_hours(utc(2027, 1, 15, 2, 30), zone)  # 08:00 IST
    assert not within_contact_hours(utc(2027, 1, 15, 2, 29, 59), zone)
    assert not within_contact_hours(utc(2027, 1, 15, 15, 30), zone)  # 21:00 IST
    assert next_contact_time(utc(2027, 1, 15, 15, 30), zone) == utc(2027, 1, 16, 2, 30)


def test_a_skipped_calendar_day_is_stepped_over():
    # Samoa skipped 30 December 2011: 23:59 on the 29th was followed by 00:00 on the 31st.
    zone = "Pacific/Apia"
    evening_of_the_29th = utc(2011, 12, 30, 7, 0)  # 21:00 on the 29th, UTC-10
    found = next_contact_time(evening_of_the_29th, zone)
    assert found.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == datetime(2011, 12, 31, 8, 0)


def test_now_is_returned_when_contact_is_allowed_now():
    now = utc(2027, 1, 15, 15, 17, 3, 123)
    assert next_contact_time(now, NEW_YORK) == now


def test_any_aware_time_is_accepted_and_the_answer_is_utc():
    paris_evening = datetime(2027, 1, 15, 23, 0, tzinfo=timezone(timedelta(hours=1)))  # 17:00 EST
    assert within_contact_hours(paris_evening, NEW_YORK)
    late = datetime(2027, 1, 16, 4, 0, tzinfo=timezone(timedelta(hours=1)))  # 22:00 EST
    found = next_contact_time(late, NEW_YORK)
    assert found == utc(2027, 1, 16, 13, 0) and found.tzinfo is UTC


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        within_contact_hours(datetime(2027, 1, 15, 12, 0), NEW_YORK)
    with pytest.raises(ValueError, match="aware"):
        next_contact_time(datetime(2027, 1, 15, 12, 0), NEW_YORK)


ZONES = sorted(available_timezones() - {"Factory", "localtime"})


@settings(max_examples=150, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    zone=st.sampled_from(ZONES),
)
def test_next_contact_time_is_the_first_allowed_moment(now, zone):
    found = next_contact_time(now, zone)
    assert found.tzinfo is UTC
    assert found >= now
    assert within_contact_hours(found, zone)
    assert (found == now) == within_contact_hours(now, zone)
    if found > now:
        assert not within_contact_hours(found - timedelta(seconds=1), zone)
        # Nothing in between is allowed either (checked minute by minute).
        moment = now
        while moment < found - timedelta(seconds=1):
            assert not within_contact_hours(moment, zone), moment
            moment += timedelta(minutes=1)
    assert found - now < timedelta(days=2)
