"""The chat senders: text or template decided at send time, Instagram's windows, failures."""

import datetime as dt

import pytest
from django.db import transaction

from mutu.complaints.testing import make_complaint
from mutu.core.models import OutboxMessage
from mutu.core.outbox import MAX_ATTEMPTS, deliver_due
from mutu.messaging.models import ChatMessage, Contact, MessageTemplate, Platform, StatusReport, TemplatePurpose
from mutu.messaging.outgoing import REPLY, send_chat
from mutu.messaging.senders import HIDDEN_CODE, INSTAGRAM_WINDOW_CLOSED

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
Outbox = OutboxMessage.Status


def wa_contact(*, last_inbound_at=None, number="6281234567890"):
    return Contact.objects.create(
        platform=Platform.WHATSAPP,
        external_id=number,
        phone=number,
        profile_name="Rahmat",
        first_seen_at=NOW - dt.timedelta(days=30),
        last_inbound_at=last_inbound_at,
    )


def ig_contact(*, last_inbound_at=None):
    return Contact.objects.create(
        platform=Platform.INSTAGRAM,
        external_id="5310000000000001",
        first_seen_at=NOW - dt.timedelta(days=30),
        last_inbound_at=last_inbound_at,
    )


def queue(account, contact, *, text="Halo", key="k1", **kwargs):
    with transaction.atomic():
        return send_chat(account=account, contact=contact, text=text, dedupe_key=key, now=NOW, **kwargs)


def delivered(message, *, at=NOW):
    result = deliver_due(now=at)
    message.refresh_from_db()
    message.outbox.refresh_from_db()
    return result


def test_inside_the_24_hour_window_a_status_update_goes_as_free_text(chat_world, fake_graph):
    contact = wa_contact(last_inbound_at=NOW - dt.timedelta(hours=23, minutes=59))
    message = queue(
        chat_world.wa_account,
        contact,
        text="Laporan ABCD-EFGH: sedang ditangani.",
        purpose=TemplatePurpose.STATUS_UPDATE,
        params=("ABCD-EFGH", "Sedang ditangani"),
    )

    delivered(message)

    assert fake_graph.sent_paths == [f"/{chat_world.wa_account.external_id}/messages"]
    assert fake_graph.sent[0]["type"] == "text"
    assert fake_graph.sent[0]["to"] == "6281234567890"
    assert fake_graph.sent[0]["text"]["body"] == "Laporan ABCD-EFGH: sedang ditangani."
    assert message.status == ChatMessage.Status.SENT and message.kind == "text"
    assert message.external_id.startswith("wamid.") and message.outbox.external_id == message.external_id
    assert message.outbox.status == Outbox.SENT


def test_after_24_hours_the_approved_template_goes_with_its_parameters_in_order(chat_world, fake_graph):
    contact = wa_contact(last_inbound_at=NOW - dt.timedelta(hours=24, minutes=1))
    message = queue(
        chat_world.wa_account,
        contact,
        purpose=TemplatePurpose.STATUS_UPDATE,
        params=("ABCD-EFGH", "Sedang ditangani"),
    )

    delivered(message)

    sent = fake_graph.sent[0]
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "mutu_status_update" and sent["template"]["language"] == {"code": "id"}
    assert sent["template"]["components"] == [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "ABCD-EFGH"}, {"type": "text", "text": "Sedang ditangani"}],
        }
    ]
    assert message.kind == "template" and message.payload["template"]["name"] == "mutu_status_update"


def test_the_window_is_judged_when_the_row_is_sent_not_when_it_was_written(chat_world, fake_graph):
    contact = wa_contact(last_inbound_at=NOW - dt.timedelta(hours=23))
    message = queue(
        chat_world.wa_account, contact, purpose=TemplatePurpose.STATUS_UPDATE, params=("ABCD-EFGH", "Dijawab")
    )

    delivered(message, at=NOW + dt.timedelta(hours=2))

    assert fake_graph.sent[0]["type"] == "template"


def test_a_units_own_template_wins_over_the_accounts_default(chat_world, fake_graph):
    MessageTemplate.objects.create(
        account=chat_world.wa_account,
        unit=chat_world.dpmptsp,
        purpose=TemplatePurpose.STATUS_UPDATE,
        name="dpmptsp_status",
        language="id",
    )
    contact = wa_contact()
    for_unit = queue(
        chat_world.wa_account,
        contact,
        key="unit",
        purpose=TemplatePurpose.STATUS_UPDATE,
        params=("A", "B"),
        unit=chat_world.dpmptsp,
    )
    for_other = queue(
        chat_world.wa_account,
        contact,
        key="other",
        purpose=TemplatePurpose.STATUS_UPDATE,
        params=("A", "B"),
        unit=chat_world.dukcapil,
    )

    delivered(for_unit)
    for_other.refresh_from_db()

    names = {body["template"]["name"] for body in fake_graph.sent}
    assert names == {"dpmptsp_status", "mutu_status_update"}
    assert for_other.status == ChatMessage.Status.SENT


