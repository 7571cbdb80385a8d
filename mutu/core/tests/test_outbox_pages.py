"""The staff outbox page (failures visible, retry) and one's own notifications."""

import datetime as dt

import pytest
from django.urls import reverse

from mutu.core.models import Notification, OutboxMessage
from mutu.core.outbox import enqueue

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
Status = OutboxMessage.Status


@pytest.fixture
def failed(world):
    row, _ = enqueue(
        channel=OutboxMessage.Channel.EMAIL,
        dedupe_key="complaint:1:answered:citizen:email",
        subject="Laporan ABCD-EFGH sudah dijawab",
        body="…",
        address="siti@example.org",
        unit=world.dpmptsp,
        now=NOW,
    )
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=6, last_error="SMTPServerDisconnected: <b>gone</b>"
    )
    return row


def test_a_unit_admin_sees_the_failed_message_of_the_unit_with_its_error(world, failed, login):
    page = login(world.alice).get(reverse("core:outbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Laporan ABCD-EFGH sudah dijawab" in html
    assert "SMTPServerDisconnected: &lt;b&gt;gone&lt;/b&gt;" in html
    assert reverse("core:outbox_retry", args=[failed.pk]) in html


@pytest.mark.parametrize("persona", ["head", "instansi_admin", "superuser"])
def test_heads_and_admins_above_the_unit_see_it_too(world, failed, login, persona):
    page = login(getattr(world, persona)).get(reverse("core:outbox"))
    assert "Laporan ABCD-EFGH sudah dijawab" in page.content.decode()


def test_another_units_admin_does_not_see_it(world, failed, login):
    page = login(world.charlie).get(reverse("core:outbox"))
    assert page.status_code == 200
    assert "ABCD-EFGH" not in page.content.decode()
    dave = login(world.dave).get(reverse("core:outbox"))
    assert "ABCD-EFGH" not in dave.content.decode()


@pytest.mark.parametrize("persona", ["bob", "complaint_officer", "evaluator", "nobody"])
def test_staff_who_manage_no_unit_get_404(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("core:outbox")).status_code == 404


def test_the_complaint_verifier_sees_the_instansi_desks_outbox(world, login):
    # Notices about complaints still at the verifier's desk have no unit yet.
    assert login(world.verifier).get(reverse("core:outbox")).status_code == 200


def test_the_outbox_page_needs_a_login(client):
    response = client.get(reverse("core:outbox"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_retry_now_puts_the_message_back_in_the_queue(world, failed, login):
    response = login(world.alice).post(reverse("core:outbox_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.PENDING and failed.attempts == 0


def test_another_unit_cannot_retry_it(world, failed, login):
    assert login(world.charlie).post(reverse("core:outbox_retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def _notify(user, text="Laporan baru ABCD-EFGH menunggu verifikasi", url="/kelola/pengaduan/1/"):
    return Notification.objects.create(user=user, text=text, url=url, created_at=NOW)


def test_a_user_sees_own_notifications_and_the_unread_count_in_the_header(world, login):
    _notify(world.verifier)
    _notify(world.alice, text="Pesan untuk alice")
    page = login(world.verifier).get(reverse("core:notifications"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "ABCD-EFGH" in html and "Pesan untuk alice" not in html
    assert 'class="badge badge--warn">1<' in html


def test_marking_a_notification_read(world, login):
    notification = _notify(world.verifier)
    client = login(world.verifier)
    response = client.post(reverse("core:notification_read", args=[notification.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/kelola/pengaduan/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_outside_url_is_never_followed(world, login):
    notification = _notify(world.verifier, url="https://evil.example/")
    response = login(world.verifier).post(reverse("core:notification_read", args=[notification.pk]), {"open": "1"})
    assert response["Location"] == reverse("core:notifications")


def test_someone_elses_notification_is_404(world, login):
    notification = _notify(world.alice)
    assert login(world.charlie).post(reverse("core:notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(world, login):
    _notify(world.verifier)
    _notify(world.verifier, text="Dua")
    login(world.verifier).post(reverse("core:notifications_read_all"))
    assert not Notification.objects.filter(user=world.verifier, read_at__isnull=True).exists()
