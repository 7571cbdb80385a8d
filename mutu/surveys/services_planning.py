"""Writes for planning: survey periods (plan, open, close) and questionnaire versions.

A survey is planned as a draft; opening it locks its questionnaire version (answers will
refer to its questions), closing it stops new answers. Status changes are conditional
``UPDATE … WHERE status = old``, so two clicks, two tabs or the periodic job never change a
survey twice. A questionnaire version is edited only while unlocked; the nine unsur questions
stay (reworded if the unit wishes) because the IKM is computed from them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutu.core.audit import record_audit, snapshot
from mutu.core.errors import ApplicationError
from mutu.organisations.models import Location, Unit
from mutu.surveys import services as survey_services
from mutu.surveys.models import Question, Questionnaire, Scale, ScaleOption, Survey
from mutu.surveys.selectors_planning import explain_target, plan_choices, population_window, tickets_done_in

PLAN_FIELDS = [
    "name",
    "slug",
    "starts_on",
    "ends_on",
    "questionnaire_id",
    "mpp_id",
    "weight_mode",
    "sample_method",
    "sample_error",
    "population",
    "population_source",
    "target_sample",
    "allow_anonymous_qr",
]
MAX_QUESTIONS = 60


def _today(unit: Unit, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, ZoneInfo(unit.timezone)).date()


def _validation_to_application(exc: ValidationError) -> ApplicationError:
    errors: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for name, items in exc.error_dict.items():
            errors[name] = [m for item in items for m in item.messages]
    else:
        errors["__all__"] = list(exc.messages)
    return ApplicationError(_("Some fields need attention."), field_errors=errors)


# --- survey plan ------------------------------------------------------------------------------


def resolve_population(
    *,
    unit: Unit,
    mpp: Location | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    population_source: str,
    population: int | None,
    locations: Iterable[Location] = (),
    services: Iterable = (),
    exclude_id: int | None = None,
) -> tuple[int, dict]:
    """The population of a plan and how it was found; raises ApplicationError when there is none."""
    if population_source == Survey.PopulationSource.ENTERED:
        if not population or population < 1:
            raise ApplicationError(
                _("Enter the number of people served, or take it from last period's queue tickets."),
                field_errors={"population": [_("Enter a whole number of at least 1.")]},
            )
        return population, {"source": "entered"}
    window = population_window(
        unit_id=unit.pk, mpp_id=mpp.pk if mpp else None, starts_on=starts_on, ends_on=ends_on, exclude_id=exclude_id
    )
    count = tickets_done_in(
        unit_id=unit.pk,
        mpp_id=mpp.pk if mpp else None,
        window=window,
        location_ids=[loc.pk for loc in locations],
        service_ids=[s.pk for s in services],
    )
    if count < 1:
        message = _(
            "No finished queue tickets between %(start)s and %(end)s. Enter the number of people served instead."
        ) % {"start": window.starts_on.strftime("%d-%m-%Y"), "end": window.ends_on.strftime("%d-%m-%Y")}
        raise ApplicationError(message, field_errors={"population_source": [message]})
    return count, {
        "source": "tickets",
        "from": window.starts_on,
        "to": window.ends_on,
        "previous_survey": window.previous_survey.pk if window.previous_survey else None,
        "tickets": count,
    }


def _check_plan(
    *,
    unit: Unit,
    survey: Survey | None,
    slug: str,
    starts_on,
    ends_on,
    questionnaire: Questionnaire,
    mpp: Location | None,
    sample_error,
    locations,
    gerai,
    counters,
    services,
    surveyors,
) -> None:
    errors: dict[str, list[str]] = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The last day cannot be before the first day.")]
    if questionnaire.unit_id not in (None, unit.pk):
        errors["questionnaire"] = [_("Choose one of your unit's questionnaire versions or the national template.")]
    if mpp is not None and (mpp.kind != Location.Kind.MPP or mpp.manager_unit_id != unit.pk):
        errors["mpp"] = [_("Choose an MPP your unit manages.")]
    if sample_error is not None and not (Decimal("0") < Decimal(str(sample_error)) < Decimal("1")):
        errors["sample_error"] = [_("The margin of error must be between 0 and 1, e.g. 0.05.")]
    others = Survey.objects.filter(unit=unit, slug=slug)
    if survey is not None:
        others = others.exclude(pk=survey.pk)
    if others.exists():
        errors["slug"] = [_("Another survey of this unit already uses this short name.")]
    choices = plan_choices(unit=unit)
    for name, given, allowed in (
        ("locations", locations, choices.locations),
        ("gerai", gerai, choices.gerai),
        ("counters", counters, choices.counters),
        ("services", services, choices.services),
        ("surveyors", surveyors, choices.surveyors),
    ):
        ids = {obj.pk for obj in given}
        if ids and len(ids) != allowed.filter(pk__in=ids).count():
            errors[name] = [_("Choose from the listed options only.")]
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)


def survey_plan_create(
    *,
    unit: Unit,
    by,
    name: str,
    slug: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    questionnaire: Questionnaire,
    mpp: Location | None = None,
    weight_mode: str = Survey.WeightMode.EXACT,
    sample_method: str = Survey.SampleMethod.KREJCIE_MORGAN_,
    sample_error: Decimal = Decimal("0.050"),
    population_source: str = Survey.PopulationSource.ENTERED,
    population: int | None = None,
    allow_anonymous_qr: bool = True,
    locations: Sequence[Location] = (),
    gerai: Sequence = (),
    counters: Sequence = (),
    services: Sequence = (),
    surveyors: Sequence = (),
    now: datetime.datetime | None = None,
) -> Survey:
    """Plan a survey period as a draft, with its sample target from the population."""
    now = now or timezone.now()
    _check_plan(
        unit=unit,
        survey=None,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        questionnaire=questionnaire,
        mpp=mpp,
        sample_error=sample_error,
        locations=locations,
        gerai=gerai,
        counters=counters,
        services=services,
        surveyors=surveyors,
    )
    population, how = resolve_population(
        unit=unit,
        mpp=mpp,
        starts_on=starts_on,
        ends_on=ends_on,
        population_source=population_source,
        population=population,
        locations=locations,
        services=services,
    )
    explanation = explain_target(population=population, method=sample_method, error=sample_error)
    with transaction.atomic():
        try:
            survey = survey_services.create_survey(
                unit=unit,
                name=name,
                slug=slug,
                starts_on=starts_on,
                ends_on=ends_on,
                by=by,
                questionnaire=questionnaire,
                mpp=mpp,
                weight_mode=weight_mode,
                population=population,
                now=now,
            )
        except ValidationError as exc:
            raise _validation_to_application(exc) from exc
        survey.sample_method = sample_method
        survey.sample_error = sample_error
        survey.population_source = population_source
        survey.target_sample = explanation.target if explanation else None
        survey.allow_anonymous_qr = allow_anonymous_qr
        survey.save(
            update_fields=["sample_method", "sample_error", "population_source", "target_sample", "allow_anonymous_qr"]
        )
        _set_coverage(survey, locations, gerai, counters, services, surveyors)
        record_audit(
            actor=by,
            action="survey.plan",
            obj=survey,
            unit=unit,
            after={**snapshot(survey, PLAN_FIELDS), "population_from": how, **_coverage_ids(survey)},
            now=now,
        )
    return survey


def _set_coverage(survey, locations, gerai, counters, services, surveyors) -> None:
    survey.locations.set(locations)
    survey.gerai.set(gerai)
    survey.counters.set(counters)
    survey.services.set(services)
    survey.surveyors.set(surveyors)


def _coverage_ids(survey: Survey) -> dict:
    return {
        name: sorted(getattr(survey, name).values_list("pk", flat=True))
        for name in ("locations", "gerai", "counters", "services", "surveyors")
    }


def survey_plan_update(
    *,
    survey: Survey,
    by,
    name: str,
    slug: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    questionnaire: Questionnaire,
    mpp: Location | None,
    weight_mode: str,
    sample_method: str,
    sample_error: Decimal,
    population_source: str,
    population: int | None,
    allow_anonymous_qr: bool,
    locations: Sequence[Location] = (),
    gerai: Sequence = (),
    counters: Sequence = (),
    services: Sequence = (),
    surveyors: Sequence = (),
    now: datetime.datetime | None = None,
) -> Survey:
    """Change a plan. A draft may change anything; an open survey keeps its questionnaire, its
    first day and its MPP (answers already refer to them); a closed survey is not changed."""
    now = now or timezone.now()
    unit = survey.unit
    status = survey.status
    if status == Survey.Status.CLOSED:
        raise ApplicationError(_("This survey is closed; its plan can no longer be changed."))
    if status == Survey.Status.OPEN:
        errors: dict[str, list[str]] = {}
        if questionnaire.pk != survey.questionnaire_id:
            errors["questionnaire"] = [
                _("The survey is open: its questionnaire is locked. Plan a new survey to use another version.")
            ]
        if starts_on != survey.starts_on:
            errors["starts_on"] = [_("The survey is open: its first day can no longer change.")]
        if (mpp.pk if mpp else None) != survey.mpp_id:
            errors["mpp"] = [_("The survey is open: whether it covers the whole MPP can no longer change.")]
        if ends_on < _today(unit, now):
            errors["ends_on"] = [_("The last day of an open survey cannot be in the past; close the survey instead.")]
        if errors:
            raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    _check_plan(
        unit=unit,
        survey=survey,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        questionnaire=questionnaire,
        mpp=mpp,
        sample_error=sample_error,
        locations=locations,
        gerai=gerai,
        counters=counters,
        services=services,
        surveyors=surveyors,
    )
    population, how = resolve_population(
        unit=unit,
        mpp=mpp,
        starts_on=starts_on,
        ends_on=ends_on,
        population_source=population_source,
        population=population,
        locations=locations,
        services=services,
        exclude_id=survey.pk,
    )
    explanation = explain_target(population=population, method=sample_method, error=sample_error)
    before = {**snapshot(survey, PLAN_FIELDS), **_coverage_ids(survey)}
    changes = {
        "name": name,
        "slug": slug,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "questionnaire": questionnaire,
        "mpp": mpp,
        "weight_mode": weight_mode,
        "sample_method": sample_method,
        "sample_error": sample_error,
        "population": population,
        "population_source": population_source,
        "target_sample": explanation.target if explanation else None,
        "allow_anonymous_qr": allow_anonymous_qr,
    }
    candidate = Survey(**{f.attname: getattr(survey, f.attname) for f in Survey._meta.concrete_fields})
    candidate._state.adding = False
    candidate._state.db = survey._state.db
    for key, value in changes.items():
        setattr(candidate, key, value)
    try:
        candidate.full_clean(exclude=["public_token"])
    except ValidationError as exc:
        raise _validation_to_application(exc) from exc
    with transaction.atomic():
        # Only if nobody opened or closed it meanwhile: the rules above assumed this status.
        updated = Survey.objects.filter(pk=survey.pk, status=status).update(**changes)
        if updated != 1:
            raise ApplicationError(_("The survey was opened or closed meanwhile. Please check it and try again."))
        for key, value in changes.items():
            setattr(survey, key, value)
        _set_coverage(survey, locations, gerai, counters, services, surveyors)
        record_audit(
            actor=by,
            action="survey.update",
            obj=survey,
            unit=unit,
            before=before,
            after={**snapshot(survey, PLAN_FIELDS), "population_from": how, **_coverage_ids(survey)},
            now=now,
        )
    return survey


def open_survey(*, survey: Survey, by, now: datetime.datetime | None = None) -> Survey:
    """Draft → open; locks the questionnaire version. Refused for a period that already ended."""
    now = now or timezone.now()
    if survey.ends_on < _today(survey.unit, now):
        raise ApplicationError(_("The last day of this survey has passed. Change the dates before opening it."))
    with transaction.atomic():
        updated = Survey.objects.filter(pk=survey.pk, status=Survey.Status.DRAFT).update(status=Survey.Status.OPEN)
        if updated != 1:
            raise ApplicationError(_("Only a survey being prepared can be opened."))
        Questionnaire.objects.filter(pk=survey.questionnaire_id, is_locked=False).update(is_locked=True)
        survey.status = Survey.Status.OPEN
        record_audit(
            actor=by,
            action="survey.open",
            obj=survey,
            unit=survey.unit,
            before={"status": Survey.Status.DRAFT},
            after={"status": Survey.Status.OPEN},
            now=now,
        )
    return survey


def close_survey(*, survey: Survey, by, now: datetime.datetime | None = None) -> bool:
    """Open → closed. Returns False (and changes nothing) when it was not open any more."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).update(status=Survey.Status.CLOSED)
        if updated != 1:
            return False
        survey.status = Survey.Status.CLOSED
        record_audit(
            actor=by,
            action="survey.close",
            obj=survey,
            unit=survey.unit,
            before={"status": Survey.Status.OPEN},
            after={"status": Survey.Status.CLOSED},
            now=now,
        )
    return True


