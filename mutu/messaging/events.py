"""Platform payloads turned into plain values, so the rest of the app never reads Meta's JSON.

``mutu.messaging.parsing`` builds these from a webhook body; the conversation engine, the
inbound services and the tests work with them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class InboundMessage:
    platform: str  # Platform.WHATSAPP / Platform.INSTAGRAM
    account_id: str  # WhatsApp metadata.phone_number_id; Instagram recipient.id
    sender_id: str  # wa_id, or the business-scoped user id when wa_id is absent; Instagram IGSID
    message_id: str  # "wamid…" / Instagram "mid"
    sent_at: datetime.datetime  # aware, from the platform's timestamp
    kind: str  # text, image, document, location, interactive, button, audio, sticker, …
    sender_phone: str = ""  # international digits when the platform gives a number
    profile_name: str = ""
    text: str = ""  # text body, caption, or the title of an interactive reply
    reply_id: str = ""  # id of the chosen button or list row (interactive replies)
    media_id: str = ""  # WhatsApp media id (fetched from the media endpoint)
    media_url: str = ""  # Instagram attachment URL
    mime_type: str = ""
    filename: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_echo: bool = False  # Instagram: a copy of a message our own account sent
    raw: dict = field(default_factory=dict)

    @property
    def has_media(self) -> bool:
        return bool(self.media_id or self.media_url)


@dataclass(frozen=True)
class StatusUpdate:
    platform: str
    message_id: str  # the id we got back when we sent the message
    status: str  # sent, delivered, read, failed
    at: datetime.datetime
    recipient_id: str = ""
    errors: list = field(default_factory=list)
