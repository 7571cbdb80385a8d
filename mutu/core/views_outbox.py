"""Staff pages of the outbox: messages that could not be delivered, and one's own notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutu.core import outbox
from mutu.core.errors import ApplicationError
from mutu.core.models import Notification
from mutu.core.permissions import get_visible_or_404


@login_required
def outbox_list(request):
    if not outbox.can_see_outbox(user=request.user):
        raise Http404
    page = Paginator(outbox.outbox_problems(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/outbox.html", {"page": page, "max_attempts": outbox.MAX_ATTEMPTS})


@login_required
@require_POST
def outbox_retry(request, message_id: int):
    message = get_visible_or_404(outbox.outbox_visible_to(user=request.user), pk=message_id)
    try:
        outbox.retry_outbox_message(message=message, by=request.user, now=timezone.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The message will be sent again in a moment."))
    return redirect("core:outbox")


@login_required
def notification_list(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "core/notifications.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    now = timezone.now()
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    outbox.mark_notification_read(notification=notification, now=now)
    open_it = request.POST.get("open") and notification.url
    if open_it and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request):
    outbox.mark_all_notifications_read(user=request.user, now=timezone.now())
    return redirect("core:notifications")
