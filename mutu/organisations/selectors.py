"""Reads of organisations, and the visibility rules every other app builds on.

Rule of thumb: a person sees the units they hold a role in; an instansi-wide
role (admin, complaint verifier, evaluator) sees every unit of that instansi;
an MPP manager also sees every gerai of the locations their unit runs.
Anything outside that is answered with 404, never 403, so that ids of other
units' objects leak nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from mutu.organisations.calculations import WorkingCalendar
from mutu.organisations.models import (
    Break,
    CalendarException,
    Counter,
    Gerai,
    Holiday,
    Location,
    Membership,
    OpeningHours,
    Unit,
)

Role = Membership.Role
MANAGE_ROLES = (Role.UNIT_ADMIN, Role.UNIT_HEAD)


def memberships_of(user) -> list[Membership]:
    """The user's memberships, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_mutu_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit", "instansi"))
        user._mutu_memberships = cached
    return cached


def is_staff_member(user) -> bool:
    return getattr(user, "is_superuser", False) or bool(memberships_of(user))


def _instansi_ids(user, roles: Iterable[str]) -> set[int]:
    roles = set(roles)
    return {m.instansi_id for m in memberships_of(user) if m.unit_id is None and m.role in roles}


def _unit_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    return {
        m.unit_id for m in memberships_of(user) if m.unit_id is not None and (roles is None or m.role in set(roles))
    }


def units_visible_to(*, user) -> QuerySet[Unit]:
    if getattr(user, "is_superuser", False):
        return Unit.objects.all()
    instansi_ids = _instansi_ids(user, Membership.INSTANSI_ROLES)
    unit_ids = _unit_ids(user)
    if not instansi_ids and not unit_ids:
        return Unit.objects.none()
    return Unit.objects.filter(Q(instansi_id__in=instansi_ids) | Q(id__in=unit_ids))


def units_managed_by(*, user) -> QuerySet[Unit]:
    """Units whose gerai, counters, staff, calendar and standards this user may change."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.all()
    instansi_ids = _instansi_ids(user, [Role.INSTANSI_ADMIN])
    unit_ids = _unit_ids(user, MANAGE_ROLES)
    if not instansi_ids and not unit_ids:
        return Unit.objects.none()
    return Unit.objects.filter(Q(instansi_id__in=instansi_ids) | Q(id__in=unit_ids))


def can_manage_unit(*, user, unit: Unit) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return unit.instansi_id in _instansi_ids(user, [Role.INSTANSI_ADMIN]) or unit.id in _unit_ids(user, MANAGE_ROLES)


def locations_managed_by(*, user) -> QuerySet[Location]:
    """Locations whose hours, periods and gerai this user may change.

    An MPP manager manages the MPP their unit runs; a unit admin manages the unit's
    own office; an instansi admin manages every location its units run.
    """
    if getattr(user, "is_superuser", False):
        return Location.objects.all()
    instansi_ids = _instansi_ids(user, [Role.INSTANSI_ADMIN])
    mpp_units = _unit_ids(user, [Role.MPP_MANAGER])
    office_units = _unit_ids(user, MANAGE_ROLES)
    condition = (
        Q(manager_unit__instansi_id__in=instansi_ids)
        | Q(manager_unit_id__in=mpp_units)
        | Q(manager_unit_id__in=office_units, kind=Location.Kind.OFFICE)
    )
    return Location.objects.filter(condition)


def locations_visible_to(*, user) -> QuerySet[Location]:
    managed = locations_managed_by(user=user).values("id")
    with_gerai = Gerai.objects.filter(unit__in=units_visible_to(user=user)).values("location_id")
    return Location.objects.filter(Q(id__in=managed) | Q(id__in=with_gerai)).distinct()


def gerai_visible_to(*, user) -> QuerySet[Gerai]:
    """A tenant sees its own gerai; the MPP manager sees every gerai of the MPP."""
    return Gerai.objects.filter(
        Q(unit__in=units_visible_to(user=user)) | Q(location__in=locations_managed_by(user=user))
    )


def gerai_managed_by(*, user) -> QuerySet[Gerai]:
    return Gerai.objects.filter(
        Q(unit__in=units_managed_by(user=user)) | Q(location__in=locations_managed_by(user=user))
    )


def counters_managed_by(*, user) -> QuerySet[Counter]:
    """Counters belong to the unit that staffs them; an MPP manager runs the building, not them."""
    return Counter.objects.filter(gerai__unit__in=units_managed_by(user=user))


def has_unit_role(*, user, unit: Unit, roles: Iterable[str]) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return unit.id in _unit_ids(user, roles)


# --- Public catalogue -------------------------------------------------------


def public_units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).select_related("instansi").order_by("instansi__name", "name")


def public_locations() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).select_related("manager_unit")


def hours_prefetch(queryset: QuerySet[OpeningHours] | None = None) -> Prefetch:
    qs = queryset if queryset is not None else OpeningHours.objects.all()
    return Prefetch(
        "opening_hours",
        queryset=qs.filter(special_period__isnull=True).prefetch_related(
            Prefetch("breaks", queryset=Break.objects.order_by("starts"))
        ),
        to_attr="regular_hours",
    )


def location_detail(*, slug: str) -> Location:
    return (
        Location.objects.select_related("manager_unit")
        .prefetch_related(
            hours_prefetch(),
            Prefetch(
                "gerai",
                queryset=Gerai.objects.filter(is_active=True)
                .select_related("unit")
                .prefetch_related(Prefetch("counters", queryset=Counter.objects.filter(is_active=True))),
            ),
            "special_periods__opening_hours__breaks",
        )
        .get(slug=slug, is_active=True)
    )


def upcoming_special_periods(*, location: Location, today: datetime.date):
    return [p for p in location.special_periods.all() if p.ends_on >= today]


# --- Calendar ---------------------------------------------------------------


def working_calendar_for_unit(*, unit: Unit) -> WorkingCalendar:
    """The unit's working calendar as data for the pure functions in calculations.py."""
    holidays = Holiday.objects.filter(instansi_id=unit.instansi_id, is_active=True).values_list("day", "kind")
    public = frozenset(d for d, k in holidays if k == Holiday.Kind.PUBLIC)
    cuti = frozenset(d for d, k in holidays if k == Holiday.Kind.CUTI_BERSAMA)
    exceptions = list(CalendarException.objects.filter(unit=unit).values_list("day", "kind"))
    return WorkingCalendar(
        holidays=public,
        cuti_bersama=cuti,
        cuti_bersama_closed=unit.cuti_bersama_closed,
        closed_days=frozenset(d for d, k in exceptions if k == CalendarException.Kind.CLOSED),
        extra_working_days=frozenset(d for d, k in exceptions if k == CalendarException.Kind.WORKING),
    )


def holidays_for_year(*, instansi_id: int, year: int) -> QuerySet[Holiday]:
    return Holiday.objects.filter(instansi_id=instansi_id, day__year=year).order_by("day", "kind")


def staff_of_unit(*, unit: Unit) -> QuerySet[Membership]:
    return Membership.objects.filter(unit=unit).select_related("user").order_by("user__username", "role")
