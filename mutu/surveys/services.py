"""Writes of the survey engine that every channel shares.

Every channel (kiosk, QR, surveyor, import, API) checks a submission with
:func:`validate_submission` and stores it with :func:`record_responses`, which writes the
responses, their answers and the tally increments in one transaction.  Channel-specific
services (kiosk registration, imports, follow-up…) live in ``services_<area>.py`` modules and
call these two.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.errors import ApplicationError
from mutu.organisations.models import Counter, Gerai, Location, Unit
from mutu.standards.models import Service
from mutu.surveys.models import (
    AgeGroup,
    Answer,
    Channel,
    Education,
    Gender,
    Occupation,
    Question,
    Response,
    Survey,
    Tally,
)

PROFILE_CHOICES: dict[str, type] = {
    "gender": Gender,
    "age_group": AgeGroup,
    "education": Education,
    "occupation": Occupation,
}
SUGGESTION_MAX_LENGTH = 2000


@dataclass
class Submission:
    """One respondent's answers as a channel received them, before any check."""

    answers: Mapping[str, object]  # question code → value (int / numeric text / None / free text)
    unit: Unit | None = None
    location: Location | None = None
    gerai: Gerai | None = None
    counter: Counter | None = None
    service: Service | None = None
    profile: Mapping[str, str] = field(default_factory=dict)
    suggestion: str = ""
    answered_at: datetime.datetime | None = None
    client_id: uuid.UUID | None = None
    device_id: int | None = None
    ticket_id: int | None = None
    surveyor_id: int | None = None
    paper_number: str = ""
    device_hash: str = ""
    import_batch_id: int | None = None
    import_row: int | None = None


@dataclass
class CheckedSubmission:
    submission: Submission
    unit_id: int
    values: dict[int, int | None]  # question id → scale value
    texts: dict[int, str]  # question id → free text
    day: datetime.date
    answered_at: datetime.datetime


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    kind: str
    unsur: str
    is_required: bool
    allowed: frozenset[int]


def questionnaire_spec(questionnaire_id: int) -> list[QuestionSpec]:
    """The questions of a version with their allowed values, in order (two queries)."""
    questions = Question.objects.filter(questionnaire_id=questionnaire_id).prefetch_related("scale__options")
    return [
        QuestionSpec(
            id=q.pk,
            code=q.code,
            kind=q.kind,
            unsur=q.unsur,
            is_required=q.is_required,
            allowed=frozenset(o.value for o in q.scale.options.all()) if q.scale_id else frozenset(),
        )
        for q in questions
    ]


def survey_zone(survey: Survey) -> ZoneInfo:
    return ZoneInfo(survey.unit.timezone)


def is_open_on(survey: Survey, day: datetime.date) -> bool:
    return survey.status == Survey.Status.OPEN and survey.starts_on <= day <= survey.ends_on


