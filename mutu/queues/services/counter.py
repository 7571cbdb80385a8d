"""What a counter officer does with tickets: call, recall, no-show, serve, transfer, inform.

Every function is keyword-only, runs in one transaction, writes an audit row and takes
``now`` (an aware instant from Python, never the database clock). Each change of state is a
conditional ``UPDATE … WHERE status = <expected>``: when it touches no row the ticket changed
meanwhile, an ``ApplicationError`` is raised and the transaction rolls back, so an error never
leaves a half-done change.

Who may act: the officer must be assigned to the counter (``CounterAssignment``) and still
hold a role in the counter's unit. ``give_information`` needs an officer role (counter
officer, unit admin or head) in the unit of the line; a location-wide announcement reaches
every waiting ticket of the location only for the MPP manager or the admin/head of the unit
that runs the location, and only the officer's own units' tickets for anyone else
(``selectors.console.announcing_units``).

The calling order is ``selectors.console.waiting_for_counter`` (priority first, then first
come, first served), the one rule for every counter.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Counter, Location, Membership
from mutu.queues.models import Announcement, CounterAssignment, QueueLine, Ticket, TicketEvent, new_public_token
from mutu.queues.selectors.console import (
    OFFICER_ROLES,
    announcing_units,
    local_today,
    waiting_for_counter,
)
from mutu.queues.services import notices
from mutu.queues.services.tickets import next_ticket_number
from mutu.standards.models import StandardVersion
from mutu.standards.selectors import current_version

Status = Ticket.Status
Kind = TicketEvent.Kind

# How many candidates call_next tries when other counters claim them first.
CLAIM_ATTEMPTS = 20


# --- Checks ------------------------------------------------------------------------------


def _require_assignment(*, counter: Counter | None, officer, lock: bool = False) -> None:
    if counter is None or officer is None or not getattr(officer, "is_authenticated", False):
        raise ApplicationError(_("You are not assigned to this counter."))
    qs = CounterAssignment.objects.filter(counter=counter, officer=officer)
    if lock:
        # Serialises two clicks of the same officer (PostgreSQL; SQLite's BEGIN IMMEDIATE already does).
        qs = qs.select_for_update()
    assigned = qs.values_list("pk", flat=True).first() is not None
    if not assigned or not Membership.objects.filter(user=officer, unit_id=counter.gerai.unit_id).exists():
        raise ApplicationError(_("You are not assigned to this counter."))


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("line__gerai__unit", "counter__gerai", "location").get(pk=ticket.pk)


def _closed_error(ticket: Ticket) -> ApplicationError:
    return ApplicationError(
        _("Ticket %(code)s is already closed (%(status)s).")
        % {"code": ticket.code, "status": ticket.get_status_display()}
    )


def _changed_error(ticket: Ticket) -> ApplicationError:
    return ApplicationError(
        _("Ticket %(code)s was changed at the same moment by someone else; look at the console again.")
        % {"code": ticket.code}
    )


def _event(ticket: Ticket, kind: str, *, now, officer=None, counter=None, note: str = "") -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, at=now, officer=officer, counter=counter, note=note[:200]
    )


def _audit(*, officer, action: str, ticket: Ticket, before: dict, after: dict, now) -> None:
    record_audit(
        actor=officer, action=action, obj=ticket, unit=ticket.line.gerai.unit, before=before, after=after, now=now
    )


# --- Calling -----------------------------------------------------------------------------


@transaction.atomic
def call_next(*, counter: Counter, officer, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next ticket this counter may serve; None when nobody is waiting.

    The candidate is claimed with ``UPDATE … WHERE status = 'waiting'``; when another counter
    claimed it first (0 rows) the next candidate is tried.
    """
    now = now or timezone.now()
    counter = Counter.objects.select_related("gerai__location", "gerai__unit").get(pk=counter.pk)
    _require_assignment(counter=counter, officer=officer, lock=True)
    if not (counter.is_active and counter.gerai.is_active):
        raise ApplicationError(_("This counter is not active."))
    day = local_today(counter.gerai.location, now)
    open_here = Ticket.objects.filter(counter=counter, officer=officer, status__in=[Status.CALLED, Status.SERVING])
    busy = open_here.order_by("called_at").first()
    if busy is not None:
        raise ApplicationError(
            _("You are still handling %(code)s at this counter: finish it or mark it as not present first.")
            % {"code": busy.code}
        )
    if not counter.queue_lines.filter(is_active=True).exists():
        raise ApplicationError(_("No service is assigned to this counter yet."))

    candidates = waiting_for_counter(counter=counter, day=day)
    tried: list[int] = []
    for _attempt in range(CLAIM_ATTEMPTS):
        pk = candidates.exclude(pk__in=tried).values_list("pk", flat=True).first()
        if pk is None:
            return None
        claimed = (
            Ticket.objects.filter(pk=pk, status=Status.WAITING)
            .filter(Q(counter__isnull=True) | Q(counter=counter))
            .update(
                status=Status.CALLED,
                counter=counter,
                officer=officer,
                called_at=now,
                call_count=F("call_count") + 1,
            )
        )
        if claimed == 1:
            ticket = _fresh(Ticket(pk=pk))
            _event(ticket, Kind.CALLED, now=now, officer=officer, counter=counter)
            _audit(
                officer=officer,
                action="ticket.call",
                ticket=ticket,
                before={"status": Status.WAITING},
                after={"status": Status.CALLED, "counter_id": counter.pk, "officer_id": officer.pk},
                now=now,
            )
            # WhatsApp notices (called, and near the front for the line) in this transaction.
            notices.after_call(ticket=ticket, now=now)
            return ticket
        tried.append(pk)
    raise ApplicationError(_("Other counters are calling at the same moment; press the button again."))


