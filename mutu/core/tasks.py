"""Background tasks of the foundation (django-tasks; ``manage.py db_worker`` runs them)."""

from django.utils import timezone
from django_tasks import task


@task()
def deliver_outbox() -> str:
    """Send the outbox messages that are due (enqueued on commit of each write to the outbox)."""
    from mutu.core.outbox import deliver_due

    return str(deliver_due(now=timezone.now()))
