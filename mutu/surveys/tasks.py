"""Background tasks of the survey engine (django-tasks; ``manage.py db_worker`` runs them)."""

from django.utils import timezone
from django_tasks import task

from mutu.surveys.services_imports import run_import


@task()
def import_responses_task(batch_id: int) -> dict:
    """Import a checked spreadsheet all or nothing; returns the batch's status and count."""
    batch = run_import(batch_id=batch_id, now=timezone.now())
    if batch is None:
        return {"status": "missing", "imported": 0}
    return {"status": batch.status, "imported": batch.imported_rows}
