"""Reads for the SP4N-LAPOR! exchange: whose desk it is, and our handling as export rows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from mutu.complaints import lapor
from mutu.complaints.models import LAPOR_STATUS, Channel, Complaint, Event, Message
from mutu.complaints.selectors import complaints_verified_by, verifier_instansi_ids
from mutu.complaints.services_lapor import IMPORTED, lapor_note
from mutu.organisations.models import Instansi


def lapor_desks(*, user) -> QuerySet[Instansi]:
    """The instansi whose LAPOR! exchange the user runs (the verifier or the instansi admin)."""
    if not user.is_authenticated:
        return Instansi.objects.none()
    if user.is_superuser:
        return Instansi.objects.order_by("name")
    return Instansi.objects.filter(pk__in=verifier_instansi_ids(user)).order_by("name")


def lapor_desk_or_404(*, user, slug: str = "") -> Instansi:
    desks = lapor_desks(user=user)
    desk = desks.filter(slug=slug).first() if slug else desks.first()
    if desk is None:
        raise Http404
    return desk


def export_complaints(*, user, instansi: Instansi, only_lapor: bool = False) -> QuerySet[Complaint]:
    qs = (
        complaints_verified_by(user=user)
        .filter(instansi=instansi)
        .exclude(status="merged")
        .select_related("category", "unit")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.filter(kind=Message.Kind.PUBLIC_REPLY).order_by("-created_at", "-id"),
                to_attr="public_replies",
            ),
            Prefetch(
                "events", queryset=Event.objects.filter(action=IMPORTED).order_by("at", "id"), to_attr="lapor_imports"
            ),
        )
        .order_by("submitted_at", "id")
    )
    if only_lapor:
        qs = qs.filter(channel=Channel.LAPOR)
    return qs


def export_rows(*, user, instansi: Instansi, only_lapor: bool = False) -> list[dict[str, str]]:
    """One dict per complaint keyed by ``lapor.COLUMNS`` (no identity, ever)."""
    zone = ZoneInfo(instansi.timezone)
    rows = []
    for c in export_complaints(user=user, instansi=instansi, only_lapor=only_lapor):
        reply = c.public_replies[0] if c.public_replies else None
        imported = lapor_note(c.lapor_imports[0].note) if c.lapor_imports else {}
        category = ""
        if c.category is not None:
            category = c.category.lapor_category or c.category.name
        rows.append(
            {
                lapor.TRACKING: c.external_id or c.tracking_code,
                lapor.TITLE: c.title,
                lapor.TEXT: c.description,
                lapor.KIND: lapor.KIND_NAMES[c.kind],
                lapor.CATEGORY: category or imported.get("category", ""),
                lapor.REPORTED_AT: lapor.format_datetime(c.submitted_at, zone),
                lapor.OCCURRED_ON: c.occurred_on.isoformat() if c.occurred_on else "",
                lapor.STATUS: str(LAPOR_STATUS[c.status]),
                lapor.ANONYMOUS: lapor.yes_no(c.is_anonymous),
                lapor.CONFIDENTIAL: lapor.yes_no(c.is_confidential),
                lapor.FOLLOW_UP: reply.body if reply else "",
                lapor.FOLLOW_UP_AT: lapor.format_datetime(reply.created_at, zone) if reply else "",
                lapor.UNIT: c.unit.name if c.unit else "",
            }
        )
    return rows


def recent_lapor_complaints(*, user, instansi: Instansi, limit: int = 20) -> list[Complaint]:
    return list(
        complaints_verified_by(user=user)
        .filter(instansi=instansi, channel=Channel.LAPOR)
        .select_related("unit")
        .order_by("-submitted_at", "-id")[:limit]
    )
