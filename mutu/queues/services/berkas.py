"""Files processed over working days (berkas): receipt, processing, finishing and collection.

Rules kept here:

* A file is received only for a service of the unit whose standard in force today (in the
  unit's time zone) promises completion in working days; counter-time services are refused.
* Every requirement of that standard must be ticked as present. Otherwise nothing is saved and
  the error lists the missing documents by name: the officer returns the documents at the
  counter and the citizen comes back complete (no "received incomplete" state).
* The promised date is ``add_working_days(calendar, received local date, N)``: day 1 is the
  first working day after the day of receipt, whatever that day is.
* Receipt numbers ``<SLUG[:6]>/<YYYY>/<00001>`` count per unit per year through one counter
  row claimed with ``UPDATE … SET last_number = last_number + 1``: the row lock (PostgreSQL)
  or the write lock taken at BEGIN (SQLite, IMMEDIATE) makes two officers queue, never share.
* State changes are conditional updates on the expected status; a wrong state is a clear
  error and changes nothing. A file finished after its due date is a breach: the compensation
  detection reads ``finished_at`` and ``due_date``; nothing here creates cases.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.organisations.calculations import add_working_days
from mutu.organisations.selectors import working_calendar_for_unit
from mutu.queues.models import Berkas, BerkasRequirement, BerkasSequence
from mutu.standards.models import RequirementItem, Service, StandardVersion, TimeUnit
from mutu.standards.selectors import current_version

Status = Berkas.Status

RECEIPT_PREFIX_LENGTH = 6


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def local_date(unit, instant: datetime.datetime) -> datetime.date:
    return instant.astimezone(ZoneInfo(unit.timezone)).date()


def version_in_force(*, service: Service, today: datetime.date) -> StandardVersion | None:
    versions = list(StandardVersion.objects.filter(service=service, status=StandardVersion.Status.PUBLISHED))
    return current_version(versions=versions, today=today)


def _require_working_days_version(*, unit, service: Service, today: datetime.date) -> StandardVersion:
    if service.unit_id != unit.id or not service.is_active:
        raise ApplicationError(
            _("This service is not offered by this unit."), field_errors={"service": [_("Choose another service.")]}
        )
    version = version_in_force(service=service, today=today)
    if version is None:
        raise ApplicationError(_("This service has no standard in force today."))
    if version.completion_time_unit != TimeUnit.WORKING_DAYS or not version.completion_time_value:
        raise ApplicationError(_("This service is completed at the counter, not over days."))
    return version


def receipt_prefix(service: Service) -> str:
    prefix = service.slug.upper()[:RECEIPT_PREFIX_LENGTH].strip("-")
    return prefix or "BRK"


def _claim_receipt_number(*, unit, year: int) -> int:
    """The next number of the unit's year; call inside the receiving transaction."""
    BerkasSequence.objects.get_or_create(unit=unit, year=year)
    BerkasSequence.objects.filter(unit=unit, year=year).update(last_number=F("last_number") + 1)
    return BerkasSequence.objects.filter(unit=unit, year=year).values_list("last_number", flat=True).get()


@transaction.atomic
def receive_berkas(
    *,
    unit,
    service: Service,
    applicant_name: str,
    applicant_phone: str = "",
    present_requirements: list[int],
    note: str = "",
    ticket=None,
    by,
    now: datetime.datetime | None = None,
) -> Berkas:
    """Register a complete file at the counter and promise its completion date."""
    now = now or timezone.now()
    received_on = local_date(unit, now)
    version = _require_working_days_version(unit=unit, service=service, today=received_on)

    applicant_name = " ".join((applicant_name or "").split())
    if not applicant_name:
        raise ApplicationError(
            _("Write the applicant's name."), field_errors={"applicant_name": [_("Write the applicant's name.")]}
        )
    if ticket is not None and ticket.service.unit_id != unit.id:
        raise ApplicationError(_("This ticket belongs to another unit."))

    items = list(RequirementItem.objects.filter(version=version).order_by("position"))
    known = {item.position for item in items}
    ticked = set(present_requirements)
    if ticked - known:
        raise ApplicationError(_("The checklist no longer matches the standard in force. Open the form again."))
    missing = [item.text for item in items if item.position not in ticked]
    if missing:
        message = _("The file cannot be received: required documents are missing: %(missing)s.") % {
            "missing": "; ".join(missing)
        }
        # On the form: one headline above, and each missing document under the checklist.
        raise ApplicationError(
            message,
            field_errors={
                "__all__": [_("The file cannot be received: required documents are missing.")],
                "requirements": [_("Missing: %(document)s") % {"document": text} for text in missing],
            },
        )

    due_date = add_working_days(working_calendar_for_unit(unit=unit), received_on, version.completion_time_value)
    number = _claim_receipt_number(unit=unit, year=received_on.year)
    berkas = Berkas.objects.create(
        unit=unit,
        service=service,
        standard_version=version,
        ticket=ticket,
        receipt_number=f"{receipt_prefix(service)}/{received_on.year}/{number:05d}",
        applicant_name=applicant_name,
        applicant_phone=" ".join((applicant_phone or "").split()),
        received_at=now,
        received_by=by,
        due_date=due_date,
        note=(note or "").strip(),
    )
    BerkasRequirement.objects.bulk_create(
        BerkasRequirement(berkas=berkas, position=item.position, text=item.text, is_present=item.position in ticked)
        for item in items
    )
    record_audit(
        actor=_actor(by),
        action="berkas.receive",
        obj=berkas,
        unit=unit,
        after={**snapshot(berkas), "requirements": [(item.text, item.position in ticked) for item in items]},
        now=now,
    )
    return berkas


