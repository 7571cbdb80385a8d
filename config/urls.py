from django.contrib import admin
from django.urls import include, path

from mutu.core.admin import restrict_admin_to_superusers
from mutu.core.api import api

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    path("", include("mutu.standards.public_urls")),
    path("akun/", include("mutu.core.urls")),
    path("kelola/", include("mutu.organisations.urls")),
    path("kelola/standar/", include("mutu.standards.urls")),
    path("kelola/statistik-antrean/", include("mutu.queues.urls_stats")),
    path("kelola/percakapan/", include("mutu.messaging.urls_staff")),
    path("kelola/kompensasi/", include("mutu.queues.urls_compensation")),
    path("kelola/loket/", include("mutu.queues.urls_console")),
    path("papan/", include("mutu.queues.urls_board")),
    path("berkas/", include("mutu.queues.urls_berkas")),
    path("antrean/", include("mutu.queues.urls_kiosk")),
    path("kelola/antrean/", include("mutu.queues.urls_setup")),
    path("", include("mutu.surveys.urls")),
    path("", include("mutu.complaints.urls")),
    path("open311/v2/", include("mutu.complaints.urls_open311")),
    # Exact paths given to Meta: no trailing slash, no redirect.
    path("webhooks/", include("mutu.messaging.urls_webhooks")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
