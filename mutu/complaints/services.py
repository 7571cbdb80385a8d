"""Writes shared by every channel and stage: intake and the status machine.

Channel adapters (web form, walk-in, social media, LAPOR! import, Open311, WhatsApp…) call
:func:`submit_complaint`; every change of status goes through :func:`transition`, a
conditional UPDATE (two officers acting at once cannot both succeed) that writes the event, the
audit row and — on commit — the notifications.  Area services live in ``services_<area>.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.complaints import deadlines
from mutu.complaints.models import (
    Channel,
    Complaint,
    Event,
    Evidence,
    IdentityView,
    Kind,
    Message,
    Stage,
    Status,
)
from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.core.models import StoredFile
from mutu.organisations.models import Instansi, Location, Unit
from mutu.standards.models import Service

TITLE_MAX = 200
DESCRIPTION_MAX = 8000


def submit_complaint(
    *,
    instansi: Instansi,
    channel: str,
    title: str,
    description: str,
    kind: str = Kind.COMPLAINT,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    reporter_nik: str = "",
    is_anonymous: bool = False,
    is_confidential: bool = False,
    consent: bool = False,
    service: Service | None = None,
    location: Location | None = None,
    suggested_unit: Unit | None = None,
    occurred_on: datetime.date | None = None,
    source_url: str = "",
    source_name: str = "",
    external_id: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    address_id: str = "",
    media_url: str = "",
    recorded_by=None,
    evidence: Iterable[StoredFile] = (),
    submitted_at: datetime.datetime | None = None,
    clocks_from: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """Record one item from any channel; it waits for the instansi's verifier.

    ``submitted_at`` is when the citizen sent it (an import keeps LAPOR!'s date); the clocks start
    then, or at ``clocks_from`` when the report reached our desk later than the citizen sent it.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        errors["title"] = [_("Please write a short subject.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Please keep the subject under %(n)s characters.") % {"n": TITLE_MAX}]
    if not description:
        errors["description"] = [_("Please tell us what happened.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Please keep the text under %(n)s characters.") % {"n": DESCRIPTION_MAX}]
    if kind not in Kind.values:
        errors["kind"] = [_("Choose one of the listed options.")]
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if reporter_nik and (not reporter_nik.isdigit() or len(reporter_nik) != 16):
        errors["reporter_nik"] = [_("A NIK has 16 digits.")]
    if channel in (Channel.WEB, Channel.API) and not consent:
        errors["consent"] = [_("We need your consent to process the personal data in this report.")]
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    submitted_at = submitted_at or now
    complaint = Complaint(
        instansi=instansi,
        channel=channel,
        kind=kind,
        title=title,
        description=description,
        reporter_name=reporter_name.strip(),
        reporter_email=reporter_email.strip().lower(),
        reporter_phone=reporter_phone.strip(),
        reporter_nik=reporter_nik,
        is_anonymous=is_anonymous,
        is_confidential=is_confidential,
        consent_at=now if consent else None,
        service=service,
        location=location,
        suggested_unit=suggested_unit,
        occurred_on=occurred_on,
        source_url=source_url,
        source_name=source_name,
        external_id=external_id,
        latitude=latitude,
        longitude=longitude,
        address=address.strip()[:300],
        address_id=address_id.strip()[:60],
        media_url=media_url,
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
        submitted_at=submitted_at,
        status_changed_at=now,
    )
    with transaction.atomic():
        # A tracking code collision is astronomically rare; retry with a fresh one.
        for attempt in range(5):
            try:
                with transaction.atomic():
                    complaint.save()
                break
            except IntegrityError:
                if attempt == 4 or (external_id and _external_id_taken(instansi, external_id)):
                    raise
                complaint.pk = None
                complaint.tracking_code = Complaint._meta.get_field("tracking_code").default()
        for stored in evidence:
            Evidence.objects.create(complaint=complaint, file=stored, from_citizen=recorded_by is None, created_at=now)
        Event.objects.create(
            complaint=complaint,
            at=now,
            actor=complaint.recorded_by,
            action="submitted",
            to_status=Status.SUBMITTED,
            note=channel,
        )
        clock_start = clocks_from or submitted_at
        deadlines.start_stage(complaint=complaint, stage=Stage.VERIFY, now=clock_start)
        if kind == Kind.INFORMATION:
            deadlines.start_stage(complaint=complaint, stage=Stage.INFORMATION, now=clock_start)
        record_audit(
            actor=recorded_by,
            action="complaint.submit",
            obj=complaint,
            after={"channel": channel, "kind": kind, "anonim": is_anonymous, "rahasia": is_confidential},
            now=now,
        )
        _notify(complaint.pk, "submitted")
    return complaint


def _external_id_taken(instansi: Instansi, external_id: str) -> bool:
    return Complaint.objects.filter(instansi=instansi, external_id=external_id).exists()


def transition(
    *,
    complaint: Complaint,
    to: str,
    allowed_from: Iterable[str],
    actor,
    action: str,
    note: str = "",
    now: datetime.datetime | None = None,
    **fields,
) -> Complaint:
    """Move ``complaint`` to status ``to`` if it is still in one of ``allowed_from``.

    Extra ``fields`` are written in the same UPDATE. Raises ApplicationError when someone else
    changed the complaint first. Call inside the area service's ``transaction.atomic()``.
    """
    now = now or timezone.now()
    allowed_from = tuple(allowed_from)
    before = complaint.status
    changed = Complaint.objects.filter(pk=complaint.pk, status__in=allowed_from).update(
        status=to, status_changed_at=now, **fields
    )
    if changed != 1:
        raise ApplicationError(
            _("This report was changed by someone else in the meantime. Reload the page and try again.")
        )
    complaint.refresh_from_db()
    Event.objects.create(
        complaint=complaint,
        at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        unit_id=complaint.unit_id,
        action=action,
        from_status=before,
        to_status=to,
        note=note,
    )
    record_audit(
        actor=actor,
        action=f"complaint.{action}",
        obj=complaint,
        unit=complaint.unit,
        before={"status": before},
        after={"status": to, **{k: v for k, v in fields.items() if not hasattr(v, "pk")}},
        now=now,
    )
    _notify(complaint.pk, action)
    return complaint


def add_message(
    *,
    complaint: Complaint,
    kind: str,
    body: str,
    author=None,
    channel: str = "",
    external_id: str = "",
    now: datetime.datetime | None = None,
) -> Message:
    """Append to the thread (idempotent on ``channel`` + ``external_id`` when given)."""
    now = now or timezone.now()
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("The message is empty."), field_errors={"body": [_("Please write a message.")]})
    if external_id:
        found = Message.objects.filter(channel=channel, external_id=external_id).first()
        if found is not None:
            return found
    with transaction.atomic():
        message = Message.objects.create(
            complaint=complaint,
            kind=kind,
            body=body[:DESCRIPTION_MAX],
            author=author if getattr(author, "is_authenticated", False) else None,
            unit_id=complaint.unit_id if kind != Message.Kind.CITIZEN else None,
            channel=channel,
            external_id=external_id,
            created_at=now,
        )
        record_audit(actor=author, action=f"complaint.message.{kind}", obj=complaint, unit=complaint.unit, now=now)
        _notify(complaint.pk, f"message:{kind}:{message.pk}")
    return message


def record_identity_view(*, complaint: Complaint, user, reason: str = "", now: datetime.datetime | None = None) -> None:
    """Log that ``user`` looked at an anonim complainant's identity."""
    if not complaint.is_anonymous:
        return
    now = now or timezone.now()
    with transaction.atomic():
        IdentityView.objects.create(complaint=complaint, user=user, at=now, reason=reason[:200])
        record_audit(actor=user, action="complaint.identity_view", obj=complaint, now=now)


def _notify(complaint_id: int, what: str) -> None:
    """Let the notification rules write their outbox rows in this same transaction."""
    from mutu.complaints import notifications

    notifications.complaint_changed(complaint_id=complaint_id, what=what)
