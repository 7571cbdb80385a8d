"""URLs of the complaints area 'intake' (joined into the one `complaints` namespace by urls.py).

Citizen paths are exact, without a trailing slash; staff paths live under ``kelola/pengaduan/``.
"""

from django.urls import path

from mutu.complaints import views_intake as views

urlpatterns = [
    path("pengaduan/baru", views.new, name="new"),
    path("pengaduan/<str:code>/konfirmasi", views.confirm_email, name="confirm_email"),
    path("pengaduan/<str:code>/konfirmasi-wa", views.confirm_phone, name="confirm_phone"),
    path("lacak", views.track_lookup, name="track_lookup"),
    path("lacak/<str:code>", views.track, name="track"),
    path("kelola/pengaduan/catat/", views.record, name="record"),
    path("kelola/pengaduan/catat/media-sosial/", views.record_social, name="record_social"),
    path("kelola/pengaduan/bukti/<int:evidence_id>/", views.evidence, name="evidence"),
]
