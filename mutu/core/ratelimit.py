"""A fixed-window rate limit for public writes (complaint forms, kiosks, surveys).

Counts live in the cache: Redis in production (shared by every app server),
the local-memory cache in the embedded setup (one process's count).
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    # Behind the TLS proxy the client is the first X-Forwarded-For hop; otherwise the peer.
    if getattr(settings, "HTTPS", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def hit(key: str, *, limit: int, period: int, now: float | None = None) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` hits fall in the window."""
    if not settings.RATELIMIT_ENABLED:
        return True
    window = int((now if now is not None else time.time()) // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 5)
        count = 1
    return count <= limit


def ratelimit(*, scope: str, limit: int, period: int, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view: more than ``limit`` requests per ``period`` seconds per client → 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods and not hit(f"{scope}:{client_ip(request)}", limit=limit, period=period):
                response = render(
                    request,
                    "core/rate_limited.html",
                    {"message": _("Too many requests. Please wait a moment and try again.")},
                    status=429,
                )
                response["Retry-After"] = str(period)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
