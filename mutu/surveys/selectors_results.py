"""Reads behind the results pages, the public SKM page, the poster and the Laporan SKM.

Every IKM here comes from :func:`mutu.surveys.selectors.ikm_for` / ``ikm_for_surveys`` with a
:class:`~mutu.surveys.selectors.Slice`; this module only decides *which* surveys and slices to
ask for and shapes the answers for templates.  Each function runs a fixed number of queries
however many responses a survey has (a few per period or per unit of an MPP).

Public for the report helper: :func:`respondent_profile`, :func:`answer_distribution`,
:func:`suggestion_counts` and :func:`unsur_rows`.
"""

from __future__ import annotations

import collections
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutu.organisations.models import Counter, Gerai, Location, Unit
from mutu.standards.models import Service
from mutu.surveys.calculations import UNSUR_KEYS, WEIGHTS, IkmResult, round_half_up
from mutu.surveys.models import (
    AgeGroup,
    Answer,
    Education,
    FollowUpAction,
    Gender,
    Occupation,
    Response,
    Survey,
    Tally,
    Unsur,
)
from mutu.surveys.selectors import Slice, _dimension_filter, _profile_filter, ikm_for, ikm_for_surveys

FOUR_PLACES = Decimal("0.0001")
PROFILE_FIELDS: tuple[tuple[str, type], ...] = (
    ("gender", Gender),
    ("age_group", AgeGroup),
    ("education", Education),
    ("occupation", Occupation),
)
PROFILE_LABELS = {
    "gender": gettext_lazy("Gender"),
    "age_group": gettext_lazy("Age group"),
    "education": gettext_lazy("Education"),
    "occupation": gettext_lazy("Occupation"),
}
# The values a scale question of the SKM takes, for the distribution table of the report.
SKM_VALUES = (1, 2, 3, 4)
TREND_PERIODS = 12
# Kinerja unit pelayanan by mutu letter (PermenPANRB 14/2017): "Sangat Baik", "Baik", "Kurang Baik",
# "Tidak Baik" once translated. ``calculations`` keeps the Indonesian words for the command line.
KINERJA_LABELS = {
    "A": gettext_lazy("Very good"),
    "B": gettext_lazy("Good"),
    "C": gettext_lazy("Less than good"),
    "D": gettext_lazy("Not good"),
}


def kinerja_label(result: IkmResult) -> str:
    """The kinerja of a result in the reader's language; "" when there is no IKM."""
    return str(KINERJA_LABELS[result.mutu]) if result.mutu else ""


# --- per-unsur table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsurRow:
    """One line of the per-unsur table: what a page, the poster and the report print."""

    key: str
    code: str
    label: str
    answered: int
    nrr: Decimal | None  # 4 decimals, half-up
    weighted: Decimal | None  # NRR × weight, 4 decimals, half-up
    is_weakest: bool


def unsur_rows(result: IkmResult) -> list[UnsurRow]:
    """The nine unsur of ``result`` in regulation order, NRR and NRR × weight to 4 decimals.

    The weakest unsur (lowest NRR, first in order on a tie) is flagged so templates can say so
    in words as well as colour.
    """
    weight = WEIGHTS[result.weight_mode]
    weakest = result.weakest
    rows = []
    for u in result.unsur:
        nrr = u.nrr
        rows.append(
            UnsurRow(
                key=u.key,
                code=u.code,
                label=str(Unsur(u.key).label),
                answered=u.answered,
                nrr=None if nrr is None else round_half_up(nrr, FOUR_PLACES),
                weighted=None if nrr is None else round_half_up(nrr * weight, FOUR_PLACES),
                is_weakest=weakest is not None and weakest.key == u.key,
            )
        )
    return rows


# --- filter options ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """(id, label) choices for the slice filters of one survey, from what it actually holds."""

    units: list[tuple[int, str]]
    locations: list[tuple[int, str]]
    gerai: list[tuple[int, str]]
    counters: list[tuple[int, str]]
    services: list[tuple[int, str]]


