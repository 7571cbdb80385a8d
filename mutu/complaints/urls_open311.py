"""Open311 GeoReport v2 at /open311/v2/ (exact paths; the extension chooses XML or JSON)."""

from django.urls import re_path

from mutu.complaints import views_open311 as views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9_.-]+?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests_, name="requests"),
    re_path(r"^requests/(?P<request_id>[A-Za-z0-9_-]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_-]+)" + FMT, views.token, name="token"),
]
