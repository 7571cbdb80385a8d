"""Messages sent before any unit holds the matter are visible to the instansi's desk."""

import pytest
from django.utils import timezone

from mutu.core.models import OutboxMessage
from mutu.core.outbox import can_see_outbox, enqueue, outbox_visible_to

pytestmark = pytest.mark.django_db


def test_instansi_level_failures_are_visible_to_the_verifier_and_the_instansi_admin(world):
    w = world
    row, _created = enqueue(
        channel=OutboxMessage.Channel.EMAIL,
        dedupe_key="test:instansi-level",
        body="Laporan diterima",
        address="warga@example.org",
        instansi=w.bontang,
        now=timezone.now(),
    )
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.FAILED, last_error="SMTP down")
    for user in (w.verifier, w.instansi_admin, w.superuser):
        assert can_see_outbox(user=user)
        assert outbox_visible_to(user=user).filter(pk=row.pk).exists()
    for user in (w.alice, w.charlie, w.dave, w.evaluator, w.nobody):
        assert not outbox_visible_to(user=user).filter(pk=row.pk).exists()


def test_a_unit_message_takes_its_instansi_from_the_unit(world):
    row, _created = enqueue(
        channel=OutboxMessage.Channel.IN_APP,
        dedupe_key="test:unit-level",
        body="Laporan diteruskan",
        recipient=world.alice,
        unit=world.dpmptsp,
        now=timezone.now(),
    )
    assert row.instansi_id == world.bontang.pk