def filter_options(*, survey: Survey, unit_id: int | None = None) -> FilterOptions:
    """Units, locations, gerai, counters and services that have responses in the survey.

    An MPP survey offers every unit with a gerai in the MPP even before it has responses.
    ``unit_id`` limits everything to one unit (a tenant sees its own slice only).
    Six queries at most, whatever the number of responses.
    """
    tallies = Tally.objects.filter(survey_id=survey.pk, question__isnull=True)
    if unit_id is not None:
        tallies = tallies.filter(unit_id=unit_id)
    dims = list(tallies.values_list("unit_id", "location_id", "gerai_id", "counter_id", "service_id").distinct())
    unit_ids = {row[0] for row in dims}
    units = Unit.objects.filter(pk__in=unit_ids)
    if survey.mpp_id:
        units = Unit.objects.filter(Q(pk__in=unit_ids) | Q(gerai__location_id=survey.mpp_id)).distinct()
    if unit_id is not None:
        units = units.filter(pk=unit_id)

    def ids(position: int) -> set[int]:
        return {row[position] for row in dims if row[position] is not None}

    return FilterOptions(
        units=[(u.pk, u.short_name or u.name) for u in units.order_by("name")],
        locations=[(x.pk, x.name) for x in Location.objects.filter(pk__in=ids(1)).order_by("name")],
        gerai=[(x.pk, x.name) for x in Gerai.objects.filter(pk__in=ids(2)).order_by("name")],
        counters=[
            (x.pk, f"{x.code} {x.name} ({x.gerai.name})")
            for x in Counter.objects.filter(pk__in=ids(3)).select_related("gerai").order_by("gerai__name", "code")
        ],
        services=[(x.pk, x.name) for x in Service.objects.filter(pk__in=ids(4)).order_by("name")],
    )


# --- trend and MPP table -------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    survey: Survey
    result: IkmResult

    @property
    def kinerja(self) -> str:
        return kinerja_label(self.result)


def survey_series(*, survey: Survey, visible: QuerySet[Survey]) -> list[Survey]:
    """The periods of the same series as ``survey``: same unit, and same MPP (or none), oldest first.

    ``visible`` is the caller's visibility filter (``surveys_visible_to``); the last
    :data:`TREND_PERIODS` periods are kept.
    """
    series = visible.filter(unit_id=survey.unit_id)
    series = series.filter(mpp_id=survey.mpp_id) if survey.mpp_id else series.filter(mpp__isnull=True)
    latest = list(series.order_by("-starts_on", "-ends_on", "-id")[:TREND_PERIODS])
    return sorted(latest, key=lambda s: (s.starts_on, s.ends_on, s.pk))


def trend(*, surveys: Iterable[Survey], slice: Slice) -> list[PeriodResult]:
    """The IKM of each period for the same slice, without its date range (two queries a period)."""
    undated = replace(slice, day_from=None, day_to=None)
    return [
        PeriodResult(s, ikm_for_surveys(survey_ids=[s.pk], slice=undated, weight_mode=s.weight_mode)) for s in surveys
    ]


@dataclass(frozen=True)
class UnitResult:
    unit: Unit | None  # None: the MPP as a whole
    result: IkmResult

    @property
    def kinerja(self) -> str:
        return kinerja_label(self.result)


def mpp_unit_results(*, survey: Survey, slice: Slice) -> list[UnitResult]:
    """IKM of every unit with a gerai in the survey's MPP (or responses in it), then the whole MPP.

    The other filters of ``slice`` apply to every row; its unit is replaced by each unit's.
    """
    units = (
        Unit.objects.filter(
            Q(gerai__location_id=survey.mpp_id) | Q(pk__in=Tally.objects.filter(survey=survey).values("unit_id"))
        )
        .distinct()
        .order_by("name")
    )
    rows = [UnitResult(u, ikm_for(survey=survey, slice=replace(slice, unit_id=u.pk))) for u in units]
    rows.append(UnitResult(None, ikm_for(survey=survey, slice=replace(slice, unit_id=None))))
    return rows


# --- respondent profile, answer distribution, suggestions --------------------------------------


@dataclass(frozen=True)
class ProfileCount:
    value: str  # "" for "not stated"
    label: str
    count: int


@dataclass(frozen=True)
class RespondentProfile:
    """Counts of respondents per gender, age group, education and occupation."""

    respondents: int
    gender: list[ProfileCount]
    age_group: list[ProfileCount]
    education: list[ProfileCount]
    occupation: list[ProfileCount]

    def groups(self) -> list[tuple[str, str, list[ProfileCount]]]:
        """(field name, its label, counts) for each profile field, in questionnaire order."""
        return [(name, str(PROFILE_LABELS[name]), getattr(self, name)) for name, _choices in PROFILE_FIELDS]


def respondent_profile(*, survey_ids: Iterable[int], slice: Slice) -> RespondentProfile:
    """Respondents of ``survey_ids`` within ``slice`` counted per profile field: one GROUP BY query.

    Every choice of each field is listed (with 0 when nobody chose it, in the order of the
    choices), followed by a "not stated" line when some respondents left the field blank.
    Used by the results page and the Laporan SKM.
    """
    rows = (
        Response.objects.filter(_dimension_filter(slice), _profile_filter(slice), survey_id__in=list(survey_ids))
        .values("gender", "age_group", "education", "occupation")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, collections.Counter] = {name: collections.Counter() for name, _choices in PROFILE_FIELDS}
    total = 0
    for row in rows:
        total += row["n"]
        for name, _choices in PROFILE_FIELDS:
            counts[name][row[name]] += row["n"]
    groups = {}
    for name, choices in PROFILE_FIELDS:
        items = [ProfileCount(value, str(label), counts[name].get(value, 0)) for value, label in choices.choices]
        if counts[name].get(""):
            items.append(ProfileCount("", _("Not stated"), counts[name][""]))
        groups[name] = items
    return RespondentProfile(respondents=total, **groups)


