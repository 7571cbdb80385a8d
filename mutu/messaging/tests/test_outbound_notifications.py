"""Complaint news by chat: status changes, public replies and the rating request reach the
citizen who wrote on WhatsApp/Instagram or confirmed a WhatsApp number; internal notes never."""

import datetime as dt

import pytest
import time_machine

from mutu.complaints.models import Channel, Complaint, Status
from mutu.complaints.services import submit_complaint
from mutu.complaints.services_handling import (
    add_internal_note,
    answer_complaint,
    ask_citizen,
    post_public_reply,
    start_handling,
)
from mutu.complaints.services_verification import forward_complaint, request_more_information
from mutu.complaints.testing import make_complaint
from mutu.core.outbox import deliver_due
from mutu.messaging.models import ChatMessage, Contact, Platform, TemplatePurpose

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def chat_complaint(w, *, platform=Platform.WHATSAPP, last_inbound_at=NOW, anonymous=False) -> Complaint:
    """A report that came in on a chat: the contact's message is part of it."""
    account = w.wa_account if platform == Platform.WHATSAPP else w.ig_account
    contact = Contact.objects.create(
        platform=platform,
        external_id="6281234567890" if platform == Platform.WHATSAPP else "5310000000000001",
        phone="6281234567890" if platform == Platform.WHATSAPP else "",
        profile_name="Rahmat",
        first_seen_at=NOW,
        last_inbound_at=last_inbound_at,
    )
    complaint = submit_complaint(
        instansi=w.bontang,
        channel=Channel.WHATSAPP if platform == Platform.WHATSAPP else Channel.INSTAGRAM,
        title="Izin lama sekali",
        description="Sudah tiga minggu izin saya belum selesai.",
        reporter_name="Rahmat",
        is_anonymous=anonymous,
        now=NOW,
    )
    ChatMessage.objects.create(
        platform=platform,
        account=account,
        contact=contact,
        complaint=complaint,
        direction=ChatMessage.Direction.IN,
        external_id="wamid.IN1" if platform == Platform.WHATSAPP else "mid.IN1",
        text="Sudah tiga minggu izin saya belum selesai.",
        sent_at=NOW,
        created_at=NOW,
        status=ChatMessage.Status.RECEIVED,
    )
    return complaint


def out_messages(complaint):
    return list(
        ChatMessage.objects.filter(complaint=complaint, direction=ChatMessage.Direction.OUT).order_by(
            "created_at", "id"
        )
    )


def in_progress(w, complaint):
    forward_complaint(complaint=complaint, unit=w.dpmptsp, by=w.verifier, now=NOW)
    start_handling(complaint=complaint, by=w.complaint_officer, now=NOW)
    complaint.refresh_from_db()
    return complaint


def test_a_status_change_reaches_the_chat_citizen_as_text_inside_the_window(chat_world, fake_graph):
    complaint = chat_complaint(chat_world)

    forward_complaint(complaint=complaint, unit=chat_world.dpmptsp, by=chat_world.verifier, now=NOW)
    deliver_due(now=NOW)

    [message] = out_messages(complaint)
    assert message.payload["purpose"] == TemplatePurpose.STATUS_UPDATE
    assert message.payload["params"] == [complaint.tracking_code, "Diteruskan ke unit"]
    assert fake_graph.sent[0]["type"] == "text"
    body = fake_graph.sent[0]["text"]["body"]
    assert complaint.tracking_code in body and "DPMPTSP Kota Bontang" in body
    assert f"/lacak/{complaint.tracking_code}" in body


def test_the_answer_and_the_rating_request_reach_whatsapp_by_template_after_the_window(chat_world, fake_graph):
    complaint = in_progress(chat_world, chat_complaint(chat_world, last_inbound_at=NOW - dt.timedelta(days=3)))
    deliver_due(now=NOW)
    fake_graph.reset()

    answer_complaint(complaint=complaint, outcome="Izin Anda sudah terbit.", by=chat_world.complaint_officer, now=NOW)
    deliver_due(now=NOW)

    names = [body["template"]["name"] for body in fake_graph.sent]
    assert names == ["mutu_status_update", "mutu_rating_request"]
    rating = fake_graph.sent[1]["template"]["components"][0]["parameters"]
    assert rating[0]["text"] == complaint.tracking_code
    assert rating[1]["text"].endswith(f"/lacak/{complaint.tracking_code}")


def test_status_news_is_written_once_per_event(chat_world, fake_graph):
    from mutu.complaints import notifications

    complaint = chat_complaint(chat_world)
    forward_complaint(complaint=complaint, unit=chat_world.dpmptsp, by=chat_world.verifier, now=NOW)

    notifications.complaint_changed(complaint_id=complaint.pk, what="forward")

    assert len(out_messages(complaint)) == 1


