"""Surveyor entry of paper questionnaires: one page, typed with the keyboard only.

Open to the survey's surveyors and its unit's administrators; anyone else gets a 404. The
place and date of the previous paper are kept in the session, so a pile of papers from one
counter is typed without touching those fields again.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutu.core.errors import ApplicationError
from mutu.core.permissions import get_visible_or_404
from mutu.surveys.forms_public import apply_submission_error
from mutu.surveys.forms_surveyor import PaperEntryForm
from mutu.surveys.selectors_public import local_today, questionnaire_questions, survey_scope
from mutu.surveys.selectors_surveyor import surveyor_counts, surveys_for_entry
from mutu.surveys.services_surveyor import enter_paper_response


def _session_key(survey_id: int) -> str:
    return f"surveys.entry.{survey_id}"


def _initial(remembered: dict, *, survey, today: datetime.date) -> dict:
    default_day = min(max(today, survey.starts_on), survey.ends_on)
    initial = {name: remembered.get(name) for name in ("location", "gerai", "counter", "service")}
    try:
        initial["answered_on"] = datetime.date.fromisoformat(remembered.get("answered_on") or "")
    except ValueError:
        initial["answered_on"] = default_day
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, survey_id):
    survey = get_visible_or_404(
        surveys_for_entry(user=request.user).select_related("unit", "mpp", "questionnaire"), pk=survey_id
    )
    now = timezone.now()
    today = local_today(survey, now)
    questions = questionnaire_questions(questionnaire_id=survey.questionnaire_id)
    scope = survey_scope(survey=survey)
    if request.method == "POST":
        form = PaperEntryForm(request.POST, questions=questions, scope=scope)
        if form.is_valid():
            data = form.cleaned_data
            try:
                response = enter_paper_response(
                    survey=survey,
                    surveyor=request.user,
                    paper_number=data["paper_number"],
                    answered_on=data["answered_on"],
                    answers=form.answers(),
                    location=form.location(),
                    gerai=data.get("gerai"),
                    counter=data.get("counter"),
                    service=data.get("service"),
                    profile=form.profile(),
                    suggestion=data["suggestion"],
                    now=now,
                )
            except ApplicationError as exc:
                apply_submission_error(form, exc)
            else:
                request.session[_session_key(survey.pk)] = form.remembered()
                messages.success(request, _("Saved paper no. %(number)s.") % {"number": response.paper_number})
                return redirect("surveys:entry", survey.pk)
    else:
        remembered = request.session.get(_session_key(survey.pk)) or {}
        form = PaperEntryForm(
            initial=_initial(remembered, survey=survey, today=today), questions=questions, scope=scope
        )
    return render(
        request,
        "surveys/entry.html",
        {
            "survey": survey,
            "form": form,
            "counts": surveyor_counts(survey=survey, today=today),
            "is_open": survey.status == survey.Status.OPEN,
        },
    )
