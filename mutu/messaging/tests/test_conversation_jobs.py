"""Conversations the citizen never finished: filed (or dropped) after a week of silence."""

import datetime

import pytest

from mutu.complaints.models import Evidence, Message
from mutu.core.periodic import PERIODIC_JOBS
from mutu.messaging import conversation_texts as texts
from mutu.messaging.conversation_jobs import file_abandoned_conversations
from mutu.messaging.models import ChatMessage, Conversation

from .conversation_chat import Chat, add_services, in_indonesian

pytestmark = pytest.mark.django_db

State = Conversation.State
STORY = "Lampu jalan di depan kantor kelurahan sudah sebulan mati dan belum diperbaiki."
WEEK = datetime.timedelta(days=7)


@pytest.fixture
def w(chat_world, settings, tmp_path, webhook_secrets):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    add_services(chat_world)
    return chat_world


@pytest.fixture
def chat(client, fake_graph, w):
    return Chat(client, fake_graph)


def test_the_job_is_periodic():
    assert "mutu.messaging.conversation_jobs.file_abandoned_conversations" in PERIODIC_JOBS


def test_a_silent_conversation_with_a_story_is_filed_with_a_note(chat):
    chat.say(STORY)
    chat.say("1")
    chat.photo()
    chat.say("lanjut")  # asked for the name, then nothing more
    later = chat.now + WEEK + datetime.timedelta(minutes=1)

    result = file_abandoned_conversations(now=later)

    assert (result.filed, result.abandoned) == (1, 0)
    conversation = chat.conversation
    complaint = conversation.complaint
    assert conversation.state == State.FILED
    assert conversation.ended_at == later
    assert complaint.description == STORY
    assert complaint.submitted_at == later
    # Never confirmed: no consent recorded, and the identity is for the verifier only.
    assert complaint.consent_at is None
    assert complaint.is_anonymous and complaint.is_confidential
    assert complaint.reporter_phone == "6281234567890"
    note = Message.objects.get(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE)
    assert note.body == in_indonesian(texts.abandoned_note, days=7)
    assert Evidence.objects.filter(complaint=complaint).count() == 1
    assert not ChatMessage.objects.filter(conversation=conversation, complaint__isnull=True).exists()


def test_a_chosen_privacy_is_kept_when_filed_unfinished(chat):
    for text in (STORY, "1", "lanjut", "1", "3"):
        chat.say(text)

    file_abandoned_conversations(now=chat.now + WEEK + datetime.timedelta(hours=1))

    complaint = chat.conversation.complaint
    assert complaint.is_anonymous and not complaint.is_confidential
    assert complaint.reporter_name == "" and complaint.reporter_phone == ""


def test_a_silent_conversation_without_a_story_is_only_closed(chat):
    chat.say("halo")

    result = file_abandoned_conversations(now=chat.now + WEEK + datetime.timedelta(minutes=1))

    assert (result.filed, result.abandoned) == (0, 1)
    conversation = chat.conversation
    assert conversation.state == State.ABANDONED
    assert conversation.ended_at is not None
    assert conversation.complaint is None


def test_running_the_job_twice_files_once(chat):
    chat.say(STORY)
    later = chat.now + WEEK + datetime.timedelta(minutes=1)

    first = file_abandoned_conversations(now=later)
    second = file_abandoned_conversations(now=later + datetime.timedelta(minutes=5))

    assert first.filed == 1
    assert (second.filed, second.abandoned, second.skipped) == (0, 0, 0)
    assert Conversation.objects.get().complaint is not None
    assert Message.objects.filter(kind=Message.Kind.INTERNAL_NOTE).count() == 1


def test_a_conversation_silent_for_less_than_a_week_is_left_open(chat):
    chat.say(STORY)

    result = file_abandoned_conversations(now=chat.now + WEEK - datetime.timedelta(minutes=1))

    assert (result.filed, result.abandoned) == (0, 0)
    assert chat.conversation.ended_at is None


def test_a_citizen_writing_after_the_filing_joins_the_report(chat):
    chat.say(STORY)
    file_abandoned_conversations(now=chat.now + WEEK + datetime.timedelta(minutes=1))
    complaint = chat.conversation.complaint

    reply = chat.later(days=8).say("Halo, bagaimana laporan saya?")

    assert complaint.tracking_code in reply
    assert Message.objects.filter(complaint=complaint, kind=Message.Kind.CITIZEN).count() == 1