def test_without_an_approved_template_the_row_fails_at_once_with_a_clear_error(chat_world, fake_graph):
    MessageTemplate.objects.filter(purpose=TemplatePurpose.RATING_REQUEST).delete()
    message = queue(
        chat_world.wa_account, wa_contact(), purpose=TemplatePurpose.RATING_REQUEST, params=("A", "https://x")
    )

    result = delivered(message)

    assert result.failed == 1 and not fake_graph.sent
    assert message.outbox.status == Outbox.FAILED and message.outbox.attempts == 1
    assert message.outbox.last_error == "no approved template for rating_request"
    assert message.status == ChatMessage.Status.FAILED and message.failed_at == NOW
    assert message.error == "no approved template for rating_request"


def test_the_missing_template_shows_on_the_outbox_problems_page(chat_world, fake_graph, login):
    MessageTemplate.objects.filter(purpose=TemplatePurpose.STATUS_UPDATE).delete()
    queue(chat_world.wa_account, wa_contact(), purpose=TemplatePurpose.STATUS_UPDATE, params=("A", "B"))
    deliver_due(now=NOW)

    page = login(chat_world.verifier).get("/akun/kotak-keluar/")

    assert page.status_code == 200
    assert "no approved template for status_update" in page.content.decode()


def test_a_confirmation_code_always_uses_the_authentication_template_and_is_not_kept(chat_world, fake_graph):
    contact = wa_contact(last_inbound_at=NOW - dt.timedelta(minutes=5))
    message = queue(
        chat_world.wa_account,
        contact,
        text="Kode konfirmasi untuk laporan ABCD-EFGH",
        purpose=TemplatePurpose.CONFIRMATION_CODE,
        params=("482913",),
    )

    delivered(message)

    template = fake_graph.sent[0]["template"]
    assert template["name"] == "mutu_confirmation_code"
    assert template["components"][0]["parameters"] == [{"type": "text", "text": "482913"}]
    assert template["components"][1]["sub_type"] == "url"
    assert template["components"][1]["parameters"] == [{"type": "text", "text": "482913"}]
    assert message.payload["params"] == [HIDDEN_CODE]
    assert message.outbox.payload["params"] == [HIDDEN_CODE]
    assert "482913" not in message.text + message.outbox.body


@pytest.mark.parametrize(
    ("purpose", "params"),
    [(TemplatePurpose.QUEUE_NEAR, ("A012", "3", "Perizinan")), (TemplatePurpose.QUEUE_CALLED, ("A012", "Loket 1"))],
)
def test_queue_notices_use_their_template_even_inside_the_window(chat_world, fake_graph, purpose, params):
    message = queue(
        chat_world.wa_account, wa_contact(last_inbound_at=NOW), purpose=purpose, params=params, unit=chat_world.dpmptsp
    )

    delivered(message)

    assert fake_graph.sent[0]["template"]["name"] == f"mutu_{purpose}"
    assert [p["text"] for p in fake_graph.sent[0]["template"]["components"][0]["parameters"]] == list(params)


def test_a_conversation_reply_about_a_report_falls_back_to_the_reply_notice_template(chat_world, fake_graph):
    complaint = make_complaint(chat_world)
    message = queue(chat_world.wa_account, wa_contact(), text="Balasan petugas", purpose=REPLY, complaint=complaint)

    delivered(message)

    template = fake_graph.sent[0]["template"]
    assert template["name"] == "mutu_reply_notice"
    texts = [p["text"] for p in template["components"][0]["parameters"]]
    assert texts[0] == complaint.tracking_code and texts[1].endswith(f"/lacak/{complaint.tracking_code}")


def test_a_reply_outside_the_window_about_no_report_cannot_go(chat_world, fake_graph):
    message = queue(chat_world.wa_account, wa_contact(last_inbound_at=NOW - dt.timedelta(days=2)), purpose=REPLY)

    delivered(message)

    assert not fake_graph.sent
    assert message.status == ChatMessage.Status.FAILED and "24-hour window" in message.error


