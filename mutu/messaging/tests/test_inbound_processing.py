"""Stored deliveries processed into contacts and messages: duplicates, echoes, floods, retries."""

import datetime
import hashlib
import threading

import pytest
from django.db import connection, connections

from mutu.messaging.jobs import process_pending_deliveries
from mutu.messaging.models import ChannelAccount, ChatMessage, Contact, StatusReport, WebhookDelivery
from mutu.messaging.services_inbound import MAX_ATTEMPTS, process_delivery
from mutu.messaging.testing import (
    encode,
    instagram_message,
    signature_for,
    whatsapp_message,
    whatsapp_status,
)

T0 = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
Delivery = WebhookDelivery.Status


def store(payload: dict | bytes, *, platform: str = "whatsapp", received_at=None) -> WebhookDelivery:
    """A delivery as the webhook view stores it."""
    body = payload if isinstance(payload, bytes) else encode(payload)
    return WebhookDelivery.objects.create(
        platform=platform,
        body=body.decode(),
        body_sha256=hashlib.sha256(body).hexdigest(),
        received_at=received_at or T0,
    )


def process(payload, *, platform: str = "whatsapp", now=T0) -> WebhookDelivery:
    delivery = store(payload, platform=platform, received_at=now)
    process_delivery(delivery_id=delivery.pk, now=now)
    delivery.refresh_from_db()
    return delivery


def inbound():
    return ChatMessage.objects.filter(direction=ChatMessage.Direction.IN)


@pytest.mark.django_db
def test_a_text_message_is_stored_with_its_contact_and_handed_to_the_guide(chat_world):
    payload = whatsapp_message(message_id="wamid.P1", text="Jalan rusak", at=T0.timestamp() - 60)

    delivery = process(payload)

    assert delivery.status == Delivery.DONE and delivery.error == "" and delivery.attempts == 1
    assert delivery.processed_at == T0
    message = inbound().get()
    assert (message.platform, message.account, message.kind, message.text) == (
        "whatsapp",
        chat_world.wa_account,
        "text",
        "Jalan rusak",
    )
    assert message.external_id == "wamid.P1" and message.status == ChatMessage.Status.RECEIVED
    assert message.sent_at == T0 - datetime.timedelta(seconds=60) and message.created_at == T0
    assert message.payload["text"] == {"body": "Jalan rusak"}
    assert not message.is_flood and message.media_status == ""
    contact = message.contact
    assert (contact.external_id, contact.phone, contact.profile_name) == ("6281234567890", "6281234567890", "Rahmat")
    assert contact.first_seen_at == T0 and contact.last_inbound_at == message.sent_at
    # The guided conversation took it.
    assert message.conversation_id is not None


@pytest.mark.django_db
def test_the_contact_is_updated_and_its_window_never_moves_back(chat_world):
    process(whatsapp_message(message_id="wamid.W2", text="kedua", name="Rahmat H.", at=T0.timestamp()))
    process(whatsapp_message(message_id="wamid.W1", text="pertama (terlambat)", at=T0.timestamp() - 3600))

    contact = Contact.objects.get()
    assert contact.profile_name == "Rahmat"
    assert contact.last_inbound_at == T0
    assert inbound().count() == 2


@pytest.mark.django_db
def test_a_payload_without_wa_id_keys_the_contact_on_the_user_id(chat_world):
    process(whatsapp_message(message_id="wamid.U1", text="Halo", include_wa_id=False, user_id="ID.99"))

    contact = Contact.objects.get()
    assert contact.external_id == "ID.99" and contact.phone == ""


