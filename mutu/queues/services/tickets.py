"""Issuing queue tickets at the kiosk, registering kiosk tablets, and setting up queue lines.

Every function is keyword-only, runs in one transaction and writes an audit row.

Ticket numbers restart every day (in the location's time zone) per location and prefix,
and are never duplicated: the number is claimed with ``UPDATE … SET last_number =
last_number + 1`` on the day's ``TicketSequence`` row inside the issuing transaction.
SQLite takes its write lock when that transaction begins (``BEGIN IMMEDIATE``) and
PostgreSQL locks the sequence row at the UPDATE until commit, so concurrent kiosks queue
behind each other; the unique constraint on ``Ticket`` is the backstop.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Counter, Gerai, Location, Membership
from mutu.queues import calculations as calc
from mutu.queues.models import (
    CounterAssignment,
    Kiosk,
    PriorityGroup,
    PriorityVoucher,
    QueueLine,
    Ticket,
    TicketEvent,
    TicketSequence,
)
from mutu.queues.selectors.schedule import location_schedule
from mutu.queues.selectors.tickets import hash_kiosk_secret
from mutu.standards.models import Service, StandardVersion
from mutu.standards.selectors import current_version

PREFIX_RE = re.compile(r"^[A-Z]{1,3}$")
# A citizen may declare one of these at the kiosk; "voucher" comes only with a valid code.
DECLARABLE_GROUPS = tuple(value for value, _label in PriorityGroup.choices if value != PriorityGroup.VOUCHER)
TICKET_AUDIT_FIELDS = ["location", "line", "service", "standard_version", "prefix", "number", "day", "priority_group"]


def _hhmm(value: dt.time) -> str:
    # Indonesian writes times with a dot: 15.00.
    return f"{value:%H.%M}"


def issue_refusal(*, schedule: calc.LocationSchedule, now: dt.datetime, location: Location) -> str | None:
    """Why no ticket can be issued at ``now`` (closed day, before opening, after the last ticket), or None."""
    if calc.can_issue_ticket(schedule, now):
        return None
    local = now.astimezone(schedule.tz)
    hours = calc.hours_on(schedule, local.date())
    if hours is None:
        return _("%(location)s is closed today: no queue tickets are issued.") % {"location": location.name}
    if local.time() < hours.opens:
        return _("Tickets for today are issued from %(time)s.") % {"time": _hhmm(hours.opens)}
    return _("Tickets for today are no longer issued after %(time)s.") % {"time": _hhmm(hours.last_ticket)}


def _voucher_error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"voucher_code": [message]})


def _find_voucher(*, code: str, line: QueueLine, today: dt.date) -> PriorityVoucher:
    code = "".join(code.split())
    unit = line.gerai.unit
    matches = list(PriorityVoucher.objects.filter(unit=unit, code__iexact=code)[:2])
    voucher = next((v for v in matches if v.code == code), matches[0] if len(matches) == 1 else None)
    if voucher is None:
        raise _voucher_error(_("There is no priority voucher with this code for %(unit)s.") % {"unit": unit.name})
    if voucher.used_at is not None:
        raise _voucher_error(_("This priority voucher has already been used."))
    if voucher.valid_until < today:
        raise _voucher_error(
            _("This priority voucher expired on %(date)s.") % {"date": voucher.valid_until.strftime("%d-%m-%Y")}
        )
    return voucher


def next_ticket_number(*, location: Location, prefix: str, day: dt.date) -> int:
    """Claim the next number of the day; call inside the issuing transaction."""
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator's row wins, we re-read it
            seq, _created = TicketSequence.objects.get_or_create(location=location, prefix=prefix, day=day)
    except IntegrityError:
        seq = TicketSequence.objects.get(location=location, prefix=prefix, day=day)
    TicketSequence.objects.filter(pk=seq.pk).update(last_number=F("last_number") + 1)
    return TicketSequence.objects.values_list("last_number", flat=True).get(pk=seq.pk)


def issue_ticket(
    *,
    line: QueueLine,
    priority_group: str = "",
    voucher_code: str = "",
    kiosk: Kiosk | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Issue the next ticket of ``line``: checks, claims a voucher and a number, records the event."""
    now = now or timezone.now()
    line = QueueLine.objects.select_related("gerai__location__manager_unit", "gerai__unit", "service").get(pk=line.pk)
    gerai, service = line.gerai, line.service
    location, unit = gerai.location, gerai.unit
    tz = ZoneInfo(location.timezone)
    today = now.astimezone(tz).date()

    if not (line.is_active and gerai.is_active and location.is_active and unit.is_active and service.is_active):
        raise ApplicationError(_("This service is not taking queue tickets at the moment."))
    version = current_version(
        versions=list(StandardVersion.objects.filter(service=service, status=StandardVersion.Status.PUBLISHED)),
        today=today,
    )
    if version is None:
        raise ApplicationError(
            _("%(service)s has no published service standard in force, so no queue tickets are issued for it.")
            % {"service": service.name}
        )
    refusal = issue_refusal(schedule=location_schedule(location=location), now=now, location=location)
    if refusal:
        raise ApplicationError(refusal)
    if priority_group not in DECLARABLE_GROUPS:
        message = _("Choose one of the priority groups offered.")
        raise ApplicationError(message, field_errors={"priority_group": [message]})
    if kiosk is not None and (kiosk.location_id != location.id or not kiosk.is_active):
        raise ApplicationError(_("This kiosk is not registered at %(location)s.") % {"location": location.name})
    voucher = _find_voucher(code=voucher_code, line=line, today=today) if voucher_code.strip() else None

    with transaction.atomic():
        if voucher is not None:
            claimed = PriorityVoucher.objects.filter(pk=voucher.pk, used_at__isnull=True).update(used_at=now)
            if claimed != 1:
                raise _voucher_error(_("This priority voucher has already been used."))
            priority_group = PriorityGroup.VOUCHER
        number = next_ticket_number(location=location, prefix=line.prefix, day=today)
        ticket = Ticket.objects.create(
            location=location,
            line=line,
            service=service,
            standard_version=version,
            prefix=line.prefix,
            number=number,
            day=today,
            priority_group=priority_group,
            voucher=voucher,
            kiosk=kiosk,
            issued_at=now,
        )
        TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.ISSUED, at=now)
        record_audit(
            actor=None,
            action="ticket.issue",
            obj=ticket,
            unit=unit,
            after={
                **snapshot(ticket, TICKET_AUDIT_FIELDS),
                "voucher_id": ticket.voucher_id,
                "kiosk_id": kiosk and kiosk.pk,
            },
            now=now,
        )
        if kiosk is not None:
            Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=now)
    return ticket


