"""Meta's webhook endpoints: ``/webhooks/whatsapp`` and ``/webhooks/instagram``.

The paths are given to Meta exactly as written: no trailing slash, so no APPEND_SLASH redirect
(a redirect would lose the POST body and Meta would count the delivery as failed).
"""

from django.urls import path

from mutu.messaging import views_webhooks

app_name = "webhooks"

urlpatterns = [
    path("whatsapp", views_webhooks.whatsapp, name="whatsapp"),
    path("instagram", views_webhooks.instagram, name="instagram"),
]
