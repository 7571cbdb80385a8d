"""Reads behind Open311 GeoReport v2: published services, and public (never rahasia) requests.

``service_request_id`` is the complaint's number, not its tracking code: the tracking code opens
the citizen's own page (add information, reply, rate), so it must never be listed publicly.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from mutu.complaints.models import OPEN_STATUSES, Complaint, Deadline, Stage
from mutu.complaints.open311 import iso
from mutu.organisations.models import Instansi
from mutu.standards.models import Service, StandardVersion

MAX_RESULTS = 1000
MAX_SPAN = datetime.timedelta(days=90)
# Which open deadline a request is expected by, in order of preference.
EXPECTED_STAGES = (Stage.COMPLETION, Stage.INFORMATION, Stage.FIRST_RESPONSE, Stage.VERIFY)


def jurisdiction(slug: str) -> Instansi | None:
    return Instansi.objects.filter(slug=slug).first()


def service_code(service: Service) -> str:
    return f"{service.unit.slug}.{service.slug}"


def published_services(*, today: datetime.date, instansi: Instansi | None = None) -> QuerySet[Service]:
    in_force = StandardVersion.objects.filter(
        service=OuterRef("pk"), status=StandardVersion.Status.PUBLISHED, effective_date__lte=today
    )
    qs = (
        Service.objects.filter(is_active=True, unit__is_active=True)
        .filter(Exists(in_force))
        .select_related("unit", "unit__instansi", "category")
        .order_by("unit__name", "name")
    )
    if instansi is not None:
        qs = qs.filter(unit__instansi=instansi)
    return qs


def service_by_code(*, code: str, today: datetime.date, instansi: Instansi | None = None) -> Service | None:
    unit_slug, _sep, service_slug = (code or "").partition(".")
    if not unit_slug or not service_slug:
        return None
    return published_services(today=today, instansi=instansi).filter(unit__slug=unit_slug, slug=service_slug).first()


def service_record(service: Service) -> dict:
    keywords = [service.unit.short_name]
    if service.category is not None:
        keywords.append(service.category.name)
    if service.national_system:
        keywords.append(service.national_system)
    return {
        "service_code": service_code(service),
        "service_name": service.name,
        "description": service.summary,
        "metadata": False,
        "type": "batch",
        "keywords": ", ".join(keywords),
        "group": service.unit.name,
    }


def public_requests(*, instansi: Instansi | None = None) -> QuerySet[Complaint]:
    """Every complaint the public may see through Open311: never a rahasia one."""
    qs = (
        Complaint.objects.filter(is_confidential=False)
        .select_related("instansi", "unit", "service", "service__unit")
        .prefetch_related(
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True),
                to_attr="open_deadlines",
            ),
        )
        .order_by("-submitted_at", "-id")
    )
    if instansi is not None:
        qs = qs.filter(instansi=instansi)
    return qs


def filter_requests(
    qs: QuerySet[Complaint],
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    statuses: list[str] | None = None,
) -> list[Complaint]:
    if ids is not None:  # the spec: service_request_id overrides every other filter
        return list(qs.filter(pk__in=ids)[:MAX_RESULTS])
    if service_codes:
        match = Q(pk__in=[])
        for code in service_codes:
            unit_slug, _sep, service_slug = code.partition(".")
            match |= Q(service__unit__slug=unit_slug, service__slug=service_slug)
        qs = qs.filter(match)
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lte=end)
    if statuses and set(statuses) != {"open", "closed"}:
        qs = qs.filter(status__in=OPEN_STATUSES) if "open" in statuses else qs.exclude(status__in=OPEN_STATUSES)
    return list(qs[:MAX_RESULTS])


def request_record(complaint: Complaint) -> dict:
    zone = ZoneInfo(complaint.instansi.timezone)
    expected = None
    open_deadlines = {d.stage: d for d in getattr(complaint, "open_deadlines", [])}
    for stage in EXPECTED_STAGES:
        if stage in open_deadlines:
            expected = open_deadlines[stage].due_at
            break
    notes = str(complaint.get_status_display())
    if complaint.decision_reason:
        notes = f"{notes}: {complaint.decision_reason}"
    service = complaint.service
    return {
        "service_request_id": str(complaint.pk),
        "status": "open" if complaint.is_open else "closed",
        "status_notes": notes,
        "service_name": service.name if service else "",
        "service_code": service_code(service) if service else "",
        "description": complaint.description,
        "agency_responsible": complaint.unit.name if complaint.unit else complaint.instansi.name,
        "service_notice": "",
        "requested_datetime": iso(complaint.submitted_at, zone),
        "updated_datetime": iso(complaint.status_changed_at, zone),
        "expected_datetime": iso(expected, zone),
        "address": complaint.address,
        "address_id": complaint.address_id,
        "zipcode": "",
        "lat": None if complaint.latitude is None else float(complaint.latitude),
        "long": None if complaint.longitude is None else float(complaint.longitude),
        "media_url": complaint.media_url,
    }
