"""Writes of the intake area: the web form with its email code, the citizen's tracking page
(reply, reopen, rating) and the staff's recording of walk-in, letter, phone and social-media items.

Every item still lands through ``services.submit_complaint`` and every status change goes through
``services.transition``. Uploaded evidence is checked completely before anything is stored, so a
refused file leaves no trace.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutu.complaints import deadlines, services
from mutu.complaints.models import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ContactCode,
    Deadline,
    Evidence,
    Message,
    Stage,
    Status,
)
from mutu.complaints.senders import code_sender
from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.core.files import private_root, store_upload, validate_upload
from mutu.core.models import StoredFile
from mutu.organisations.models import Instansi, Location, Unit
from mutu.standards.models import Service

EVIDENCE_PURPOSE = "complaint-evidence"
MAX_EVIDENCE_FILES = 5
CODE_DIGITS = 6
CODE_MINUTES = 15
CODE_MAX_ATTEMPTS = 5
# A citizen may ask for this many codes per report, at least this many seconds apart.
CODE_MAX_SENDS = 3
CODE_RESEND_SECONDS = 60
RATING_COMMENT_MAX = 2000
RECORD_CHANNELS = (Channel.WALK_IN, Channel.LETTER, Channel.PHONE)
RESOLVED_STATUSES = (Status.ANSWERED, Status.CLOSED)

logger = logging.getLogger("mutu.complaints")


# --- evidence ---------------------------------------------------------------------------------


def check_uploads(uploads: Sequence[UploadedFile]) -> None:
    """Refuse the whole set if any file is too large, empty or not what it claims to be."""
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ApplicationError(
            _("Please attach at most %(n)s files.") % {"n": MAX_EVIDENCE_FILES},
            field_errors={"evidence": [_("Please attach at most %(n)s files.") % {"n": MAX_EVIDENCE_FILES}]},
        )
    limit = settings.UPLOAD_MAX_BYTES
    for upload in uploads:
        try:
            if upload.size and upload.size > limit:
                raise ApplicationError(
                    _("The file is too large (maximum %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)}
                )
            upload.seek(0)
            validate_upload(upload.read(limit + 1), max_bytes=limit)
        except ApplicationError as exc:
            message = _("%(name)s: %(problem)s") % {"name": upload.name, "problem": exc.message}
            raise ApplicationError(message, field_errors={"evidence": [message]}) from exc
        finally:
            upload.seek(0)


def _store_all(uploads: Sequence[UploadedFile], *, by, unit: Unit | None) -> list[StoredFile]:
    """Store checked uploads; if one still fails (a broken image), remove the ones written."""
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            upload.seek(0)
            stored.append(store_upload(upload=upload, purpose=EVIDENCE_PURPOSE, unit=unit, by=by))
    except ApplicationError as exc:
        _remove_files(stored)
        message = _("%(name)s: %(problem)s") % {"name": upload.name, "problem": exc.message}
        raise ApplicationError(message, field_errors={"evidence": [message]}) from exc
    except Exception:
        _remove_files(stored)
        raise
    return stored


def _remove_files(stored: list[StoredFile]) -> None:
    for item in stored:
        (private_root() / item.relative_path).unlink(missing_ok=True)


@contextmanager
def _evidence_stored(uploads: Sequence[UploadedFile], *, by, unit: Unit | None) -> Iterator[list[StoredFile]]:
    """Store checked uploads for the write inside the ``with``; if that write fails, the files
    written are removed again (the database rows roll back with the caller's transaction)."""
    stored = _store_all(uploads, by=by, unit=unit)
    try:
        yield stored
    except Exception:
        _remove_files(stored)
        raise


# --- web form ---------------------------------------------------------------------------------


def submit_web_complaint(
    *,
    instansi: Instansi,
    kind: str,
    title: str,
    description: str,
    occurred_on: datetime.date | None = None,
    service: Service | None = None,
    location: Location | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    reporter_nik: str = "",
    is_anonymous: bool = False,
    is_confidential: bool = False,
    consent: bool = False,
    uploads: Sequence[UploadedFile] = (),
    channel: str = Channel.WEB,
    now: datetime.datetime,
) -> Complaint:
    """The public form (and the API, which follows the same rules): files checked first, then
    one complaint and (with an email) a code."""
    if service is not None and service.unit.instansi_id != instansi.pk:
        raise ApplicationError(
            _("Some fields need attention."),
            field_errors={"service": [_("This service does not belong to the chosen government office.")]},
        )
    if occurred_on is not None and occurred_on > timezone.localdate(now) + datetime.timedelta(days=1):
        raise ApplicationError(
            _("Some fields need attention."),
            field_errors={"occurred_on": [_("The date cannot be in the future.")]},
        )
    check_uploads(uploads)
    with transaction.atomic(), _evidence_stored(uploads, by=None, unit=service.unit if service else None) as stored:
        complaint = services.submit_complaint(
            instansi=instansi,
            channel=channel,
            kind=kind,
            title=title,
            description=description,
            occurred_on=occurred_on,
            service=service,
            location=location,
            suggested_unit=service.unit if service else None,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            reporter_phone=reporter_phone,
            reporter_nik=reporter_nik,
            is_anonymous=is_anonymous,
            is_confidential=is_confidential,
            consent=consent,
            evidence=stored,
            now=now,
        )
        if complaint.reporter_email:
            _issue_code(complaint=complaint, now=now)
    return complaint


def _hash_code(complaint_id: int, code: str) -> str:
    message = f"complaint-contact:{complaint_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _issue_code(*, complaint: Complaint, now: datetime.datetime) -> ContactCode:
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    # A new code replaces any earlier one still waiting.
    ContactCode.objects.filter(
        complaint=complaint, medium=ContactCode.Medium.EMAIL, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    row = ContactCode.objects.create(
        complaint=complaint,
        medium=ContactCode.Medium.EMAIL,
        address=complaint.reporter_email,
        code_hash=_hash_code(complaint.pk, code),
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
    )
    record_audit(actor=None, action="complaint.contact_code", obj=complaint, after={"medium": "email"}, now=now)
    address, tracking = complaint.reporter_email, complaint.tracking_code
    transaction.on_commit(lambda: _send_code(address=address, code=code, tracking=tracking))
    return row


def _send_code(*, address: str, code: str, tracking: str) -> None:
    """Send after commit; a mail server that fails must not turn an accepted report into an error.

    The code is not put in the outbox (it would sit there in clear text); the citizen asks for a
    new one from the confirmation page, and the failure is logged for the administrator.
    """
    try:
        code_sender().send(address=address, code=code, tracking_code=tracking, minutes=CODE_MINUTES)
    except Exception:
        logger.exception("could not send the confirmation code for report %s", tracking)


def resend_email_code(*, complaint: Complaint, now: datetime.datetime) -> ContactCode:
    """Send a fresh code (limited in number and frequency)."""
    if not complaint.reporter_email or complaint.email_confirmed_at:
        raise ApplicationError(_("There is no email address waiting for confirmation."))
    with transaction.atomic():
        sent = list(
            ContactCode.objects.filter(complaint=complaint, medium=ContactCode.Medium.EMAIL).order_by("-created_at")[
                :CODE_MAX_SENDS
            ]
        )
        if len(sent) >= CODE_MAX_SENDS:
            raise ApplicationError(
                _(
                    "We have already sent %(n)s codes. Your report is received anyway; "
                    "keep your tracking code to follow it."
                )
                % {"n": CODE_MAX_SENDS}
            )
        if sent and (now - sent[0].created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise ApplicationError(_("Please wait a minute before asking for a new code."))
        return _issue_code(complaint=complaint, now=now)


def _try_code(*, complaint: Complaint, medium: str, code: str, now: datetime.datetime) -> ApplicationError | None:
    """One try of the latest code of ``medium``, inside the caller's transaction: None when it is
    right (the code is used up), else the refusal the caller raises *after* committing, so the
    counted try stays counted.  An expired code or no tries left raise at once."""
    row = (
        ContactCode.objects.filter(complaint=complaint, medium=medium, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if row is None or row.expires_at <= now:
        raise ApplicationError(
            _("This code has expired. Ask for a new code."), field_errors={"code": [_("Ask for a new code.")]}
        )
    # Count the try first, conditionally, so parallel guesses cannot exceed the limit.
    counted = ContactCode.objects.filter(pk=row.pk, attempts__lt=CODE_MAX_ATTEMPTS).update(attempts=F("attempts") + 1)
    if not counted:
        raise ApplicationError(
            _("Too many wrong codes. Ask for a new code."), field_errors={"code": [_("Ask for a new code.")]}
        )
    row.refresh_from_db(fields=["attempts"])
    if len(code) != CODE_DIGITS or not hmac.compare_digest(row.code_hash, _hash_code(complaint.pk, code)):
        left = CODE_MAX_ATTEMPTS - row.attempts
        if left <= 0:
            message = _("The code is not right and no tries are left. Ask for a new code.")
        else:
            message = _("The code is not right. You have %(n)s tries left.") % {"n": left}
        return ApplicationError(message, field_errors={"code": [message]})
    ContactCode.objects.filter(pk=row.pk).update(used_at=now)
    return None


def confirm_email(*, complaint: Complaint, code: str, now: datetime.datetime) -> Complaint:
    """Check the typed code; success marks the email address as confirmed."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if complaint.email_confirmed_at:
        return complaint
    with transaction.atomic():
        failure = _try_code(complaint=complaint, medium=ContactCode.Medium.EMAIL, code=code, now=now)
        if failure is None:
            Complaint.objects.filter(pk=complaint.pk).update(email_confirmed_at=now)
            complaint.email_confirmed_at = now
            record_audit(actor=None, action="complaint.email_confirmed", obj=complaint, now=now)
            # The "received" email waits for a confirmed address; its dedupe key keeps it single.
            services._notify(complaint.pk, "email_confirmed")
    if failure is not None:
        raise failure
    return complaint


# --- WhatsApp number confirmation -------------------------------------------------------------
#
# The web form's phone number may be confirmed like the email: a one-time code, sent as WhatsApp's
# authentication template through the outbox (``send_chat``; the sender blanks the code from the
# stored copies once it went out).  A confirmed number then also gets the report's news by
# WhatsApp (``notifications``).  Offered only where the instansi has a WhatsApp account with an
# approved confirmation template.


def _phone_route(complaint: Complaint):
    """(account, digits) to send a code through, or None when no confirmation is possible."""
    from mutu.messaging.accounts import account_for, normalise_phone, template_for
    from mutu.messaging.models import Platform, TemplatePurpose

    digits = normalise_phone(complaint.reporter_phone)
    if not digits:
        return None
    account = account_for(platform=Platform.WHATSAPP, unit=complaint.unit, instansi=complaint.instansi)
    if account is None:
        return None
    if template_for(account=account, purpose=TemplatePurpose.CONFIRMATION_CODE, unit=complaint.unit) is None:
        return None
    return account, digits


def phone_confirmation_offered(*, complaint: Complaint) -> bool:
    """A phone number not confirmed yet, and a WhatsApp account that can send the code."""
    if not complaint.reporter_phone or complaint.phone_confirmed_at is not None:
        return False
    return _phone_route(complaint) is not None


def phone_code_sent(*, complaint: Complaint, now: datetime.datetime) -> bool:
    return ContactCode.objects.filter(
        complaint=complaint, medium=ContactCode.Medium.PHONE, used_at__isnull=True, expires_at__gt=now
    ).exists()


def send_phone_code(*, complaint: Complaint, now: datetime.datetime) -> ContactCode:
    """Send a code to the report's WhatsApp number (limited in number and frequency)."""
    from mutu.messaging.accounts import whatsapp_contact_for_phone
    from mutu.messaging.models import TemplatePurpose
    from mutu.messaging.outgoing import send_chat

    route = _phone_route(complaint) if complaint.phone_confirmed_at is None else None
    if not complaint.reporter_phone or route is None:
        raise ApplicationError(_("There is no WhatsApp number waiting for confirmation."))
    account, digits = route
    with transaction.atomic():
        sent = list(
            ContactCode.objects.filter(complaint=complaint, medium=ContactCode.Medium.PHONE).order_by("-created_at")[
                :CODE_MAX_SENDS
            ]
        )
        if len(sent) >= CODE_MAX_SENDS:
            raise ApplicationError(
                _(
                    "We have already sent %(n)s codes. Your report is received anyway; "
                    "keep your tracking code to follow it."
                )
                % {"n": CODE_MAX_SENDS}
            )
        if sent and (now - sent[0].created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise ApplicationError(_("Please wait a minute before asking for a new code."))
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        ContactCode.objects.filter(
            complaint=complaint, medium=ContactCode.Medium.PHONE, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        row = ContactCode.objects.create(
            complaint=complaint,
            medium=ContactCode.Medium.PHONE,
            address=digits,
            code_hash=_hash_code(complaint.pk, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
        )
        with translation.override(settings.LANGUAGE_CODE):
            # What staff see in the chat thread: never the code itself.
            text = _("Confirmation code for report %(code)s (WhatsApp authentication template).") % {
                "code": complaint.tracking_code
            }
        send_chat(
            account=account,
            contact=whatsapp_contact_for_phone(phone=digits, now=now),
            text=text,
            dedupe_key=f"complaint:{complaint.pk}:phone-code:{row.pk}",
            now=now,
            purpose=TemplatePurpose.CONFIRMATION_CODE,
            params=(code,),
            complaint=complaint,
        )
        record_audit(actor=None, action="complaint.contact_code", obj=complaint, after={"medium": "phone"}, now=now)
    return row


def confirm_phone(*, complaint: Complaint, code: str, now: datetime.datetime) -> Complaint:
    """Check the code typed from WhatsApp; success marks the phone number as confirmed, and the
    report's news then also reaches that WhatsApp number."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if complaint.phone_confirmed_at:
        return complaint
    with transaction.atomic():
        failure = _try_code(complaint=complaint, medium=ContactCode.Medium.PHONE, code=code, now=now)
        if failure is None:
            Complaint.objects.filter(pk=complaint.pk).update(phone_confirmed_at=now)
            complaint.phone_confirmed_at = now
            record_audit(actor=None, action="complaint.phone_confirmed", obj=complaint, now=now)
    if failure is not None:
        raise failure
    return complaint


# --- tracking page ----------------------------------------------------------------------------


def citizen_reply(
    *,
    complaint: Complaint,
    body: str,
    uploads: Sequence[UploadedFile] = (),
    channel: str = Channel.WEB,
    external_id: str = "",
    now: datetime.datetime,
) -> Message:
    """The citizen adds information or replies (on /lacak, or by chat with the chat message's id
    as ``external_id``); a report waiting for them goes back to work."""
    if complaint.status not in OPEN_STATUSES:
        raise ApplicationError(_("This report is closed. If the answer did not solve it, ask to reopen it."))
    if not (body or "").strip():
        raise ApplicationError(_("The message is empty."), field_errors={"body": [_("Please write a message.")]})
    check_uploads(uploads)
    with transaction.atomic(), _evidence_stored(uploads, by=None, unit=complaint.unit) as stored:
        message = services.add_message(
            complaint=complaint,
            kind=Message.Kind.CITIZEN,
            body=body,
            channel=channel,
            external_id=external_id,
            now=now,
        )
        for item in stored:
            Evidence.objects.create(complaint=complaint, message=message, file=item, from_citizen=True, created_at=now)
        back_to = {Status.NEEDS_INFO: Status.SUBMITTED, Status.WAITING_CITIZEN: Status.IN_PROGRESS}
        if complaint.status in back_to:
            paused_since = complaint.paused_since
            services.transition(
                complaint=complaint,
                to=back_to[complaint.status],
                allowed_from=(complaint.status,),
                actor=None,
                action="citizen_replied",
                paused_since=None,
                now=now,
            )
            if paused_since is not None:
                deadlines.resume_after_pause(complaint=complaint, paused_since=paused_since, now=now)
            deadlines.meet_stage(complaint=complaint, stage=Stage.CITIZEN_REPLY, now=now)
    return message


def reopen_window(*, complaint: Complaint, now: datetime.datetime) -> Deadline | None:
    """The open REOPEN_WINDOW deadline, if the citizen may still ask to reopen now."""
    if complaint.status not in RESOLVED_STATUSES:
        return None
    return (
        Deadline.objects.filter(
            complaint=complaint, stage=Stage.REOPEN_WINDOW, cancelled_at__isnull=True, started_at__lte=now
        )
        .filter(due_at__gte=now)
        .order_by("-started_at")
        .first()
    )


def request_reopen(*, complaint: Complaint, reason: str, now: datetime.datetime) -> Complaint:
    """Within the reopen window after an answer, the citizen sends the report back to the unit."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Please tell us why the answer did not solve your problem."),
            field_errors={"reason": [_("Please tell us why the answer did not solve your problem.")]},
        )
    if reopen_window(complaint=complaint, now=now) is None:
        raise ApplicationError(_("This report can no longer be reopened. You may send a new report."))
    with transaction.atomic():
        services.add_message(complaint=complaint, kind=Message.Kind.CITIZEN, body=reason, channel=Channel.WEB, now=now)
        services.transition(
            complaint=complaint,
            to=Status.REOPENED,
            allowed_from=RESOLVED_STATUSES,
            actor=None,
            action="reopened",
            note=reason[:500],
            reopen_count=complaint.reopen_count + 1,
            closed_at=None,
            now=now,
        )
        deadlines.meet_stage(complaint=complaint, stage=Stage.REOPEN_WINDOW, now=now)
        deadlines.cancel_stages(complaint=complaint, stages=(Stage.AUTO_CLOSE,), now=now)
        category = complaint.category
        if category is not None:
            deadlines.start_stage(
                complaint=complaint,
                stage=Stage.COMPLETION,
                now=now,
                days=category.completion_days,
                day_kind=category.day_kind,
            )
        else:
            deadlines.start_stage(complaint=complaint, stage=Stage.COMPLETION, now=now)
    return complaint


def rate_handling(*, complaint: Complaint, rating: int, comment: str = "", now: datetime.datetime) -> Complaint:
    """The citizen rates the handling 1–5 once, after the answer."""
    if rating not in range(1, 6):
        raise ApplicationError(
            _("Choose a rating from 1 to 5."), field_errors={"rating": [_("Choose a rating from 1 to 5.")]}
        )
    comment = (comment or "").strip()[:RATING_COMMENT_MAX]
    with transaction.atomic():
        changed = Complaint.objects.filter(pk=complaint.pk, status__in=RESOLVED_STATUSES, rating__isnull=True).update(
            rating=rating, rating_comment=comment
        )
        if changed != 1:
            if complaint.rating is not None or Complaint.objects.filter(pk=complaint.pk, rating__isnull=False).exists():
                raise ApplicationError(_("You have already rated the handling of this report. Thank you."))
            raise ApplicationError(_("You can rate the handling once the report is answered."))
        complaint.rating, complaint.rating_comment = rating, comment
        record_audit(
            actor=None, action="complaint.rate", obj=complaint, unit=complaint.unit, after={"rating": rating}, now=now
        )
    return complaint


# --- staff recording --------------------------------------------------------------------------


def record_complaint(
    *,
    recorder,
    instansi: Instansi,
    channel: str,
    kind: str,
    title: str,
    description: str,
    occurred_on: datetime.date | None = None,
    service: Service | None = None,
    location: Location | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    reporter_nik: str = "",
    is_anonymous: bool = False,
    is_confidential: bool = False,
    citizen_agreed: bool = False,
    source_url: str = "",
    source_name: str = "",
    uploads: Sequence[UploadedFile] = (),
    now: datetime.datetime,
) -> Complaint:
    """An officer records a walk-in, letter, phone or social-media item on the citizen's behalf."""
    errors: dict[str, list[str]] = {}
    if channel not in (*RECORD_CHANNELS, Channel.SOCIAL_MEDIA):
        errors["channel"] = [_("Choose one of the listed options.")]
    if channel in RECORD_CHANNELS and not citizen_agreed:
        errors["citizen_agreed"] = [_("Record it only when the citizen agreed to the processing of their data.")]
    if channel == Channel.SOCIAL_MEDIA and not source_url:
        errors["source_url"] = [_("Give the link to the post.")]
    if service is not None and service.unit.instansi_id != instansi.pk:
        errors["service"] = [_("This service does not belong to the chosen government office.")]
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    check_uploads(uploads)
    with transaction.atomic(), _evidence_stored(uploads, by=recorder, unit=service.unit if service else None) as stored:
        complaint = services.submit_complaint(
            instansi=instansi,
            channel=channel,
            kind=kind,
            title=title,
            description=description,
            occurred_on=occurred_on,
            service=service,
            location=location,
            suggested_unit=service.unit if service else None,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            reporter_phone=reporter_phone,
            reporter_nik=reporter_nik,
            is_anonymous=is_anonymous,
            is_confidential=is_confidential,
            consent=citizen_agreed,
            source_url=source_url,
            source_name=source_name,
            recorded_by=recorder,
            evidence=stored,
            now=now,
        )
    return complaint
