"""Every change to organisations, locations, staff and the calendar.

Each function is keyword-only, runs in one transaction and writes an audit row.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.organisations.models import (
    Break,
    CalendarException,
    Counter,
    Gerai,
    Holiday,
    Instansi,
    Location,
    Membership,
    OpeningHours,
    SpecialPeriod,
    Unit,
)
from mutu.organisations.national_holidays import HOLIDAYS_SOURCE, national_holidays


def _save(obj, *, actor, action: str, unit, before: dict | None = None, message: str = ""):
    """full_clean, save and audit one object; a constraint race becomes a clear message."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ApplicationError(message or _("This conflicts with existing data.")) from exc
    record_audit(actor=actor, action=action, obj=obj, unit=unit, before=before, after=snapshot(obj))
    return obj


def _update(obj, *, actor, action: str, unit, fields: dict, message: str = ""):
    before = snapshot(obj, list(fields))
    for name, value in fields.items():
        setattr(obj, name, value)
    return _save(obj, actor=actor, action=action, unit=unit, before=before, message=message)


# --- Calendar ---------------------------------------------------------------


@transaction.atomic
def sync_national_holidays(*, instansi: Instansi, years: Iterable[int], by=None) -> int:
    """Add the national holidays of ``years`` that the instansi's table lacks.

    Rows already present (including ones an administrator corrected or cancelled)
    are left alone, so running it again changes nothing.
    """
    now = timezone.now()
    existing = set(Holiday.objects.filter(instansi=instansi).values_list("day", "kind"))
    created = 0
    for item in national_holidays(years):
        if (item.day, item.kind) in existing:
            continue
        row = Holiday.objects.create(
            instansi=instansi, day=item.day, kind=item.kind, name=item.name, source=HOLIDAYS_SOURCE, updated_at=now
        )
        record_audit(actor=by, action="holiday.import", obj=row, after=snapshot(row), now=now)
        created += 1
    return created


@transaction.atomic
def holiday_create(*, instansi: Instansi, day: datetime.date, kind: str, name: str, source: str, by) -> Holiday:
    row = Holiday(instansi=instansi, day=day, kind=kind, name=name, source=source, updated_at=timezone.now())
    return _save(
        row, actor=by, action="holiday.create", unit=None, message=_("This date already has a holiday of this kind.")
    )


@transaction.atomic
def holiday_update(*, holiday: Holiday, name: str, kind: str, is_active: bool, source: str, by) -> Holiday:
    """Correct one row after a decree: each change keeps its source (the decree number)."""
    return _update(
        holiday,
        actor=by,
        action="holiday.update",
        unit=None,
        fields={"name": name, "kind": kind, "is_active": is_active, "source": source, "updated_at": timezone.now()},
        message=_("This date already has a holiday of this kind."),
    )


@transaction.atomic
def unit_set_cuti_bersama_closed(*, unit: Unit, closed: bool, by) -> Unit:
    return _update(unit, actor=by, action="unit.cuti_bersama", unit=unit, fields={"cuti_bersama_closed": closed})


@transaction.atomic
def calendar_exception_add(*, unit: Unit, day: datetime.date, kind: str, reason: str, by) -> CalendarException:
    row = CalendarException(unit=unit, day=day, kind=kind, reason=reason)
    try:
        row.validate_constraints()
    except ValidationError as exc:
        raise ApplicationError(
            _("This date already has an exception."), field_errors={"day": [_("This date already has an exception.")]}
        ) from exc
    return _save(
        row, actor=by, action="calendar_exception.add", unit=unit, message=_("This date already has an exception.")
    )


@transaction.atomic
def calendar_exception_remove(*, exception: CalendarException, by) -> None:
    record_audit(
        actor=by, action="calendar_exception.remove", obj=exception, unit=exception.unit, before=snapshot(exception)
    )
    exception.delete()


# --- Gerai and counters -----------------------------------------------------


@transaction.atomic
def gerai_create(*, location: Location, unit: Unit, name: str, floor: str = "", by) -> Gerai:
    gerai = Gerai(location=location, unit=unit, name=name, floor=floor)
    return _save(gerai, actor=by, action="gerai.create", unit=unit)


@transaction.atomic
def gerai_update(*, gerai: Gerai, name: str, floor: str, is_active: bool, by) -> Gerai:
    return _update(
        gerai,
        actor=by,
        action="gerai.update",
        unit=gerai.unit,
        fields={"name": name, "floor": floor, "is_active": is_active},
    )


@transaction.atomic
def counter_create(
    *, gerai: Gerai, code: str, name: str, is_disability: bool = False, is_priority: bool = False, by
) -> Counter:
    counter = Counter(
        gerai=gerai, code=code.strip().upper(), name=name, is_disability=is_disability, is_priority=is_priority
    )
    return _save(counter, actor=by, action="counter.create", unit=gerai.unit)


@transaction.atomic
def counter_update(
    *, counter: Counter, code: str, name: str, is_disability: bool, is_priority: bool, is_active: bool, by
) -> Counter:
    return _update(
        counter,
        actor=by,
        action="counter.update",
        unit=counter.gerai.unit,
        fields={
            "code": code.strip().upper(),
            "name": name,
            "is_disability": is_disability,
            "is_priority": is_priority,
            "is_active": is_active,
        },
    )


