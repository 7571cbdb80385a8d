"""Benchmark: mutu's add_working_days against a naive day-by-day reference.

Times `mutu.organisations.calculations.add_working_days` over 10,000 (start, n) pairs on a
calendar with the national holidays, cuti bersama and some unit closures, and the same pairs
through `naive_add_working_days` below. Both must give the same dates. Prints the time per call
of each and their ratio, measured in this run on this machine: figures to compare, not a test
(shared machines are noisy, so nothing here passes or fails on time).

    .venv/bin/python bench/working_days.py        (or: make bench)
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mutu.organisations.calculations import WorkingCalendar, add_working_days  # noqa: E402
from mutu.organisations.national_holidays import national_calendar  # noqa: E402

PAIRS = 10_000
REPEATS = 3
SEED = 20260102


def naive_add_working_days(calendar: WorkingCalendar, start: date, n: int) -> date:
    """Reference: step one day at a time, count the days the unit works."""
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if day in calendar.extra_working_days:
            works = True
        elif day in calendar.closed_days or day.weekday() in calendar.weekend or day in calendar.holidays:
            works = False
        elif day in calendar.cuti_bersama:
            works = not calendar.cuti_bersama_closed
        else:
            works = True
        if works:
            counted += 1
    return day


def build_calendar() -> WorkingCalendar:
    national = national_calendar(range(2024, 2032))
    rng = random.Random(SEED)
    first = date(2024, 1, 1)
    closed = {first + timedelta(days=rng.randrange(0, 365 * 4)) for _ in range(20)}
    # A few Saturdays worked to catch up (extra working days).
    saturdays = [first + timedelta(days=d) for d in range(365 * 4) if (first + timedelta(days=d)).weekday() == 5]
    extra = set(rng.sample(saturdays, 8))
    return WorkingCalendar(
        holidays=national.holidays,
        cuti_bersama=national.cuti_bersama,
        cuti_bersama_closed=True,
        closed_days=frozenset(closed),
        extra_working_days=frozenset(extra),
    )


def make_pairs() -> list[tuple[date, int]]:
    rng = random.Random(SEED)
    first = date(2024, 1, 1)
    # Service standards promise from 1 to 60 working days; most are short.
    ns = [1, 2, 3, 5, 7, 10, 14, 20, 30, 60]
    return [(first + timedelta(days=rng.randrange(0, 365 * 4)), rng.choice(ns)) for _ in range(PAIRS)]


def best_time(func, calendar, pairs) -> tuple[float, list[date]]:
    best = float("inf")
    results: list[date] = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        results = [func(calendar, start, n) for start, n in pairs]
        best = min(best, time.perf_counter() - started)
    return best, results


def main() -> int:
    calendar = build_calendar()
    pairs = make_pairs()
    mutu_seconds, mutu_results = best_time(add_working_days, calendar, pairs)
    naive_seconds, naive_results = best_time(naive_add_working_days, calendar, pairs)
    mismatches = sum(a != b for a, b in zip(mutu_results, naive_results, strict=True))
    total_days = sum(n for _, n in pairs)
    print(f"add_working_days: {PAIRS:,} (start, n) pairs, {total_days:,} working days in all")
    print(f"  best of {REPEATS} runs each, calendar 2024-2031 with national holidays and closures")
    print(f"  mutu   {mutu_seconds * 1e6 / PAIRS:8.2f} us/call  ({mutu_seconds * 1e3:.1f} ms)")
    print(f"  naive  {naive_seconds * 1e6 / PAIRS:8.2f} us/call  ({naive_seconds * 1e3:.1f} ms)")
    print(f"  ratio mutu/naive = {mutu_seconds / naive_seconds:.2f} (below 1 means mutu is faster)")
    if mismatches:
        print(f"  MISMATCH: {mismatches} of {PAIRS} due dates differ from the reference")
        return 1
    print("  all due dates equal the reference")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
