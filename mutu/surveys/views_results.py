"""Results of a survey for staff, the suggestions to tag, and the published SKM for citizens.

Staff pages are scoped like every survey page: a survey the user cannot see is a 404, and a
tenant unit of an MPP survey sees only its own slice (``result_unit_scope``). The public page
and the poster show only periods a unit administrator has published.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mutu.core.charts import bar_chart, line_chart
from mutu.core.errors import ApplicationError
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.models import Unit
from mutu.surveys.calculations import progress_percent
from mutu.surveys.forms_results import ResultsFilterForm, SuggestionFilterForm, SuggestionTagForm, unsur_choices
from mutu.surveys.models import Response
from mutu.surveys.selectors import Slice, ikm_for, result_unit_scope, surveys_managed_by, surveys_visible_to
from mutu.surveys.selectors_results import (
    filter_options,
    follow_ups_of,
    kinerja_label,
    mpp_unit_results,
    published_periods,
    respondent_profile,
    suggestion_counts,
    suggestions,
    survey_series,
    trend,
    unsur_rows,
)
from mutu.surveys.services_results import publish_survey_results, tag_suggestion, unpublish_survey_results

SUGGESTIONS_PER_PAGE = 20


def _survey_for(request, survey_id: int):
    """The survey if the user may see it (else 404), and the unit they are limited to (or None)."""
    visible = surveys_visible_to(user=request.user).select_related("unit", "mpp")
    survey = get_visible_or_404(visible, pk=survey_id)
    return survey, result_unit_scope(user=request.user, survey=survey)


def _nrr_chart(rows, *, title: str, decimals: int = 4):
    return bar_chart(
        title=title,
        data=[(f"{r.code} {r.label}", r.nrr) for r in rows],
        value_label=_("NRR (1–4)"),
        category_label=_("Unsur"),
        max_value=4,
        width=800,
        number_format=lambda value: formats.number_format(value, decimal_pos=decimals),
    )


def _trend_chart(periods, *, title: str):
    return line_chart(
        title=title,
        points=[(p.survey.name, p.result.converted) for p in periods],
        value_label=_("IKM (25–100)"),
        category_label=_("Period"),
        y_min=25,
        y_max=100,
    )


def _is_whole(slice: Slice) -> bool:
    return slice == Slice()


# --- staff: results ------------------------------------------------------------------------------


@staff_required
@require_GET
def results(request, survey_id: int):
    survey, scope = _survey_for(request, survey_id)
    options = filter_options(survey=survey, unit_id=scope)
    whole_label = _("The whole MPP") if survey.mpp_id else _("All units")
    form = ResultsFilterForm(request.GET or None, options=options, whole_label=whole_label)
    if scope is not None:
        form.fields.pop("unit", None)
    slice = form.to_slice()
    if scope is not None:
        slice = slice.restricted_to_unit(scope)
    result = ikm_for(survey=survey, slice=slice)
    rows = unsur_rows(result)
    periods = trend(surveys=survey_series(survey=survey, visible=surveys_visible_to(user=request.user)), slice=slice)
    target = survey.target_sample if _is_whole(slice) else None
    can_manage = surveys_managed_by(user=request.user).filter(pk=survey.pk).exists()
    context = {
        "survey": survey,
        "scope_unit": next((name for pk, name in options.units if pk == scope), None) if scope else None,
        "form": form,
        "result": result,
        "rows": rows,
        "kinerja": kinerja_label(result),
        "weakest": next((r for r in rows if r.is_weakest), None),
        "target": target,
        "target_percent": progress_percent(result.respondents, target) if target else None,
        "nrr_chart": _nrr_chart(rows, title=_("NRR per unsur")),
        "periods": periods,
        "trend_chart": _trend_chart(periods, title=_("Converted IKM per period")),
        "unit_results": mpp_unit_results(survey=survey, slice=slice) if survey.mpp_id and scope is None else [],
        # The profile reads every response of the slice: only when asked for, so that the page
        # itself stays on the tallies (constant time however many respondents there are).
        "profile": respondent_profile(survey_ids=[survey.pk], slice=slice) if form.wants_profile() else None,
        "can_manage": can_manage,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "surveys/results.html#results", {**context, "oob": True})
    return render(request, "surveys/results.html", context)


@staff_required
@require_POST
def publication(request, survey_id: int):
    survey = get_visible_or_404(surveys_managed_by(user=request.user).select_related("unit"), pk=survey_id)
    action = request.POST.get("action")
    try:
        if action == "publish":
            publish_survey_results(survey=survey, by=request.user, now=timezone.now())
            messages.success(request, _("The results are published on the unit's public page."))
        elif action == "unpublish":
            unpublish_survey_results(survey=survey, by=request.user, now=timezone.now())
            messages.success(request, _("The results are no longer shown to the public."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("surveys:results", survey.pk)


# --- staff: suggestions ----------------------------------------------------------------------------


def _scope_slice(scope: int | None) -> Slice:
    return Slice(unit_id=scope) if scope is not None else Slice()


@staff_required
@require_GET
def suggestion_list(request, survey_id: int):
    survey, scope = _survey_for(request, survey_id)
    form = SuggestionFilterForm(request.GET or None)
    selected = form.selected()
    items = suggestions(survey_ids=[survey.pk], slice=_scope_slice(scope), unsur=selected)
    page = Paginator(items, SUGGESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    counts = suggestion_counts(survey_ids=[survey.pk], slice=_scope_slice(scope))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "survey": survey,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "choices": unsur_choices(),
        "counts": [(key, label, counts[key]) for key, label in unsur_choices()],
        "untagged": counts["none"],
        "total": counts["total"],
        "next": request.get_full_path(),
    }
    return render(request, "surveys/results_suggestions.html", context)


@staff_required
@require_POST
def suggestion_tag(request, survey_id: int, response_id: int):
    survey, scope = _survey_for(request, survey_id)
    responses = Response.objects.filter(survey=survey).exclude(suggestion="").select_related("unit", "gerai", "service")
    if scope is not None:
        responses = responses.filter(unit_id=scope)
    response = get_visible_or_404(responses, pk=response_id)
    form = SuggestionTagForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            tag_suggestion(
                response=response, unsur_keys=form.cleaned_data["unsur"], by=request.user, now=timezone.now()
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = _("Choose unsur from the list.")
    if request.htmx:
        context = {
            "survey": survey,
            "item": response,
            "choices": unsur_choices(),
            "saved": not error,
            "error": error,
            "next": request.POST.get("next", ""),
        }
        return render(request, "surveys/results_suggestions.html#item", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The tags are saved."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("surveys:suggestions", args=[survey.pk])
    return redirect(target)


# --- public: the published SKM of a unit and its poster --------------------------------------------


def _public_context(unit_slug: str) -> dict:
    unit = Unit.objects.select_related("instansi").filter(slug=unit_slug, is_active=True).first()
    if unit is None:
        raise Http404
    periods = published_periods(unit=unit)
    latest = periods[-1] if periods else None
    rows = unsur_rows(latest.result) if latest else []
    return {
        "unit": unit,
        "periods": periods,
        "history": list(reversed(periods)),
        "latest": latest,
        "rows": rows,
        "kinerja": kinerja_label(latest.result) if latest else "",
        "weakest": next((r for r in rows if r.is_weakest), None),
        "follow_ups": follow_ups_of(survey=latest.survey, unit=unit) if latest else [],
        "page_url": settings.SITE_URL + reverse("surveys:public_unit", args=[unit.slug]),
    }


@require_GET
def public_unit(request, unit_slug: str):
    context = _public_context(unit_slug)
    if context["latest"]:
        context["nrr_chart"] = _nrr_chart(context["rows"], title=_("Score per service element (NRR, 1–4)"), decimals=2)
        context["trend_chart"] = _trend_chart(context["periods"], title=_("Satisfaction index per survey period"))
    return render(request, "surveys/public_unit.html", context)


@require_GET
def poster(request, unit_slug: str):
    """A4 poster "Hasil Survei Kepuasan Masyarakat" of the latest published period, in Indonesian."""
    import segno

    context = _public_context(unit_slug)
    if context["latest"] is None:
        raise Http404
    with translation.override("id"):
        # Bars of the poster: NRR 1–4 drawn on a 0–4 scale 400 units wide (an SVG attribute, no CSS).
        context["rows"] = [
            SimpleNamespace(**row.__dict__, bar_width=int((row.nrr or 0) * 100))
            for row in unsur_rows(context["latest"].result)
        ]
        context["qr_svg"] = segno.make(context["page_url"], error="m").svg_inline(
            scale=3, omitsize=True, title=_("QR code of the page address")
        )
        html = render_to_string("surveys/poster_pdf.html", context)
    pdf = render_poster_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hasil-skm-{context["unit"].slug}.pdf"'
    return response


def render_poster_pdf(html: str) -> bytes:
    """An A4 PDF with the poster stylesheet; local files and data: URIs only."""
    import weasyprint  # slow to import; only the poster needs it

    fetcher = weasyprint.URLFetcher(allowed_protocols=("file", "data"))
    stylesheet = weasyprint.CSS(filename=finders.find("surveys/results_poster.css"), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])
