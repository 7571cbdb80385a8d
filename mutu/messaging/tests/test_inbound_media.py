"""Attachments fetched from the fake Graph server, checked, stored and attached as evidence."""

import datetime
import io
import socket

import pytest
from django.utils import timezone
from PIL import Image

from mutu.complaints.models import Channel, Evidence
from mutu.complaints.services import submit_complaint
from mutu.core.models import StoredFile
from mutu.core.testing import tiny_pdf
from mutu.messaging.jobs import fetch_pending_media
from mutu.messaging.media import attach_chat_media, fetch_media
from mutu.messaging.models import ChatMessage, Contact

pytestmark = pytest.mark.django_db

MediaStatus = ChatMessage.MediaStatus


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def inbound(w, *, kind="image", media_ref="MEDIA1", mime="", name="", platform="whatsapp", now=None, **extra):
    """An incoming message with an attachment, as ``receive_message`` stores it."""
    now = now or timezone.now()
    account = w.wa_account if platform == "whatsapp" else w.ig_account
    contact, _ = Contact.objects.get_or_create(
        platform=platform,
        external_id="6281234567890" if platform == "whatsapp" else "531",
        defaults={"first_seen_at": now, "last_inbound_at": now},
    )
    return ChatMessage.objects.create(
        platform=platform,
        account=account,
        contact=contact,
        direction=ChatMessage.Direction.IN,
        external_id=f"wamid.{kind}.{ChatMessage.objects.count()}",
        kind=kind,
        sent_at=now,
        created_at=now,
        media_ref=media_ref,
        media_mime=mime,
        media_name=name,
        media_status=MediaStatus.PENDING,
        status=ChatMessage.Status.RECEIVED,
        **extra,
    )


def replies_to(message: ChatMessage):
    return ChatMessage.objects.filter(direction=ChatMessage.Direction.OUT, contact=message.contact)


def complaint_for(w):
    return submit_complaint(
        instansi=w.bontang, channel=Channel.WHATSAPP, title="Jalan rusak", description="Jalan rusak di Bontang Baru."
    )


def test_a_whatsapp_photo_is_looked_up_downloaded_and_stored(chat_world, fake_graph):
    fake_graph.add_media("MEDIA1", tiny_png(), "image/png")
    message = inbound(chat_world, mime="image/png")

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "stored"

    message.refresh_from_db()
    assert message.media_status == MediaStatus.STORED and message.media_error == ""
    stored = message.media_file
    assert stored.kind == StoredFile.Kind.PNG and stored.purpose == "complaint-evidence"
    assert stored.original_name == f"image-{message.pk}.png"
    assert fake_graph.requests == [("GET", "/MEDIA1"), ("GET", "/_media/MEDIA1")]
    assert not replies_to(message).exists()


def test_a_pdf_document_keeps_its_file_name(chat_world, fake_graph):
    fake_graph.add_media("DOC1", tiny_pdf(), "application/pdf")
    message = inbound(chat_world, kind="document", media_ref="DOC1", name="../surat izin.pdf")

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "stored"

    message.refresh_from_db()
    assert message.media_file.kind == StoredFile.Kind.PDF
    assert message.media_file.original_name == "surat izin.pdf"


def test_a_stored_file_becomes_evidence_of_the_complaint_once(chat_world, fake_graph):
    fake_graph.add_media("MEDIA1", tiny_png(), "image/png")
    complaint = complaint_for(chat_world)
    message = inbound(chat_world, complaint=complaint)

    fetch_media(message_id=message.pk, now=timezone.now())

    message.refresh_from_db()
    evidence = Evidence.objects.get(complaint=complaint)
    assert evidence.file_id == message.media_file_id and evidence.from_citizen
    assert attach_chat_media(message=message, now=timezone.now()) is False
    assert Evidence.objects.filter(complaint=complaint).count() == 1


def test_attaching_waits_for_a_complaint_and_a_file(chat_world, fake_graph):
    fake_graph.add_media("MEDIA1", tiny_png(), "image/png")
    message = inbound(chat_world)
    assert attach_chat_media(message=message, now=timezone.now()) is False  # no file, no complaint

    fetch_media(message_id=message.pk, now=timezone.now())
    assert attach_chat_media(message=message, now=timezone.now()) is False  # no complaint yet
    assert not Evidence.objects.exists()

    # The conversation files the report and links the message: now it attaches.
    complaint = complaint_for(chat_world)
    ChatMessage.objects.filter(pk=message.pk).update(complaint=complaint)
    assert attach_chat_media(message=message, now=timezone.now()) is True
    assert Evidence.objects.get().complaint == complaint


def test_a_file_over_the_limit_is_refused_from_its_metadata_and_the_citizen_told(chat_world, fake_graph, settings):
    settings.UPLOAD_MAX_BYTES = 100
    fake_graph.add_media("BIG", tiny_png() + b"\0" * 200, "image/png")
    message = inbound(chat_world, media_ref="BIG")

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "rejected"

    message.refresh_from_db()
    assert message.media_status == MediaStatus.REJECTED and message.media_file is None
    assert message.media_error
    assert ("GET", "/_media/BIG") not in fake_graph.requests  # never downloaded
    (reply,) = replies_to(message)
    assert reply.outbox.dedupe_key == f"chat:media:{message.pk}:rejected"
    assert "PDF" in reply.text


