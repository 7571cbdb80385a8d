import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mutu.queues.calculations import (
    DayHours,
    LocationSchedule,
    SpecialPeriod,
    can_issue_ticket,
    hours_on,
    is_open,
    open_seconds_between,
    percentile,
)

WITA = ZoneInfo("Asia/Makassar")
WEEKDAY = DayHours(dt.time(8), dt.time(16), dt.time(15), breaks=((dt.time(12), dt.time(13)),))
SCHEDULE = LocationSchedule(
    tz=WITA,
    regular={d: WEEKDAY for d in range(5)},
    periods=(
        SpecialPeriod(
            dt.date(2027, 2, 8), dt.date(2027, 3, 9), hours={0: DayHours(dt.time(8), dt.time(14), dt.time(13, 30))}
        ),
    ),
    closed_days=frozenset({dt.date(2026, 12, 25)}),
)


def at(*args):
    return dt.datetime(*args, tzinfo=WITA)


def test_a_wait_across_the_lunch_break_counts_only_open_time():
    assert open_seconds_between(SCHEDULE, at(2026, 11, 26, 11, 55), at(2026, 11, 26, 13, 6)) == 11 * 60


def test_a_wait_over_a_closed_day_counts_nothing_for_that_day():
    # Thu 24 Dec 15:50 → Sat 26 Dec: 10 minutes on the 24th, Christmas closed, Saturday closed.
    assert open_seconds_between(SCHEDULE, at(2026, 12, 24, 15, 50), at(2026, 12, 26, 10)) == 10 * 60


def test_tickets_stop_at_the_last_ticket_time_but_not_at_lunch():
    assert can_issue_ticket(SCHEDULE, at(2026, 11, 26, 12, 30))
    assert not can_issue_ticket(SCHEDULE, at(2026, 11, 26, 15, 0))
    assert not can_issue_ticket(SCHEDULE, at(2026, 11, 26, 7, 59))
    assert not can_issue_ticket(SCHEDULE, at(2026, 11, 28, 9))  # Saturday
    assert not is_open(SCHEDULE, at(2026, 11, 26, 12, 30))


def test_a_special_period_replaces_the_regular_hours():
    assert hours_on(SCHEDULE, dt.date(2027, 2, 8)).closes == dt.time(14)
    assert hours_on(SCHEDULE, dt.date(2027, 2, 9)) is None  # no Tuesday hours in the period


def test_instants_must_be_aware():
    with pytest.raises(ValueError):
        can_issue_ticket(SCHEDULE, dt.datetime(2026, 11, 26, 9))


def test_percentiles_use_the_nearest_rank():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([5], 50) == 5
    assert percentile([], 50) is None
