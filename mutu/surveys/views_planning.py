"""Staff pages for planning surveys: the list, a survey's plan and progress, questionnaire versions.

Who sees what: everyone with a role in a unit sees its surveys and questionnaires (another
unit's are a 404); its administrators and head plan them (others get 403 on the forms).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.selectors import units_visible_to
from mutu.surveys import selectors_planning as selectors
from mutu.surveys import services_planning as services
from mutu.surveys.forms_planning import (
    NewQuestionForm,
    QuestionForm,
    QuestionnaireForm,
    SurveyPlanForm,
    survey_initial,
)
from mutu.surveys.models import Question, Survey
from mutu.surveys.selectors import result_unit_scope, surveys_managed_by, surveys_visible_to

# --- surveys ----------------------------------------------------------------------------------


@staff_required
def survey_list(request):
    groups = selectors.surveys_by_unit(surveys=surveys_visible_to(user=request.user), user=request.user)
    return render(request, "surveys/survey_list.html", {"groups": groups})


def _plan_page(request, *, form, unit, survey=None, preview=None):
    return render(
        request,
        "surveys/survey_form.html",
        {"form": form, "unit": unit, "survey": survey, "preview": preview},
    )


def _preview(form, unit, survey=None):
    """Population and target for the "Calculate the target" button, without saving."""
    kwargs = form.plan_kwargs()
    try:
        population, how = services.resolve_population(
            unit=unit,
            mpp=kwargs["mpp"],
            starts_on=kwargs["starts_on"],
            ends_on=kwargs["ends_on"],
            population_source=kwargs["population_source"],
            population=kwargs["population"],
            locations=kwargs["locations"],
            services=kwargs["services"],
            exclude_id=survey.pk if survey else None,
        )
    except ApplicationError as exc:
        apply_service_error(form, exc)
        return None
    explanation = selectors.explain_target(
        population=population, method=kwargs["sample_method"], error=kwargs["sample_error"]
    )
    return {"how": how, "explanation": explanation}


@staff_required
def survey_create(request):
    units = selectors.units_planning_surveys(user=request.user).order_by("name")
    unit_slug = request.GET.get("unit") or request.POST.get("unit")
    unit = units.filter(slug=unit_slug).first() if unit_slug else None
    if unit is None:
        if not units.exists():
            raise PermissionDenied
        if unit_slug or units.count() > 1:
            return render(request, "surveys/survey_choose_unit.html", {"units": units, "unknown": bool(unit_slug)})
        unit = units.first()
    choices = selectors.plan_choices(unit=unit)
    form = SurveyPlanForm(request.POST or None, choices=choices)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(form, unit)
        else:
            try:
                survey = services.survey_plan_create(unit=unit, by=request.user, **form.plan_kwargs())
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Survey planned. Open it when the survey period starts."))
                return redirect("surveys:detail", survey.pk)
    return _plan_page(request, form=form, unit=unit, preview=preview)


def _managed_survey(request, survey_id: int) -> Survey:
    """A survey the user plans; 404 when not even visible, 403 when visible but not theirs to plan."""
    survey = get_visible_or_404(surveys_visible_to(user=request.user).select_related("unit"), pk=survey_id)
    if not surveys_managed_by(user=request.user).filter(pk=survey.pk).exists():
        raise PermissionDenied
    return survey


@staff_required
def survey_edit(request, survey_id):
    survey = _managed_survey(request, survey_id)
    if survey.status == Survey.Status.CLOSED:
        messages.info(request, _("This survey is closed; its plan can no longer be changed."))
        return redirect("surveys:detail", survey.pk)
    choices = selectors.plan_choices(unit=survey.unit)
    locked = survey.status == Survey.Status.OPEN
    form = SurveyPlanForm(
        request.POST or None, choices=choices, locked_questionnaire=locked, initial=survey_initial(survey)
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(form, survey.unit, survey)
        else:
            try:
                services.survey_plan_update(survey=survey, by=request.user, **form.plan_kwargs())
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("surveys:detail", survey.pk)
    return _plan_page(request, form=form, unit=survey.unit, survey=survey, preview=preview)


@staff_required
def survey_detail(request, survey_id):
    survey = get_visible_or_404(surveys_visible_to(user=request.user), pk=survey_id)
    survey = selectors.survey_detail(queryset=Survey.objects.all(), survey_id=survey.pk)
    scope = result_unit_scope(user=request.user, survey=survey)
    progress = selectors.survey_progress(survey=survey, unit_scope=scope)
    explanation = selectors.explain_target(
        population=survey.population, method=survey.sample_method, error=survey.sample_error
    )
    window = None
    if survey.population_source == Survey.PopulationSource.TICKETS:
        window = selectors.population_window(
            unit_id=survey.unit_id,
            mpp_id=survey.mpp_id,
            starts_on=survey.starts_on,
            ends_on=survey.ends_on,
            exclude_id=survey.pk,
        )
    can_plan = surveys_managed_by(user=request.user).filter(pk=survey.pk).exists()
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "progress": progress,
            "explanation": explanation,
            "window": window,
            "scope": scope,
            "can_plan": can_plan,
            "is_mpp_survey": survey.mpp_id is not None,
        },
    )


@staff_required
@require_POST
def survey_open(request, survey_id):
    survey = _managed_survey(request, survey_id)
    try:
        services.open_survey(survey=survey, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The survey is open. Its questionnaire version is now locked."))
    return redirect("surveys:detail", survey.pk)


@staff_required
@require_POST
def survey_close(request, survey_id):
    survey = _managed_survey(request, survey_id)
    if services.close_survey(survey=survey, by=request.user):
        messages.success(request, _("The survey is closed. No new answers are accepted."))
    else:
        messages.info(request, _("The survey was not open."))
    return redirect("surveys:detail", survey.pk)


# --- questionnaires ---------------------------------------------------------------------------


@staff_required
def questionnaire_list(request, unit_slug):
    unit = get_visible_or_404(units_visible_to(user=request.user), slug=unit_slug)
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "unit": unit,
            "versions": selectors.questionnaires_of_unit(unit=unit),
            "can_plan": selectors.can_plan_for(user=request.user, unit_id=unit.pk),
        },
    )


@staff_required
@require_POST
def questionnaire_new(request, unit_slug):
    unit = get_visible_or_404(units_visible_to(user=request.user), slug=unit_slug)
    if not selectors.can_plan_for(user=request.user, unit_id=unit.pk):
        raise PermissionDenied
    try:
        copy = services.copy_questionnaire(unit=unit, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:questionnaires", unit.slug)
    messages.success(
        request,
        _("Version %(number)s is a copy of %(source)s. Change it, then choose it for a survey.")
        % {"number": copy.number, "source": f"{copy.based_on.name} v{copy.based_on.number}"},
    )
    return redirect("surveys:questionnaire", copy.pk)


def _questionnaire(request, questionnaire_id: int, *, for_change: bool = False):
    questionnaire = get_visible_or_404(
        selectors.questionnaires_visible_to(user=request.user).select_related("unit"), pk=questionnaire_id
    )
    can_plan = questionnaire.unit_id is not None and selectors.can_plan_for(
        user=request.user, unit_id=questionnaire.unit_id
    )
    if for_change and not can_plan:
        raise PermissionDenied
    return questionnaire, can_plan


@staff_required
def questionnaire_detail(request, questionnaire_id):
    questionnaire, can_plan = _questionnaire(request, questionnaire_id)
    questionnaire = selectors.questionnaire_detail(questionnaire_id=questionnaire.pk, user=request.user)
    editable = can_plan and not questionnaire.is_locked
    form = None
    if editable:
        form = QuestionnaireForm(
            request.POST or None, initial={"name": questionnaire.name, "intro": questionnaire.intro}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.questionnaire_update(
                    questionnaire=questionnaire,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    intro=form.cleaned_data["intro"],
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("surveys:questionnaire", questionnaire.pk)
    elif request.method == "POST":
        raise PermissionDenied
    questions = list(questionnaire.questions.all())
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "questions": questions,
            "editable": editable,
            "can_plan": can_plan,
            "form": form,
            "title": f"{questionnaire.name} v{questionnaire.number}",
        },
    )


def _question(request, question_id: int) -> Question:
    question = get_visible_or_404(
        Question.objects.filter(
            questionnaire__in=selectors.questionnaires_visible_to(user=request.user)
        ).select_related("questionnaire__unit", "scale"),
        pk=question_id,
    )
    q = question.questionnaire
    if q.unit_id is None or not selectors.can_plan_for(user=request.user, unit_id=q.unit_id):
        raise PermissionDenied
    return question


@staff_required
def question_edit(request, question_id):
    question = _question(request, question_id)
    questionnaire = question.questionnaire
    if questionnaire.is_locked:
        messages.info(request, _("This version is locked because a survey uses it. Make a new version to change it."))
        return redirect("surveys:questionnaire", questionnaire.pk)
    options = list(question.scale.options.order_by("value")) if question.scale_id else []
    form = QuestionForm(
        request.POST or None,
        options=options,
        initial={"text": question.text, "is_required": question.is_required},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                question=question,
                by=request.user,
                text=form.cleaned_data["text"],
                labels=form.labels() if options else None,
                is_required=form.cleaned_data["is_required"],
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Question %(code)s saved.") % {"code": question.code})
            return redirect("surveys:questionnaire", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaire_question_form.html",
        {"form": form, "questionnaire": questionnaire, "question": question, "title": question.code},
    )


@staff_required
def question_add(request, questionnaire_id):
    questionnaire, _can_plan = _questionnaire(request, questionnaire_id, for_change=True)
    if questionnaire.is_locked:
        messages.info(request, _("This version is locked because a survey uses it. Make a new version to change it."))
        return redirect("surveys:questionnaire", questionnaire.pk)
    form = NewQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            question = services.question_add(
                questionnaire=questionnaire,
                by=request.user,
                kind=d["kind"],
                code=d["code"],
                text=d["text"],
                labels=form.labels() if d["kind"] == Question.Kind.SCALE else None,
                is_required=d["is_required"],
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
            if "labels" in exc.field_errors:
                for i in range(1, 5):
                    if not form.cleaned_data.get(f"label_{i}", "").strip():
                        form.add_error(f"label_{i}", _("Give every answer a label."))
        else:
            messages.success(request, _("Question %(code)s added.") % {"code": question.code})
            return redirect("surveys:questionnaire", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaire_question_form.html",
        {"form": form, "questionnaire": questionnaire, "question": None, "title": _("New question")},
    )


@staff_required
@require_POST
def question_remove(request, question_id):
    question = _question(request, question_id)
    questionnaire_id = question.questionnaire_id
    try:
        services.question_remove(question=question, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question %(code)s removed.") % {"code": question.code})
    return redirect("surveys:questionnaire", questionnaire_id)


@staff_required
@require_POST
def question_move(request, question_id):
    question = _question(request, question_id)
    try:
        services.question_move(question=question, by=request.user, up=request.POST.get("direction") == "up")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("surveys:questionnaire", args=[question.questionnaire_id]) + f"#q-{question.pk}")
