"""A stored webhook delivery turned into contacts, chat messages and status reports.

:func:`process_delivery` is the task body (and the periodic job's): it claims the delivery with a
conditional UPDATE, so two workers never process one delivery at once, and handles each message
in its own transaction (:func:`receive_message`), so one bad message does not hold back the
others.  Everything is idempotent on the platform's message id: a delivery processed again, or
the same message arriving in another delivery, stores nothing twice.
"""

from __future__ import annotations

import datetime
import json
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from mutu.messaging.conversation import handle_inbound
from mutu.messaging.events import InboundMessage
from mutu.messaging.models import ChannelAccount, ChatMessage, Contact, Platform, WebhookDelivery
from mutu.messaging.outgoing import send_chat
from mutu.messaging.parsing import parse_instagram, parse_whatsapp
from mutu.messaging.statuses import record_status

logger = logging.getLogger("mutu.messaging")

Delivery = WebhookDelivery.Status
# A delivery claimed longer ago than this belongs to a worker that died.
STUCK_AFTER = datetime.timedelta(minutes=10)
# A failed delivery is tried again (everything in it is idempotent) after these waits.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Flood control: more than CHAT_FLOOD_LIMIT messages from one contact in this window.
FLOOD_WINDOW = datetime.timedelta(minutes=10)


class UnknownAccount(Exception):
    """No active ChannelAccount has the id the message was sent to."""


def claimable_deliveries(*, now: datetime.datetime) -> Q:
    """Deliveries a worker may claim: waiting, stuck, or failed and due for a retry."""
    retry_due = Q()
    for attempts, delay in enumerate(RETRY_DELAYS, start=1):
        retry_due |= Q(attempts=attempts, claimed_at__lt=now - delay)
    return (
        Q(status=Delivery.PENDING)
        | Q(status=Delivery.PROCESSING, claimed_at__lt=now - STUCK_AFTER)
        | (Q(status=Delivery.FAILED) & retry_due)
    )


def process_delivery(*, delivery_id: int, now: datetime.datetime) -> str | None:
    """Process one stored delivery; returns its new status, or None if another worker has it
    (or it is done)."""
    claimed = WebhookDelivery.objects.filter(claimable_deliveries(now=now), pk=delivery_id).update(
        status=Delivery.PROCESSING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    try:
        payload = json.loads(delivery.body)
        if not isinstance(payload, dict):
            raise ValueError("the body is not a JSON object")
    except ValueError as exc:
        # Signed by Meta but unreadable: retrying cannot help.
        return _finish(delivery_id, status=Delivery.FAILED, errors=[f"not JSON: {exc}"], now=now, final=True)

    if delivery.platform == Platform.WHATSAPP:
        events, updates = parse_whatsapp(payload)
    else:
        events, updates = parse_instagram(payload), []
    errors: list[str] = []
    for event in events:
        try:
            receive_message(event=event, now=now)
        except UnknownAccount as exc:
            logger.warning("webhook delivery %s: %s", delivery_id, exc)
            errors.append(str(exc))
        except Exception as exc:
            logger.exception("webhook delivery %s: message %s failed", delivery_id, event.message_id)
            errors.append(f"message {event.message_id}: {type(exc).__name__}: {exc}")
    for update in updates:
        try:
            record_status(update=update, now=now)
        except Exception as exc:
            logger.exception("webhook delivery %s: status of %s failed", delivery_id, update.message_id)
            errors.append(f"status {update.message_id}: {type(exc).__name__}: {exc}")
    return _finish(delivery_id, status=Delivery.FAILED if errors else Delivery.DONE, errors=errors, now=now)


def _finish(delivery_id: int, *, status: str, errors: list[str], now: datetime.datetime, final: bool = False) -> str:
    changes: dict = {"status": status, "processed_at": now, "error": "\n".join(errors)[:2000]}
    if final:
        changes["attempts"] = MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery_id, status=Delivery.PROCESSING).update(**changes)
    return status


# --- one message --------------------------------------------------------------------------------


