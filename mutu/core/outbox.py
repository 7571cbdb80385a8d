"""The outbox: every message that leaves mutu (email, WhatsApp…) or lands in a staff member's
notifications is first a row here, written in the transaction of the change that causes it.

``enqueue`` writes the row (a second write of the same ``dedupe_key`` is ignored, so each event
is sent once) and asks the background task to deliver after commit.  ``deliver_due`` claims due
rows with a conditional UPDATE — two workers never send one row — and sends them by channel,
retrying with backoff and giving up after ``MAX_ATTEMPTS``.  The periodic job
``deliver_due_job`` is the safety net when the task worker was down.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.core.models import Notification, OutboxMessage

logger = logging.getLogger("mutu.outbox")

Channel = OutboxMessage.Channel
Status = OutboxMessage.Status

# Wait before attempt n+1 after n failed attempts; after MAX_ATTEMPTS the row is FAILED.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)
MAX_ATTEMPTS = 6
# A row claimed longer ago than this belongs to a worker that died.
STUCK_AFTER = datetime.timedelta(minutes=10)
# A channel without a sender (WhatsApp and Instagram until issue 12) is looked at again this late.
UNCONFIGURED_RETRY = datetime.timedelta(hours=1)
NOT_CONFIGURED = "channel not configured"


class ChannelNotConfigured(Exception):
    """No sender for this channel yet: keep the row waiting, do not count an attempt."""


class PermanentFailure(Exception):
    """A refusal no retry can cure (no approved template, the reply window closed, a number the
    platform rejects): the row is FAILED at once instead of burning its remaining attempts."""


def _send_email(message: OutboxMessage, now: datetime.datetime) -> str:
    address = message.address or (message.recipient.email if message.recipient_id else "")
    if not address:
        raise ValueError("no email address")
    send_mail(
        subject=message.subject or "mutu",
        message=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=False,
    )
    return ""


def _send_in_app(message: OutboxMessage, now: datetime.datetime) -> str:
    if not message.recipient_id:
        raise ValueError("no recipient for an in-app notification")
    text = message.subject or message.body
    notification, _created = Notification.objects.get_or_create(
        outbox=message,
        defaults={"user_id": message.recipient_id, "text": text[:300], "url": message.url, "created_at": now},
    )
    return str(notification.pk)


def _not_configured(message: OutboxMessage, now: datetime.datetime) -> str:
    raise ChannelNotConfigured(NOT_CONFIGURED)


# channel → sender(message, now) returning the provider's id ("" if none). Issue 12 registers
# the WhatsApp and Instagram senders with ``register_sender``.
SENDERS: dict[str, Callable[[OutboxMessage, datetime.datetime], str]] = {
    Channel.EMAIL: _send_email,
    Channel.IN_APP: _send_in_app,
    Channel.WHATSAPP: _not_configured,
    Channel.INSTAGRAM: _not_configured,
}


# channel → on_failed(message, error, now), called when a row of the channel is given up.  The
# sender's own writes roll back with the failed attempt, so this is where it records the failure
# on its side (the chat message shows "not delivered").
FAILURE_HANDLERS: dict[str, Callable[[OutboxMessage, str, datetime.datetime], None]] = {}


def register_sender(
    channel: str,
    sender: Callable[[OutboxMessage, datetime.datetime], str],
    *,
    on_failed: Callable[[OutboxMessage, str, datetime.datetime], None] | None = None,
) -> None:
    SENDERS[channel] = sender
    if on_failed is not None:
        FAILURE_HANDLERS[channel] = on_failed
    else:
        FAILURE_HANDLERS.pop(channel, None)


def _given_up(message: OutboxMessage, error: str, now: datetime.datetime) -> None:
    handler = FAILURE_HANDLERS.get(message.channel)
    if handler is None:
        return
    try:
        with transaction.atomic():
            handler(message, error, now)
    except Exception:  # the row is failed either way; the handler's trouble is only logged
        logger.exception("the failure handler of outbox message %s failed", message.pk)


def _schedule_delivery() -> None:
    from mutu.core.tasks import deliver_outbox

    try:
        deliver_outbox.enqueue()
    except Exception:  # the periodic job delivers anyway
        logger.exception("could not enqueue the outbox delivery task")


def _delivery_already_scheduled() -> bool:
    try:
        return any(func is _schedule_delivery for _sids, func, _robust in connection.run_on_commit)
    except (AttributeError, ValueError, TypeError):  # pragma: no cover - Django internals changed
        return False


def enqueue(
    *,
    channel: str,
    dedupe_key: str,
    body: str,
    subject: str = "",
    recipient=None,
    address: str = "",
    url: str = "",
    unit=None,
    instansi=None,
    related: Model | None = None,
    template_name: str = "",
    payload: dict | None = None,
    now: datetime.datetime,
) -> tuple[OutboxMessage, bool]:
    """Write one outgoing message in the caller's transaction; ``(row, created)``.

    A message whose ``dedupe_key`` was already written is not written again (``created`` is
    False and the existing row is returned).
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown outbox channel {channel!r}")
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    row = OutboxMessage(
        channel=channel,
        dedupe_key=dedupe_key[:200],
        body=body,
        subject=subject[:200],
        recipient=recipient,
        address=address[:254],
        url=url[:300],
        unit=unit,
        instansi=instansi if instansi is not None else getattr(unit, "instansi", None),
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        template_name=template_name,
        payload=payload or {},
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another writer recorded the same event between our read and our insert.
        found = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if found is None:
            raise
        return found, False
    if not _delivery_already_scheduled():
        transaction.on_commit(_schedule_delivery)
    return row, True


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0
    reclaimed: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"sent={self.sent} retrying={self.retrying} failed={self.failed} waiting={self.waiting} "
            f"reclaimed={self.reclaimed}"
        )


