"""Delivery status callbacks (sent, delivered, read, failed) for the messages we send.

Meta sends them out of order, twice, sometimes skips "delivered", and may send one before our
sender has stored the message id it got back.  So every callback is first kept as a
``StatusReport`` (one per message id and status) and the message's state is then *computed*
from all its reports: the same set of reports gives the same state whatever order they came in.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from mutu.core.models import OutboxMessage
from mutu.messaging.events import StatusUpdate
from mutu.messaging.models import STATUS_RANK, ChatMessage, StatusReport

Status = ChatMessage.Status


def record_status(*, update: StatusUpdate, now: datetime.datetime) -> None:
    """Keep one callback (a duplicate is ignored) and apply it if the message is known."""
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: a repeated callback is no error (and no savepoint is needed).
        StatusReport.objects.bulk_create(
            [
                StatusReport(
                    platform=update.platform,
                    message_external_id=update.message_id,
                    status=update.status,
                    at=update.at,
                    errors=update.errors,
                    received_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        message = (
            ChatMessage.objects.filter(
                platform=update.platform, external_id=update.message_id, direction=ChatMessage.Direction.OUT
            )
            .only("pk")
            .first()
        )
        if message is not None:
            apply_reports(message=message)


def _error_title(errors: list) -> str:
    """The first error's title as Meta words it, with its code ("Message undeliverable (131026)")."""
    for error in errors or []:
        if not isinstance(error, dict):
            continue
        data = error.get("error_data") if isinstance(error.get("error_data"), dict) else {}
        text = error.get("title") or error.get("message") or data.get("details")
        if text:
            code = error.get("code")
            return (f"{text} ({code})" if code else str(text))[:300]
    return ""


def apply_reports(*, message: ChatMessage) -> None:
    """Bring ``message`` up to date with every report of its platform id.

    The status only moves forward (``STATUS_RANK``; "failed" is final); "read" implies
    "delivered", so a skipped "delivered" takes the read time.  A failure is also noted on the
    outbox row, where staff look for sending problems.
    """
    with transaction.atomic():
        locked = ChatMessage.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None or not locked.external_id:
            return
        reports = {
            report.status: report
            for report in StatusReport.objects.filter(
                platform=locked.platform, message_external_id=locked.external_id
            ).order_by("at", "pk")
            if report.status in STATUS_RANK
        }
        if not reports:
            return
        status = locked.status
        for reported in reports:
            if STATUS_RANK[reported] > STATUS_RANK.get(status, -1):
                status = reported
        delivered, read, failed = reports.get(Status.DELIVERED), reports.get(Status.READ), reports.get(Status.FAILED)
        changes: dict = {"status": status}
        if delivered is not None:
            changes["delivered_at"] = delivered.at
        elif read is not None and locked.delivered_at is None:
            changes["delivered_at"] = read.at
        if read is not None:
            changes["read_at"] = read.at
        if failed is not None:
            changes["failed_at"] = failed.at
            changes["error"] = _error_title(failed.errors) or locked.error or "failed"
        changed = {field: value for field, value in changes.items() if getattr(locked, field) != value}
        if not changed:
            return
        ChatMessage.objects.filter(pk=locked.pk).update(**changed)
        for field, value in changed.items():
            setattr(message, field, value)
        if "error" in changed and locked.outbox_id:
            OutboxMessage.objects.filter(pk=locked.outbox_id).update(last_error=changed["error"])