def close_finished_surveys(*, now: datetime.datetime | None = None) -> int:
    """Close every open survey whose last day has passed in its unit's time zone; the count closed."""
    now = now or timezone.now()
    # No time zone is more than a day ahead of UTC: the candidates end before tomorrow (UTC).
    horizon = now.astimezone(datetime.UTC).date() + datetime.timedelta(days=1)
    closed = 0
    candidates = Survey.objects.filter(status=Survey.Status.OPEN, ends_on__lt=horizon).select_related("unit")
    for survey in candidates.order_by("pk"):
        if survey.ends_on < _today(survey.unit, now) and close_survey(survey=survey, by=None, now=now):
            closed += 1
    return closed


# --- questionnaire versions -------------------------------------------------------------------


def _copy_scale(scale: Scale, labels: Sequence[str] | None = None) -> Scale:
    options = list(scale.options.all())
    copy = Scale.objects.create(name=scale.name)
    ScaleOption.objects.bulk_create(
        ScaleOption(
            scale=copy,
            value=o.value,
            label=(labels[i] if labels is not None else o.label),
            face=o.face,
        )
        for i, o in enumerate(options)
    )
    return copy


def copy_questionnaire(
    *, unit: Unit, by, source: Questionnaire | None = None, now: datetime.datetime | None = None
) -> Questionnaire:
    """A new draft version for ``unit``: a copy of ``source`` (default: the unit's newest version,
    else the national template) with its questions and their own copies of the answer scales."""
    now = now or timezone.now()
    if source is None:
        source = (
            Questionnaire.objects.filter(unit=unit).order_by("-number").first()
            or survey_services.template_questionnaire()
        )
    if source is None:
        raise ApplicationError(_("There is no questionnaire to start from."))
    if source.unit_id not in (None, unit.pk):
        raise ApplicationError(_("Choose one of your unit's questionnaire versions or the national template."))
    with transaction.atomic():
        number = (Questionnaire.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0) + 1
        copy = Questionnaire.objects.create(
            unit=unit,
            name=source.name,
            number=number,
            intro=source.intro,
            based_on=source,
            is_locked=False,
            created_at=now,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        questions = source.questions.select_related("scale").prefetch_related("scale__options").order_by("position")
        for q in questions:
            Question.objects.create(
                questionnaire=copy,
                position=q.position,
                code=q.code,
                unsur=q.unsur,
                text=q.text,
                kind=q.kind,
                scale=_copy_scale(q.scale) if q.scale_id else None,
                is_required=q.is_required,
            )
        record_audit(
            actor=by,
            action="questionnaire.copy",
            obj=copy,
            unit=unit,
            after={**snapshot(copy), "copied_from": source.pk},
            now=now,
        )
    return copy


def _claim_unlocked(questionnaire: Questionnaire) -> None:
    """Inside a transaction: refuse unless the version is still a draft.

    The no-op conditional UPDATE takes the row lock on PostgreSQL, so a survey opening at the
    same moment (which sets ``is_locked``) waits for this edit or makes it fail, never both.
    """
    if Questionnaire.objects.filter(pk=questionnaire.pk, is_locked=False).update(is_locked=False) != 1:
        raise ApplicationError(
            _("This questionnaire version is locked because a survey uses it. Make a new version to change it.")
        )


def questionnaire_update(
    *, questionnaire: Questionnaire, by, name: str, intro: str, now: datetime.datetime | None = None
) -> Questionnaire:
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise ApplicationError(_("Some fields need attention."), field_errors={"name": [_("Enter a name.")]})
    with transaction.atomic():
        _claim_unlocked(questionnaire)
        before = snapshot(questionnaire, ["name", "intro"])
        questionnaire.name = name
        questionnaire.intro = intro.strip()
        questionnaire.save(update_fields=["name", "intro"])
        record_audit(
            actor=by,
            action="questionnaire.update",
            obj=questionnaire,
            unit=questionnaire.unit,
            before=before,
            after=snapshot(questionnaire, ["name", "intro"]),
            now=now,
        )
    return questionnaire


def _clean_labels(labels: Sequence[str] | None, count: int) -> list[str]:
    labels = [str(label).strip() for label in (labels or [])]
    if len(labels) != count or not all(labels):
        raise ApplicationError(
            _("Some fields need attention."), field_errors={"labels": [_("Give every answer a label.")]}
        )
    return labels


def question_update(
    *,
    question: Question,
    by,
    text: str,
    labels: Sequence[str] | None = None,
    is_required: bool = True,
    now: datetime.datetime | None = None,
) -> Question:
    """Reword a question of a draft version and, for a scale question, its answer labels."""
    now = now or timezone.now()
    text = text.strip()
    if not text:
        raise ApplicationError(_("Some fields need attention."), field_errors={"text": [_("Enter the question.")]})
    with transaction.atomic():
        _claim_unlocked(question.questionnaire)
        before = {"text": question.text, "is_required": question.is_required, "labels": _labels_of(question)}
        if question.kind == Question.Kind.SCALE:
            options = list(question.scale.options.order_by("value"))
            labels = _clean_labels(labels, len(options))
            if Question.objects.filter(scale_id=question.scale_id).exclude(pk=question.pk).exists():
                # Another question shares this scale: give this one its own copy first.
                question.scale = _copy_scale(question.scale, labels)
            else:
                for option, label in zip(options, labels, strict=True):
                    if option.label != label:
                        option.label = label
                        option.save(update_fields=["label"])
        question.text = text
        question.is_required = is_required
        question.save(update_fields=["text", "is_required", "scale"])
        record_audit(
            actor=by,
            action="questionnaire.question_update",
            obj=question,
            unit=question.questionnaire.unit,
            before=before,
            after={"text": text, "is_required": is_required, "labels": _labels_of(question)},
            now=now,
        )
    return question


def _labels_of(question: Question) -> list[str]:
    if not question.scale_id:
        return []
    return list(
        ScaleOption.objects.filter(scale_id=question.scale_id).order_by("value").values_list("label", flat=True)
    )


def question_add(
    *,
    questionnaire: Questionnaire,
    by,
    kind: str,
    code: str,
    text: str,
    labels: Sequence[str] | None = None,
    is_required: bool = False,
    now: datetime.datetime | None = None,
) -> Question:
    """Add the unit's own question (answers 1–4 with four labels, or free text) at the end."""
    now = now or timezone.now()
    code = code.strip().upper()
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if kind not in Question.Kind.values:
        errors["kind"] = [_("Choose one of the listed options.")]
    if not code or len(code) > 12 or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = [_("Use up to 12 letters or digits, e.g. P1.")]
    elif questionnaire.questions.filter(code__iexact=code).exists():
        errors["code"] = [_("Another question of this version already has this code.")]
    if not text:
        errors["text"] = [_("Enter the question.")]
    if kind == Question.Kind.SCALE:
        try:
            labels = _clean_labels(labels, 4)
        except ApplicationError as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ApplicationError(_("Some fields need attention."), field_errors=errors)
    with transaction.atomic():
        _claim_unlocked(questionnaire)
        if questionnaire.questions.count() >= MAX_QUESTIONS:
            raise ApplicationError(_("A questionnaire can have at most %(n)s questions.") % {"n": MAX_QUESTIONS})
        position = (questionnaire.questions.aggregate(p=Max("position"))["p"] or 0) + 1
        scale = None
        if kind == Question.Kind.SCALE:
            scale = Scale.objects.create(name=f"{code}: {labels[0]} – {labels[-1]}")
            faces = ("very_sad", "sad", "happy", "very_happy")
            ScaleOption.objects.bulk_create(
                ScaleOption(scale=scale, value=value, label=label, face=face)
                for value, (label, face) in enumerate(zip(labels, faces, strict=True), start=1)
            )
        question = Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            code=code,
            unsur="",
            text=text,
            kind=kind,
            scale=scale,
            is_required=is_required,
        )
        record_audit(
            actor=by,
            action="questionnaire.question_add",
            obj=question,
            unit=questionnaire.unit,
            after={**snapshot(question), "labels": list(labels or [])},
            now=now,
        )
    return question


