"""Demo chat accounts of Pemerintah Kota Bontang: the WhatsApp number +62 811-5400-123 and the
Instagram account @pemkot.bontang, with an approved template name for every purpose.

Only database rows: seeding never talks to Meta or to any server.  ``manage.py replay_chat_sample``
plays a sample conversation into these accounts against a local fake Graph server.  Keyed on the
platform ids, so running the seed again changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from mutu.core.models import OutboxMessage
from mutu.core.outbox import deliver_due
from mutu.messaging import views_webhooks
from mutu.messaging.fake_graph import FakeGraph
from mutu.messaging.media import fetch_media
from mutu.messaging.models import (
    ChannelAccount,
    ChatMessage,
    Contact,
    Conversation,
    MessageTemplate,
    Platform,
    StatusReport,
    TemplatePurpose,
    WebhookDelivery,
)
from mutu.messaging.services_inbound import process_delivery
from mutu.messaging.testing import encode, instagram_message, signature_for, whatsapp_message, whatsapp_status
from mutu.organisations.models import Instansi

INSTANSI = "kota-bontang"
# Meta's ids of the demo number and account (made up; the replay's fake Graph server accepts any).
WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
WHATSAPP_NUMBER = "+62 811-5400-123"
WHATSAPP_NAME = "Pengaduan Pemkot Bontang"
INSTAGRAM_ACCOUNT_ID = "17841400000000001"
INSTAGRAM_HANDLE = "@pemkot.bontang"
# Template names as an administrator would register them at Meta (language Indonesian).
TEMPLATE_NAMES = {purpose: f"mutu_{purpose}" for purpose in TemplatePurpose.values}


def demo_accounts() -> tuple[ChannelAccount | None, ChannelAccount | None]:
    """The demo's (WhatsApp, Instagram) accounts, if seeded."""
    accounts = {
        a.platform: a
        for a in ChannelAccount.objects.filter(
            platform__in=[Platform.WHATSAPP, Platform.INSTAGRAM],
            external_id__in=[WHATSAPP_PHONE_NUMBER_ID, INSTAGRAM_ACCOUNT_ID],
        )
    }
    return accounts.get(Platform.WHATSAPP), accounts.get(Platform.INSTAGRAM)


def seed(*, stdout) -> None:
    instansi = Instansi.objects.filter(slug=INSTANSI).first()
    if instansi is None:
        return
    now = timezone.now()
    whatsapp, created_wa = ChannelAccount.objects.get_or_create(
        platform=Platform.WHATSAPP,
        external_id=WHATSAPP_PHONE_NUMBER_ID,
        defaults={
            "instansi": instansi,
            "display_name": WHATSAPP_NAME,
            "display_address": WHATSAPP_NUMBER,
            "created_at": now,
        },
    )
    _instagram, created_ig = ChannelAccount.objects.get_or_create(
        platform=Platform.INSTAGRAM,
        external_id=INSTAGRAM_ACCOUNT_ID,
        defaults={
            "instansi": instansi,
            "display_name": INSTAGRAM_HANDLE,
            "display_address": INSTAGRAM_HANDLE,
            "created_at": now,
        },
    )
    templates = 0
    for purpose, name in TEMPLATE_NAMES.items():
        _template, created = MessageTemplate.objects.get_or_create(
            account=whatsapp, unit=None, purpose=purpose, defaults={"name": name, "language": "id"}
        )
        templates += created
    if created_wa or created_ig or templates:
        stdout.write(
            f"Chat accounts: WhatsApp {WHATSAPP_NUMBER}, Instagram {INSTAGRAM_HANDLE} ({templates} templates). "
            "Play a sample conversation into them with: manage.py replay_chat_sample"
        )


# --- Replaying the sample chats (manage.py replay_chat_sample) ---------------------------------

SAMPLE_PATH = Path(__file__).resolve().parent / "sample_conversation.json"
# Used only when the environment has no app secret / token: the replay signs and checks with it.
THROWAWAY = "demo-replay-only"


@dataclass
class ReplayReport:
    fed: int = 0
    skipped: int = 0
    sent: int = 0
    statuses: int = 0
    complaints: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        filed = ", ".join(self.complaints) or "none"
        return (
            f"{self.fed} messages played ({self.skipped} already there), {self.sent} replies sent to the fake "
            f"Graph server, {self.statuses} status callbacks; reports filed from the sample: {filed}"
        )


