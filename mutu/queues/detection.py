"""Breach detection: which tickets and files are due a compensation now.

Run every minute by the periodic loop (``run_periodic_detection``), on demand by
``manage.py detect_breaches`` and by the task ``mutu.queues.tasks.detect_breaches_task``.
It is idempotent and safe to run twice at the same time: a case is created inside a savepoint
and the partial unique constraints (ticket, trigger) and (berkas, trigger) turn the second
insert into an ``IntegrityError`` that is absorbed, so two runs never create two cases.

The rules, as implemented (each rule is the one of the unit's version in force on the
ticket's day, or on the day a berkas was received):

* **Waiting without information** — a ticket still ``waiting`` (not called) whose open time
  since ``max(issued_at, info_given_at)`` is more than the rule's minutes.  Open time is the
  location's opening hours with breaks and closed days cut out
  (``calculations.open_seconds_between``), counted up to the end of the ticket's own day, so a
  ticket that waited over lunch is not due while its open time is within the threshold.  The
  waiting officers are not known: counter and officer stay empty.
* **Time at the counter** — a ticket whose service time (``service_started_at`` to
  ``finished_at``, or to now while still ``serving``) is more than the rule's minutes, or the
  counter time of the ticket's standard version when the rule gives none; wall-clock minutes
  (a person at the counter is being served, break or not).  Records the serving officer and
  counter.
* **Late berkas** — a berkas *finished* (``finished_at`` set, status ready or collected)
  on a local date (unit's zone) after its ``due_date``; ``measured_minutes`` holds the calendar
  days late.  A berkas that is late but not finished yet is not a case (the issue: "a berkas
  finished after its due date"); it becomes one when it is finished.  No officer is recorded
  (who closes a file is not who delayed it).

Candidates are read with one query per trigger, narrowed in the database (status, time
bounds, no case yet) so the exact check in Python runs on few rows; schedules and rules are
read once per location / unit within a run.  Time is taken in Python (``now``), never from the
database clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.utils import timezone

from mutu.organisations.models import Location, Unit
from mutu.queues import calculations as calc
from mutu.queues.models import Berkas, CompensationCase, CompensationRule, CompensationRuleSet, Ticket, Trigger
from mutu.queues.selectors.compensation import pick_ruleset
from mutu.queues.selectors.schedule import location_schedule
from mutu.standards.models import StandardVersion

logger = logging.getLogger("mutu.queues.detection")

# How far back a run looks: a loop that was down for a while still catches up.
TICKET_LOOKBACK = dt.timedelta(days=8)
BERKAS_LOOKBACK = dt.timedelta(days=31)


@dataclass
class DetectionResult:
    """Cases created by one run, per trigger code; ``absorbed`` counts inserts another run won."""

    created: dict[str, int] = field(default_factory=lambda: {t.value: 0 for t in Trigger})
    absorbed: int = 0

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def __str__(self) -> str:
        parts = ", ".join(f"{k}={v}" for k, v in self.created.items())
        return f"{self.total} new case(s): {parts}" + (f"; {self.absorbed} already recorded" if self.absorbed else "")


class _Context:
    """What one run reads once: schedules per location, rule versions per unit."""

    def __init__(self):
        self._schedules: dict[int, calc.LocationSchedule] = {}
        self._rulesets: dict[int, list[CompensationRuleSet]] = {}

    def schedule(self, location: Location) -> calc.LocationSchedule:
        if location.pk not in self._schedules:
            self._schedules[location.pk] = location_schedule(location=location)
        return self._schedules[location.pk]

    def load_rules(self, unit_ids) -> None:
        missing = set(unit_ids) - set(self._rulesets)
        if not missing:
            return
        for unit_id in missing:
            self._rulesets[unit_id] = []
        for ruleset in CompensationRuleSet.objects.filter(unit_id__in=missing).prefetch_related("rules"):
            self._rulesets[ruleset.unit_id].append(ruleset)

    def rule(self, unit_id: int, day: dt.date, trigger: str) -> CompensationRule | None:
        self.load_rules([unit_id])
        ruleset = pick_ruleset(self._rulesets[unit_id], day)
        if ruleset is None:
            return None
        return next((r for r in ruleset.rules.all() if r.trigger == trigger), None)


def _create_case(**values) -> bool:
    """Insert one case; False when it exists already (another run, or an earlier one)."""
    try:
        with transaction.atomic():
            CompensationCase.objects.create(**values)
    except IntegrityError:
        return False
    return True


def _without_case(qs, trigger: str, key: str):
    return qs.exclude(Exists(CompensationCase.objects.filter(trigger=trigger, **{key: OuterRef("pk")})))


def _end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def _min_threshold(trigger: str) -> int | None:
    return CompensationRule.objects.filter(trigger=trigger, threshold_minutes__isnull=False).aggregate(
        m=Min("threshold_minutes")
    )["m"]


def _detect_waiting(*, now, unit, ctx: _Context, result: DetectionResult) -> None:
    trigger = Trigger.WAIT_WITHOUT_INFO
    shortest = _min_threshold(trigger)
    if shortest is None:
        return
    # Open time never exceeds wall time: a clock that restarted less than the shortest
    # threshold ago cannot be due yet.
    latest_start = now - dt.timedelta(minutes=shortest)
    qs = Ticket.objects.filter(
        status=Ticket.Status.WAITING,
        issued_at__lte=latest_start,
        issued_at__gte=now - TICKET_LOOKBACK,
    ).exclude(info_given_at__gt=latest_start)
    if unit is not None:
        qs = qs.filter(line__gerai__unit=unit)
    qs = _without_case(qs, trigger, "ticket").select_related("location__manager_unit", "line__gerai")
    for ticket in qs:
        unit_id = ticket.line.gerai.unit_id
        rule = ctx.rule(unit_id, ticket.day, trigger)
        if rule is None or rule.threshold_minutes is None:
            continue
        schedule = ctx.schedule(ticket.location)
        start = max(ticket.issued_at, ticket.info_given_at or ticket.issued_at)
        end = min(now, _end_of_day(ticket.day, schedule.tz))
        seconds = calc.open_seconds_between(schedule, start, end)
        if seconds <= rule.threshold_minutes * 60:
            continue
        created = _create_case(
            unit_id=unit_id,
            trigger=trigger,
            rule=rule,
            ticket=ticket,
            service_id=ticket.service_id,
            detected_at=now,
            measured_minutes=seconds // 60,
        )
        _count(result, trigger, created)


def _detect_counter_time(*, now, unit, ctx: _Context, result: DetectionResult) -> None:
    trigger = Trigger.COUNTER_TIME
    rule_min = _min_threshold(trigger)
    standard_min = (
        StandardVersion.objects.filter(counter_time_minutes__isnull=False)
        .aggregate(m=Min("counter_time_minutes"))
        .get("m")
    )
    bounds = [m for m in (rule_min, standard_min) if m is not None]
    if not CompensationRule.objects.filter(trigger=trigger).exists() or not bounds:
        return
    shortest = dt.timedelta(minutes=min(bounds))
    base = Ticket.objects.filter(service_started_at__isnull=False, service_started_at__gte=now - TICKET_LOOKBACK)
    if unit is not None:
        base = base.filter(line__gerai__unit=unit)
    serving = base.filter(status=Ticket.Status.SERVING, service_started_at__lt=now - shortest)
    finished = base.filter(
        status=Ticket.Status.DONE,
        finished_at__isnull=False,
        finished_at__gt=F("service_started_at") + shortest,
    )
    qs = _without_case(serving | finished, trigger, "ticket").select_related("line__gerai", "standard_version")
    for ticket in qs:
        unit_id = ticket.line.gerai.unit_id
        rule = ctx.rule(unit_id, ticket.day, trigger)
        if rule is None:
            continue
        limit = rule.threshold_minutes
        if limit is None and ticket.standard_version is not None:
            limit = ticket.standard_version.counter_time_minutes
        if not limit:
            continue
        end = ticket.finished_at if ticket.status == Ticket.Status.DONE else now
        seconds = int((end - ticket.service_started_at).total_seconds())
        if seconds <= limit * 60:
            continue
        created = _create_case(
            unit_id=unit_id,
            trigger=trigger,
            rule=rule,
            ticket=ticket,
            service_id=ticket.service_id,
            counter_id=ticket.counter_id,
            officer_id=ticket.officer_id,
            detected_at=now,
            measured_minutes=seconds // 60,
        )
        _count(result, trigger, created)


def _detect_berkas_late(*, now, unit, ctx: _Context, result: DetectionResult) -> None:
    trigger = Trigger.BERKAS_LATE
    if not CompensationRule.objects.filter(trigger=trigger).exists():
        return
    qs = Berkas.objects.filter(
        status__in=(Berkas.Status.READY, Berkas.Status.COLLECTED),
        finished_at__isnull=False,
        finished_at__gte=now - BERKAS_LOOKBACK,
    )
    if unit is not None:
        qs = qs.filter(unit=unit)
    qs = _without_case(qs, trigger, "berkas").select_related("unit")
    for berkas in qs:
        tz = ZoneInfo(berkas.unit.timezone)
        finished_on = berkas.finished_at.astimezone(tz).date()
        if finished_on <= berkas.due_date:
            continue
        rule = ctx.rule(berkas.unit_id, berkas.received_at.astimezone(tz).date(), trigger)
        if rule is None:
            continue
        created = _create_case(
            unit_id=berkas.unit_id,
            trigger=trigger,
            rule=rule,
            berkas=berkas,
            service_id=berkas.service_id,
            detected_at=now,
            measured_minutes=(finished_on - berkas.due_date).days,
        )
        _count(result, trigger, created)


def _count(result: DetectionResult, trigger: str, created: bool) -> None:
    if created:
        result.created[trigger] += 1
    else:
        result.absorbed += 1


def detect_breaches(*, now: dt.datetime | None = None, unit: Unit | None = None) -> DetectionResult:
    """Create the cases due at ``now`` (default: the current instant), for one unit or all."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    ctx = _Context()
    result = DetectionResult()
    _detect_waiting(now=now, unit=unit, ctx=ctx, result=result)
    _detect_counter_time(now=now, unit=unit, ctx=ctx, result=result)
    _detect_berkas_late(now=now, unit=unit, ctx=ctx, result=result)
    if result.total:
        logger.info("breach detection: %s", result)
    return result


def run_periodic_detection() -> str:
    """The periodic loop's job (``mutu.core.periodic.PERIODIC_JOBS``)."""
    return str(detect_breaches())