@pytest.mark.django_db
def test_the_same_message_id_in_another_delivery_is_stored_once(chat_world):
    first = whatsapp_message(message_id="wamid.DUP1", text="Halo", at=T0.timestamp())
    # Meta's retry may differ in bytes (another entry added, other key order): a new delivery row.
    second = whatsapp_message(message_id="wamid.DUP1", text="Halo", at=T0.timestamp())
    second["entry"][0]["changes"][0]["value"]["statuses"] = []

    process(first)
    outgoing_after_first = ChatMessage.objects.filter(direction=ChatMessage.Direction.OUT).count()
    again = process(second)

    assert WebhookDelivery.objects.count() == 2 and again.status == Delivery.DONE
    assert inbound().count() == 1
    assert ChatMessage.objects.filter(direction=ChatMessage.Direction.OUT).count() == outgoing_after_first


@pytest.mark.django_db
def test_processing_a_delivery_again_does_nothing(chat_world):
    delivery = process(whatsapp_message(message_id="wamid.TWICE", text="Halo"))

    assert process_delivery(delivery_id=delivery.pk, now=T0 + datetime.timedelta(hours=1)) is None
    assert inbound().count() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


@pytest.mark.django_db
def test_a_delivery_stuck_in_processing_is_taken_over_after_ten_minutes(chat_world):
    delivery = store(whatsapp_message(message_id="wamid.STUCK", text="Halo"))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Delivery.PROCESSING, claimed_at=T0, attempts=1)

    assert process_delivery(delivery_id=delivery.pk, now=T0 + datetime.timedelta(minutes=5)) is None
    assert process_delivery(delivery_id=delivery.pk, now=T0 + datetime.timedelta(minutes=11)) == Delivery.DONE
    assert inbound().count() == 1


@pytest.mark.django_db
def test_unknown_message_types_are_stored_not_lost(chat_world):
    sticker = {"id": "STICKER1", "mime_type": "image/webp"}

    process(whatsapp_message(message_id="wamid.ST1", kind="sticker", sticker=sticker))
    process(whatsapp_message(message_id="wamid.ST2", kind="some_future_type", some_future_type={"x": 1}))

    kinds = dict(inbound().values_list("external_id", "kind"))
    assert kinds == {"wamid.ST1": "sticker", "wamid.ST2": "some_future_type"}
    assert inbound().get(external_id="wamid.ST2").payload["some_future_type"] == {"x": 1}


@pytest.mark.django_db
def test_a_message_to_an_unknown_account_is_noted_on_the_delivery_and_retried(chat_world):
    payload = whatsapp_message(message_id="wamid.ACC1", text="Halo", phone_number_id="999000")

    delivery = process(payload)

    assert delivery.status == Delivery.FAILED and "999000" in delivery.error
    assert not ChatMessage.objects.exists() and not Contact.objects.exists()

    # The number is configured a moment later; the periodic job tries the delivery again.
    ChannelAccount.objects.filter(pk=chat_world.wa_account.pk).update(external_id="999000")
    assert process_pending_deliveries(now=T0 + datetime.timedelta(seconds=30)).done == 0  # not due yet
    assert process_pending_deliveries(now=T0 + datetime.timedelta(minutes=2)).done == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.DONE and delivery.error == "" and delivery.attempts == 2
    assert inbound().count() == 1


@pytest.mark.django_db
def test_an_inactive_account_receives_nothing(chat_world):
    ChannelAccount.objects.filter(pk=chat_world.wa_account.pk).update(is_active=False)

    delivery = process(whatsapp_message(message_id="wamid.OFF", text="Halo"))

    assert delivery.status == Delivery.FAILED and not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_a_body_that_is_not_json_fails_for_good(chat_world):
    delivery = process(b"this is not json")

    assert delivery.status == Delivery.FAILED and delivery.error.startswith("not JSON")
    assert delivery.attempts == MAX_ATTEMPTS
    assert process_pending_deliveries(now=T0 + datetime.timedelta(days=1)).done == 0


