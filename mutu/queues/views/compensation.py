"""The unit's compensation pages: rules (versions), register with XLSX export, summaries, poster.

Who: the unit's head and admin read and change; the instansi's admin and evaluator read.
Anyone else — another unit's staff included — gets 404.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mutu.core.charts import bar_chart
from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.selectors import units_visible_to
from mutu.queues.forms_compensation import CorrectionForm, RegisterFilterForm, RuleSetForm, SummaryPeriodForm
from mutu.queues.models import CompensationCase
from mutu.queues.selectors import compensation as selectors
from mutu.queues.services import compensation as services

REGISTER_PAGE_SIZE = 50


def _unit(request, slug, *, change=False):
    unit = get_visible_or_404(units_visible_to(user=request.user).select_related("instansi"), slug=slug)
    allowed = (
        selectors.can_change_compensation_rules(user=request.user, unit=unit)
        if change
        else selectors.can_read_compensation(user=request.user, unit=unit)
    )
    if not allowed:
        raise Http404
    return unit


def _today(unit) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(unit.timezone))


# --- Rules ---------------------------------------------------------------------------------


@staff_required
@require_GET
def rules(request, slug):
    unit = _unit(request, slug)
    today = _today(unit)
    versions = selectors.rulesets_of(unit=unit)
    current = selectors.pick_ruleset(versions, today)
    return render(
        request,
        "queues/compensation/rules.html",
        {
            "unit": unit,
            "versions": versions,
            "current": current,
            "upcoming": [v for v in versions if v.effective_from > today],
            "today": today,
            "can_change": selectors.can_change_compensation_rules(user=request.user, unit=unit),
        },
    )


@staff_required
def ruleset_new(request, slug):
    unit = _unit(request, slug, change=True)
    today = _today(unit)
    current = selectors.ruleset_in_force(unit=unit, day=today)
    initial = {"effective_from": today}
    if current is not None:
        initial |= {"maklumat": current.maklumat_id, "guarantee_reference": current.guarantee_reference}
    form = RuleSetForm(
        request.POST or None,
        unit=unit,
        current_rules={r.trigger: r for r in current.rules.all()} if current else {},
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            ruleset = services.ruleset_create(
                unit=unit,
                effective_from=form.cleaned_data["effective_from"],
                rules=form.rules(),
                maklumat=form.cleaned_data["maklumat"],
                guarantee_reference=form.cleaned_data["guarantee_reference"],
                by=request.user,
            )
        except (ApplicationError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Version %(number)s of the rules is saved; it takes effect on %(date)s.")
                % {"number": ruleset.number, "date": ruleset.effective_from.strftime("%d-%m-%Y")},
            )
            return redirect("compensation:rules", unit.slug)
    return render(request, "queues/compensation/ruleset_form.html", {"unit": unit, "form": form})


@staff_required
@require_GET
def poster_pdf(request, slug):
    """The A4 counter poster of the rules in force today, in Indonesian."""
    unit = _unit(request, slug)
    today = _today(unit)
    ruleset = selectors.ruleset_in_force(unit=unit, day=today)
    if ruleset is None:
        messages.error(request, _("There are no rules in force today, so there is no poster to print."))
        return redirect("compensation:rules", unit.slug)
    with translation.override("id"):
        html = render_to_string(
            "queues/compensation/poster_pdf.html",
            {"unit": unit, "ruleset": ruleset, "rules": list(ruleset.rules.all()), "today": today},
        )
    pdf = render_poster(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kompensasi-pelayanan-{unit.slug}.pdf"'
    return response


def render_poster(html: str) -> bytes:
    import weasyprint  # slow to import; only the poster needs it

    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


# --- Register ------------------------------------------------------------------------------


def _register_rows(request, unit):
    form = RegisterFilterForm(request.GET or None, unit=unit)
    return form, selectors.compensation_register(units=[unit], filters=form.filters())


@staff_required
@require_GET
def register(request, slug):
    unit = _unit(request, slug)
    form, rows = _register_rows(request, unit)
    page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "queues/compensation/register.html",
        {
            "unit": unit,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_change": selectors.can_change_compensation_rules(user=request.user, unit=unit),
        },
    )


def _local(instant, tz):
    # openpyxl cannot store aware datetimes: write the unit's wall-clock time.
    return instant.astimezone(tz).replace(tzinfo=None) if instant else None


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


REGISTER_HEADER = (
    # Column titles of the export: Indonesian, whatever language the page is shown in.
    "Terdeteksi",
    "Pemicu",
    "Tiket",
    "Berkas",
    "Layanan",
    "Loket",
    "Petugas",
    "Terukur",
    "Satuan",
    "Kompensasi menurut aturan",
    "Versi aturan",
    "Status",
    "Diberikan",
    "Dicatat oleh",
    "Waktu dicatat",
    "Kode voucher",
    "Catatan",
)


@staff_required
@require_GET
def register_xlsx(request, slug):
    """The register with the same filters as the page, one row per case, times in the unit's zone."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    unit = _unit(request, slug)
    tz = ZoneInfo(unit.timezone)
    _form, rows = _register_rows(request, unit)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register kompensasi"
    sheet.append(REGISTER_HEADER)
    with translation.override("id"):
        for case in rows.select_related("rule__ruleset").iterator(chunk_size=500):
            voucher = getattr(case, "voucher", None)
            sheet.append(
                [
                    _local(case.detected_at, tz),
                    str(case.get_trigger_display()),
                    case.ticket.code if case.ticket_id else "",
                    case.berkas.receipt_number if case.berkas_id else "",
                    case.service.name,
                    case.counter.code if case.counter_id else "",
                    _person(case.officer),
                    case.measured_minutes,
                    "hari" if case.berkas_id else "menit",
                    str(case.rule.get_remedy_display()),
                    case.rule.ruleset.number,
                    str(case.get_status_display()),
                    str(case.get_remedy_given_display()) if case.remedy_given else "",
                    _person(case.given_by),
                    _local(case.given_at, tz),
                    voucher.code if voucher else "",
                    case.note,
                ]
            )
            for column in (1, 15):
                sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd hh:mm"
    for index, title in enumerate(REGISTER_HEADER, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(title) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = _today(unit).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="register-kompensasi-{unit.slug}-{stamp}.xlsx"'
    return response


@staff_required
def case_correct(request, slug, pk):
    """Correct how a handled case was recorded; the audit log keeps before, after and why."""
    unit = _unit(request, slug, change=True)
    case = get_visible_or_404(
        CompensationCase.objects.filter(unit=unit).select_related("rule", "ticket", "berkas", "service"), pk=pk
    )
    form = CorrectionForm(request.POST or None, case=case, initial={"status": case.status, "remedy": case.remedy_given})
    if request.method == "POST" and form.is_valid():
        try:
            services.compensation_correct(
                case=case,
                status=form.cleaned_data["status"],
                remedy=form.cleaned_data["remedy"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The correction is recorded."))
            return redirect("compensation:register", unit.slug)
    return render(request, "queues/compensation/correct.html", {"unit": unit, "case": case, "form": form})


# --- Summary -------------------------------------------------------------------------------


@staff_required
@require_GET
def summary(request, slug):
    unit = _unit(request, slug)
    today = _today(unit)
    start, end = today.replace(day=1) - dt.timedelta(days=1), today
    start = start.replace(day=1)  # this month and the previous one
    form = SummaryPeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    result = selectors.compensation_summary(unit=unit, start=start, end=end)
    charts = {
        "by_service": bar_chart(
            title=_("Compensation cases per service"),
            data=[(g.label, g.cases) for g in result.by_service],
            value_label=_("cases"),
            category_label=_("Service"),
        ),
        "by_month": bar_chart(
            title=_("Compensation cases per month"),
            data=[(g.key.strftime("%m/%Y"), g.cases) for g in result.by_month],
            value_label=_("cases"),
            category_label=_("Month"),
        ),
    }
    return render(
        request,
        "queues/compensation/summary.html",
        {"unit": unit, "form": form, "summary": result, "charts": charts, "start": start, "end": end},
    )


def unit_links(unit) -> dict[str, str]:
    """Addresses of the compensation pages, for other pages that link here."""
    return {
        name: reverse(f"compensation:{name}", args=[unit.slug])
        for name in ("rules", "register", "summary", "poster_pdf")
    }
