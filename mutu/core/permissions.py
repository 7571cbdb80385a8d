"""Unit-scoped permission helpers used by every app's views and API.

Visibility itself lives with the models (``units_visible_to`` and friends in
``mutu.organisations.selectors``); these helpers turn "not visible" into 404.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from mutu.organisations.selectors import is_staff_member


def get_visible_or_404(queryset: QuerySet, **lookup) -> Model:
    """Fetch one object from a visibility-filtered queryset; anything else is a 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def staff_required(view):
    """Logged in and holding at least one role (or a superuser); otherwise 403."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
