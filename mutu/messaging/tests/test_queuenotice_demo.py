"""The demo chat accounts and ``manage.py replay_chat_sample`` (no network: a local fake Graph
server is started by the command itself)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from mutu.complaints.models import Channel, Complaint, Evidence
from mutu.core.models import OutboxMessage
from mutu.messaging import demo
from mutu.messaging.models import ChannelAccount, ChatMessage, Conversation, MessageTemplate, StatusReport
from mutu.queues.testing import published_service


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ("messaging", "complaints", "core")
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def w(complaint_world, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.WHATSAPP_APP_SECRET = ""  # the replay signs with a throwaway secret then
    published_service(unit=complaint_world.dukcapil, name="Kartu Tanda Penduduk Elektronik (KTP-el)", slug="ktp-el")
    return complaint_world


def replay() -> str:
    out = io.StringIO()
    call_command("replay_chat_sample", stdout=out)
    return out.getvalue()


def test_the_seed_creates_the_bontang_chat_accounts_once(w):
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    whatsapp, instagram = demo.demo_accounts()
    assert (whatsapp.display_address, whatsapp.instansi) == ("+62 811-5400-123", w.bontang)
    assert instagram.display_address == "@pemkot.bontang"
    assert ChannelAccount.objects.count() == 2
    assert MessageTemplate.objects.filter(account=whatsapp).count() == 6


def test_seed_demo_runs_the_chat_seed_last():
    from mutu.core.management.commands.seed_demo import DEMO_SEEDERS

    assert DEMO_SEEDERS[-1] == "mutu.messaging.demo"


def test_the_replay_files_the_whatsapp_complaint_with_its_photo_and_shows_delivery(w):
    output = replay()
    complaint = Complaint.objects.get(channel=Channel.WHATSAPP)
    assert complaint.tracking_code in output
    assert complaint.reporter_name == "Rina Wulandari"
    assert complaint.reporter_phone == "6281254320917"
    assert "blangko habis" in complaint.description
    assert complaint.service.slug == "ktp-el"
    assert Evidence.objects.filter(complaint=complaint).count() == 1
    replies = list(
        ChatMessage.objects.filter(contact__external_id="6281254320917", direction="out").order_by("sent_at", "pk")
    )
    assert len(replies) >= 7
    assert all(r.external_id.startswith("wamid.FAKE") for r in replies)
    assert [r.status for r in replies] == ["read"] * (len(replies) - 1) + ["delivered"]
    assert StatusReport.objects.filter(status="read").count() == len(replies) - 1
    # The Instagram DM stays an open conversation, its replies sent.
    instagram = Conversation.objects.get(contact__external_id="5310000000000042")
    assert instagram.is_open and instagram.complaint is None
    assert set(
        ChatMessage.objects.filter(contact__external_id="5310000000000042", direction="out").values_list(
            "status", flat=True
        )
    ) == {"sent"}
    assert not OutboxMessage.objects.filter(channel__in=["whatsapp", "instagram"], status="pending").exists()


def test_running_the_replay_twice_changes_nothing(w):
    replay()
    before = _row_counts()
    output = replay()
    assert _row_counts() == before
    assert "0 messages played (10 already there)" in output
