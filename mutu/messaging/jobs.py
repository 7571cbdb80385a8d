"""Safety nets for the chat channels, run by ``manage.py run_periodic`` (``mutu.core.periodic``).

The task worker does this work as soon as a delivery or an attachment arrives; these jobs find
what it left behind (worker down, crash, a retry due).  Each item is claimed with a conditional
UPDATE inside ``process_delivery`` / ``fetch_media``, so the jobs and the worker can run at the
same time without doing anything twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from mutu.messaging.media import fetch_media
from mutu.messaging.models import ChatMessage, WebhookDelivery
from mutu.messaging.services_inbound import claimable_deliveries, process_delivery

# A fresh delivery is the task worker's; the job only takes those waiting longer than this.
WORKER_GRACE = datetime.timedelta(minutes=1)
BATCH = 500


@dataclass
class JobCount:
    done: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"done={self.done} skipped={self.skipped}"


def process_pending_deliveries(now: datetime.datetime | None = None) -> JobCount:
    """Process deliveries that wait, are stuck, or failed and are due for a retry."""
    now = now or timezone.now()
    count = JobCount()
    ids = (
        WebhookDelivery.objects.filter(claimable_deliveries(now=now), received_at__lt=now - WORKER_GRACE)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for delivery_id in list(ids):
        if process_delivery(delivery_id=delivery_id, now=now) is None:
            count.skipped += 1
        else:
            count.done += 1
    return count


def fetch_pending_media(now: datetime.datetime | None = None) -> JobCount:
    """Fetch attachments still pending (``fetch_media`` skips those not due for a retry)."""
    now = now or timezone.now()
    count = JobCount()
    ids = (
        ChatMessage.objects.filter(
            media_status=ChatMessage.MediaStatus.PENDING,
            direction=ChatMessage.Direction.IN,
            created_at__lt=now - WORKER_GRACE,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for message_id in list(ids):
        if fetch_media(message_id=message_id, now=now) == "skipped":
            count.skipped += 1
        else:
            count.done += 1
    return count
