"""Open311 GeoReport v2 endpoints: the extension chooses XML (required by the spec) or JSON.

GET is public and anonymous: published services, and requests that are not rahasia, without
any identity.  POST ``requests`` needs an ``api_key`` from ``settings.OPEN311_API_KEYS`` (key →
instansi slug); it is CSRF-exempt because the key, not a browser session, authenticates it.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from mutu.complaints import open311
from mutu.complaints import selectors_open311 as selectors
from mutu.complaints.models import Complaint
from mutu.complaints.selectors import normalise_tracking_code
from mutu.complaints.services_open311 import DESCRIPTION_MAX, submit_open311_request
from mutu.core.errors import ApplicationError
from mutu.core.ratelimit import hit

POST_LIMIT_PER_MINUTE = 60


def _refuse_nul(view):
    """A NUL character is never a value (PostgreSQL cannot even store it): 400 in the spec's form."""

    @functools.wraps(view)
    def wrapper(request, *args, fmt, **kwargs):
        for query in (request.GET, request.POST):
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return open311.errors(400, _("A parameter holds a null character."), fmt=fmt)
        return view(request, *args, fmt=fmt, **kwargs)

    return wrapper


def _jurisdiction(request, fmt):
    """(instansi or None, error response or None) from the optional ``jurisdiction_id``."""
    slug = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    if not slug:
        return None, None
    instansi = selectors.jurisdiction(slug)
    if instansi is None:
        return None, open311.errors(404, _("jurisdiction_id not found."), fmt=fmt)
    return instansi, None


