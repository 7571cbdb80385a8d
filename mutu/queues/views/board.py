"""The public display board of a location (a TV page) and the JSON it polls every 3 seconds."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mutu.organisations.models import Location
from mutu.queues.selectors import board as sel


def _location(slug: str) -> Location:
    try:
        return sel.board_location(slug=slug)
    except Location.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@never_cache
def board(request, slug: str):
    location = _location(slug)
    return render(request, "queues/board/board.html", {"state": sel.board_state(location=location)})


@require_GET
@never_cache
def board_data(request, slug: str):
    """``?since=<call id>``: the calls after it (to announce), the number per counter, the last calls."""
    location = _location(slug)
    try:
        since = int(request.GET["since"])
    except (KeyError, ValueError):
        since = None
    return JsonResponse(sel.board_data(location=location, since=since))
