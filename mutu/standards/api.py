"""Public, read-only API of services and their published standards (wired at /api/v1/)."""

from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from mutu.standards.schemas import ServiceDetailOut, ServiceOut
from mutu.standards.selectors import public_service_detail, public_services, public_unit_by_slug

router = Router(tags=["standards"])


@router.get(
    "/services",
    response=list[ServiceOut],
    url_name="services",
    operation_id="list_services",
    summary="List services with a published standard in force",
)
@paginate(LimitOffsetPagination)
def list_services(request, unit: str | None = None, q: str = ""):
    query = " ".join(q.split())[:100]
    if unit:
        try:
            unit_obj = public_unit_by_slug(slug=unit)
        except ObjectDoesNotExist:
            return []
        today = timezone.localdate(timezone=ZoneInfo(unit_obj.timezone))
        return public_services(today=today, query=query, unit=unit_obj)
    return public_services(today=timezone.localdate(), query=query)


@router.get(
    "/services/{unit_slug}/{service_slug}",
    response=ServiceDetailOut,
    url_name="service",
    operation_id="get_service",
    summary="One service with the standard in force today",
)
def get_service(request, unit_slug: str, service_slug: str):
    try:
        unit = public_unit_by_slug(slug=unit_slug)
        today = timezone.localdate(timezone=ZoneInfo(unit.timezone))
        service, version = public_service_detail(unit_slug=unit_slug, service_slug=service_slug, today=today)
    except ObjectDoesNotExist as exc:
        raise HttpError(404, _("No service with a standard in force has this address.")) from exc
    service.standard = version
    return service
