"""Reads for the counter officer's console and the MPP manager's location overview.

Who sees a counter's console:

* an officer assigned to the counter (``CounterAssignment``) who still holds a role in the
  counter's unit — they may act;
* the unit's admin or head (or a superuser) — read-only, to watch their unit's counters;
* anyone else gets 404 (the views use ``get_visible_or_404``).

Every function reads a fixed number of queries whatever the number of tickets of the day: the
waiting list is cut at ``WAITING_LIST_LIMIT`` rows beside one ``COUNT``, and minutes are
computed in Python from the location's schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from mutu.organisations.models import Counter, Gerai, Location, Membership
from mutu.organisations.selectors import memberships_of
from mutu.queues import calculations as calc
from mutu.queues.models import CompensationCase, CounterAssignment, QueueLine, Remedy, Ticket, Trigger
from mutu.queues.selectors.compensation import cases_due_for_location, rules_in_force
from mutu.queues.selectors.schedule import location_schedule
from mutu.queues.selectors.tickets import waiting_order
from mutu.queues.services.compensation import ALLOWED_GIVEN

Role = Membership.Role
Status = Ticket.Status

# Roles whose holders may give information to their unit's waiting citizens.
OFFICER_ROLES = (Role.COUNTER_OFFICER, Role.UNIT_ADMIN, Role.UNIT_HEAD)
# Roles that may watch (not operate) every counter of their unit.
WATCH_ROLES = (Role.UNIT_ADMIN, Role.UNIT_HEAD)
# Roles of the location's manager unit that may announce to everyone waiting at the location.
LOCATION_ANNOUNCER_ROLES = (Role.MPP_MANAGER, Role.UNIT_ADMIN, Role.UNIT_HEAD)

WAITING_LIST_LIMIT = 50
CURRENT_STATUSES = (Status.CALLED, Status.SERVING)


def local_today(location: Location, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(location.timezone)).date()


# --- Who may open which counter ---------------------------------------------------------


def _unit_ids(user, roles) -> set[int]:
    return {m.unit_id for m in memberships_of(user) if m.unit_id is not None and m.role in roles}


def counters_assigned_to(*, user) -> QuerySet[Counter]:
    """Counters this user may operate: assigned, and still holding a role in the counter's unit."""
    if not getattr(user, "is_authenticated", False):
        return Counter.objects.none()
    member_of = {m.unit_id for m in memberships_of(user) if m.unit_id is not None}
    return Counter.objects.filter(
        assignments__officer=user, gerai__unit_id__in=member_of, is_active=True, gerai__is_active=True
    )


def counters_watched_by(*, user) -> QuerySet[Counter]:
    """Counters this user may open read-only: every counter of a unit they administer or head."""
    if getattr(user, "is_superuser", False):
        return Counter.objects.all()
    return Counter.objects.filter(gerai__unit_id__in=_unit_ids(user, WATCH_ROLES))


def console_counters(*, user) -> QuerySet[Counter]:
    """Every counter whose console this user may open (operate or watch)."""
    return Counter.objects.filter(
        Q(id__in=counters_assigned_to(user=user).values("id")) | Q(id__in=counters_watched_by(user=user).values("id"))
    ).distinct()


def console_counter(*, user, counter_id: int) -> Counter:
    """One counter for the console, with ``.can_operate`` (Counter.DoesNotExist otherwise)."""
    counter = (
        console_counters(user=user)
        .select_related("gerai__location__manager_unit", "gerai__unit")
        .annotate(
            can_operate=Exists(
                CounterAssignment.objects.filter(
                    counter=OuterRef("pk"),
                    officer=user,
                    officer__memberships__unit=OuterRef("gerai__unit"),
                )
            )
        )
        .get(pk=counter_id)
    )
    counter.can_operate = counter.can_operate and counter.is_active and counter.gerai.is_active
    return counter


def console_index(*, user) -> list[Counter]:
    """The counters of the console's start page, each with ``.can_operate``, by location and code."""
    assigned = set(counters_assigned_to(user=user).values_list("id", flat=True))
    counters = list(
        console_counters(user=user)
        .select_related("gerai__location", "gerai__unit")
        .order_by("gerai__location__name", "gerai__name", "code")
    )
    for counter in counters:
        counter.can_operate = counter.id in assigned
    return counters


