"""Working-day arithmetic for service deadlines.

Pure functions over plain values: no ORM, no Django settings. The caller builds a
`WorkingCalendar` (from the holiday table, the unit's switches and closures) and passes it in,
so the same rules serve the web app, background tasks and the database-free CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# A run of this many consecutive closed days means the calendar is broken (e.g. every weekday
# configured as weekend); stop instead of looping forever.
MAX_CLOSED_RUN_DAYS = 3660

ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days a unit works.

    Precedence (see `is_working_day`): the unit's extra working days beat everything, then the
    unit's own closures, weekends, national holidays, and finally cuti bersama, which closes the
    unit only while `cuti_bersama_closed` is on (the product default; units that keep serving
    switch it off).
    """

    holidays: frozenset[date]
    cuti_bersama: frozenset[date]
    cuti_bersama_closed: bool = True
    closed_days: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    # Python weekday numbers: Monday is 0, so {5, 6} is Saturday and Sunday.
    weekend: frozenset[int] = frozenset({5, 6})


def is_working_day(calendar: WorkingCalendar, day: date) -> bool:
    """Whether the unit works on `day`."""
    if day in calendar.extra_working_days:
        return True
    if day in calendar.closed_days:
        return False
    if day.weekday() in calendar.weekend:
        return False
    if day in calendar.holidays:
        return False
    if day in calendar.cuti_bersama:
        return not calendar.cuti_bersama_closed
    return True


def _next_working_day(calendar: WorkingCalendar, day: date) -> date:
    """The first working day strictly after `day`."""
    for _ in range(MAX_CLOSED_RUN_DAYS):
        try:
            day += ONE_DAY
        except OverflowError:
            raise ValueError("The deadline falls after the last representable date.") from None
        if is_working_day(calendar, day):
            return day
    raise ValueError(
        f"No working day within {MAX_CLOSED_RUN_DAYS} days after {day.isoformat()}; "
        "check the calendar's weekend and closures."
    )


def add_working_days(calendar: WorkingCalendar, start: date, n: int) -> date:
    """The due date `n` working days after the receipt day `start`.

    Day 1 is the first working day after the receipt day, whatever the receipt day is: work
    received on a Friday, a Saturday or a holiday starts counting on the next working day.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    if n > (date.max - start).days:
        raise ValueError("The deadline falls after the last representable date.")
    day = start
    for _ in range(n):
        day = _next_working_day(calendar, day)
    return day


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """How many working days d satisfy start < d <= end.

    The inverse of `add_working_days`: if add_working_days(cal, s, n) == e then
    working_days_between(cal, s, e) == n. Zero when end is not after start.
    """
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(calendar, day):
            count += 1
        day += ONE_DAY
    return count


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value.isoformat()}.")


def local_date(instant: datetime, tz: tzinfo) -> date:
    """The calendar day an aware instant falls on in zone `tz`."""
    _require_aware(instant, "instant")
    return instant.astimezone(tz).date()


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    # fold=0 makes a midnight that a DST change skips resolve to the first instant of the day,
    # and an ambiguous midnight to its first occurrence.
    return datetime.combine(day, time(0), tzinfo=tz)


def working_seconds_between(calendar: WorkingCalendar, start: datetime, end: datetime, tz: tzinfo) -> int:
    """Seconds in [start, end) that fall on working days, days being local to `tz`.

    A day's span runs from one local midnight to the next, so days around a DST change are 23
    or 25 hours long. Partial seconds are dropped. Zero when end is not after start.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        return 0
    # Subtracting aware datetimes that share a tzinfo object ignores their offsets (wall-clock
    # arithmetic), so do every comparison and subtraction in UTC.
    start_utc = start.astimezone(UTC)
    end_utc = end.astimezone(UTC)
    total = timedelta(0)
    day = local_date(start, tz)
    last_day = local_date(end, tz)
    while day <= last_day:
        if is_working_day(calendar, day):
            day_start = _local_midnight(day, tz).astimezone(UTC)
            day_end = _local_midnight(day + ONE_DAY, tz).astimezone(UTC)
            span_start = max(day_start, start_utc)
            span_end = min(day_end, end_utc)
            if span_end > span_start:
                total += span_end - span_start
        day += ONE_DAY
    return total // ONE_SECOND


def calendar_years_needed(start: date, n: int) -> range:
    """A first guess at the calendar years a deadline of `n` working days from `start` spans.

    Indonesia has roughly 230-250 working days a year; 200 leaves room for a unit's closures.
    Callers still have to check the result lies inside the years they loaded.
    """
    extra_years = max(n, 0) // 200 + 1
    return range(start.year, min(start.year + extra_years, date.max.year) + 1)
