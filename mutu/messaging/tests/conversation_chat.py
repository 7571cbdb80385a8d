"""A citizen chatting with the Bontang accounts through the real pipeline, for the conversation
tests: signed webhook POST → stored delivery → ``process_delivery`` → ``handle_inbound`` →
queued replies (and ``fetch_media`` for attachments, against the fake Graph server)."""

from __future__ import annotations

import datetime
import io
import itertools

from django.utils import timezone, translation
from PIL import Image

from mutu.messaging.media import fetch_media
from mutu.messaging.models import ChatMessage, Contact, Conversation, Platform, WebhookDelivery
from mutu.messaging.services_inbound import process_delivery
from mutu.messaging.testing import encode, instagram_message, signature_for, whatsapp_message
from mutu.queues.testing import published_service

_ids = itertools.count(1)


def png_bytes(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(out, format="PNG")
    return out.getvalue()


def in_indonesian(text_function, **kwargs) -> str:
    """What the citizen reads: a conversation text rendered as the engine renders it."""
    with translation.override("id"):
        return text_function(**kwargs)


def add_services(w) -> None:
    w.reklame, _v = published_service(unit=w.dpmptsp, name="Izin Reklame", slug="izin-reklame")
    w.ktp, _v = published_service(unit=w.dukcapil, name="KTP-el", slug="ktp-el")


class Chat:
    """One citizen; every call sends one message and returns the reply text it caused ("" if none)."""

    def __init__(
        self,
        client,
        graph,
        *,
        platform: str = Platform.WHATSAPP,
        sender: str = "6281234567890",
        name: str = "Rahmat",
        now: datetime.datetime | None = None,
    ):
        self.client = client
        self.graph = graph
        self.platform = platform
        self.sender = sender
        self.name = name
        self.now = now or timezone.now()
        self.last_id = ""
        # False: attachments wait, as when the fetch task runs late (``fetch_pending()``).
        self.fetch_at_once = True

    # --- time -----------------------------------------------------------------------------------

    def later(self, **delta) -> Chat:
        self.now += datetime.timedelta(**delta)
        return self

    # --- what the citizen sends -----------------------------------------------------------------

    def say(self, text: str) -> str:
        if self.platform == Platform.INSTAGRAM:
            return self._deliver(self._instagram(text=text))
        return self._deliver(self._whatsapp(kind="text", text=text))

    def photo(self, *, caption: str = "", data: bytes | None = None, mime: str = "image/png") -> str:
        media_id = f"MEDIA{next(_ids)}"
        if self.platform == Platform.INSTAGRAM:
            url = self.graph.add_instagram_file(f"{media_id}.png", data or png_bytes(), mime)
            return self._deliver(
                self._instagram(text=caption, attachments=[{"type": "image", "payload": {"url": url}}])
            )
        self.graph.add_media(media_id, data or png_bytes(), mime)
        image = {"id": media_id, "mime_type": mime, "sha256": "x"}
        if caption:
            image["caption"] = caption
        return self._deliver(self._whatsapp(kind="image", image=image))

    def location(self, latitude: float, longitude: float, name: str = "") -> str:
        place = {"latitude": latitude, "longitude": longitude}
        if name:
            place["name"] = name
        return self._deliver(self._whatsapp(kind="location", location=place))

    def sticker(self) -> str:
        return self._deliver(self._whatsapp(kind="sticker", sticker={"mime_type": "image/webp", "id": "STK1"}))

    def reaction(self, emoji: str = "👍") -> str:
        return self._deliver(self._whatsapp(kind="reaction", reaction={"message_id": "wamid.X", "emoji": emoji}))

    def button(self, *, reply_id: str, title: str) -> str:
        interactive = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
        return self._deliver(self._whatsapp(kind="interactive", interactive=interactive))

    def resend_last(self) -> str:
        """Meta delivers the last message again (a retry), with a new envelope."""
        payload = self._last_payload
        payload["entry"][0]["id"] = f"retry-{next(_ids)}"
        return self._deliver(payload)

    # --- what we can look at ----------------------------------------------------------------------

    @property
    def contact(self) -> Contact:
        return Contact.objects.get(platform=self.platform, external_id=self.sender)

    @property
    def conversation(self) -> Conversation:
        return Conversation.objects.filter(contact=self.contact).order_by("-started_at", "-pk").first()

    def replies(self) -> list[ChatMessage]:
        return list(
            ChatMessage.objects.filter(contact=self.contact, direction=ChatMessage.Direction.OUT).order_by("pk")
        )

    def fetch_pending(self) -> None:
        pending = ChatMessage.objects.filter(media_status=ChatMessage.MediaStatus.PENDING)
        for message_id in pending.values_list("pk", flat=True):
            fetch_media(message_id=message_id, now=self.now)

    # --- plumbing ---------------------------------------------------------------------------------

    def _whatsapp(self, *, kind: str, text: str = "", **content) -> dict:
        self.last_id = f"wamid.CONV{next(_ids)}"
        return whatsapp_message(
            message_id=self.last_id,
            sender=self.sender,
            name=self.name,
            kind=kind,
            text=text,
            at=self.now.timestamp(),
            **content,
        )

    def _instagram(self, *, text: str = "", attachments=None) -> dict:
        self.last_id = f"mid.CONV{next(_ids)}"
        return instagram_message(
            mid=self.last_id,
            sender=self.sender,
            text=text,
            attachments=attachments,
            at_ms=int(self.now.timestamp() * 1000),
        )

    def _deliver(self, payload: dict) -> str:
        self._last_payload = payload
        before = ChatMessage.objects.filter(direction=ChatMessage.Direction.OUT).order_by("-pk").first()
        body = encode(payload)
        url, secret = (
            ("/webhooks/instagram", "ig-test-secret")
            if self.platform == Platform.INSTAGRAM
            else ("/webhooks/whatsapp", "wa-test-secret")
        )
        response = self.client.post(
            url, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature_for(body, secret)
        )
        assert response.status_code == 200
        for delivery_id in WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).values_list(
            "pk", flat=True
        ):
            process_delivery(delivery_id=delivery_id, now=self.now)
        if self.fetch_at_once:
            self.fetch_pending()
        new = ChatMessage.objects.filter(direction=ChatMessage.Direction.OUT).order_by("pk")
        if before is not None:
            new = new.filter(pk__gt=before.pk)
        return "\n\n".join(message.text for message in new)
