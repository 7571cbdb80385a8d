"""Pages of the survey kiosk: the unit's device list, one-time registration, the kiosk itself.

The kiosk page is one static shell (the same for every tablet, so the service worker can
keep it offline); ``kiosk.js`` loads the tablet's configuration from the API with the
device token and queues answers in IndexedDB until they are sent.
"""

from __future__ import annotations

import hashlib
import json

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.organisations.selectors import units_managed_by
from mutu.surveys.api import DEVICE_COOKIE, DEVICE_HEADER
from mutu.surveys.forms_kiosk import SurveyDeviceForm
from mutu.surveys.models import SurveyDevice
from mutu.surveys.selectors_kiosk import device_for_registration, devices_of_unit
from mutu.surveys.services_kiosk import (
    create_survey_device,
    register_survey_device,
    renew_survey_device_link,
    revoke_survey_device,
)

NEW_LINK_SESSION_KEY = "surveys.kiosk.new_link"
DEVICE_COOKIE_MAX_AGE = 5 * 365 * 24 * 3600
DOC_PATH = settings.BASE_DIR / "docs" / "kiosk-https.md"
# Files the service worker keeps for offline use (static names; hashed in production).
SHELL_STATIC = [
    "core/mutu.css",
    "surveys/kiosk.css",
    "surveys/kiosk.js",
    "surveys/kiosk-face-very_sad.svg",
    "surveys/kiosk-face-sad.svg",
    "surveys/kiosk-face-neutral.svg",
    "surveys/kiosk-face-happy.svg",
    "surveys/kiosk-face-very_happy.svg",
    "surveys/kiosk-icon-192.png",
    "surveys/kiosk-icon-512.png",
]


# --- Staff: the unit's kiosks ------------------------------------------------------------------


def _managed_unit(request, unit_slug: str):
    return get_visible_or_404(units_managed_by(user=request.user), slug=unit_slug)


def _device_of(unit, device_id: int) -> SurveyDevice:
    return get_visible_or_404(SurveyDevice.objects.filter(unit=unit).select_related("unit"), pk=device_id)


def _registration_link(request, code: str) -> str:
    return request.build_absolute_uri(reverse("surveys:kiosk_register", args=[code]))


