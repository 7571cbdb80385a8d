"""Reads of the verifier's desk: the queue, one report with its evidence, duplicates, identity looks.

Scoping rests on the shared selectors (``complaints_verified_by`` for the instansi's verifier
and instansi admin, ``complaints_handled_by`` for the unit holding a report). Every list here
runs a fixed number of queries, whatever its length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from mutu.complaints import similarity
from mutu.complaints.models import (
    Category,
    Complaint,
    Deadline,
    Evidence,
    Handling,
    IdentityView,
    Message,
    Stage,
    Status,
)
from mutu.complaints.selectors import (
    can_act_on,
    complaints_verified_by,
    handler_unit_ids,
    verifier_instansi_ids,
)
from mutu.organisations.models import Membership, Unit
from mutu.organisations.selectors import _unit_ids

__all__ = [
    "REDIRECTABLE_STATUSES",
    "can_act_on",
    "can_redirect",
    "complaints_redirectable_by",
    "is_verifier",
    "possible_duplicates",
    "verify_queue",
]

# States in which the unit holding a report may pass it on to another unit.
REDIRECTABLE_STATUSES = (Status.FORWARDED, Status.IN_PROGRESS, Status.REOPENED)
# Unit roles that may pass a report on (the unit head reads and escalates, the officer acts).
REDIRECT_ROLES = (Membership.Role.COMPLAINT_OFFICER, Membership.Role.UNIT_ADMIN)
# Verification decisions are taken on reports still at the verifier's desk.
AT_VERIFIER = (Status.SUBMITTED, Status.NEEDS_INFO)
DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_MAX_COMPARED = 200


def is_verifier(*, user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or verifier_instansi_ids(user)))


def complaints_redirectable_by(*, user) -> QuerySet[Complaint]:
    """Reports the user may forward to another unit: the instansi's verifier for any handled
    report of the instansi, a complaint officer or unit admin for their unit's reports."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    base = Complaint.objects.filter(status__in=REDIRECTABLE_STATUSES)
    if user.is_superuser:
        return base
    unit_ids = _unit_ids(user, REDIRECT_ROLES) & handler_unit_ids(user)
    return base.filter(Q(instansi_id__in=verifier_instansi_ids(user)) | Q(unit_id__in=unit_ids))


def can_redirect(*, user, complaint: Complaint) -> bool:
    return complaints_redirectable_by(user=user).filter(pk=complaint.pk).exists()


# --- the queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    complaint: Complaint
    due_at: datetime.datetime | None
    due_day: datetime.date | None  # the due day in the instansi's zone
    days_left: int | None  # calendar days until the due day; negative: overdue
    evidence_count: int

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def identified(self) -> bool:
        # One rule everywhere: a confirmed contact, or an officer who met or heard the citizen.
        from mutu.complaints.selectors_intake import is_identified

        return is_identified(self.complaint)


@dataclass(frozen=True)
class Queue:
    waiting: list[QueueRow]
    needs_info: list[QueueRow]


def _open_due(stage: str) -> Subquery:
    return Subquery(
        Deadline.objects.filter(
            complaint=OuterRef("pk"), stage=stage, met_at__isnull=True, cancelled_at__isnull=True
        ).values("due_at")[:1]
    )


def _due_day(due_at: datetime.datetime | None, zone: ZoneInfo) -> datetime.date | None:
    return timezone.localtime(due_at, zone).date() if due_at is not None else None


def verify_queue(*, user, now: datetime.datetime) -> Queue:
    """Reports waiting for verification (earliest VERIFY deadline first, so overdue on top) and
    reports waiting for the citizen (earliest CITIZEN_REPLY deadline first)."""
    base = (
        complaints_verified_by(user=user)
        .filter(status__in=AT_VERIFIER)
        .select_related("instansi", "suggested_unit", "service")
        .annotate(
            verify_due=_open_due(Stage.VERIFY),
            reply_due=_open_due(Stage.CITIZEN_REPLY),
            evidence_total=Count("evidence"),
        )
    )
    waiting, needs_info = [], []
    for complaint in base.order_by("submitted_at", "pk"):
        zone = ZoneInfo(complaint.instansi.timezone)
        today = timezone.localtime(now, zone).date()
        due = complaint.verify_due if complaint.status == Status.SUBMITTED else complaint.reply_due
        day = _due_day(due, zone)
        row = QueueRow(complaint, due, day, (day - today).days if day else None, complaint.evidence_total)
        (waiting if complaint.status == Status.SUBMITTED else needs_info).append(row)
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    waiting.sort(key=lambda r: (r.due_at or far, r.complaint.submitted_at))
    needs_info.sort(key=lambda r: (r.due_at or far, r.complaint.submitted_at))
    return Queue(waiting=waiting, needs_info=needs_info)


