"""Attachments sent by citizens: fetched from Meta, checked, stored like any evidence.

WhatsApp gives a media id: ``GET /{media-id}`` (with the access token) answers the download URL,
type and size, and the URL serves the bytes with the same token.  Download URLs live minutes and
media ids about 7 days, so the fetch runs in a task right after the message is stored, with the
periodic job :func:`mutu.messaging.jobs.fetch_pending_media` as the safety net.  Instagram gives
a URL, fetched without a token and only from Meta's CDN hosts (``INSTAGRAM_MEDIA_HOSTS``).

Type and size are checked from the metadata first (nothing is downloaded that we would refuse),
then by content (``mutu.core.files``).  A refused attachment is answered with what we accept.

Claiming a fetch: a conditional UPDATE from the attempt count read to the next one
(``media_attempts``, ``media_claimed_at``), so two workers never fetch the same attachment at
once; the claim time is the lease of a running fetch, and retries back off by attempt.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mutu.complaints.models import Evidence
from mutu.complaints.services_intake import EVIDENCE_PURPOSE
from mutu.core.errors import ApplicationError
from mutu.core.files import ALLOWED_KINDS, store_upload, validate_upload
from mutu.messaging.client import GraphClient, GraphError, MediaTooLarge, instagram_media_url_allowed
from mutu.messaging.models import ChatMessage, Platform
from mutu.messaging.outgoing import send_chat

logger = logging.getLogger("mutu.messaging")

MediaStatus = ChatMessage.MediaStatus

# Wait before attempt n+1 after attempt n was claimed (also the lease of a fetch in progress).
RETRY_DELAYS = (
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# WhatsApp media ids expire after about 7 days: after that a retry cannot succeed.
GIVE_UP_AFTER = datetime.timedelta(days=7)
_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class MediaRefused(Exception):
    """The attachment is not accepted (too large, forbidden type, address not allowed)."""


# --- claiming -----------------------------------------------------------------------------------


def _claim(*, message_id: int, now: datetime.datetime) -> int | None:
    """Claim the next fetch attempt and return its number, or None when the attachment is not
    pending, a fetch is in progress, or the next retry is not due yet."""
    row = (
        ChatMessage.objects.filter(pk=message_id, media_status=MediaStatus.PENDING)
        .values("media_attempts", "media_claimed_at")
        .first()
    )
    if row is None:
        return None
    attempts, claimed_at = row["media_attempts"], row["media_claimed_at"]
    if claimed_at is not None:
        delay = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
        if now < claimed_at + delay:
            return None
    claimed = ChatMessage.objects.filter(
        pk=message_id, media_status=MediaStatus.PENDING, media_attempts=attempts
    ).update(media_attempts=attempts + 1, media_claimed_at=now)
    return attempts + 1 if claimed == 1 else None


# --- fetching -----------------------------------------------------------------------------------


def _limit_text() -> str:
    return f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}"


def _too_large() -> str:
    return _("The file is too large (maximum %(mb)s MB).") % {"mb": _limit_text()}


def _forbidden_type() -> str:
    return _("Only PDF, PNG and JPEG files are accepted.")


def _same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def _download_whatsapp(message: ChatMessage) -> bytes:
    client = GraphClient.for_platform(Platform.WHATSAPP)
    info = client.media_info(message.media_ref)
    mime = str(info.get("mime_type") or message.media_mime).split(";")[0].strip().lower()
    if mime and mime not in ALLOWED_KINDS:
        raise MediaRefused(_forbidden_type())
    try:
        size = int(info.get("file_size") or 0)
    except (TypeError, ValueError):
        size = 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise MediaRefused(_too_large())
    url = str(info.get("url") or "")
    # The access token goes with the download: never over plain HTTP to another host.
    if not url or not (urlsplit(url).scheme == "https" or _same_origin(url, client.base_url)):
        raise GraphError("the media endpoint gave no usable download URL")
    return client.download(url, max_bytes=settings.UPLOAD_MAX_BYTES)


def _download_instagram(message: ChatMessage) -> bytes:
    if not instagram_media_url_allowed(message.media_ref):
        raise MediaRefused(_("The attachment's address is not one of Instagram's."))
    client = GraphClient.for_platform(Platform.INSTAGRAM)
    return client.download(message.media_ref, max_bytes=settings.UPLOAD_MAX_BYTES, authenticated=False)


def _download_and_store(message: ChatMessage):
    """The StoredFile made of the message's attachment; raises MediaRefused or GraphError."""
    try:
        download = _download_whatsapp if message.platform == Platform.WHATSAPP else _download_instagram
        data = download(message)
    except MediaTooLarge as exc:
        raise MediaRefused(_too_large()) from exc
    try:
        _kind, mime = validate_upload(data)
        name = Path(message.media_name).name or f"{message.kind}-{message.pk}.{_EXTENSIONS[mime]}"
        upload = SimpleUploadedFile(name[:200], data, content_type=mime)
        return store_upload(upload=upload, purpose=EVIDENCE_PURPOSE, unit=message.account.unit)
    except ApplicationError as exc:
        raise MediaRefused(str(exc.message)) from exc


