"""Meta webhook bodies turned into :mod:`mutu.messaging.events` values.

The shapes follow ``../shared/reference/channels.md``.  Meta adds fields and message types over
time and a body can carry several entries, so every item is read defensively: an item that lacks
what we need (an id, a sender, a timestamp) is skipped and logged, never allowed to make the
whole delivery fail.  Unknown message types are kept with their type name as ``kind`` so that
nothing a citizen sent is lost.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal, InvalidOperation

from mutu.messaging.events import InboundMessage, StatusUpdate
from mutu.messaging.models import Platform

logger = logging.getLogger("mutu.messaging")

# WhatsApp message types whose object carries a media id to fetch from the media endpoint.
# Audio and video are fetched too: the type check refuses them and the citizen is told what we
# accept, instead of the attachment vanishing silently.  Stickers are not evidence.
WHATSAPP_MEDIA_KINDS = ("image", "document", "audio", "video")
# Instagram attachment types that point at a file; "file" is a document.
INSTAGRAM_MEDIA_KINDS = {"image": "image", "file": "document", "audio": "audio", "video": "video"}


class _Malformed(Exception):
    pass


def _dicts(value) -> list[dict]:
    """The dict items of a JSON list (anything else is treated as empty)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _instant(value, *, milliseconds: bool = False) -> datetime.datetime:
    """A platform timestamp (unix seconds as a string on WhatsApp, milliseconds on Instagram)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise _Malformed(f"bad timestamp {value!r}") from exc
    if milliseconds:
        number = number / 1000
    try:
        return datetime.datetime.fromtimestamp(number, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _Malformed(f"bad timestamp {value!r}") from exc


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --- WhatsApp ---------------------------------------------------------------------------------


def parse_whatsapp(payload: dict) -> tuple[list[InboundMessage], list[StatusUpdate]]:
    """Messages and status callbacks of a WhatsApp Cloud API webhook body."""
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    for entry in _dicts(_dict(payload).get("entry")):
        for change in _dicts(entry.get("changes")):
            value = _dict(change.get("value"))
            account_id = _text(_dict(value.get("metadata")).get("phone_number_id"))
            contacts = _dicts(value.get("contacts"))
            for item in _dicts(value.get("messages")):
                try:
                    messages.append(_whatsapp_message(item, account_id=account_id, contacts=contacts))
                except _Malformed as exc:
                    logger.warning("skipped a malformed WhatsApp message: %s", exc)
            for item in _dicts(value.get("statuses")):
                try:
                    statuses.append(_whatsapp_status(item))
                except _Malformed as exc:
                    logger.warning("skipped a malformed WhatsApp status: %s", exc)
    return messages, statuses


def _whatsapp_contact(item: dict, contacts: list[dict]) -> dict:
    """The ``contacts[]`` entry of the message's sender (matched on wa_id, then user id)."""
    wa_id = _text(item.get("from"))
    user_id = _text(item.get("from_user_id"))
    for contact in contacts:
        if wa_id and _text(contact.get("wa_id")) == wa_id:
            return contact
        if user_id and _text(contact.get("user_id")) == user_id:
            return contact
    # One message, one contact: the usual body.  Several contacts and no match: don't guess.
    return contacts[0] if len(contacts) == 1 else {}


def _whatsapp_message(item: dict, *, account_id: str, contacts: list[dict]) -> InboundMessage:
    message_id = _text(item.get("id"))
    if not message_id:
        raise _Malformed("message without id")
    if not account_id:
        raise _Malformed(f"message {message_id} without metadata.phone_number_id")
    contact = _whatsapp_contact(item, contacts)
    # The number (wa_id) keys a person when present; newer payloads may carry only a
    # business-scoped user id.
    wa_id = _text(item.get("from")) or _text(contact.get("wa_id"))
    user_id = _text(item.get("from_user_id")) or _text(contact.get("user_id"))
    sender_id = wa_id or user_id
    if not sender_id:
        raise _Malformed(f"message {message_id} without a sender")
    kind = _text(item.get("type")) or "unknown"
    fields: dict = {}
    body = _dict(item.get(kind))
    if kind == "text":
        fields["text"] = _text(body.get("body"))
    elif kind in WHATSAPP_MEDIA_KINDS or kind == "sticker":
        if kind in WHATSAPP_MEDIA_KINDS:
            fields["media_id"] = _text(body.get("id"))
        fields["mime_type"] = _text(body.get("mime_type"))
        fields["text"] = _text(body.get("caption"))
        fields["filename"] = _text(body.get("filename"))
    elif kind == "location":
        fields["latitude"] = _decimal(body.get("latitude"))
        fields["longitude"] = _decimal(body.get("longitude"))
        fields["text"] = ", ".join(part for part in (_text(body.get("name")), _text(body.get("address"))) if part)
    elif kind == "interactive":
        reply = _dict(body.get("button_reply")) or _dict(body.get("list_reply"))
        fields["reply_id"] = _text(reply.get("id"))
        fields["text"] = _text(reply.get("title"))
    elif kind == "button":
        fields["reply_id"] = _text(body.get("payload"))
        fields["text"] = _text(body.get("text"))
    elif kind == "reaction":
        fields["text"] = _text(body.get("emoji"))
    return InboundMessage(
        platform=Platform.WHATSAPP,
        account_id=account_id,
        sender_id=sender_id,
        message_id=message_id,
        sent_at=_instant(item.get("timestamp")),
        kind=kind[:20],
        sender_phone=wa_id if wa_id.isdigit() else "",
        profile_name=_text(_dict(contact.get("profile")).get("name"))[:150],
        raw=item,
        **fields,
    )