def test_a_public_reply_goes_as_text_inside_and_as_reply_notice_outside_the_window(chat_world, fake_graph, _frozen):
    complaint = in_progress(chat_world, chat_complaint(chat_world))
    deliver_due(now=NOW)
    fake_graph.reset()

    post_public_reply(complaint=complaint, body="Kami cek ke bidang perizinan.", by=chat_world.complaint_officer)
    deliver_due(now=NOW)
    assert fake_graph.sent[0]["type"] == "text"
    assert "Kami cek ke bidang perizinan." in fake_graph.sent[0]["text"]["body"]

    later = NOW + dt.timedelta(days=2)
    _frozen.move_to(later)
    post_public_reply(complaint=complaint, body="Berkas sudah lengkap.", by=chat_world.complaint_officer, now=later)
    deliver_due(now=later)
    assert fake_graph.sent[1]["template"]["name"] == "mutu_reply_notice"
    officer_replies = [m for m in out_messages(complaint) if m.payload["purpose"] == "reply"]
    assert [m.author_id for m in officer_replies] == [chat_world.complaint_officer.pk] * 2


def test_an_internal_note_never_goes_to_the_chat(chat_world, fake_graph):
    complaint = in_progress(chat_world, chat_complaint(chat_world))
    before = len(out_messages(complaint))

    add_internal_note(complaint=complaint, body="Pemohon kenalan kepala dinas.", by=chat_world.complaint_officer)

    assert len(out_messages(complaint)) == before
    assert not ChatMessage.objects.filter(text__contains="kenalan").exists()


def test_a_question_to_the_citizen_goes_in_one_message_with_the_status(chat_world, fake_graph):
    complaint = in_progress(chat_world, chat_complaint(chat_world))
    before = len(out_messages(complaint))

    ask_citizen(complaint=complaint, question="Mohon kirim nomor berkas.", by=chat_world.complaint_officer, now=NOW)

    new = out_messages(complaint)[before:]
    assert len(new) == 1
    assert "Mohon kirim nomor berkas." in new[0].text and complaint.tracking_code in new[0].text
    assert new[0].outbox.body == new[0].text


def test_the_verifiers_question_written_before_the_pause_is_not_sent_twice(chat_world, fake_graph):
    complaint = chat_complaint(chat_world)

    request_more_information(complaint=complaint, question="Di loket mana?", by=chat_world.verifier, now=NOW)

    messages = out_messages(complaint)
    assert len([m for m in messages if "Di loket mana?" in m.text]) == 1


def test_an_anonymous_chat_report_still_gets_its_replies_on_the_chat(chat_world, fake_graph):
    complaint = in_progress(chat_world, chat_complaint(chat_world, anonymous=True))

    post_public_reply(complaint=complaint, body="Sedang kami proses.", by=chat_world.complaint_officer)

    assert any("Sedang kami proses." in m.text for m in out_messages(complaint))


def test_instagram_news_follows_the_same_rules(chat_world, fake_graph):
    complaint = chat_complaint(chat_world, platform=Platform.INSTAGRAM)

    forward_complaint(complaint=complaint, unit=chat_world.dpmptsp, by=chat_world.verifier, now=NOW)
    deliver_due(now=NOW)

    assert fake_graph.sent_paths == [f"/{chat_world.ig_account.external_id}/messages"]
    assert complaint.tracking_code in fake_graph.sent[0]["message"]["text"]


def test_a_web_report_with_a_confirmed_phone_hears_by_whatsapp(chat_world, fake_graph):
    complaint = make_complaint(chat_world, reporter_phone="0812-3456-7890")
    Contact.objects.create(
        platform=Platform.WHATSAPP, external_id="6281234567890", phone="6281234567890", first_seen_at=NOW
    )
    Complaint.objects.filter(pk=complaint.pk).update(phone_confirmed_at=NOW)
    complaint.refresh_from_db()

    forward_complaint(complaint=complaint, unit=chat_world.dpmptsp, by=chat_world.verifier, now=NOW)
    deliver_due(now=NOW)

    [message] = out_messages(complaint)
    assert message.account == chat_world.wa_account and message.contact.external_id == "6281234567890"
    assert fake_graph.sent[0]["template"]["name"] == "mutu_status_update"


def test_a_web_report_with_an_unconfirmed_phone_hears_nothing_by_chat(chat_world, fake_graph):
    complaint = make_complaint(chat_world, reporter_phone="0812-3456-7890")

    forward_complaint(complaint=complaint, unit=chat_world.dpmptsp, by=chat_world.verifier, now=NOW)

    assert complaint.status == Status.FORWARDED
    assert out_messages(complaint) == []