@pytest.mark.django_db
def test_the_job_processes_deliveries_the_worker_left_behind(chat_world):
    waiting = store(whatsapp_message(message_id="wamid.JOB1", text="Halo"), received_at=T0)
    fresh = store(
        whatsapp_message(message_id="wamid.JOB2", text="Halo"), received_at=T0 + datetime.timedelta(minutes=2)
    )

    result = process_pending_deliveries(now=T0 + datetime.timedelta(minutes=2, seconds=10))

    assert (result.done, result.skipped) == (1, 0)
    assert WebhookDelivery.objects.get(pk=waiting.pk).status == Delivery.DONE
    assert WebhookDelivery.objects.get(pk=fresh.pk).status == Delivery.PENDING  # the worker's for now


@pytest.mark.django_db
def test_both_jobs_are_periodic_and_run_without_arguments(chat_world):
    from mutu.core.periodic import PERIODIC_JOBS, run_job

    for name in ("process_pending_deliveries", "fetch_pending_media"):
        path = f"mutu.messaging.jobs.{name}"
        assert PERIODIC_JOBS.index(path) < PERIODIC_JOBS.index("mutu.core.outbox.deliver_due_job")
        assert run_job(path).ok


@pytest.mark.django_db
def test_a_message_and_a_status_in_one_delivery_are_both_handled(chat_world):
    payload = whatsapp_message(message_id="wamid.MIX", text="Halo")
    status = whatsapp_status(message_id="wamid.OURS", status="delivered")
    payload["entry"].append(status["entry"][0])

    delivery = process(payload)

    assert delivery.status == Delivery.DONE
    assert inbound().count() == 1
    assert StatusReport.objects.filter(message_external_id="wamid.OURS").exists()


# --- attachments ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_attachment_is_pending_and_its_fetch_queued_after_commit(chat_world, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    image = {"id": "MEDIA9", "mime_type": "image/jpeg", "sha256": "abc", "caption": "Lubang"}
    with django_capture_on_commit_callbacks(execute=True):
        process(whatsapp_message(message_id="wamid.IMG", kind="image", image=image))

    message = inbound().get()
    assert message.media_status == ChatMessage.MediaStatus.PENDING
    assert (message.media_ref, message.media_mime, message.text) == ("MEDIA9", "image/jpeg", "Lubang")
    task = DBTaskResult.objects.get(task_path="mutu.messaging.tasks.fetch_chat_media")
    assert task.args_kwargs["args"] == [message.pk]


# --- flood ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flood_is_stored_and_flagged_with_one_polite_reply(chat_world, settings):
    settings.CHAT_FLOOD_LIMIT = 3
    for number in range(8):
        at = T0 + datetime.timedelta(seconds=10 * number)
        process(whatsapp_message(message_id=f"wamid.F{number}", text=f"pesan {number}", at=at.timestamp()), now=at)

    messages = list(inbound().order_by("sent_at"))
    assert len(messages) == 8  # nothing lost
    assert [m.is_flood for m in messages] == [False] * 3 + [True] * 5
    assert all(m.conversation_id is None for m in messages[3:])  # not passed to the guide
    flood_replies = ChatMessage.objects.filter(
        direction=ChatMessage.Direction.OUT, outbox__dedupe_key__startswith="chat:flood:"
    )
    assert flood_replies.count() == 1
    assert flood_replies.get().contact == messages[0].contact


@pytest.mark.django_db
def test_the_flood_reply_comes_once_per_ten_minute_window(chat_world, settings):
    settings.CHAT_FLOOD_LIMIT = 1
    for number, minutes in enumerate([0, 0.1, 0.2, 10, 10.1]):
        at = T0 + datetime.timedelta(minutes=minutes)
        process(whatsapp_message(message_id=f"wamid.W{number}", text="x", at=at.timestamp()), now=at)

    replies = ChatMessage.objects.filter(outbox__dedupe_key__startswith="chat:flood:")
    assert replies.count() == 2


@pytest.mark.django_db
def test_another_number_is_not_slowed_by_a_flood(chat_world, settings):
    settings.CHAT_FLOOD_LIMIT = 2
    for number in range(4):
        process(whatsapp_message(message_id=f"wamid.A{number}", text="x", sender="6281100000001"))

    process(whatsapp_message(message_id="wamid.B0", text="Halo", sender="6281100000002"))

    assert not inbound().get(external_id="wamid.B0").is_flood


