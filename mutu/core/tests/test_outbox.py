"""The outbox: written with the change, sent once, retried with backoff, never lost."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from mutu.core import outbox
from mutu.core.models import AuditEvent, Notification, OutboxMessage
from mutu.core.outbox import MAX_ATTEMPTS, deliver_due, enqueue, retry_outbox_message

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
Status = OutboxMessage.Status


def email(key="k1", **kw):
    kw.setdefault("address", "siti@example.org")
    kw.setdefault("subject", "Laporan diterima")
    kw.setdefault("body", "Kode pelacakan ABCD-EFGH")
    return enqueue(channel=OutboxMessage.Channel.EMAIL, dedupe_key=key, now=kw.pop("now", NOW), **kw)


def test_a_message_is_written_in_the_callers_transaction_and_vanishes_with_its_rollback():
    with pytest.raises(RuntimeError), transaction.atomic():
        email()
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_the_same_event_is_written_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        first, created = email("complaint:1:submitted")
        again, created_again = email("complaint:1:submitted", body="other")
        email("complaint:1:forwarded")
    assert created and not created_again and again.pk == first.pk
    assert OutboxMessage.objects.count() == 2
    # One delivery task per transaction, however many rows it wrote.
    assert len(callbacks) == 1


def test_the_delivery_task_is_enqueued_on_commit(django_capture_on_commit_callbacks, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        email()
    assert DBTaskResult.objects.filter(task_path="mutu.core.tasks.deliver_outbox").count() == 1


def test_an_email_is_sent_once_by_django_mail():
    row, _ = email()
    result = deliver_due(now=NOW)
    assert result.sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.org"]
    assert "ABCD-EFGH" in mail.outbox[0].body
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at == NOW and row.attempts == 1
    deliver_due(now=NOW + dt.timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_an_in_app_message_becomes_the_users_notification(world):
    row, _ = enqueue(
        channel=OutboxMessage.Channel.IN_APP,
        dedupe_key="n1",
        subject="Laporan baru menunggu verifikasi",
        body="Laporan baru menunggu verifikasi",
        recipient=world.verifier,
        url="/kelola/pengaduan/1/",
        now=NOW,
    )
    deliver_due(now=NOW)
    notification = Notification.objects.get(user=world.verifier)
    assert notification.text == "Laporan baru menunggu verifikasi"
    assert notification.url == "/kelola/pengaduan/1/" and notification.outbox_id == row.pk
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_a_failing_send_is_retried_with_growing_pauses_then_given_up(monkeypatch):
    def broken(message, now):
        raise OSError("SMTP server unreachable")

    monkeypatch.setitem(outbox.SENDERS, OutboxMessage.Channel.EMAIL, broken)
    row, _ = email()
    now = NOW
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = deliver_due(now=now)
        row.refresh_from_db()
        assert row.attempts == attempt
        assert "SMTP server unreachable" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert result.retrying == 1 and row.status == Status.PENDING
            waits.append(row.next_attempt_at - now)
            # Not due a moment before the pause is over.
            assert deliver_due(now=row.next_attempt_at - dt.timedelta(seconds=1)).retrying == 0
            now = row.next_attempt_at
        else:
            assert result.failed == 1 and row.status == Status.FAILED
    assert waits == [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
    assert deliver_due(now=now + dt.timedelta(days=1)).failed == 0
    assert not mail.outbox


def test_whatsapp_is_not_pretended_to_be_sent_while_the_channel_is_missing(monkeypatch):
    # The messaging app registers a real sender; this is the outbox without one.
    monkeypatch.setitem(outbox.SENDERS, OutboxMessage.Channel.WHATSAPP, outbox._not_configured)
    row, _ = enqueue(channel=OutboxMessage.Channel.WHATSAPP, dedupe_key="wa1", body="Halo", address="+628123", now=NOW)
    result = deliver_due(now=NOW)
    row.refresh_from_db()
    assert result.sent == 0 and result.waiting == 1
    assert row.status == Status.PENDING and row.attempts == 0 and row.sent_at is None
    assert row.last_error == "channel not configured"
    assert row.next_attempt_at > NOW


def test_a_row_claimed_by_another_worker_is_not_sent_twice():
    row, _ = email()
    # Another worker claimed it a moment ago.
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=NOW)
    assert deliver_due(now=NOW + dt.timedelta(minutes=1)).sent == 0
    assert not mail.outbox


def test_a_row_stuck_in_sending_after_a_crash_is_reclaimed_and_sent():
    row, _ = email()
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=NOW)
    assert deliver_due(now=NOW + dt.timedelta(minutes=9)).sent == 0
    result = deliver_due(now=NOW + dt.timedelta(minutes=11))
    assert result.reclaimed == 1 and result.sent == 1
    assert len(mail.outbox) == 1


def test_retrying_a_failed_message_gives_it_fresh_attempts_and_is_audited(world):
    row, _ = email()
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=MAX_ATTEMPTS, last_error="x")
    later = NOW + dt.timedelta(days=1)
    retry_outbox_message(message=OutboxMessage.objects.get(pk=row.pk), by=world.alice, now=later)
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 0 and row.next_attempt_at == later
    assert AuditEvent.objects.filter(action="outbox.retry", object_id=str(row.pk)).exists()
    assert deliver_due(now=later).sent == 1


def test_a_sent_message_cannot_be_retried(world):
    from mutu.core.errors import ApplicationError

    row, _ = email()
    deliver_due(now=NOW)
    with pytest.raises(ApplicationError):
        retry_outbox_message(message=OutboxMessage.objects.get(pk=row.pk), by=world.alice, now=NOW)


def test_the_periodic_loop_delivers_what_the_task_missed():
    from mutu.core.periodic import PERIODIC_JOBS, run_job

    assert "mutu.core.outbox.deliver_due_job" in PERIODIC_JOBS
    email()
    assert run_job("mutu.core.outbox.deliver_due_job").ok
    assert len(mail.outbox) == 1
