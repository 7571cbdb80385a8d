"""Reads for planning survey periods: who may plan, what a plan may cover, population and progress.

The population "taken from last period's queue tickets" is the number of the unit's queue
tickets finished (status done) in a reference window: the dates of the unit's previous survey
when there is one, else the period of equal length that ends the day before the survey starts.
:func:`population_window` decides the window, so the form, the saved plan and the detail page
explain the same numbers. Progress reads ``Tally`` rows only: one grouped query however many
responses there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from mutu.organisations.models import Counter, Gerai, Location, Membership, Unit
from mutu.organisations.selectors import _unit_ids, units_visible_to
from mutu.queues.models import Ticket
from mutu.standards.models import Service
from mutu.surveys.calculations import CHI_SQUARE_1DF_95, KREJCIE_MORGAN, progress_percent, sample_size
from mutu.surveys.models import Question, Questionnaire, Survey, Tally

PLAN_ROLES = (Membership.Role.UNIT_ADMIN, Membership.Role.UNIT_HEAD)


# --- who may plan -----------------------------------------------------------------------------


def units_planning_surveys(*, user) -> QuerySet[Unit]:
    """Units whose surveys and questionnaires this user plans (same rule as ``surveys_managed_by``)."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(id__in=_unit_ids(user, PLAN_ROLES))


def can_plan_for(*, user, unit_id: int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return unit_id in _unit_ids(user, PLAN_ROLES)


def questionnaires_visible_to(*, user) -> QuerySet[Questionnaire]:
    """The national template and the versions of units the user sees."""
    return Questionnaire.objects.filter(Q(unit__isnull=True) | Q(unit__in=units_visible_to(user=user)))


# --- lists ------------------------------------------------------------------------------------


@dataclass
class UnitSurveys:
    unit: Unit
    surveys: list[Survey] = field(default_factory=list)
    can_plan: bool = False


def surveys_by_unit(*, surveys: QuerySet[Survey], user) -> list[UnitSurveys]:
    """Surveys grouped by the owning unit, with the units the user plans for even when empty."""
    planning = list(units_planning_surveys(user=user).order_by("name")) if not user.is_superuser else []
    groups: dict[int, UnitSurveys] = {}
    for unit in planning:
        groups[unit.pk] = UnitSurveys(unit=unit, can_plan=True)
    rows = surveys.select_related("unit", "mpp", "questionnaire").order_by("unit__name", "-starts_on", "-pk")
    for survey in rows:
        group = groups.get(survey.unit_id)
        if group is None:
            group = groups[survey.unit_id] = UnitSurveys(
                unit=survey.unit, can_plan=can_plan_for(user=user, unit_id=survey.unit_id)
            )
        group.surveys.append(survey)
    return sorted(groups.values(), key=lambda g: g.unit.name)


def questionnaires_of_unit(*, unit: Unit) -> list[Questionnaire]:
    """The unit's versions (newest first) then the national template versions."""
    return list(
        Questionnaire.objects.filter(Q(unit=unit) | Q(unit__isnull=True))
        .annotate(question_count=Count("questions", distinct=True), survey_count=Count("surveys", distinct=True))
        .order_by("unit_id", "-number")
    )


def questionnaire_detail(*, questionnaire_id: int, user) -> Questionnaire:
    return (
        questionnaires_visible_to(user=user)
        .select_related("unit", "based_on")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("scale").prefetch_related("scale__options"),
            )
        )
        .get(pk=questionnaire_id)
    )


# --- what a plan may cover --------------------------------------------------------------------


@dataclass
class PlanChoices:
    questionnaires: QuerySet[Questionnaire]
    mpps: QuerySet[Location]
    locations: QuerySet[Location]
    gerai: QuerySet[Gerai]
    counters: QuerySet[Counter]
    services: QuerySet[Service]
    surveyors: QuerySet


def plan_choices(*, unit: Unit) -> PlanChoices:
    """What a survey of ``unit`` may name. An MPP it manages brings every gerai of that MPP."""
    mpps = Location.objects.filter(kind=Location.Kind.MPP, manager_unit=unit, is_active=True).order_by("name")
    gerai = Gerai.objects.filter(Q(unit=unit) | Q(location__in=mpps)).select_related("location", "unit")
    location_ids = Gerai.objects.filter(unit=unit).values("location_id")
    locations = Location.objects.filter(Q(id__in=location_ids) | Q(id__in=mpps.values("id"))).order_by("name")
    unit_ids = Gerai.objects.filter(Q(unit=unit) | Q(location__in=mpps)).values("unit_id")
    User = get_user_model()
    surveyors = (
        User.objects.filter(memberships__unit=unit, memberships__role=Membership.Role.SURVEYOR, is_active=True)
        .distinct()
        .order_by("username")
    )
    return PlanChoices(
        questionnaires=Questionnaire.objects.filter(Q(unit=unit) | Q(unit__isnull=True)).order_by("unit_id", "-number"),
        mpps=mpps,
        locations=locations,
        gerai=gerai.order_by("location__name", "name"),
        counters=Counter.objects.filter(gerai__in=gerai).select_related("gerai").order_by("gerai__name", "code"),
        services=Service.objects.filter(Q(unit=unit) | Q(unit_id__in=unit_ids))
        .select_related("unit")
        .order_by("unit__name", "name"),
        surveyors=surveyors,
    )