def question_remove(*, question: Question, by, now: datetime.datetime | None = None) -> None:
    """Remove a question the unit added; an unsur question is refused (the IKM needs all nine)."""
    now = now or timezone.now()
    if question.unsur:
        raise ApplicationError(
            _("%(code)s measures an unsur of the IKM and stays in every version. You may reword it instead.")
            % {"code": question.code}
        )
    with transaction.atomic():
        _claim_unlocked(question.questionnaire)
        record_audit(
            actor=by,
            action="questionnaire.question_remove",
            obj=question,
            unit=question.questionnaire.unit,
            before=snapshot(question),
            now=now,
        )
        scale_id = question.scale_id
        question.delete()
        if scale_id and not Question.objects.filter(scale_id=scale_id).exists():
            Scale.objects.filter(pk=scale_id).delete()


def question_move(*, question: Question, by, up: bool, now: datetime.datetime | None = None) -> bool:
    """Swap a question with its neighbour above (or below); False when it is already at the end."""
    now = now or timezone.now()
    with transaction.atomic():
        _claim_unlocked(question.questionnaire)
        siblings = Question.objects.filter(questionnaire_id=question.questionnaire_id)
        neighbour = (
            siblings.filter(position__lt=question.position).order_by("-position").first()
            if up
            else siblings.filter(position__gt=question.position).order_by("position").first()
        )
        if neighbour is None:
            return False
        mine, theirs = question.position, neighbour.position
        parking = (siblings.aggregate(p=Max("position"))["p"] or 0) + 1
        # Positions are unique per version: park one question while the other moves.
        Question.objects.filter(pk=question.pk).update(position=parking)
        Question.objects.filter(pk=neighbour.pk).update(position=mine)
        Question.objects.filter(pk=question.pk).update(position=theirs)
        question.position = theirs
        record_audit(
            actor=by,
            action="questionnaire.question_move",
            obj=question,
            unit=question.questionnaire.unit,
            before={"position": mine},
            after={"position": theirs},
            now=now,
        )
    return True
