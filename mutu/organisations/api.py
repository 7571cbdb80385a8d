"""Public, read-only API of units and locations (wired at /api/v1/ by mutu.core.api)."""

from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from mutu.organisations.schemas import LocationDetailOut, LocationOut, UnitDetailOut, UnitOut
from mutu.organisations.selectors import location_detail, public_units, upcoming_special_periods
from mutu.standards.selectors import public_location_gerai, public_location_list, public_unit_detail

router = Router(tags=["organisations"])


@router.get(
    "/units",
    response=list[UnitOut],
    url_name="units",
    operation_id="list_units",
    summary="List active service units",
)
@paginate(LimitOffsetPagination)
def list_units(request, instansi: str | None = None):
    units = public_units()
    if instansi:
        units = units.filter(instansi__slug=instansi)
    return units


@router.get(
    "/units/{slug}",
    response=UnitDetailOut,
    url_name="unit",
    operation_id="get_unit",
    summary="One service unit with its contact details and where it serves",
)
def get_unit(request, slug: str):
    try:
        return public_unit_detail(slug=slug)
    except ObjectDoesNotExist as exc:
        raise HttpError(404, _("No active unit has this address.")) from exc


@router.get(
    "/locations",
    response=list[LocationOut],
    url_name="locations",
    operation_id="list_locations",
    summary="List active service locations, Mal Pelayanan Publik first",
)
@paginate(LimitOffsetPagination)
def list_locations(request):
    return public_location_list()


@router.get(
    "/locations/{slug}",
    response=LocationDetailOut,
    url_name="location",
    operation_id="get_location",
    summary="One location with its opening hours, upcoming special periods and gerai",
)
def get_location(request, slug: str):
    try:
        location = location_detail(slug=slug)
    except ObjectDoesNotExist as exc:
        raise HttpError(404, _("No active location has this address.")) from exc
    today = timezone.localdate(timezone=ZoneInfo(location.timezone))
    location.upcoming_periods = upcoming_special_periods(location=location, today=today)
    location.public_gerai = public_location_gerai(location=location)
    return location