def can_announce_location_wide(*, user, location: Location) -> bool:
    """The MPP manager, or the admin/head of the unit that runs the location, reach everyone."""
    if getattr(user, "is_superuser", False):
        return True
    return location.manager_unit_id in _unit_ids(user, LOCATION_ANNOUNCER_ROLES)


def announcing_units(*, user, location: Location) -> list[int] | None:
    """Unit ids whose waiting tickets at ``location`` the user may inform at once.

    ``None`` means every unit (the location's manager); a unit officer reaches only the units
    they hold an officer role in (possibly none).
    """
    if can_announce_location_wide(user=user, location=location):
        return None
    return sorted(_unit_ids(user, OFFICER_ROLES))


# --- The calling rule --------------------------------------------------------------------


def waiting_for_counter(*, counter: Counter, day: dt.date) -> QuerySet[Ticket]:
    """The WAITING tickets of the day that ``counter`` may call, in calling order.

    The rule, the same for every counter: priority tickets (a vulnerable group of UU 25/2009
    or a priority voucher) come before regular ones, then first come, first served by time
    of issue (``selectors.tickets.waiting_order``). A disability or priority counter
    (``Counter.is_disability`` / ``is_priority``) therefore takes priority tickets first, as
    every counter does, and is not exclusive: with no priority ticket waiting it calls regular
    ones, so nobody waits while a counter stands idle. A ticket transferred to one counter
    (``Ticket.counter`` set while WAITING) waits for that counter only.
    """
    return (
        Ticket.objects.filter(
            line__counters=counter,
            line__is_active=True,
            status=Status.WAITING,
            day=day,
        )
        .filter(Q(counter__isnull=True) | Q(counter=counter))
        .order_by(*waiting_order())
    )


def current_ticket(*, counter: Counter, officer, day: dt.date) -> Ticket | None:
    """The ticket being called or served at ``counter``: the officer's own, else the latest one."""
    rows = list(
        Ticket.objects.filter(counter=counter, day=day, status__in=CURRENT_STATUSES)
        .select_related("line", "service")
        .order_by("-called_at", "-id")[:10]
    )
    own = [t for t in rows if officer is not None and t.officer_id == officer.pk]
    return (own or rows or [None])[0]


# --- The waiting list --------------------------------------------------------------------


@dataclass
class WaitingRow:
    ticket: Ticket
    waited_minutes: int
    since_info_minutes: int | None
    # Minutes on the waiting-without-information clock (since issue or the last information).
    clock_minutes: int
    needs_info: bool


@dataclass
class WaitingList:
    rows: list[WaitingRow]
    total: int
    threshold_minutes: int | None
    now: dt.datetime

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _minutes(seconds: int) -> int:
    return seconds // 60


def waiting_rows(
    tickets, *, schedule: calc.LocationSchedule, now: dt.datetime, threshold: int | None
) -> list[WaitingRow]:
    """Minutes of open time (breaks and closed hours left out) for each waiting ticket."""
    rows = []
    for ticket in tickets:
        waited = _minutes(calc.open_seconds_between(schedule, ticket.issued_at, now))
        since_info = (
            _minutes(calc.open_seconds_between(schedule, ticket.info_given_at, now)) if ticket.info_given_at else None
        )
        clock = waited if since_info is None else min(waited, since_info)
        rows.append(
            WaitingRow(
                ticket=ticket,
                waited_minutes=waited,
                since_info_minutes=since_info,
                clock_minutes=clock,
                needs_info=threshold is not None and clock >= max(0, threshold - 2),
            )
        )
    return rows


def console_waiting(*, counter: Counter, now: dt.datetime) -> WaitingList:
    """The first ``WAITING_LIST_LIMIT`` tickets the counter would call, and how many wait in all.

    ``needs_info`` flags a ticket whose clock is within two minutes of the unit's
    waiting-without-information threshold, so the officer can inform before a case is due.
    """
    location = counter.gerai.location
    day = local_today(location, now)
    queryset = waiting_for_counter(counter=counter, day=day)
    tickets = list(queryset.select_related("line")[:WAITING_LIST_LIMIT])
    total = queryset.count()
    rule = rules_in_force(unit=counter.gerai.unit, day=day).get(Trigger.WAIT_WITHOUT_INFO)
    threshold = rule.threshold_minutes if rule is not None else None
    schedule = location_schedule(location=location)
    return WaitingList(
        rows=waiting_rows(tickets, schedule=schedule, now=now, threshold=threshold),
        total=total,
        threshold_minutes=threshold,
        now=now,
    )