# --- Staff --------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *,
    instansi: Instansi,
    unit: Unit | None,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    by,
) -> tuple[Membership, str | None]:
    """Give a person a role, creating their account if needed.

    Returns the membership and, for a new account, a one-time initial password
    that the administrator hands over (mutu sends no e-mail for this).
    """
    if (role in Membership.INSTANSI_ROLES) != (unit is None):
        raise ApplicationError(
            _("This role is given for a whole instansi, not for one unit.")
            if unit is not None
            else _("This role needs a unit."),
            field_errors={"role": [_("This role does not fit here.")]},
        )
    if unit is not None and unit.instansi_id != instansi.id:
        raise ApplicationError(_("The unit does not belong to this instansi."))
    User = get_user_model()
    username = username.strip().lower()
    initial_password = None
    user = User.objects.filter(username=username).first()
    if user is None:
        first, _sep, last = full_name.strip().partition(" ")
        initial_password = secrets.token_urlsafe(9)
        user = User(username=username, email=email.strip(), first_name=first[:150], last_name=last[:150])
        user.set_password(initial_password)
        user.full_clean()
        user.save()
    exists = Membership.objects.filter(user=user, instansi=instansi, unit=unit, role=role).exists()
    if exists:
        raise ApplicationError(
            _("This person already has this role."), field_errors={"role": [_("This person already has this role.")]}
        )
    membership = Membership(user=user, instansi=instansi, unit=unit, role=role, created_at=timezone.now())
    _save(membership, actor=by, action="membership.add", unit=unit, message=_("This person already has this role."))
    return membership, initial_password


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    if (
        by is not None
        and membership.user_id == by.id
        and membership.role
        in (
            Membership.Role.UNIT_ADMIN,
            Membership.Role.INSTANSI_ADMIN,
        )
    ):
        raise ApplicationError(_("You cannot remove your own administrator role."))
    record_audit(
        actor=by, action="membership.remove", obj=membership, unit=membership.unit, before=snapshot(membership)
    )
    membership.delete()


# --- Locations: hours, breaks, special periods ---------------------------------


@transaction.atomic
def opening_hours_set(
    *,
    location: Location,
    weekday: int,
    opens: datetime.time,
    closes: datetime.time,
    last_ticket: datetime.time,
    special_period: SpecialPeriod | None = None,
    by,
) -> OpeningHours:
    """Set one weekday's hours (regular or within a special period), replacing what was there."""
    row = OpeningHours.objects.filter(location=location, special_period=special_period, weekday=weekday).first()
    before = snapshot(row) if row else None
    row = row or OpeningHours(location=location, special_period=special_period, weekday=weekday)
    row.opens, row.closes, row.last_ticket = opens, closes, last_ticket
    errors = {}
    if opens >= closes:
        errors["closes"] = [_("Closing time must be after opening time.")]
    elif not (opens < last_ticket <= closes):
        errors["last_ticket"] = [_("The last ticket time must be within the opening hours.")]
    else:
        outside = [b for b in (row.breaks.all() if row.pk else []) if b.starts < opens or b.ends > closes]
        if outside:
            errors["opens"] = [_("A break falls outside these hours; change or remove it first.")]
    if errors:
        raise ApplicationError(_("Please correct the hours."), field_errors=errors)
    return _save(row, actor=by, action="opening_hours.set", unit=location.manager_unit, before=before)


@transaction.atomic
def opening_hours_clear(*, hours: OpeningHours, by) -> None:
    """Mark the weekday closed by removing its row (and its breaks)."""
    record_audit(
        actor=by, action="opening_hours.clear", obj=hours, unit=hours.location.manager_unit, before=snapshot(hours)
    )
    hours.delete()


@transaction.atomic
def break_add(*, hours: OpeningHours, label: str, starts: datetime.time, ends: datetime.time, by) -> Break:
    errors = {}
    if starts >= ends:
        errors["ends"] = [_("The break must end after it starts.")]
    elif starts < hours.opens or ends > hours.closes:
        errors["starts"] = [_("The break must fall within the opening hours.")]
    elif any(b.starts < ends and starts < b.ends for b in hours.breaks.all()):
        errors["starts"] = [_("The break overlaps another break.")]
    if errors:
        raise ApplicationError(_("Please correct the break."), field_errors=errors)
    row = Break(hours=hours, label=label, starts=starts, ends=ends)
    return _save(row, actor=by, action="break.add", unit=hours.location.manager_unit)


@transaction.atomic
def break_remove(*, brk: Break, by) -> None:
    record_audit(actor=by, action="break.remove", obj=brk, unit=brk.hours.location.manager_unit, before=snapshot(brk))
    brk.delete()


@transaction.atomic
def special_period_create(
    *, location: Location, name: str, kind: str, starts_on: datetime.date, ends_on: datetime.date, by
) -> SpecialPeriod:
    if starts_on > ends_on:
        raise ApplicationError(
            _("The last day must not be before the first day."),
            field_errors={"ends_on": [_("The last day must not be before the first day.")]},
        )
    overlapping = location.special_periods.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        raise ApplicationError(
            _("These dates overlap another special period."),
            field_errors={"starts_on": [_("These dates overlap another special period.")]},
        )
    row = SpecialPeriod(location=location, name=name, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return _save(row, actor=by, action="special_period.create", unit=location.manager_unit)


@transaction.atomic
def special_period_delete(*, period: SpecialPeriod, by) -> None:
    record_audit(
        actor=by, action="special_period.delete", obj=period, unit=period.location.manager_unit, before=snapshot(period)
    )
    period.delete()
