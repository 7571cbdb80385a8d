"""Reads for the kiosk, the public ticket status page and queue setup.

``waiting_order()`` is the one definition of "who is called next": the console imports
it, and the status page counts the people ahead of a ticket with the same rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from mutu.organisations.models import Counter, Gerai, Location, Membership, Unit
from mutu.organisations.selectors import locations_managed_by, units_managed_by
from mutu.queues import calculations as calc
from mutu.queues.models import (
    CompensationRule,
    CompensationRuleSet,
    CounterAssignment,
    Kiosk,
    QueueLine,
    Ticket,
    Trigger,
)
from mutu.standards.models import StandardVersion

Status = Ticket.Status


# --- The calling order ------------------------------------------------------------------


def waiting_order() -> list:
    """``order_by`` arguments for WAITING tickets in calling order.

    Priority tickets (a vulnerable group of UU 25/2009 or a voucher) first, then by the
    time of issue; the id breaks ties between tickets issued at the same instant.
    """
    return [
        Case(When(priority_group="", then=Value(1)), default=Value(0), output_field=IntegerField()),
        "issued_at",
        "id",
    ]


def _ahead_of(ticket: Ticket) -> Q:
    """WAITING tickets that ``waiting_order()`` puts before ``ticket`` (same rule, as a filter)."""
    same_class_earlier = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, id__lt=ticket.id)
    if ticket.is_priority:
        return ~Q(priority_group="") & same_class_earlier
    return ~Q(priority_group="") | (Q(priority_group="") & same_class_earlier)


# --- Kiosk ---------------------------------------------------------------------------------


def _published_in_force(today: dt.date):
    return StandardVersion.objects.filter(
        service=OuterRef("service_id"), status=StandardVersion.Status.PUBLISHED, effective_date__lte=today
    )


def kiosk_lines(*, location: Location, today: dt.date) -> QuerySet[QueueLine]:
    """Lines a citizen can take a ticket for at ``location`` today (the kiosk shows no others)."""
    return (
        QueueLine.objects.filter(
            gerai__location=location,
            gerai__is_active=True,
            gerai__unit__is_active=True,
            is_active=True,
            service__is_active=True,
        )
        .filter(Exists(_published_in_force(today)))
        .select_related("service", "gerai")
        .order_by("position", "prefix", "service__name")
    )


def kiosk_choices(*, location: Location, today: dt.date) -> list[Gerai]:
    """Active gerai of the location, each with ``.kiosk_lines``; gerai without a line are left out.

    Two queries whatever the number of gerai and services.
    """
    gerai = (
        Gerai.objects.filter(location=location, is_active=True, unit__is_active=True)
        .select_related("unit")
        .prefetch_related(
            Prefetch("queue_lines", queryset=kiosk_lines(location=location, today=today), to_attr="kiosk_lines")
        )
        .order_by("name")
    )
    return [g for g in gerai if g.kiosk_lines]


def public_location(*, slug: str) -> Location:
    """An active location by its slug (Location.DoesNotExist otherwise)."""
    return Location.objects.select_related("manager_unit").get(slug=slug, is_active=True)


def hash_kiosk_secret(secret: str) -> str:
    """Kiosks are found by the SHA-256 of their secret; the secret itself is never stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def kiosk_from_secret(*, secret: str, location: Location | None = None) -> Kiosk | None:
    """The active kiosk whose secret this is (optionally: registered at ``location``)."""
    if not secret:
        return None
    qs = Kiosk.objects.filter(secret_hash=hash_kiosk_secret(secret), is_active=True).select_related("location")
    if location is not None:
        qs = qs.filter(location=location)
    return qs.first()


# --- Ticket status -------------------------------------------------------------------------


@dataclass
class TicketStatus:
    ticket: Ticket
    today: dt.date
    ahead: int | None = None  # WAITING tickets before this one; None once it is no longer waiting
    estimated_minutes: int | None = None
    minutes_per_ticket: float | None = None
    open_counters: int = 0
    rules: list[CompensationRule] = field(default_factory=list)
    transferred_to: Ticket | None = None

    @property
    def position(self) -> int | None:
        return None if self.ahead is None else self.ahead + 1

    @property
    def is_final(self) -> bool:
        return self.ticket.status not in Ticket.OPEN_STATUSES


def compensation_rules_in_force(*, unit: Unit, today: dt.date) -> list[CompensationRule]:
    """The poster sentences of the unit's rules version in force on ``today`` (latest effective date)."""
    ruleset = (
        CompensationRuleSet.objects.filter(unit=unit, effective_from__lte=today).order_by("-effective_from").first()
    )
    if ruleset is None:
        return []
    order = {value: i for i, value in enumerate(Trigger.values)}
    rules = sorted(ruleset.rules.all(), key=lambda r: order.get(r.trigger, len(order)))
    return [r for r in rules if r.poster_text.strip()]