# --- Kiosk tablets ------------------------------------------------------------------------


@transaction.atomic
def register_kiosk(*, location: Location, name: str, by) -> tuple[Kiosk, str]:
    """Register a tablet at ``location``; returns the kiosk and its secret, shown only this once."""
    name = " ".join(name.split())
    if not name:
        message = _("Give the kiosk a name, e.g. the place where it stands.")
        raise ApplicationError(message, field_errors={"name": [message]})
    secret = secrets.token_urlsafe(32)
    kiosk = Kiosk.objects.create(
        location=location,
        name=name[:80],
        secret_hash=hash_kiosk_secret(secret),
        registered_at=timezone.now(),
        registered_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record_audit(
        actor=by,
        action="kiosk.register",
        obj=kiosk,
        unit=location.manager_unit,
        after=snapshot(kiosk, ["location", "name", "is_active"]),
    )
    return kiosk, secret


@transaction.atomic
def deactivate_kiosk(*, kiosk: Kiosk, by) -> Kiosk:
    """Switch a kiosk off (a lost or replaced tablet); its link stops working, its history stays."""
    if Kiosk.objects.filter(pk=kiosk.pk, is_active=True).update(is_active=False) == 1:
        record_audit(
            actor=by,
            action="kiosk.deactivate",
            obj=kiosk,
            unit=kiosk.location.manager_unit,
            before={"is_active": True},
            after={"is_active": False},
        )
    kiosk.refresh_from_db()
    return kiosk


# --- Queue lines and counter officers ---------------------------------------------------


def _check_line(*, gerai: Gerai, service: Service, prefix: str, counters) -> tuple[str, list[Counter]]:
    prefix = (prefix or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if not PREFIX_RE.match(prefix):
        errors["prefix"] = [_("Use one to three letters A–Z, e.g. A or PBG.")]
    if service.unit_id != gerai.unit_id:
        errors["service"] = [_("Choose a service of %(unit)s.") % {"unit": gerai.unit.name}]
    counters = list(counters)
    if any(c.gerai_id != gerai.id for c in counters):
        errors["counters"] = [_("Choose counters of this gerai only.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, field_errors=errors)
    return prefix, counters


def _save_line(line: QueueLine) -> None:
    try:
        line.validate_constraints()
    except ValidationError as exc:
        message = _("This gerai already has a queue for this service.")
        raise ApplicationError(message, field_errors={"service": [message]}) from exc
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:
        raise ApplicationError(_("This gerai already has a queue for this service.")) from exc


LINE_FIELDS = ["gerai", "service", "prefix", "position", "is_active"]


def _line_snapshot(line: QueueLine) -> dict:
    return {**snapshot(line, LINE_FIELDS), "counters": sorted(line.counters.values_list("id", flat=True))}


@transaction.atomic
def queue_line_create(*, gerai: Gerai, service: Service, prefix: str, counters=(), position: int = 0, by) -> QueueLine:
    prefix, counters = _check_line(gerai=gerai, service=service, prefix=prefix, counters=counters)
    line = QueueLine(gerai=gerai, service=service, prefix=prefix, position=position)
    _save_line(line)
    line.counters.set(counters)
    record_audit(actor=by, action="queue_line.create", obj=line, unit=gerai.unit, after=_line_snapshot(line))
    return line


@transaction.atomic
def queue_line_update(
    *, line: QueueLine, service: Service, prefix: str, counters=(), position: int = 0, is_active: bool = True, by
) -> QueueLine:
    line = QueueLine.objects.select_for_update().select_related("gerai__unit").get(pk=line.pk)
    before = _line_snapshot(line)
    prefix, counters = _check_line(gerai=line.gerai, service=service, prefix=prefix, counters=counters)
    line.service, line.prefix, line.position, line.is_active = service, prefix, position, is_active
    _save_line(line)
    line.counters.set(counters)
    record_audit(
        actor=by, action="queue_line.update", obj=line, unit=line.gerai.unit, before=before, after=_line_snapshot(line)
    )
    return line


@transaction.atomic
def counter_assignment_add(*, counter: Counter, officer, by) -> CounterAssignment:
    """Let ``officer`` call tickets from ``counter``; they must hold a role in the counter's unit."""
    unit = counter.gerai.unit
    if not Membership.objects.filter(user=officer, unit=unit).exists():
        message = _("%(name)s holds no role in %(unit)s.") % {"name": officer.get_username(), "unit": unit.name}
        raise ApplicationError(message, field_errors={"officer": [message]})
    if CounterAssignment.objects.filter(counter=counter, officer=officer).exists():
        message = _("%(name)s is already assigned to this counter.") % {"name": officer.get_username()}
        raise ApplicationError(message, field_errors={"officer": [message]})
    try:
        with transaction.atomic():
            assignment = CounterAssignment.objects.create(counter=counter, officer=officer, created_at=timezone.now())
    except IntegrityError as exc:
        raise ApplicationError(
            _("%(name)s is already assigned to this counter.") % {"name": officer.get_username()}
        ) from exc
    record_audit(
        actor=by,
        action="counter_assignment.add",
        obj=assignment,
        unit=unit,
        after={"counter_id": counter.pk, "officer_id": officer.pk},
    )
    return assignment


@transaction.atomic
def counter_assignment_remove(*, assignment: CounterAssignment, by) -> None:
    counter = assignment.counter
    record_audit(
        actor=by,
        action="counter_assignment.remove",
        obj=assignment,
        unit=counter.gerai.unit,
        before={"counter_id": counter.pk, "officer_id": assignment.officer_id},
    )
    assignment.delete()