# --- State changes ------------------------------------------------------------------------------


def _transition(*, berkas: Berkas, allowed: tuple[str, ...], action: str, error: str, fields: dict, by, now) -> Berkas:
    before = snapshot(berkas, ["status", *fields])
    changed = Berkas.objects.filter(pk=berkas.pk, status__in=allowed).update(**fields)
    if changed != 1:
        current = Berkas.objects.filter(pk=berkas.pk).values_list("status", flat=True).first()
        label = Status(current).label if current else ""
        raise ApplicationError(error % {"status": label})
    berkas.refresh_from_db()
    record_audit(
        actor=_actor(by), action=action, obj=berkas, unit=berkas.unit, before=before, after=snapshot(berkas), now=now
    )
    return berkas


@transaction.atomic
def start_processing(*, berkas: Berkas, by, now: datetime.datetime | None = None) -> Berkas:
    now = now or timezone.now()
    return _transition(
        berkas=berkas,
        allowed=(Status.RECEIVED,),
        action="berkas.start_processing",
        error=_("Only a file that has just been received can start processing. This file is: %(status)s."),
        fields={"status": Status.PROCESSING},
        by=by,
        now=now,
    )


@transaction.atomic
def mark_ready(*, berkas: Berkas, by, now: datetime.datetime | None = None) -> Berkas:
    """Finished and ready to collect. Finished after ``due_date`` (unit's local date) is a breach."""
    now = now or timezone.now()
    if now < berkas.received_at:
        raise ApplicationError(_("A file cannot be finished before it was received."))
    return _transition(
        berkas=berkas,
        allowed=(Status.RECEIVED, Status.PROCESSING),
        action="berkas.ready",
        error=_("Only a file that is received or being processed can be marked finished. This file is: %(status)s."),
        fields={"status": Status.READY, "finished_at": now, "finished_by": _actor(by)},
        by=by,
        now=now,
    )


@transaction.atomic
def mark_collected(*, berkas: Berkas, by, now: datetime.datetime | None = None) -> Berkas:
    now = now or timezone.now()
    return _transition(
        berkas=berkas,
        allowed=(Status.READY,),
        action="berkas.collected",
        error=_("Only a finished file can be handed over. This file is: %(status)s."),
        fields={"status": Status.COLLECTED, "collected_at": now},
        by=by,
        now=now,
    )


@transaction.atomic
def return_incomplete(*, berkas: Berkas, reason: str, by, now: datetime.datetime | None = None) -> Berkas:
    """Give the file back to the citizen (e.g. a document turned out invalid); the reason is kept."""
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError(
            _("Write why the file is returned."), field_errors={"reason": [_("Write why the file is returned.")]}
        )
    stamp = now.astimezone(ZoneInfo(berkas.unit.timezone)).strftime("%Y-%m-%d %H:%M")
    line = _("Returned incomplete on %(when)s: %(reason)s") % {"when": stamp, "reason": reason}
    note = f"{berkas.note}\n{line}".strip() if berkas.note else line
    return _transition(
        berkas=berkas,
        allowed=(Status.RECEIVED, Status.PROCESSING),
        action="berkas.return_incomplete",
        error=_("Only a file that is received or being processed can be returned. This file is: %(status)s."),
        fields={"status": Status.REJECTED, "note": note},
        by=by,
        now=now,
    )
