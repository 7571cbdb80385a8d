"""The guided conversation, driven end to end through signed webhooks: a citizen tells what
happened on WhatsApp or Instagram and ends with a report and its tracking code."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from mutu.complaints.models import Channel, Complaint, Evidence, Status
from mutu.complaints.selectors import can_see_identity
from mutu.core.outbox import deliver_due
from mutu.messaging import conversation_texts as texts
from mutu.messaging.conversation import handle_inbound, title_from
from mutu.messaging.events import InboundMessage
from mutu.messaging.models import ChatMessage, Conversation, Platform

from .conversation_chat import Chat, add_services, in_indonesian

pytestmark = pytest.mark.django_db

State = Conversation.State
STORY = "Saya sudah dua jam menunggu di loket perizinan tanpa ada panggilan sama sekali."


@pytest.fixture
def w(chat_world, settings, tmp_path, webhook_secrets):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.SITE_URL = "https://mutu.bontangkota.go.id"
    add_services(chat_world)
    return chat_world


@pytest.fixture
def chat(client, fake_graph, w):
    return Chat(client, fake_graph)


def walk_to(chat: Chat, state: str) -> None:
    """Answer the steps up to ``state`` the ordinary way."""
    chat.say(STORY)
    if state == State.PLACE:
        return
    chat.say("1")
    if state == State.EVIDENCE:
        return
    chat.say("lanjut")
    if state == State.NAME:
        return
    chat.say("1")
    if state == State.PRIVACY:
        return
    chat.say("1")


# --- the whole conversation ----------------------------------------------------------------------


def test_a_whole_whatsapp_conversation_with_a_photo_files_a_report_with_evidence(chat, w, fake_graph):
    welcome = chat.say("Halo min")
    assert "*batal*" in welcome
    assert chat.conversation.state == State.DESCRIBE

    place_question = chat.say(STORY)
    assert "*1*. Izin Reklame (DPMPTSP)" in place_question
    assert "*2*. KTP-el (Disdukcapil)" in place_question

    assert "*lanjut*" in chat.say("1")
    assert chat.photo(caption="Foto antrean") == in_indonesian(texts.evidence_received, count=1)
    name_question = chat.say("lanjut")
    assert "*Rahmat*" in name_question

    assert "*3*" in chat.say("1")
    summary = chat.say("1")
    assert "Izin Reklame" in summary
    assert in_indonesian(texts.attachments_label, count=1) in summary
    assert "*kirim*" in summary

    filed = chat.say("kirim")

    complaint = Complaint.objects.get()
    assert complaint.tracking_code in filed
    assert f"https://mutu.bontangkota.go.id/lacak/{complaint.tracking_code}" in filed
    assert complaint.channel == Channel.WHATSAPP
    assert complaint.status == Status.SUBMITTED
    assert complaint.description == STORY
    assert complaint.title == title_from(STORY)
    assert complaint.service == w.reklame
    assert complaint.suggested_unit == w.dpmptsp
    assert complaint.reporter_name == "Rahmat"
    assert complaint.reporter_phone == "6281234567890"
    assert complaint.consent_at is not None
    assert not complaint.is_anonymous and not complaint.is_confidential
    evidence = Evidence.objects.get(complaint=complaint)
    assert evidence.from_citizen
    conversation = chat.conversation
    assert conversation.state == State.FILED
    assert conversation.complaint == complaint
    assert conversation.ended_at is not None
    # Every message of the dialogue, both ways, is the report's chat thread.
    assert not ChatMessage.objects.filter(conversation=conversation, complaint__isnull=True).exists()
    assert ChatMessage.objects.filter(complaint=complaint, direction="in").count() == 8

    deliver_due(now=chat.now)
    assert complaint.tracking_code in fake_graph.sent[-1]["text"]["body"]
    assert fake_graph.sent[-1]["to"] == "6281234567890"


def test_a_photo_fetched_after_the_report_was_filed_still_becomes_evidence(chat):
    chat.fetch_at_once = False
    chat.say(STORY)
    chat.say("1")
    chat.photo()
    for text in ("lanjut", "1", "1", "kirim"):
        chat.say(text)
    complaint = Complaint.objects.get()
    assert not Evidence.objects.exists()

    chat.fetch_pending()

    assert Evidence.objects.filter(complaint=complaint).count() == 1


def test_a_substantive_first_message_is_the_description(chat):
    reply = chat.say(STORY)

    assert chat.conversation.state == State.PLACE
    assert chat.conversation.draft["description"] == STORY
    assert "Izin Reklame" in reply
    assert "*batal*" in reply


@pytest.mark.parametrize("first", ["halo", "Selamat pagi", "P", "mau lapor min"])
def test_a_greeting_or_a_short_first_message_gets_a_welcome(chat, first):
    reply = chat.say(first)

    assert chat.conversation.state == State.DESCRIBE
    assert "description" not in chat.conversation.draft
    assert in_indonesian(texts.ask_description) in reply


def test_a_photo_with_a_story_as_caption_starts_the_report_with_evidence(chat):
    chat.photo(caption=STORY)

    assert chat.conversation.state == State.PLACE
    assert chat.conversation.draft["description"] == STORY
    assert ChatMessage.objects.get(kind="image").conversation == chat.conversation


def test_a_button_reply_answers_like_typed_text(chat):
    walk_to(chat, State.PRIVACY)

    chat.button(reply_id="3", title="Anonim")

    assert chat.conversation.state == State.CONFIRM
    assert chat.conversation.draft["privacy"] == "anonymous"


# --- the place step ------------------------------------------------------------------------------


def test_a_typed_service_name_picks_that_service(chat, w):
    chat.say(STORY)
    chat.say("ktp el")

    draft = chat.conversation.draft
    assert chat.conversation.state == State.EVIDENCE
    assert draft["service_id"] == w.ktp.pk
    assert draft["place_text"] == "ktp el"


def test_a_typed_place_is_kept_as_the_address_and_matches_a_location(chat, w):
    chat.say(STORY)
    chat.say("0")
    assert chat.conversation.state == State.PLACE
    chat.say("Gedung MPP Bontang lantai 2")
    chat.say("lanjut")
    chat.say("anonim")
    chat.say("kirim")

    complaint = Complaint.objects.get()
    assert complaint.address == "Gedung MPP Bontang lantai 2"
    assert complaint.location == w.mpp
    assert complaint.service is None


def test_a_whatsapp_location_answers_the_place_question(chat):
    chat.say(STORY)
    reply = chat.location(0.1337, 117.5, name="Kantor DPMPTSP")

    assert chat.conversation.state == State.EVIDENCE
    assert "*lanjut*" in reply
    chat.say("lanjut")
    chat.say("1")
    chat.say("1")
    chat.say("kirim")

    complaint = Complaint.objects.get()
    assert complaint.latitude == Decimal("0.133700")
    assert complaint.longitude == Decimal("117.500000")
    assert complaint.address == "Kantor DPMPTSP"


# --- bad input stays on the step -----------------------------------------------------------------


def test_each_step_answers_bad_input_with_a_hint_and_stays(chat):
    chat.say("halo")
    assert chat.say("tolong") == in_indonesian(texts.describe_more)
    assert chat.conversation.state == State.DESCRIBE

    chat.say(STORY)
    assert chat.say("12") == in_indonesian(texts.place_hint, highest=2)
    assert chat.say("x") == in_indonesian(texts.place_hint, highest=2)
    assert chat.conversation.state == State.PLACE

    chat.say("2")
    assert chat.say("sudah saya ceritakan") == in_indonesian(texts.evidence_hint)
    assert chat.conversation.state == State.EVIDENCE

    chat.say("tidak ada")
    assert chat.say("2") == in_indonesian(texts.name_hint)
    assert chat.say("08123456789") == in_indonesian(texts.name_hint)
    assert chat.conversation.state == State.NAME

    chat.say("Siti Aminah")
    assert chat.say("4") == in_indonesian(texts.privacy_hint)
    assert chat.say("terserah") == in_indonesian(texts.privacy_hint)
    assert chat.conversation.state == State.PRIVACY

    chat.say("1")
    assert chat.say("sip") == in_indonesian(texts.confirm_hint)
    assert chat.conversation.state == State.CONFIRM
    assert chat.conversation.draft["name"] == "Siti Aminah"
    assert not Complaint.objects.exists()


def test_an_unknown_message_type_is_kept_and_answered_once(chat):
    chat.say(STORY)

    first = chat.sticker()
    second = chat.sticker()

    assert in_indonesian(texts.unsupported) in first
    assert "Izin Reklame" in first  # the question of the step comes again
    assert second == ""
    assert ChatMessage.objects.filter(kind="sticker", conversation=chat.conversation).count() == 2
    assert chat.conversation.state == State.PLACE


def test_a_refused_attachment_type_is_answered_by_the_media_check_only(chat, fake_graph):
    chat.say(STORY)
    chat.say("1")

    reply = chat.photo(data=b"%PDF-1.4 not really", mime="application/zip")

    assert in_indonesian(texts.evidence_received, count=1) not in reply
    message = ChatMessage.objects.get(kind="image")
    assert message.media_status == ChatMessage.MediaStatus.REJECTED
    assert message.conversation == chat.conversation
    chat.say("lanjut")
    chat.say("1")
    assert in_indonesian(texts.attachments_label, count=0) in chat.say("1")


# --- batal, ubah, stop and resume ----------------------------------------------------------------


@pytest.mark.parametrize("state", [State.DESCRIBE, State.PLACE, State.EVIDENCE, State.NAME, State.CONFIRM])
def test_batal_at_any_step_cancels_without_filing(chat, state):
    if state == State.DESCRIBE:
        chat.say("halo")
    else:
        walk_to(chat, state)

    reply = chat.say("Batal")

    assert reply == in_indonesian(texts.cancelled)
    conversation = chat.conversation
    assert conversation.state == State.CANCELLED
    assert conversation.ended_at is not None
    assert not Complaint.objects.exists()


def test_after_batal_the_next_message_starts_afresh(chat):
    walk_to(chat, State.NAME)
    chat.say("batal")

    chat.say("halo")

    assert Conversation.objects.count() == 2
    assert chat.conversation.state == State.DESCRIBE
    assert chat.conversation.draft.get("description") is None


def test_batal_without_a_conversation_starts_nothing(chat):
    assert chat.say("batal") == in_indonesian(texts.nothing_to_cancel)
    assert not Conversation.objects.exists()


def test_ubah_starts_the_report_again(chat):
    walk_to(chat, State.CONFIRM)

    reply = chat.say("ubah")

    assert in_indonesian(texts.ask_description) in reply
    assert chat.conversation.state == State.DESCRIBE
    assert "description" not in chat.conversation.draft
    chat.say("Petugas di loket tidak ramah saat saya bertanya.")
    assert chat.conversation.draft["description"] == "Petugas di loket tidak ramah saat saya bertanya."


def test_a_citizen_who_comes_back_later_continues_where_they_stopped(chat):
    walk_to(chat, State.EVIDENCE)

    reply = chat.later(hours=20).say("Selamat siang")

    summary = in_indonesian(texts.resumed, summary=STORY[:59] + "…")
    assert summary in reply
    assert in_indonesian(texts.ask_evidence) in reply
    assert chat.conversation.state == State.EVIDENCE

    reply = chat.later(hours=3).say("lanjut")
    assert summary in reply
    assert chat.conversation.state == State.NAME


def test_a_greeting_in_the_middle_repeats_the_question_instead_of_answering_it(chat):
    walk_to(chat, State.PLACE)

    reply = chat.say("halo")

    assert chat.conversation.state == State.PLACE
    assert "Izin Reklame" in reply
    assert "place_text" not in chat.conversation.draft


# --- privacy -------------------------------------------------------------------------------------


def file_with_privacy(chat: Chat, answer: str) -> Complaint:
    walk_to(chat, State.PRIVACY)
    chat.say(answer)
    chat.say("kirim")
    return Complaint.objects.get()


def test_rahasia_keeps_the_identity_for_the_verifier_only(chat, w):
    complaint = file_with_privacy(chat, "2")

    assert complaint.is_anonymous and complaint.is_confidential
    assert complaint.reporter_name == "Rahmat"
    assert complaint.reporter_phone == "6281234567890"
    assert can_see_identity(user=w.verifier, complaint=complaint)
    assert not can_see_identity(user=w.complaint_officer, complaint=complaint)


def test_anonim_stores_no_identity_but_still_answers_on_the_chat(chat, w):
    complaint = file_with_privacy(chat, "anonim")
    filed = chat.replies()[-1]

    assert complaint.is_anonymous and not complaint.is_confidential
    assert complaint.reporter_name == "" and complaint.reporter_phone == ""
    assert not can_see_identity(user=w.complaint_officer, complaint=complaint)
    assert complaint.tracking_code in filed.text
    with translation.override("id"):
        assert (
            texts.filed(tracking_code=complaint.tracking_code, tracking_url="", anonymous=True).split("\n")[-1]
            in filed.text
        )
    assert filed.contact == chat.contact


def test_typing_anonim_for_the_name_skips_the_privacy_question(chat):
    walk_to(chat, State.NAME)

    summary = chat.say("anonim")

    assert chat.conversation.state == State.CONFIRM
    assert in_indonesian(texts.identity_anonymous) in summary


# --- Instagram -----------------------------------------------------------------------------------


def test_an_instagram_dm_conversation_files_a_report_without_a_phone(client, fake_graph, w):
    chat = Chat(client, fake_graph, platform=Platform.INSTAGRAM, sender="5310000000000077")

    reply = chat.say(STORY)
    assert "Izin Reklame" in reply
    assert "📎" not in reply  # no location messages on Instagram
    chat.say("2")
    assert chat.photo() == in_indonesian(texts.evidence_received, count=1)
    chat.say("lanjut")
    assert "*1*" not in chat.say("Dewi Lestari").split("\n")[0]
    chat.say("1")
    filed = chat.say("kirim")

    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.INSTAGRAM
    assert complaint.tracking_code in filed
    assert complaint.reporter_name == "Dewi Lestari"
    assert complaint.reporter_phone == ""
    assert complaint.service == w.ktp
    assert Evidence.objects.filter(complaint=complaint).count() == 1
    assert ChatMessage.objects.filter(complaint=complaint, direction="in").count() == 7
    deliver_due(now=chat.now)
    assert complaint.tracking_code in fake_graph.sent[-1]["message"]["text"]


# --- reprocessing --------------------------------------------------------------------------------


def test_a_delivery_sent_again_answers_nothing_twice(chat):
    chat.say(STORY)
    chat.say("1")

    assert chat.resend_last() == ""
    assert chat.conversation.state == State.EVIDENCE
    assert ChatMessage.objects.filter(direction="in").count() == 2


def test_handling_a_stored_message_again_sends_nothing_and_moves_nothing(chat):
    chat.say(STORY)
    chat.say("1")
    message = ChatMessage.objects.filter(direction="in").order_by("pk").last()
    replies = ChatMessage.objects.filter(direction="out").count()
    event = InboundMessage(
        platform=Platform.WHATSAPP,
        account_id=message.account.external_id,
        sender_id=chat.sender,
        message_id=message.external_id,
        sent_at=message.sent_at,
        kind="text",
        text="1",
    )

    handle_inbound(message=message, event=event, now=chat.now + datetime.timedelta(minutes=1))

    assert ChatMessage.objects.filter(direction="out").count() == replies
    assert chat.conversation.state == State.EVIDENCE