# --- population from queue tickets ------------------------------------------------------------


@dataclass(frozen=True)
class PopulationWindow:
    starts_on: datetime.date
    ends_on: datetime.date
    previous_survey: Survey | None  # None: the period of equal length just before

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def population_window(
    *, unit_id: int, mpp_id: int | None, starts_on: datetime.date, ends_on: datetime.date, exclude_id: int | None = None
) -> PopulationWindow:
    """The dates whose finished tickets make the population of a survey (see the module doc)."""
    previous = (
        Survey.objects.filter(unit_id=unit_id, ends_on__lt=starts_on)
        .filter(mpp__isnull=mpp_id is None)
        .exclude(pk=exclude_id)
        .order_by("-ends_on", "-pk")
        .first()
    )
    if previous is not None:
        return PopulationWindow(previous.starts_on, previous.ends_on, previous)
    length = (ends_on - starts_on).days + 1
    return PopulationWindow(starts_on - datetime.timedelta(days=length), starts_on - datetime.timedelta(days=1), None)


def _ticket_scope(*, unit_id: int, mpp_id: int | None, location_ids=(), service_ids=()) -> Q:
    """Tickets of the unit's gerai (every gerai of the MPP for an MPP survey)."""
    q = Q(status=Ticket.Status.DONE)
    q &= Q(location_id=mpp_id) if mpp_id else Q(line__gerai__unit_id=unit_id)
    if location_ids:
        q &= Q(location_id__in=list(location_ids))
    if service_ids:
        q &= Q(service_id__in=list(service_ids))
    return q


def tickets_done_in(
    *, unit_id: int, mpp_id: int | None, window: PopulationWindow, location_ids=(), service_ids=()
) -> int:
    return Ticket.objects.filter(
        _ticket_scope(unit_id=unit_id, mpp_id=mpp_id, location_ids=location_ids, service_ids=service_ids),
        day__gte=window.starts_on,
        day__lte=window.ends_on,
    ).count()


@dataclass(frozen=True)
class TargetExplanation:
    """The sample-size formula with the plan's numbers, to show beside the target."""

    method: str
    population: int
    error: float
    target: int

    @property
    def is_krejcie_morgan(self) -> bool:
        return self.method == KREJCIE_MORGAN

    @property
    def chi_square(self) -> float:
        return CHI_SQUARE_1DF_95

    @property
    def exact(self) -> str:
        n, d = self.population, self.error
        if self.is_krejcie_morgan:
            value = CHI_SQUARE_1DF_95 * n * 0.25 / (d * d * (n - 1) + CHI_SQUARE_1DF_95 * 0.25)
        else:
            value = n / (1 + n * d * d)
        return f"{value:.3f}"

    @property
    def error_squared(self) -> str:
        return f"{self.error * self.error:g}"


def explain_target(*, population: int | None, method: str, error) -> TargetExplanation | None:
    if not population:
        return None
    error = float(error)
    return TargetExplanation(method, population, error, sample_size(population, method=method, error=error))


# --- progress ---------------------------------------------------------------------------------