def _whatsapp_status(item: dict) -> StatusUpdate:
    message_id = _text(item.get("id"))
    status = _text(item.get("status")).lower()
    if not message_id or not status:
        raise _Malformed("status without id or status")
    return StatusUpdate(
        platform=Platform.WHATSAPP,
        message_id=message_id,
        status=status[:10],
        at=_instant(item.get("timestamp")),
        recipient_id=_text(item.get("recipient_id")),
        errors=_dicts(item.get("errors")),
    )


# --- Instagram --------------------------------------------------------------------------------


def parse_instagram(payload: dict) -> list[InboundMessage]:
    """Direct messages of an Instagram messaging webhook body (echoes included, marked)."""
    payload = _dict(payload)
    if payload.get("object") not in (None, "instagram"):
        logger.warning("an Instagram webhook body for object %r was ignored", payload.get("object"))
        return []
    messages: list[InboundMessage] = []
    for entry in _dicts(payload.get("entry")):
        for item in _dicts(entry.get("messaging")):
            try:
                messages.extend(_instagram_messages(item))
            except _Malformed as exc:
                logger.warning("skipped a malformed Instagram message: %s", exc)
    return messages


def _instagram_messages(item: dict) -> list[InboundMessage]:
    sender = _text(_dict(item.get("sender")).get("id"))
    recipient = _text(_dict(item.get("recipient")).get("id"))
    message = _dict(item.get("message"))
    postback = _dict(item.get("postback"))
    if not message and not postback:
        return []  # read receipts, reactions, typing…: not messages
    if not sender or not recipient:
        raise _Malformed("message without sender or recipient")
    is_echo = bool(message.get("is_echo"))
    # An echo is a copy of what our account sent: the account is the sender.
    account_id, person = (sender, recipient) if is_echo else (recipient, sender)
    sent_at = _instant(item.get("timestamp"), milliseconds=True)
    common = {
        "platform": Platform.INSTAGRAM,
        "account_id": account_id,
        "sender_id": person,
        "sent_at": sent_at,
        "is_echo": is_echo,
        "raw": item,
    }
    if postback:
        mid = _text(postback.get("mid"))
        if not mid:
            raise _Malformed("postback without mid")
        return [
            InboundMessage(
                message_id=mid,
                kind="button",
                text=_text(postback.get("title")),
                reply_id=_text(postback.get("payload")),
                **common,
            )
        ]
    mid = _text(message.get("mid"))
    if not mid:
        raise _Malformed("message without mid")
    text = _text(message.get("text"))
    attachments = _dicts(message.get("attachments"))
    if not attachments:
        kind = "unsupported" if message.get("is_unsupported") else "text"
        return [InboundMessage(message_id=mid, kind=kind, text=text, **common)]
    # One message can carry several photos: each becomes its own ChatMessage (and its own file),
    # with a stable id derived from the mid so a retried delivery still stores each once.
    events = []
    for index, attachment in enumerate(attachments):
        type_ = _text(attachment.get("type")) or "unknown"
        kind = INSTAGRAM_MEDIA_KINDS.get(type_, type_)
        url = _text(_dict(attachment.get("payload")).get("url")) if type_ in INSTAGRAM_MEDIA_KINDS else ""
        events.append(
            InboundMessage(
                message_id=mid if index == 0 else f"{mid}#{index}",
                kind=kind[:20],
                text=text if index == 0 else "",
                media_url=url,
                **common,
            )
        )
    return events
