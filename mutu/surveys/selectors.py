"""Reads of survey results shared by pages, the API, reports and exports.

The IKM of any slice comes from the database as integers — per unsur, how many answered and
the sum — and goes through :func:`mutu.surveys.calculations.ikm_from_totals`, the same pure
function the command line and the tests use.  Slices on the tally dimensions (unit, location,
gerai, counter, service, channel, days) read ``Tally`` rows: a constant number of small
queries however many responses there are.  Respondent-profile slices read the answers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from mutu.organisations.models import Membership
from mutu.organisations.selectors import _unit_ids, units_visible_to
from mutu.surveys.calculations import UNSUR_KEYS, IkmResult, ikm_from_totals
from mutu.surveys.models import Answer, Channel, Response, Survey, Tally

ANONYMOUS_CHANNELS = (Channel.QR_ANONYMOUS,)


@dataclass(frozen=True)
class Slice:
    """Which respondents a result covers. Empty fields mean "all"."""

    unit_id: int | None = None
    location_id: int | None = None
    gerai_id: int | None = None
    counter_id: int | None = None
    service_id: int | None = None
    channels: tuple[str, ...] = ()
    include_anonymous: bool = True
    day_from: datetime.date | None = None
    day_to: datetime.date | None = None
    gender: str = ""
    age_group: str = ""
    education: str = ""
    occupation: str = ""

    @property
    def needs_answers(self) -> bool:
        """Profile filters are not tally dimensions: such a slice reads the answers."""
        return bool(self.gender or self.age_group or self.education or self.occupation)

    def restricted_to_unit(self, unit_id: int) -> Slice:
        return Slice(**{**self.__dict__, "unit_id": unit_id})


def _dimension_filter(s: Slice, prefix: str = "") -> Q:
    q = Q()
    for name in ("unit_id", "location_id", "gerai_id", "counter_id", "service_id"):
        value = getattr(s, name)
        if value is not None:
            q &= Q(**{f"{prefix}{name}": value})
    if s.channels:
        q &= Q(**{f"{prefix}channel__in": s.channels})
    if not s.include_anonymous:
        q &= ~Q(**{f"{prefix}channel__in": ANONYMOUS_CHANNELS})
    if s.day_from:
        q &= Q(**{f"{prefix}day__gte": s.day_from})
    if s.day_to:
        q &= Q(**{f"{prefix}day__lte": s.day_to})
    return q


def _profile_filter(s: Slice, prefix: str = "") -> Q:
    q = Q()
    for name in ("gender", "age_group", "education", "occupation"):
        value = getattr(s, name)
        if value:
            q &= Q(**{f"{prefix}{name}": value})
    return q


def unsur_totals_from_tallies(*, survey_ids: Iterable[int], slice: Slice) -> tuple[int, dict[str, tuple[int, int]]]:
    """(respondents, {unsur: (answered, sum)}) from the tallies: two aggregate queries."""
    survey_ids = list(survey_ids)
    base = Tally.objects.filter(_dimension_filter(slice), survey_id__in=survey_ids)
    respondents = base.filter(question__isnull=True).aggregate(n=Sum("answered"))["n"] or 0
    rows = (
        base.filter(question__isnull=False)
        .exclude(question__unsur="")
        .values("question__unsur")
        .annotate(answered=Sum("answered"), total=Sum("total"))
    )
    return respondents, {r["question__unsur"]: (r["answered"], r["total"]) for r in rows}


def unsur_totals_from_answers(*, survey_ids: Iterable[int], slice: Slice) -> tuple[int, dict[str, tuple[int, int]]]:
    """The same numbers from the stored answers (GROUP BY in the database)."""
    survey_ids = list(survey_ids)
    responses = Response.objects.filter(_dimension_filter(slice), _profile_filter(slice), survey_id__in=survey_ids)
    respondents = responses.count()
    rows = (
        Answer.objects.filter(
            _dimension_filter(slice, "response__"),
            _profile_filter(slice, "response__"),
            response__survey_id__in=survey_ids,
            value__isnull=False,
        )
        .exclude(question__unsur="")
        .values("question__unsur")
        .annotate(answered=Count("id"), total=Sum("value"))
    )
    return respondents, {r["question__unsur"]: (r["answered"], r["total"]) for r in rows}


def ikm_for(*, survey: Survey, slice: Slice | None = None, weight_mode: str | None = None) -> IkmResult:
    """The IKM of one survey (or a slice of it) with the survey's weight mode."""
    return ikm_for_surveys(
        survey_ids=[survey.pk], slice=slice or Slice(), weight_mode=weight_mode or survey.weight_mode
    )


def ikm_for_surveys(*, survey_ids: Iterable[int], slice: Slice, weight_mode: str) -> IkmResult:
    reader = unsur_totals_from_answers if slice.needs_answers else unsur_totals_from_tallies
    respondents, totals = reader(survey_ids=survey_ids, slice=slice)
    return ikm_from_totals(totals, respondents=respondents, weight_mode=weight_mode)


def empty_totals() -> dict[str, tuple[int, int]]:
    return dict.fromkeys(UNSUR_KEYS, (0, 0))


# --- visibility ------------------------------------------------------------------------------


def surveys_visible_to(*, user) -> QuerySet[Survey]:
    """Surveys of units the user may see, and MPP surveys covering a gerai of such a unit.

    A tenant unit of an MPP sees the MPP survey but only its own slice of the results
    (:func:`result_unit_scope`).
    """
    if not user.is_authenticated:
        return Survey.objects.none()
    if user.is_superuser:
        return Survey.objects.all()
    visible_units = units_visible_to(user=user)
    return Survey.objects.filter(
        Q(unit__in=visible_units) | Q(mpp__isnull=False, mpp__gerai__unit__in=visible_units)
    ).distinct()


def surveys_managed_by(*, user) -> QuerySet[Survey]:
    """Surveys the user may change: unit administrators and heads of the owning unit."""
    if not user.is_authenticated:
        return Survey.objects.none()
    if user.is_superuser:
        return Survey.objects.all()
    unit_ids = _unit_ids(user, (Membership.Role.UNIT_ADMIN, Membership.Role.UNIT_HEAD))
    return Survey.objects.filter(unit_id__in=unit_ids)


def result_unit_scope(*, user, survey: Survey) -> int | None:
    """None when the user may see the whole survey; else the one unit whose slice they see."""
    if user.is_superuser or surveys_managed_by(user=user).filter(pk=survey.pk).exists():
        return None
    visible = set(units_visible_to(user=user).values_list("pk", flat=True))
    if survey.unit_id in visible:
        return None
    gerai_units = set(survey.mpp.gerai.values_list("unit_id", flat=True)) if survey.mpp_id else set()
    mine = sorted(visible & gerai_units)
    return mine[0] if mine else None
