"""Pure functions for counter service: opening hours, open time between instants, statistics.

No ORM here: selectors turn a location's rows into a ``LocationSchedule`` and these
functions answer "may a ticket be issued now?" and "how many minutes of open time
has this person waited?" (breaks and closed days do not count).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DayHours:
    opens: dt.time
    closes: dt.time
    last_ticket: dt.time
    breaks: tuple[tuple[dt.time, dt.time], ...] = ()

    def open_intervals(self) -> list[tuple[dt.time, dt.time]]:
        """The day's open time with the breaks cut out, in order."""
        intervals, cursor = [], self.opens
        for start, end in sorted(self.breaks):
            if start > cursor:
                intervals.append((cursor, min(start, self.closes)))
            cursor = max(cursor, end)
        if cursor < self.closes:
            intervals.append((cursor, self.closes))
        return intervals


@dataclass(frozen=True)
class SpecialPeriod:
    starts_on: dt.date
    ends_on: dt.date
    closed: bool = False
    hours: Mapping[int, DayHours] = field(default_factory=dict)


@dataclass(frozen=True)
class LocationSchedule:
    tz: ZoneInfo
    regular: Mapping[int, DayHours]
    periods: tuple[SpecialPeriod, ...] = ()
    # Holidays and closures of the unit that runs the location.
    closed_days: frozenset[dt.date] = frozenset()


def hours_on(schedule: LocationSchedule, day: dt.date) -> DayHours | None:
    """The hours that apply on ``day`` (a special period wins), or None when closed."""
    if day in schedule.closed_days:
        return None
    for period in schedule.periods:
        if period.starts_on <= day <= period.ends_on:
            return None if period.closed else period.hours.get(day.weekday())
    return schedule.regular.get(day.weekday())


def _local(instant: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(tz)


def can_issue_ticket(schedule: LocationSchedule, instant: dt.datetime) -> bool:
    """Tickets are issued from opening until the last-ticket time (also during breaks)."""
    local = _local(instant, schedule.tz)
    hours = hours_on(schedule, local.date())
    return hours is not None and hours.opens <= local.time() < hours.last_ticket


def is_open(schedule: LocationSchedule, instant: dt.datetime) -> bool:
    local = _local(instant, schedule.tz)
    hours = hours_on(schedule, local.date())
    if hours is None:
        return False
    return any(start <= local.time() < end for start, end in hours.open_intervals())


def open_seconds_between(schedule: LocationSchedule, start: dt.datetime, end: dt.datetime) -> int:
    """Seconds of open time (breaks and closed days excluded) between two aware instants."""
    if end <= start:
        return 0
    tz = schedule.tz
    local_start, local_end = _local(start, tz), _local(end, tz)
    total = 0
    day = local_start.date()
    while day <= local_end.date():
        hours = hours_on(schedule, day)
        if hours is not None:
            for open_t, close_t in hours.open_intervals():
                a = dt.datetime.combine(day, open_t, tzinfo=tz)
                b = dt.datetime.combine(day, close_t, tzinfo=tz)
                lo, hi = max(a, local_start), min(b, local_end)
                if hi > lo:
                    total += int((hi - lo).total_seconds())
        day += dt.timedelta(days=1)
    return total


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (the value a report can point at), None for no data."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
