"""A location's opening hours and closed days as data for ``calculations``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mutu.organisations.models import CalendarException, Holiday, Location, OpeningHours, SpecialPeriod
from mutu.queues import calculations as calc


def _day_hours(row: OpeningHours) -> calc.DayHours:
    return calc.DayHours(
        opens=row.opens,
        closes=row.closes,
        last_ticket=row.last_ticket,
        breaks=tuple((b.starts, b.ends) for b in row.breaks.all()),
    )


def location_schedule(*, location: Location, around: dt.date | None = None) -> calc.LocationSchedule:
    """Hours, special periods and closed days of a location (4 queries).

    Closed days are the holidays (and, if the unit closes on them, cuti bersama) of the
    unit that runs the location, and that unit's own closures; Saturdays are governed
    by the weekly hours, not by the working-day calendar.
    """
    rows = list(OpeningHours.objects.filter(location=location).prefetch_related("breaks"))
    regular = {r.weekday: _day_hours(r) for r in rows if r.special_period_id is None}
    by_period: dict[int, dict[int, calc.DayHours]] = {}
    for r in rows:
        if r.special_period_id is not None:
            by_period.setdefault(r.special_period_id, {})[r.weekday] = _day_hours(r)
    periods = tuple(
        calc.SpecialPeriod(
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            closed=p.kind == SpecialPeriod.Kind.CLOSED,
            hours=by_period.get(p.id, {}),
        )
        for p in SpecialPeriod.objects.filter(location=location)
    )
    unit = location.manager_unit
    kinds = [Holiday.Kind.PUBLIC] + ([Holiday.Kind.CUTI_BERSAMA] if unit.cuti_bersama_closed else [])
    holidays = Holiday.objects.filter(instansi_id=unit.instansi_id, is_active=True, kind__in=kinds)
    exceptions = dict(CalendarException.objects.filter(unit=unit).values_list("day", "kind"))
    closed = {d for d in holidays.values_list("day", flat=True) if exceptions.get(d) != CalendarException.Kind.WORKING}
    closed |= {d for d, k in exceptions.items() if k == CalendarException.Kind.CLOSED}
    return calc.LocationSchedule(
        tz=ZoneInfo(location.timezone), regular=regular, periods=periods, closed_days=frozenset(closed)
    )
