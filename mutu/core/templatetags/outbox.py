"""``{% unread_notification_count as n %}`` for the header's notifications link."""

from django import template

from mutu.core.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_mutu_unread_notifications", None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        request._mutu_unread_notifications = cached
    return cached