def sample_photo(*, headline: str, lines: list[str]) -> bytes:
    """A small JPEG of a notice pinned at a counter (drawn with Pillow, no file in the repo)."""
    image = Image.new("RGB", (640, 480), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 50, 580, 430), fill=(255, 255, 250), outline=(90, 90, 90), width=4)
    draw.rectangle((60, 50, 580, 130), fill=(180, 30, 40))
    font = ImageFont.load_default(size=34)
    small = ImageFont.load_default(size=24)
    draw.text((320, 90), headline, fill=(255, 255, 255), font=font, anchor="mm")
    for index, line in enumerate(lines):
        draw.text((320, 200 + index * 50), line, fill=(30, 30, 30), font=small, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _next_fake_id() -> int:
    """FakeGraph numbers the ids it hands out from 1; continue after those earlier replays stored."""
    numbers = [0]
    for external_id in ChatMessage.objects.filter(external_id__contains=".FAKE").values_list("external_id", flat=True):
        digits = external_id.rsplit("FAKE", 1)[-1]
        if digits.isdigit():
            numbers.append(int(digits))
    return max(numbers) + 1


def _post(*, platform: str, payload: dict, secret: str) -> None:
    """POST one signed body to our webhook view, as Meta would."""
    body = encode(payload)
    request = RequestFactory().post(
        f"/webhooks/{platform}",
        data=body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature_for(body, secret),
    )
    view = views_webhooks.whatsapp if platform == Platform.WHATSAPP else views_webhooks.instagram
    response = view(request)
    if response.status_code != 200:
        raise RuntimeError(f"the {platform} webhook answered {response.status_code}")


def _process(*, now: datetime.datetime) -> None:
    """What the task worker does: parse the stored deliveries, fetch attachments."""
    for delivery_id in WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).values_list(
        "pk", flat=True
    ):
        process_delivery(delivery_id=delivery_id, now=now)
    for message_id in ChatMessage.objects.filter(
        media_status=ChatMessage.MediaStatus.PENDING, direction=ChatMessage.Direction.IN
    ).values_list("pk", flat=True):
        fetch_media(message_id=message_id, now=now)


def _deliver(*, contacts: list[Contact], now: datetime.datetime) -> None:
    # A task worker running beside the replay may have tried (and failed against the real Meta
    # address) first: those rows are due again now.
    OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, chat_message__contact__in=contacts, next_attempt_at__gt=now
    ).update(next_attempt_at=now)
    deliver_due(now=now)


def _sent_replies(senders: list[str]) -> int:
    return (
        ChatMessage.objects.filter(contact__external_id__in=senders, direction=ChatMessage.Direction.OUT)
        .exclude(external_id="")
        .count()
    )


def _payload(*, conversation: dict, message: dict, at: datetime.datetime, photos: dict, graph: FakeGraph) -> dict:
    if conversation["platform"] == Platform.INSTAGRAM:
        return instagram_message(
            mid=message["id"],
            sender=conversation["sender"],
            text=message.get("text", ""),
            at_ms=int(at.timestamp() * 1000),
            account_id=INSTAGRAM_ACCOUNT_ID,
        )
    common = {
        "message_id": message["id"],
        "sender": conversation["sender"],
        "name": conversation.get("name", ""),
        "at": at.timestamp(),
        "phone_number_id": WHATSAPP_PHONE_NUMBER_ID,
    }
    if message["type"] == "image":
        photo = photos[message["media_id"]]
        graph.add_media(message["media_id"], photo["data"], photo["mime_type"])
        image = {
            "id": message["media_id"],
            "mime_type": photo["mime_type"],
            "sha256": hashlib.sha256(photo["data"]).hexdigest(),
        }
        if message.get("caption"):
            image["caption"] = message["caption"]
        return whatsapp_message(kind="image", image=image, **common)
    return whatsapp_message(kind="text", text=message.get("text", ""), **common)


def _status_callbacks(*, contact: Contact, secret: str, now: datetime.datetime) -> int:
    """Meta's "sent", "delivered" and "read" for our replies (the last one not read yet)."""
    replies = list(
        ChatMessage.objects.filter(contact=contact, direction=ChatMessage.Direction.OUT)
        .exclude(external_id="")
        .order_by("sent_at", "pk")
    )
    known = set(
        StatusReport.objects.filter(
            platform=Platform.WHATSAPP, message_external_id__in=[m.external_id for m in replies]
        ).values_list("message_external_id", "status")
    )
    fed = 0
    for index, reply in enumerate(replies):
        statuses = ["sent", "delivered"] + (["read"] if index < len(replies) - 1 else [])
        for offset, status in enumerate(statuses, start=1):
            if (reply.external_id, status) in known:
                continue
            at = min(reply.sent_at + datetime.timedelta(seconds=5 * offset), now)
            payload = whatsapp_status(
                message_id=reply.external_id,
                status=status,
                recipient=contact.external_id,
                at=at.timestamp(),
                phone_number_id=WHATSAPP_PHONE_NUMBER_ID,
            )
            _post(platform=Platform.WHATSAPP, payload=payload, secret=secret)
            fed += 1
    _process(now=now)
    return fed


