"""Complaint endpoints of the JSON API (wired into the one NinjaAPI by mutu.core.api).

- ``POST /complaints``: public intake with the web form's rules (the same form validates it, the
  same service stores it; consent required; rate-limited per IP and per contact) → 201, or 422
  with field errors.
- ``GET /complaints/track/{code}``: what the tracking page shows (never the identity).
- Staff (session): ``GET /complaints`` (the inbox's filters, only what the user may see) and
  ``GET /complaints/{id}`` (another unit's complaint is 404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field, field_validator

from mutu.complaints import selectors_intake
from mutu.complaints import services_intake as intake
from mutu.complaints.forms_intake import ComplaintForm
from mutu.complaints.models import Channel, Deadline, Kind, Message
from mutu.complaints.models import Status as ComplaintStatus
from mutu.complaints.schemas import (
    ComplaintCreatedOut,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintSummaryOut,
    TrackOut,
    no_null_characters,
)
from mutu.complaints.selectors import complaints_visible_to
from mutu.complaints.selectors_handling import InboxFilters, inbox
from mutu.core.errors import ApplicationError
from mutu.core.permissions import get_visible_or_404
from mutu.core.ratelimit import client_ip, hit

router = Router(tags=["complaints"])

# The web form's limits (mutu.complaints.views_intake), for the same citizens.
NEW_PER_IP = (20, 3600)
NEW_PER_CONTACT = (5, 3600)
TRACK_PER_IP = (120, 600)
PAGE_MAX = 100


def _person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


@router.post(
    "/complaints",
    response={201: ComplaintCreatedOut},
    url_name="complaint_create",
    operation_id="create_complaint",
    summary="Send a complaint, suggestion or information request (the web form's rules; consent required)",
)
def create_complaint(request: HttpRequest, payload: ComplaintIn):
    if not hit(f"complaint-new:{client_ip(request)}", limit=NEW_PER_IP[0], period=NEW_PER_IP[1]):
        raise HttpError(429, _("Too many reports were sent from this network. Please try again later."))
    instansi_choices = selectors_intake.public_instansi()
    if payload.instansi:
        instansi = instansi_choices.filter(slug=payload.instansi).first()
    else:
        instansi = instansi_choices.first() if instansi_choices.count() == 1 else None
    errors: dict[str, list[str]] = {}
    if instansi is None:
        errors["instansi"] = [_("Choose the government office.")]
    today = timezone.localdate()
    data = {
        "kind": payload.kind,
        "title": payload.title,
        "description": payload.description,
        "occurred_on": payload.occurred_on.isoformat() if payload.occurred_on else "",
        "service": str(payload.service_id or ""),
        "location": str(payload.location_id or ""),
        "reporter_name": payload.reporter_name,
        "reporter_email": payload.reporter_email,
        "reporter_phone": payload.reporter_phone,
        "reporter_nik": payload.reporter_nik,
        "is_anonymous": "on" if payload.is_anonymous else "",
        "is_confidential": "on" if payload.is_confidential else "",
        "consent": "on" if payload.consent else "",
    }
    data = {k: v for k, v in data.items() if v != ""}
    form = ComplaintForm(
        data,
        {},
        instansi_choices=None,
        services=selectors_intake.public_service_choices(today=today),
        locations=selectors_intake.public_location_choices(),
    )
    if not form.is_valid():
        errors.update({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    cleaned = form.cleaned_data
    contacts = [c for c in (cleaned["reporter_email"].lower(), cleaned["reporter_phone"].replace(" ", "")) if c]
    if not all(hit(f"complaint-contact:{c}", limit=NEW_PER_CONTACT[0], period=NEW_PER_CONTACT[1]) for c in contacts):
        raise HttpError(429, _("Many reports were already sent with this contact. Please try again later."))
    complaint = intake.submit_web_complaint(
        channel=Channel.API,
        instansi=instansi,
        kind=cleaned["kind"],
        title=cleaned["title"],
        description=cleaned["description"],
        occurred_on=cleaned["occurred_on"],
        service=form.chosen_service(),
        location=cleaned.get("location"),
        reporter_name=cleaned["reporter_name"],
        reporter_email=cleaned["reporter_email"],
        reporter_phone=cleaned["reporter_phone"],
        reporter_nik=cleaned["reporter_nik"],
        is_anonymous=cleaned["is_anonymous"],
        is_confidential=cleaned["is_confidential"],
        consent=cleaned["consent"],
        now=timezone.now(),
    )
    return Status(
        201,
        {
            "tracking_code": complaint.tracking_code,
            "status": complaint.status,
            "tracking_url": request.build_absolute_uri(f"/lacak/{complaint.tracking_code}"),
            "email_confirmation_needed": bool(complaint.reporter_email) and complaint.email_confirmed_at is None,
        },
    )


def _messages(messages, *, staff: bool) -> list[dict]:
    rows = []
    for m in messages:
        row = {
            "kind": m.kind,
            "kind_label": str(m.get_kind_display()),
            "body": m.body,
            "unit": m.unit.name if m.unit_id and m.unit else None,
            "created_at": m.created_at,
        }
        if staff:
            row["author"] = _person(m.author)
        rows.append(row)
    return rows


@router.get(
    "/complaints/track/{code}",
    response=TrackOut,
    url_name="complaint_track",
    operation_id="track_complaint",
    summary="What the tracking page shows for a tracking code (never the complainant's identity)",
)
def track_complaint(request: HttpRequest, code: str):
    if not hit(f"complaint-track:{client_ip(request)}", limit=TRACK_PER_IP[0], period=TRACK_PER_IP[1]):
        raise HttpError(429, _("Too many requests. Please wait a moment and try again."))
    if len(code) > 20:
        raise HttpError(404, _("No report has this tracking code."))
    try:
        complaint = selectors_intake.tracked_complaint(code=code)
    except Http404 as exc:
        raise HttpError(404, _("No report has this tracking code.")) from exc
    now = timezone.now()
    return {
        "tracking_code": complaint.tracking_code,
        "kind": complaint.kind,
        "title": complaint.title,
        "description": complaint.description,
        "status": complaint.status,
        "status_label": str(complaint.get_status_display()),
        "lapor_status": str(complaint.lapor_status),
        "unit": complaint.unit.name if complaint.unit else None,
        "submitted_at": complaint.submitted_at,
        "decision_reason": complaint.decision_reason,
        "outcome": complaint.outcome,
        "messages": _messages(selectors_intake.public_messages(complaint=complaint), staff=False),
        "deadlines": [
            {"stage": d.stage, "label": str(d.label), "due_on": d.due_on, "paused": d.paused, "overdue": d.overdue}
            for d in selectors_intake.public_deadlines(complaint=complaint, now=now)
        ],
    }


class ComplaintFilters(Schema):
    q: str = Field("", max_length=200)
    channel: Channel | None = None
    kind: Kind | None = None
    status: ComplaintStatus | None = None
    deadline: str = Field("", pattern="^(|overdue|soon|paused|none)$")
    service_id: int | None = Field(None, ge=0, le=2**62)
    officer_id: int | None = Field(None, ge=0, le=2**62)
    unit_id: int | None = Field(None, ge=0, le=2**62)
    limit: int = Field(50, ge=1, le=PAGE_MAX)
    offset: int = Field(0, ge=0, le=10**6)

    _no_nul = field_validator("q")(no_null_characters)


def _summary(c) -> dict:
    return {
        "id": c.pk,
        "tracking_code": c.tracking_code,
        "kind": c.kind,
        "channel": c.channel,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "lapor_status": str(c.lapor_status),
        "title": c.title,
        "unit": c.unit.name if c.unit else None,
        "service": c.service.name if c.service else None,
        "assigned_to": _person(c.assigned_to),
        "is_anonymous": c.is_anonymous,
        "is_confidential": c.is_confidential,
        "submitted_at": c.submitted_at,
        "next_due_at": getattr(c, "next_due_at", None),
    }


@router.get(
    "/complaints",
    response=list[ComplaintSummaryOut],
    auth=django_auth,
    url_name="complaint_list",
    operation_id="list_complaints",
    summary="Complaints the signed-in staff member may see, with the inbox's filters (newest first)",
)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]):
    f = filters
    found = inbox(
        user=request.user,
        filters=InboxFilters(
            q=f.q,
            channel=f.channel or "",
            kind=f.kind or "",
            status=f.status or "",
            deadline=f.deadline,
            service_id=f.service_id,
            officer_id=f.officer_id,
            unit_id=f.unit_id,
        ),
        now=timezone.now(),
    )
    return [_summary(c) for c in found[f.offset : f.offset + f.limit]]


@router.get(
    "/complaints/{complaint_id}",
    response=ComplaintDetailOut,
    auth=django_auth,
    url_name="complaint_detail",
    operation_id="get_complaint",
    summary="One complaint the signed-in staff member may see (another unit's is 404)",
)
def get_complaint(request: HttpRequest, complaint_id: int):
    visible = complaints_visible_to(user=request.user).select_related("unit", "service", "assigned_to")
    complaint = get_visible_or_404(visible, pk=complaint_id)
    messages = Message.objects.filter(complaint=complaint).select_related("unit", "author").order_by("created_at", "id")
    deadlines = Deadline.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True)
    identity = None
    if not complaint.is_anonymous:
        identity = {
            "name": complaint.reporter_name,
            "email": complaint.reporter_email,
            "phone": complaint.reporter_phone,
        }
    return {
        **_summary(complaint),
        "next_due_at": min((d.due_at for d in deadlines), default=None),
        "description": complaint.description,
        "occurred_on": complaint.occurred_on,
        "external_id": complaint.external_id,
        "decision_reason": complaint.decision_reason,
        "outcome": complaint.outcome,
        "identity": identity,
        "messages": _messages(messages, staff=True),
        "deadlines": [{"stage": d.stage, "due_at": d.due_at} for d in deadlines.order_by("due_at")],
    }
