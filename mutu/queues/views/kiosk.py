"""Public pages of counter service: the kiosk, the on-screen / printed ticket, the live status page.

The kiosk works as plain forms (the step is in the query string: ``?gerai=…&layanan=…``)
and is boosted by htmx when JavaScript runs. A registered tablet carries a signed cookie
with its secret and gets a much higher rate limit than an unknown device.
"""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.ratelimit import client_ip, hit
from mutu.queues.forms_kiosk import KioskTicketForm, TicketNoticeFields
from mutu.queues.models import QueueLine, Ticket, TicketNotice
from mutu.queues.selectors import tickets as selectors
from mutu.queues.selectors.schedule import location_schedule
from mutu.queues.services import notices
from mutu.queues.services.tickets import issue_refusal
from mutu.surveys.selectors_public import ticket_survey_is_open

KIOSK_COOKIE = "mutu_kiosk"
KIOSK_COOKIE_SALT = "mutu.queues.kiosk"
KIOSK_COOKIE_MAX_AGE = 5 * 365 * 24 * 3600
# Tickets per minute: one unknown device (or one NAT address) vs a registered kiosk tablet.
RATE_LIMIT_ANONYMOUS = 10
RATE_LIMIT_KIOSK = 300
RATE_PERIOD = 60
PAPER_WIDTHS = ("80", "58")
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _paper(request) -> str:
    value = request.GET.get("kertas", "")
    return value if value in PAPER_WIDTHS else "80"


def _registered_kiosk(request, location):
    secret = request.get_signed_cookie(KIOSK_COOKIE, default="", salt=KIOSK_COOKIE_SALT)
    return selectors.kiosk_from_secret(secret=secret, location=location)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _line_at(location, line_id: int) -> QueueLine:
    line = QueueLine.objects.select_related("service", "gerai").filter(gerai__location=location, pk=line_id).first()
    if line is None:
        raise Http404
    return line


def _rate_limited(request, location) -> HttpResponse:
    response = render(
        request,
        "queues/kiosk/rate_limited.html",
        {
            "location": location,
            "message": _("Too many tickets were requested from this device. Please wait a minute and try again."),
        },
        status=429,
    )
    response["Retry-After"] = str(RATE_PERIOD)
    return response


