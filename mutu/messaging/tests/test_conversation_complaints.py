"""Messages outside a conversation from a citizen with an open report join that report."""

import pytest

from mutu.complaints.models import Channel, Complaint, Deadline, Evidence, Message, Stage, Status
from mutu.complaints.services_verification import archive_complaint, request_more_information
from mutu.complaints.testing import make_complaint
from mutu.messaging import conversation_texts as texts
from mutu.messaging.accounts import whatsapp_contact_for_phone
from mutu.messaging.conversation import _thread_key
from mutu.messaging.models import ChatMessage, Conversation, TemplatePurpose
from mutu.messaging.outgoing import send_chat

from .conversation_chat import Chat, add_services, in_indonesian

pytestmark = pytest.mark.django_db

State = Conversation.State
STORY = "Berkas izin reklame saya sudah tiga minggu belum ada kabar dari petugas."


@pytest.fixture
def w(chat_world, settings, tmp_path, webhook_secrets):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    add_services(chat_world)
    return chat_world


@pytest.fixture
def chat(client, fake_graph, w):
    return Chat(client, fake_graph)


def file_report(chat: Chat) -> Complaint:
    for text in (STORY, "1", "lanjut", "1", "1", "kirim"):
        chat.say(text)
    return Complaint.objects.get()


def test_a_message_after_filing_joins_the_open_report(chat):
    complaint = file_report(chat)

    reply = chat.later(hours=2).say("Tambahan: nomor berkas saya 12/REK/2025")

    assert reply == in_indonesian(texts.added_to_complaint, tracking_code=complaint.tracking_code)
    entry = Message.objects.get(complaint=complaint, kind=Message.Kind.CITIZEN)
    assert entry.body == "Tambahan: nomor berkas saya 12/REK/2025"
    assert entry.channel == Channel.WHATSAPP
    assert entry.external_id == chat.last_id
    assert ChatMessage.objects.get(external_id=chat.last_id).complaint == complaint
    assert Conversation.objects.count() == 1
    assert chat.replies()[-1].complaint == complaint


def test_a_photo_after_filing_becomes_evidence_of_the_report(chat):
    complaint = file_report(chat)

    chat.photo(caption="bukti pembayaran")

    assert Evidence.objects.filter(complaint=complaint).count() == 1
    entry = Message.objects.get(complaint=complaint, kind=Message.Kind.CITIZEN)
    assert entry.body == f"{in_indonesian(texts.thread_photo)} bukti pembayaran"


def test_baru_starts_a_new_report_beside_the_open_one(chat):
    first = file_report(chat)

    reply = chat.say("baru")

    assert in_indonesian(texts.ask_description) in reply
    assert chat.conversation.state == State.DESCRIBE
    for text in ("Petugas parkir di kantor Disdukcapil meminta uang tambahan.", "2", "lanjut", "1", "1", "kirim"):
        chat.say(text)
    second = Complaint.objects.exclude(pk=first.pk).get()
    assert second.tracking_code in chat.replies()[-1].text
    assert not Message.objects.filter(complaint=first, kind=Message.Kind.CITIZEN).exists()
    # Now the newest report is the one a later message joins.
    assert second.tracking_code in chat.say("Kapan ditindaklanjuti?")


def test_a_reply_to_a_report_waiting_for_the_citizen_restarts_its_clock(chat, w):
    complaint = file_report(chat)
    request_more_information(complaint=complaint, question="Di loket mana?", by=w.verifier, now=chat.now)

    chat.later(hours=5).say("Di loket 3, lantai 2 MPP")

    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED
    assert complaint.paused_since is None
    assert Deadline.objects.get(complaint=complaint, stage=Stage.CITIZEN_REPLY).met_at is not None
    entry = Message.objects.get(complaint=complaint, kind=Message.Kind.CITIZEN)
    assert (entry.channel, entry.external_id) == (Channel.WHATSAPP, chat.last_id)


def test_a_closed_report_does_not_take_new_messages(chat, w):
    complaint = file_report(chat)
    archive_complaint(complaint=complaint, reason="Sudah ditangani di tempat.", by=w.verifier, now=chat.now)

    chat.say("Halo")

    assert chat.conversation.state == State.DESCRIBE
    assert not Message.objects.filter(complaint=complaint, kind=Message.Kind.CITIZEN).exists()


def test_a_web_report_notified_by_whatsapp_takes_the_citizens_answer(chat, w):
    complaint = make_complaint(w, reporter_phone="0812-3456-7890")
    contact = whatsapp_contact_for_phone(phone=complaint.reporter_phone, now=chat.now)
    send_chat(
        account=w.wa_account,
        contact=contact,
        text="Status laporan berubah",
        dedupe_key="test-status",
        now=chat.now,
        purpose=TemplatePurpose.STATUS_UPDATE,
        params=[complaint.tracking_code, "Diteruskan"],
        complaint=complaint,
    )

    reply = chat.say("Terima kasih, kapan bisa saya ambil izinnya?")

    assert complaint.tracking_code in reply
    assert Message.objects.filter(complaint=complaint, kind=Message.Kind.CITIZEN, channel=Channel.WHATSAPP).exists()
    assert not Conversation.objects.exists()


def test_a_reaction_is_kept_with_the_report_and_not_answered(chat):
    complaint = file_report(chat)

    assert chat.reaction() == ""
    assert ChatMessage.objects.get(kind="reaction").complaint == complaint
    assert not Message.objects.filter(complaint=complaint, kind=Message.Kind.CITIZEN).exists()


def test_the_same_message_joins_the_thread_once(chat):
    complaint = file_report(chat)
    chat.say("Mohon segera ditindaklanjuti")

    assert chat.resend_last() == ""
    assert Message.objects.filter(complaint=complaint, kind=Message.Kind.CITIZEN).count() == 1


def test_long_instagram_ids_keep_their_unique_end_in_the_thread():
    prefix = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAxOjM0MDI4MjM2Njg0MTcxMDMw" * 2
    first, second = _thread_key(prefix + "A1"), _thread_key(prefix + "A2")

    assert first != second
    assert len(first) <= 120
    assert _thread_key("wamid.SHORT") == "wamid.SHORT"
