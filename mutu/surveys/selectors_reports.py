"""Reads for the Laporan SKM (PDF, XLSX) and the rencana tindak lanjut.

The IKM itself always comes from :mod:`mutu.surveys.selectors` (``ikm_for``), and the
respondent profile, the distribution of answers and the IKM per unit of an MPP from
:mod:`mutu.surveys.selectors_results`, shared with the results pages. This module adds what
only the report prints — respondents per channel, location and service, suggestions per unsur
tag with examples, the raw answers for the workbook — each in a fixed number of queries, and
who may see or change which follow-up actions.
"""

from __future__ import annotations

from collections import Counter as CountMap
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from mutu.organisations.models import Membership, Unit
from mutu.organisations.selectors import _unit_ids
from mutu.surveys.calculations import UNSUR_CODE, UNSUR_KEYS, UNSUR_NAME
from mutu.surveys.models import Answer, FollowUpAction, Question, Response, Survey, Tally
from mutu.surveys.selectors import Slice, _dimension_filter, _profile_filter, surveys_managed_by, surveys_visible_to

MANAGE_ROLES = (Membership.Role.UNIT_ADMIN, Membership.Role.UNIT_HEAD)
SUGGESTION_EXAMPLES = 5


# --- who may do what --------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpAccess:
    """What one person may do with a survey's follow-up actions.

    ``unit_ids`` None: every unit's actions (the survey's own administrators and heads);
    otherwise only the actions of these units (administrators and heads of a tenant unit of
    an MPP survey).
    """

    unit_ids: frozenset[int] | None

    def covers(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids


def survey_units(*, survey: Survey) -> QuerySet[Unit]:
    """Units whose respondents a survey covers: the owner, and every tenant of an MPP survey."""
    if survey.mpp_id is None:
        return Unit.objects.filter(pk=survey.unit_id)
    return Unit.objects.filter(Q(pk=survey.unit_id) | Q(gerai__location_id=survey.mpp_id)).distinct().order_by("name")


def follow_up_access(*, user, survey: Survey) -> FollowUpAccess | None:
    """None when the user may not see the survey's follow-up plan at all (the view answers 404)."""
    if not surveys_visible_to(user=user).filter(pk=survey.pk).exists():
        return None
    if surveys_managed_by(user=user).filter(pk=survey.pk).exists():
        return FollowUpAccess(unit_ids=None)
    if survey.mpp_id is None:
        return None
    managed = _unit_ids(user, MANAGE_ROLES)
    tenants = set(survey_units(survey=survey).filter(pk__in=managed).values_list("pk", flat=True))
    return FollowUpAccess(unit_ids=frozenset(tenants)) if tenants else None


def surveys_for_reports(*, user) -> QuerySet[Survey]:
    """Surveys whose report a user may print: the ones they see (tenants get their own slice)."""
    return surveys_visible_to(user=user).select_related("unit__instansi", "mpp", "questionnaire")


# --- follow-up actions ------------------------------------------------------------------------


def follow_ups_for(*, survey: Survey, unit_ids: frozenset[int] | None = None) -> QuerySet[FollowUpAction]:
    actions = FollowUpAction.objects.filter(survey=survey).select_related("unit", "evidence")
    if unit_ids is not None:
        actions = actions.filter(unit_id__in=unit_ids)
    return actions.order_by("due_date", "unsur", "id")


def previous_survey(*, survey: Survey) -> Survey | None:
    """The unit's survey period before this one (of the same kind: the same MPP, or none)."""
    return (
        Survey.objects.filter(unit_id=survey.unit_id, mpp_id=survey.mpp_id, starts_on__lt=survey.starts_on)
        .exclude(pk=survey.pk)
        .order_by("-starts_on", "-id")
        .first()
    )


# --- counts for the report --------------------------------------------------------------------


def _responses(*, survey: Survey, slice: Slice) -> QuerySet[Response]:
    return Response.objects.filter(_dimension_filter(slice), _profile_filter(slice), survey_id=survey.pk)


def respondents_by_service(*, survey: Survey, slice: Slice) -> list[tuple[str, int]]:
    """(service name, respondents), most first; respondents without a service last as ""."""
    rows = (
        _responses(survey=survey, slice=slice)
        .order_by()
        .values("service__name")
        .annotate(n=Count("id"))
        .order_by("-n", "service__name")
    )
    named = [(r["service__name"], r["n"]) for r in rows if r["service__name"]]
    unnamed = sum(r["n"] for r in rows if not r["service__name"])
    return named + ([("", unnamed)] if unnamed else [])


def respondents_by_channel(*, survey: Survey, slice: Slice) -> dict[str, int]:
    """{channel: respondents} from the tallies (respondent rows have no question)."""
    rows = (
        Tally.objects.filter(_dimension_filter(slice), survey_id=survey.pk, question__isnull=True)
        .order_by()
        .values("channel")
        .annotate(n=Sum("answered"))
    )
    return {r["channel"]: r["n"] for r in rows if r["n"]}


def respondents_by_location(*, survey: Survey, slice: Slice) -> list[tuple[str, int]]:
    """(location name, respondents), most first; "" for responses without a location."""
    rows = (
        Tally.objects.filter(_dimension_filter(slice), survey_id=survey.pk, question__isnull=True)
        .order_by()
        .values("location__name")
        .annotate(n=Sum("answered"))
        .order_by("-n", "location__name")
    )
    return [(r["location__name"] or "", r["n"]) for r in rows if r["n"]]


@dataclass
class SuggestionGroup:
    unsur: str  # "" for suggestions nobody tagged
    count: int
    examples: list[str]

    @property
    def label(self) -> str:
        return f"{UNSUR_CODE[self.unsur]} {UNSUR_NAME[self.unsur]}" if self.unsur else ""


def suggestions_by_unsur(*, survey: Survey, slice: Slice) -> tuple[int, list[SuggestionGroup]]:
    """(suggestions written, groups per unsur tag with counts and a few examples), most first.

    Tags are a JSON list per response, which neither database groups portably; the rows are
    read once, in chunks, with only the two columns needed.
    """
    rows = (
        _responses(survey=survey, slice=slice)
        .exclude(suggestion="")
        .order_by("id")
        .values_list("suggestion", "suggestion_unsur")
    )
    counts: CountMap[str] = CountMap()
    examples: dict[str, list[str]] = {}
    written = 0
    for text, tags in rows.iterator(chunk_size=2000):
        written += 1
        keys = [t for t in (tags or []) if t in UNSUR_KEYS] or [""]
        for key in dict.fromkeys(keys):
            counts[key] += 1
            bucket = examples.setdefault(key, [])
            if len(bucket) < SUGGESTION_EXAMPLES:
                bucket.append(text)
    order = {key: i for i, key in enumerate(UNSUR_KEYS)}
    groups = sorted(
        (SuggestionGroup(key, n, examples[key]) for key, n in counts.items()),
        key=lambda g: (g.unsur == "", -g.count, order.get(g.unsur, 99)),
    )
    return written, groups


# --- raw data for the workbook ----------------------------------------------------------------


RAW_RESPONSE_FIELDS = (
    "id",
    "day",
    "channel",
    "unit__name",
    "location__name",
    "counter__name",
    "service__name",
    "gender",
    "age_group",
    "education",
    "occupation",
    "paper_number",
    "suggestion",
)


def report_questions(*, survey: Survey) -> list[tuple[str, list[int]]]:
    """(question code, question ids) in questionnaire order, over every version the survey's
    responses used: one column per code in the workbook."""
    versions = {survey.questionnaire_id} | set(
        Response.objects.filter(survey=survey).order_by().values_list("questionnaire_id", flat=True).distinct()
    )
    columns: dict[str, list[int]] = {}
    for qid, code in (
        Question.objects.filter(questionnaire_id__in=versions)
        .order_by("position", "questionnaire_id")
        .values_list("id", "code")
    ):
        columns.setdefault(code, []).append(qid)
    return list(columns.items())


def raw_answers(
    *, survey: Survey, slice: Slice, chunk_size: int = 2000
) -> Iterator[tuple[tuple, dict[int, int | str]]]:
    """Each response's fields (``RAW_RESPONSE_FIELDS``) with {question id: value or text}.

    Keyset pages of ``chunk_size`` responses: two queries per page (the responses with their
    labels joined in, then their answers), however big the survey is.
    """
    responses = _responses(survey=survey, slice=slice).order_by("id").values_list(*RAW_RESPONSE_FIELDS)
    last_id = 0
    while True:
        page = list(responses.filter(id__gt=last_id)[:chunk_size])
        if not page:
            return
        ids = [row[0] for row in page]
        answers: dict[int, dict[int, int | str]] = {rid: {} for rid in ids}
        for response_id, question_id, value, text in (
            Answer.objects.filter(response_id__in=ids)
            .order_by()
            .values_list("response_id", "question_id", "value", "text")
        ):
            answers[response_id][question_id] = value if value is not None else text
        for row in page:
            yield row, answers[row[0]]
        last_id = ids[-1]
        if len(page) < chunk_size:
            return
