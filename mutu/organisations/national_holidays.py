"""Indonesia's national calendar as shipped by the `holidays` package.

No database here: this module feeds the holiday table (which an administrator may correct when a
new SKB 3 Menteri or Keppres changes the list) and the database-free CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

from mutu.organisations.calculations import WorkingCalendar

# Recorded as a row's source so an administrator can tell package data from manual corrections.
HOLIDAYS_SOURCE = f"holidays {holidays.__version__}"

KIND_PUBLIC = "public"
KIND_CUTI_BERSAMA = "cuti_bersama"

COUNTRY = "ID"
# The package's categories: "public" is libur nasional, "government" is cuti bersama.
_CATEGORY_BY_KIND = {KIND_PUBLIC: "public", KIND_CUTI_BERSAMA: "government"}
_PREFERRED_LANGUAGE = "id"


@dataclass(frozen=True)
class NationalHoliday:
    day: date
    name: str
    kind: str  # KIND_PUBLIC or KIND_CUTI_BERSAMA


def _language() -> str | None:
    # Indonesian names when the installed package ships them; otherwise its default names.
    supported = holidays.list_localized_countries().get(COUNTRY, [])
    return _PREFERRED_LANGUAGE if _PREFERRED_LANGUAGE in supported else None


@lru_cache(maxsize=1)
def _covered_years() -> range:
    # Asking the package about years it does not cover returns nothing but still costs time, which
    # adds up when a long deadline needs thousands of years.
    country = holidays.country_holidays(COUNTRY)
    return range(country.start_year, country.end_year + 1)


@lru_cache(maxsize=256)
def _year_holidays(year: int) -> tuple[NationalHoliday, ...]:
    """One year's rows, cached because the CLI and calendars ask for the same years repeatedly."""
    if year not in _covered_years():
        return ()
    language = _language()
    rows: list[NationalHoliday] = []
    for kind, category in _CATEGORY_BY_KIND.items():
        # One query per category, so each row's kind is known even if a day carried both.
        # Two holidays on the same day come back as one name joined with "; " (e.g. 2021-05-13).
        calendar = holidays.country_holidays(COUNTRY, years=year, categories=(category,), language=language)
        rows.extend(NationalHoliday(day=day, name=name, kind=kind) for day, name in calendar.items())
    return tuple(rows)


def national_holidays(years: Iterable[int]) -> list[NationalHoliday]:
    """Public holidays and cuti bersama for `years`, sorted by day then kind.

    Years the package does not cover (outside 1946-2100) give no rows; cuti bersama exist only
    for years whose decree the package knows.
    """
    rows = [row for year in sorted(set(years)) for row in _year_holidays(year)]
    return sorted(rows, key=lambda row: (row.day, row.kind))


def national_calendar(years: Iterable[int], *, cuti_bersama_closed: bool = True) -> WorkingCalendar:
    """A calendar with only national data: weekends, public holidays and cuti bersama."""
    rows = national_holidays(years)
    return WorkingCalendar(
        holidays=frozenset(row.day for row in rows if row.kind == KIND_PUBLIC),
        cuti_bersama=frozenset(row.day for row in rows if row.kind == KIND_CUTI_BERSAMA),
        cuti_bersama_closed=cuti_bersama_closed,
    )
