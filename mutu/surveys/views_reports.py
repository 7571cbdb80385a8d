"""Report pages: the Laporan SKM (PDF and XLSX), the unit's analysis text and the follow-up plan.

Whoever sees a survey may print its report; a tenant unit of an MPP survey gets its own slice
(``selectors.result_unit_scope``). The analysis is written by the survey's administrators and
heads; follow-up actions by them and, for their own unit's actions, by the administrators and
heads of a tenant unit. Everyone else gets 404.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mutu.core.errors import ApplicationError
from mutu.core.files import open_stored
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.models import Unit
from mutu.surveys import forms_reports as forms
from mutu.surveys import selectors_reports as sel
from mutu.surveys import services_reports as services
from mutu.surveys.models import FollowUpAction, Survey
from mutu.surveys.reporting import SCALE_VALUES, build_report, unsur_label, write_workbook
from mutu.surveys.selectors import Slice, ikm_for, result_unit_scope, surveys_managed_by, surveys_visible_to


def _visible_survey(user, survey_id) -> Survey:
    return get_visible_or_404(sel.surveys_for_reports(user=user), pk=survey_id)


def _scope_unit(user, survey: Survey) -> Unit | None:
    unit_id = result_unit_scope(user=user, survey=survey)
    return None if unit_id is None else Unit.objects.select_related("instansi").get(pk=unit_id)


def _report(request, survey):
    return build_report(
        survey=survey,
        scope_unit=_scope_unit(request.user, survey),
        include_anonymous=request.GET.get("anonim") != "0",
        now=timezone.now(),
    )


def _filename(survey: Survey, report, extension: str) -> str:
    unit = report.title_unit
    return f"laporan-skm-{unit.slug}-{survey.slug}.{extension}"


# --- The Laporan SKM ------------------------------------------------------------------------------


def render_report_pdf(html: str) -> bytes:
    """An A4 PDF of ``html`` with the report's print stylesheet; local files and data: URIs only."""
    import weasyprint  # slow to import; only the PDF needs it

    fetcher = weasyprint.URLFetcher(allowed_protocols=("file", "data"))
    stylesheet = weasyprint.CSS(filename=finders.find("surveys/report_print.css"), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


@staff_required
@require_GET
@never_cache
def report_pdf(request, survey_id):
    survey = _visible_survey(request.user, survey_id)
    report = _report(request, survey)
    context = {
        "report": report,
        "survey": survey,
        "unit": report.title_unit,
        "planned_locations": [location.name for location in survey.locations.all()],
        "sample_method": Survey.SampleMethod(survey.sample_method).label,
        "population_from_tickets": survey.population_source == Survey.PopulationSource.TICKETS,
        "scale_values": SCALE_VALUES,
    }
    html = render_to_string("surveys/report_pdf.html", context, request=request)
    response = HttpResponse(render_report_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(survey, report, "pdf")}"'
    return response


@staff_required
@require_GET
@never_cache
def report_xlsx(request, survey_id):
    survey = _visible_survey(request.user, survey_id)
    report = _report(request, survey)
    # Spooled: a small workbook stays in memory, a big one goes to a temporary file.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_workbook(report, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=_filename(survey, report, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- The unit's analysis --------------------------------------------------------------------------


@staff_required
def analysis(request, survey_id):
    survey = get_visible_or_404(surveys_managed_by(user=request.user).select_related("unit"), pk=survey_id)
    form = forms.AnalysisForm(request.POST or None, initial={"analysis": survey.analysis})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_survey_analysis(survey=survey, analysis=form.cleaned_data["analysis"], by=request.user)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The analysis was saved. It is printed in chapter V of the report."))
                return redirect("surveys:analysis", survey.pk)
        status = 422
    ikm = ikm_for(survey=survey)
    rows = sorted((u for u in ikm.unsur if u.nrr is not None), key=lambda u: u.nrr)
    return render(
        request,
        "surveys/report_analysis.html",
        {"survey": survey, "unit": survey.unit, "form": form, "ikm": ikm, "rows": rows},
        status=status,
    )


# --- Rencana tindak lanjut ------------------------------------------------------------------------


def _follow_up_survey(user, survey_id) -> tuple[Survey, sel.FollowUpAccess]:
    survey = get_visible_or_404(surveys_visible_to(user=user).select_related("unit", "mpp"), pk=survey_id)
    access = sel.follow_up_access(user=user, survey=survey)
    if access is None:
        raise Http404
    return survey, access


def _follow_up(user, survey_id, action_id) -> tuple[Survey, sel.FollowUpAccess, FollowUpAction]:
    survey, access = _follow_up_survey(user, survey_id)
    follow_up = get_visible_or_404(sel.follow_ups_for(survey=survey, unit_ids=access.unit_ids), pk=action_id)
    return survey, access, follow_up


def _unsur_order(survey: Survey, access: sel.FollowUpAccess):
    """Unsur weakest first (by NRR of the slice this person plans for), then those without answers."""
    slice = Slice(unit_id=next(iter(access.unit_ids))) if access.unit_ids and len(access.unit_ids) == 1 else Slice()
    ikm = ikm_for(survey=survey, slice=slice)
    answered = sorted((u for u in ikm.unsur if u.nrr is not None), key=lambda u: u.nrr)
    rest = [u for u in ikm.unsur if u.nrr is None]
    return ikm, [(u, u.nrr) for u in answered] + [(u, None) for u in rest]


@staff_required
def follow_ups(request, survey_id):
    survey, access = _follow_up_survey(request.user, survey_id)
    units = [u for u in sel.survey_units(survey=survey) if access.covers(u.pk)]
    ikm, order = _unsur_order(survey, access)
    unsur_order = [(u.key, formats.number_format(float(nrr), 3) if nrr is not None else "") for u, nrr in order]
    form = forms.FollowUpForm(request.POST or None, units=units, unsur_order=unsur_order)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_follow_up(
                    survey=survey,
                    unit=form.chosen_unit(),
                    unsur=d["unsur"],
                    action=d["action"],
                    responsible=d["responsible"],
                    due_date=d["due_date"],
                    by=request.user,
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The follow-up action was added to the plan."))
                return redirect("surveys:follow_ups", survey.pk)
        status = 422
    actions = list(sel.follow_ups_for(survey=survey, unit_ids=access.unit_ids))
    previous = sel.previous_survey(survey=survey)
    previous_actions = list(sel.follow_ups_for(survey=previous, unit_ids=access.unit_ids)) if previous else []
    for action in [*actions, *previous_actions]:
        action.unsur_label = unsur_label(action.unsur)
    return render(
        request,
        "surveys/follow_ups.html",
        {
            "survey": survey,
            "unit": survey.unit,
            "form": form,
            "ikm": ikm,
            "weak": [(u, nrr) for u, nrr in order if nrr is not None][:3],
            "actions": actions,
            "previous": previous,
            "previous_actions": previous_actions,
            "show_units": survey.mpp_id is not None,
            "S": FollowUpAction.Status,
        },
        status=status,
    )


@staff_required
def follow_up_edit(request, survey_id, action_id):
    survey, _access, follow_up = _follow_up(request.user, survey_id, action_id)
    initial = {"status": follow_up.status, "progress_note": follow_up.progress_note, "due_date": follow_up.due_date}
    form = forms.FollowUpProgressForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.update_follow_up(
                    follow_up=follow_up,
                    status=d["status"],
                    progress_note=d["progress_note"],
                    evidence=d["evidence"],
                    due_date=d["due_date"],
                    by=request.user,
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The progress of the action was saved."))
                return redirect("surveys:follow_ups", survey.pk)
        status = 422
    follow_up.unsur_label = unsur_label(follow_up.unsur)
    return render(
        request,
        "surveys/follow_up_edit.html",
        {"survey": survey, "unit": survey.unit, "follow_up": follow_up, "form": form},
        status=status,
    )


@staff_required
@require_GET
def follow_up_evidence(request, survey_id, action_id):
    """The evidence file, for whoever may see the action (others 404, like every stored file)."""
    _survey, _access, follow_up = _follow_up(request.user, survey_id, action_id)
    stored = follow_up.evidence
    if stored is None:
        raise Http404
    response = FileResponse(open_stored(stored), content_type=stored.content_type)
    disposition = "attachment" if stored.kind == stored.Kind.PDF else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="bukti-tindak-lanjut-{follow_up.pk}.{stored.kind}"'
    response["Cache-Control"] = "private, max-age=0"
    return response
