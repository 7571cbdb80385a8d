"""Writes of the surveyor entry: one paper questionnaire at a time, attributed to its surveyor.

Blanks stay blanks (a blank is not a zero): :func:`mutu.surveys.services.validate_submission`
accepts a missing answer when the submission names its surveyor.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Counter, Gerai, Location
from mutu.standards.models import Service
from mutu.surveys.models import Channel, Response, Survey
from mutu.surveys.services import Submission, submit_response

PAPER_NUMBER_MAX_LENGTH = 30


def normalise_paper_number(value: str) -> str:
    return " ".join(value.split())


def _paper_taken(survey: Survey, paper_number: str) -> ApplicationError:
    return ApplicationError(
        _("Some answers need attention."),
        field_errors={
            "paper_number": [
                _("Paper number %(number)s has already been entered for this survey.") % {"number": paper_number}
            ]
        },
    )


def answered_at_for(*, survey: Survey, day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """The instant recorded for a paper answered on ``day``: now if today, else noon that day."""
    zone = ZoneInfo(survey.unit.timezone)
    if day == timezone.localdate(now, timezone=zone):
        return now
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)


def enter_paper_response(
    *,
    survey: Survey,
    surveyor,
    paper_number: str,
    answered_on: datetime.date,
    answers: Mapping[str, object],
    location: Location | None = None,
    gerai: Gerai | None = None,
    counter: Counter | None = None,
    service: Service | None = None,
    profile: Mapping[str, str] | None = None,
    suggestion: str = "",
    now: datetime.datetime,
) -> Response:
    """Store one paper questionnaire for ``survey``, typed in by ``surveyor``; one audit row."""
    paper_number = normalise_paper_number(paper_number)
    errors: dict[str, list[str]] = {}
    if not paper_number:
        errors["paper_number"] = [_("Enter the number written on the paper.")]
    elif len(paper_number) > PAPER_NUMBER_MAX_LENGTH:
        errors["paper_number"] = [_("Keep the paper number under %(n)s characters.") % {"n": PAPER_NUMBER_MAX_LENGTH}]
    today = timezone.localdate(now, timezone=ZoneInfo(survey.unit.timezone))
    if answered_on > today:
        errors["answered_on"] = [_("The date cannot be in the future.")]
    elif not survey.starts_on <= answered_on <= survey.ends_on:
        errors["answered_on"] = [
            _("The date must be within the survey period (%(start)s – %(end)s).")
            % {"start": date_format(survey.starts_on, "j F Y"), "end": date_format(survey.ends_on, "j F Y")}
        ]
    if counter is not None and gerai is not None and counter.gerai_id != gerai.pk:
        errors["counter"] = [_("This counter belongs to another gerai.")]
    if survey.status != Survey.Status.OPEN:
        raise ApplicationError(_("This survey is not open for entries."))
    if errors:
        raise ApplicationError(_("Some answers need attention."), field_errors=errors)
    if Response.objects.filter(survey=survey, paper_number=paper_number).exists():
        raise _paper_taken(survey, paper_number)

    submission = Submission(
        answers=answers,
        location=location,
        gerai=gerai,
        counter=counter,
        service=service,
        profile=profile or {},
        suggestion=suggestion,
        answered_at=answered_at_for(survey=survey, day=answered_on, now=now),
        surveyor_id=surveyor.pk,
        paper_number=paper_number,
    )
    try:
        with transaction.atomic():
            response, _created = submit_response(
                survey=survey, channel=Channel.SURVEYOR, submission=submission, now=now
            )
            record_audit(
                actor=surveyor,
                action="survey.response.paper",
                obj=response,
                unit=survey.unit,
                after={"survey_id": survey.pk, "paper_number": paper_number},
                now=now,
            )
    except IntegrityError:
        # Another surveyor saved the same paper number a moment earlier.
        if Response.objects.filter(survey=survey, paper_number=paper_number).exists():
            raise _paper_taken(survey, paper_number) from None
        raise
    return response
