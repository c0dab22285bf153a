"""May staff telephone this person about this debt now? Regulation F's call frequencies
(12 CFR 1006.14(b)(2)-(3)) and contact hours (1006.6(b)(1)(i)), for one person and one debt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.domain.contact import END, START

# The reading implemented, with its source:
#
# - 1006.14(b)(2)(i)(A): a call is presumed to harass when it is placed "more than seven times
#   within a period of seven consecutive days". So the call about to be placed may go only while
#   fewer than 7 counted calls fall in the 7 days ending today (today and the 6 before it).
# - 1006.14(b)(2)(i)(B): nor "within a period of seven consecutive days after having had a
#   telephone conversation with the person"; "the date of the telephone conversation is the first
#   day of the seven-consecutive-day period". A conversation on day 1 bars calls through day 7,
#   including later on day 1; day 8 is free. Comment 14(b)(2)(i)-1.ii starts the period from a
#   conversation the person began too, so every call with a conversation counts here, whoever
#   dialled and whether or not it was placed with consent (comment 14(b)(3)(i)-2: a conversation
#   ends the consent).
# - 1006.14(b)(3): calls "placed with such person's prior consent given directly to the debt
#   collector" within seven days of it, and calls "not connected to the dialed number", do not
#   count toward the frequencies. Comment 14(b)(3)(ii)-1: only a busy signal or a not-in-service
#   answer is "not connected"; a call that rings out or reaches voicemail is connected and counts.
# - 1006.6(b)(1)(i): before 08:00 and after 21:00 local time at the person's location is
#   inconvenient. As in ``portal.domain.contact``, 21:00 itself is already outside.
#
# Days are calendar days on the person's clock (their IANA zone): the rule counts days, not hours,
# so a week that loses or gains an hour to daylight saving is still seven days. The rule is a
# presumption that can be rebutted, not a cap; refusing here keeps staff inside the safe side of it.

SEVEN_CALLS = "seven_calls"
RECENT_CONVERSATION = "recent_conversation"
OUTSIDE_HOURS = "outside_hours"

#: Counted calls allowed in any 7 consecutive days; the one that would make it 8 is refused.
MAX_CALLS = 7
#: The length, in calendar days, of both the counting period and the quiet period after a conversation.
PERIOD_DAYS = 7


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, e.g. datetime.now(UTC)")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Call:
    """One telephone call with the person about the debt, as recorded."""

    at: datetime
    #: A telephone conversation with the person took place.
    conversation: bool
    #: False when the call never reached the number (busy signal, not in service).
    connected: bool = True
    #: Placed with the person's prior consent given directly, within 7 days of it.
    consented: bool = False

    def __post_init__(self) -> None:
        _aware(self.at, "Call.at")

    @property
    def counted(self) -> bool:
        """True when the call counts toward the seven calls."""
        return self.connected and not self.consented


@dataclass(frozen=True)
class CallCheck:
    allowed: bool
    #: SEVEN_CALLS, RECENT_CONVERSATION or OUTSIDE_HOURS when refused, else None.
    reason: str | None
    #: Counted calls on the local dates of the 7 days ending today.
    attempts_in_7_days: int
    #: The latest conversation whose 7-day quiet period covers today, if any.
    conversation_on: date | None
    #: When refused, the first moment (UTC) the same check would allow the call; else None.
    next_allowed: datetime | None


def check_call(
    history: Sequence[Call],
    now: datetime,
    zone: str,
    *,
    window: tuple[int, int] = (START.hour, END.hour),
    exception: bool = False,
) -> CallCheck:
    """Whether a call to the person in *zone* may be placed at *now*, given the earlier calls about
    the same debt; *window* is the local hours allowed, its end hour excluded."""
    # *exception*: a supervisor recorded the person's prior consent, given directly within the last
    # 7 days, to more calls (1006.14(b)(3)(i)). It lifts the frequencies only: consent to be called
    # more often is not consent to be called at night, so the hours still apply.
    start, end = window
    if not 0 <= start < end <= 24:
        raise ValueError(f"window must be two hours with 0 <= start < end <= 24, not {window!r}")
    tz = ZoneInfo(zone)
    now = _aware(now, "now")
    today = now.astimezone(tz).date()
    counted = [call.at.astimezone(tz).date() for call in history if call.counted]
    talks = [call.at.astimezone(tz).date() for call in history if call.conversation]

    def frequency_reason(day: date) -> str | None:
        if exception:
            return None
        if _latest_within(talks, day) is not None:
            return RECENT_CONVERSATION
        if len(_within(counted, day)) >= MAX_CALLS:
            return SEVEN_CALLS
        return None

    def allowed_from(day: date) -> datetime | None:
        """The first moment at or after *now* on local *day* inside the hours, if there is one."""
        if day == today and _in_hours(now, tz, window):
            return now
        opens = _wall_clock(day, start, tz)
        if opens is None or opens < now or not _in_hours(opens, tz, window):
            return None
        return opens

    reason = frequency_reason(today)
    if reason is None and not _in_hours(now, tz, window):
        reason = OUTSIDE_HOURS
    next_allowed = None
    if reason is not None:
        # Every date a history call can fall on is behind the last day searched, and 2 more days
        # step over a calendar date a zone skipped (Samoa, 30 December 2011).
        last = max([today, *counted, *talks]) + timedelta(days=PERIOD_DAYS + 2)
        day = today
        while next_allowed is None and day <= last:
            if frequency_reason(day) is None:
                next_allowed = allowed_from(day)
            day += timedelta(days=1)
    return CallCheck(
        allowed=reason is None,
        reason=reason,
        attempts_in_7_days=len(_within(counted, today)),
        conversation_on=_latest_within(talks, today),
        next_allowed=next_allowed,
    )


def _within(days: list[date], day: date) -> list[date]:
    """The *days* among the 7 consecutive days ending on *day*."""
    first = day - timedelta(days=PERIOD_DAYS - 1)
    return [d for d in days if first <= d <= day]


def _latest_within(days: list[date], day: date) -> date | None:
    return max(_within(days, day), default=None)


def _in_hours(moment: datetime, tz: ZoneInfo, window: tuple[int, int]) -> bool:
    return window[0] <= moment.astimezone(tz).hour < window[1]


def _wall_clock(day: date, hour: int, tz: ZoneInfo) -> datetime | None:
    """The moment (UTC) the clock in *tz* reads *hour*:00 on *day*; None when it never does that day."""
    # A time the clock skips (a DST gap) is read with the offset from before the jump (fold=0),
    # which gives the moment of the jump when the jump starts on the hour, and never a moment
    # before the clock has passed *hour*:00.
    moment = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    return moment if moment.astimezone(tz).date() == day else None
