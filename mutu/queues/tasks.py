"""Background tasks of counter service (django-tasks)."""

from django_tasks import task

from mutu.organisations.models import Unit
from mutu.queues.detection import detect_breaches


@task()
def detect_breaches_task(unit_slug: str | None = None) -> dict[str, int]:
    """Breach detection as a task; returns the new cases per trigger (JSON-serialisable)."""
    unit = Unit.objects.get(slug=unit_slug) if unit_slug else None
    result = detect_breaches(unit=unit)
    return {**result.created, "absorbed": result.absorbed}