def allocate(target: int, weights: Mapping[object, int]) -> dict[object, int]:
    """Split ``target`` over keys in proportion to ``weights`` (equal when all are zero).

    Largest remainder: the parts add up to the target exactly; ties go to the earlier key.
    """
    keys = list(weights)
    if not keys:
        return {}
    total = sum(weights.values())
    shares = {k: (weights[k] if total else 1) for k in keys}
    total = total or len(keys)
    parts = {k: target * shares[k] // total for k in keys}
    left = target - sum(parts.values())
    order = sorted(keys, key=lambda k: (-(target * shares[k] % total), keys.index(k)))
    for k in order[:left]:
        parts[k] += 1
    return parts


@dataclass
class ProgressRow:
    key: object
    label: str
    collected: int
    target: int | None

    @property
    def percent(self) -> int | None:
        return None if self.target is None else progress_percent(self.collected, self.target)


@dataclass
class SurveyProgress:
    collected: int
    target: int | None
    by_location: list[ProgressRow]
    by_service: list[ProgressRow]
    by_unit: list[ProgressRow]
    weights_from_tickets: bool
    window: PopulationWindow | None

    @property
    def percent(self) -> int | None:
        return None if self.target is None else progress_percent(self.collected, self.target)


def survey_progress(*, survey: Survey, unit_scope: int | None = None) -> SurveyProgress:
    """Respondents so far against the target, overall and per location, service and unit.

    Counts come from the respondent tallies (one grouped query). Per-location and per-service
    targets split the survey's target in proportion to last period's finished tickets, or
    equally when there were none. ``unit_scope`` limits everything to one unit's slice (an MPP
    tenant looking at the MPP survey); that slice has no target of its own.
    """
    tallies = Tally.objects.filter(survey=survey, question__isnull=True)
    if unit_scope is not None:
        tallies = tallies.filter(unit_id=unit_scope)
    rows = list(tallies.values("location_id", "service_id", "unit_id").annotate(n=Sum("answered")))
    by_location: dict[int | None, int] = defaultdict(int)
    by_service: dict[int | None, int] = defaultdict(int)
    by_unit: dict[int, int] = defaultdict(int)
    for row in rows:
        by_location[row["location_id"]] += row["n"]
        by_service[row["service_id"]] += row["n"]
        by_unit[row["unit_id"]] += row["n"]
    collected = sum(by_unit.values())

    locations = {loc.pk: loc.name for loc in survey.locations.all()}
    services = {s.pk: s.name for s in survey.services.all()}
    target = survey.target_sample if unit_scope is None else None
    window = None
    location_weights: dict[int, int] = dict.fromkeys(locations, 0)
    service_weights: dict[int, int] = dict.fromkeys(services, 0)
    if target and (locations or services):
        window = population_window(
            unit_id=survey.unit_id,
            mpp_id=survey.mpp_id,
            starts_on=survey.starts_on,
            ends_on=survey.ends_on,
            exclude_id=survey.pk,
        )
        scope = _ticket_scope(unit_id=survey.unit_id, mpp_id=survey.mpp_id)
        tickets = Ticket.objects.filter(scope, day__gte=window.starts_on, day__lte=window.ends_on)
        if locations:
            for row in tickets.filter(location_id__in=locations).values("location_id").annotate(n=Count("id")):
                location_weights[row["location_id"]] = row["n"]
        if services:
            for row in tickets.filter(service_id__in=services).values("service_id").annotate(n=Count("id")):
                service_weights[row["service_id"]] = row["n"]
    weights_from_tickets = any(location_weights.values()) or any(service_weights.values())
    location_targets = allocate(target, location_weights) if target else {}
    service_targets = allocate(target, service_weights) if target else {}

    extra_locations = [k for k in by_location if k is not None and k not in locations]
    extra_services = [k for k in by_service if k is not None and k not in services]
    names = _names(extra_locations, extra_services, list(by_unit))
    location_rows = [
        ProgressRow(pk, name, by_location.get(pk, 0), location_targets.get(pk)) for pk, name in locations.items()
    ]
    location_rows += [ProgressRow(pk, names["location"].get(pk, "?"), by_location[pk], None) for pk in extra_locations]
    if by_location.get(None):
        location_rows.append(ProgressRow(None, "", by_location[None], None))
    service_rows = [
        ProgressRow(pk, name, by_service.get(pk, 0), service_targets.get(pk)) for pk, name in services.items()
    ]
    service_rows += [ProgressRow(pk, names["service"].get(pk, "?"), by_service[pk], None) for pk in extra_services]
    if by_service.get(None):
        service_rows.append(ProgressRow(None, "", by_service[None], None))
    unit_rows = sorted(
        (ProgressRow(pk, names["unit"].get(pk, "?"), n, None) for pk, n in by_unit.items()), key=lambda r: r.label
    )
    return SurveyProgress(
        collected=collected,
        target=target,
        by_location=location_rows,
        by_service=service_rows,
        by_unit=unit_rows,
        weights_from_tickets=weights_from_tickets,
        window=window,
    )


def _names(location_ids, service_ids, unit_ids) -> dict[str, dict[int, str]]:
    return {
        "location": dict(Location.objects.filter(pk__in=location_ids).values_list("pk", "name"))
        if location_ids
        else {},
        "service": dict(Service.objects.filter(pk__in=service_ids).values_list("pk", "name")) if service_ids else {},
        "unit": dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "short_name")) if unit_ids else {},
    }


def survey_detail(*, queryset: QuerySet[Survey], survey_id: int) -> Survey:
    return (
        queryset.select_related("unit", "mpp", "questionnaire__unit", "created_by")
        .prefetch_related("locations", "gerai__location", "counters__gerai", "services", "surveyors")
        .get(pk=survey_id)
    )
