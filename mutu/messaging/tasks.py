"""Background tasks of the chat channels (django-tasks; ``manage.py db_worker`` runs them).

Both are enqueued on commit of the write that needs them; the periodic jobs in
:mod:`mutu.messaging.jobs` pick up whatever a stopped worker left behind.
"""

from django.utils import timezone
from django_tasks import task


@task()
def process_webhook_delivery(delivery_id: int) -> str:
    """Turn one stored webhook delivery into messages and status reports."""
    from mutu.messaging.services_inbound import process_delivery

    return str(process_delivery(delivery_id=delivery_id, now=timezone.now()))


@task()
def fetch_chat_media(message_id: int) -> str:
    """Fetch, check and store the attachment of one incoming chat message."""
    from mutu.messaging.media import fetch_media

    return fetch_media(message_id=message_id, now=timezone.now())
