"""Meta's webhooks: the subscription handshake (GET) and signed deliveries (POST).

A delivery is checked (size, then signature over the raw bytes, before any parsing), stored raw
and acknowledged; a background task does the rest (``services_inbound.process_delivery``).  Meta
retries anything not answered 200 for days, so the view does as little as possible: one INSERT
and, on commit, one task enqueue.  A byte-identical replay hits the unique body hash and stores
nothing.

CSRF does not apply (Meta signs its requests instead); no session or cookie is touched.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mutu.messaging.models import Platform, WebhookDelivery

logger = logging.getLogger("mutu.messaging")

# Meta's deliveries are a few KB; anything this large is not from Meta.
MAX_BODY_BYTES = 1024 * 1024
# Meta's challenge is a short number; echo nothing longer.
MAX_CHALLENGE_CHARS = 200
ACKNOWLEDGED = "EVENT_RECEIVED"


def _secrets(platform: str) -> tuple[str, str]:
    """(verify token, app secret) of the platform."""
    if platform == Platform.INSTAGRAM:
        return settings.INSTAGRAM_VERIFY_TOKEN, settings.INSTAGRAM_APP_SECRET
    return settings.WHATSAPP_VERIFY_TOKEN, settings.WHATSAPP_APP_SECRET


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected value (not configured) never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def signature_is_valid(*, body: bytes, header: str, secret: str) -> bool:
    """``header`` is ``sha256=`` + the HMAC-SHA256 of the raw ``body`` keyed with ``secret``."""
    if not secret:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _same(header.strip().lower() if header else "", expected)


def _handshake(request: HttpRequest, platform: str) -> HttpResponse:
    verify_token, _secret = _secrets(platform)
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if mode != "subscribe" or not challenge or len(challenge) > MAX_CHALLENGE_CHARS or not _same(token, verify_token):
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    return HttpResponse(challenge, content_type="text/plain; charset=utf-8")


def _enqueue_processing(delivery_id: int) -> None:
    from mutu.messaging.tasks import process_webhook_delivery

    try:
        process_webhook_delivery.enqueue(delivery_id)
    except Exception:  # the periodic job processes it anyway
        logger.exception("could not enqueue processing of webhook delivery %s", delivery_id)


def _receive(request: HttpRequest, platform: str) -> HttpResponse:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return HttpResponse("too large", status=413, content_type="text/plain")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse("too large", status=413, content_type="text/plain")
    _token, secret = _secrets(platform)
    if not signature_is_valid(body=body, header=request.headers.get("X-Hub-Signature-256", ""), secret=secret):
        return HttpResponseForbidden("bad signature", content_type="text/plain")
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                platform=platform,
                body=body.decode("utf-8", "replace"),
                body_sha256=digest,
                received_at=timezone.now(),
            )
            transaction.on_commit(partial(_enqueue_processing, delivery.pk))
    except IntegrityError:
        pass  # the same bytes again (Meta retried): stored and queued the first time
    return HttpResponse(ACKNOWLEDGED, content_type="text/plain")


def _webhook(request: HttpRequest, platform: str) -> HttpResponse:
    if request.method == "GET":
        return _handshake(request, platform)
    return _receive(request, platform)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    return _webhook(request, Platform.WHATSAPP)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def instagram(request: HttpRequest) -> HttpResponse:
    return _webhook(request, Platform.INSTAGRAM)
