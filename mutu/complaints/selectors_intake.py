"""Reads of the intake area: the public form's choices, the tracking page and who may record."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from mutu.complaints import selectors
from mutu.complaints.models import PAUSED_STATUSES, Channel, Complaint, Deadline, Evidence, Message, Stage
from mutu.core.permissions import get_visible_or_404
from mutu.organisations.models import Instansi, Location, Membership, Unit
from mutu.organisations.selectors import _instansi_ids, _unit_ids, public_locations
from mutu.standards.models import Service
from mutu.standards.selectors import public_services

# Who may record a complaint on a citizen's behalf: the instansi's complaint desk (verifier,
# instansi admin) and the units' complaint officers.
RECORDER_INSTANSI_ROLES = (Membership.Role.COMPLAINT_VERIFIER, Membership.Role.INSTANSI_ADMIN)
RECORDER_UNIT_ROLES = (Membership.Role.COMPLAINT_OFFICER,)
# Messages the citizen sees on the tracking page; internal notes never.
PUBLIC_MESSAGE_KINDS = (Message.Kind.CITIZEN, Message.Kind.PUBLIC_REPLY, Message.Kind.SOCIAL_POST)
# Stages the citizen sees, in this order.
PUBLIC_STAGES = (
    Stage.CITIZEN_REPLY,
    Stage.VERIFY,
    Stage.FIRST_RESPONSE,
    Stage.INFORMATION,
    Stage.COMPLETION,
    Stage.REOPEN_WINDOW,
    Stage.AUTO_CLOSE,
)
# Each deadline in the citizen's words ("… by <date>").
PUBLIC_STAGE_LABELS = {
    Stage.CITIZEN_REPLY: _("Your reply is needed by"),
    Stage.VERIFY: _("Checked and sent to the unit responsible by"),
    Stage.FIRST_RESPONSE: _("First follow-up from the unit by"),
    Stage.INFORMATION: _("Answer to your information request by"),
    Stage.COMPLETION: _("Completed by"),
    Stage.REOPEN_WINDOW: _("You may ask to reopen until"),
    Stage.AUTO_CLOSE: _("Closed if neither side replies by"),
}
PAUSED_STAGES = (Stage.VERIFY, Stage.FIRST_RESPONSE, Stage.COMPLETION, Stage.INFORMATION)


def is_identified(complaint: Complaint) -> bool:
    """Identified: a contact address was confirmed, or an officer met or heard the citizen."""
    if complaint.email_confirmed_at or complaint.phone_confirmed_at:
        return True
    return complaint.channel in (Channel.WALK_IN, Channel.LETTER, Channel.PHONE) and bool(
        complaint.reporter_name.strip()
    )


# --- public form ----------------------------------------------------------------------------------


def public_instansi() -> QuerySet[Instansi]:
    """Governments that receive complaints: those with at least one active unit."""
    return Instansi.objects.filter(units__is_active=True).distinct().order_by("name")


def public_service_choices(*, today: datetime.date) -> list[Service]:
    return public_services(today=today)


def public_location_choices() -> QuerySet[Location]:
    return public_locations().order_by("name")


# --- tracking page --------------------------------------------------------------------------------


def tracked_complaint(*, code: str) -> Complaint:
    """The complaint behind a tracking code, or 404 (the same for every unknown code)."""
    complaint = selectors.public_complaint(tracking_code=code)
    if complaint is None:
        raise Http404
    return complaint


@dataclass(frozen=True)
class DeadlineView:
    stage: str
    label: str
    due_on: datetime.date
    paused: bool
    overdue: bool


def public_messages(*, complaint: Complaint) -> list[Message]:
    citizen_files = Evidence.objects.filter(from_citizen=True).select_related("file").order_by("id")
    return list(
        Message.objects.filter(complaint=complaint, kind__in=PUBLIC_MESSAGE_KINDS)
        .select_related("unit")
        .prefetch_related(Prefetch("evidence", queryset=citizen_files, to_attr="citizen_files"))
        .order_by("created_at", "id")
    )


def first_evidence(*, complaint: Complaint) -> list[Evidence]:
    """Files the citizen sent with the report itself (names only on the public page)."""
    return list(
        Evidence.objects.filter(complaint=complaint, message__isnull=True, from_citizen=True)
        .select_related("file")
        .order_by("id")
    )


def public_zone(complaint: Complaint) -> str:
    """The time zone the citizen's dates are shown in: the unit's, else the instansi's."""
    return complaint.unit.timezone if complaint.unit_id else complaint.instansi.timezone


def public_deadlines(*, complaint: Complaint, now: datetime.datetime) -> list[DeadlineView]:
    zone = ZoneInfo(public_zone(complaint))
    rows = Deadline.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True)
    paused = complaint.status in PAUSED_STATUSES and complaint.paused_since is not None
    views = [
        DeadlineView(
            stage=row.stage,
            label=str(PUBLIC_STAGE_LABELS[row.stage]),
            due_on=row.due_at.astimezone(zone).date(),
            paused=paused and row.stage in PAUSED_STAGES,
            overdue=row.due_at < now and not (paused and row.stage in PAUSED_STAGES),
        )
        for row in rows
        if row.stage in PUBLIC_STAGES
    ]
    return sorted(views, key=lambda v: (PUBLIC_STAGES.index(v.stage), v.due_on))


# --- staff recording and evidence -----------------------------------------------------------------


def recorder_instansi_ids(user) -> set[int]:
    """Instansi for which ``user`` may record complaints (empty: the pages are 404)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Instansi.objects.values_list("pk", flat=True))
    ids = _instansi_ids(user, RECORDER_INSTANSI_ROLES)
    unit_ids = _unit_ids(user, RECORDER_UNIT_ROLES)
    if unit_ids:
        ids |= set(Unit.objects.filter(pk__in=unit_ids).values_list("instansi_id", flat=True))
    return ids


def recorder_instansi(user) -> QuerySet[Instansi]:
    return Instansi.objects.filter(pk__in=recorder_instansi_ids(user)).order_by("name")


def recorder_services(*, instansi_ids: set[int], today: datetime.date) -> list[Service]:
    return [s for s in public_services(today=today) if s.unit.instansi_id in instansi_ids]


def evidence_for_user(*, user, evidence_id: int) -> Evidence:
    """One evidence file of a complaint the user can see; anything else is 404."""
    visible = selectors.complaints_visible_to(user=user)
    queryset = Evidence.objects.filter(complaint__in=visible).select_related("file", "complaint")
    return get_visible_or_404(queryset, pk=evidence_id)