# --- Instagram ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_instagram_message_is_stored_for_the_account(chat_world):
    process(instagram_message(mid="mid.IG1", sender="531", text="Halo admin"), platform="instagram")

    message = inbound().get()
    assert (message.platform, message.account, message.text) == ("instagram", chat_world.ig_account, "Halo admin")
    assert message.contact.external_id == "531" and message.contact.phone == ""


@pytest.mark.django_db
def test_an_instagram_echo_of_our_own_message_is_ignored(chat_world):
    delivery = process(
        instagram_message(mid="mid.ECHO", sender="531", text="Terima kasih", is_echo=True), platform="instagram"
    )

    assert delivery.status == Delivery.DONE
    assert not ChatMessage.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db
def test_an_instagram_attachment_is_kept_by_url(chat_world):
    attachments = [{"type": "image", "payload": {"url": "https://scontent.cdninstagram.com/x.jpg"}}]

    process(instagram_message(mid="mid.ATT", attachments=attachments), platform="instagram")

    message = inbound().get()
    assert message.kind == "image" and message.media_ref == "https://scontent.cdninstagram.com/x.jpg"
    assert message.media_status == ChatMessage.MediaStatus.PENDING


# --- end to end through the webhook --------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_post_becomes_a_message_once_the_task_runs(
    client, chat_world, webhook_secrets, django_capture_on_commit_callbacks
):
    from mutu.messaging.tasks import process_webhook_delivery

    body = encode(whatsapp_message(message_id="wamid.E2E", text="Antrean terlalu lama"))
    signature = signature_for(body, "wa-test-secret")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # Meta retries: the same bytes again
            client.post(
                "/webhooks/whatsapp", data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
            )

    delivery = WebhookDelivery.objects.get()
    assert process_webhook_delivery.call(delivery.pk) == "done"
    assert process_webhook_delivery.call(delivery.pk) == "None"
    assert inbound().get().text == "Antrean terlalu lama"


# --- two workers at once --------------------------------------------------------------------------


def _in_threads(*targets):
    errors = []
    barrier = threading.Barrier(len(targets))

    def run(target):
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_delivery_store_each_message_once(chat_world):
    payload = whatsapp_message(message_id="wamid.RACE1", text="Halo")
    image = {"id": "MEDIA1", "mime_type": "image/png", "sha256": "abc"}
    payload["entry"][0]["changes"][0]["value"]["messages"].append(
        whatsapp_message(message_id="wamid.RACE2", kind="image", image=image)["entry"][0]["changes"][0]["value"][
            "messages"
        ][0]
    )
    delivery = store(payload)
    results = []

    if connection.vendor == "sqlite":
        # SQLite serialises writers; two calls one after the other must still do it once.
        results = [process_delivery(delivery_id=delivery.pk, now=T0) for _ in range(2)]
    else:
        _in_threads(*[lambda: results.append(process_delivery(delivery_id=delivery.pk, now=T0))] * 2)

    assert sorted(results, key=str) == [None, Delivery.DONE]
    assert inbound().count() == 2
    assert Contact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_with_the_same_message_at_once_store_it_once(chat_world):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the sequential case is covered above")
    first = store(whatsapp_message(message_id="wamid.TWIN", text="Halo", at=T0.timestamp()))
    second_payload = whatsapp_message(message_id="wamid.TWIN", text="Halo", at=T0.timestamp())
    second_payload["entry"][0]["id"] = "WABA-ID-2"
    second = store(second_payload)

    _in_threads(
        lambda: process_delivery(delivery_id=first.pk, now=T0),
        lambda: process_delivery(delivery_id=second.pk, now=T0),
    )

    assert inbound().count() == 1
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Delivery.DONE}
