"""Reads for the import pages: who may import into which survey, and a survey's imports."""

from __future__ import annotations

from django.db.models import QuerySet

from mutu.surveys.models import ImportBatch, Survey
from mutu.surveys.selectors import surveys_managed_by


def surveys_importable_by(*, user) -> QuerySet[Survey]:
    """Surveys whose answers this user may import: the owning unit's administrators and heads,
    and the surveyors assigned to the survey."""
    if not user.is_authenticated:
        return Survey.objects.none()
    managed = surveys_managed_by(user=user).values("pk")
    return Survey.objects.filter(pk__in=managed) | Survey.objects.filter(surveyors=user)


def importable_survey(*, user, survey_id: int) -> Survey:
    """The survey, or Survey.DoesNotExist when this user may not import into it."""
    return surveys_importable_by(user=user).distinct().select_related("unit", "mpp", "questionnaire").get(pk=survey_id)


def imports_of(*, survey: Survey) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(survey=survey).select_related("created_by").order_by("-created_at", "-pk")


def import_of(*, survey: Survey, batch_id: int) -> ImportBatch:
    """One batch of this survey (ImportBatch.DoesNotExist for another survey's)."""
    return ImportBatch.objects.select_related("survey__unit", "file", "created_by").get(survey=survey, pk=batch_id)


def progress_percent(batch: ImportBatch) -> int:
    if batch.status == ImportBatch.Status.DONE:
        return 100
    if not batch.total_rows:
        return 0
    return min(100, batch.processed_rows * 100 // batch.total_rows)
