"""Survey endpoints of the JSON API (wired into the one NinjaAPI by mutu.core.api).

- The kiosk endpoints authenticate the tablet by its device token (``Authorization: Device
  <token>``), never by a session: sessions and CSRF tokens expire while a tablet is offline.
  A registered tablet also holds the token in an HttpOnly, SameSite=Strict cookie; it counts
  only together with the ``X-Mutu-Kiosk`` header, which a cross-site form cannot send.
- Staff endpoints use the session (with CSRF for writes) and the unit scope of the pages.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from ninja.security.http import HttpAuthBase

from mutu.core.permissions import get_visible_or_404
from mutu.surveys.calculations import IkmResult
from mutu.surveys.schemas import (
    IkmOut,
    KioskBatchIn,
    KioskBatchOut,
    KioskConfigOut,
    ResponseIn,
    ResponseOut,
)
from mutu.surveys.selectors import Slice, ikm_for, result_unit_scope, surveys_managed_by, surveys_visible_to
from mutu.surveys.selectors_kiosk import device_from_token, kiosk_config
from mutu.surveys.services_kiosk import (
    DUPLICATE,
    REJECTED,
    STORED,
    KioskItem,
    submit_api_response,
    submit_kiosk_batch,
    touch_survey_device,
)

router = Router(tags=["surveys"])

DEVICE_COOKIE = "mutu_survey_kiosk"
DEVICE_HEADER = "X-Mutu-Kiosk"


class DeviceTokenAuth(HttpAuthBase):
    """``Authorization: Device <token>``; unknown or revoked token → 403, none at all → 401."""

    openapi_scheme = "device"

    def __call__(self, request: HttpRequest):
        token = ""
        scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "device":
            token = value.strip()
        elif request.headers.get(DEVICE_HEADER):
            token = request.COOKIES.get(DEVICE_COOKIE, "")
        if not token:
            return None
        device = device_from_token(token=token)
        if device is None or device.revoked_at is not None:
            raise HttpError(403, _("This kiosk is not registered or was revoked. Ask the unit administrator."))
        return device


device_auth = DeviceTokenAuth()


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value


@router.get(
    "/surveys/kiosk/config",
    response=KioskConfigOut,
    auth=device_auth,
    url_name="survey_kiosk_config",
    operation_id="get_survey_kiosk_config",
    summary="A survey kiosk's configuration: its place, today's open survey and its questions",
)
def get_kiosk_config(request, response: HttpResponse):
    now = timezone.now()
    device = request.auth
    touch_survey_device(device=device, now=now)
    response["Cache-Control"] = "no-cache, private"
    return kiosk_config(device=device, now=now)


@router.post(
    "/surveys/kiosk/responses",
    response=KioskBatchOut,
    auth=device_auth,
    url_name="survey_kiosk_responses",
    operation_id="post_survey_kiosk_responses",
    summary="Store a batch of responses a kiosk queued (idempotent on each client_id)",
)
def post_kiosk_responses(request, payload: KioskBatchIn):
    items = [
        KioskItem(
            client_id=r.client_id,
            answered_at=_aware(r.answered_at),
            answers=r.answers,
            profile=r.profile,
            service_id=r.service_id,
            suggestion=r.suggestion,
            survey_id=r.survey_id,
        )
        for r in payload.responses
    ]
    results = submit_kiosk_batch(device=request.auth, items=items, now=timezone.now())
    return {
        "results": [{"client_id": r.client_id, "status": r.status, "errors": r.errors} for r in results],
        "stored": sum(r.status == STORED for r in results),
        "duplicate": sum(r.status == DUPLICATE for r in results),
        "rejected": sum(r.status == REJECTED for r in results),
    }


@router.post(
    "/surveys/{survey_id}/responses",
    response={200: ResponseOut, 201: ResponseOut},
    auth=django_auth,
    url_name="survey_responses",
    operation_id="post_survey_response",
    summary="Store one response from an integration (201 when new, 200 when its client_id was stored before)",
)
def post_survey_response(request, survey_id: int, payload: ResponseIn):
    survey = get_visible_or_404(surveys_managed_by(user=request.user).select_related("unit"), pk=survey_id)
    response, created = submit_api_response(
        survey=survey,
        by=request.user,
        now=timezone.now(),
        answers=payload.answers,
        client_id=payload.client_id,
        answered_at=_aware(payload.answered_at),
        profile=payload.profile,
        location_id=payload.location_id,
        gerai_id=payload.gerai_id,
        counter_id=payload.counter_id,
        service_id=payload.service_id,
        suggestion=payload.suggestion,
    )
    return Status(201 if created else 200, {"id": response.pk, "client_id": response.client_id, "created": created})


def ikm_json(result: IkmResult) -> dict:
    """The object ``mutu ikm --format json`` prints: nrr unrounded, ikm from the unrounded sum."""
    return {
        "respondents": result.respondents,
        "unsur": [
            {"code": u.code, "name": u.name, "answered": u.answered, "nrr": None if u.nrr is None else float(u.nrr)}
            for u in result.unsur
        ],
        "ikm": None if result.converted is None else float(result.converted),
        "ikm_weighted": None if result.weighted_4dp is None else float(result.weighted_4dp),
        "mutu": result.mutu,
        "kinerja": result.kinerja,
    }


@router.get(
    "/surveys/{survey_id}/ikm",
    response=IkmOut,
    auth=django_auth,
    url_name="survey_ikm",
    operation_id="get_survey_ikm",
    summary="The IKM of a survey (a tenant of an MPP sees its own unit's part)",
)
def get_survey_ikm(request, survey_id: int):
    survey = get_visible_or_404(surveys_visible_to(user=request.user), pk=survey_id)
    scope = result_unit_scope(user=request.user, survey=survey)
    result = ikm_for(survey=survey, slice=Slice(unit_id=scope) if scope is not None else None)
    return {"survey_id": survey.pk, "weight_mode": result.weight_mode, **ikm_json(result)}
