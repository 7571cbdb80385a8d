"""Berkas pages: the unit's list, receiving a file, its detail with state changes, the printed
receipt (tanda terima) and the public status page reached through the receipt's QR code.

Staff of the unit (and instansi-wide roles) see a unit's files; anyone else gets 404. Counter
officers, the unit admin and the unit head may receive and move files; read-only roles such as
the evaluator get 404 on every POST.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.core.ratelimit import ratelimit
from mutu.organisations.selectors import units_visible_to
from mutu.queues import forms_berkas as forms
from mutu.queues.models import Berkas
from mutu.queues.selectors import berkas as selectors
from mutu.queues.services import berkas as services
from mutu.standards.presentation import completion_time_text
from mutu.standards.public_views import ZONE_LABELS, qr_svg

PAGE_SIZE = 50


def _unit(user, slug):
    return get_visible_or_404(units_visible_to(user=user).select_related("instansi"), slug=slug)


def _berkas(user, pk) -> Berkas:
    try:
        return selectors.berkas_detail(pk=pk, user=user)
    except Berkas.DoesNotExist as exc:
        raise Http404 from exc


def _require_handler(user, unit) -> None:
    if not selectors.can_handle_berkas(user=user, unit=unit):
        raise Http404


def tracking_url(berkas: Berkas) -> str:
    """The absolute address printed (and encoded as QR) on the receipt."""
    return settings.SITE_URL + reverse("berkas:track", args=[berkas.public_token])


# --- Staff pages ---------------------------------------------------------------------------------


@staff_required
@require_GET
def unit_list(request, slug):
    unit = _unit(request.user, slug)
    today = selectors.unit_today(unit)
    form = forms.FilterForm(request.GET or None)
    status, due = form.values()
    page = Paginator(selectors.berkas_for_unit(unit=unit, today=today, status=status, due=due), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "queues/berkas/list.html",
        {
            "unit": unit,
            "today": today,
            "form": form,
            "page": page,
            "counts": selectors.berkas_counts(unit=unit, today=today),
            "can_handle": selectors.can_handle_berkas(user=request.user, unit=unit),
            "filtered": bool(status or due),
        },
    )


@staff_required
def receive(request, slug):
    unit = _unit(request.user, slug)
    _require_handler(request.user, unit)
    today = selectors.unit_today(unit)
    service_list = selectors.working_day_services(unit=unit, today=today)
    choice = forms.ServiceChoiceForm(request.GET if "service" in request.GET else None, services=service_list)
    service = choice.chosen() if choice.is_bound and choice.is_valid() else None
    form, status = None, 200

    if request.method == "POST":
        posted = forms.ServiceChoiceForm({"service": request.POST.get("service")}, services=service_list)
        if not posted.is_valid():
            messages.error(request, _("This service is not received over days here. Choose the service again."))
            return redirect("berkas:receive", unit.slug)
        service = posted.chosen()
        choice = forms.ServiceChoiceForm(initial={"service": service.pk}, services=service_list)
        form = forms.ReceiveForm(request.POST, service=service)
        if form.is_valid():
            d = form.cleaned_data
            try:
                berkas = services.receive_berkas(
                    unit=unit,
                    service=service,
                    applicant_name=d["applicant_name"],
                    applicant_phone=d["applicant_phone"],
                    present_requirements=d["requirements"],
                    note=d["note"],
                    by=request.user,
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("File received with number %(number)s. Print the receipt for the applicant.")
                    % {"number": berkas.receipt_number},
                )
                return redirect("berkas:detail", berkas.pk)
        status = 422
    elif service is not None:
        form = forms.ReceiveForm(service=service)

    context = {
        "unit": unit,
        "choice": choice,
        "service": service,
        "form": form,
        "services": service_list,
        "completion": completion_time_text(service.current) if service else "",
    }
    htmx = getattr(request, "htmx", None)
    if request.method == "GET" and htmx and not htmx.history_restore_request:
        return render(request, "queues/berkas/receive.html#checklist", context)
    return render(request, "queues/berkas/receive.html", context, status=status)


def _render_detail(request, berkas, *, return_form=None, status=200):
    unit = berkas.unit
    return render(
        request,
        "queues/berkas/detail.html",
        {
            "berkas": berkas,
            "unit": unit,
            "requirements": list(berkas.requirements.all()),
            "can_handle": selectors.can_handle_berkas(user=request.user, unit=unit),
            "return_form": return_form or forms.ReturnForm(),
            "is_late": selectors.is_late(berkas),
            "tracking_url": tracking_url(berkas),
            "tz_label": ZONE_LABELS.get(unit.timezone, unit.timezone),
            "S": Berkas.Status,
        },
        status=status,
    )


@staff_required
@require_GET
def detail(request, pk):
    return _render_detail(request, _berkas(request.user, pk))


def _state_change(request, pk, change, done_message):
    berkas = _berkas(request.user, pk)
    _require_handler(request.user, berkas.unit)
    try:
        change(berkas=berkas, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message % {"number": berkas.receipt_number})
    return redirect("berkas:detail", berkas.pk)


@staff_required
@require_POST
def start_processing(request, pk):
    return _state_change(request, pk, services.start_processing, _("File %(number)s is being processed."))


@staff_required
@require_POST
def mark_ready(request, pk):
    return _state_change(request, pk, services.mark_ready, _("File %(number)s is finished and ready to collect."))


@staff_required
@require_POST
def mark_collected(request, pk):
    return _state_change(request, pk, services.mark_collected, _("File %(number)s was collected."))


@staff_required
@require_POST
def return_incomplete(request, pk):
    berkas = _berkas(request.user, pk)
    _require_handler(request.user, berkas.unit)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_incomplete(berkas=berkas, reason=form.cleaned_data["reason"], by=request.user)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            done = _("File %(number)s was returned to the applicant.")
            messages.success(request, done % {"number": berkas.receipt_number})
            return redirect("berkas:detail", berkas.pk)
    return _render_detail(request, berkas, return_form=form, status=422)


# --- The printed receipt ------------------------------------------------------------------------


def render_receipt_pdf(html: str) -> bytes:
    """An A5 PDF of ``html`` with the receipt stylesheet; local files and data: URIs only."""
    import weasyprint  # slow to import; only the PDF needs it

    fetcher = weasyprint.URLFetcher(allowed_protocols=("file", "data"))
    stylesheet = weasyprint.CSS(filename=finders.find("queues/receipt.css"), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


@staff_required
@require_GET
@never_cache
def receipt_pdf(request, pk):
    berkas = _berkas(request.user, pk)
    unit = berkas.unit
    version = berkas.standard_version
    received_on = berkas.received_at.astimezone(ZoneInfo(unit.timezone)).date()
    url = tracking_url(berkas)
    context = {
        "berkas": berkas,
        "unit": unit,
        "version": version,
        "requirements": list(berkas.requirements.all()),
        "completion": completion_time_text(version),
        "tz_label": ZONE_LABELS.get(unit.timezone, unit.timezone),
        "tracking_url": url,
        "qr_svg": qr_svg(url),
        "late_rule": selectors.late_rule_text(unit=unit, today=received_on),
        "printed_at": timezone.now(),
    }
    html = render_to_string("queues/berkas/receipt_pdf.html", context, request=request)
    response = HttpResponse(render_receipt_pdf(html), content_type="application/pdf")
    filename = "tanda-terima-" + berkas.receipt_number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- Public status page -------------------------------------------------------------------------


@require_GET
@ratelimit(scope="berkas-track", limit=60, period=60, methods=("GET",))
def track(request, token):
    try:
        status = selectors.public_berkas_status(token=token)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    order = [Berkas.Status.RECEIVED, Berkas.Status.PROCESSING, Berkas.Status.READY, Berkas.Status.COLLECTED]
    at = order.index(status.status) if status.status in order else -1
    steps = [(step, "done" if i < at else "current" if i == at else "todo") for i, step in enumerate(order)]
    response = render(request, "queues/berkas/track.html", {"s": status, "steps": steps})
    response["X-Robots-Tag"] = "noindex"
    return response