def answer_distribution(*, survey_ids: Iterable[int], slice: Slice) -> dict[str, dict[int, int]]:
    """How many respondents gave each answer to each unsur: {unsur key: {1: n, 2: n, 3: n, 4: n}}.

    One GROUP BY over the answers (the tallies hold sums, not per-value counts). Values other
    than 1–4 (an instrument on another scale) get their own keys.
    """
    rows = (
        Answer.objects.filter(
            _dimension_filter(slice, "response__"),
            _profile_filter(slice, "response__"),
            response__survey_id__in=list(survey_ids),
            value__isnull=False,
        )
        .exclude(question__unsur="")
        .values("question__unsur", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    result = {key: dict.fromkeys(SKM_VALUES, 0) for key in UNSUR_KEYS}
    for row in rows:
        result[row["question__unsur"]][row["value"]] = row["n"]
    return result


def suggestions(*, survey_ids: Iterable[int], slice: Slice, unsur: str = "") -> QuerySet[Response]:
    """Responses with a suggestion, newest first; ``unsur`` an unsur key, or "none" for untagged ones."""
    qs = Response.objects.filter(
        _dimension_filter(slice), _profile_filter(slice), survey_id__in=list(survey_ids)
    ).exclude(suggestion="")
    if unsur == "none":
        qs = qs.filter(suggestion_unsur=[])
    elif unsur:
        # A JSON list of fixed keys: its text holds "key" with the quotes on both databases.
        qs = qs.annotate(_tags=Cast("suggestion_unsur", TextField())).filter(_tags__contains=f'"{unsur}"')
    return qs.select_related("unit", "gerai", "service").order_by("-answered_at", "-id")


def suggestion_counts(*, survey_ids: Iterable[int], slice: Slice) -> dict[str, int]:
    """Suggestions per unsur tag (a suggestion tagged twice counts for both), plus "none" and "total".

    One query over the responses that have a suggestion.
    """
    counts = dict.fromkeys((*UNSUR_KEYS, "none", "total"), 0)
    tags = (
        Response.objects.filter(_dimension_filter(slice), _profile_filter(slice), survey_id__in=list(survey_ids))
        .exclude(suggestion="")
        .values_list("suggestion_unsur", flat=True)
    )
    for keys in tags:
        counts["total"] += 1
        known = [k for k in (keys or []) if k in counts and k not in ("none", "total")]
        if not known:
            counts["none"] += 1
        for key in set(known):
            counts[key] += 1
    return counts


# --- publication ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedPeriod:
    survey: Survey
    slice: Slice
    result: IkmResult

    @property
    def kinerja(self) -> str:
        return kinerja_label(self.result)


def published_periods(*, unit: Unit) -> list[PublishedPeriod]:
    """Published periods of ``unit`` with a complete IKM, oldest first.

    The unit's own surveys count whole; an MPP survey counts with the unit's slice (the
    respondents its gerai served), whether the unit runs the MPP or is a tenant there.
    """
    surveys = (
        Survey.objects.filter(published_at__isnull=False)
        .filter(
            Q(unit=unit, mpp__isnull=True)
            | Q(mpp__isnull=False, unit=unit)
            | Q(mpp__isnull=False, mpp__gerai__unit=unit)
        )
        .distinct()
        .order_by("starts_on", "ends_on", "id")
    )
    periods = []
    for survey in surveys:
        slice = Slice(unit_id=unit.pk) if survey.mpp_id else Slice()
        result = ikm_for(survey=survey, slice=slice)
        if result.is_complete:
            periods.append(PublishedPeriod(survey, slice, result))
    return periods


def follow_ups_of(*, survey: Survey, unit: Unit) -> list[FollowUpAction]:
    """The unit's rencana tindak lanjut for a period, by unsur order then due date."""
    order = {key: i for i, key in enumerate(UNSUR_KEYS)}
    actions = list(FollowUpAction.objects.filter(survey=survey, unit=unit))
    return sorted(actions, key=lambda a: (order.get(a.unsur, 99), a.due_date, a.pk))


def local_today(unit: Unit, now: datetime.datetime) -> datetime.date:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    return timezone.localtime(now, ZoneInfo(unit.timezone)).date()