@require_http_methods(["GET", "POST"])
def kiosk(request, slug):
    try:
        location = selectors.public_location(slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    now = timezone.now()
    today = timezone.localdate(now, timezone=ZoneInfo(location.timezone))
    registered = _registered_kiosk(request, location)
    paper = _paper(request) if request.method == "GET" else (request.POST.get("kertas") or "80")
    paper = paper if paper in PAPER_WIDTHS else "80"

    form = None
    if request.method == "POST":
        if registered is not None:
            allowed = hit(f"kiosk:k{registered.pk}", limit=RATE_LIMIT_KIOSK, period=RATE_PERIOD)
        else:
            allowed = hit(f"kiosk:{client_ip(request)}", limit=RATE_LIMIT_ANONYMOUS, period=RATE_PERIOD)
        if not allowed:
            return _rate_limited(request, location)
        line_id = _int(request.POST.get("line"))
    else:
        line_id = _int(request.GET.get("layanan"))

    gerai_list = selectors.kiosk_choices(location=location, today=today)
    lines = {line.pk: line for g in gerai_list for line in g.kiosk_lines}
    gerai = None
    line = None
    if line_id is not None:
        # A line the kiosk does not offer (inactive, no standard in force) is still looked up at
        # this location, so that taking a ticket for it gets the service's clear refusal.
        line = lines.get(line_id) or _line_at(location, line_id)
        gerai = line.gerai
    elif request.GET.get("gerai"):
        gerai = next((g for g in gerai_list if g.pk == _int(request.GET.get("gerai"))), None)
        if gerai is None:
            raise Http404
    elif len(gerai_list) == 1:
        gerai = gerai_list[0]

    # WhatsApp notices are offered only when the line's unit has a WhatsApp number.
    offer_notice = line is not None and notices.notice_account(line=line) is not None
    if request.method == "POST":
        form = KioskTicketForm(request.POST, offer_notice=offer_notice)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = notices.issue_ticket_with_notice(
                    line=line,
                    priority_group=data["priority_group"],
                    voucher_code=data["voucher_code"],
                    kiosk=registered,
                    phone=data.get("whatsapp", ""),
                    consent=data.get("whatsapp_consent", False),
                    now=now,
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                url = reverse("kiosk:ticket", args=[ticket.public_token])
                return redirect(f"{url}?{urlencode({'kertas': paper})}" if paper != "80" else url)
    elif line is not None:
        form = KioskTicketForm(initial={"line": line.pk, "priority_group": ""}, offer_notice=offer_notice)

    step = 3 if line else 2 if gerai else 1
    refusal = issue_refusal(schedule=location_schedule(location=location), now=now, location=location)
    return render(
        request,
        "queues/kiosk/kiosk.html",
        {
            "location": location,
            "gerai_list": gerai_list,
            "gerai": gerai,
            "line": line,
            "form": form,
            "step": step,
            "single_gerai": len(gerai_list) == 1,
            "refusal": refusal,
            "paper": paper,
            "paper_query": "" if paper == "80" else f"&kertas={paper}",
            "registered": registered,
            "offer_notice": offer_notice,
            "notice_places": notices.places_ahead_setting(),
        },
    )


@require_GET
def kiosk_register(request, secret):
    """Open once on the tablet: stores the kiosk's secret in a signed cookie, then shows the kiosk."""
    registered = selectors.kiosk_from_secret(secret=secret)
    if registered is None:
        raise Http404
    response = redirect("kiosk:kiosk", registered.location.slug)
    response.set_signed_cookie(
        KIOSK_COOKIE,
        secret,
        salt=KIOSK_COOKIE_SALT,
        max_age=KIOSK_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=getattr(settings, "HTTPS", False),
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


def status_url(ticket: Ticket) -> str:
    """The absolute address of the live status page (encoded in the ticket's QR code)."""
    return settings.SITE_URL + reverse("kiosk:status", args=[ticket.public_token])


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True, title=_("QR code of the ticket's status page"))


def _ticket_or_404(token: str) -> selectors.TicketStatus:
    try:
        return selectors.ticket_status(token=token)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _notice_of(ticket: Ticket) -> TicketNotice | None:
    return TicketNotice.objects.filter(ticket=ticket).select_related("contact").first()


def _notice_context(status: selectors.TicketStatus, form: TicketNoticeFields | None = None) -> dict:
    """The ticket's WhatsApp notice (its number masked), or the form to ask for one while the
    ticket waits today and the unit has a WhatsApp number."""
    ticket = status.ticket
    notice = _notice_of(ticket)
    offer = form is not None or (
        notice is None and status.ahead is not None and notices.notice_account(line=ticket.line) is not None
    )
    return {
        "notice": notice,
        "notice_phone": notices.masked_phone(notice.contact.phone) if notice else "",
        "notice_form": (form or TicketNoticeFields()) if offer else None,
        "notice_places": notices.places_ahead_setting(),
    }


@require_GET
def ticket(request, token):
    status = _ticket_or_404(token)
    ticket = status.ticket
    url = status_url(ticket)
    notice = _notice_of(ticket)
    response = render(
        request,
        "queues/kiosk/ticket.html",
        {
            "status": status,
            "ticket": ticket,
            "location": ticket.location,
            "status_url": url,
            "qr": qr_svg(url),
            "paper": _paper(request),
            "tz_label": ZONE_LABELS.get(ticket.location.timezone, ticket.location.timezone),
            "kiosk_url": reverse("kiosk:kiosk", args=[ticket.location.slug])
            + ("" if _paper(request) == "80" else f"?kertas={_paper(request)}"),
            "notice_phone": notices.masked_phone(notice.contact.phone) if notice else "",
        },
    )
    if getattr(request, "htmx", None):
        # A boosted "Ambil nomor" arrives here through a redirect: show the ticket's own address.
        response["HX-Push-Url"] = request.get_full_path()
    return response


def survey_url(ticket: Ticket) -> str | None:
    """The satisfaction survey of a served ticket, when an open survey covers it."""
    if not ticket_survey_is_open(ticket=ticket, now=timezone.now()):
        return None
    return reverse("surveys:ticket_survey", args=[ticket.public_token])


def _status_context(status: selectors.TicketStatus) -> dict:
    ticket = status.ticket
    return {
        "status": status,
        "ticket": ticket,
        "survey_url": survey_url(ticket) if ticket.status == Ticket.Status.DONE else None,
        "checked_at": timezone.now(),
        "tz_label": ZONE_LABELS.get(ticket.location.timezone, ticket.location.timezone),
    }


@require_GET
def status(request, token):
    status = _ticket_or_404(token)
    context = _status_context(status)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "queues/kiosk/status.html#live", {**context, "oob": True})
    return render(request, "queues/kiosk/status.html", {**context, **_notice_context(status)})


@require_POST
def ticket_notice(request, token):
    """Ask for WhatsApp notices after the ticket was printed (from the QR code's status page)."""
    status = _ticket_or_404(token)
    ticket = status.ticket
    if not hit(f"ticket-notice:{client_ip(request)}", limit=RATE_LIMIT_ANONYMOUS, period=RATE_PERIOD):
        return _rate_limited(request, ticket.location)
    form = TicketNoticeFields(request.POST)
    if form.is_valid():
        try:
            notices.request_ticket_notice(
                ticket=ticket,
                phone=form.cleaned_data["whatsapp"],
                consent=form.cleaned_data["whatsapp_consent"],
                now=timezone.now(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("kiosk:status", ticket.public_token)
    context = {**_status_context(status), **_notice_context(status, form)}
    return render(request, "queues/kiosk/status.html", context, status=400)
