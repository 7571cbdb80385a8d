"""Time-based work on complaints, run by ``manage.py run_periodic`` (``mutu.core.periodic``).

Each job is idempotent and safe to run twice at the same time: it claims each row with a
conditional UPDATE (``… WHERE reminded_at IS NULL`` / the status it expects) and acts only when
the UPDATE changed one row; the claim and the outbox rows it writes commit together, and the
outbox's dedupe key is the backstop.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mutu.complaints import deadlines, notifications
from mutu.complaints.deadlines import DEFAULT_POLICIES, policy_for
from mutu.complaints.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Complaint,
    Deadline,
    DeadlinePolicy,
    Message,
    Stage,
    Status,
)
from mutu.complaints.services import transition
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Membership

Role = Membership.Role
# Stages that are the staff's obligation (reminded, escalated when missed).
STAFF_STAGES = (Stage.VERIFY, Stage.FIRST_RESPONSE, Stage.COMPLETION, Stage.INFORMATION)


@dataclass
class JobCount:
    done: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"done={self.done} skipped={self.skipped}"


def _open_deadlines():
    return Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, complaint__status__in=OPEN_STATUSES)


def _is_paused(deadline: Deadline) -> bool:
    return deadline.complaint.paused_since is not None and deadline.stage in deadlines.PAUSABLE


def _recipients_for(deadline: Deadline) -> list:
    complaint = deadline.complaint
    if deadline.stage == Stage.VERIFY or complaint.unit_id is None:
        return notifications.verifiers_of(complaint.instansi_id)
    return notifications.handlers_of(complaint)


def _escalation_recipients(deadline: Deadline) -> list:
    complaint = deadline.complaint
    if deadline.stage == Stage.VERIFY or complaint.unit_id is None:
        return notifications.verifiers_of(complaint.instansi_id, with_admins=True)
    return notifications.unit_members(complaint.unit_id, [Role.UNIT_HEAD]) or notifications.unit_members(
        complaint.unit_id, [Role.UNIT_ADMIN]
    )


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def _zone(complaint: Complaint) -> ZoneInfo:
    return ZoneInfo(complaint.unit.timezone if complaint.unit_id else complaint.instansi.timezone)


def reminder_from(deadline: Deadline, days_before: int) -> datetime.datetime:
    """Reminders go from the start of the day ``days_before`` calendar days before the due day."""
    zone = _zone(deadline.complaint)
    day = deadline.due_at.astimezone(zone).date() - datetime.timedelta(days=days_before)
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)


def send_deadline_reminders(*, now: datetime.datetime | None = None) -> JobCount:
    """Remind whoever must act when a deadline is within its rule's ``remind_days_before``."""
    now = now or timezone.now()
    count = JobCount()
    longest = max(
        [p.remind_days_before for p in DEFAULT_POLICIES.values()]
        + [DeadlinePolicy.objects.aggregate(m=Max("remind_days_before"))["m"] or 0]
    )
    candidates = (
        _open_deadlines()
        .filter(
            reminded_at__isnull=True,
            due_at__gte=now,
            due_at__lte=now + datetime.timedelta(days=longest + 1),
            stage__in=(*STAFF_STAGES, Stage.CITIZEN_REPLY),
        )
        .select_related("complaint", "complaint__instansi", "complaint__unit", "complaint__assigned_to")
        .order_by("due_at", "pk")
    )
    policies: dict[tuple, deadlines.Policy] = {}
    for deadline in candidates:
        complaint = deadline.complaint
        policy_key = (complaint.instansi_id, complaint.unit_id, deadline.stage)
        if policy_key not in policies:
            policies[policy_key] = policy_for(
                instansi_id=complaint.instansi_id, unit_id=complaint.unit_id, stage=deadline.stage
            )
        remind = policies[policy_key].remind_days_before
        if remind <= 0 or reminder_from(deadline, remind) > now or _is_paused(deadline):
            count.skipped += 1
            continue
        with transaction.atomic():
            claimed = Deadline.objects.filter(pk=deadline.pk, reminded_at__isnull=True).update(reminded_at=now)
            if claimed != 1:
                count.skipped += 1
                continue
            if deadline.stage == Stage.CITIZEN_REPLY:
                notifications.citizen_reminder(deadline=deadline, now=now)
            else:
                _remind_staff(deadline, now)
        count.done += 1
    return count


def _remind_staff(deadline: Deadline, now: datetime.datetime) -> None:
    complaint = deadline.complaint
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Reminder: report %(code)s — “%(stage)s” is due on %(day)s") % {
            "code": complaint.tracking_code,
            "stage": _stage_label(deadline.stage),
            "day": _day(deadline, complaint),
        }
        notifications.notify_staff(
            users=_recipients_for(deadline),
            key=f"deadline:{deadline.pk}:reminder",
            text=text,
            complaint=complaint,
            now=now,
        )