@require_GET
@_refuse_nul
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    changeset = "2026-11-26T00:00:00Z"
    return open311.document(
        "discovery",
        {
            "changeset": changeset,
            "contact": _("The complaint verifier of each instansi, through the complaint form of this site."),
            "key_service": _("Ask the instansi's complaint administrator for an API key to post requests."),
            "endpoints": [
                {
                    "specification": open311.SPEC_URL,
                    "url": base,
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt=fmt,
    )


@require_GET
@_refuse_nul
def services(request, fmt):
    instansi, error = _jurisdiction(request, fmt)
    if error:
        return error
    today = timezone.localdate()
    records = [selectors.service_record(s) for s in selectors.published_services(today=today, instansi=instansi)]
    return open311.document("services", records, fmt=fmt)


@require_GET
@_refuse_nul
def service_definition(request, code, fmt):
    instansi, error = _jurisdiction(request, fmt)
    if error:
        return error
    service = selectors.service_by_code(code=code, today=timezone.localdate(), instansi=instansi)
    if service is None:
        return open311.errors(404, _("service_code %(code)s not found.") % {"code": code[:60]}, fmt=fmt)
    # metadata is false for every service: the definition has no attributes.
    return open311.document(
        "service_definition", {"service_code": selectors.service_code(service), "attributes": []}, fmt=fmt
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_refuse_nul
def requests_(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    instansi, error = _jurisdiction(request, fmt)
    if error:
        return error
    params = request.GET
    ids = None
    if params.get("service_request_id"):
        raw = [part.strip() for part in params["service_request_id"].split(",") if part.strip()]
        if not raw or not all(part.isdigit() and len(part) < 19 for part in raw):
            return open311.errors(400, _("service_request_id must be a comma-separated list of ids."), fmt=fmt)
        ids = [int(part) for part in raw]
    statuses = None
    if params.get("status"):
        statuses = [part.strip().lower() for part in params["status"].split(",") if part.strip()]
        if not statuses or not set(statuses) <= {"open", "closed"}:
            return open311.errors(400, _("status must be open or closed."), fmt=fmt)
    for name in ("start_date", "end_date"):
        if params.get(name) and open311.parse_iso(params[name]) is None:
            return open311.errors(400, _("%(name)s is not an ISO 8601 date-time.") % {"name": name}, fmt=fmt)
    start, end = open311.parse_iso(params.get("start_date", "")), open311.parse_iso(params.get("end_date", ""))
    if start and end:
        if end < start:
            return open311.errors(400, _("end_date is before start_date."), fmt=fmt)
        if end - start > selectors.MAX_SPAN:
            return open311.errors(400, _("start_date and end_date may not span more than 90 days."), fmt=fmt)
    elif start:
        end = start + selectors.MAX_SPAN
    elif end:
        start = end - selectors.MAX_SPAN
    elif ids is None:
        end = timezone.now()
        start = end - selectors.MAX_SPAN
    codes = [part.strip() for part in params.get("service_code", "").split(",") if part.strip()]
    found = selectors.filter_requests(
        selectors.public_requests(instansi=instansi),
        ids=ids,
        service_codes=codes,
        start=start,
        end=end,
        statuses=statuses,
    )
    return open311.document("requests", [selectors.request_record(c) for c in found], fmt=fmt)


def _create_request(request, fmt):
    data = request.POST
    api_key = (data.get("api_key") or "").strip()
    keys = getattr(settings, "OPEN311_API_KEYS", {}) or {}
    slug = keys.get(api_key) if api_key else None
    instansi = selectors.jurisdiction(slug) if slug else None
    if instansi is None:
        return open311.errors(403, _("Invalid api_key received: cannot create the request."), fmt=fmt)
    if data.get("jurisdiction_id") and data["jurisdiction_id"].strip() != instansi.slug:
        return open311.errors(403, _("This api_key may not post to that jurisdiction_id."), fmt=fmt)
    if not hit(f"open311:{slug}:{api_key[:8]}", limit=POST_LIMIT_PER_MINUTE, period=60):
        return open311.errors(429, _("Too many requests. Please wait a moment and try again."), fmt=fmt)
    problems = []
    code = (data.get("service_code") or "").strip()
    if not code:
        problems.append(_("service_code is required."))
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    address_string = (data.get("address_string") or "").strip()[:300]
    address_id = (data.get("address_id") or "").strip()[:120]
    lat_value = long_value = None
    if lat or long:
        try:
            lat_value, long_value = float(lat), float(long)
        except ValueError:
            problems.append(_("lat and long must both be decimal degrees."))
        else:
            if not (-90 <= lat_value <= 90 and -180 <= long_value <= 180):
                problems.append(_("lat and long must both be decimal degrees."))
    elif not address_string and not address_id:
        problems.append(_("A location is required: lat and long, address_string or address_id."))
    description = (data.get("description") or "").strip()
    if not description:
        problems.append(_("description is required."))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(_("description may have at most %(n)s characters.") % {"n": DESCRIPTION_MAX})
    email = (data.get("email") or "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            problems.append(_("email is not a valid address."))
    media_url = (data.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append(_("media_url is not a valid http(s) URL."))
    if problems:
        return open311.errors(400, *problems, fmt=fmt)
    service = selectors.service_by_code(code=code, today=timezone.localdate(), instansi=instansi)
    if service is None:
        return open311.errors(404, _("service_code %(code)s not found.") % {"code": code[:60]}, fmt=fmt)
    try:
        complaint = submit_open311_request(
            instansi=instansi,
            service=service,
            description=description,
            lat=lat_value,
            long=long_value,
            address_string=address_string,
            address_id=address_id,
            email=email,
            phone=(data.get("phone") or "").strip(),
            first_name=(data.get("first_name") or "").strip(),
            last_name=(data.get("last_name") or "").strip(),
            media_url=media_url[:500],
            now=timezone.now(),
        )
    except ApplicationError as exc:
        messages = [m for ms in exc.field_errors.values() for m in ms] or [exc.message]
        return open311.errors(400, *messages, fmt=fmt)
    notice = _("Received. Give the citizen the tracking code %(code)s: it opens the report's own page at %(url)s.") % {
        "code": complaint.tracking_code,
        "url": request.build_absolute_uri(f"/lacak/{complaint.tracking_code}"),
    }
    return open311.document(
        "requests",
        [{"service_request_id": str(complaint.pk), "service_notice": notice, "account_id": None}],
        fmt=fmt,
    )


@require_GET
@_refuse_nul
def request_detail(request, request_id, fmt):
    instansi, error = _jurisdiction(request, fmt)
    if error:
        return error
    complaint = None
    if request_id.isdigit() and len(request_id) < 19:
        complaint = selectors.public_requests(instansi=instansi).filter(pk=int(request_id)).first()
    if complaint is None:
        return open311.errors(404, _("service_request_id %(id)s not found.") % {"id": request_id[:40]}, fmt=fmt)
    return open311.document("requests", [selectors.request_record(complaint)], fmt=fmt)


@require_GET
@_refuse_nul
def token(request, token, fmt):
    """Tokens are the tracking codes handed to the citizen; each maps to its request's id."""
    complaint = (
        Complaint.objects.filter(tracking_code=normalise_tracking_code(token), is_confidential=False)
        .only("pk", "tracking_code")
        .first()
        if len(token) <= 20
        else None
    )
    if complaint is None:
        return open311.errors(404, _("token %(token)s not found.") % {"token": token[:20]}, fmt=fmt)
    return open311.document(
        "requests", [{"service_request_id": str(complaint.pk), "token": complaint.tracking_code}], fmt=fmt
    )