def _transition(
    *,
    ticket: Ticket,
    officer,
    now: dt.datetime,
    allowed_from: tuple[str, ...],
    updates: dict,
    kind: str,
    action: str,
    wrong_state: dict[str, str],
) -> Ticket:
    """Move a ticket at a counter from one of ``allowed_from`` with one conditional UPDATE."""
    ticket = _fresh(ticket)
    if ticket.status not in allowed_from:
        message = wrong_state.get(ticket.status)
        raise ApplicationError(message) if message else _closed_error(ticket)
    _require_assignment(counter=ticket.counter, officer=officer)
    before = {"status": ticket.status}
    changed = Ticket.objects.filter(pk=ticket.pk, status=ticket.status, counter=ticket.counter).update(**updates)
    if changed != 1:
        raise _changed_error(ticket)
    ticket = _fresh(ticket)
    _event(ticket, kind, now=now, officer=officer, counter=ticket.counter)
    _audit(
        officer=officer,
        action=action,
        ticket=ticket,
        before=before,
        after={"status": ticket.status, "call_count": ticket.call_count},
        now=now,
    )
    return ticket


@transaction.atomic
def recall(*, ticket: Ticket, officer, now: dt.datetime | None = None) -> Ticket:
    """Call a called ticket again (the board repeats it); ``call_count`` goes up by one."""
    now = now or timezone.now()
    ticket = _transition(
        ticket=ticket,
        officer=officer,
        now=now,
        allowed_from=(Status.CALLED,),
        updates={"call_count": F("call_count") + 1},
        kind=Kind.RECALLED,
        action="ticket.recall",
        wrong_state={
            Status.WAITING: _("This ticket has not been called yet, so it cannot be called again."),
            Status.SERVING: _("This ticket is already being served."),
        },
    )
    # The "called" notice goes once per ticket: a recall sends it only if the call could not.
    notices.after_call(ticket=ticket, now=now)
    return ticket


@transaction.atomic
def mark_no_show(*, ticket: Ticket, officer, now: dt.datetime | None = None) -> Ticket:
    """The citizen did not come after being called: the ticket closes as "did not come"."""
    now = now or timezone.now()
    return _transition(
        ticket=ticket,
        officer=officer,
        now=now,
        allowed_from=(Status.CALLED,),
        updates={"status": Status.NO_SHOW, "finished_at": now},
        kind=Kind.NO_SHOW,
        action="ticket.no_show",
        wrong_state={
            Status.WAITING: _("This ticket has not been called yet, so it cannot be marked as not present."),
            Status.SERVING: _("This ticket is being served: finish it instead."),
        },
    )


@transaction.atomic
def start_service(*, ticket: Ticket, officer, now: dt.datetime | None = None) -> Ticket:
    """The citizen arrived at the counter: the counter-time clock starts."""
    now = now or timezone.now()
    return _transition(
        ticket=ticket,
        officer=officer,
        now=now,
        allowed_from=(Status.CALLED,),
        updates={"status": Status.SERVING, "service_started_at": now},
        kind=Kind.STARTED,
        action="ticket.start",
        wrong_state={
            Status.WAITING: _("This ticket has not been called yet: call it first."),
            Status.SERVING: _("This ticket is already being served."),
        },
    )


@transaction.atomic
def finish_service(*, ticket: Ticket, officer, now: dt.datetime | None = None) -> Ticket:
    """Service done: the ticket closes; the survey work links to finished tickets."""
    now = now or timezone.now()
    return _transition(
        ticket=ticket,
        officer=officer,
        now=now,
        allowed_from=(Status.SERVING,),
        updates={"status": Status.DONE, "finished_at": now},
        kind=Kind.FINISHED,
        action="ticket.finish",
        wrong_state={
            Status.WAITING: _("This ticket was never called, so it cannot be finished."),
            Status.CALLED: _("Start the service of this ticket before finishing it."),
        },
    )


