"""Reads of berkas (files processed over working days) for staff pages and the public status page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from mutu.organisations.models import Membership, Unit
from mutu.organisations.selectors import can_manage_unit, has_unit_role, units_visible_to
from mutu.queues.models import Berkas, BerkasRequirement, CompensationRule, CompensationRuleSet, Trigger
from mutu.standards.models import StandardVersion, TimeUnit
from mutu.standards.selectors import current_version

Status = Berkas.Status
Role = Membership.Role

# Who may receive files and move them on: the unit's counter officers, its admin and head
# (and an instansi admin / superuser through can_manage_unit). Others who see the unit read only.
HANDLING_ROLES = (Role.COUNTER_OFFICER, Role.UNIT_ADMIN, Role.UNIT_HEAD)
OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING)


def unit_today(unit: Unit) -> datetime.date:
    return timezone.localdate(timezone=ZoneInfo(unit.timezone))


def can_handle_berkas(*, user, unit: Unit) -> bool:
    return has_unit_role(user=user, unit=unit, roles=HANDLING_ROLES) or can_manage_unit(user=user, unit=unit)


def berkas_visible_to(*, user) -> QuerySet[Berkas]:
    return Berkas.objects.filter(unit__in=units_visible_to(user=user))


def end_of_week(today: datetime.date) -> datetime.date:
    """The Sunday that closes ``today``'s week."""
    return today + datetime.timedelta(days=6 - today.weekday())


def overdue_q(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


def due_this_week_q(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=end_of_week(today))


def berkas_for_unit(*, unit: Unit, today: datetime.date, status: str = "", due: str = "") -> QuerySet[Berkas]:
    """A unit's files, newest first; ``due`` is "" / "overdue" / "week"."""
    qs = Berkas.objects.filter(unit=unit).select_related("service").order_by("-received_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if due == "overdue":
        qs = qs.filter(overdue_q(today)).order_by("due_date", "received_at")
    elif due == "week":
        qs = qs.filter(due_this_week_q(today)).order_by("due_date", "received_at")
    return qs


def berkas_counts(*, unit: Unit, today: datetime.date) -> dict[str, int]:
    """Files per status plus overdue and due this week, in one query."""
    aggregates = {value: Count("id", filter=Q(status=value)) for value in Status.values}
    aggregates["overdue"] = Count("id", filter=overdue_q(today))
    aggregates["week"] = Count("id", filter=due_this_week_q(today))
    return Berkas.objects.filter(unit=unit).aggregate(**aggregates)


def berkas_detail(*, pk: int, user) -> Berkas:
    return (
        berkas_visible_to(user=user)
        .select_related("unit", "unit__instansi", "service", "standard_version", "received_by", "finished_by")
        .prefetch_related(Prefetch("requirements", queryset=BerkasRequirement.objects.order_by("position")))
        .get(pk=pk)
    )


def is_late(berkas: Berkas) -> bool:
    """Finished (or still open) after the promised date, judged on the unit's local date."""
    if berkas.finished_at is not None:
        return berkas.finished_at.astimezone(ZoneInfo(berkas.unit.timezone)).date() > berkas.due_date
    return berkas.status in OPEN_STATUSES and unit_today(berkas.unit) > berkas.due_date


def working_day_services(*, unit: Unit, today: datetime.date) -> list:
    """Active services of the unit whose standard in force promises completion in working days.

    Each service carries ``.current`` (the version in force, with its requirements prefetched).
    """
    services = list(
        unit.services.filter(is_active=True)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=StandardVersion.objects.filter(
                    status=StandardVersion.Status.PUBLISHED, effective_date__lte=today
                ).prefetch_related("requirements"),
                to_attr="published_versions",
            )
        )
        .order_by("name")
    )
    result = []
    for service in services:
        service.current = current_version(versions=service.published_versions, today=today)
        if service.current and service.current.completion_time_unit == TimeUnit.WORKING_DAYS:
            result.append(service)
    return result


def late_rule_text(*, unit: Unit, today: datetime.date) -> str:
    """The sentence of the unit's rules in force about files finished late (for the receipt)."""
    in_force = CompensationRuleSet.objects.filter(unit=unit, effective_from__lte=today).order_by("-effective_from")
    rule = CompensationRule.objects.filter(ruleset__in=in_force.values("id")[:1], trigger=Trigger.BERKAS_LATE).first()
    return rule.poster_text if rule else ""


# --- Public status page: no personal data ----------------------------------------------------


@dataclass(frozen=True)
class PublicBerkasStatus:
    receipt_number: str
    unit_name: str
    service_name: str
    received_on: datetime.date
    due_date: datetime.date
    status: str
    status_label: str
    finished_on: datetime.date | None
    is_late: bool


def public_berkas_status(*, token: str) -> PublicBerkasStatus:
    """What a citizen holding the receipt may see; Berkas.DoesNotExist for an unknown token."""
    berkas = (
        Berkas.objects.select_related("unit", "service")
        .only(
            "receipt_number",
            "received_at",
            "due_date",
            "status",
            "finished_at",
            "unit__name",
            "unit__timezone",
            "service__name",
        )
        .get(public_token=token)
    )
    tz = ZoneInfo(berkas.unit.timezone)
    return PublicBerkasStatus(
        receipt_number=berkas.receipt_number,
        unit_name=berkas.unit.name,
        service_name=berkas.service.name,
        received_on=berkas.received_at.astimezone(tz).date(),
        due_date=berkas.due_date,
        status=berkas.status,
        status_label=str(Status(berkas.status).label),
        finished_on=berkas.finished_at.astimezone(tz).date() if berkas.finished_at else None,
        is_late=is_late(berkas),
    )
