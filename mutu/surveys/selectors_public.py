"""Reads behind the citizen's QR survey pages (and the surveyor entry's choices).

A survey is found by its poster token or through a served queue ticket. What a respondent
may name — location, gerai, counter, service — is the survey's plan when it lists them, else
everything of the unit (or, for an MPP-wide survey, of every gerai at the MPP).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from mutu.organisations.models import Counter, Gerai, Location
from mutu.queues.models import Ticket
from mutu.standards.models import Service
from mutu.surveys.models import Question, Response, ScaleOption, Survey
from mutu.surveys.services import is_open_on


def survey_by_token(*, token: str) -> Survey:
    """The survey of a poster QR; Survey.DoesNotExist for an unknown token."""
    return Survey.objects.select_related("unit", "mpp", "questionnaire").get(public_token=token)


def local_today(survey: Survey, now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now, timezone=ZoneInfo(survey.unit.timezone))


def questionnaire_questions(*, questionnaire_id: int) -> list[Question]:
    """The questions of a version in order, each with its scale options (two queries)."""
    return list(
        Question.objects.filter(questionnaire_id=questionnaire_id)
        .select_related("scale")
        .prefetch_related(Prefetch("scale__options", queryset=ScaleOption.objects.order_by("value")))
        .order_by("position")
    )


@dataclass
class SurveyScope:
    """What a response to this survey may name, as querysets for form choices."""

    locations: QuerySet[Location]
    gerai: QuerySet[Gerai]
    counters: QuerySet[Counter]
    services: QuerySet[Service]
    needs_gerai: bool  # an MPP-wide survey must know which unit served the respondent


def survey_scope(*, survey: Survey) -> SurveyScope:
    """The survey's planned locations, gerai, counters and services, or the unit's when none."""
    planned_gerai = survey.gerai.all()
    if planned_gerai.exists():
        gerai = Gerai.objects.filter(pk__in=planned_gerai.values("pk"))
    elif survey.mpp_id is not None:
        gerai = Gerai.objects.filter(location_id=survey.mpp_id, is_active=True)
    else:
        gerai = Gerai.objects.filter(unit_id=survey.unit_id, is_active=True)
        if survey.locations.exists():
            gerai = gerai.filter(location__in=survey.locations.all())
    gerai = gerai.select_related("unit", "location").order_by("location__name", "name")

    if survey.locations.exists():
        locations = Location.objects.filter(pk__in=survey.locations.values("pk"))
    elif survey.mpp_id is not None:
        locations = Location.objects.filter(pk=survey.mpp_id)
    else:
        locations = Location.objects.filter(pk__in=gerai.values("location_id"))
    locations = locations.order_by("name")

    if survey.counters.exists():
        counters = Counter.objects.filter(pk__in=survey.counters.values("pk"))
    else:
        counters = Counter.objects.filter(gerai__in=gerai.values("pk"), is_active=True)
    counters = counters.select_related("gerai__location").order_by("gerai__name", "code")

    if survey.services.exists():
        services = Service.objects.filter(pk__in=survey.services.values("pk"))
    else:
        unit_ids = gerai.values("unit_id") if survey.mpp_id is not None else [survey.unit_id]
        services = Service.objects.filter(unit_id__in=unit_ids, is_active=True)
    services = services.select_related("unit").order_by("unit__name", "name")
    return SurveyScope(
        locations=locations,
        gerai=gerai,
        counters=counters,
        services=services,
        needs_gerai=survey.mpp_id is not None,
    )


# --- Tickets ---------------------------------------------------------------------------------


def ticket_by_token(*, token: str) -> Ticket:
    """A queue ticket by its public token, with what a survey response takes from it."""
    return Ticket.objects.select_related("location", "line__gerai__unit", "service__unit", "counter").get(
        public_token=token
    )


def survey_for_ticket(*, ticket: Ticket) -> Survey | None:
    """The survey a served ticket answers, or None.

    Candidates are surveys (open or closed, never drafts) whose period holds the day the
    ticket was served: the serving unit's own survey covering the ticket's location, and an
    MPP-wide survey of the ticket's MPP. An open survey beats a closed one; the unit's own
    survey beats the MPP's (a ticket has one response, so it counts in one survey only).
    """
    unit_id = ticket.service.unit_id
    own = Q(unit_id=unit_id, mpp__isnull=True) & (Q(locations__isnull=True) | Q(locations=ticket.location_id))
    mpp_wide = Q(mpp_id=ticket.location_id)
    candidates = (
        Survey.objects.filter(own | mpp_wide)
        .filter(
            status__in=(Survey.Status.OPEN, Survey.Status.CLOSED), starts_on__lte=ticket.day, ends_on__gte=ticket.day
        )
        .select_related("unit", "mpp", "questionnaire")
        .distinct()
    )
    ranked = sorted(
        candidates, key=lambda s: (s.status != Survey.Status.OPEN, s.mpp_id is not None, -s.starts_on.toordinal())
    )
    return ranked[0] if ranked else None


def ticket_survey_is_open(*, ticket: Ticket, now: datetime.datetime) -> bool:
    """True when a served ticket can be answered today (the status page links to the survey)."""
    if ticket.status != Ticket.Status.DONE:
        return False
    survey = survey_for_ticket(ticket=ticket)
    return survey is not None and is_open_on(survey, local_today(survey, now))


def ticket_response(*, ticket: Ticket) -> Response | None:
    return Response.objects.filter(ticket=ticket).only("pk", "survey_id").first()


# --- Anonymous QR ----------------------------------------------------------------------------


def device_answered_on(*, survey: Survey, device_hash: str, day: datetime.date) -> bool:
    """Whether this browser already answered the survey on ``day`` (in the survey's time zone).

    Reads through the (device_hash, received_at) index: the day becomes an instant range.
    """
    zone = ZoneInfo(survey.unit.timezone)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    return Response.objects.filter(
        device_hash=device_hash, received_at__gte=start, received_at__lt=end, survey=survey
    ).exists()