def _day(deadline: Deadline, complaint: Complaint) -> str:
    return date_format(deadline.due_at.astimezone(_zone(complaint)).date(), "j F Y")


def escalate_overdue(*, now: datetime.datetime | None = None) -> JobCount:
    """Tell the unit head (the instansi's verifiers and admins for verification) once when a
    staff deadline passed; clocks stopped while waiting for the citizen are left alone."""
    now = now or timezone.now()
    count = JobCount()
    candidates = (
        _open_deadlines()
        .filter(escalated_at__isnull=True, due_at__lt=now, stage__in=STAFF_STAGES)
        .select_related("complaint", "complaint__instansi", "complaint__unit", "complaint__assigned_to")
        .order_by("due_at", "pk")
    )
    for deadline in candidates:
        if _is_paused(deadline):
            count.skipped += 1
            continue
        with transaction.atomic():
            claimed = Deadline.objects.filter(pk=deadline.pk, escalated_at__isnull=True).update(escalated_at=now)
            if claimed != 1:
                count.skipped += 1
                continue
            _escalate(deadline, now)
        count.done += 1
    return count


def _escalate(deadline: Deadline, now: datetime.datetime) -> None:
    complaint = deadline.complaint
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Overdue: report %(code)s — “%(stage)s” was due on %(day)s") % {
            "code": complaint.tracking_code,
            "stage": _stage_label(deadline.stage),
            "day": _day(deadline, complaint),
        }
        notifications.notify_staff(
            users=_escalation_recipients(deadline),
            key=f"deadline:{deadline.pk}:escalated",
            text=text,
            complaint=complaint,
            now=now,
        )


def withdraw_unanswered(*, now: datetime.datetime | None = None) -> JobCount:
    """A citizen asked for more who did not answer before CITIZEN_REPLY's due date: withdrawn."""
    now = now or timezone.now()
    count = JobCount()
    complaint_ids = list(
        Deadline.objects.filter(
            stage=Stage.CITIZEN_REPLY,
            met_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__lt=now,
            complaint__status__in=PAUSED_STATUSES,
        )
        .values_list("complaint_id", flat=True)
        .distinct()
    )
    for complaint_id in complaint_ids:
        complaint = Complaint.objects.get(pk=complaint_id)
        try:
            with transaction.atomic():
                transition(
                    complaint=complaint,
                    to=Status.WITHDRAWN,
                    allowed_from=PAUSED_STATUSES,
                    actor=None,
                    action="withdraw",
                    note="no reply within the citizen's deadline",
                    now=now,
                    paused_since=None,
                    closed_at=now,
                )
                deadlines.cancel_stages(complaint=complaint, stages=tuple(Stage.values), now=now)
        except ApplicationError:
            count.skipped += 1  # the citizen replied, or another run withdrew it first
            continue
        count.done += 1
    return count


def auto_close_answered(*, now: datetime.datetime | None = None) -> JobCount:
    """An answer nobody disputed within AUTO_CLOSE's limit closes the report (LAPOR!: selesai)."""
    now = now or timezone.now()
    count = JobCount()
    due = (
        Deadline.objects.filter(
            stage=Stage.AUTO_CLOSE,
            met_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__lt=now,
            complaint__status=Status.ANSWERED,
        )
        .select_related("complaint")
        .order_by("due_at", "pk")
    )
    for deadline in due:
        complaint = deadline.complaint
        answered_at = complaint.answered_at or deadline.started_at
        if Message.objects.filter(complaint=complaint, kind=Message.Kind.CITIZEN, created_at__gt=answered_at).exists():
            count.skipped += 1  # the citizen replied to the answer: a person decides
            continue
        try:
            with transaction.atomic():
                transition(
                    complaint=complaint,
                    to=Status.CLOSED,
                    allowed_from=[Status.ANSWERED],
                    actor=None,
                    action="auto_close",
                    note="no dispute within the closing period",
                    now=now,
                    closed_at=now,
                )
                deadlines.meet_stage(complaint=complaint, stage=Stage.AUTO_CLOSE, now=now)
                # The reopen window keeps running; every other clock stops.
                deadlines.cancel_stages(
                    complaint=complaint,
                    stages=tuple(s for s in Stage.values if s not in (Stage.AUTO_CLOSE, Stage.REOPEN_WINDOW)),
                    now=now,
                )
        except ApplicationError:
            count.skipped += 1
            continue
        count.done += 1
    return count
