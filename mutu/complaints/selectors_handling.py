"""Reads of the unit's inbox, one complaint's file, and the statistics; no N+1 anywhere.

Medians are computed in Python from the two lists of durations (one query each way for every
backend, so SQLite and PostgreSQL give the same numbers).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from mutu.complaints import search
from mutu.complaints.deadlines import PAUSABLE
from mutu.complaints.models import (
    CannedReply,
    Category,
    Channel,
    Complaint,
    Deadline,
    Event,
    Evidence,
    Handling,
    Message,
    Stage,
)
from mutu.complaints.selectors import complaints_visible_to, handler_unit_ids, verifier_instansi_ids
from mutu.organisations.models import Membership, Unit

# Who may be given a complaint of a unit.
OFFICER_ROLES = (Membership.Role.COMPLAINT_OFFICER, Membership.Role.UNIT_ADMIN)
SOON = datetime.timedelta(days=2)


class DeadlineFilter:
    OVERDUE = "overdue"
    SOON = "soon"
    PAUSED = "paused"
    NONE = "none"


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""
    channel: str = ""
    kind: str = ""
    status: str = ""
    deadline: str = ""
    service_id: int | None = None
    officer_id: int | None = None  # 0: not assigned to anyone
    unit_id: int | None = None


def _open_unit_deadlines():
    return Deadline.objects.filter(
        complaint=OuterRef("pk"), stage__in=PAUSABLE, met_at__isnull=True, cancelled_at__isnull=True
    )


def inbox(*, user, filters: InboxFilters, now: datetime.datetime) -> QuerySet[Complaint]:
    """The complaints the user sees, filtered, with the next due moment of the unit's clocks.

    Ordered by relevance when searching, else newest first. One query per page.
    """
    qs = complaints_visible_to(user=user).select_related("unit", "service", "category", "assigned_to")
    next_due = _open_unit_deadlines().order_by("due_at")
    qs = qs.annotate(
        next_due_at=Subquery(next_due.values("due_at")[:1]),
        next_due_stage=Subquery(next_due.values("stage")[:1]),
    )
    f = filters
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.service_id:
        qs = qs.filter(service_id=f.service_id)
    if f.officer_id == 0:
        qs = qs.filter(assigned_to__isnull=True)
    elif f.officer_id:
        qs = qs.filter(assigned_to_id=f.officer_id)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.deadline == DeadlineFilter.OVERDUE:
        qs = qs.filter(paused_since__isnull=True).filter(Exists(_open_unit_deadlines().filter(due_at__lt=now)))
    elif f.deadline == DeadlineFilter.SOON:
        qs = qs.filter(paused_since__isnull=True).filter(
            Exists(_open_unit_deadlines().filter(due_at__gte=now, due_at__lte=now + SOON))
        )
    elif f.deadline == DeadlineFilter.PAUSED:
        qs = qs.filter(paused_since__isnull=False)
    elif f.deadline == DeadlineFilter.NONE:
        qs = qs.filter(~Exists(_open_unit_deadlines()))
    if f.q.strip():
        return search.search_complaints(qs, f.q)
    return qs.order_by("-submitted_at", "-id")


@dataclass(frozen=True)
class InboxOptions:
    units: list[tuple[int, str]]
    services: list[tuple[int, str]]
    officers: list[tuple[int, str]]
    assignable: list[tuple[int, str]]  # officers of the units the user handles


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def officer_ids_of_unit(*, unit_id: int | None) -> set[int]:
    if unit_id is None:
        return set()
    return set(
        Membership.objects.filter(unit_id=unit_id, role__in=OFFICER_ROLES, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def inbox_options(*, user) -> InboxOptions:
    """Choices of the filter form and the bulk-assign select (a few small queries)."""
    from mutu.standards.models import Service

    visible = complaints_visible_to(user=user)
    if user.is_superuser:
        units = Unit.objects.filter(Q(instansi__complaints__isnull=False)).distinct()
    else:
        instansi_ids = verifier_instansi_ids(user)
        units = Unit.objects.filter(Q(instansi_id__in=instansi_ids) | Q(id__in=handler_unit_ids(user)))
    unit_list = [(u.pk, u.short_name or u.name) for u in units.order_by("name")]
    services = Service.objects.filter(pk__in=visible.exclude(service__isnull=True).values("service_id")).order_by(
        "name"
    )
    handled_units = [u for u, _name in unit_list] if user.is_superuser else list(handler_unit_ids(user))
    officer_rows = (
        Membership.objects.filter(unit_id__in=[u for u, _n in unit_list], role__in=OFFICER_ROLES, user__is_active=True)
        .select_related("user", "unit")
        .order_by("user__first_name", "user__username")
    )
    officers: dict[int, str] = {}
    assignable: dict[int, str] = {}
    for m in officer_rows:
        label = _person(m.user)
        officers.setdefault(m.user_id, label)
        if m.unit_id in handled_units:
            assignable.setdefault(m.user_id, f"{label} ({m.unit.short_name or m.unit.name})")
    return InboxOptions(
        units=unit_list,
        services=[(s.pk, s.name) for s in services],
        officers=sorted(officers.items(), key=lambda item: item[1].lower()),
        assignable=sorted(assignable.items(), key=lambda item: item[1].lower()),
    )


# --- one complaint ----------------------------------------------------------------------------------


def complaint_for_detail(*, user, pk: int) -> Complaint:
    """The complaint with everything its page shows, or 404 when the user may not see it."""
    from mutu.core.permissions import get_visible_or_404

    qs = (
        complaints_visible_to(user=user)
        .select_related("unit", "instansi", "service", "category", "location", "assigned_to", "merged_into")
        .prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author", "unit")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("file").order_by("created_at")),
            Prefetch("events", queryset=Event.objects.select_related("actor", "unit")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")),
            Prefetch("handlings", queryset=Handling.objects.select_related("unit").order_by("since")),
        )
    )
    return get_visible_or_404(qs, pk=pk)


def canned_replies_for(*, complaint: Complaint) -> list[CannedReply]:
    """The holding unit's general canned replies and those of the complaint's category."""
    if complaint.unit_id is None:
        return []
    return list(
        CannedReply.objects.filter(unit_id=complaint.unit_id)
        .filter(Q(category__isnull=True) | Q(category_id=complaint.category_id))
        .order_by("title")
    )


def categories_for(*, unit_id: int | None) -> list[Category]:
    if unit_id is None:
        return []
    return list(Category.objects.filter(unit_id=unit_id, is_active=True).order_by("completion_days", "name"))


def assignable_officers(*, unit_id: int | None) -> list[tuple[int, str]]:
    if unit_id is None:
        return []
    rows = (
        Membership.objects.filter(unit_id=unit_id, role__in=OFFICER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    seen: dict[int, str] = {}
    for m in rows:
        seen.setdefault(m.user_id, _person(m.user))
    return list(seen.items())


# --- statistics -------------------------------------------------------------------------------------


@dataclass
class StatsRow:
    label: str
    count: int = 0
    first_response_hours: list[float] = field(default_factory=list)
    completion_hours: list[float] = field(default_factory=list)
    on_time: int = 0
    judged: int = 0  # completion deadline met, or past due and still open

    @property
    def median_first_response_hours(self) -> float | None:
        return round(statistics.median(self.first_response_hours), 1) if self.first_response_hours else None

    @property
    def median_completion_days(self) -> float | None:
        return round(statistics.median(self.completion_hours) / 24, 1) if self.completion_hours else None

    @property
    def within_deadline_percent(self) -> float | None:
        return round(100 * self.on_time / self.judged, 1) if self.judged else None


@dataclass
class Stats:
    total: StatsRow
    by_channel: list[StatsRow]
    by_category: list[StatsRow]


def _hours(start, end) -> float:
    return (end - start).total_seconds() / 3600


def complaint_stats(
    *, user, start: datetime.datetime | None, end: datetime.datetime | None, now: datetime.datetime
) -> Stats:
    """Per channel and per category, for complaints received in [start, end): counts, median
    hours to the first response and days to the answer (both from receipt), and the share answered
    within the COMPLETION deadline (met at or before the due moment, out of those met or overdue).

    Three queries whatever the number of complaints.
    """
    qs = complaints_visible_to(user=user)
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lt=end)
    rows = list(
        qs.values_list(
            "pk",
            "channel",
            "category_id",
            "category__name",
            "category__unit__short_name",
            "submitted_at",
            "first_response_at",
            "answered_at",
        )
    )
    completion: dict[int, tuple] = {}
    ids = [r[0] for r in rows]
    if ids:
        latest = Deadline.objects.filter(
            complaint_id__in=qs.values("pk"), stage=Stage.COMPLETION, cancelled_at__isnull=True
        )
        for complaint_id, due_at, met_at in latest.values_list("complaint_id", "due_at", "met_at").order_by(
            "complaint_id", "started_at", "id"
        ):
            completion[complaint_id] = (due_at, met_at)  # the latest started wins
    channel_labels = dict(Channel.choices)
    total = StatsRow(label=_("All"))
    channels: dict[str, StatsRow] = {}
    categories: dict[int | None, StatsRow] = {}
    for pk, channel, category_id, category_name, unit_short, submitted_at, first_at, answered_at in rows:
        channel_row = channels.setdefault(channel, StatsRow(label=str(channel_labels.get(channel, channel))))
        if category_id is None:
            category_label = _("Not categorised")
        else:
            category_label = f"{category_name} ({unit_short})" if unit_short else category_name
        category_row = categories.setdefault(category_id, StatsRow(label=category_label))
        deadline = completion.get(pk)
        for row in (total, channel_row, category_row):
            row.count += 1
            if first_at is not None:
                row.first_response_hours.append(_hours(submitted_at, first_at))
            if answered_at is not None:
                row.completion_hours.append(_hours(submitted_at, answered_at))
            if deadline is not None:
                due_at, met_at = deadline
                if met_at is not None:
                    row.judged += 1
                    row.on_time += met_at <= due_at
                elif due_at < now:
                    row.judged += 1
    by_channel = [channels[key] for key in Channel.values if key in channels]
    by_category = sorted(categories.values(), key=lambda r: (r.label == _("Not categorised"), r.label.lower()))
    return Stats(total=total, by_channel=by_channel, by_category=by_category)
