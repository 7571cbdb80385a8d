"""Test helpers for the chat channels: signed Meta payloads and a world with chat accounts.

Used by the tests, the benchmark and ``replay_chat_sample``; payloads follow the shapes in
``../shared/reference/channels.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from types import SimpleNamespace

from django.utils import timezone

from mutu.messaging.models import ChannelAccount, MessageTemplate, Platform, TemplatePurpose

WA_PHONE_NUMBER_ID = "106540352242922"
WA_DISPLAY_NUMBER = "+62 811-5400-123"
IG_ACCOUNT_ID = "17841400000000001"


def signature_for(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value Meta sends with ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _ts(at: float | None) -> str:
    return str(int(at if at is not None else time.time()))


def whatsapp_message(
    *,
    message_id: str,
    sender: str = "6281234567890",
    name: str = "Rahmat",
    kind: str = "text",
    text: str = "",
    at: float | None = None,
    phone_number_id: str = WA_PHONE_NUMBER_ID,
    include_wa_id: bool = True,
    user_id: str = "",
    **content,
) -> dict:
    """A webhook body with one incoming WhatsApp message.

    ``kind="text"`` uses ``text``; other kinds take their object as ``content`` (for example
    ``image={"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": "…", "caption": "…"}``).
    ``include_wa_id=False`` with ``user_id`` mimics newer payloads keyed on a business-scoped id.
    """
    message: dict = {"id": message_id, "timestamp": _ts(at), "type": kind}
    contact: dict = {"profile": {"name": name}}
    if include_wa_id:
        message["from"] = sender
        contact["wa_id"] = sender
    if user_id:
        message["from_user_id"] = user_id
        contact["user_id"] = user_id
    if kind == "text":
        message["text"] = {"body": text}
    else:
        message.update(content)
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA-ID",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "628115400123", "phone_number_id": phone_number_id},
                            "contacts": [contact],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def whatsapp_status(
    *,
    message_id: str,
    status: str,
    recipient: str = "6281234567890",
    at: float | None = None,
    phone_number_id: str = WA_PHONE_NUMBER_ID,
    errors: list | None = None,
) -> dict:
    """A webhook body with one status callback for a message we sent."""
    item: dict = {"id": message_id, "status": status, "timestamp": _ts(at), "recipient_id": recipient}
    if errors:
        item["errors"] = errors
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA-ID",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "628115400123", "phone_number_id": phone_number_id},
                            "statuses": [item],
                        },
                    }
                ],
            }
        ],
    }


def instagram_message(
    *,
    mid: str,
    sender: str = "5310000000000001",
    text: str = "",
    attachments: list[dict] | None = None,
    is_echo: bool = False,
    at_ms: int | None = None,
    account_id: str = IG_ACCOUNT_ID,
) -> dict:
    """A webhook body with one Instagram direct message (``is_echo``: one our account sent)."""
    message: dict = {"mid": mid}
    if text:
        message["text"] = text
    if attachments:
        message["attachments"] = attachments
    if is_echo:
        message["is_echo"] = True
    sender_id, recipient_id = (account_id, sender) if is_echo else (sender, account_id)
    timestamp = at_ms if at_ms is not None else int(time.time() * 1000)
    return {
        "object": "instagram",
        "entry": [
            {
                "id": account_id,
                "time": timestamp,
                "messaging": [
                    {
                        "sender": {"id": sender_id},
                        "recipient": {"id": recipient_id},
                        "timestamp": timestamp,
                        "message": message,
                    }
                ],
            }
        ],
    }


def build_chat_world(w: SimpleNamespace) -> SimpleNamespace:
    """Add the Bontang WhatsApp number and Instagram account (instansi level) with templates."""
    now = timezone.now()
    w.wa_account = ChannelAccount.objects.create(
        platform=Platform.WHATSAPP,
        external_id=WA_PHONE_NUMBER_ID,
        instansi=w.bontang,
        display_name="Pengaduan Kota Bontang",
        display_address=WA_DISPLAY_NUMBER,
        created_at=now,
    )
    w.ig_account = ChannelAccount.objects.create(
        platform=Platform.INSTAGRAM,
        external_id=IG_ACCOUNT_ID,
        instansi=w.bontang,
        display_name="@pemkot.bontang",
        display_address="@pemkot.bontang",
        created_at=now,
    )
    for purpose in TemplatePurpose.values:
        MessageTemplate.objects.create(account=w.wa_account, purpose=purpose, name=f"mutu_{purpose}", language="id")
    return w
