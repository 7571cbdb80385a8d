"""Writes of the citizen's QR survey: one response per served ticket, and anonymous poster answers.

Both store through :func:`mutu.surveys.services.submit_response`, which checks the answers
against the questionnaire, keeps the tallies current and is idempotent on the ticket.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Gerai, Location
from mutu.queues.models import Ticket
from mutu.standards.models import Service
from mutu.surveys.models import Channel, Response, Survey
from mutu.surveys.selectors_public import device_answered_on, local_today
from mutu.surveys.services import Submission, submit_response


def device_hash_of(cookie_value: str) -> str:
    """What is stored of the browser's anonymous cookie: its SHA-256, never the value."""
    return hashlib.sha256(cookie_value.encode()).hexdigest()


def submit_ticket_survey(
    *,
    survey: Survey,
    ticket: Ticket,
    answers: Mapping[str, object],
    profile: Mapping[str, str],
    suggestion: str,
    now: datetime.datetime,
) -> tuple[Response, bool]:
    """Store the response of a served ticket's holder; (response, created).

    Unit, location, gerai, counter and service come from the ticket. A second submission for
    the same ticket returns the first response with ``created`` False.
    """
    if ticket.status != Ticket.Status.DONE:
        raise ApplicationError(_("The survey opens once your service is finished."))
    submission = Submission(
        answers=answers,
        unit=ticket.service.unit,
        location=ticket.location,
        gerai=ticket.line.gerai,
        counter=ticket.counter,
        service=ticket.service,
        profile=profile,
        suggestion=suggestion,
        answered_at=now,
        ticket_id=ticket.pk,
    )
    with transaction.atomic():
        response, created = submit_response(survey=survey, channel=Channel.QR_TICKET, submission=submission, now=now)
        if created:
            record_audit(
                actor=None,
                action="survey.response.qr_ticket",
                obj=response,
                unit=ticket.service.unit,
                after={"survey_id": survey.pk, "ticket_id": ticket.pk},
                now=now,
            )
    return response, created


def submit_anonymous_survey(
    *,
    survey: Survey,
    device_hash: str,
    answers: Mapping[str, object],
    location: Location | None,
    gerai: Gerai | None,
    service: Service | None,
    profile: Mapping[str, str],
    suggestion: str,
    now: datetime.datetime,
) -> Response:
    """Store an anonymous poster-QR response; at most one per browser, survey and day."""
    if not survey.allow_anonymous_qr:
        raise ApplicationError(_("This survey does not take anonymous answers."))
    if not device_hash:
        raise ApplicationError(
            _("Your browser did not keep our cookie. Your answers are still here: please allow cookies and send again.")
        )
    if gerai is not None and survey.mpp_id is not None and gerai.location_id != survey.mpp_id:
        raise ApplicationError(_("Some answers need attention."), field_errors={"gerai": [_("Choose a listed gerai.")]})
    with transaction.atomic():
        if device_answered_on(survey=survey, device_hash=device_hash, day=local_today(survey, now)):
            raise ApplicationError(_("You have already answered this survey today. Thank you!"))
        submission = Submission(
            answers=answers,
            location=location or (gerai.location if gerai else None),
            gerai=gerai,
            service=service,
            profile=profile,
            suggestion=suggestion,
            answered_at=now,
            device_hash=device_hash,
        )
        response, _created = submit_response(
            survey=survey, channel=Channel.QR_ANONYMOUS, submission=submission, now=now
        )
        record_audit(
            actor=None,
            action="survey.response.qr_anon",
            obj=response,
            unit=survey.unit,
            after={"survey_id": survey.pk},
            now=now,
        )
    return response
