"""A sender's permanent refusal fails the row at once; the channel's failure handler hears of it."""

import datetime as dt

import pytest

from mutu.core import outbox
from mutu.core.models import OutboxMessage
from mutu.core.outbox import MAX_ATTEMPTS, PermanentFailure, deliver_due, enqueue

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
Status = OutboxMessage.Status
EMAIL = OutboxMessage.Channel.EMAIL


@pytest.fixture
def failures(monkeypatch):
    """Install a failure handler for email that records what it is told."""
    told = []
    monkeypatch.setitem(outbox.FAILURE_HANDLERS, EMAIL, lambda message, error, now: told.append((message.pk, error)))
    return told


def email(key="k1"):
    row, _created = enqueue(channel=EMAIL, dedupe_key=key, body="Halo", address="siti@example.org", now=NOW)
    return row


def test_a_permanent_failure_fails_the_row_on_the_first_attempt(monkeypatch, failures):
    def refused(message, now):
        raise PermanentFailure("no approved template for status_update")

    monkeypatch.setitem(outbox.SENDERS, EMAIL, refused)
    row = email()

    result = deliver_due(now=NOW)

    row.refresh_from_db()
    assert result.failed == 1 and result.retrying == 0
    assert row.status == Status.FAILED and row.attempts == 1
    assert row.last_error == "no approved template for status_update"
    assert failures == [(row.pk, "no approved template for status_update")]
    assert deliver_due(now=NOW + dt.timedelta(days=1)).failed == 0


def test_a_transient_failure_is_retried_and_the_handler_hears_only_when_given_up(monkeypatch, failures):
    def unreachable(message, now):
        raise OSError("connection refused")

    monkeypatch.setitem(outbox.SENDERS, EMAIL, unreachable)
    row = email()
    now = NOW
    for _attempt in range(MAX_ATTEMPTS - 1):
        assert deliver_due(now=now).retrying == 1
        assert failures == []
        row.refresh_from_db()
        now = row.next_attempt_at

    assert deliver_due(now=now).failed == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert failures == [(row.pk, "OSError: connection refused")]


def test_a_broken_failure_handler_does_not_undo_the_failed_row(monkeypatch):
    def refused(message, now):
        raise PermanentFailure("refused")

    def broken_handler(message, error, now):
        raise RuntimeError("handler bug")

    monkeypatch.setitem(outbox.SENDERS, EMAIL, refused)
    monkeypatch.setitem(outbox.FAILURE_HANDLERS, EMAIL, broken_handler)
    row = email()

    deliver_due(now=NOW)

    row.refresh_from_db()
    assert row.status == Status.FAILED and row.last_error == "refused"


def test_register_sender_sets_and_clears_the_failure_handler(monkeypatch):
    monkeypatch.setattr(outbox, "SENDERS", dict(outbox.SENDERS))
    monkeypatch.setattr(outbox, "FAILURE_HANDLERS", dict(outbox.FAILURE_HANDLERS))

    def handler(message, error, now):
        return None

    outbox.register_sender(EMAIL, outbox._send_email, on_failed=handler)
    assert outbox.FAILURE_HANDLERS[EMAIL] is handler
    outbox.register_sender(EMAIL, outbox._send_email)
    assert EMAIL not in outbox.FAILURE_HANDLERS