@pytest.mark.parametrize("mime", ["video/mp4", "audio/ogg; codecs=opus", "application/zip", "image/webp"])
def test_a_forbidden_type_is_refused_without_downloading(chat_world, fake_graph, mime):
    fake_graph.add_media("CLIP", b"\0\0\0 ftypisom" + b"\0" * 50, mime)
    message = inbound(chat_world, kind="video", media_ref="CLIP")

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "rejected"

    message.refresh_from_db()
    assert message.media_status == MediaStatus.REJECTED
    assert ("GET", "/_media/CLIP") not in fake_graph.requests
    assert replies_to(message).count() == 1


def test_content_that_is_not_what_it_claims_is_refused(chat_world, fake_graph):
    fake_graph.add_media("FAKEJPG", b"MZ\x90\x00 this is a program", "image/jpeg")
    message = inbound(chat_world, media_ref="FAKEJPG")

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "rejected"
    assert replies_to(message).count() == 1
    assert not StoredFile.objects.exists()


def test_the_refusal_is_sent_once_however_often_the_fetch_runs(chat_world, fake_graph):
    fake_graph.add_media("CLIP", b"data", "video/mp4")
    message = inbound(chat_world, media_ref="CLIP")

    fetch_media(message_id=message.pk, now=timezone.now())
    assert fetch_media(message_id=message.pk, now=timezone.now()) == "skipped"

    assert replies_to(message).count() == 1


def test_expired_media_fails_and_the_citizen_is_asked_to_send_it_again(chat_world, fake_graph):
    fake_graph.add_media("OLD", tiny_png(), "image/png")
    fake_graph.expire_media("OLD")
    message = inbound(chat_world, media_ref="OLD")

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "failed"

    message.refresh_from_db()
    assert message.media_status == MediaStatus.FAILED and "404" in message.media_error
    assert replies_to(message).get().outbox.dedupe_key == f"chat:media:{message.pk}:failed"


def test_an_unreachable_server_is_retried_later_then_succeeds(chat_world, fake_graph, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.WHATSAPP_API_BASE_URL = closed
    t0 = timezone.now()
    message = inbound(chat_world, now=t0)

    assert fetch_media(message_id=message.pk, now=t0) == "retry"
    message.refresh_from_db()
    assert message.media_status == MediaStatus.PENDING and message.media_attempts == 1
    assert message.media_claimed_at == t0 and message.media_error

    # Not due again straight away (also the lease while a fetch is running).
    assert fetch_media(message_id=message.pk, now=t0 + datetime.timedelta(seconds=30)) == "skipped"

    settings.WHATSAPP_API_BASE_URL = fake_graph.base_url
    fake_graph.add_media("MEDIA1", tiny_png(), "image/png")
    result = fetch_pending_media(now=t0 + datetime.timedelta(minutes=3))

    assert result.done == 1
    assert ChatMessage.objects.get(pk=message.pk).media_status == MediaStatus.STORED


def test_a_fetch_that_keeps_failing_gives_up_after_five_attempts(chat_world, settings):
    settings.WHATSAPP_API_BASE_URL = "http://127.0.0.1:9"  # discard port: connection refused
    t0 = timezone.now()
    message = inbound(chat_world, now=t0)

    outcomes = []
    at = t0
    for _ in range(8):
        outcomes.append(fetch_media(message_id=message.pk, now=at))
        at += datetime.timedelta(hours=3)

    assert outcomes == ["retry"] * 4 + ["failed", "skipped", "skipped", "skipped"]
    assert ChatMessage.objects.get(pk=message.pk).media_status == MediaStatus.FAILED
    assert replies_to(message).count() == 1


def test_an_instagram_attachment_from_an_allowed_host_is_stored(chat_world, fake_graph):
    url = fake_graph.add_instagram_file("photo.png", tiny_png(), "image/png")
    message = inbound(chat_world, platform="instagram", media_ref=url)

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "stored"
    assert ChatMessage.objects.get(pk=message.pk).media_file.kind == StoredFile.Kind.PNG


def test_an_instagram_url_outside_the_allowed_hosts_is_refused_without_a_request(chat_world, fake_graph):
    fake_graph.add_instagram_file("photo.png", tiny_png(), "image/png")
    url = f"http://localhost:{fake_graph.base_url.rsplit(':', 1)[1]}/_ig/photo.png"  # same server, other name
    message = inbound(chat_world, platform="instagram", media_ref=url)

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "rejected"

    message.refresh_from_db()
    assert message.media_status == MediaStatus.REJECTED
    assert fake_graph.requests == []
    assert replies_to(message).count() == 1


def test_a_flooding_sender_gets_no_refusal_message(chat_world, fake_graph):
    fake_graph.add_media("CLIP", b"data", "video/mp4")
    message = inbound(chat_world, media_ref="CLIP", is_flood=True)

    assert fetch_media(message_id=message.pk, now=timezone.now()) == "rejected"
    assert not replies_to(message).exists()