# --- one report ------------------------------------------------------------------------------------


def verification_detail(*, complaint: Complaint) -> dict:
    """Evidence, thread, open deadlines and the units that held it, for the verify page."""
    return {
        "evidence": list(Evidence.objects.filter(complaint=complaint).select_related("file").order_by("created_at")),
        "thread": list(Message.objects.filter(complaint=complaint).select_related("author", "unit")),
        "deadlines": list(
            Deadline.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True).order_by(
                "due_at"
            )
        ),
        "handlings": list(
            Handling.objects.filter(complaint=complaint).select_related("unit", "forwarded_by").order_by("since")
        ),
    }


def forward_units(*, complaint: Complaint, exclude_current: bool = False) -> QuerySet[Unit]:
    """Units a report may be forwarded to: the active units of its own instansi.

    MPP tenants of another instansi (BPJS, BPN…) are not offered: they answer to their own
    verifier and the report has to be sent to that instansi through SP4N-LAPOR!."""
    units = Unit.objects.filter(instansi_id=complaint.instansi_id, is_active=True).order_by("name")
    if exclude_current and complaint.unit_id:
        units = units.exclude(pk=complaint.unit_id)
    return units


def forward_categories(*, complaint: Complaint) -> QuerySet[Category]:
    return (
        Category.objects.filter(unit__instansi_id=complaint.instansi_id, unit__is_active=True, is_active=True)
        .select_related("unit")
        .order_by("unit__name", "completion_days", "name")
    )


# --- duplicates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    complaint: Complaint
    reasons: tuple[str, ...]
    text_score: float


def _fingerprint(complaint: Complaint, sha256s) -> similarity.Fingerprint:
    return similarity.Fingerprint(
        pk=complaint.pk,
        text=f"{complaint.title}\n{complaint.description}",
        email=complaint.reporter_email,
        phone=complaint.reporter_phone,
        nik=complaint.reporter_nik,
        sha256s=frozenset(sha256s),
    )


def possible_duplicates(
    *, complaint: Complaint, window_days: int = DUPLICATE_WINDOW_DAYS, limit: int = DUPLICATE_MAX_COMPARED
) -> list[DuplicateCandidate]:
    """Reports of the same instansi received within ``window_days`` of this one that share a
    contact, an evidence file or much of the text; at most ``limit`` are compared (newest first).

    Reports that were merged, archived or refused are left out: nothing can be merged into them.
    Three queries whatever the number of candidates."""
    window = datetime.timedelta(days=window_days)
    candidates = list(
        Complaint.objects.filter(
            instansi_id=complaint.instansi_id,
            submitted_at__gte=complaint.submitted_at - window,
            submitted_at__lte=complaint.submitted_at + window,
        )
        .exclude(pk=complaint.pk)
        .exclude(status__in=(Status.MERGED, Status.ARCHIVED, Status.NOT_AUTHORITY))
        .select_related("unit")
        .order_by("-submitted_at", "-pk")[:limit]
    )
    hashes: dict[int, set[str]] = {}
    ids = [complaint.pk, *(c.pk for c in candidates)]
    for complaint_id, sha in Evidence.objects.filter(complaint_id__in=ids).values_list("complaint_id", "file__sha256"):
        hashes.setdefault(complaint_id, set()).add(sha)
    subject = _fingerprint(complaint, hashes.get(complaint.pk, ()))
    by_pk = {c.pk: c for c in candidates}
    matches = similarity.rank(subject, [_fingerprint(c, hashes.get(c.pk, ())) for c in candidates])
    return [DuplicateCandidate(by_pk[m.pk], m.reasons, m.text_score) for m in matches]


def merge_target(*, user, tracking_code: str) -> Complaint | None:
    """The report the verifier named by its tracking code, if they may verify it."""
    from mutu.complaints.selectors import normalise_tracking_code

    return complaints_verified_by(user=user).filter(tracking_code=normalise_tracking_code(tracking_code)).first()


# --- identity --------------------------------------------------------------------------------------


def identity_views_of(*, complaint: Complaint) -> list[IdentityView]:
    return list(IdentityView.objects.filter(complaint=complaint).select_related("user").order_by("-at", "-pk"))