# --- Transfer ----------------------------------------------------------------------------


def _transfer_target(*, ticket: Ticket, to_line: QueueLine | None, to_counter: Counter | None) -> QueueLine:
    location_id = ticket.location_id
    if to_line is None and to_counter is None:
        raise ApplicationError(_("Choose the service or the counter to transfer to."))
    if to_counter is not None:
        to_counter = Counter.objects.select_related("gerai").get(pk=to_counter.pk)
        if to_counter.gerai.location_id != location_id or not (to_counter.is_active and to_counter.gerai.is_active):
            raise ApplicationError(
                _("Choose an open counter at this location."), field_errors={"to_counter": [_("Not available here.")]}
            )
    if to_line is not None:
        to_line = QueueLine.objects.select_related("gerai", "service").get(pk=to_line.pk)
        if to_line.gerai.location_id != location_id or not (to_line.is_active and to_line.gerai.is_active):
            raise ApplicationError(
                _("Choose a service offered at this location."), field_errors={"to_line": [_("Not available here.")]}
            )
        if to_counter is not None and not to_line.counters.filter(pk=to_counter.pk).exists():
            message = _("Counter %(counter)s does not serve %(service)s.") % {
                "counter": to_counter.code,
                "service": to_line.service.name,
            }
            raise ApplicationError(message, field_errors={"to_counter": [message]})
        return to_line
    # Only a counter: the same service if it serves it, else its one service.
    lines = list(to_counter.queue_lines.filter(is_active=True).select_related("gerai", "service"))
    same = [line for line in lines if line.pk == ticket.line_id]
    if same:
        return same[0]
    if len(lines) == 1:
        return lines[0]
    message = _("Counter %(counter)s serves several services: choose the service too.") % {"counter": to_counter.code}
    if not lines:
        message = _("Counter %(counter)s serves no service.") % {"counter": to_counter.code}
    raise ApplicationError(message, field_errors={"to_line": [message]})


