"""The public catalogue: services, units, locations and the printable standard.

Everything here is readable without an account. Each view parses the request, reads
through a selector and renders; "today" is the date in the unit's (or location's) time
zone, so a new version comes into force at midnight where the unit serves.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mutu.organisations.models import OpeningHours, SpecialPeriod
from mutu.organisations.selectors import location_detail, upcoming_special_periods
from mutu.standards import selectors
from mutu.standards.models import Service, StandardVersion
from mutu.standards.presentation import completion_time_text, counter_time_text, fee_text

MAX_QUERY_LENGTH = 100

# How Indonesians name their three time zones; other zones are shown by their IANA name.
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url``, sized by the print stylesheet."""
    return segno.make(url, error="m").svg_inline(scale=3, omitsize=True, title=_("QR code of the page address"))


def _describe(version: StandardVersion | None) -> StandardVersion | None:
    """Attach the display texts of the time and fee components to a version."""
    if version is not None:
        version.fee_display = fee_text(version)
        version.completion_display = completion_time_text(version)
        version.counter_time_display = counter_time_text(version)
    return version


def _local_today(tz_name: str) -> datetime.date:
    return timezone.localdate(timezone=ZoneInfo(tz_name))


def service_page_url(service: Service) -> str:
    """The absolute address of a service's public page (printed and encoded on the PDF)."""
    path = reverse("public:service", args=[service.unit.slug, service.slug])
    return settings.SITE_URL + path


# --- Pages -------------------------------------------------------------------------


@require_GET
def home(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    units, groups = selectors.public_catalogue(today=timezone.localdate(), query=query)
    context = {
        "query": query,
        "units": units,
        "groups": groups,
        "result_count": sum(len(services) for _unit, services in groups),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        # Only the results, with the status line swapped out of band into the live region.
        return render(request, "standards/public/home.html#results", {**context, "oob": True})
    return render(request, "standards/public/home.html", context)


@require_GET
def unit(request, slug):
    try:
        unit = selectors.public_unit_detail(slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    today = _local_today(unit.timezone)
    services = selectors.public_services(today=today, unit=unit)
    categories: dict = {}
    for service in services:
        _describe(service.current)
        categories.setdefault(service.category_id, (service.category, []))[1].append(service)
    return render(
        request,
        "standards/public/unit.html",
        {
            "unit": unit,
            "categories": list(categories.values()),
            "service_count": len(services),
            "maklumat": selectors.current_maklumat(unit=unit, today=today),
        },
    )


@require_GET
def locations(request):
    return render(request, "standards/public/locations.html", {"locations": selectors.public_location_list()})


@require_GET
def location(request, slug):
    try:
        location = location_detail(slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    today = _local_today(location.timezone)
    by_day = {h.weekday: h for h in location.regular_hours}
    week = [(label, by_day.get(value)) for value, label in OpeningHours.Weekday.choices]
    periods = upcoming_special_periods(location=location, today=today)
    return render(
        request,
        "standards/public/location.html",
        {
            "location": location,
            "week": week,
            "special_hours": [p for p in periods if p.kind == SpecialPeriod.Kind.HOURS],
            "closures": [p for p in periods if p.kind == SpecialPeriod.Kind.CLOSED],
            "gerai_list": selectors.public_location_gerai(location=location),
            "tz_label": ZONE_LABELS.get(location.timezone, location.timezone),
        },
    )


def _service_context(unit_slug: str, service_slug: str) -> dict:
    try:
        unit = selectors.public_unit_by_slug(slug=unit_slug)
        today = _local_today(unit.timezone)
        service, version = selectors.public_service_detail(unit_slug=unit_slug, service_slug=service_slug, today=today)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return {
        "unit": service.unit,
        "service": service,
        "version": _describe(version),
        "requirements": list(version.requirements.all()),
        "steps": list(version.procedure_steps.all()),
        "decree_scan_id": version.decree_scan_id,
        "maklumat": selectors.current_maklumat(unit=service.unit, today=today),
        "today": today,
        "page_url": service_page_url(service),
    }


@require_GET
def service(request, unit_slug, service_slug):
    return render(request, "standards/public/service.html", _service_context(unit_slug, service_slug))


@require_GET
def service_pdf(request, unit_slug, service_slug):
    context = _service_context(unit_slug, service_slug)
    context["qr_svg"] = qr_svg(context["page_url"])
    context["printed_on"] = context["today"]
    html = render_to_string("standards/service_standard_pdf.html", context, request=request)
    pdf = render_pdf(html)
    filename = f"standar-pelayanan-{context['unit'].slug}-{context['service'].slug}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- PDF rendering -----------------------------------------------------------------


def render_pdf(html: str) -> bytes:
    """An A4 PDF of ``html`` with the print stylesheet; local files and data: URIs only."""
    import weasyprint  # imported here: it is slow to load and only the PDF needs it

    fetcher = weasyprint.URLFetcher(allowed_protocols=("file", "data"))
    stylesheet = weasyprint.CSS(filename=finders.find("standards/print.css"), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])