def _locked_contact(*, event: InboundMessage, now: datetime.datetime) -> Contact:
    """The sender's Contact, created if new, locked for this transaction (messages of one person
    are handled one at a time: flood count, conversation state)."""
    contact, _created = Contact.objects.get_or_create(
        platform=event.platform,
        external_id=event.sender_id,
        defaults={"phone": event.sender_phone, "profile_name": event.profile_name, "first_seen_at": now},
    )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    changed = []
    if event.sender_phone and contact.phone != event.sender_phone:
        contact.phone = event.sender_phone
        changed.append("phone")
    if event.profile_name and contact.profile_name != event.profile_name:
        contact.profile_name = event.profile_name
        changed.append("profile_name")
    if contact.last_inbound_at is None or event.sent_at > contact.last_inbound_at:
        contact.last_inbound_at = event.sent_at
        changed.append("last_inbound_at")
    if changed:
        contact.save(update_fields=changed)
    return contact


def _is_flood(*, contact: Contact, now: datetime.datetime) -> bool:
    recent = ChatMessage.objects.filter(
        contact=contact, direction=ChatMessage.Direction.IN, created_at__gt=now - FLOOD_WINDOW
    ).count()
    return recent + 1 > settings.CHAT_FLOOD_LIMIT


def _flood_reply(*, account: ChannelAccount, contact: Contact, now: datetime.datetime) -> None:
    """One polite answer per contact and 10-minute window, however many messages come."""
    window = int(now.timestamp() // FLOOD_WINDOW.total_seconds())
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "You have sent us many messages in a short time. We have kept all of them; please wait a moment "
            "for our answer before sending more."
        )
    send_chat(account=account, contact=contact, text=text, dedupe_key=f"flood:{contact.pk}:{window}", now=now)


def _enqueue_fetch(message_id: int) -> None:
    from mutu.messaging.tasks import fetch_chat_media

    try:
        fetch_chat_media.enqueue(message_id)
    except Exception:  # the periodic job fetches it anyway
        logger.exception("could not enqueue the media fetch of chat message %s", message_id)


def receive_message(*, event: InboundMessage, now: datetime.datetime) -> ChatMessage | None:
    """Store one incoming message and hand it to the guided conversation.

    Returns the new ChatMessage, or None when there is nothing to do: an Instagram echo of our
    own message, or a message id already stored.  Raises UnknownAccount for a message to an
    account we do not have (or that is switched off).
    """
    if event.is_echo:
        return None
    account = (
        ChannelAccount.objects.filter(platform=event.platform, external_id=event.account_id, is_active=True)
        .select_related("instansi", "unit")
        .first()
    )
    if account is None:
        raise UnknownAccount(f"no active {event.platform} account {event.account_id!r} (message {event.message_id})")
    if ChatMessage.objects.filter(platform=event.platform, external_id=event.message_id).exists():
        return None  # cheap early exit for a retried delivery; checked again under the lock
    with transaction.atomic():
        contact = _locked_contact(event=event, now=now)
        if ChatMessage.objects.filter(platform=event.platform, external_id=event.message_id).exists():
            return None
        is_flood = _is_flood(contact=contact, now=now)
        try:
            with transaction.atomic():
                message = ChatMessage.objects.create(
                    platform=event.platform,
                    account=account,
                    contact=contact,
                    direction=ChatMessage.Direction.IN,
                    external_id=event.message_id,
                    kind=event.kind,
                    text=event.text,
                    payload=event.raw,
                    sent_at=event.sent_at,
                    created_at=now,
                    is_flood=is_flood,
                    media_ref=(event.media_id or event.media_url)[:500],
                    media_mime=event.mime_type[:100],
                    media_name=event.filename[:255],
                    media_status=ChatMessage.MediaStatus.PENDING if event.has_media else "",
                    status=ChatMessage.Status.RECEIVED,
                )
        except IntegrityError:
            return None  # stored by a concurrent worker a moment ago
        if event.has_media:
            transaction.on_commit(partial(_enqueue_fetch, message.pk))
        if is_flood:
            _flood_reply(account=account, contact=contact, now=now)
        else:
            handle_inbound(message=message, event=event, now=now)
    return message
