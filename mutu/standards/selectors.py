"""Reads of services and standards for the catalogue, staff pages and the API."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from mutu.organisations.selectors import units_visible_to
from mutu.standards.models import (
    Maklumat,
    ProcedureStep,
    RequirementItem,
    Service,
    StandardVersion,
)

Status = StandardVersion.Status


def current_version(*, versions: list[StandardVersion], today: datetime.date) -> StandardVersion | None:
    """The published version in force on ``today``: the latest effective date not after it."""
    in_force = [v for v in versions if v.status == Status.PUBLISHED and v.effective_date <= today]
    return max(in_force, key=lambda v: (v.effective_date, v.number), default=None)


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=StandardVersion.objects.order_by("-number").prefetch_related(
            Prefetch("requirements", queryset=RequirementItem.objects.order_by("position")),
            Prefetch("procedure_steps", queryset=ProcedureStep.objects.order_by("position")),
        ),
        to_attr="all_versions",
    )


def services_visible_to(*, user) -> QuerySet[Service]:
    return Service.objects.filter(unit__in=units_visible_to(user=user))


def public_services(*, today: datetime.date, query: str = "", unit=None) -> list[Service]:
    """Active services with a version in force, each annotated with ``.current``."""
    published = StandardVersion.objects.filter(
        service=OuterRef("pk"), status=Status.PUBLISHED, effective_date__lte=today
    )
    qs = (
        Service.objects.filter(is_active=True, unit__is_active=True)
        .filter(Exists(published))
        .select_related("unit", "unit__instansi", "category")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=StandardVersion.objects.filter(status=Status.PUBLISHED, effective_date__lte=today),
                to_attr="published_versions",
            )
        )
        .order_by("unit__name", "category__position", "category__name", "name")
    )
    if unit is not None:
        qs = qs.filter(unit=unit)
    if query:
        for word in query.split()[:8]:
            qs = qs.filter(Q(name__icontains=word) | Q(summary__icontains=word) | Q(unit__short_name__icontains=word))
    services = list(qs)
    for service in services:
        service.current = current_version(versions=service.published_versions, today=today)
    return services


def public_service_detail(
    *, unit_slug: str, service_slug: str, today: datetime.date
) -> tuple[Service, StandardVersion]:
    """The service and its version in force; Service.DoesNotExist when nothing is published."""
    service = (
        Service.objects.filter(is_active=True, unit__is_active=True)
        .select_related("unit", "unit__instansi", "category")
        .prefetch_related(_versions_prefetch())
        .get(unit__slug=unit_slug, slug=service_slug)
    )
    version = current_version(versions=service.all_versions, today=today)
    if version is None:
        raise Service.DoesNotExist
    return service, version


def current_maklumat(*, unit, today: datetime.date) -> Maklumat | None:
    return unit.maklumat.filter(signed_on__lte=today).select_related("scan").order_by("-signed_on", "-id").first()


def unit_standards_overview(*, unit, today: datetime.date) -> list[Service]:
    """Every service of a unit with .current, .draft and .review_overdue for the staff list."""
    services = list(
        Service.objects.filter(unit=unit)
        .select_related("category")
        .prefetch_related(
            Prefetch("versions", queryset=StandardVersion.objects.order_by("-number"), to_attr="all_versions")
        )
        .order_by("category__position", "category__name", "name")
    )
    for service in services:
        service.current = current_version(versions=service.all_versions, today=today)
        service.draft = next((v for v in service.all_versions if v.status == Status.DRAFT), None)
        service.upcoming = [
            v for v in service.all_versions if v.status == Status.PUBLISHED and v.effective_date > today
        ]
        review = service.current.next_review_date if service.current else None
        service.review_overdue = bool(service.current and (review is None or review < today))
    return services


def service_with_versions(*, service_id: int, user) -> Service:
    return (
        services_visible_to(user=user)
        .select_related("unit", "unit__instansi", "category")
        .prefetch_related(_versions_prefetch())
        .get(pk=service_id)
    )


def version_detail(*, version_id: int, user) -> StandardVersion:
    return (
        StandardVersion.objects.filter(service__in=services_visible_to(user=user))
        .select_related("service__unit", "decree_scan", "published_by")
        .prefetch_related(
            Prefetch("requirements", queryset=RequirementItem.objects.order_by("position")),
            Prefetch("procedure_steps", queryset=ProcedureStep.objects.order_by("position")),
            "consultations__participants",
            "consultations__minutes_scan",
        )
        .get(pk=version_id)
    )


# --- Public catalogue pages and API ------------------------------------------------


def public_catalogue(*, today: datetime.date, query: str = "") -> tuple[list, list[tuple]]:
    """Active units (each with ``.service_count``) and the matching services grouped by unit.

    Returns ``(units, groups)``; ``groups`` is a list of ``(unit, services)`` in the units' order
    (by instansi, then name).
    Units are listed only when there is no query: a search shows matching services only.
    """
    from mutu.organisations.selectors import public_units

    services = public_services(today=today, query=query)
    groups: dict[int, tuple] = {}
    for service in services:
        groups.setdefault(service.unit_id, (service.unit, []))[1].append(service)
    units = []
    if not query:
        counts = {unit_id: len(items) for unit_id, (_unit, items) in groups.items()}
        units = list(public_units())
        for unit in units:
            unit.service_count = counts.get(unit.id, 0)
    ordered = sorted(groups.values(), key=lambda group: (group[0].instansi.name, group[0].name))
    return units, ordered


def public_unit_detail(*, slug: str):
    """An active unit, its instansi and active gerai at active locations (``.public_gerai``)."""
    from mutu.organisations.models import Gerai, Unit

    gerai = (
        Gerai.objects.filter(is_active=True, location__is_active=True)
        .select_related("location")
        .order_by("location__name", "name")
    )
    return (
        Unit.objects.filter(is_active=True)
        .select_related("instansi")
        .prefetch_related(Prefetch("gerai", queryset=gerai, to_attr="public_gerai"))
        .get(slug=slug)
    )


def public_unit_by_slug(*, slug: str):
    """An active unit, for pages that need its time zone before reading anything else."""
    from mutu.organisations.models import Unit

    return Unit.objects.select_related("instansi").get(slug=slug, is_active=True)


def public_location_list():
    """Active locations, Mal Pelayanan Publik first, then by name."""
    from django.db.models import Case, IntegerField, Value, When

    from mutu.organisations.models import Location
    from mutu.organisations.selectors import public_locations

    mpp_first = Case(When(kind=Location.Kind.MPP, then=Value(0)), default=Value(1), output_field=IntegerField())
    return public_locations().order_by(mpp_first, "name")


def public_location_gerai(*, location) -> list:
    """The active gerai of active units at a location (from ``location_detail``'s prefetch)."""
    return [g for g in location.gerai.all() if g.unit.is_active]