def fetch_media(*, message_id: int, now: datetime.datetime) -> str:
    """Fetch, check and store one inbound attachment (the task body); returns what happened:
    "stored", "rejected", "failed", "retry" or "skipped" (not pending / claimed elsewhere)."""
    with translation.override(settings.LANGUAGE_CODE):
        attempt = _claim(message_id=message_id, now=now)
        if attempt is None:
            return "skipped"
        message = ChatMessage.objects.select_related("account", "contact").get(pk=message_id)
        try:
            stored = _download_and_store(message)
        except MediaRefused as exc:
            _finish(message=message, status=MediaStatus.REJECTED, error=str(exc), now=now)
            return "rejected"
        except GraphError as exc:
            expired = exc.status in (404, 410)
            if expired or attempt >= MAX_ATTEMPTS or now - message.created_at >= GIVE_UP_AFTER:
                logger.warning("gave up fetching the attachment of chat message %s: %s", message_id, exc)
                _finish(message=message, status=MediaStatus.FAILED, error=str(exc), now=now)
                return "failed"
            logger.info("fetching the attachment of chat message %s failed, will retry: %s", message_id, exc)
            ChatMessage.objects.filter(pk=message_id, media_status=MediaStatus.PENDING, media_attempts=attempt).update(
                media_error=str(exc)[:300]
            )
            return "retry"
        with transaction.atomic():
            done = ChatMessage.objects.filter(pk=message_id, media_status=MediaStatus.PENDING).update(
                media_status=MediaStatus.STORED, media_file=stored, media_mime=stored.content_type, media_error=""
            )
            if done != 1:  # pragma: no cover - only when a lease ran out during the download
                logger.warning(
                    "attachment of chat message %s was settled elsewhere; file %s unused", message_id, stored
                )
                return "skipped"
            attach_chat_media(message=message, now=now)
        return "stored"


def _finish(*, message: ChatMessage, status: str, error: str, now: datetime.datetime) -> None:
    """Settle a refused or lost attachment and tell the citizen (once per message)."""
    if status == MediaStatus.REJECTED:
        text = _(
            "Sorry, we could not accept your attachment: %(reason)s We accept photos (JPEG or PNG) and PDF "
            "documents of at most %(mb)s MB."
        ) % {"reason": error, "mb": _limit_text()}
    else:
        text = _("Sorry, we could not fetch your attachment. Please send it again.")
    with transaction.atomic():
        settled = ChatMessage.objects.filter(pk=message.pk, media_status=MediaStatus.PENDING).update(
            media_status=status, media_error=error[:300]
        )
        # A flooding sender already had their one reply for the window.
        if settled == 1 and not message.is_flood:
            send_chat(
                account=message.account,
                contact=message.contact,
                text=text,
                dedupe_key=f"media:{message.pk}:{status}",
                now=now,
                conversation=message.conversation,
                complaint=message.complaint,
            )


# --- evidence -----------------------------------------------------------------------------------


def attach_chat_media(*, message: ChatMessage, now: datetime.datetime) -> bool:
    """Make the stored attachment of ``message`` an evidence file of its complaint; True when
    this call added it.  Idempotent: the fetch (when the complaint exists already) and the
    conversation (when it files the complaint) both call it, whichever comes last attaches."""
    with transaction.atomic():
        locked = (
            ChatMessage.objects.select_for_update()
            .filter(pk=message.pk)
            .only("pk", "complaint_id", "media_file_id", "media_status")
            .first()
        )
        if locked is None or not locked.complaint_id or not locked.media_file_id:
            return False
        if locked.media_status != MediaStatus.STORED:
            return False
        if Evidence.objects.filter(complaint_id=locked.complaint_id, file_id=locked.media_file_id).exists():
            return False
        Evidence.objects.create(
            complaint_id=locked.complaint_id, file_id=locked.media_file_id, from_citizen=True, created_at=now
        )
        return True