# --- Compensation panel ------------------------------------------------------------------


def remedy_choices(remedy: str) -> list[tuple[str, str]]:
    """What the officer may record as given for a rule's remedy (the compensation service's list)."""
    options = ALLOWED_GIVEN.get(remedy, {remedy})
    return [(value, Remedy(value).label) for value in sorted(options)]


def console_cases(*, counter: Counter) -> list[CompensationCase]:
    """Compensation cases still due at this counter's location for the counter's unit (one query)."""
    cases = list(cases_due_for_location(location=counter.gerai.location, units=[counter.gerai.unit]))
    for case in cases:
        case.remedy_options = remedy_choices(case.rule.remedy)
    return cases


# --- Other parts of the console ----------------------------------------------------------


def counter_lines(*, counter: Counter) -> list[QueueLine]:
    return list(counter.queue_lines.filter(is_active=True).select_related("service").order_by("position", "prefix"))


@dataclass
class TransferTargets:
    lines: list[QueueLine]
    counters: list[Counter]


def transfer_targets(*, counter: Counter) -> TransferTargets:
    """Active lines and counters of the location (every gerai: a citizen may be at the wrong one)."""
    location = counter.gerai.location
    lines = list(
        QueueLine.objects.filter(gerai__location=location, gerai__is_active=True, is_active=True)
        .select_related("service", "gerai")
        .order_by("gerai__name", "position", "prefix")
    )
    counters = list(
        Counter.objects.filter(gerai__location=location, gerai__is_active=True, is_active=True)
        .select_related("gerai")
        .order_by("gerai__name", "code")
    )
    return TransferTargets(lines=lines, counters=counters)


def served_today(*, counter: Counter, day: dt.date) -> int:
    return Ticket.objects.filter(counter=counter, day=day, status=Status.DONE).count()


# --- Location overview (MPP manager) ------------------------------------------------------


@dataclass
class CounterNow:
    counter: Counter
    ticket: Ticket | None


@dataclass
class LineNow:
    line: QueueLine
    waiting: int


@dataclass
class GeraiNow:
    gerai: Gerai
    counters: list[CounterNow] = field(default_factory=list)
    lines: list[LineNow] = field(default_factory=list)
    cases_due: int = 0


@dataclass
class LocationOverview:
    location: Location
    gerai: list[GeraiNow]
    waiting_total: int
    cases_due_total: int


def location_overview(*, location: Location, now: dt.datetime) -> LocationOverview:
    """Every gerai of the location: its counters with their current ticket, the number waiting
    per line and the compensation cases due (six queries whatever the size of the day)."""
    day = local_today(location, now)
    gerai = list(Gerai.objects.filter(location=location, is_active=True).select_related("unit").order_by("name"))
    by_gerai = {g.id: GeraiNow(gerai=g) for g in gerai}
    current: dict[int, Ticket] = {}
    for ticket in (
        Ticket.objects.filter(location=location, day=day, status__in=CURRENT_STATUSES, counter__isnull=False)
        .select_related("officer")
        .order_by("called_at", "id")
    ):
        current[ticket.counter_id] = ticket
    for counter in Counter.objects.filter(gerai__in=by_gerai).order_by("code"):
        by_gerai[counter.gerai_id].counters.append(CounterNow(counter=counter, ticket=current.get(counter.id)))
    waiting = dict(
        Ticket.objects.filter(location=location, day=day, status=Status.WAITING)
        .order_by()
        .values_list("line_id")
        .annotate(n=Count("id"))
        .values_list("line_id", "n")
    )
    for line in QueueLine.objects.filter(gerai__in=by_gerai, is_active=True).select_related("service"):
        by_gerai[line.gerai_id].lines.append(LineNow(line=line, waiting=waiting.get(line.id, 0)))
    unit_ids = {g.unit_id for g in gerai}
    due_by_unit = dict(
        cases_due_for_location(location=location, units=unit_ids)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    for entry in by_gerai.values():
        entry.cases_due = due_by_unit.get(entry.gerai.unit_id, 0)
    return LocationOverview(
        location=location,
        gerai=list(by_gerai.values()),
        waiting_total=sum(waiting.values()),
        cases_due_total=sum(due_by_unit.values()),
    )