def reclaim_stuck(*, now: datetime.datetime) -> int:
    """Give rows claimed by a worker that died back to the queue (counted as an attempt)."""
    return OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Status.PENDING,
        next_attempt_at=now,
        claimed_at=None,
        attempts=F("attempts") + 1,
        last_error="delivery interrupted (worker stopped); trying again",
    )


def backoff_after(attempts: int) -> datetime.timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def deliver_due(*, now: datetime.datetime, limit: int = 100) -> DeliveryResult:
    """Send what is due, each row claimed by exactly one worker."""
    result = DeliveryResult()
    result.reclaimed = reclaim_stuck(now=now)
    # Rows that gave up after too many interrupted claims.
    OutboxMessage.objects.filter(status=Status.PENDING, attempts__gte=MAX_ATTEMPTS).update(status=Status.FAILED)
    due = list(
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in due:
        claimed = OutboxMessage.objects.filter(pk=message_id, status=Status.PENDING, next_attempt_at__lte=now).update(
            status=Status.SENDING, claimed_at=now
        )
        if claimed != 1:
            result.skipped += 1
            continue
        _deliver_one(message_id=message_id, now=now, result=result)
    return result


def _deliver_one(*, message_id: int, now: datetime.datetime, result: DeliveryResult) -> None:
    message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
    mine = OutboxMessage.objects.filter(pk=message_id, status=Status.SENDING, claimed_at=now)
    sender = SENDERS.get(message.channel, _not_configured)
    try:
        with transaction.atomic():
            external_id = sender(message, now)
            mine.update(
                status=Status.SENT,
                sent_at=now,
                attempts=F("attempts") + 1,
                last_error="",
                claimed_at=None,
                external_id=external_id or "",
            )
    except ChannelNotConfigured as exc:
        mine.update(
            status=Status.PENDING, claimed_at=None, last_error=str(exc), next_attempt_at=now + UNCONFIGURED_RETRY
        )
        result.waiting += 1
        return
    except PermanentFailure as exc:
        error = str(exc)[:1000]
        logger.warning("outbox message %s failed for good: %s", message_id, error)
        mine.update(status=Status.FAILED, attempts=message.attempts + 1, last_error=error, claimed_at=None)
        result.failed += 1
        _given_up(message, error, now)
        return
    except Exception as exc:
        attempts = message.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:1000]
        logger.warning("outbox message %s attempt %s failed: %s", message_id, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            mine.update(status=Status.FAILED, attempts=attempts, last_error=error, claimed_at=None)
            result.failed += 1
            _given_up(message, error, now)
        else:
            mine.update(
                status=Status.PENDING,
                attempts=attempts,
                last_error=error,
                claimed_at=None,
                next_attempt_at=now + backoff_after(attempts),
            )
            result.retrying += 1
        return
    result.sent += 1
    result.ids.append(message_id)


def deliver_due_job() -> str:
    """Periodic safety net for the delivery task (see ``mutu.core.periodic``)."""
    return str(deliver_due(now=timezone.now()))


def retry_outbox_message(*, message: OutboxMessage, by, now: datetime.datetime) -> OutboxMessage:
    """Send a waiting or failed message again now, with a fresh set of attempts."""
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(pk=message.pk, status__in=[Status.PENDING, Status.FAILED]).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, claimed_at=None
        )
        if changed != 1:
            from django.utils.translation import gettext as _

            raise ApplicationError(_("This message was already sent or is being sent right now."))
        record_audit(
            actor=by,
            action="outbox.retry",
            obj=message,
            unit=message.unit,
            before={"status": message.status, "attempts": message.attempts},
            after={"status": Status.PENDING},
            now=now,
        )
        if not _delivery_already_scheduled():
            transaction.on_commit(_schedule_delivery)
    message.refresh_from_db()
    return message


def mark_notification_read(*, notification: Notification, now: datetime.datetime) -> bool:
    """Mark the user's notification as read (no audit: it is the user's own inbox)."""
    return Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now) == 1


def mark_all_notifications_read(*, user, now: datetime.datetime) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)


# --- reads -------------------------------------------------------------------------------------


# Instansi roles that answer for messages sent before any unit is involved.
OUTBOX_INSTANSI_ROLES = ("instansi_admin", "complaint_verifier")


def outbox_visible_to(*, user):
    """Messages of the units the user manages, and the instansi-level ones (no unit) of the
    instansi where the user is an administrator or the complaint verifier; a superuser sees all."""
    from django.db.models import Q

    from mutu.organisations.selectors import _instansi_ids, units_managed_by

    if not getattr(user, "is_authenticated", False):
        return OutboxMessage.objects.none()
    if user.is_superuser:
        return OutboxMessage.objects.all()
    instansi_ids = _instansi_ids(user, OUTBOX_INSTANSI_ROLES)
    return OutboxMessage.objects.filter(
        Q(unit__in=units_managed_by(user=user)) | Q(unit__isnull=True, instansi_id__in=instansi_ids)
    )


def can_see_outbox(*, user) -> bool:
    from mutu.organisations.selectors import _instansi_ids, units_managed_by

    if getattr(user, "is_superuser", False):
        return True
    return units_managed_by(user=user).exists() or bool(_instansi_ids(user, OUTBOX_INSTANSI_ROLES))


def outbox_problems(*, user):
    """Failed and waiting messages (newest first) for the staff page."""
    return (
        outbox_visible_to(user=user)
        .filter(status__in=[Status.FAILED, Status.PENDING, Status.SENDING])
        .select_related("unit", "recipient")
        .order_by("status", "-created_at")
    )