def test_instagram_text_goes_within_24_hours_without_a_tag(chat_world, fake_graph):
    message = queue(chat_world.ig_account, ig_contact(last_inbound_at=NOW - dt.timedelta(hours=3)), text="Halo")

    delivered(message)

    body = fake_graph.sent[0]
    assert fake_graph.sent_paths == [f"/{chat_world.ig_account.external_id}/messages"]
    assert body == {"recipient": {"id": "5310000000000001"}, "message": {"text": "Halo"}}
    assert message.external_id.startswith("mid.") and message.status == ChatMessage.Status.SENT


def test_an_officers_instagram_reply_goes_with_the_human_agent_tag_up_to_7_days(chat_world, fake_graph):
    contact = ig_contact(last_inbound_at=NOW - dt.timedelta(days=6))
    officer_reply = queue(chat_world.ig_account, contact, key="officer", by=chat_world.complaint_officer)
    automatic = queue(chat_world.ig_account, contact, key="automatic")

    deliver_due(now=NOW)
    officer_reply.refresh_from_db()
    automatic.refresh_from_db()

    assert len(fake_graph.sent) == 1
    assert fake_graph.sent[0]["messaging_type"] == "MESSAGE_TAG" and fake_graph.sent[0]["tag"] == "HUMAN_AGENT"
    assert officer_reply.status == ChatMessage.Status.SENT and officer_reply.payload["human_agent"] is True
    assert automatic.status == ChatMessage.Status.FAILED and automatic.error == INSTAGRAM_WINDOW_CLOSED


def test_after_7_days_even_an_officers_instagram_reply_fails_pointing_to_the_tracking_page(chat_world, fake_graph):
    contact = ig_contact(last_inbound_at=NOW - dt.timedelta(days=7, minutes=1))
    message = queue(chat_world.ig_account, contact, by=chat_world.complaint_officer)

    delivered(message)

    assert not fake_graph.sent
    assert message.outbox.status == Outbox.FAILED and message.outbox.last_error == INSTAGRAM_WINDOW_CLOSED
    assert "tracking page" in message.error


def test_a_permanent_graph_refusal_fails_at_once(chat_world, fake_graph):
    fake_graph.fail_next(status=400, error={"message": "Recipient phone number not in allowed list", "code": 131030})
    message = queue(chat_world.wa_account, wa_contact(last_inbound_at=NOW))

    result = delivered(message)

    assert result.failed == 1 and message.outbox.attempts == 1
    assert "Recipient phone number not in allowed list" in message.outbox.last_error
    assert message.status == ChatMessage.Status.FAILED


def test_a_transient_graph_failure_is_retried_then_sent(chat_world, fake_graph):
    fake_graph.fail_next(status=503)
    message = queue(chat_world.wa_account, wa_contact(last_inbound_at=NOW))

    first = delivered(message)

    assert first.retrying == 1 and message.outbox.status == Outbox.PENDING
    assert message.status == ChatMessage.Status.QUEUED and not message.external_id

    delivered(message, at=message.outbox.next_attempt_at)

    assert message.outbox.status == Outbox.SENT and message.status == ChatMessage.Status.SENT
    assert len(fake_graph.sent) == 1


def test_transient_failures_until_the_last_attempt_mark_the_message_failed(chat_world, fake_graph):
    fake_graph.fail_next(MAX_ATTEMPTS, status=500)
    message = queue(chat_world.wa_account, wa_contact(last_inbound_at=NOW))
    at = NOW
    for _attempt in range(MAX_ATTEMPTS):
        delivered(message, at=at)
        at = message.outbox.next_attempt_at

    assert message.outbox.status == Outbox.FAILED
    assert message.status == ChatMessage.Status.FAILED and "HTTP 500" in message.error


def test_a_status_callback_that_came_before_the_send_is_applied_once_the_id_is_known(chat_world, fake_graph):
    StatusReport.objects.create(
        platform=Platform.WHATSAPP, message_external_id="wamid.FAKE00000001", status="read", at=NOW, received_at=NOW
    )
    message = queue(chat_world.wa_account, wa_contact(last_inbound_at=NOW))

    delivered(message)

    assert message.external_id == "wamid.FAKE00000001"
    assert message.status == ChatMessage.Status.READ


def test_a_switched_off_account_fails_the_message(chat_world, fake_graph):
    message = queue(chat_world.wa_account, wa_contact(last_inbound_at=NOW))
    chat_world.wa_account.is_active = False
    chat_world.wa_account.save()

    delivered(message)

    assert not fake_graph.sent and message.status == ChatMessage.Status.FAILED and "switched off" in message.error
