"""The complaints demo: every state, every channel, and a second run changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from mutu.complaints.models import Channel, Complaint, Status


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_app_config("complaints").get_models()}


@pytest.mark.django_db
def test_the_demo_has_complaints_in_every_state_from_every_channel_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    bontang = Complaint.objects.filter(instansi__slug="kota-bontang")
    assert set(bontang.values_list("status", flat=True)) == set(Status.values)
    channels = set(bontang.values_list("channel", flat=True))
    assert {Channel.WEB, Channel.WALK_IN, Channel.SOCIAL_MEDIA, Channel.LAPOR} <= channels
    assert bontang.filter(is_anonymous=True, is_confidential=True).exists()
    assert bontang.filter(channel=Channel.LAPOR, external_id="LAP-8812345").count() == 1
