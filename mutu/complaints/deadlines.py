"""Deadlines of complaint stages: policies are data, due moments are computed here.

A stage of N working days started on day D is due at the end of the Nth working day after D
(the day of receipt does not count, as in LAPOR!), in the responsible unit's calendar — or the
instansi's while the verifier holds the complaint.  Calendar days count every day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q

from mutu.complaints.models import Complaint, DayKind, Deadline, DeadlinePolicy, Stage
from mutu.organisations.calculations import WorkingCalendar, add_working_days, working_days_between
from mutu.organisations.models import Holiday, Unit
from mutu.organisations.selectors import working_calendar_for_unit


@dataclass(frozen=True)
class Policy:
    days: int
    day_kind: str
    remind_days_before: int = 1


# SP4N-LAPOR! figures, PP/UU deadlines and UU 14/2008 for information requests.
DEFAULT_POLICIES: dict[str, Policy] = {
    Stage.VERIFY: Policy(3, DayKind.WORKING),
    Stage.FIRST_RESPONSE: Policy(5, DayKind.WORKING),
    Stage.COMPLETION: Policy(14, DayKind.WORKING, 2),
    Stage.AUTO_CLOSE: Policy(10, DayKind.WORKING, 0),
    Stage.CITIZEN_REPLY: Policy(30, DayKind.CALENDAR, 3),
    Stage.INFORMATION: Policy(10, DayKind.WORKING, 2),
    Stage.REOPEN_WINDOW: Policy(10, DayKind.WORKING, 0),
}
# The public-information clock may be extended once by this many working days.
INFORMATION_EXTENSION_DAYS = 7


def policy_for(*, instansi_id: int, unit_id: int | None, stage: str) -> Policy:
    """The unit's rule, else the instansi's, else the default."""
    rows = DeadlinePolicy.objects.filter(instansi_id=instansi_id, stage=stage).filter(
        Q(unit__isnull=True) | Q(unit_id=unit_id)
    )
    best = None
    for row in rows:
        if best is None or (row.unit_id is not None and best.unit_id is None):
            best = row
    if best is None:
        return DEFAULT_POLICIES[stage]
    return Policy(best.days, best.day_kind, best.remind_days_before)


def calendar_and_zone(complaint: Complaint) -> tuple[WorkingCalendar, ZoneInfo]:
    if complaint.unit_id is not None:
        unit = complaint.unit if isinstance(complaint.unit, Unit) else Unit.objects.get(pk=complaint.unit_id)
        return working_calendar_for_unit(unit=unit), ZoneInfo(unit.timezone)
    instansi = complaint.instansi
    holidays = Holiday.objects.filter(instansi_id=instansi.pk, is_active=True).values_list("day", "kind")
    calendar = WorkingCalendar(
        holidays=frozenset(d for d, k in holidays if k == Holiday.Kind.PUBLIC),
        cuti_bersama=frozenset(d for d, k in holidays if k == Holiday.Kind.CUTI_BERSAMA),
        cuti_bersama_closed=True,
        closed_days=frozenset(),
        extra_working_days=frozenset(),
    )
    return calendar, ZoneInfo(instansi.timezone)


def end_of_day(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    """The last second of ``day`` in ``zone`` (a deadline is met any time that day)."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone).astimezone(datetime.UTC)


def due_moment(
    *, start: datetime.datetime, days: int, day_kind: str, calendar: WorkingCalendar, zone: ZoneInfo
) -> datetime.datetime:
    start_day = start.astimezone(zone).date()
    if day_kind == DayKind.CALENDAR:
        due_day = start_day + datetime.timedelta(days=days)
    else:
        due_day = add_working_days(calendar, start_day, days)
    return end_of_day(due_day, zone)


def start_stage(
    *, complaint: Complaint, stage: str, now: datetime.datetime, days: int | None = None, day_kind: str | None = None
) -> Deadline:
    """Open the deadline of ``stage`` from ``now`` (closing an open one of the same stage first).

    ``days``/``day_kind`` override the policy (a category's completion limit).
    """
    policy = policy_for(instansi_id=complaint.instansi_id, unit_id=complaint.unit_id, stage=stage)
    days = policy.days if days is None else days
    day_kind = policy.day_kind if day_kind is None else day_kind
    calendar, zone = calendar_and_zone(complaint)
    Deadline.objects.filter(complaint=complaint, stage=stage, met_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now
    )
    return Deadline.objects.create(
        complaint=complaint,
        stage=stage,
        started_at=now,
        days=days,
        day_kind=day_kind,
        due_at=due_moment(start=now, days=days, day_kind=day_kind, calendar=calendar, zone=zone),
    )


def meet_stage(*, complaint: Complaint, stage: str, now: datetime.datetime) -> int:
    """Mark the open deadline of ``stage`` as met; returns how many rows changed (0 or 1)."""
    return Deadline.objects.filter(
        complaint=complaint, stage=stage, met_at__isnull=True, cancelled_at__isnull=True
    ).update(met_at=now)


def cancel_stages(*, complaint: Complaint, stages: tuple[str, ...], now: datetime.datetime) -> int:
    return Deadline.objects.filter(
        complaint=complaint, stage__in=stages, met_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)


# Stages whose clock stops while the ball is with the citizen.
PAUSABLE = (Stage.VERIFY, Stage.FIRST_RESPONSE, Stage.COMPLETION, Stage.INFORMATION)


def resume_after_pause(*, complaint: Complaint, paused_since: datetime.datetime, now: datetime.datetime) -> int:
    """Move the open pausable deadlines on by the time the complaint waited for the citizen.

    Working-day stages move by the working days that passed (the day the pause began counts as
    worked); calendar-day stages by whole calendar days. Returns the number of rows moved.
    """
    calendar, zone = calendar_and_zone(complaint)
    first = paused_since.astimezone(zone).date()
    last = now.astimezone(zone).date()
    moved = 0
    open_rows = Deadline.objects.filter(
        complaint=complaint, stage__in=PAUSABLE, met_at__isnull=True, cancelled_at__isnull=True
    )
    for row in open_rows:
        if row.day_kind == DayKind.CALENDAR:
            shift_days = (last - first).days
            new_day = row.due_at.astimezone(zone).date() + datetime.timedelta(days=shift_days)
        else:
            shift_days = working_days_between(calendar, first, last)
            new_day = add_working_days(calendar, row.due_at.astimezone(zone).date(), shift_days) if shift_days else None
        if shift_days and new_day is not None:
            Deadline.objects.filter(pk=row.pk).update(due_at=end_of_day(new_day, zone))
            moved += 1
    return moved