@staff_required
@require_http_methods(["GET", "POST"])
def devices(request, unit_slug):
    unit = _managed_unit(request, unit_slug)
    now = timezone.now()
    if request.method == "POST":
        form = SurveyDeviceForm(request.POST, unit=unit)
        if form.is_valid():
            data = form.cleaned_data
            try:
                device, code = create_survey_device(
                    unit=unit,
                    location=data["location"],
                    counter=data["counter"],
                    name=data["name"],
                    by=request.user,
                    now=now,
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                request.session[NEW_LINK_SESSION_KEY] = {"device": device.pk, "code": code}
                return redirect("surveys:devices", unit.slug)
    else:
        form = SurveyDeviceForm(unit=unit)

    new_link = None
    fresh = request.session.pop(NEW_LINK_SESSION_KEY, None)
    device_list = list(devices_of_unit(unit=unit))
    if fresh:
        device = next((d for d in device_list if d.pk == fresh.get("device")), None)
        if device is not None:
            url = _registration_link(request, fresh["code"])
            new_link = {
                "device": device,
                "url": url,
                "qr": segno.make(url, error="m").svg_inline(
                    scale=4, omitsize=True, title=_("QR code of the registration link")
                ),
            }
    return render(
        request,
        "surveys/devices.html",
        {
            "unit": unit,
            "devices": device_list,
            "form": form,
            "new_link": new_link,
            "now": now,
            "kiosk_url": request.build_absolute_uri(reverse("surveys:kiosk")),
            "secure": request.is_secure() or request.get_host().split(":")[0] in ("localhost", "127.0.0.1"),
        },
    )


@staff_required
@require_POST
def device_revoke(request, unit_slug, device_id):
    unit = _managed_unit(request, unit_slug)
    device = _device_of(unit, device_id)
    try:
        revoke_survey_device(device=device, by=request.user, now=timezone.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s was revoked: it can no longer send answers.") % {"name": device.name})
    return redirect("surveys:devices", unit.slug)


@staff_required
@require_POST
def device_renew_link(request, unit_slug, device_id):
    unit = _managed_unit(request, unit_slug)
    device = _device_of(unit, device_id)
    try:
        code = renew_survey_device_link(device=device, by=request.user, now=timezone.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        request.session[NEW_LINK_SESSION_KEY] = {"device": device.pk, "code": code}
    return redirect("surveys:devices", unit.slug)


@staff_required
@require_GET
def kiosk_https(request):
    try:
        text = DOC_PATH.read_text(encoding="utf-8")
    except OSError as exc:
        raise Http404 from exc
    return render(request, "surveys/devices_https.html", {"text": text})


# --- The tablet --------------------------------------------------------------------------------


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the link holds a secret: never sent to other sites
    return response


@require_http_methods(["GET", "POST"])
def kiosk_register(request, code):
    """Open once on the tablet: a tap registers it; the token goes to localStorage and a cookie."""
    now = timezone.now()
    if request.method == "GET":
        device = device_for_registration(code=code, now=now)
        if device is None:
            return _no_store(render(request, "surveys/kiosk_register.html", {"invalid": True}, status=404))
        return _no_store(render(request, "surveys/kiosk_register.html", {"device": device}))
    try:
        device, token = register_survey_device(code=code, now=now)
    except ApplicationError as exc:
        return _no_store(
            render(request, "surveys/kiosk_register.html", {"invalid": True, "error": exc.message}, status=404)
        )
    response = render(
        request,
        "surveys/kiosk_registered.html",
        {"device": device, "token": token, "kiosk_url": reverse("surveys:kiosk")},
    )
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=getattr(settings, "HTTPS", False),
    )
    return _no_store(response)


def _kiosk_strings() -> dict[str, str]:
    return {
        "title": _("Satisfaction survey"),
        "start": _("Start the survey"),
        "start_lead": _("Tell us how we served you. It takes about a minute and you stay anonymous."),
        "voice_on": _("Turn on voice"),
        "voice_off": _("Turn off voice"),
        "read_aloud": _("Read aloud"),
        "question_of": _("Question %(n)s of %(total)s"),
        "back": _("Back"),
        "skip": _("Skip"),
        "next": _("Next"),
        "about_you": _("About you (you may skip this)"),
        "service_title": _("Which service did you receive?"),
        "suggestion_title": _("Your suggestion for us"),
        "suggestion_help": _("You may leave this empty. Please do not write your name or phone number."),
        "send": _("Send my answers"),
        "thanks_title": _("Thank you!"),
        "thanks_text": _("Your answers were saved. The survey starts again for the next visitor."),
        "done": _("Finish"),
        "idle_title": _("Are you still there?"),
        "idle_text": _("The survey starts again in %(n)s seconds."),
        "idle_continue": _("Continue the survey"),
        "pending_one": ngettext("%(n)s answer waiting to be sent", "%(n)s answers waiting to be sent", 1),
        "pending_other": ngettext("%(n)s answer waiting to be sent", "%(n)s answers waiting to be sent", 2),
        "all_sent": _("All answers have been sent."),
        "offline": _("No network: answers are kept on this tablet and sent later."),
        "not_registered": _(
            "This tablet is not registered as a survey kiosk, or it was revoked. "
            "Ask the unit administrator for a registration link."
        ),
        "no_config": _("The survey could not be loaded. Check the network; the kiosk tries again by itself."),
        "disability_counter": _("Disability counter"),
        "choose_answer": _("Please choose an answer."),
        "type_answer": _("Please write an answer."),
    }


@require_GET
def kiosk(request):
    response = render(
        request,
        "surveys/kiosk.html",
        {
            "strings": _kiosk_strings(),
            "config_url": reverse("api:survey_kiosk_config"),
            "responses_url": reverse("api:survey_kiosk_responses"),
            "sw_url": reverse("surveys:kiosk_sw"),
            "faces_url": static("surveys/kiosk-face-neutral.svg").replace("neutral", "{face}"),
            "device_header": DEVICE_HEADER,
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


def _shell_urls() -> list[str]:
    return [reverse("surveys:kiosk")] + [static(path) for path in SHELL_STATIC]


def _shell_version(urls: list[str]) -> str:
    digest = hashlib.sha256("\n".join(urls).encode())
    for path in SHELL_STATIC:
        found = finders.find(path)
        if found:
            with open(found, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:16]


@require_GET
def kiosk_service_worker(request):
    urls = _shell_urls()
    response = render(
        request,
        "surveys/kiosk_sw.js",
        {
            "version": _shell_version(urls),
            "shell": json.dumps(urls),
            "kiosk_url": json.dumps(reverse("surveys:kiosk")),
            "config_url": json.dumps(reverse("api:survey_kiosk_config")),
            "static_prefix": json.dumps(settings.STATIC_URL),
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = reverse("surveys:kiosk")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def kiosk_manifest(request):
    kiosk_url = reverse("surveys:kiosk")
    manifest = {
        "name": _("Satisfaction survey") + " · mutu",
        "short_name": _("Survey"),
        "lang": "id",
        "start_url": kiosk_url,
        "scope": kiosk_url,
        "display": "fullscreen",
        "background_color": "#f3f4f5",
        "theme_color": "#005a70",
        "icons": [
            {"src": static("surveys/kiosk-icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("surveys/kiosk-icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("surveys/kiosk-icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