def _minutes_per_ticket(ticket: Ticket) -> float | None:
    """Median minutes at the counter of the line's finished tickets today, else the standard's time."""
    done = Ticket.objects.filter(
        line_id=ticket.line_id, day=ticket.day, status=Status.DONE, finished_at__isnull=False
    ).values_list("called_at", "service_started_at", "finished_at")
    durations = []
    for called, started, finished in done:
        start = started or called
        if start is not None and finished >= start:
            durations.append((finished - start).total_seconds() / 60)
    median = calc.median(durations)
    if median is not None and median > 0:
        return median
    if ticket.standard_version is not None and ticket.standard_version.counter_time_minutes:
        return float(ticket.standard_version.counter_time_minutes)
    return None


def ticket_status(*, token: str) -> TicketStatus:
    """A ticket by its public token with its place in line and estimated wait (no personal data).

    Ticket.DoesNotExist for an unknown token.
    """
    ticket = Ticket.objects.select_related(
        "location", "line", "service", "line__gerai", "line__gerai__unit", "counter", "standard_version"
    ).get(public_token=token)
    today = timezone.localdate(timezone=ZoneInfo(ticket.location.timezone))
    status = TicketStatus(ticket=ticket, today=today)
    status.rules = compensation_rules_in_force(unit=ticket.line.gerai.unit, today=ticket.day)
    if ticket.status == Status.TRANSFERRED:
        status.transferred_to = (
            Ticket.objects.filter(transferred_from=ticket).only("public_token", "prefix", "number").first()
        )
    if ticket.status == Status.WAITING and ticket.day == today:
        status.ahead = (
            Ticket.objects.filter(line_id=ticket.line_id, day=ticket.day, status=Status.WAITING)
            .filter(_ahead_of(ticket))
            .count()
        )
        status.open_counters = max(1, ticket.line.counters.filter(is_active=True).count())
        status.minutes_per_ticket = _minutes_per_ticket(ticket)
        if status.minutes_per_ticket is not None:
            status.estimated_minutes = math.ceil(status.ahead * status.minutes_per_ticket / status.open_counters)
    return status


# --- Queue setup ---------------------------------------------------------------------------


def units_setting_up_queues(*, user) -> QuerySet[Unit]:
    """Units whose queue lines and counter officers this user may change.

    The unit's administrators and head (and the instansi admin), and an MPP manager for the
    unit their membership names — never another tenant's lines.
    """
    managed = units_managed_by(user=user)
    if getattr(user, "is_superuser", False):
        return managed
    mpp_units = Membership.objects.filter(user=user, role=Membership.Role.MPP_MANAGER, unit__isnull=False).values(
        "unit_id"
    )
    return Unit.objects.filter(Q(id__in=managed.values("id")) | Q(id__in=mpp_units))


def gerai_for_queue_setup(*, user) -> QuerySet[Gerai]:
    """Gerai whose lines the user may see: their units' gerai and every gerai of a location they manage."""
    return Gerai.objects.filter(
        Q(unit__in=units_setting_up_queues(user=user)) | Q(location__in=locations_managed_by(user=user))
    )


def queue_lines_overview(*, user, today: dt.date) -> list[Gerai]:
    """Gerai visible for setup, each with ``.lines`` (counters prefetched), ``.can_edit`` and
    each line's ``.has_standard`` (shown at the kiosk only with a standard in force)."""
    editable = set(units_setting_up_queues(user=user).values_list("id", flat=True))
    lines = (
        QueueLine.objects.select_related("service")
        .annotate(has_standard=Exists(_published_in_force(today)))
        .prefetch_related(Prefetch("counters", queryset=Counter.objects.order_by("code")))
        .order_by("position", "prefix")
    )
    gerai = list(
        gerai_for_queue_setup(user=user)
        .select_related("location", "unit")
        .prefetch_related(
            Prefetch("queue_lines", queryset=lines, to_attr="lines"),
            Prefetch(
                "counters",
                queryset=Counter.objects.order_by("code").annotate(officer_count=Count("assignments")),
                to_attr="all_counters",
            ),
        )
        .order_by("location__name", "name")
    )
    for g in gerai:
        g.can_edit = g.unit_id in editable
    return gerai


def counter_assignments(*, counter: Counter) -> QuerySet[CounterAssignment]:
    return counter.assignments.select_related("officer").order_by("officer__username")


def officers_for_counter(*, counter: Counter):
    """People holding a role in the unit that staffs the counter (the only ones who may be assigned)."""
    User = get_user_model()
    unit_id = counter.gerai.unit_id
    return (
        User.objects.filter(is_active=True, memberships__unit_id=unit_id)
        .exclude(counter_assignments__counter=counter)
        .distinct()
        .order_by("username")
    )


def kiosks_of(*, location: Location) -> QuerySet[Kiosk]:
    return location.kiosks.select_related("registered_by").order_by("-is_active", "name")
