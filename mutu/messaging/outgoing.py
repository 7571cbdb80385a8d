"""Every message mutu sends on WhatsApp or Instagram starts here.

:func:`send_chat` writes the ``ChatMessage`` (status "queued") and its outbox row in the caller's
transaction; the outbox's sender (``mutu.messaging.senders``) decides at send time between free
text and the approved template for ``purpose`` (the 24-hour window may have closed while the row
waited), calls the Graph API and stores the platform's message id.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from mutu.core.outbox import enqueue
from mutu.messaging.models import ChannelAccount, ChatMessage, Contact, Conversation

# Purposes that are plain replies in a conversation; they have no template (outside the window
# they are not sent, and the tracking page carries the news).
REPLY = "reply"


def send_chat(
    *,
    account: ChannelAccount,
    contact: Contact,
    text: str,
    dedupe_key: str,
    now: datetime.datetime,
    purpose: str = REPLY,
    params: Sequence[str] = (),
    complaint=None,
    conversation: Conversation | None = None,
    unit=None,
    by=None,
) -> ChatMessage:
    """Queue one outgoing message to ``contact``; a second call with the same ``dedupe_key``
    returns the first message and sends nothing more.

    ``purpose`` is :data:`REPLY` or a ``TemplatePurpose`` value whose template (with ``params``
    in the order ``senders.TEMPLATE_PARAMETERS`` gives) replaces the text outside the window.
    """
    outbox_key = f"chat:{dedupe_key}"
    existing = ChatMessage.objects.filter(outbox__dedupe_key=outbox_key).first()
    if existing is not None:
        return existing
    message = ChatMessage.objects.create(
        platform=account.platform,
        account=account,
        contact=contact,
        conversation=conversation,
        complaint=complaint,
        direction=ChatMessage.Direction.OUT,
        kind="text",
        text=text,
        sent_at=now,
        created_at=now,
        author=by if getattr(by, "is_authenticated", False) else None,
        status=ChatMessage.Status.QUEUED,
        payload={"purpose": purpose, "params": [str(p) for p in params]},
    )
    row, _created = enqueue(
        channel=account.platform,
        dedupe_key=outbox_key,
        body=text,
        address=contact.external_id,
        unit=unit if unit is not None else (getattr(complaint, "unit", None) or account.unit),
        instansi=account.instansi,
        related=message,
        template_name=purpose,
        payload={"chat_message": message.pk, "purpose": purpose, "params": [str(p) for p in params]},
        now=now,
    )
    ChatMessage.objects.filter(pk=message.pk).update(outbox=row)
    message.outbox = row
    return message