def replay_sample(*, path: Path = SAMPLE_PATH, now: datetime.datetime | None = None, stdout=None) -> ReplayReport:
    """Play the sample chats into the demo accounts through the webhook view, the inbound
    processing, the outbox and status callbacks, against a FakeGraph started for the run.

    Nothing leaves the machine.  Messages whose id is already stored are skipped, so a second run
    changes nothing.
    """
    now = now or timezone.now()
    whatsapp, instagram = demo_accounts()
    if whatsapp is None or instagram is None:
        seed(stdout=stdout or io.StringIO())
        whatsapp, instagram = demo_accounts()
    if whatsapp is None or instagram is None:
        raise ValueError("the demo instansi Kota Bontang is missing: run manage.py seed_demo first")
    sample = json.loads(Path(path).read_text(encoding="utf-8"))
    photos = {
        media_id: {"mime_type": spec["mime_type"], "data": sample_photo(headline=spec["headline"], lines=spec["lines"])}
        for media_id, spec in sample.get("photos", {}).items()
    }
    last = max(m["minutes"] for c in sample["conversations"] for m in c["messages"])
    start = now - datetime.timedelta(minutes=last + 2)
    report = ReplayReport()
    senders = [c["sender"] for c in sample["conversations"]]
    sent_before = _sent_replies(senders)
    token = settings.WHATSAPP_ACCESS_TOKEN or THROWAWAY
    wa_secret = settings.WHATSAPP_APP_SECRET or THROWAWAY
    ig_secret = settings.INSTAGRAM_APP_SECRET or THROWAWAY
    with FakeGraph(token=token) as graph:
        graph._ids = itertools.count(_next_fake_id())
        with override_settings(
            WHATSAPP_API_BASE_URL=graph.base_url,
            INSTAGRAM_API_BASE_URL=graph.base_url,
            WHATSAPP_ACCESS_TOKEN=token,
            INSTAGRAM_ACCESS_TOKEN=token,
            WHATSAPP_APP_SECRET=wa_secret,
            INSTAGRAM_APP_SECRET=ig_secret,
            INSTAGRAM_MEDIA_HOSTS=[graph.host],
            INSTAGRAM_MEDIA_ALLOW_HTTP=True,
        ):
            contacts: list[Contact] = []
            for conversation in sample["conversations"]:
                platform = conversation["platform"]
                secret = wa_secret if platform == Platform.WHATSAPP else ig_secret
                for message in conversation["messages"]:
                    if ChatMessage.objects.filter(platform=platform, external_id=message["id"]).exists():
                        report.skipped += 1
                        continue
                    at = start + datetime.timedelta(minutes=message["minutes"])
                    payload = _payload(conversation=conversation, message=message, at=at, photos=photos, graph=graph)
                    _post(platform=platform, payload=payload, secret=secret)
                    _process(now=at)
                    contact = Contact.objects.filter(platform=platform, external_id=conversation["sender"]).first()
                    if contact is not None and contact not in contacts:
                        contacts.append(contact)
                    _deliver(contacts=contacts, now=at)
                    report.fed += 1
            # Whatever the processing queued with the real clock (staff notifications) is due too.
            now = max(now, timezone.now())
            _deliver(contacts=contacts, now=now)
            report.sent = _sent_replies(senders) - sent_before
            for contact in Contact.objects.filter(
                platform=Platform.WHATSAPP,
                external_id__in=[c["sender"] for c in sample["conversations"] if c["platform"] == Platform.WHATSAPP],
            ):
                report.statuses += _status_callbacks(contact=contact, secret=wa_secret, now=now)
    report.complaints = sorted(
        {
            code
            for code in ChatMessage.objects.filter(
                external_id__in=[m["id"] for c in sample["conversations"] for m in c["messages"]],
                complaint__isnull=False,
            ).values_list("complaint__tracking_code", flat=True)
        }
        | set(
            Conversation.objects.filter(contact__external_id__in=senders, complaint__isnull=False).values_list(
                "complaint__tracking_code", flat=True
            )
        )
    )
    return report
