"""Writes of the results area: tagging suggestions by unsur, publishing a period's results.

Publication rule: a period's results may be published once the period is over — the survey is
closed, or its last day has passed in the unit's time zone — and only when the IKM exists
(every one of the nine unsur has answers). While a survey runs its numbers change every day,
and a citizen reading "IKM 87,50" on the public page should read the figure the unit reports,
not a moving intermediate one. Only the unit administrator or head of the owning unit
publishes or withdraws (``surveys_managed_by``); withdrawing is always possible, to correct a
mistake.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.surveys.calculations import UNSUR_KEYS
from mutu.surveys.models import Response, Survey
from mutu.surveys.selectors import ikm_for, surveys_managed_by
from mutu.surveys.selectors_results import local_today


def tag_suggestion(
    *, response: Response, unsur_keys: Iterable[str], by, now: datetime.datetime | None = None
) -> Response:
    """Tag a respondent's suggestion with the unsur it is about (none clears the tags).

    The caller has checked that ``by`` may see the response's slice of the survey.
    """
    now = now or timezone.now()
    keys = list(dict.fromkeys(unsur_keys))
    unknown = [k for k in keys if k not in UNSUR_KEYS]
    if unknown:
        raise ApplicationError(
            _("Choose unsur from the list."), field_errors={"unsur": [_("Choose unsur from the list.")]}
        )
    if not response.suggestion.strip():
        raise ApplicationError(_("This response has no suggestion to tag."))
    ordered = [k for k in UNSUR_KEYS if k in keys]
    with transaction.atomic():
        before = list(response.suggestion_unsur or [])
        if before == ordered:
            return response
        response.suggestion_unsur = ordered
        response.save(update_fields=["suggestion_unsur"])
        record_audit(
            actor=by,
            action="survey.suggestion_tag",
            obj=response,
            unit=response.unit,
            before={"suggestion_unsur": before},
            after={"suggestion_unsur": ordered},
            now=now,
        )
    return response


def _check_manager(survey: Survey, by) -> None:
    if not surveys_managed_by(user=by).filter(pk=survey.pk).exists():
        raise ApplicationError(_("Only the unit administrator or head can publish or withdraw the results."))


def publish_survey_results(*, survey: Survey, by, now: datetime.datetime | None = None) -> Survey:
    """Publish a finished period's results on the unit's public SKM page and poster."""
    now = now or timezone.now()
    _check_manager(survey, by)
    period_over = survey.status == Survey.Status.CLOSED or local_today(survey.unit, now) > survey.ends_on
    if not period_over:
        raise ApplicationError(
            _(
                "Results can be published once the period is over: close the survey or wait until "
                "after its last day (%(date)s)."
            )
            % {"date": survey.ends_on.strftime("%d-%m-%Y")}
        )
    if not ikm_for(survey=survey).is_complete:
        raise ApplicationError(_("There is no IKM to publish yet: every one of the nine unsur needs answers."))
    with transaction.atomic():
        before = snapshot(survey, ["published_at"])
        survey.published_at = now
        survey.save(update_fields=["published_at"])
        record_audit(
            actor=by,
            action="survey.publish",
            obj=survey,
            unit=survey.unit,
            before=before,
            after=snapshot(survey, ["published_at"]),
            now=now,
        )
    return survey


def unpublish_survey_results(*, survey: Survey, by, now: datetime.datetime | None = None) -> Survey:
    """Withdraw a period's results from the public page (they can be published again)."""
    now = now or timezone.now()
    _check_manager(survey, by)
    if survey.published_at is None:
        return survey
    with transaction.atomic():
        before = snapshot(survey, ["published_at"])
        survey.published_at = None
        survey.save(update_fields=["published_at"])
        record_audit(
            actor=by,
            action="survey.unpublish",
            obj=survey,
            unit=survey.unit,
            before=before,
            after=snapshot(survey, ["published_at"]),
            now=now,
        )
    return survey
