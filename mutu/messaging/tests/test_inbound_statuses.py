"""Status callbacks for our outgoing messages: any order, duplicates, before the id is known."""

import datetime
import itertools

import pytest
from django.utils import timezone

from mutu.core.models import OutboxMessage
from mutu.messaging.accounts import whatsapp_contact_for_phone
from mutu.messaging.events import StatusUpdate
from mutu.messaging.models import ChatMessage, StatusReport, WebhookDelivery
from mutu.messaging.outgoing import send_chat
from mutu.messaging.services_inbound import process_delivery
from mutu.messaging.statuses import apply_reports, record_status
from mutu.messaging.testing import encode, whatsapp_status

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
SENT, DELIVERED, READ = T0, T0 + datetime.timedelta(seconds=5), T0 + datetime.timedelta(minutes=3)
FAILED = T0 + datetime.timedelta(seconds=7)
Status = ChatMessage.Status


def outgoing(w, *, external_id: str = "wamid.OUT1") -> ChatMessage:
    contact = whatsapp_contact_for_phone(phone="081234567890", now=T0)
    message = send_chat(account=w.wa_account, contact=contact, text="Laporan Anda diterima.", dedupe_key="t1", now=T0)
    if external_id:
        # What the sender does once the Graph API answered.
        ChatMessage.objects.filter(pk=message.pk).update(external_id=external_id, status=Status.SENT)
    return ChatMessage.objects.get(pk=message.pk)


def update(status: str, at: datetime.datetime, *, message_id: str = "wamid.OUT1", errors=None) -> StatusUpdate:
    return StatusUpdate(platform="whatsapp", message_id=message_id, status=status, at=at, errors=errors or [])


def final_state(message: ChatMessage) -> tuple:
    message.refresh_from_db()
    return (message.status, message.delivered_at, message.read_at, message.failed_at, message.error)


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["sent", "delivered", "read"])), ids=lambda o: "-".join(o)
)
def test_any_order_of_callbacks_ends_read_with_both_times(chat_world, order):
    message = outgoing(chat_world)
    times = {"sent": SENT, "delivered": DELIVERED, "read": READ}

    for status in order:
        record_status(update=update(status, times[status]), now=timezone.now())

    assert final_state(message) == (Status.READ, DELIVERED, READ, None, "")


@pytest.mark.parametrize("order", [("sent", "read"), ("read", "sent")])
def test_a_skipped_delivered_takes_the_read_time(chat_world, order):
    message = outgoing(chat_world)
    times = {"sent": SENT, "read": READ}

    for status in order:
        record_status(update=update(status, times[status]), now=timezone.now())

    assert final_state(message) == (Status.READ, READ, READ, None, "")


def test_a_late_delivered_after_read_moves_nothing_back(chat_world):
    message = outgoing(chat_world)

    record_status(update=update("read", READ), now=timezone.now())
    record_status(update=update("delivered", DELIVERED), now=timezone.now())
    record_status(update=update("sent", SENT), now=timezone.now())

    assert final_state(message)[0] == Status.READ


def test_duplicated_callbacks_are_kept_once_and_change_nothing(chat_world):
    message = outgoing(chat_world)

    for _ in range(3):
        record_status(update=update("delivered", DELIVERED), now=timezone.now())

    assert StatusReport.objects.count() == 1
    assert final_state(message) == (Status.DELIVERED, DELIVERED, None, None, "")


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["sent", "failed", "delivered"])), ids=lambda o: "-".join(o)
)
def test_failed_is_final_in_any_order_and_noted_on_the_outbox_row(chat_world, order):
    message = outgoing(chat_world)
    errors = [{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "…"}}]
    times = {"sent": SENT, "delivered": DELIVERED, "failed": FAILED}

    for status in order:
        record_status(update=update(status, times[status], errors=errors), now=timezone.now())

    state = final_state(message)
    assert state[0] == Status.FAILED and state[3] == FAILED
    assert state[4] == "Message undeliverable (131026)"
    assert OutboxMessage.objects.get(pk=message.outbox_id).last_error == "Message undeliverable (131026)"


def test_a_callback_before_the_id_is_stored_is_applied_when_the_sender_stores_it(chat_world):
    message = outgoing(chat_world, external_id="")
    record_status(update=update("delivered", DELIVERED, message_id="wamid.EARLY"), now=timezone.now())
    record_status(update=update("sent", SENT, message_id="wamid.EARLY"), now=timezone.now())
    assert final_state(message)[0] == Status.QUEUED

    ChatMessage.objects.filter(pk=message.pk).update(external_id="wamid.EARLY", status=Status.SENT)
    apply_reports(message=message)

    assert final_state(message) == (Status.DELIVERED, DELIVERED, None, None, "")


def test_callbacks_arrive_through_a_delivery(chat_world):
    message = outgoing(chat_world)
    body = encode(whatsapp_status(message_id="wamid.OUT1", status="read", at=READ.timestamp()))
    delivery = WebhookDelivery.objects.create(
        platform="whatsapp", body=body.decode(), body_sha256="s1", received_at=timezone.now()
    )

    assert process_delivery(delivery_id=delivery.pk, now=timezone.now()) == "done"
    assert final_state(message)[:3] == (Status.READ, READ, READ)


def test_unknown_statuses_are_kept_but_change_nothing(chat_world):
    message = outgoing(chat_world)

    record_status(update=update("deleted", READ), now=timezone.now())

    assert StatusReport.objects.filter(status="deleted").exists()
    assert final_state(message)[0] == Status.SENT
