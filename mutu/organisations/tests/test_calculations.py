"""Working-day arithmetic. Pure functions: no database, no settings.

Expected dates were worked out by hand from the `holidays` 0.109 data for Indonesia; the
`test_package_*` tests pin the data those hand computations rely on, so a package upgrade that
moves a holiday fails there first, with an obvious message.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mutu.organisations.calculations import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    local_date,
    working_days_between,
    working_seconds_between,
)
from mutu.organisations.national_holidays import (
    HOLIDAYS_SOURCE,
    KIND_CUTI_BERSAMA,
    KIND_PUBLIC,
    NationalHoliday,
    national_calendar,
    national_holidays,
)

MAKASSAR = ZoneInfo("Asia/Makassar")  # WITA, UTC+8, no DST
BERLIN = ZoneInfo("Europe/Berlin")  # has DST; used only to check local-midnight splitting

YEARS = range(2025, 2028)
NATIONAL = national_calendar(YEARS)
NATIONAL_CUTI_BERSAMA_OPEN = national_calendar(YEARS, cuti_bersama_closed=False)
# No holidays at all: isolates the unit's own closures and extra working days.
PLAIN = WorkingCalendar(holidays=frozenset(), cuti_bersama=frozenset())


def makassar(*args: int) -> datetime:
    return datetime(*args, tzinfo=MAKASSAR)


# --- The package data the hand computations rely on -------------------------------------------


def test_package_has_idul_fitri_2026_as_expected():
    rows = [
        (row.day, row.kind) for row in national_holidays([2026]) if date(2026, 3, 17) <= row.day <= date(2026, 3, 25)
    ]
    assert rows == [
        (date(2026, 3, 18), KIND_CUTI_BERSAMA),
        (date(2026, 3, 19), KIND_PUBLIC),  # Nyepi
        (date(2026, 3, 20), KIND_CUTI_BERSAMA),
        (date(2026, 3, 21), KIND_PUBLIC),  # Idul Fitri, a Saturday
        (date(2026, 3, 22), KIND_PUBLIC),  # second day, a Sunday
        (date(2026, 3, 23), KIND_CUTI_BERSAMA),
        (date(2026, 3, 24), KIND_CUTI_BERSAMA),
    ]


def test_package_has_the_year_end_days_as_expected():
    rows = [
        (row.day, row.kind)
        for row in national_holidays([2025, 2026, 2027])
        if date(2025, 12, 24) <= row.day <= date(2027, 1, 6) and not date(2026, 1, 2) <= row.day <= date(2026, 12, 23)
    ]
    assert rows == [
        (date(2025, 12, 25), KIND_PUBLIC),
        (date(2025, 12, 26), KIND_CUTI_BERSAMA),
        (date(2026, 1, 1), KIND_PUBLIC),
        (date(2026, 12, 24), KIND_CUTI_BERSAMA),
        (date(2026, 12, 25), KIND_PUBLIC),
        (date(2027, 1, 1), KIND_PUBLIC),
        (date(2027, 1, 5), KIND_PUBLIC),  # Isra Mikraj
    ]


def test_national_holidays_are_sorted_by_day_then_kind_with_indonesian_names():
    rows = national_holidays([2027, 2026])
    assert rows == sorted(rows, key=lambda row: (row.day, row.kind))
    assert {row.kind for row in rows} == {KIND_PUBLIC, KIND_CUTI_BERSAMA}
    assert NationalHoliday(date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia", KIND_PUBLIC) in (rows)


def test_years_outside_the_package_range_give_no_rows():
    assert national_holidays([1900, 2200]) == []
    assert national_holidays([]) == []


def test_holidays_source_names_the_package_version():
    assert HOLIDAYS_SOURCE.startswith("holidays 0.")


# --- is_working_day -------------------------------------------------------------------------------


def test_weekdays_work_and_weekends_do_not():
    assert is_working_day(PLAIN, date(2026, 1, 9))  # Friday
    assert not is_working_day(PLAIN, date(2026, 1, 10))  # Saturday
    assert not is_working_day(PLAIN, date(2026, 1, 11))  # Sunday


def test_cuti_bersama_closes_the_unit_only_while_the_switch_is_on():
    assert not is_working_day(NATIONAL, date(2026, 3, 18))
    assert is_working_day(NATIONAL_CUTI_BERSAMA_OPEN, date(2026, 3, 18))


def test_public_holidays_stay_closed_when_cuti_bersama_is_switched_off():
    assert not is_working_day(NATIONAL_CUTI_BERSAMA_OPEN, date(2026, 3, 19))


def test_extra_working_days_win_over_weekends_holidays_and_closures():
    saturday, nyepi = date(2026, 3, 14), date(2026, 3, 19)
    calendar = WorkingCalendar(
        holidays=frozenset({nyepi}),
        cuti_bersama=frozenset(),
        closed_days=frozenset({nyepi}),
        extra_working_days=frozenset({saturday, nyepi}),
    )
    assert is_working_day(calendar, saturday)
    assert is_working_day(calendar, nyepi)


def test_a_custom_weekend_is_respected():
    friday_and_saturday = WorkingCalendar(holidays=frozenset(), cuti_bersama=frozenset(), weekend=frozenset({4, 5}))
    assert not is_working_day(friday_and_saturday, date(2026, 1, 9))  # Friday
    assert is_working_day(friday_and_saturday, date(2026, 1, 11))  # Sunday


# --- add_working_days -----------------------------------------------------------------------------


def test_day_one_is_the_first_working_day_after_receipt():
    # Received Friday 2 January 2026: Monday 5 is day 1, Tuesday 6 day 2, Wednesday 7 day 3.
    assert add_working_days(NATIONAL, date(2026, 1, 2), 1) == date(2026, 1, 5)
    assert add_working_days(NATIONAL, date(2026, 1, 2), 3) == date(2026, 1, 7)


def test_receipt_on_a_saturday_starts_counting_on_monday():
    assert add_working_days(NATIONAL, date(2026, 1, 3), 1) == date(2026, 1, 5)
    assert add_working_days(NATIONAL, date(2026, 1, 4), 3) == date(2026, 1, 7)


def test_receipt_on_a_holiday_starts_counting_on_the_next_working_day():
    # New Year's Day 2026 is a Thursday; Friday 2 January is day 1.
    assert add_working_days(NATIONAL, date(2026, 1, 1), 1) == date(2026, 1, 2)
    assert add_working_days(NATIONAL, date(2026, 1, 1), 2) == date(2026, 1, 5)


def test_idul_fitri_2026_with_cuti_bersama_closed_skips_to_the_25th():
    # 18 cuti bersama, 19 Nyepi, 20 cuti bersama, 21-22 Idul Fitri on the weekend, 23-24 cuti
    # bersama: Wednesday 25 is day 1, Thursday 26 day 2, Friday 27 day 3.
    assert add_working_days(NATIONAL, date(2026, 3, 17), 1) == date(2026, 3, 25)
    assert add_working_days(NATIONAL, date(2026, 3, 17), 3) == date(2026, 3, 27)


def test_idul_fitri_2026_with_cuti_bersama_open_counts_the_leave_days():
    # 18 is day 1, 19 Nyepi still closed, 20 day 2, weekend, 23 day 3.
    assert add_working_days(NATIONAL_CUTI_BERSAMA_OPEN, date(2026, 3, 17), 3) == date(2026, 3, 23)


def test_christmas_2026_and_the_new_year_are_skipped():
    # 24 cuti bersama, 25 Christmas, 26-27 weekend: Monday 28 is day 1, Tuesday 29 day 2.
    assert add_working_days(NATIONAL, date(2026, 12, 23), 2) == date(2026, 12, 29)
    # 28, 29, 30, 31, then 1 January 2027 (Friday) is New Year's Day, 2-3 the weekend,
    # Monday 4 is day 5, Tuesday 5 is Isra Mikraj, Wednesday 6 is day 6.
    assert add_working_days(NATIONAL, date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert add_working_days(NATIONAL, date(2026, 12, 23), 6) == date(2027, 1, 6)


def test_christmas_eve_2026_counts_when_cuti_bersama_is_open():
    assert add_working_days(NATIONAL_CUTI_BERSAMA_OPEN, date(2026, 12, 23), 2) == date(2026, 12, 28)


def test_new_years_day_2026_is_skipped_across_the_year_boundary():
    # Received Tuesday 30 December 2025: 31 is day 1, 1 January closed, Friday 2 day 2,
    # Monday 5 day 3.
    assert add_working_days(NATIONAL, date(2025, 12, 30), 3) == date(2026, 1, 5)


def test_closed_days_are_skipped():
    # The unit closes Tuesday 6 January for an office move.
    calendar = WorkingCalendar(
        holidays=frozenset(), cuti_bersama=frozenset(), closed_days=frozenset({date(2026, 1, 6)})
    )
    assert add_working_days(calendar, date(2026, 1, 2), 2) == date(2026, 1, 7)


def test_extra_working_days_are_counted():
    # The unit opens on Saturday 3 January to catch up: it is day 1.
    calendar = WorkingCalendar(
        holidays=frozenset(),
        cuti_bersama=frozenset(),
        extra_working_days=frozenset({date(2026, 1, 3)}),
    )
    assert add_working_days(calendar, date(2026, 1, 2), 1) == date(2026, 1, 3)
    assert add_working_days(calendar, date(2026, 1, 2), 2) == date(2026, 1, 5)


@pytest.mark.parametrize("n", [0, -1])
def test_n_below_one_is_rejected(n):
    with pytest.raises(ValueError):
        add_working_days(NATIONAL, date(2026, 1, 2), n)


def test_a_calendar_without_working_days_raises_instead_of_looping_forever():
    never_open = WorkingCalendar(holidays=frozenset(), cuti_bersama=frozenset(), weekend=frozenset(range(7)))
    with pytest.raises(ValueError):
        add_working_days(never_open, date(2026, 1, 2), 1)


def test_a_deadline_past_the_last_representable_date_raises_value_error():
    with pytest.raises(ValueError):
        add_working_days(PLAIN, date(9999, 12, 30), 5)


# --- working_days_between -------------------------------------------------------------------------


def test_working_days_between_inverts_add_working_days():
    for calendar in (NATIONAL, NATIONAL_CUTI_BERSAMA_OPEN):
        start = date(2025, 12, 1)
        while start <= date(2026, 12, 31):
            for n in (1, 2, 3, 5, 7, 10, 14, 30):
                due = add_working_days(calendar, start, n)
                assert working_days_between(calendar, start, due) == n, (start, n)
                # The due date itself is a working day: the count rises on it.
                assert working_days_between(calendar, start, due - timedelta(days=1)) == n - 1
            start += timedelta(days=3)


def test_working_days_between_excludes_the_start_and_includes_the_end():
    # Friday 2 to Wednesday 7 January 2026: 5, 6 and 7.
    assert working_days_between(NATIONAL, date(2026, 1, 2), date(2026, 1, 7)) == 3


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert working_days_between(NATIONAL, date(2026, 1, 7), date(2026, 1, 7)) == 0
    assert working_days_between(NATIONAL, date(2026, 1, 7), date(2026, 1, 2)) == 0


# --- working_seconds_between and local_date -------------------------------------------------------


def test_working_seconds_skip_idul_fitri_in_makassar():
    start, end = makassar(2026, 3, 17, 12), makassar(2026, 3, 25, 6)
    # Tuesday 17 from noon (12 h) and Wednesday 25 until 06:00 (6 h); everything between closed.
    assert working_seconds_between(NATIONAL, start, end, MAKASSAR) == 18 * 3600
    # Cuti bersama open: 18, 20, 23 and 24 add 4 whole days; Nyepi and the weekend stay closed.
    assert working_seconds_between(NATIONAL_CUTI_BERSAMA_OPEN, start, end, MAKASSAR) == ((18 + 4 * 24) * 3600)


def test_working_seconds_split_at_local_midnight_in_makassar():
    # 23:30 on New Year's Day (closed) to 00:30 on Friday 2 January (open), given in UTC.
    start = datetime(2026, 1, 1, 15, 30, tzinfo=UTC)
    end = datetime(2026, 1, 1, 16, 30, tzinfo=UTC)
    assert working_seconds_between(NATIONAL, start, end, MAKASSAR) == 30 * 60
    # The same instants seen from Jakarta (UTC+7) both fall on the holiday.
    assert working_seconds_between(NATIONAL, start, end, ZoneInfo("Asia/Jakarta")) == 0


def test_working_seconds_over_a_weekend_count_only_friday_and_monday():
    start, end = makassar(2026, 1, 2, 23), makassar(2026, 1, 5, 1)
    assert working_seconds_between(NATIONAL, start, end, MAKASSAR) == 2 * 3600


def test_working_seconds_use_real_day_lengths_across_a_dst_change():
    # Europe/Berlin springs forward on Sunday 29 March 2026, a 23-hour day.
    every_day = WorkingCalendar(holidays=frozenset(), cuti_bersama=frozenset(), weekend=frozenset())
    start = datetime(2026, 3, 28, tzinfo=BERLIN)
    end = datetime(2026, 3, 30, tzinfo=BERLIN)
    assert working_seconds_between(every_day, start, end, BERLIN) == (24 + 23) * 3600
    saturday_closed = WorkingCalendar(
        holidays=frozenset(),
        cuti_bersama=frozenset(),
        weekend=frozenset(),
        closed_days=frozenset({date(2026, 3, 28)}),
    )
    assert working_seconds_between(saturday_closed, start, end, BERLIN) == 23 * 3600


def test_working_seconds_are_zero_when_end_is_not_after_start():
    moment = makassar(2026, 1, 5, 9)
    assert working_seconds_between(NATIONAL, moment, moment, MAKASSAR) == 0
    assert working_seconds_between(NATIONAL, moment, moment - timedelta(hours=1), MAKASSAR) == 0


def test_naive_datetimes_are_rejected():
    naive, aware = datetime(2026, 1, 5, 9), makassar(2026, 1, 5, 9)
    with pytest.raises(ValueError):
        working_seconds_between(NATIONAL, naive, aware, MAKASSAR)
    with pytest.raises(ValueError):
        working_seconds_between(NATIONAL, aware, naive, MAKASSAR)
    with pytest.raises(ValueError):
        local_date(naive, MAKASSAR)


def test_local_date_is_the_day_in_the_given_zone():
    instant = datetime(2026, 3, 19, 23, 30, tzinfo=UTC)
    assert local_date(instant, MAKASSAR) == date(2026, 3, 20)
    assert local_date(instant, ZoneInfo("UTC")) == date(2026, 3, 19)
