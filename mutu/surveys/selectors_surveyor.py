"""Reads of the surveyor entry page: who may enter paper questionnaires, and how many each did."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from mutu.surveys.models import Channel, Response, Survey
from mutu.surveys.selectors import surveys_managed_by


def surveys_for_entry(*, user) -> QuerySet[Survey]:
    """Surveys whose paper questionnaires this user may enter: its surveyors and the unit's admins."""
    if not getattr(user, "is_authenticated", False):
        return Survey.objects.none()
    managed = surveys_managed_by(user=user).values("pk")
    return Survey.objects.filter(Q(pk__in=managed) | Q(surveyors=user)).distinct()


@dataclass(frozen=True)
class SurveyorCount:
    user_id: int
    name: str
    total: int
    today: int


def _count_of(survey: Survey, *, day: datetime.date | None = None) -> Subquery:
    responses = Response.objects.filter(survey=survey, channel=Channel.SURVEYOR, surveyor_id=OuterRef("pk"))
    if day is not None:
        responses = responses.filter(day=day)
    counted = responses.order_by().values("surveyor_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def surveyor_counts(*, survey: Survey, today: datetime.date) -> list[SurveyorCount]:
    """Each surveyor's entries for the survey, in total and today: one query.

    Lists the survey's surveyors (even with no entry yet) and anyone else who entered papers.
    """
    entered = Response.objects.filter(survey=survey, channel=Channel.SURVEYOR, surveyor__isnull=False).values(
        "surveyor_id"
    )
    users = (
        get_user_model()
        .objects.filter(
            Q(pk__in=survey.surveyors.through.objects.filter(survey_id=survey.pk).values("user_id")) | Q(pk__in=entered)
        )
        .annotate(total=_count_of(survey), today=_count_of(survey, day=today))
        .order_by("-total", "username")
    )
    return [
        SurveyorCount(user_id=u.pk, name=u.get_full_name() or u.get_username(), total=u.total, today=u.today)
        for u in users
    ]