def parse_answer_value(raw: object) -> int | None:
    """An answer as a whole number: 4, "4", " 4 ", 4.0 and "4.0" are 4; blank is None.

    Raises ValueError for anything else (3.5, "baik", True).
    """
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None
        raise ValueError(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValueError(raw)
    text = "".join(str(raw).split())
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        number = float(text)  # raises ValueError for words
        if number.is_integer():
            return int(number)
        raise


def validate_submission(
    *,
    survey: Survey,
    submission: Submission,
    spec: Sequence[QuestionSpec],
    now: datetime.datetime,
    check_open: bool = True,
) -> CheckedSubmission:
    """Check one submission against the survey and its questionnaire; raise ApplicationError.

    ``field_errors`` name the question code or field, so forms, the API (422) and the import
    report can say which answer is wrong.
    """
    errors: dict[str, list[str]] = {}
    zone = survey_zone(survey)
    answered_at = submission.answered_at or now
    if answered_at > now + datetime.timedelta(minutes=5):
        errors.setdefault("answered_at", []).append(_("The answer time is in the future."))
    day = timezone.localtime(answered_at, zone).date()
    if check_open and not is_open_on(survey, day):
        raise ApplicationError(_("This survey is closed. Thank you for wanting to help."))

    known = {q.code.lower(): q for q in spec}
    values: dict[int, int | None] = {}
    texts: dict[int, str] = {}
    given = {str(code).strip().lower(): raw for code, raw in submission.answers.items()}
    for code in given:
        if code not in known:
            errors.setdefault(code, []).append(
                _("There is no question %(code)s in this questionnaire.") % {"code": code}
            )
    for q in spec:
        raw = given.get(q.code.lower())
        if q.kind == "text":
            text = "" if raw is None else str(raw).strip()
            if text:
                texts[q.id] = text[:SUGGESTION_MAX_LENGTH]
            elif q.is_required:
                errors.setdefault(q.code, []).append(_("Please answer this question."))
            continue
        try:
            value = parse_answer_value(raw)
        except ValueError:
            value = None
            errors.setdefault(q.code, []).append(
                _("%(value)s is not an answer to this question (allowed: %(allowed)s).")
                % {"value": raw, "allowed": ", ".join(str(v) for v in sorted(q.allowed))}
            )
            continue
        if value is not None and value not in q.allowed:
            errors.setdefault(q.code, []).append(
                _("%(value)s is not an answer to this question (allowed: %(allowed)s).")
                % {"value": value, "allowed": ", ".join(str(v) for v in sorted(q.allowed))}
            )
            continue
        if value is None and q.is_required and submission.surveyor_id is None and submission.import_batch_id is None:
            # Paper questionnaires and imports keep blanks (a blank is not a zero); a respondent
            # on a screen is asked to answer.
            errors.setdefault(q.code, []).append(_("Please answer this question."))
        values[q.id] = value
    if all(v is None for v in values.values()) and spec and any(q.kind == "scale" for q in spec):
        errors.setdefault("__all__", []).append(_("No question was answered."))

    for name, choices in PROFILE_CHOICES.items():
        value = submission.profile.get(name, "") or ""
        if value and value not in choices.values:
            errors.setdefault(name, []).append(_("Choose one of the listed options."))
    if len(submission.suggestion) > SUGGESTION_MAX_LENGTH:
        errors.setdefault("suggestion", []).append(
            _("Please keep the suggestion under %(n)s characters.") % {"n": SUGGESTION_MAX_LENGTH}
        )

    unit_id = _served_unit_id(survey, submission)
    if unit_id is None:
        errors.setdefault("gerai", []).append(_("Choose the unit or gerai that served the respondent."))
    if errors:
        raise ApplicationError(_("Some answers need attention."), field_errors=errors)
    return CheckedSubmission(
        submission=submission, unit_id=unit_id, values=values, texts=texts, day=day, answered_at=answered_at
    )


def _served_unit_id(survey: Survey, submission: Submission) -> int | None:
    """The unit that served the respondent: the gerai's (or counter's) unit in an MPP survey."""
    if submission.unit is not None:
        return submission.unit.pk
    if submission.gerai is not None:
        return submission.gerai.unit_id
    if submission.counter is not None:
        return submission.counter.gerai.unit_id
    if survey.mpp_id is None:
        return survey.unit_id
    return None


def _tally_dimensions(checked: CheckedSubmission, channel: str) -> tuple:
    s = checked.submission
    gerai_id = s.gerai.pk if s.gerai else (s.counter.gerai_id if s.counter else None)
    return (
        checked.unit_id,
        s.location.pk if s.location else None,
        gerai_id,
        s.counter.pk if s.counter else None,
        s.service.pk if s.service else None,
        channel,
        checked.day,
    )


def tally_key(question_id: int | None, dims: tuple) -> str:
    unit_id, location_id, gerai_id, counter_id, service_id, channel, day = dims
    parts = [question_id or "r", unit_id, location_id or "", gerai_id or "", counter_id or "", service_id or ""]
    return "|".join(str(p) for p in parts) + f"|{channel}|{day.isoformat()}"


def _upsert_tallies(survey_id: int, increments: Mapping[tuple[int | None, tuple], tuple[int, int]]) -> None:
    """Add (answered, total) to each slice in one statement per row, in key order.

    ``INSERT … ON CONFLICT DO UPDATE`` with an increment is atomic on both databases; a fixed
    order keeps two PostgreSQL transactions from deadlocking on the same rows.
    """
    if not increments:
        return
    # Only the model's own table name is interpolated; every value is a parameter.
    table = connection.ops.quote_name(Tally._meta.db_table)
    sql = (
        f"INSERT INTO {table} (survey_id, key, question_id, unit_id, location_id, gerai_id, counter_id, "  # noqa: S608
        "service_id, channel, day, answered, total) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (survey_id, key) DO UPDATE SET answered = {table}.answered + excluded.answered, "
        f"total = {table}.total + excluded.total"
    )
    rows = []
    for (question_id, dims), (answered, total) in increments.items():
        rows.append((survey_id, tally_key(question_id, dims), question_id, *dims, answered, total))
    rows.sort(key=lambda row: row[1])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def record_responses(
    *, survey: Survey, channel: str, checked: Iterable[CheckedSubmission], now: datetime.datetime
) -> tuple[list[Response], int]:
    """Store checked submissions with their answers and tally increments; one transaction.

    Returns (responses, how many were new). A submission whose ``client_id`` or ticket was
    already stored is not stored again: the existing response is returned in its place, so a
    replayed offline batch or a double tap changes nothing.
    """
    checked = list(checked)
    results: list[Response] = []
    created = 0
    with transaction.atomic():
        increments: dict[tuple[int | None, tuple], list[int]] = defaultdict(lambda: [0, 0])
        for item in checked:
            existing = _existing_response(survey, item.submission)
            if existing is not None:
                results.append(existing)
                continue
            try:
                with transaction.atomic():
                    response = _insert_response(survey, channel, item, now)
            except IntegrityError:
                # A concurrent request stored the same client id or ticket first.
                existing = _existing_response(survey, item.submission)
                if existing is None:
                    raise
                results.append(existing)
                continue
            results.append(response)
            created += 1
            dims = _tally_dimensions(item, channel)
            increments[(None, dims)][0] += 1
            for question_id, value in item.values.items():
                if value is not None:
                    increments[(question_id, dims)][0] += 1
                    increments[(question_id, dims)][1] += value
        _upsert_tallies(survey.pk, {k: (v[0], v[1]) for k, v in increments.items()})
    return results, created


def _existing_response(survey: Survey, submission: Submission) -> Response | None:
    if submission.client_id is not None:
        found = Response.objects.filter(survey=survey, client_id=submission.client_id).first()
        if found is not None:
            return found
    if submission.ticket_id is not None:
        return Response.objects.filter(ticket_id=submission.ticket_id).first()
    return None


def _insert_response(survey: Survey, channel: str, item: CheckedSubmission, now: datetime.datetime) -> Response:
    s = item.submission
    gerai = s.gerai or (s.counter.gerai if s.counter else None)
    response = Response.objects.create(
        survey=survey,
        questionnaire_id=survey.questionnaire_id,
        unit_id=item.unit_id,
        location=s.location,
        gerai=gerai,
        counter=s.counter,
        service=s.service,
        channel=channel,
        client_id=s.client_id,
        device_id=s.device_id,
        ticket_id=s.ticket_id,
        surveyor_id=s.surveyor_id,
        paper_number=s.paper_number,
        import_batch_id=s.import_batch_id,
        import_row=s.import_row,
        device_hash=s.device_hash,
        answered_at=item.answered_at,
        received_at=now,
        day=item.day,
        suggestion=s.suggestion.strip(),
        **{name: s.profile.get(name, "") or "" for name in PROFILE_CHOICES},
    )
    answers = [Answer(response=response, question_id=qid, value=v) for qid, v in item.values.items() if v is not None]
    answers += [Answer(response=response, question_id=qid, text=t) for qid, t in item.texts.items()]
    Answer.objects.bulk_create(answers)
    return response


def submit_response(
    *,
    survey: Survey,
    channel: str,
    submission: Submission,
    now: datetime.datetime | None = None,
    check_open: bool = True,
) -> tuple[Response, bool]:
    """Check and store one response; (response, created). Idempotent on client id and ticket."""
    now = now or timezone.now()
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    existing = _existing_response(survey, submission)
    if existing is not None:
        return existing, False
    spec = questionnaire_spec(survey.questionnaire_id)
    checked = validate_submission(survey=survey, submission=submission, spec=spec, now=now, check_open=check_open)
    responses, created = record_responses(survey=survey, channel=channel, checked=[checked], now=now)
    return responses[0], bool(created)


def rebuild_survey_tallies(*, survey: Survey) -> int:
    """Recompute a survey's tallies from its answers (after a repair or a deleted import).

    One set-based ``INSERT … SELECT … GROUP BY`` per kind of row (respondents, answers), the
    same SQL on SQLite and PostgreSQL; the key is built in SQL exactly as :func:`tally_key`
    builds it. Returns the number of tally rows written.
    """
    qn = connection.ops.quote_name
    tally, response, answer = (qn(m._meta.db_table) for m in (Tally, Response, Answer))

    def text(column: str) -> str:
        return f"COALESCE(CAST({column} AS TEXT), '')"

    day = "to_char(r.day, 'YYYY-MM-DD')" if connection.vendor == "postgresql" else "CAST(r.day AS TEXT)"
    dims = "r.unit_id, r.location_id, r.gerai_id, r.counter_id, r.service_id, r.channel, r.day"
    key_tail = (
        f"|| '|' || CAST(r.unit_id AS TEXT) || '|' || {text('r.location_id')} || '|' || {text('r.gerai_id')} "
        f"|| '|' || {text('r.counter_id')} || '|' || {text('r.service_id')} || '|' || r.channel || '|' || {day}"
    )
    columns = "survey_id, key, question_id, unit_id, location_id, gerai_id, counter_id, service_id, channel, day"
    # Only the models' own table names are interpolated; the survey id is a parameter.
    respondents = (
        f"INSERT INTO {tally} ({columns}, answered, total) "  # noqa: S608
        f"SELECT r.survey_id, 'r' {key_tail}, NULL, {dims}, COUNT(*), 0 "
        f"FROM {response} r WHERE r.survey_id = %s GROUP BY r.survey_id, {dims}"
    )
    answers = (
        f"INSERT INTO {tally} ({columns}, answered, total) "  # noqa: S608
        f"SELECT r.survey_id, CAST(a.question_id AS TEXT) {key_tail}, a.question_id, {dims}, COUNT(*), SUM(a.value) "
        f"FROM {answer} a JOIN {response} r ON r.id = a.response_id "
        f"WHERE r.survey_id = %s AND a.value IS NOT NULL GROUP BY r.survey_id, a.question_id, {dims}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        Tally.objects.filter(survey=survey).delete()
        cursor.execute(respondents, [survey.pk])
        written = cursor.rowcount
        cursor.execute(answers, [survey.pk])
        written += cursor.rowcount
    return written


def template_questionnaire():
    """The national SKM template, newest version.

    Migration 0002 creates it; it is created again here if it is missing (a test's database
    flush removes data that migrations wrote), so every unit always has a questionnaire to start from.
    """
    from mutu.surveys import skm_template
    from mutu.surveys.models import Questionnaire, Scale, ScaleOption

    found = Questionnaire.objects.filter(unit__isnull=True).order_by("-number").first()
    if found is None:
        with transaction.atomic():
            found = skm_template.create_template(
                Questionnaire=Questionnaire, Question=Question, Scale=Scale, ScaleOption=ScaleOption, now=timezone.now()
            )
    return found


def create_survey(
    *,
    unit: Unit,
    name: str,
    slug: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by,
    questionnaire=None,
    mpp: Location | None = None,
    weight_mode: str = "exact",
    population: int | None = None,
    open_now: bool = False,
    now: datetime.datetime | None = None,
) -> Survey:
    """Plan a survey period; the questionnaire defaults to the unit's newest, else the template."""
    from mutu.core.audit import record_audit, snapshot
    from mutu.surveys.models import Questionnaire

    now = now or timezone.now()
    if questionnaire is None:
        questionnaire = Questionnaire.objects.filter(unit=unit).order_by("-number").first() or template_questionnaire()
    if mpp is not None and (mpp.kind != Location.Kind.MPP or mpp.manager_unit_id != unit.pk):
        raise ApplicationError(
            _("Only the unit that manages a Mal Pelayanan Publik can survey all of it."),
            field_errors={"mpp": [_("Choose an MPP your unit manages.")]},
        )
    survey = Survey(
        unit=unit,
        mpp=mpp,
        name=name,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        questionnaire=questionnaire,
        weight_mode=weight_mode,
        population=population,
        status=Survey.Status.OPEN if open_now else Survey.Status.DRAFT,
        created_at=now,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    survey.full_clean()
    with transaction.atomic():
        survey.save()
        if open_now:
            Questionnaire.objects.filter(pk=questionnaire.pk).update(is_locked=True)
        record_audit(actor=by, action="survey.create", obj=survey, unit=unit, after=snapshot(survey), now=now)
    return survey