@transaction.atomic
def transfer(
    *,
    ticket: Ticket,
    officer,
    to_line: QueueLine | None,
    to_counter: Counter | None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Send the citizen at the counter to another service or counter; returns the new ticket.

    The ticket closes as TRANSFERRED and a new WAITING ticket is created on the target line
    with ``transferred_from``:

    * fairness — it keeps the original ``issued_at`` and priority group, so it is not sent to
      the back of the target line; its waiting-without-information clock restarts now (the
      officer has just spoken with the citizen);
    * number — a new number from the target prefix's sequence of the day. Keeping the old
      number even for the same prefix is impossible: ``(location, prefix, day, number)`` is
      unique across every status, and the closed ticket keeps its number;
    * the QR code on the paper ticket keeps working: the new ticket takes over the public
      token and the closed one gets a fresh token;
    * a ticket sent to one counter waits for that counter only (``Ticket.counter`` is set).
    """
    now = now or timezone.now()
    ticket = _fresh(ticket)
    if ticket.status == Status.WAITING:
        raise ApplicationError(_("This ticket has not been called yet: call it before transferring it."))
    if ticket.status not in (Status.CALLED, Status.SERVING):
        raise _closed_error(ticket)
    _require_assignment(counter=ticket.counter, officer=officer)
    line = _transfer_target(ticket=ticket, to_line=to_line, to_counter=to_counter)
    if line.pk == ticket.line_id and (to_counter is None or to_counter.pk == ticket.counter_id):
        raise ApplicationError(_("Choose another service or another counter."))

    if line.service_id == ticket.service_id:
        version_id = ticket.standard_version_id
    else:
        version = current_version(
            versions=list(
                StandardVersion.objects.filter(service=line.service, status=StandardVersion.Status.PUBLISHED)
            ),
            today=ticket.day,
        )
        if version is None:
            raise ApplicationError(
                _("%(service)s has no published service standard in force.") % {"service": line.service.name}
            )
        version_id = version.pk

    token = ticket.public_token
    closed = Ticket.objects.filter(pk=ticket.pk, status=ticket.status, counter=ticket.counter).update(
        status=Status.TRANSFERRED, finished_at=now, public_token=new_public_token()
    )
    if closed != 1:
        raise _changed_error(ticket)
    number = next_ticket_number(location=ticket.location, prefix=line.prefix, day=ticket.day)
    new = Ticket.objects.create(
        location_id=ticket.location_id,
        line=line,
        service_id=line.service_id,
        standard_version_id=version_id,
        prefix=line.prefix,
        number=number,
        day=ticket.day,
        public_token=token,
        priority_group=ticket.priority_group,
        issued_at=ticket.issued_at,
        info_given_at=now,
        counter=to_counter,
        transferred_from=ticket,
    )
    _event(ticket, Kind.TRANSFERRED, now=now, officer=officer, counter=ticket.counter, note=new.code)
    _event(new, Kind.ISSUED, now=now, officer=officer, note=_("transferred from %(code)s") % {"code": ticket.code})
    _audit(
        officer=officer,
        action="ticket.transfer",
        ticket=ticket,
        before={"status": ticket.status},
        after={
            "status": Status.TRANSFERRED,
            "new_ticket_id": new.pk,
            "new_code": new.code,
            "to_line_id": line.pk,
            "to_counter_id": to_counter.pk if to_counter else None,
        },
        now=now,
    )
    # A WhatsApp notice follows the citizen to the new number.
    notices.after_transfer(old=ticket, new=new, now=now)
    return new


# --- Information -------------------------------------------------------------------------


def _officer_units(officer) -> set[int]:
    if getattr(officer, "is_superuser", False):
        return set()
    return set(
        Membership.objects.filter(user=officer, role__in=OFFICER_ROLES, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )


@transaction.atomic
def give_information(
    *,
    officer,
    ticket: Ticket | None = None,
    line: QueueLine | None = None,
    location: Location | None = None,
    text: str,
    now: dt.datetime | None = None,
) -> int:
    """Record that waiting citizens were informed; their waiting-without-information clock restarts.

    For one WAITING ticket, every WAITING ticket of a line, or every WAITING ticket at a
    location (an announcement: an ``Announcement`` row is written for a line or a location).
    Tickets already called are not touched. Sets ``info_given_at = now`` with one UPDATE and
    writes one ``TicketEvent(info_given)`` per ticket; returns how many tickets were reached.
    """
    now = now or timezone.now()
    text = " ".join((text or "").split())
    if sum(x is not None for x in (ticket, line, location)) != 1:
        raise ApplicationError(_("Inform one ticket, one service or the whole location."))
    if not getattr(officer, "is_authenticated", False):
        raise ApplicationError(_("You hold no role that may inform these citizens."))
    is_super = getattr(officer, "is_superuser", False)
    units = _officer_units(officer)
    announcement_line = None

    if ticket is not None:
        ticket = _fresh(ticket)
        if not is_super and ticket.line.gerai.unit_id not in units:
            raise ApplicationError(_("You hold no role that may inform these citizens."))
        if ticket.status != Status.WAITING:
            raise ApplicationError(
                _("Ticket %(code)s is no longer waiting: information is recorded only for waiting tickets.")
                % {"code": ticket.code}
            )
        location = ticket.location
        qs = Ticket.objects.filter(pk=ticket.pk)
    else:
        if not text:
            message = _("Write what was announced.")
            raise ApplicationError(message, field_errors={"text": [message]})
        if line is not None:
            line = QueueLine.objects.select_related("gerai__location").get(pk=line.pk)
            if not is_super and line.gerai.unit_id not in units:
                raise ApplicationError(_("You hold no role that may inform these citizens."))
            location = line.gerai.location
            announcement_line = line
            qs = Ticket.objects.filter(line=line)
        else:
            location = Location.objects.select_related("manager_unit").get(pk=location.pk)
            reach = announcing_units(user=officer, location=location)
            qs = Ticket.objects.filter(location=location)
            if reach is not None:
                if not reach:
                    raise ApplicationError(_("You hold no role that may inform these citizens."))
                qs = qs.filter(line__gerai__unit_id__in=reach)
        qs = qs.filter(day=local_today(location, now))

    qs = qs.filter(status=Status.WAITING)
    ids = list(qs.select_for_update(of=("self",)).values_list("pk", flat=True))
    reached = Ticket.objects.filter(pk__in=ids, status=Status.WAITING).update(info_given_at=now) if ids else 0
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=pk, kind=Kind.INFO_GIVEN, at=now, officer=officer, note=text[:200]) for pk in ids]
    )
    if ticket is not None:
        record_audit(
            actor=officer,
            action="ticket.info_given",
            obj=ticket,
            unit=ticket.line.gerai.unit,
            after={"info_given_at": now, "text": text},
            now=now,
        )
    else:
        announcement = Announcement.objects.create(
            location=location, line=announcement_line, officer=officer, at=now, text=text[:300], tickets_reached=reached
        )
        record_audit(
            actor=officer,
            action="announcement.create",
            obj=announcement,
            unit=announcement_line.gerai.unit if announcement_line else location.manager_unit,
            after={"line_id": announcement_line and announcement_line.pk, "text": text, "tickets_reached": reached},
            now=now,
        )
    return reached
