"""When a person may be contacted: from 08:00 up to (not including) 21:00 on their own clock.

Plain Python on aware datetimes. The rules are about the person's wall clock, so every check
converts to their IANA zone; clock changes (DST, or a zone moving its offset) are handled by
finding the moments the offset changes rather than assuming a day is 24 hours long.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: The first allowed local time and the first local time no longer allowed.
START = time(8, 0)
END = time(21, 0)

# Contact is allowed 13 hours of every local day, so the next chance is under two days away even
# where a zone skipped a whole calendar day (Pacific/Apia, 2011); three leaves room to spare.
_HORIZON = timedelta(days=3)
# Offsets are sampled this often to find where they change. Zones change offset at most a few
# times a year, never twice within an hour.
_STEP = timedelta(hours=1)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("contact rules need an aware datetime, e.g. datetime.now(UTC)")
    return now.astimezone(UTC)


def _allowed(local: datetime) -> bool:
    return START <= local.time() < END


def local_date(now: datetime, zone: str) -> date:
    """The calendar date on the person's clock in *zone* at *now* (aware)."""
    return _utc(now).astimezone(ZoneInfo(zone)).date()


def within_contact_hours(now: datetime, zone: str) -> bool:
    """True when the local time in *zone* is from 08:00 up to but not including 21:00."""
    return _allowed(_utc(now).astimezone(ZoneInfo(zone)))


def next_contact_time(now: datetime, zone: str) -> datetime:
    """The first moment at or after *now* (aware UTC) when contact is allowed in *zone*.

    Returns *now* itself when contact is allowed now.
    """
    tz = ZoneInfo(zone)
    start = _utc(now)
    end = start + _HORIZON
    while start < end:
        boundary = _next_offset_change(start, end, tz)
        found = _first_allowed_in_span(start, boundary, tz)
        if found is not None:
            return found
        start = boundary
    raise RuntimeError(f"no contact time within {_HORIZON} in {zone}")  # pragma: no cover


def _first_allowed_in_span(start: datetime, end: datetime, tz: ZoneInfo) -> datetime | None:
    """The first allowed moment in [start, end), during which the zone's offset does not change."""
    local = start.astimezone(tz)
    if _allowed(local):
        return start
    day = local.date() if local.time() < START else local.date() + timedelta(days=1)
    # With a fixed offset, wall-clock time and real time move together.
    wall = local.replace(tzinfo=None)
    candidate = start + (datetime.combine(day, START) - wall)
    return candidate if candidate < end else None


def _next_offset_change(start: datetime, limit: datetime, tz: ZoneInfo) -> datetime:
    """The first moment after *start* (and before *limit*) when the offset differs, else *limit*."""
    offset = start.astimezone(tz).utcoffset()
    low = start
    while low < limit:
        high = min(low + _STEP, limit)
        if high.astimezone(tz).utcoffset() != offset:
            return _bisect_change(low, high, tz, offset)
        low = high
    return limit


def _bisect_change(low: datetime, high: datetime, tz: ZoneInfo, offset: timedelta) -> datetime:
    """The first whole second in (low, high] whose offset is not *offset*; high's offset is not.

    Zones change offset on whole seconds, so integer timestamps are exact.
    """
    lo, hi = math.floor(low.timestamp()), math.ceil(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == offset:
            lo = middle
        else:
            hi = middle
    return datetime.fromtimestamp(hi, UTC)


#: The span the contact limit counts over.
LIMIT_WINDOW = timedelta(days=7)


def next_under_limit(sent: list[datetime], now: datetime, limit: int) -> datetime:
    """The first moment at or after *now* when fewer than *limit* of the messages *sent* fall in
    the 7 days up to that moment; *now* itself when one more may go now."""
    now = _utc(now)
    recent = sorted(_utc(moment) for moment in sent if now - LIMIT_WINDOW < _utc(moment) <= now)
    if len(recent) < limit:
        return now
    # Once the (len - limit + 1) oldest have left the window, limit - 1 remain: one more may go.
    return recent[len(recent) - limit] + LIMIT_WINDOW
